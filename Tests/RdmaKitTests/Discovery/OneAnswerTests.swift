import Foundation
import RdmaEmulator
@testable import RdmaCommands
@testable import RdmaKit
import RdmaLinux
import Testing

// Issue 8, deliverable 2: one device, one answer. The driver of a device with no `device` link
// (soft-RoCE, siw — ABI-FACTS §11: rxe0 has no `device` link) is known only from netlink's
// UVERBS_DRIVER_ID (GET_CHARDEV "uverbs", core/nldev.c; enum rdma_driver_id in
// rdma/ib_user_ioctl_verbs.h). Every source must give the same driver and identity where the
// facts allow it, a snapshot must keep what netlink said, and a gap must be said, not silent.

private let root = Credentials(uid: 0, gid: 0)
private let qibParent = "/sys/devices/pci0000:00/0000:00:02.0/0000:04:00.0"

/// The default set with qib0 turned virtual: its `device` link is gone, as rxe0's never exists.
private func virtualQib() -> FaultInjectingKernel {
    FaultInjectingKernel(EmulatedKernel(devices: .default, credentials: root),
                         linkFaults: [qibParent + "/infiniband/qib0/device": .ENOENT])
}

@Suite("one device, one answer")
struct OneAnswerTests {
    /// netlink, the emulator's own source and a plain sysfs listing agree on a virtual device's
    /// driver and identity: sysfs cannot name it, so the one netlink dump fills it in.
    @Test(arguments: [DiscoverySource.netlink, .emulated, .sysfs])
    func everySourceNamesTheDriver(source: DiscoverySource) throws {
        let qib = try #require(try Discovery(kernel: virtualQib()).run(source: source, detail: .full).devices.last)
        #expect(qib.name.value == "qib0" && qib.pci == nil)
        // RDMA_DRIVER_QIB = 16 (rdma/ib_user_ioctl_verbs.h); the module is ib_qib.
        #expect(qib.driver == "ib_qib" && qib.driverSource == "netlink" && qib.driverID == 16)
        #expect(qib.index == 1)
        #expect(qib.identity == "ib_qib@guid:\(qib.nodeGUID!.sysfs)")
        #expect(qib.driverUnknownReason == nil)
    }

    /// A snapshot keeps netlink's index and driver id, and `--root` replays them: the same
    /// driver, identity and index as netlink gave on the captured kernel.
    @Test func snapshotReplaysNetlink() throws {
        let out = TempTree("oneanswer")
        let dir = out.path + "/t"
        let source = virtualQib()
        var walker = SnapshotWalker(kernel: source)
        let manifest = try walker.capture(into: DirectorySink(dir, force: false), capturedFrom: "test", version: "0")
        #expect(manifest.netlinkDevices?.map(\.name) == ["hfi1_0", "qib0"])
        // RDMA_DRIVER_HFI1 = 15, RDMA_DRIVER_QIB = 16.
        #expect(manifest.netlinkDevices?.map(\.driverID) == [15, 16])
        #expect(manifest.netlinkDevices?.map(\.index) == [0, 1])

        let live = try #require(try Discovery(kernel: source).run(source: .netlink, detail: .full).devices.last)
        let tree = try LinuxKernel.rooted(at: dir)
        let replayed = try #require(try Discovery(kernel: tree).run(source: .sysfs, detail: .full).devices.last)
        #expect(replayed.driver == live.driver && replayed.identity == live.identity && replayed.index == live.index)
        #expect(replayed.driverSource == "snapshot" && replayed.driverID == 16)

        // A snapshot of the replayed tree carries the record on.
        let again = out.path + "/again"
        var second = SnapshotWalker(kernel: tree)
        #expect(try second.capture(into: DirectorySink(again, force: false), capturedFrom: "t", version: "0")
                    .netlinkDevices == manifest.netlinkDevices)
    }

    /// Without the record (a snapshot by another tool, an old rdmactl) the driver is unknown and
    /// the record says why; the JSON carries the reason.
    @Test func unknownDriverIsSaid() throws {
        let out = TempTree("oneanswer-gap")
        let dir = out.path + "/t"
        var walker = SnapshotWalker(kernel: virtualQib())
        var manifest = try walker.capture(into: DirectorySink(dir, force: false), capturedFrom: "test", version: "0")
        manifest.netlinkDevices = nil
        FileManager.default.createFile(atPath: dir + "/" + SnapshotManifest.fileName, contents: Data(manifest.encoded()))
        let r = rdmactl(["--root", dir, "show", "qib0", "--json"])
        #expect(r.status == 0)
        let data = try #require(r.envelope?["data"])
        #expect(data["driver"] == nil)
        guard case .string(let reason)? = data["driver_unknown_reason"] else {
            Issue.record("no driver_unknown_reason: \(r.stdout)"); return
        }
        #expect(reason.contains("virtual device") && reason.contains("netlink"))
        #expect(rdmactl(["--root", dir, "show", "qib0"]).stdout.contains("unknown: a virtual device has no device/driver link"))
    }

    /// The real soft-RoCE sysfs (captured in the VM, SYSFS_PATH style): no `device` link, no
    /// netlink — the identity falls back to the parent netdev and the gap is explained.
    @Test func rxeTreeSaysWhyTheDriverIsUnknown() throws {
        let tree = try LinuxKernel.rooted(at: fixturePath("rxe-sysfs"))
        let rxe = try #require(try Discovery(kernel: tree).run(source: .sysfs, detail: .summary).devices.first)
        #expect(rxe.driver == nil && rxe.identity == "unknown@netdev:dummy0")
        #expect(rxe.driverUnknownReason?.contains("records no netlink answer") == true)
    }
}
