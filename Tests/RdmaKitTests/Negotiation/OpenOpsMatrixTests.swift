import Testing
import RdmaKit
@testable import RdmaCommands

// Issue 7's matrix: profile × device set × request × caller, run through the CLI in-process with
// --json. Every expectation comes from DESIGN §4–§6 and ABI-FACTS, never from rdmactl's output:
//   * psm2.intel.com 6.3 = HFI1_USER_SWMAJOR/MINOR (ABI-FACTS §2.5); write era major 5 (§2.5, §6.3);
//   * psm.intel.com 1.13 = QIB_USER_SWMAJOR/MINOR (§3.3);
//   * profiles (DESIGN §5): proposed has the driver-ops ioctl; mainline and legacy answer ENOTTY;
//     legacy's hfi1 node is the write era, so GET_VERS → ENOTTY (§2.8 "new userspace on an old cdev");
//   * modes (DESIGN §5, ABI-FACTS §7): uverbs 0666, /dev/hfi1_N 0666, /dev/ipath* 0600, umad 0600;
//   * qib port 2 is DOWN: ASSIGN_CTXT for it → ENETDOWN (ABI-FACTS §11 qib port choice);
//   * exit codes (DESIGN §4, §6): no grant → 77 > 76 > 69; handshake EBUSY/ENETDOWN → 75; bad name → 64.

struct MatrixRow: Sendable, CustomTestStringConvertible {
    var profile: String
    var set: String
    var user: String?
    var args: [String]
    var exit: Int32
    /// The grant: facet, device, major, minor (nil: unknown), transport, fallback.
    var grant: (facet: String, device: String, major: Int, minor: Int?, transport: String, fallback: Bool)?
    /// Trace entries that must appear, in this order: (transport, outcome, errno name or nil).
    var trace: [(String, String, String?)] = []
    var testDescription: String { "\(profile) \(set)\(user.map { " uid \($0)" } ?? "") \(args.joined(separator: " ")) → \(exit)" }

    var arguments: [String] {
        ["--emulated-set", set, "--profile", profile] + (user.map { ["--emulated-user", $0] } ?? []) + ["open-ops"] + args + ["--json"]
    }
}

let matrix: [MatrixRow] = [
    MatrixRow(profile: "proposed", set: "hfi1,qib", args: ["psm2.intel.com"], exit: 0,
              grant: ("psm2.intel.com", "hfi1_0", 6, 3, "driver-ops-ioctl", false),
              trace: [("driver-ops-ioctl", "granted", nil)]),
    MatrixRow(profile: "mainline", set: "hfi1,qib", args: ["psm2.intel.com"], exit: 0,
              grant: ("psm2.intel.com", "hfi1_0", 6, 3, "legacy-node", false),
              trace: [("driver-ops-ioctl", "transport-unavailable", "ENOTTY"), ("legacy-node", "granted", nil)]),
    MatrixRow(profile: "legacy", set: "hfi1", args: ["psm2.intel.com"], exit: 0,
              grant: ("psm2.intel.com", "hfi1_0", 5, nil, "legacy-node", false),
              trace: [("driver-ops-ioctl", "transport-unavailable", "ENOTTY"),
                      ("legacy-node", "version-mismatch", "ENOTTY"),   // GET_VERS's ENOTTY ⇒ write era ≠ 6
                      ("driver-ops-ioctl", "skipped", nil),
                      ("legacy-node", "granted", "ENOTTY")]),
    MatrixRow(profile: "proposed", set: "qib", args: ["psm2.intel.com"], exit: 0,
              grant: ("psm.intel.com", "qib0", 1, 13, "driver-ops-ioctl", true),
              trace: [("driver-ops-ioctl", "not-offered", "EOPNOTSUPP"), ("legacy-node", "not-applicable", nil)]),
    MatrixRow(profile: "mainline", set: "qib", user: "1000", args: ["psm2.intel.com"], exit: 77,
              trace: [("driver-ops-ioctl", "transport-unavailable", "ENOTTY"),
                      ("legacy-node", "permission-denied", "EACCES")]),
    MatrixRow(profile: "proposed", set: "qib", user: "1000", args: ["psm2.intel.com"], exit: 0,
              grant: ("psm.intel.com", "qib0", 1, 13, "driver-ops-ioctl", true)),
    MatrixRow(profile: "mainline", set: "hfi1", args: ["psm2.intel.com", "--handshake"], exit: 0,
              grant: ("psm2.intel.com", "hfi1_0", 6, 3, "legacy-node", false)),
    MatrixRow(profile: "mainline", set: "qib", args: ["psm.intel.com", "--device", "qib0/2", "--handshake"], exit: 75,
              grant: ("psm.intel.com", "qib0", 1, nil, "legacy-node", false)),
    MatrixRow(profile: "proposed", set: "hfi1", user: "1000", args: ["umad", "--device", "hfi1_0/1"], exit: 77,
              trace: [("netlink-get-chardev", "permission-denied", "EACCES"), ("sysfs", "permission-denied", "EACCES")]),
    MatrixRow(profile: "proposed", set: "hfi1", user: "1000", args: ["uverbs", "--device", "hfi1_0"], exit: 0,
              grant: ("uverbs", "hfi1_0", 2, nil, "netlink-get-chardev", false)),   // rdmavt ABI 2 (§1.3)
    MatrixRow(profile: "legacy", set: "hfi1", args: ["uverbs"], exit: 0,
              grant: ("uverbs", "hfi1_0", 2, nil, "sysfs", false),
              trace: [("netlink-get-chardev", "transport-unavailable", "EINVAL"), ("sysfs", "granted", nil)]),
    MatrixRow(profile: "proposed", set: "hfi1,qib", args: ["rdma_cm"], exit: 0,
              grant: ("rdma_cm", "", 4, nil, "netlink-get-chardev", false)),        // RDMA_USER_CM_ABI_VERSION 4
    MatrixRow(profile: "proposed", set: "hfi1", args: ["psm3.example.com"], exit: 69,
              trace: [("driver-ops-ioctl", "not-offered", "EOPNOTSUPP"), ("netlink-get-chardev", "not-offered", "EOPNOTSUPP")]),
] + ["proposed", "mainline", "legacy"].flatMap { profile in [
    // A set with hfi1: psm2.intel.com@7 is offered at another major → 76; qib only: nothing → 69.
    MatrixRow(profile: profile, set: "hfi1,qib", args: ["psm2.intel.com@7", "--no-fallback"], exit: 76),
    MatrixRow(profile: profile, set: "hfi1", args: ["psm2.intel.com@7", "--no-fallback"], exit: 76),
    MatrixRow(profile: profile, set: "qib", args: ["psm2.intel.com@7", "--no-fallback"], exit: 69),
] }

@Suite("open-ops: the negotiation matrix (issue 7)")
struct OpenOpsMatrixTests {
    @Test(arguments: matrix)
    func row(_ row: MatrixRow) throws {
        let r = rdmactl(row.arguments)
        #expect(r.status == row.exit, "\(r.stdout)\n\(r.stderr)")
        let env = try #require(r.envelope, "one JSON document: \(r.stdout)")
        let data = try #require(env["data"])
        #expect(env["error"]?["exit_code"] == (row.exit == 0 ? nil : .int(Int64(row.exit))))
        // data.outcome and the envelope's error agree, a failed handshake included.
        #expect(data["outcome"]?["exit_code"] == .int(Int64(row.exit)))
        if row.exit == 77 {
            // DESIGN §6's error example: a permission refusal names EACCES (13).
            #expect(env["error"]?["errno_name"] == .string("EACCES") && env["error"]?["errno"] == .int(13))
        }
        if let g = row.grant {
            let grant = try #require(data["grant"])
            #expect(grant["facet"] == .string(g.facet))
            if !g.device.isEmpty { #expect(grant["device"] == .string(g.device)) } else { #expect(grant["device"] == nil) }
            #expect(grant["major"] == .int(Int64(g.major)))
            #expect(grant["minor"] == g.minor.map { .int(Int64($0)) })
            #expect(grant["transport"] == .string(g.transport))
            #expect(grant["fallback"] == .bool(g.fallback))
            #expect(data["outcome"]?["released"] == .bool(true))
            // DESIGN §4: a fallback is also a note on stderr.
            #expect(r.stderr.contains("a fallback") == g.fallback)
        } else {
            #expect(data["grant"] == .null)
        }
        guard case .array(let trace)? = data["trace"] else { Issue.record("no trace"); return }
        var at = 0
        for (transport, outcome, errno) in row.trace {
            let found = trace[at...].firstIndex { t in
                t["transport"] == .string(transport) && t["outcome"] == .string(outcome)
                    && t["errno_name"] == errno.map(JSONValue.string)
            }
            guard let found else {
                Issue.record("trace lacks \(transport) \(outcome) \(errno ?? "-") after step \(at): \(trace)")
                return
            }
            at = found + 1
        }
    }

    /// The handshake rows report what the driver does (ABI-FACTS §2.4–2.7, §11).
    @Test func hfi1HandshakeReportsContextUnitPortAndVersion() throws {
        let r = rdmactl(["--emulated-set", "hfi1", "--profile", "mainline", "open-ops", "psm2.intel.com", "--handshake", "--json"])
        let h = try #require(r.envelope?["data"]?["handshake"])
        #expect(h["kind"] == .string("hfi1-ioctl") && h["ok"] == .bool(true))
        guard case .array(let steps)? = h["steps"] else { Issue.record("steps"); return }
        #expect(steps.map { $0["operation"] } == ["GET_VERS", "ASSIGN_CTXT", "CTXT_INFO", "USER_INFO"].map(JSONValue.string))
        #expect(h["sw_version"] == .string("0x00060003"))  // HFI1_KERN_SWVERSION, KERN_TYPE 0 (§2.5)
        #expect(h["unit"] == .int(0) && h["port"] == .int(1) && h["context"] != nil)
    }

    @Test func qibHandshakeOnTheActivePort() throws {
        let r = rdmactl(["--emulated-set", "qib", "--profile", "mainline", "open-ops", "psm.intel.com",
                         "--device", "qib0/1", "--handshake", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let h = try #require(r.envelope?["data"]?["handshake"])
        guard case .array(let steps)? = h["steps"] else { Issue.record("steps"); return }
        // qib PSM's order (ABI-FACTS §11): ASSIGN_CTXT (returns 4 + 32), USER_INIT, CTXT_INFO.
        #expect(steps.map { $0["operation"] } == ["ASSIGN_CTXT", "USER_INIT", "CTXT_INFO"].map(JSONValue.string))
        #expect(steps.first?["result"] == .int(36))
        #expect(h["sw_version"] == .string("0x8001000d"))   // QIB_KERN_TYPE bit 31 | 1.13 (§11)
        #expect(h["sw_minor"] == .int(13) && h["port"] == .int(1) && h["unit"] == .int(0))
    }

    @Test func writeEraHandshakeWritesHfi1Cmd() throws {
        let r = rdmactl(["--emulated-set", "hfi1", "--profile", "legacy", "open-ops", "psm2.intel.com", "--handshake", "--json"])
        #expect(r.status == 0)
        let h = try #require(r.envelope?["data"]?["handshake"])
        #expect(h["kind"] == .string("hfi1-write"))
        // hfi1_file_write returns 16 + the bytes copied: 44 for ASSIGN_CTXT (ABI-FACTS §11).
        guard case .array(let steps)? = h["steps"] else { Issue.record("steps"); return }
        #expect(steps.first?["result"] == .int(44))
    }

    @Test func coreFacetsHaveNoHandshake() throws {
        let r = rdmactl(["--emulated", "open-ops", "uverbs", "--handshake", "--json"])
        #expect(r.status == 0)
        #expect(r.envelope?["data"]?["handshake"]?["applicable"] == .bool(false))
    }

    /// DESIGN §4: names are validated before any syscall (64). No kernel is even opened: the
    /// harness's live kernel fails (exit 1) if asked.
    @Test(arguments: ["Psm2.Intel.com", "../x", String(repeating: "a", count: 200), "psm2..intel", "psm2.intel.com@x",
                      "psm2.intel.com@6.", "", "-x"])
    func badNamesAreUsageErrors(_ name: String) throws {
        let r = rdmactl(["open-ops", name, "--json"])
        #expect(r.status == 64, "\(name): \(r.stdout)")
        #expect(r.envelope?["error"]?["exit_code"] == .int(64))
    }

    @Test func noFallbackWithFallbackIsAContradiction() {
        #expect(rdmactl(["--emulated", "open-ops", "psm2.intel.com", "--no-fallback", "--fallback", "psm.intel.com"]).status == 64)
    }

    @Test func unknownDeviceIs66() {
        #expect(rdmactl(["--emulated", "open-ops", "psm2.intel.com", "--device", "mlx5_0"]).status == 66)
        #expect(rdmactl(["--emulated", "open-ops", "umad", "--device", "hfi1_0/9"]).status == 66)
    }

    /// An unknown valid name is negotiated, and the refusal suggests the near catalogue name.
    /// The 76 hint suggests dropping --no-fallback only when it was given.
    @Test func abiMismatchHint() {
        let without = rdmactl(["--emulated-set", "hfi1", "open-ops", "psm2.intel.com@7"])
        #expect(without.status == 76 && without.stderr.contains("ask for psm2.intel.com@6") && !without.stderr.contains("--no-fallback"))
        let with = rdmactl(["--emulated-set", "hfi1", "open-ops", "psm2.intel.com@7", "--no-fallback"])
        #expect(with.status == 76 && with.stderr.contains("drop --no-fallback"))
    }

    @Test func didYouMean() {
        let r = rdmactl(["--emulated", "open-ops", "psm2.intel.co"])
        #expect(r.status == 69 && r.stderr.contains("did you mean psm2.intel.com?"))
    }

    /// --dry-run (and --root) plans without opening: the emulator holds no handle afterwards and
    /// the outcome is 0 with no grant.
    @Test func dryRunOpensNothing() throws {
        let r = rdmactl(["--emulated", "open-ops", "psm2.intel.com", "--dry-run", "--json"])
        #expect(r.status == 0)
        let data = try #require(r.envelope?["data"])
        #expect(data["grant"] == .null && data["outcome"]?["code"] == .string("DRY_RUN"))
        guard case .array(let trace)? = data["trace"] else { Issue.record("trace"); return }
        #expect(!trace.isEmpty && trace.allSatisfy { $0["outcome"] == .string("planned") || $0["outcome"] == .string("not-applicable") })
    }

    /// Every outcome is one envelope with the same data keys (Docs/json-schema.md "open-ops").
    @Test(arguments: matrix)
    func envelopeShape(_ row: MatrixRow) throws {
        let data = try #require(rdmactl(row.arguments).envelope?["data"])
        guard case .object(let members) = data else { Issue.record("data is not an object"); return }
        #expect(members.map(\.0) == ["request", "chain", "trace", "grant", "handshake", "outcome"])
    }
}
