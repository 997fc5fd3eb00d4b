import Testing
import RdmaKit
@testable import RdmaCommands

/// `rdmactl gather` (issue 11, DESIGN §6): hosts grouped by identical verdict, largest group
/// first, outliers with what differs from the majority, silent and bad hosts listed, host lists
/// folded, exit = the worst outcome with a count per status.
@Suite("gather")
struct GatherTests {
    /// One node's envelope, as `rdmactl … --json` prints it there (Slurm names the node).
    static func envelope(_ node: String, _ args: [String]) async -> String {
        await rdmactlOffPool(args + ["--json"], environment: ["SLURMD_NODENAME": node]).stdout
    }
    static let granted = ["--emulated-set", "hfi1", "open-ops", "psm2.intel.com"]
    static let fallback = ["--emulated-set", "qib", "open-ops", "psm2.intel.com"]
    static let refused = ["--emulated-set", "qib", "--profile", "mainline", "--emulated-user", "1000", "open-ops", "psm2.intel.com"]

    /// A fleet: node1-3 and node7 granted, node5 a fallback, node6 refused (77).
    static func fleet() async -> String {
        var all = ""
        for node in ["node1", "node2", "node3", "node7"] { all += await envelope(node, granted) }
        return all + (await envelope("node5", fallback)) + (await envelope("node6", refused))
    }

    @Test func groupsByVerdictLargestFirstWithDifferences() async throws {
        let r = await rdmactlOffPool(["gather", "-", "--json"], stdin: Array(await Self.fleet().utf8))
        let data = try #require(r.envelope?["data"])
        #expect(data["hosts"] == .int(6))
        #expect(data["groups"]?[0]?["hosts"] == .string("node[1-3,7]"))
        #expect(data["groups"]?[0]?["majority"] == .bool(true))
        #expect(data["groups"]?[0]?["count"] == .int(4))
        // The outliers, each with what differs from the majority.
        let outliers = [data["groups"]?[1], data["groups"]?[2]].compactMap { $0 }
        #expect(Set(outliers.compactMap { $0["hosts"]?.stringValue }) == ["node5", "node6"])
        let fb = try #require(outliers.first { $0["hosts"] == .string("node5") })
        guard case .array(let diffs)? = fb["differs"] else { Issue.record("no differs"); return }
        #expect(diffs.contains { $0["path"] == .string("data.grant.facet") && $0["majority"] == .string("psm2.intel.com")
                                 && $0["value"] == .string("psm.intel.com") })
        let ref = try #require(outliers.first { $0["hosts"] == .string("node6") })
        #expect(ref["exit_code"] == .int(77) && ref["code"] == .string("EACCES_NODE"))
        // The worst outcome decides (77), with hosts per status.
        #expect(r.status == 77)
        #expect(r.envelope?["error"]?["code"] == .string("EACCES_NODE"))
        #expect(data["exit_codes"] == .array([
            .object([("exit_code", .int(77)), ("count", .int(1)), ("hosts", .string("node6"))]),
            .object([("exit_code", .int(0)), ("count", .int(5)), ("hosts", .string("node[1-3,5,7]"))]),
        ]))
    }

    @Test func volatileFieldsDoNotSplitAGroup() async throws {
        // Two nodes with the same devices differ in GUIDs, LIDs, PCI slots and free contexts.
        let a = await Self.envelope("node1", ["--emulated", "list"])
        var b = await Self.envelope("node2", ["--emulated", "list"])
        for (from, to) in [("0011:7501:0179:e4a0", "0011:7501:0179:ffff"), ("\"lid\": 1", "\"lid\": 9"),
                           ("\"nfreectxts\": 16", "\"nfreectxts\": 3")] {
            #expect(b.contains(from), "fixture lacks \(from)")
            b = b.replacingAll(from, with: to)
        }
        let r = await rdmactlOffPool(["gather", "--json"], stdin: Array((a + b).utf8))
        #expect(r.status == 0)
        #expect(r.envelope?["data"]?["groups"]?[0]?["hosts"] == .string("node[1-2]"))
        // A real difference (a port state) does split it.
        let c = await Self.envelope("node3", ["--emulated", "list"]).replacingAll("\"state\": \"ACTIVE\"", with: "\"state\": \"DOWN\"")
        let r2 = await rdmactlOffPool(["gather", "--json"], stdin: Array((a + b + c).utf8))
        #expect(r2.envelope?["data"]?["groups"]?[1]?["hosts"] == .string("node3"))
    }

    @Test func directoryOfPerNodeFilesWithSilentAndBadNodes() async throws {
        let t = TempTree("gather")
        for n in ["node1", "node2"] { t.write("\(n).json", await Self.envelope(n, Self.granted)) }
        t.write("node3.json", "")                                    // launched, said nothing
        t.write("node3.err", "rdmactl: error: killed by the OOM killer\n")
        t.write("node4.json", "Segmentation fault\n{\"sche")         // not an envelope
        t.write("node5.json", "{\"schema\": \"rdmactl/2\", \"ok\": true}")
        let r = await rdmactlOffPool(["gather", t.path, "--expect", "node[1-6]", "--json"])
        let data = try #require(r.envelope?["data"])
        #expect(data["groups"]?[0]?["hosts"] == .string("node[1-2]"))
        #expect(data["no_answer"] == .array([
            .object([("host", .string("node3")), ("reason", .string("rdmactl: error: killed by the OOM killer"))]),
            .object([("host", .string("node6")), ("reason", .string("no output"))]),
        ]))
        guard case .array(let bad)? = data["bad_output"] else { Issue.record("no bad_output"); return }
        #expect(bad.compactMap { $0["host"]?.stringValue } == ["node4", "node5"])
        // Bad output (65) ranks above no answer (66), below a refusal (77): Docs/fleet.md.
        #expect(r.status == 65)
        #expect(r.envelope?["error"]?["code"] == .string("BAD_OUTPUT"))
        let text = await rdmactlOffPool(["gather", t.path, "--expect", "node[1-6]"])
        #expect(text.stdout.contains("no answer (2): node[3,6]"))
        #expect(text.stdout.contains("bad output (2): node[4-5]"))
    }

    @Test(arguments: ["clush", "pdsh", "srun -l"])
    func prefixedStreams(_ engine: String) async throws {
        var lines: [String] = []
        for (i, node) in ["node1", "node2", "node3"].enumerated() {
            let env = await Self.envelope(node, node == "node3" ? Self.fallback : Self.granted)
            for line in env.split(separator: "\n") {
                lines.append(engine == "srun -l" ? " \(i): \(line)" : "\(node): \(line)")
            }
        }
        if engine == "clush" { lines += ["node4: ssh: connect to host node4 port 22: Connection refused",
                                         "clush: node4: exited with exit code 255"] }
        if engine == "pdsh" { lines += ["pdsh@login1: node4: connect: Connection refused"] }
        let r = await rdmactlOffPool(["gather", "--json"], stdin: Array((lines.joined(separator: "\n") + "\n").utf8))
        let data = try #require(r.envelope?["data"])
        #expect(data["groups"]?[0]?["hosts"] == .string("node[1-2]"))
        #expect(data["groups"]?[1]?["hosts"] == .string("node3"))
        if engine == "srun -l" {
            #expect(r.status == 0)
        } else {
            #expect(r.status == 66)
            #expect(data["no_answer"]?[0]?["host"] == .string("node4"))
            #expect(data["no_answer"]?[0]?["reason"]?.stringValue?.contains("Connection refused") == true)
        }
    }

    @Test func prettyEnvelopesPrefixedLineByLine() async throws {
        // clush prefixes every line of a --pretty envelope; gather reassembles them per node.
        let pretty = await rdmactlOffPool(Self.granted + ["--json", "--pretty"], environment: ["SLURMD_NODENAME": "node1"]).stdout
        let stream = pretty.split(separator: "\n").map { "node1: \($0)" }.joined(separator: "\n") + "\n"
        let r = await rdmactlOffPool(["gather", "--json"], stdin: Array(stream.utf8))
        #expect(r.status == 0)
        #expect(r.envelope?["data"]?["groups"]?[0]?["hosts"] == .string("node1"))
    }

    @Test func nothingToGather() async {
        let r = await rdmactlOffPool(["gather", "--json"], stdin: [])
        #expect(r.status == 66)
        #expect(r.envelope?["error"]?["code"] == .string("NO_ENVELOPES"))
        #expect(await rdmactlOffPool(["gather", "/nonexistent/dir"]).status == 66)
        #expect(await rdmactlOffPool(["gather", "--expect", "node[1-", "-"]).status == 64)
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
