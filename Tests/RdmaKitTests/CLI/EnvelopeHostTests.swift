import Testing
import RdmaKit
@testable import RdmaCommands

/// DESIGN §6: every envelope names its host — the hostname, and the Slurm node name when
/// `SLURMD_NODENAME` is set — on success, on failure and on usage errors alike.
@Suite("envelope host")
struct EnvelopeHostTests {
    @Test(arguments: [["--emulated", "list", "--json"], ["--emulated", "open-ops", "psm2.intel.com@7", "--no-fallback", "--json"],
                      ["open-ops", "Bad.Name", "--json"], ["--json", "no-such-command"]])
    func everyEnvelopeNamesItsHost(_ args: [String]) throws {
        let plain = try #require(rdmactl(args).envelope)
        #expect(plain["host"] == .object([("hostname", .string("rdmactl-test-host"))]))
        let slurm = try #require(rdmactl(args, environment: ["SLURMD_NODENAME": "node17"]).envelope)
        #expect(slurm["host"] == .object([("hostname", .string("rdmactl-test-host")), ("slurm_node", .string("node17"))]))
    }
}
