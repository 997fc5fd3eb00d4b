import Testing
@testable import RdmaCommands
import RdmaKit

/// `show DEV` carries `rdma system show`'s settings (issue 8, deliverable 5): netlink SYS_GET
/// (core/nldev.c `nldev_sys_get_doit`), whose netns mode defaults to shared
/// (core/device.c: `ib_devices_shared_netns = true`) and whose copy-on-fork is 1 on 5.12+.
@Suite("show: rdma system settings")
struct ShowSystemTests {
    @Test func emulatedKernelAnswersLikeAModernOne() throws {
        let r = rdmactl(["--emulated", "show", "hfi1_0", "--json"])
        #expect(r.status == 0)
        let system = try #require(r.envelope?["data"]?["rdma_system"])
        #expect(system["netns"] == .string("shared"))
        #expect(system["copy_on_fork"] == .bool(true))
        #expect(rdmactl(["--emulated", "show", "hfi1_0"]).stdout.contains("rdma system:    netns shared"))
    }

    /// A tree on disk has no netlink: no settings rather than made-up ones; a port has none.
    @Test func treesAndPortsHaveNone() {
        #expect(rdmactl(["--root", fixturePath("rxe-sysfs"), "show", "rxe0", "--json"]).envelope?["data"]?["rdma_system"] == nil)
        #expect(rdmactl(["--emulated", "show", "hfi1_0/1", "--json"]).envelope?["data"]?["rdma_system"] == nil)
    }
}
