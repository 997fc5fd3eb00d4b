/// Moves global options written before the command name to after it, so `rdmactl --json list`
/// and `rdmactl list --json` mean the same (DESIGN §6). ArgumentParser itself only parses a
/// subcommand's options after its name.
enum ArgumentNormalizer {
    static func normalize(_ arguments: [String], commands: Set<String>) -> [String] {
        var moved: [String] = []
        var rest: [String] = []
        var i = 0
        while i < arguments.count {
            let arg = arguments[i]
            if commands.contains(arg) {
                return rest + [arg] + moved + arguments[(i + 1)...]
            }
            // `rdmactl --emulated help list`: help takes no global options; drop them.
            if arg == "help" { return rest + Array(arguments[i...]) }
            if arg == "--" { break }
            let name = arg.split(separator: "=", maxSplits: 1).first.map(String.init) ?? arg
            if GlobalOptions.valueOptions.contains(name) {
                moved.append(arg)
                if !arg.contains("="), i + 1 < arguments.count { moved.append(arguments[i + 1]); i += 1 }
            } else if GlobalOptions.flagOptions.contains(arg) || isShortFlagCluster(arg) {
                moved.append(arg)
            } else {
                rest.append(arg)
            }
            i += 1
        }
        return arguments
    }

    /// The first bare word before any command, when it is not a command: `rdmactl --emulated
    /// frobnicate`. nil when a command is present or there is no bare word.
    static func unknownCommand(_ arguments: [String], commands: Set<String>) -> String? {
        var i = 0
        while i < arguments.count {
            let arg = arguments[i]
            if arg == "--" { return nil }
            if commands.contains(arg) || arg == "help" { return nil }
            if !arg.hasPrefix("-") { return arg }
            if GlobalOptions.valueOptions.contains(arg) || arg == "--generate-completion-script" { i += 1 }
            i += 1
        }
        return nil
    }

    /// "-jp": a cluster of the global short flags.
    static func isShortFlagCluster(_ arg: String) -> Bool {
        arg.count > 2 && arg.hasPrefix("-") && !arg.hasPrefix("--") && arg.dropFirst().allSatisfy { $0 == "j" || $0 == "p" }
    }

    /// DESIGN §6: with --json, stdout carries one document even for usage errors, so whether JSON
    /// was asked for is decided before parsing.
    static func wantsJSON(_ arguments: [String]) -> Bool {
        for arg in arguments {
            if arg == "--" { return false }
            if arg == "--json" || arg == "-j" { return true }
            if arg.hasPrefix("-") && !arg.hasPrefix("--") && arg.count > 1 && arg.dropFirst().allSatisfy({ $0.isLetter })
                && arg.contains("j") && isShortFlagCluster(arg) { return true }
        }
        return false
    }

    static func wantsPretty(_ arguments: [String]) -> Bool {
        arguments.contains { $0 == "--pretty" || $0 == "-p" || (isShortFlagCluster($0) && $0.contains("p")) }
    }
}
