import Testing
import RdmaKit
@testable import RdmaCommands

/// Output captured from one in-process rdmactl run.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
    var stdoutBytes: [UInt8]

    /// The JSON envelope on stdout, parsed.
    var envelope: JSONValue? { try? JSONParser.parse(stdout) }
}

final class Capture: Sendable {
    let out = Locked<[UInt8]>([])
    let err = Locked<[UInt8]>([])
}

/// Runs rdmactl in-process. The live kernel is forbidden: a test that forgets --emulated or
/// --root fails instead of reading the host (the swiftly pattern).
func rdmactl(_ arguments: [String], environment: [String: String] = [:],
             credentials: Credentials = Credentials(uid: 0, gid: 0),
             liveKernel: (@Sendable () throws(RdmaError) -> any Kernel)? = nil,
             watchInterrupts: (@Sendable () -> @Sendable () -> Bool)? = nil,
             onStdout: (@Sendable ([UInt8]) -> Void)? = nil,
             stdin: [UInt8] = [],
             runEngine: (@Sendable (EngineInvocation) throws(RdmaError) -> EngineOutcome)? = nil) -> CLIResult {
    let capture = Capture()
    let context = CommandContext(
        environment: environment,
        credentials: credentials,
        stdout: { bytes in capture.out.withLock { $0.append(contentsOf: bytes) }; onStdout?(bytes) },
        stderr: { bytes in capture.err.withLock { $0.append(contentsOf: bytes) } },
        stdoutIsTerminal: false,
        liveKernel: liveKernel ?? forbiddenLiveKernel,
        rootedKernel: CommandContext.openRoot,
        snapshotDirectory: openSnapshotDirectory)
    var withHost = context
    withHost.hostname = { "rdmactl-test-host" }
    if let watchInterrupts { withHost.watchInterrupts = watchInterrupts }
    withHost.readStdin = { stdin }
    if let runEngine { withHost.runEngine = runEngine }
    let status = runRdmactl(arguments, context: withHost)
    let out = capture.out.withLock { $0 }
    let err = capture.err.withLock { $0 }
    return CLIResult(status: status, stdout: String(decoding: out, as: UTF8.self),
                     stderr: String(decoding: err, as: UTF8.self), stdoutBytes: out)
}

/// The test default for the live kernel: fail, so no test reads the host by accident.
@Sendable func forbiddenLiveKernel() throws(RdmaError) -> any Kernel {
    throw RdmaError("TEST_NO_HOST", exit: .internalError, "this test must not read the host kernel")
}

@Sendable func openSnapshotDirectory(_ path: String, _ force: Bool) throws(RdmaError) -> any SnapshotSink {
    try DirectorySink(path, force: force)
}
