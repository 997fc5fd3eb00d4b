import CRdmaABI
@_spi(KernelSeam) import RdmaKit
@testable import RdmaEmulator
import Testing

// Renaming an emulated ib device (`rdma dev set hfi1_0 name opa0`): core/nldev.c
// `nldev_set_doit` (DEV_INDEX required, empty DEV_NAME → EINVAL), core/device.c
// `ib_device_rename` (same name → 0, a taken name → EEXIST, then device_rename →
// kobject_rename's KOBJ_MOVE uevent with DEVPATH_OLD). In the VM, `rdma dev set rxe1 name
// roce7` produced exactly one such move event, which monitor printed as "rename rxe1 -> roce7".

private let root = Credentials(uid: 0, gid: 0)

/// An RDMA_NLDEV_CMD_SET request, acknowledged (rdma sends NLM_F_ACK); the ack's errno.
private func nldevSet(_ k: EmulatedKernel, index: UInt32, name: String?) throws -> Int32? {
    var attributes: [NetlinkAttribute] = [.u32(RdmaNetlink.Attribute.deviceIndex, index)]
    if let name { attributes.append(.string(RdmaNetlink.Attribute.deviceName, name)) }
    let request = NetlinkMessage(type: RdmaNetlink.type(op: UInt16(RDMAABI_NLDEV_CMD_SET)),
                                 flags: Netlink.request | Netlink.ack, attributes: attributes).bytes
    return try NetlinkMessage.decode(try #require(k.netlinkRDMA(request).first)).errorCode
}

@Suite("Emulator rename")
struct HotplugRenameTests {
    @Test("netlink SET renames: sysfs, ibdev attributes, netlink name, one move uevent")
    func renameThroughNetlink() async throws {
        let k = EmulatedKernel(devices: .default, profile: .mainline, credentials: root)
        var events = try k.events().makeAsyncIterator()
        #expect(try nldevSet(k, index: 0, name: "opa0") == 0)
        #expect(try k.listDirectory("/sys/class/infiniband") == ["opa0", "qib0"])
        #expect(try k.readLink("/sys/class/infiniband/opa0") == "/sys/devices/pci0000:80/0000:80:03.0/0000:81:00.0/infiniband/opa0")
        #expect(try k.readAttribute("/sys/class/infiniband/opa0/uevent") == Array("NAME=opa0\n".utf8))
        #expect(try k.readAttribute("/sys/class/infiniband_verbs/uverbs0/ibdev") == Array("opa0\n".utf8))
        #expect(try k.readAttribute("/sys/class/infiniband_mad/umad0/ibdev") == Array("opa0\n".utf8))
        #expect(try k.readAttribute("/sys/class/infiniband/opa0/nfreectxts") == Array("16\n".utf8))
        #expect(try k.netlinkDevices().map(\.name) == ["opa0", "qib0"])
        let move = await events.next()
        #expect(move?.action == .move && move?.subsystem == "infiniband" && move?.name == "opa0")
        #expect(move?.properties["DEVPATH_OLD"] == "/devices/pci0000:80/0000:80:03.0/0000:81:00.0/infiniband/hfi1_0")
        #expect(move?.properties["DEVPATH"] == "/devices/pci0000:80/0000:80:03.0/0000:81:00.0/infiniband/opa0")
        #expect(move?.properties["NAME"] == "opa0")
        // The device still works under its cdevs.
        let h = try k.open("/dev/hfi1_0", flags: .probe)
        k.close(h)
    }

    @Test("SET errnos: same name 0 (no event), taken EEXIST, empty EINVAL, unknown index EINVAL, non-root EPERM")
    func setErrnos() throws {
        let k = EmulatedKernel(devices: .default, profile: .proposed, credentials: root)
        #expect(try nldevSet(k, index: 0, name: "hfi1_0") == 0)
        #expect(try nldevSet(k, index: 0, name: "qib0") == -Errno.EEXIST.rawValue)
        #expect(try nldevSet(k, index: 0, name: "") == -Errno.EINVAL.rawValue)
        #expect(try nldevSet(k, index: 7, name: "x") == -Errno.EINVAL.rawValue)
        #expect(try nldevSet(k, index: 0, name: nil) == 0)
        let user = EmulatedKernel(devices: .default, profile: .proposed, credentials: Credentials(uid: 1000, gid: 1000))
        #expect(try nldevSet(user, index: 0, name: "opa0") == -Errno.EPERM.rawValue)
        #expect(try k.listDirectory("/sys/class/infiniband") == ["hfi1_0", "qib0"])
    }

    @Test("a renamed device unplugs by its new name and replugs under its driver's name")
    func unplugRenamed() async throws {
        let k = EmulatedKernel(devices: .default, profile: .proposed, credentials: root)
        try k.rename("hfi1_0", to: "opa0")
        #expect(k.presence(of: "opa0") == .present)
        #expect(k.presence(of: "hfi1_0") == .unknown)
        var events = try k.events().makeAsyncIterator()
        #expect(try k.unplug("opa0") == .unplugged)
        var removed: [KernelEvent] = []
        for _ in 0..<5 { if let e = await events.next() { removed.append(e) } }
        #expect(removed.last?.subsystem == "infiniband" && removed.last?.properties["NAME"] == "opa0")
        #expect(k.presence(of: "hfi1_0") == .unplugged)
        #expect(try k.replug("hfi1_0") == "hfi1_0")
        #expect(try k.listDirectory("/sys/class/infiniband") == ["hfi1_0", "qib0"])
        #expect(try k.readAttribute("/sys/class/infiniband_verbs/uverbs0/ibdev") == Array("hfi1_0\n".utf8))
    }
}
