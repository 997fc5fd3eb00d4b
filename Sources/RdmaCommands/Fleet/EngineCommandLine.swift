import RdmaKit

/// The command line `fleet` hands to a cluster engine (issue 11, Docs/fleet.md). rdmactl has no
/// remote execution of its own: it only builds this argv and runs it here. Each engine gets the
/// options that keep its failures visible:
///
/// * Slurm: `srun [OPTS] --ntasks-per-node=1 --immediate=S --kill-on-bad-exit=0 --input=none
///   --output=DIR/%N.json --error=DIR/%N.err RDMACTL COMMAND… --json` (srun(1): `%N` is the
///   node's short name in the file-name pattern; `--immediate` gives up instead of waiting in the
///   queue; `--kill-on-bad-exit=0` keeps a node whose rdmactl exits non-zero — a refusal is an
///   answer — from killing the others; a node that fails to launch is named on srun's stderr,
///   "Task launch for StepId=… failed on node N"). DIR must be on a file system the nodes share.
/// * ClusterShell: `clush [OPTS] --maxrc -- 'RDMACTL COMMAND… --json'` (clush(1): without
///   `--maxrc` clush exits 0 when a node fails; with it, the largest return code, 255 for a node
///   ssh cannot reach). clush joins its arguments for the remote shell, so the command is one
///   shell-quoted word.
/// * pdsh: `pdsh -S [OPTS] 'RDMACTL COMMAND… --json'` (pdsh(1): `-S` returns the largest of the
///   remote return values; unreachable nodes are named on stderr, "pdsh@host: N: …").
public enum Engine: String, CaseIterable, Sendable {
    case slurm, clush, pdsh

    public var program: String {
        switch self {
        case .slurm: return "srun"
        case .clush: return "clush"
        case .pdsh: return "pdsh"
        }
    }

    /// Engine options that change the output's shape so it can no longer be read per node.
    var refusedOptions: [String: String] {
        switch self {
        case .slurm: return ["-o": "fleet sets --output itself", "--output": "fleet sets --output itself",
                             "-e": "fleet sets --error itself", "--error": "fleet sets --error itself",
                             "-l": "fleet reads per-node files, not labelled lines", "--label": "fleet reads per-node files"]
        case .clush: return ["-b": "gathering is fleet's job: clush -b merges nodes by identical text",
                             "-B": "gathering is fleet's job", "--dshbak": "gathering is fleet's job",
                             "-L": "gathering is fleet's job", "-r": "gathering is fleet's job", "--regroup": "gathering is fleet's job",
                             "-N": "fleet needs clush's node: prefix on every line"]
        case .pdsh: return ["-N": "fleet needs pdsh's node: prefix on every line"]
        }
    }

    /// The full argv. `options` are the user's engine options, verbatim.
    public func argv(program: String?, options: [String], remote: [String], outputDir: String?, immediate: Int) -> [String] {
        let exe = program ?? self.program
        switch self {
        case .slurm:
            return [exe] + options + ["--ntasks-per-node=1", "--immediate=\(immediate)", "--kill-on-bad-exit=0", "--input=none",
                                      "--output=\(outputDir ?? ".")/%N.json", "--error=\(outputDir ?? ".")/%N.err"] + remote
        case .clush:
            return [exe] + options + ["--maxrc", "--", ShellQuote.join(remote)]
        case .pdsh:
            return [exe, "-S"] + options + [ShellQuote.join(remote)]
        }
    }

    /// The hosts the options name (`-w node[1-4]`, `--nodelist=…`), so one that never answers
    /// is listed; nil when the options do not say (`srun -N4` lets Slurm choose).
    func namedHosts(_ options: [String]) -> [String]? {
        let longs = self == .slurm ? ["--nodelist"] : self == .clush ? ["--nodes"] : []
        var i = 0
        var found: [String] = []
        while i < options.count {
            let o = options[i]
            var value: String?
            if o == "-w" || longs.contains(o) { value = i + 1 < options.count ? options[i + 1] : nil; i += 1 }
            else if o.hasPrefix("-w") && o.count > 2 { value = String(o.dropFirst(2)) }
            else if let l = longs.first(where: { o.hasPrefix($0 + "=") }) { value = String(o.dropFirst(l.count + 1)) }
            // An exclusion or a host file makes the list unknowable here.
            if ["-x", "--exclude", "-X", "-a", "-g", "--group", "-F", "--nodefile"].contains(o) { return nil }
            if o.hasPrefix("-w^") || value?.hasPrefix("^") == true || value?.hasPrefix("@") == true { return nil }
            if let value {
                guard let hosts = try? HostList.expand(value) else { return nil }
                found += hosts
            }
            i += 1
        }
        return found.isEmpty ? nil : found
    }

    /// Slurm options that choose the nodes; without them, inside an allocation srun runs on all
    /// of `SLURM_JOB_NODELIST` (one task per node here).
    func choosesNodes(_ options: [String]) -> Bool {
        options.contains { o in
            ["-N", "--nodes", "-w", "--nodelist", "-x", "--exclude", "-n", "--ntasks", "-F", "--nodefile"]
                .contains { o == $0 || o.hasPrefix($0 + "=") || ($0.count == 2 && o.hasPrefix($0) && o.count > 2) }
        }
    }
}

/// POSIX shell quoting, for the one string clush and pdsh hand to the remote shell and for
/// `--dry-run`'s copy-pasteable line.
enum ShellQuote {
    static func quote(_ word: String) -> String {
        let safe = word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_./=:@,+-%^".contains($0)) }
        if safe && !word.isEmpty { return word }
        return "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
    static func join(_ words: [String]) -> String { words.map(quote).joined(separator: " ") }
}
