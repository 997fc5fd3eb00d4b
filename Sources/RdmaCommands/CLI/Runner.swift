import ArgumentParser
import RdmaKit

/// Runs rdmactl with raw argv bytes (without the program name). An argument that is not UTF-8
/// (a path with a Latin-1 byte) is refused rather than decoded lossily into another path.
public func runRdmactl(rawArguments: [[UInt8]], context: CommandContext) -> Int32 {
    var arguments: [String] = []
    for (i, raw) in rawArguments.enumerated() {
        guard let text = String(validating: raw, as: UTF8.self) else {
            let valid = rawArguments.compactMap { String(validating: $0, as: UTF8.self) }
            let shown = SysfsText(bytes: raw).value
            return reportUsage(.usage("argument \(i + 1) (\(terminalSafe(shown))) is not valid UTF-8",
                                      hint: "rdmactl takes UTF-8 paths and names"),
                               json: ArgumentNormalizer.wantsJSON(valid), pretty: ArgumentNormalizer.wantsPretty(valid),
                               context: context)
        }
        arguments.append(text)
    }
    return runRdmactl(arguments, context: context)
}

/// Runs rdmactl with `arguments` (without the program name) in `context` and returns the exit
/// status. The executable and the in-process tests both come through here.
public func runRdmactl(_ arguments: [String], context: CommandContext) -> Int32 {
    let json = ArgumentNormalizer.wantsJSON(arguments)
    let pretty = ArgumentNormalizer.wantsPretty(arguments)
    switch FastPath.parse(arguments) {
    case .version?:
        context.out(RdmactlCommand.version + "\n")
        return ExitCode.ok.rawValue
    case .list(let settings)?:
        return execute(ListCommand.name, settings: settings, context: context, json: json, pretty: pretty, body: ListCommand.run)
    case nil:
        break
    }
    let normalized = ArgumentNormalizer.normalize(arguments, commands: RdmactlCommand.commandNames)

    if let stray = ArgumentNormalizer.unknownCommand(normalized, commands: RdmactlCommand.commandNames) {
        return reportUsage(.usage("unknown command '\(terminalSafe(stray))'", hint: commandList),
                           json: json, pretty: pretty, context: context)
    }
    let rootFlags: Set<String> = ["--help", "-h", "help", "--version", "--generate-completion-script",
                                  "--experimental-dump-help"]
    if !normalized.contains(where: { RdmactlCommand.commandNames.contains($0) || rootFlags.contains($0)
                                     || $0.hasPrefix("--generate-completion-script=") }) {
        return reportUsage(.usage("no command given", hint: commandList), json: json, pretty: pretty, context: context,
                           help: json ? nil : RdmactlCommand.rootHelp)
    }
    let parsed: ParsableCommand
    do {
        parsed = try RdmactlCommand.parseAsRoot(normalized)
    } catch {
        return reportParseError(error, json: json, pretty: pretty, context: context,
                                command: commandName(in: normalized))
    }
    guard let runnable = parsed as? any RdmactlRunnable else {
        // The root itself: `rdmactl --help` is help (0); a bare `rdmactl` or an unknown command
        // is a usage error (64).
        if normalized.contains("--help") || normalized.contains("-h") || normalized.contains("help") {
            // ArgumentParser answers `list --help` and `help list` with its help command; print
            // the help of the subcommand named, else the root's.
            let named = RdmactlCommand.configuration.subcommands.first { sub in normalized.contains(sub._commandName) }
            context.out((named.map { RdmactlCommand.helpMessage(for: $0) } ?? RdmactlCommand.rootHelp) + "\n")
            return ExitCode.ok.rawValue
        }
        return reportUsage(.usage("no command given", hint: commandList), json: json, pretty: pretty, context: context,
                           help: RdmactlCommand.rootHelp)
    }
    return execute(type(of: runnable).name, settings: runnable.globals.settings, context: context, json: json,
                   pretty: pretty, body: runnable.execute)
}

/// Runs a parsed command and prints its outcome.
private func execute(_ name: String, settings: GlobalSettings, context: CommandContext, json: Bool, pretty: Bool,
                     body: (inout CommandRun) throws(RdmaError) -> Void) -> Int32 {
    var run = CommandRun(context: context, globals: settings, command: name)
    var failure: RdmaError?
    do {
        try body(&run)
    } catch {
        failure = error
        if let source = error.source { run.sourceName = source }
    }
    if let kernel = run.openedKernel { run.warnings = kernel.openingDiagnostics + run.warnings }
    // --strict: any warning is exit 65 — also when every entry was broken and nothing was left
    // to list (the warnings are the cause, not "no devices").
    if settings.strict, !run.warnings.isEmpty, failure == nil || failure?.code == "NO_DEVICES" {
        failure = RdmaError("STRICT_WARNINGS", exit: .malformedTree,
                            "\(run.warnings.count) warning(s) and --strict was given",
                            hint: "the warnings say which files are broken; without --strict they do not fail the command")
    }
    let status = emit(run, failure: failure, json: settings.json || json, pretty: settings.pretty || pretty)
    if let finish = context.finish { finish(status, run) }
    return status
}

/// Prints the outcome: one JSON envelope, or text on stdout and diagnostics on stderr.
private func emit(_ run: CommandRun, failure: RdmaError?, json: Bool, pretty: Bool) -> Int32 {
    var failure = failure
    let context = run.context
    for note in run.notes { context.err("rdmactl: note: \(terminalSafe(note))\n") }
    if run.streamed && failure == nil {
        for w in run.warnings where !json { context.err("rdmactl: warning: \(terminalSafe(w.message))\n") }
        return ExitCode.ok.rawValue
    }
    if json {
        let envelope = Envelope(command: run.command, host: context.hostIdentity, source: run.sourceName, kernel: run.kernelName, data: run.data,
                                warnings: run.warnings, error: failure)
        if pretty { context.stdout(envelope.json.document(pretty: true)) } else { context.out(pieces: envelope.json.compactDocumentPieces()) }
    } else {
        if let raw = run.rawStdout {
            context.stdout(raw)
            // A binary stream cut short is a broken artifact, whatever the reason (EPIPE too).
            let e = context.stdoutError()
            if e != 0 && failure == nil {
                failure = RdmaError("OUTPUT_TRUNCATED", exit: .osError, errno: Errno(rawValue: e),
                                    "the tar stream was cut short: \(Errno(rawValue: e).message)",
                                    hint: "write to a directory, or make sure the reader takes the whole stream")
            }
        } else if failure == nil || !run.text.isEmpty {
            context.out(run.text)
        }
        // One write for all diagnostics: a thousand warnings must not cost two thousand syscalls.
        var diagnostics = ""
        for w in run.warnings {
            diagnostics += "rdmactl: warning: \(terminalSafe(w.message))\n"
            if let hint = w.hint { diagnostics += "rdmactl: hint: \(terminalSafe(hint))\n" }
        }
        if let failure { diagnostics += formatError(failure) }
        if !diagnostics.isEmpty { context.err(diagnostics) }
    }
    return failure?.exitCode.rawValue ?? ExitCode.ok.rawValue
}

func formatError(_ e: RdmaError) -> String {
    var s = "rdmactl: error: \(terminalSafe(e.message))\n"
    if let hint = e.hint { s += "rdmactl: hint: \(terminalSafe(hint))\n" }
    return s
}

/// ArgumentParser's outcomes: help, version and completion scripts are clean exits (0); anything
/// else is a usage error (64), reported as an envelope under --json.
/// Each of ArgumentParser's `exitCode(for:)`, `message(for:)` and `fullMessage(for:)` renders
/// the usage text again, so only the two a case prints are asked for: the envelope carries the
/// short message, the text report the full one.
private func reportParseError(_ error: Error, json: Bool, pretty: Bool, context: CommandContext, command: String) -> Int32 {
    if RdmactlCommand.exitCode(for: error) == .success {
        let message = RdmactlCommand.fullMessage(for: error)
        if !message.isEmpty { context.out(message + (message.hasSuffix("\n") ? "" : "\n")) }
        return 0
    }
    let hint = "run 'rdmactl \(command == "rdmactl" ? "" : command + " ")--help'"
    if json {
        return reportUsage(.usage(RdmactlCommand.message(for: error), hint: hint), json: true, pretty: pretty,
                           context: context, command: command)
    }
    let message = RdmactlCommand.fullMessage(for: error)
    return reportUsage(.usage(message, hint: hint), json: false, pretty: pretty, context: context, command: command,
                       text: message + "\n")
}

private var commandList: String { "commands: " + RdmactlCommand.commandNames.sorted().joined(separator: ", ") }

/// A usage error (64): one envelope on stdout under --json, else text on stderr.
private func reportUsage(_ usage: RdmaError, json: Bool, pretty: Bool, context: CommandContext,
                         command: String = "rdmactl", text: String? = nil, help: String? = nil) -> Int32 {
    if json {
        let envelope = Envelope(command: command, host: context.hostIdentity, source: nil, data: nil, warnings: [], error: usage)
        context.stdout(envelope.json.document(pretty: pretty))
    } else {
        context.err((text ?? formatError(usage)) + (help.map { $0 + "\n" } ?? ""))
    }
    return ExitCode.usage.rawValue
}

private func commandName(in arguments: [String]) -> String {
    arguments.first { RdmactlCommand.commandNames.contains($0) } ?? "rdmactl"
}
