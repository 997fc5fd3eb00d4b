import RdmaKit

/// The state of one command invocation: its context and options, the kernel once opened, and
/// what will go into the output (data, warnings, a text rendering).
struct CommandRun {
    let context: CommandContext
    let globals: GlobalSettings
    let command: String
    var selection: KernelSelection?
    var sourceName: String?
    var data: JSONValue?
    var warnings: [Diagnostic] = []
    /// Lines for stderr that are neither warnings nor errors (a fallback grant), in both modes.
    var notes: [String] = []
    /// The human rendering, printed when --json is not given.
    var text: String = ""
    /// Raw bytes for stdout that bypass rendering (`snapshot -`).
    var rawStdout: [UInt8]?
    /// The command wrote its output itself as it went (`monitor`: a line or an envelope per
    /// event); only a failure is left to print at the end.
    var streamed = false
    /// The kernel `openKernel` opened: its opening diagnostics lead the warnings once the
    /// command is done (`Runner.execute`) — asked for earlier, a rooted kernel would wait there
    /// for the snapshot manifest it decodes beside discovery (LinuxKernel.manifest).
    var openedKernel: (any Kernel)?
    /// What the command built and no longer needs — a thousand devices' records — held with the
    /// run until the process exits (`CommandContext.finish`), which frees it at once: released
    /// when the command returned, it cost a 1,024-device `list` 3.3 M instructions on one thread
    /// after its output was made (issue 9).
    var keptUntilExit: [Any] = []

    init(context: CommandContext, globals: GlobalSettings, command: String) {
        self.context = context; self.globals = globals; self.command = command
    }

    /// Resolves and opens the kernel the options select.
    mutating func openKernel(playHotplugAtOpen: Bool = true) throws(RdmaError) -> any Kernel {
        let selection = try KernelSelection.resolve(globals, environment: context.environment)
        self.selection = selection
        sourceName = selection.sourceName
        let kernel = try selection.open(context, playHotplugAtOpen: playHotplugAtOpen)
        openedKernel = kernel
        return kernel
    }

    /// The envelope's `kernel`: what stood behind the seam.
    var kernelName: String? {
        switch selection?.target {
        case .live: return "live"
        case .root: return "root"
        case .emulated: return "emulated"
        case nil: return nil
        }
    }

    /// Banner line for tables: what was read.
    var banner: String {
        guard let selection else { return "" }
        switch selection.target {
        case .live: return "source: \(sourceName ?? selection.sourceName) (live system)"
        case .root(let path): return "source: sysfs (root \(terminalSafe(path)))"
        case .emulated(_, let profile, _):
            let via = selection.source == .netlink ? "netlink, " : ""
            return "source: emulated (\(via)profile \(profile.rawValue))"
        }
    }
}
