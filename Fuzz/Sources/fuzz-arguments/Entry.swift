import FuzzSupport
import RdmaCommands
import RdmaEmulator
import RdmaKit

/// Facet requests and command lines: `NAME@VER`, `--device DEV/PORT`, `--emulated-set`,
/// `--emulated-hotplug`, and whole argument vectors through `runRdmactl`, as a user types them.
/// The input is an argv (NUL-separated, at most 16 words). The context is sealed: the "live"
/// kernel is the emulator, `--root` and snapshot output are refused, the environment is empty
/// and an interrupt is already pending (so `monitor` returns). Every run must end in a
/// documented exit status other than 1 (internal error: a bug, DESIGN §6).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArguments(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(data, count)
    let argv = input.bytes.split(separator: 0, omittingEmptySubsequences: false).prefix(16).map(Array.init)
    for word in argv {
        let text = String(decoding: word, as: UTF8.self)
        _ = try? FacetRequest(parsing: text)
        _ = try? DeviceSet.parse(text)
        _ = try? DeviceSet.parseEnvironment(text)
        if let schedule = try? HotplugSchedule.parse(text) { _ = try? schedule.validate(against: .all) }
    }

    var context = CommandContext(
        environment: [:], credentials: Credentials(uid: 1000, gid: 1000),
        stdout: { _ in }, stderr: { _ in }, stdoutIsTerminal: false,
        liveKernel: { EmulatedKernel(credentials: Credentials(uid: 1000, gid: 1000)) },
        rootedKernel: { (_: String) throws(RdmaError) -> any Kernel in
            throw RdmaError("FUZZ_NO_ROOT", exit: .noSuchDevice, "the fuzzer reads no directory")
        },
        snapshotDirectory: { (_: String, _: Bool) throws(RdmaError) -> any SnapshotSink in
            throw RdmaError("FUZZ_NO_SNAPSHOT", exit: .cannotCreate, "the fuzzer writes no directory")
        })
    context.hostname = { "fuzz" }
    context.watchInterrupts = { { true } }
    let status = runRdmactl(rawArguments: argv, context: context)
    invariant(ExitCode(rawValue: status) != nil, "exit status \(status) is not one DESIGN §6 documents")
    invariant(status != ExitCode.internalError.rawValue, "exit 1 (internal error) for \(argv.map { String(decoding: $0, as: UTF8.self) })")
    return 0
}

/// SwiftPM's entry point for this executable (see CFuzzDriver.h).
@_cdecl("fuzz_arguments_main")
public func fuzz_argumentsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzArguments)
}
