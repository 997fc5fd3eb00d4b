import FuzzSupport
import RdmaCommands
import RdmaEmulator
import RdmaKit

/// Facet requests and command lines: `NAME@VER`, `--device DEV/PORT`, `--emulated-set`,
/// `--emulated-hotplug`, and whole argument vectors through `runRdmactl`, as a user types them.
/// The input is an argv (NUL-separated, at most 16 words). The context is sealed: the "live"
/// kernel is the emulator, `--root` and snapshot output are refused, the environment is empty
/// and an interrupt is already pending (so `monitor` returns). Every run must end in a
/// documented exit status other than 1 (internal error: a bug, DESIGN §6). With `-j/--json`
/// asked for (the runner's own pre-scan: `--json`, `-j` or a `-jp` cluster before any `--`),
/// stdout must be exactly one JSON document (Docs/json-schema.md: on failure too, usage errors
/// included) — an `rdmactl/1` envelope whose `ok` is true exactly when the status is 0 —
/// except for `--help`/`--version`/completion text and `monitor`'s NDJSON (a sequence of
/// envelopes), which are told apart by the words present and checked less or not at all.

/// What a run wrote to stdout (libFuzzer runs one input at a time).
final class Captured: @unchecked Sendable {
    var bytes: [UInt8] = []
}
nonisolated(unsafe) let stdoutCapture = Captured()

/// ArgumentNormalizer.wantsJSON (internal to RdmaCommands), restated: the docs' rule.
func asksForJSON(_ words: [String]) -> Bool {
    for word in words {
        if word == "--" { return false }
        if word == "--json" || word == "-j" { return true }
        if word.count > 2, word.hasPrefix("-"), !word.hasPrefix("--"),
           word.dropFirst().allSatisfy({ $0 == "j" || $0 == "p" }), word.contains("j") { return true }
    }
    return false
}

/// Words that make stdout something other than one envelope even under --json.
let notOneDocument: Set<String> = ["--help", "-h", "help", "--version", "--generate-completion-script",
                                   "--experimental-dump-help"]

func checkJSONStdout(_ words: [String], status: Int32) {
    let out = stdoutCapture.bytes
    // A short-flag cluster holding h ("-jh") asks ArgumentParser for help too.
    if words.contains(where: { notOneDocument.contains($0) || $0.hasPrefix("--generate-completion-script=")
                               || $0.hasPrefix("--help=") || $0.hasPrefix("--version=")
                               || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("h")) }) {
        return
    }
    let shown = { "\(words) → exit \(status), stdout \(String(decoding: out.prefix(300), as: UTF8.self).debugDescription)" }
    if words.contains("monitor") {
        // NDJSON (one envelope per event), or a single envelope when monitor was not what ran.
        var reader = JSONReader(out)
        var count = 0
        while true {
            let document: JSONValue?
            do { document = try reader.next() } catch {
                invariant(false, "--json stdout is not a sequence of JSON documents (\(error)): \(shown())"); return
            }
            guard let document else { break }
            invariant(document["schema"] == .string("rdmactl/1"), "--json document without schema rdmactl/1: \(shown())")
            count += 1
        }
        invariant(count >= 1, "--json and nothing on stdout: \(shown())")
        return
    }
    let document: JSONValue
    do { document = try JSONReader.parse(out) } catch {
        invariant(false, "--json stdout is not exactly one JSON document (\(error)): \(shown())"); return
    }
    invariant(document["schema"] == .string("rdmactl/1"), "--json document without schema rdmactl/1: \(shown())")
    invariant(document["ok"] == .bool(status == 0), "--json envelope's ok disagrees with exit \(status): \(shown())")
}

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
        stdout: { stdoutCapture.bytes += $0 }, stderr: { _ in }, stdoutIsTerminal: false,
        liveKernel: { EmulatedKernel(credentials: Credentials(uid: 1000, gid: 1000)) },
        rootedKernel: { (_: String) throws(RdmaError) -> any Kernel in
            throw RdmaError("FUZZ_NO_ROOT", exit: .noSuchDevice, "the fuzzer reads no directory")
        },
        snapshotDirectory: { (_: String, _: Bool) throws(RdmaError) -> any SnapshotSink in
            throw RdmaError("FUZZ_NO_SNAPSHOT", exit: .cannotCreate, "the fuzzer writes no directory")
        })
    context.hostname = { "fuzz" }
    context.watchInterrupts = { { true } }
    context.runEngine = { (_: EngineInvocation) throws(RdmaError) -> EngineOutcome in
        throw RdmaError("FUZZ_NO_ENGINE", exit: .unavailable, "the fuzzer runs no cluster engine")
    }
    stdoutCapture.bytes.removeAll(keepingCapacity: true)
    let status = runRdmactl(rawArguments: argv, context: context)
    invariant(ExitCode(rawValue: status) != nil, "exit status \(status) is not one DESIGN §6 documents")
    invariant(status != ExitCode.internalError.rawValue, "exit 1 (internal error) for \(argv.map { String(decoding: $0, as: UTF8.self) })")
    let words = argv.compactMap { String(validating: $0, as: UTF8.self) }
    if asksForJSON(words) { checkJSONStdout(words, status: status) }
    return 0
}

/// SwiftPM's entry point for this executable (see CFuzzDriver.h).
@_cdecl("fuzz_arguments_main")
public func fuzz_argumentsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzArguments)
}
