/// `doctor`'s JSON (`data` of the rdmactl/1 envelope; Docs/json-schema.md).
extension DoctorFinding {
    public var json: JSONValue {
        var o = JSONObjectBuilder()
        o.add("severity", severity.rawValue)
        o.add("code", code)
        o.add("device", device)
        o.add("path", path)
        o.add("message", message)
        o.add("hint", hint)
        o.add("exit_code", exitCode.map { Int($0.rawValue) })
        return o.value
    }
}

extension DoctorReport {
    public var json: JSONValue {
        var counts = JSONObjectBuilder()
        for s in DoctorFinding.Severity.allCases { counts.add(s.rawValue, count(s)) }
        var o = JSONObjectBuilder()
        o.add("verdict", deciding == nil ? "ok" : "blocked")
        o.add("exit_code", Int(exitCode.rawValue))
        o.add("counts", counts.value)
        o.add("findings", .array(findings.map(\.json)))
        return o.value
    }
}
