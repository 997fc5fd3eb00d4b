import RdmaKit

/// The hot invocations parsed without ArgumentParser: `--version` and `list` with global options
/// only — what CI loops, job prologues and `pdsh -w … rdmactl list` run thousands of times.
///
/// Why: ArgumentParser's first parse asks the Swift runtime for a few dozen protocol
/// conformances through dynamic casts, and each first lookup scans every conformance record in the
/// binary (`swift_conformsToProtocol`). That was 5.3 M of the 6.9 M instructions `rdmactl
/// --version` ran above the loader (Docs/performance.md, "Start-up"), for a command that prints
/// one line. Here the arguments are matched as plain strings.
///
/// The rule that keeps the two parsers one: this recognises only argument vectors whose meaning
/// is unambiguous — each option at most once, every value present and not option-like — and
/// returns nil for anything else (help, `--`, a bad value, an unknown word, a repeated flag), which
/// then goes through ArgumentParser and gets its exact messages. `FastPathTests` checks, for every
/// vector it accepts, that ArgumentParser parses the same options.
enum FastPath {
    enum Invocation {
        case version
        case list(GlobalSettings)
    }

    static func parse(_ arguments: [String]) -> Invocation? {
        if arguments == ["--version"] { return .version }
        var sawList = false
        var seen: Set<String> = []
        var values: [String: String] = [:]
        var i = 0
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            if arg == "list" {
                if sawList { return nil }
                sawList = true
                continue
            }
            if let flags = flagNames(arg) {
                for flag in flags {
                    guard seen.insert(flag).inserted else { return nil }
                }
                continue
            }
            // --name value | --name=value, for the global options that take one.
            let name: String
            let value: String
            if let eq = arg.firstIndex(of: "="), arg.hasPrefix("--") {
                name = String(arg[..<eq])
                value = String(arg[arg.index(after: eq)...])
            } else {
                guard i < arguments.count else { return nil }
                name = arg
                value = arguments[i]
                i += 1
            }
            guard GlobalOptions.valueOptions.contains(name), !value.isEmpty, !value.hasPrefix("-"),
                  seen.insert(name).inserted else { return nil }
            values[name] = value
        }
        guard sawList else { return nil }
        var g = GlobalSettings()
        if let text = values["--source"] {
            guard let source = DiscoverySource(rawValue: text) else { return nil }
            g.source = source
        }
        g.root = values["--root"]
        g.emulated = seen.contains("--emulated")
        g.emulatedSet = values["--emulated-set"]
        g.profile = values["--profile"]
        g.emulatedHotplug = values["--emulated-hotplug"]
        g.emulatedUser = values["--emulated-user"]
        g.json = seen.contains("--json")
        g.pretty = seen.contains("--pretty")
        g.strict = seen.contains("--strict")
        return .list(g)
    }

    /// The flags one argument sets: `--json`, `-j`, `-jp`… nil when it is not a flag.
    private static func flagNames(_ arg: String) -> [String]? {
        switch arg {
        case "--emulated", "--json", "--pretty", "--strict": return [arg]
        case "-j": return ["--json"]
        case "-p": return ["--pretty"]
        default:
            guard ArgumentNormalizer.isShortFlagCluster(arg) else { return nil }
            return arg.dropFirst().map { $0 == "j" ? "--json" : "--pretty" }
        }
    }

    /// The number of stored options `parse` sets; `FastPathTests` compares it with the options
    /// GlobalOptions declares and GlobalSettings holds, so a new global option cannot be
    /// silently left unset here.
    static let globalOptionCount = 10
}
