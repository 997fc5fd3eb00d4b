import RdmaKit
import RdmaLinux

/// Reads what `gather` is given into a `GatherInput`: a directory of per-node files (`srun -o
/// DIR/%N.json -e DIR/%N.err`: the file name names the node), one file, or `-` for stdin.
enum GatherSources {
    static func read(_ path: String, context: CommandContext, into input: inout GatherInput) throws(RdmaError) {
        if path == "-" {
            input.addStream(context.readStdin(), name: "stdin")
            return
        }
        guard let kind = HostFiles.kind(path) else {
            throw RdmaError("NO_SUCH_INPUT", exit: .noSuchDevice, "no such file or directory: \(terminalSafe(path))",
                            hint: "give a file of envelopes, a directory of per-node files (srun -o DIR/%N.json), or - for stdin")
        }
        if kind != .directory {
            input.addStream(try contents(path), name: path)
            return
        }
        let names: [String]
        do { names = try HostFiles.entries(path) } catch {
            throw RdmaError("NO_SUCH_INPUT", exit: .permission, "cannot list \(terminalSafe(path))")
        }
        let files = Set(names.filter { !$0.hasPrefix(".") })
        for name in files.sorted(by: naturalLess) where !name.hasSuffix(".err") {
            let host = name.hasSuffix(".json") ? String(name.dropLast(5)) : name
            let full = path + "/" + name
            guard let entryKind = HostFiles.kind(full), entryKind != .directory else { continue }
            let err = files.contains(host + ".err") ? try? contents(path + "/" + host + ".err") : nil
            input.addFile(host: host, bytes: try contents(full), stderr: err)
        }
        // A node that wrote only to stderr (its .json never appeared).
        for name in files.sorted(by: naturalLess) where name.hasSuffix(".err") {
            let host = String(name.dropLast(4))
            if !files.contains(host + ".json") && !files.contains(host) {
                input.addFile(host: host, bytes: [], stderr: try? contents(path + "/" + name))
            }
        }
    }

    static func contents(_ path: String) throws(RdmaError) -> [UInt8] {
        guard let bytes = Host.readFile(path) else {
            throw RdmaError("NO_SUCH_INPUT", exit: .noSuchDevice, "cannot read \(terminalSafe(path))")
        }
        return bytes
    }
}
