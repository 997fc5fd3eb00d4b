import RdmaKit
import RdmaLinux

extension CommandContext {
    /// The real process: host streams, environment, credentials, the live kernel.
    public static func live() -> CommandContext {
        var context = CommandContext(
            environment: Host.environment(),
            credentials: Host.credentials,
            stdout: { Host.writeStdout($0) },
            stderr: { Host.writeStderr($0) },
            stdoutIsTerminal: Host.stdoutIsTerminal,
            liveKernel: { () throws(RdmaError) -> any Kernel in
                do throws(KernelError) { return try LinuxKernel.live() } catch {
                    throw RdmaError.kernel(error, path: "/", doing: "cannot open")
                }
            },
            rootedKernel: openRoot,
            snapshotDirectory: { (path, force) throws(RdmaError) -> any SnapshotSink in
                try DirectorySink(path, force: force)
            })
        context.stdoutPieces = { Host.writeStdout(pieces: $0) }
        context.stdoutError = { Host.stdoutError.load(ordering: .relaxed) }
        context.hostname = { Host.hostname }
        context.watchInterrupts = { Host.watchInterrupts() }
        context.readStdin = { Host.readStdin() }
        context.runEngine = { invocation throws(RdmaError) in try EngineProcess.run(invocation) }
        if !Host.exitIsLeakChecked {
            context.finish = { status, run in Host.exit(Host.finalStatus(status), keeping: run) }
        }
        return context
    }

    /// `--root DIR` (DESIGN §3): 66 when DIR is missing, 65 when it holds no sysfs tree.
    @Sendable static func openRoot(_ path: String) throws(RdmaError) -> any Kernel {
        do { return try LinuxKernel.rooted(at: path) } catch {
            switch error {
            case .cannotOpen(let errno):
                throw RdmaError("NO_SUCH_ROOT", exit: errno == .EACCES ? .permission : .noSuchDevice, errno: errno,
                                "cannot open root \(terminalSafe(path)): \(errno.message)")
            case .notASysfsTree:
                // DESIGN §3: neither DIR/sys/class nor DIR/class → 66 (no such root).
                throw RdmaError("NOT_A_SYSFS_TREE", exit: .noSuchDevice,
                                "\(terminalSafe(path)) holds neither sys/class nor class",
                                hint: "point --root at a snapshot (DIR/sys, DIR/dev) or a SYSFS_PATH-style tree (DIR/class)")
            }
        }
    }
}
