/// The lines Slurm, ClusterShell and pdsh write about a node — not the node's own output — so
/// `gather` can name a node that failed to launch and say why. Anything else an engine says is
/// kept as an engine message and shown, never dropped (issue 11: never hide engine failures).
///
/// Formats, from the engines' sources:
/// * srun (slurm `src/srun/libsrun/launch.c`, `src/srun/srun_job.c`):
///   `srun: error: Task launch for StepId=12.0 failed on node node4: Communication connection failure`
///   `srun: error: node2: task 1: Exited with exit code 69`, `srun: error: node3: task 2: Killed`
/// * clush (ClusterShell `CLI/Clush.py`, with `--maxrc` or not): `clush: node4: exited with exit code 255`,
///   `clush: node4: command timeout`; the node's own stderr arrives as `node4: ssh: connect to host …`.
/// * pdsh (`src/pdsh/dsh.c`): `pdsh@login1: node4: ssh exited with exit code 255`,
///   `pdsh@login1: node4: connect: Connection refused`, `pdsh@login1: node4: command timeout`.
public enum EngineMessage: Sendable, Equatable {
    /// The engine says the node's command ended with this status (its envelope says more).
    case exited(host: String, status: Int32)
    /// The node could not run the command, or it died: no answer is coming from it.
    case failed(host: String, reason: String)
    /// An engine line about no node in particular (allocation refused, a bad option).
    case engine(String)

    /// Parses one line; nil when it is not an engine's own line.
    public static func parse(_ line: Substring) -> EngineMessage? {
        if line.hasPrefix("srun: ") || line.hasPrefix("slurmstepd: ") || line.hasPrefix("salloc: ") {
            return parseSrun(line)
        }
        if line.hasPrefix("clush: ") {
            let rest = line.dropFirst("clush: ".count)
            if let (host, what) = hostField(rest) {
                if let status = exitStatus(what) { return .exited(host: host, status: status) }
                return .failed(host: host, reason: "clush: " + what)
            }
            return .engine(String(line))
        }
        if line.hasPrefix("pdsh@"), let colon = line.firstIndex(of: ":") {
            let rest = line[line.index(after: colon)...].drop { $0 == " " }
            if let (host, what) = hostField(rest) {
                if let status = exitStatus(what) { return .exited(host: host, status: status) }
                return .failed(host: host, reason: "pdsh: " + what)
            }
            return .engine(String(line))
        }
        return nil
    }

    private static func parseSrun(_ line: Substring) -> EngineMessage {
        if let r = line.firstRange(of: " failed on node ") {
            let rest = line[r.upperBound...]
            let host = rest.prefix { $0 != ":" && $0 != " " }
            let reason = rest.dropFirst(host.count).drop { $0 == ":" || $0 == " " }
            if !host.isEmpty { return .failed(host: String(host), reason: "srun: task launch failed: " + reason) }
        }
        if line.hasPrefix("srun: error: ") {
            let rest = line.dropFirst("srun: error: ".count)
            // NODE: task(s) N: Exited with exit code C | Killed | Terminated
            if let (host, what) = hostField(rest), what.hasPrefix("task") {
                let after = what.split(separator: ":", maxSplits: 1).dropFirst().first.map { $0.drop { $0 == " " } } ?? ""
                if let status = exitStatus(after) { return .exited(host: host, status: status) }
                return .failed(host: host, reason: "srun: " + after)
            }
        }
        return .engine(String(line))
    }

    /// `HOST: rest` where HOST has no spaces; nil otherwise.
    static func hostField(_ s: Substring) -> (String, Substring)? {
        guard let colon = s.firstIndex(of: ":") else { return nil }
        let host = s[..<colon]
        guard !host.isEmpty, !host.contains(" "), !host.contains("/"), host.first != "(",
              !["error", "warning", "fatal", "info", "debug"].contains(host.lowercased()) else { return nil }
        return (String(host), s[s.index(after: colon)...].drop { $0 == " " })
    }

    /// `…exited with exit code N` / `Exited with exit code N`.
    static func exitStatus(_ s: Substring) -> Int32? {
        guard let r = s.firstRange(of: "xited with exit code ") else { return nil }
        return Int32(s[r.upperBound...].prefix { $0.isNumber })
    }
}
