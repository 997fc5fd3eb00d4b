import FoundationEssentials
import Synchronization
import Testing
import RdmaKit
@testable import RdmaCommands

/// `rdmactl fleet` (issue 11): it only builds the engine's command line (`--dry-run` shows it),
/// with the options that keep the engine's failures visible, and never hides them. The engine
/// here is a fake that answers as srun, clush or pdsh do; the CI stage runs a real Slurm.
@Suite("fleet")
struct FleetTests {
    @Test func dryRunCommandLines() async throws {
        let slurm = await rdmactlOffPool(["fleet", "--via", "slurm", "-N4", "--output-dir", "/shared/out", "--dry-run", "--", "open-ops", "psm2.intel.com"])
        #expect(slurm.status == 0)
        #expect(slurm.stdout == "srun -N4 --ntasks-per-node=1 --immediate=10 --kill-on-bad-exit=0 --input=none "
                + "--output=/shared/out/%N.json --error=/shared/out/%N.err rdmactl open-ops psm2.intel.com --json\n")
        // --dry-run after -- belongs to open-ops on the nodes: fleet runs the engine (which the
        // test context refuses), and passes the flag on.
        let clush = await rdmactlOffPool(["fleet", "--via", "clush", "-w", "node[1-4]", "--rdmactl", "/opt/rdmactl", "--json", "--",
                             "open-ops", "psm2.intel.com", "--dry-run"])
        #expect(clush.envelope?["error"]?["code"] == .string("TEST_NO_ENGINE"))
        let seen = Locked<[String]>([])
        _ = await rdmactlOffPool(["fleet", "--via", "clush", "-w", "node1", "--rdmactl", "/opt/rdmactl", "--", "open-ops", "x", "--dry-run"],
                    runEngine: { inv in seen.withLock { $0 = inv.argv }; return EngineOutcome(status: 0, stdout: [], stderr: []) })
        #expect(seen.withLock { $0.last } == "/opt/rdmactl open-ops x --dry-run --json")
        let clushDry = await rdmactlOffPool(["fleet", "--via", "clush", "-w", "node[1-4]", "--dry-run", "--json", "--", "open-ops", "psm2.intel.com"])
        let argv = try #require(clushDry.envelope?["data"]?["engine"]?["argv"])
        #expect(argv == .array(["clush", "-w", "node[1-4]", "--maxrc", "--", "rdmactl open-ops psm2.intel.com --json"].map(JSONValue.string)))
        let pdsh = await rdmactlOffPool(["fleet", "--via", "pdsh", "-R", "ssh", "-w", "node[1-4]", "--dry-run", "--", "open-ops", "psm2.intel.com@6"])
        #expect(pdsh.stdout == "pdsh -S -R ssh -w 'node[1-4]' 'rdmactl open-ops psm2.intel.com@6 --json'\n")
    }

    @Test(arguments: [["--via", "clush", "-b", "-w", "n1"], ["--via", "pdsh", "-N", "-w", "n1"], ["--via", "slurm", "-o", "x"],
                      ["--via", "slurm", "-N2"], ["--via", "nope", "--"], ["--emulated", "--via", "slurm", "--"]])
    func refusesWhatWouldHideOrBreakPerNodeOutput(_ args: [String]) async {
        let full = args.contains("--") ? ["fleet"] + args + ["list"] : ["fleet"] + args + (args.contains("-N2") ? ["list"] : ["--", "list"])
        #expect(rdmactl(full).status == 64)
    }

    @Test func clushNodeThatCannotBeReachedIsNamed() async throws {
        let env1 = await GatherTests.envelope("node1", GatherTests.granted)
        let env2 = await GatherTests.envelope("node2", GatherTests.granted)
        let argv = Locked<[String]>([])
        let engine: @Sendable (EngineInvocation) throws(RdmaError) -> EngineOutcome = { inv in
            argv.withLock { $0 = inv.argv }
            return EngineOutcome(status: 255, stdout: Array(("node1: " + env1 + "node2: " + env2).utf8),
                                 stderr: Array("node3: ssh: connect to host node3 port 22: No route to host\nclush: node3: exited with exit code 255\n".utf8))
        }
        let r = await rdmactlOffPool(["fleet", "--via", "clush", "-w", "node[1-3]", "--json", "--", "open-ops", "psm2.intel.com"], runEngine: engine)
        #expect(argv.withLock { $0.contains("--maxrc") })
        #expect(r.status == 66)
        let data = try #require(r.envelope?["data"])
        #expect(data["engine"]?["exit_status"] == .int(255))
        #expect(data["gather"]?["groups"]?[0]?["hosts"] == .string("node[1-2]"))
        #expect(data["gather"]?["no_answer"]?[0]?["host"] == .string("node3"))
        #expect(data["gather"]?["no_answer"]?[0]?["reason"]?.stringValue?.contains("No route to host") == true)
    }

    @Test func srunFilesAndALaunchFailure() async throws {
        let t = TempTree("fleet")
        let env1 = await GatherTests.envelope("node1", GatherTests.granted)
        let env2 = await GatherTests.envelope("node2", GatherTests.fallback)
        let engine: @Sendable (EngineInvocation) throws(RdmaError) -> EngineOutcome = { inv in
            // As srun does: each node writes its own file from the --output pattern.
            let pattern = (inv.argv.first { $0.hasPrefix("--output=") } ?? "--output=/nonexistent/%N.json").dropFirst("--output=".count)
            for (node, env) in [("node1", env1), ("node2", env2)] {
                let path = String(pattern).replacingAll("%N", with: node)
                FileManager.default.createFile(atPath: String(path), contents: Data(env.utf8))
            }
            return EngineOutcome(status: 1, stdout: [], stderr: Array("""
                srun: error: Task launch for StepId=7.0 failed on node node3: Communication connection failure
                srun: error: Application launch failed: Communication connection failure
                srun: Job step aborted

                """.utf8))
        }
        let r = await rdmactlOffPool(["fleet", "--via", "slurm", "-N3", "--output-dir", t.path + "/out", "--json", "--", "open-ops", "psm2.intel.com"],
                        runEngine: engine)
        let data = try #require(r.envelope?["data"])
        #expect(r.status == 66)
        #expect(data["gather"]?["no_answer"]?[0]?["host"] == .string("node3"))
        #expect(data["gather"]?["no_answer"]?[0]?["reason"]?.stringValue?.contains("launch failed") == true)
        #expect(data["gather"]?["hosts"] == .int(3))
        guard case .array(let said)? = data["gather"]?["engine_messages"] else { Issue.record("no engine_messages"); return }
        #expect(said.contains(.string("srun: error: Application launch failed: Communication connection failure")))
    }

    @Test func anEngineFailureNoNodeExplainsIsNotHidden() async throws {
        let refused: @Sendable (EngineInvocation) throws(RdmaError) -> EngineOutcome = { _ in
            EngineOutcome(status: 1, stdout: [], stderr: Array("srun: error: Unable to allocate resources: Requested node configuration is not available\n".utf8))
        }
        let t = TempTree("fleet")
        let r = await rdmactlOffPool(["fleet", "--via", "slurm", "-N9", "--output-dir", t.path, "--json", "--", "list"], runEngine: refused)
        #expect(r.status == 69)
        #expect(r.envelope?["error"]?["code"] == .string("ENGINE_FAILED"))
        #expect(r.envelope?["error"]?["message"]?.stringValue?.contains("Requested node configuration is not available") == true)
        // Every node answered ok but the engine still failed (a signal): still a failure.
        let env = await GatherTests.envelope("node1", GatherTests.granted)
        let killed: @Sendable (EngineInvocation) throws(RdmaError) -> EngineOutcome = { _ in
            EngineOutcome(status: nil, signal: 9, stdout: Array(("node1: " + env).utf8), stderr: [])
        }
        let k = await rdmactlOffPool(["fleet", "--via", "pdsh", "-w", "node1", "--json", "--", "open-ops", "psm2.intel.com"], runEngine: killed)
        #expect(k.status == 69)
        #expect(k.envelope?["data"]?["engine"]?["signal"] == .int(9))
    }
}
