import RdmaKit

/// The text view of a `gather` report: one block per group, largest first, the others with
/// what differs from the largest; then silent and bad hosts; then the exit statuses.
enum GatherView {
    static func render(_ r: GatherReport) -> String {
        var out = ""
        let answered = r.groups.reduce(0) { $0 + $1.hosts.count }
        out += "\(r.hostCount) hosts: \(answered) answered in \(r.groups.count) group\(r.groups.count == 1 ? "" : "s")"
        if !r.silent.isEmpty { out += ", \(r.silent.count) no answer" }
        if !r.bad.isEmpty { out += ", \(r.bad.count) bad output" }
        out += "\n"
        for (i, g) in r.groups.enumerated() {
            let n = g.hosts.count
            out += "\n[\(i + 1)] \(n) host\(n == 1 ? "" : "s")\(i == 0 && r.groups.count > 1 ? " (majority)" : ""): \(terminalSafe(g.folded))\n"
            out += "    exit \(g.exitCode)  \(terminalSafe(g.summary))\n"
            if i > 0 {
                for d in g.differences {
                    out += "    differs: \(terminalSafe(d.path)): \(terminalSafe(d.majority ?? "(absent)")) → \(terminalSafe(d.value ?? "(absent)"))\n"
                }
                if g.differencesTotal > g.differences.count {
                    out += "    … and \(g.differencesTotal - g.differences.count) more differences (--json has the whole verdict)\n"
                }
            }
        }
        if !r.silent.isEmpty {
            out += "\nno answer (\(r.silent.count)): \(terminalSafe(HostList.fold(r.silent.map(\.host))))\n"
            for m in r.silent { out += "    \(terminalSafe(m.host)): \(terminalSafe(m.reason))\n" }
        }
        if !r.bad.isEmpty {
            out += "\nbad output (\(r.bad.count)): \(terminalSafe(HostList.fold(r.bad.map(\.host))))\n"
            for m in r.bad { out += "    \(terminalSafe(m.host)): \(terminalSafe(m.reason))\n" }
        }
        if !r.engineMessages.isEmpty {
            out += "\nengine said:\n"
            for m in r.engineMessages.prefix(20) { out += "    \(terminalSafe(m))\n" }
            if r.engineMessages.count > 20 { out += "    … \(r.engineMessages.count - 20) more lines\n" }
        }
        if r.hostCount == 0 { return out }
        out += "\nexit \(r.exitCode): " + r.byExitCode.map { "\($0.code) ×\($0.hosts.count) \(terminalSafe($0.folded))" }.joined(separator: ", ") + "\n"
        return out
    }
}
