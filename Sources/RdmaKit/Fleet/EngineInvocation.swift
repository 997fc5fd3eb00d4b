/// One run of a cluster engine (srun, clush, pdsh) on this machine: `fleet` builds the argv,
/// RdmaLinux spawns it (rdmactl has no remote execution of its own, issue 11), and the engine's
/// stdout, stderr and status come back whole.
public struct EngineInvocation: Sendable, Equatable {
    public var argv: [String]
    /// Extra environment for the engine (added to rdmactl's own).
    public var environment: [String: String]
    public init(argv: [String], environment: [String: String] = [:]) {
        self.argv = argv; self.environment = environment
    }
}

public struct EngineOutcome: Sendable, Equatable {
    /// The exit status, or nil when a signal ended the engine (then `signal` says which).
    public var status: Int32?
    public var signal: Int32?
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    public init(status: Int32?, signal: Int32? = nil, stdout: [UInt8], stderr: [UInt8]) {
        self.status = status; self.signal = signal; self.stdout = stdout; self.stderr = stderr
    }
}
