import Foundation
import RdmaEmulator
import RdmaKit
import RdmaLinux
import Testing

// `--source netlink`: the device list and indices from the nldev dump, attributes from sysfs,
// the driver from UVERBS_DRIVER_ID when the `driver` link is missing (DESIGN §3).

private let root = Credentials(uid: 0, gid: 0)
private let qibParent = "/sys/devices/pci0000:00/0000:00:02.0/0000:04:00.0"

@Suite("Discovery --source netlink")
struct NetlinkDiscoveryTests {
    @Test(arguments: [Profile.proposed, .mainline, .legacy])
    func emulatedDevicesWithIndices(profile: Profile) throws {
        let k = EmulatedKernel(devices: .default, profile: profile, credentials: root)
        let viaNetlink = try Discovery(kernel: k).run(source: .netlink, detail: .full)
        let viaSysfs = try Discovery(kernel: k).run(source: .sysfs, detail: .full)
        // The emulator answers netlink, so its own source lists what netlink lists, index included.
        #expect(try Discovery(kernel: k).run(source: .emulated, detail: .full).devices == viaNetlink.devices)
        #expect(viaNetlink.source == .netlink)
        #expect(viaNetlink.devices.map(\.name.value) == ["hfi1_0", "qib0"])
        #expect(viaNetlink.devices.map(\.index) == [0, 1])
        #expect(viaNetlink.devices.map(\.driverSource) == ["link", "link"])
        // Everything but the index is what the sysfs listing reads.
        var stripped = viaNetlink.devices
        for i in stripped.indices { stripped[i].index = nil }
        #expect(stripped == viaSysfs.devices)
        #expect(viaNetlink.warnings.isEmpty)
    }

    /// What the dump already said is not read again from sysfs (issue 9): NODE_GUID,
    /// SYS_IMAGE_GUID, DEV_NODE_TYPE, and PORT_INDEX for the port list (core/nldev.c
    /// fill_dev_info); `emulatedDevicesWithIndices` shows the result equals the sysfs listing.
    @Test func dumpAttributesAreNotReadAgain() throws {
        let k = FaultInjectingKernel(EmulatedKernel(devices: .default, credentials: root))
        let result = try Discovery(kernel: k).run(source: .netlink, detail: .negotiation)
        #expect(result.devices.map { $0.ports.map(\.number) } == [[1], [1, 2]])
        let touched = k.recorded.filter { $0.hasSuffix("/node_type") || $0.hasSuffix("/node_guid")
                                          || $0.hasSuffix("/sys_image_guid") || $0.hasSuffix("/ports") }
        #expect(touched.isEmpty, "\(touched)")
    }

    /// A device whose sysfs directory went away after the dump (removed in between): the
    /// first sysfs read fails, the directory is looked at, and the device is reported vanished
    /// rather than listed with a missing port state.
    @Test func deviceGoneAfterTheDumpIsVanished() throws {
        let dir = qibParent + "/infiniband/qib0"
        let k = FaultInjectingKernel(EmulatedKernel(devices: .default, credentials: root),
                                     readFaults: [dir + "/ports/1/state": .ENOENT], listFaults: [dir: .ENOENT])
        let result = try Discovery(kernel: k).run(source: .netlink, detail: .summary)
        #expect(result.devices.map(\.name.value) == ["hfi1_0"])
        #expect(result.warnings.map(\.code) == ["DEVICE_VANISHED"])
    }

    /// No `device` link (a virtual device, like rxe0): GET_CHARDEV uverbs names the driver.
    @Test func virtualDeviceDriverFromNetlink() throws {
        let k = FaultInjectingKernel(EmulatedKernel(devices: .default, credentials: root),
                                     linkFaults: [qibParent + "/infiniband/qib0/device": .ENOENT])
        let qib = try #require(try Discovery(kernel: k).run(source: .netlink, detail: .summary).devices.last)
        #expect(qib.name.value == "qib0" && qib.pci == nil)
        #expect(qib.driver == "ib_qib" && qib.driverSource == "netlink")
    }

    /// A PCI parent without a `driver` link: netlink before the PCI id; a kernel without
    /// GET_CHARDEV (legacy) falls through to the PCI id.
    @Test(arguments: [(Profile.proposed, "netlink"), (.legacy, "pci_id")])
    func unboundPCIDevice(profile: Profile, source: String) throws {
        let k = FaultInjectingKernel(EmulatedKernel(devices: .default, profile: profile, credentials: root),
                                     linkFaults: [qibParent + "/driver": .ENOENT])
        let qib = try #require(try Discovery(kernel: k).run(source: .netlink, detail: .summary).devices.last)
        #expect(qib.driver == "ib_qib" && qib.driverSource == source)
    }

    @Test func driverNames() {
        #expect(RdmaNetlink.driverName(forID: 14) == "rdma_rxe")
        #expect(RdmaNetlink.driverName(forID: 15) == "hfi1")
        #expect(RdmaNetlink.driverName(forID: 16) == "ib_qib")
        #expect(RdmaNetlink.driverName(forID: 0) == nil)
    }

    /// EPROTONOSUPPORT from the seam: the kernel has no RDMA netlink → exit 69.
    @Test func noNetlinkIsUnavailable() throws {
        let tree = try LinuxKernel.rooted(at: fixturePath("rxe-sysfs"))
        do {
            _ = try Discovery(kernel: tree).run(source: .netlink, detail: .summary)
            Issue.record("netlink discovery on a tree succeeded")
        } catch {
            #expect(error.code == "NETLINK_SOURCE_UNSUPPORTED" && error.exitCode == .unavailable)
            #expect(error.errno == .EPROTONOSUPPORT)
        }
    }

    @Test func cliEmulatedNetlinkSource() throws {
        let r = rdmactl(["--emulated", "--source", "netlink", "list", "--json"])
        #expect(r.status == 0)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any])
        #expect(doc["source"] as? String == "netlink")
        let devices = try #require((doc["data"] as? [String: Any])?["devices"] as? [[String: Any]])
        #expect(devices.map { $0["ifindex"] as? Int } == [0, 1])
        #expect(rdmactl(["--emulated", "--source", "udev", "list"]).status == 64)
    }
}
