import RdmaKit

/// The outside world a command may touch, passed in explicitly (the swiftly pattern): the
/// environment, the output streams, the caller's credentials, and how to reach the live kernel.
/// Tests build one with `CommandContext.testing`, whose live kernel fails, so a test can never
/// read the host's /sys by accident.
public struct CommandContext: Sendable {
    public var environment: [String: String]
    public var credentials: Credentials
    public var stdout: @Sendable ([UInt8]) -> Void
    public var stderr: @Sendable ([UInt8]) -> Void
    public var stdoutIsTerminal: Bool
    /// Writes pieces of one output in order, as `stdout` of each would (the live process: with
    /// writev, no copy of them into one buffer). nil: `stdout` of each.
    public var stdoutPieces: (@Sendable ([[UInt8]]) -> Void)?
    /// The errno of the first failed write to stdout (0: none). A tar stream cut short by a
    /// closed pipe is a failure; a listing cut short by `| head` is not.
    public var stdoutError: @Sendable () -> Int32 = { 0 }
    /// The host's name, asked only when an envelope is written (uname(2): no file is opened).
    public var hostname: @Sendable () -> String? = { nil }

    /// The envelope's `host`: the hostname, and `SLURMD_NODENAME` when Slurm set it.
    var hostIdentity: HostIdentity {
        HostIdentity(hostname: hostname(), slurmNode: environment["SLURMD_NODENAME"].flatMap { $0.isEmpty ? nil : $0 })
    }
    /// Standard input, read whole (`gather -`). Tests pass their own; the default is empty.
    public var readStdin: @Sendable () -> [UInt8] = { [] }
    /// Runs a cluster engine (srun, clush, pdsh) on this machine for `fleet`. The default refuses,
    /// so a test can never launch a process by accident.
    public var runEngine: @Sendable (EngineInvocation) throws(RdmaError) -> EngineOutcome = { inv throws(RdmaError) in
        throw RdmaError("TEST_NO_ENGINE", exit: .internalError, "this context may not run \(inv.argv.first ?? "an engine")")
    }
    /// Installs the SIGINT/SIGTERM watch and returns its poll (`monitor` ends cleanly when it
    /// turns true). Tests pass their own; the default never interrupts.
    public var watchInterrupts: @Sendable () -> @Sendable () -> Bool = { { false } }
    /// Ends the process with a command's exit status once its output is written, keeping (not
    /// freeing) what the command built — a thousand device records, the kernel's caches and
    /// descriptors: the exit frees them at once (issue 9). nil: return the status (tests).
    public var finish: (@Sendable (Int32, _ keeping: Any) -> Never)?
    /// Opens the live kernel; throws where the host must not be used.
    public var liveKernel: @Sendable () throws(RdmaError) -> any Kernel
    /// Opens a tree under a directory (`--root`).
    public var rootedKernel: @Sendable (String) throws(RdmaError) -> any Kernel
    /// Writes a snapshot to a directory on the host.
    public var snapshotDirectory: @Sendable (String, Bool) throws(RdmaError) -> any SnapshotSink

    public init(environment: [String: String], credentials: Credentials,
                stdout: @escaping @Sendable ([UInt8]) -> Void, stderr: @escaping @Sendable ([UInt8]) -> Void,
                stdoutIsTerminal: Bool,
                liveKernel: @escaping @Sendable () throws(RdmaError) -> any Kernel,
                rootedKernel: @escaping @Sendable (String) throws(RdmaError) -> any Kernel,
                snapshotDirectory: @escaping @Sendable (String, Bool) throws(RdmaError) -> any SnapshotSink) {
        self.environment = environment; self.credentials = credentials
        self.stdout = stdout; self.stderr = stderr; self.stdoutIsTerminal = stdoutIsTerminal
        self.liveKernel = liveKernel; self.rootedKernel = rootedKernel; self.snapshotDirectory = snapshotDirectory
    }

    func out(_ text: String) { stdout(Array(text.utf8)) }
    func out(pieces: [[UInt8]]) {
        if let stdoutPieces { stdoutPieces(pieces) } else { for piece in pieces { stdout(piece) } }
    }
    func err(_ text: String) { stderr(Array(text.utf8)) }
}
