import Testing
import RdmaKit
@testable import RdmaEmulator
@testable import RdmaCommands

/// Deliverable 3: the uverbs node's health is a `list` warning (NodeCheck), `--strict` makes it
/// 65. The facts are libibverbs' (ABI-FACTS §6.1 steps 1, 2, 6): the device is dropped when
/// `stat("/dev/infiniband/uverbsN")` fails; `open_cdev` wants a char device whose st_rdev is
/// sysfs's `dev`; `open(O_RDWR)` needs rw permission. The kernel's own node is 0666 (§1.3).
@Suite("uverbs node findings on the listing")
struct NodeFindingTests {
    static let uverbs0 = "/dev/infiniband/uverbs0"

    func emulated(uid: UInt32 = 0, _ change: (EmulatedKernel) -> Void = { _ in }) -> EmulatedKernel {
        let k = EmulatedKernel(devices: .default, credentials: Credentials(uid: uid, gid: uid))
        change(k)
        return k
    }

    func list(_ k: EmulatedKernel, _ extra: [String] = []) -> CLIResult {
        rdmactl(["list"] + extra, liveKernel: { k })
    }

    func warnings(_ r: CLIResult) -> [JSONValue] {
        guard case .array(let w)? = r.envelope?["warnings"] else { return [] }
        return w
    }

    @Test func healthyNodesGiveNoWarning() {
        let r = list(emulated(uid: 1000), ["--json"])
        #expect(r.status == 0)
        #expect(warnings(r).isEmpty)
    }

    @Test func missingNodeIsAWarningWithAContainerHint() {
        let k = emulated { $0.removePath(Self.uverbs0) }
        let r = list(k, ["--json"])
        #expect(r.status == 0)
        let w = warnings(r)
        #expect(w.count == 1)
        #expect(w.first?["code"] == .string("NODE_MISSING"))
        #expect(w.first?["path"] == .string(Self.uverbs0))
        #expect(w.first?["hint"]?.stringValue?.contains("--device /dev/infiniband/uverbs0") == true)
        // Text mode: the warning and its hint on stderr, the table intact on stdout.
        let text = list(k)
        #expect(text.status == 0)
        #expect(text.stdout.contains("hfi1_0"))
        #expect(text.stderr.contains("rdmactl: warning: /dev/infiniband/uverbs0 (hfi1_0) is missing"))
        #expect(text.stderr.contains("rdmactl: hint: pass /dev/infiniband into the container"))
        #expect(list(k, ["--strict"]).status == 65)
    }

    @Test func nodeTheUserCannotOpenIsAWarning() {
        let k = emulated(uid: 1000) { $0.setMode(Self.uverbs0, 0o600) }
        let r = list(k, ["--json", "--strict"])
        #expect(r.status == 65)
        #expect(warnings(r).map { $0["code"] } == [.string("NODE_NOT_OPENABLE")])
        #expect(warnings(r).first?["hint"]?.stringValue?.contains("group") == true)
        // root bypasses the mode (generic_permission): no finding.
        #expect(warnings(list(emulated(uid: 0) { $0.setMode(Self.uverbs0, 0o600) }, ["--json"])).isEmpty)
    }

    @Test func wrongNumberAndWrongTypeAreWarnings() {
        // uverbs0 is 231:192 (IB_UVERBS_MAJOR, IB_UVERBS_BASE_MINOR; ABI-FACTS §1.3).
        let wrong = emulated { $0.replaceNode(Self.uverbs0, major: 231, minor: 200) }
        #expect(warnings(list(wrong, ["--json"])).map { $0["code"] } == [.string("NODE_MISMATCH")])
        let file = emulated { $0.writeFile(Self.uverbs0, "") }
        let w = warnings(list(file, ["--json"]))
        #expect(w.map { $0["code"] } == [.string("NODE_NOT_CHAR")])
        #expect(w.first?["hint"]?.stringValue?.contains("mknod /dev/infiniband/uverbs0 c 231 192") == true)
    }

    /// The same verdict from the library function, on a device record.
    @Test func nodeCheckIsOneFunction() throws {
        let k = emulated { $0.removePath(Self.uverbs0) }
        let result = try Discovery(kernel: k).run(source: .emulated, detail: .full)
        let hfi1 = try #require(result.devices.first { $0.name.value == "hfi1_0" })
        let uverbs = try #require(hfi1.uverbs)
        let problem = try #require(NodeCheck.problem(uverbs, device: "hfi1_0"))
        #expect(problem.kind == .missing)
        #expect(result.warnings.contains(problem.diagnostic))
    }
}

extension JSONValue {
    /// The string a `.string` holds (tests).
    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}
