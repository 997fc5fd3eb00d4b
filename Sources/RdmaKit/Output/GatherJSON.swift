/// The `data` of a `gather` envelope (Docs/json-schema.md "gather"): counts, groups largest
/// first, hosts with no answer or bad output, and the exit status with hosts per status.
extension GatherReport {
    public var json: JSONValue {
        var d = JSONObjectBuilder()
        d.add("hosts", hostCount)
        d.add("answered", groups.reduce(0) { $0 + $1.hosts.count })
        d.add("exit_code", Int(exitCode))
        d.add("exit_codes", .array(byExitCode.map { entry in
            .object([("exit_code", .int(Int64(entry.code))), ("count", .int(Int64(entry.hosts.count))),
                     ("hosts", .string(entry.folded))])
        }))
        d.add("groups", .array(groups.enumerated().map { i, g in
            var o = JSONObjectBuilder()
            o.add("hosts", g.folded)
            o.add("count", g.hosts.count)
            o.add("majority", i == 0)
            o.add("exit_code", Int(g.exitCode))
            o.add("code", g.errorCode)
            o.add("summary", g.summary)
            if i > 0 {
                o.add("differs", .array(g.differences.map { diff in
                    var x = JSONObjectBuilder()
                    x.add("path", diff.path)
                    x.add("majority", diff.majority.map(JSONValue.string) ?? .null)
                    x.add("value", diff.value.map(JSONValue.string) ?? .null)
                    return x.value
                }))
                o.add("differs_total", g.differencesTotal)
            }
            o.add("host_list", .array(g.hosts.map(JSONValue.string)))
            o.add("verdict", g.verdict)
            return o.value
        }))
        func missing(_ list: [Missing]) -> JSONValue {
            .array(list.map { .object([("host", .string($0.host)), ("reason", .string($0.reason))]) })
        }
        d.add("no_answer", missing(silent))
        d.add("bad_output", missing(bad))
        d.add("engine_messages", .array(engineMessages.map(JSONValue.string)))
        return d.value
    }
}
