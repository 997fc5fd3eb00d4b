import CRdmaABI
@testable import RdmaEmulator
import RdmaKit
import Testing

// The emulated nldev against the real kernel: every request of the VM capture
// (Fixtures/netlink/nldev-rxe0-6.1.txt, .ci/vm/netlink/cases.py) is sent to an emulated kernel
// with one device at index 0, like the VM's rxe0, and the answers are compared with the
// kernel's: byte for byte (the socket's port id aside) where the answer does not depend on the
// device — on hfi1_0, which has one port like rxe0 — and attribute by attribute where it does —
// on qib0, whose name length and device attributes are rxe0's.

private let root = Credentials(uid: 0, gid: 0)
private let nobody = Credentials(uid: 65534, gid: 65534)

private func only(_ set: String, as credentials: Credentials = root) -> EmulatedKernel {
    EmulatedKernel(devices: try! DeviceSet.parse(set), profile: .mainline, credentials: credentials)
}

private func thrownErrno<T>(_ body: () throws -> T) -> Errno? {
    do { _ = try body(); return nil } catch let error as KernelError { return error.errno } catch {
        Issue.record("not a KernelError: \(error)")
        return nil
    }
}

@Suite("Emulated nldev: the real kernel's answers")
struct NetlinkEmulatorGoldenTests {
    /// Answers that do not depend on the device: errors (they echo the request), acks, SYS_GET,
    /// rdma_cm, and requests the kernel does not answer at all (EAGAIN here, a recv timeout there).
    @Test(arguments: [
        "get-noindex", "get-dev7", "chardev-issm-p1", "chardev-rdma_cm", "chardev-rdma_cm-dev0",
        "chardev-uverbs-port1", "chardev-umad-noport", "chardev-uverbs-nodev", "chardev-umad-nodev",
        "chardev-unknown", "chardev-name31", "chardev-name32", "chardev-name33", "chardev-uverbs-pad-name32",
        "chardev-notype", "chardev-dev7", "chardev-umad-p2", "chardev-umad-p0", "chardev-port-nodev",
        "chardev-no-nul", "chardev-empty-name", "chardev-unknown-attr200", "chardev-attr0",
        "chardev-devindex-short", "chardev-devindex-long", "chardev-dump", "chardev-trailing",
        "sys-get", "sys-get-ack", "sys-get-dump", "no-request-flag", "no-request-flag-ack", "noop-ack",
        "type-0x0f-ack", "op0", "op8", "op31", "op63", "client6", "client63", "short-len", "len-below-hdr",
        "two-messages", "pid-nonzero", "user-set-op2", "get-devindex-short", "sys-get-attr200",
        "sys-get-devindex-short", "sys-get-type-overlong", "chardev-type-overlong",
    ])
    func sameBytes(label: String) throws {
        let probe = NetlinkFixture.probe(label)
        let k = only("hfi1", as: label.hasPrefix("user-") ? nobody : root)
        if probe.replies.isEmpty {
            #expect(probe.ending == "timeout")
            #expect(thrownErrno { try k.netlinkRDMA(probe.request) } == .EAGAIN)
            return
        }
        let replies = try k.netlinkRDMA(probe.request)
        #expect(replies.map(withoutPortID) == probe.replies.map(withoutPortID),
                "\(replies.map(\.hexString)) vs \(probe.replies.map(\.hexString))")
        #expect(replies.allSatisfy { $0.u32(at: 12) == Nldev.socketPortID })
    }

    /// Answers with device data: the same messages (type, flags, seq, error) carrying the same
    /// attributes in the same order.
    @Test(arguments: ["dump", "dump-ack", "get-dev0", "get-dev0-ack", "chardev-uverbs", "chardev-uverbs-ack",
                      "chardev-umad-p1", "chardev-dup-type", "user-chardev-uverbs",
                      "get-dev0-attr200", "get-dev0-trailing", "get-devindex-long"])
    func sameShape(label: String) throws {
        let probe = NetlinkFixture.probe(label)
        let replies = try only("qib", as: label.hasPrefix("user-") ? nobody : root).netlinkRDMA(probe.request)
        try #require(replies.count == probe.replies.count)
        for (ours, theirs) in zip(replies, probe.replies) {
            let (a, b) = (try NetlinkMessage.decode(ours), try NetlinkMessage.decode(theirs))
            #expect(a.type == b.type && a.flags == b.flags && a.sequence == b.sequence && a.errorCode == b.errorCode)
            if a.type != Netlink.error && a.type != Netlink.done {
                #expect(try a.attributes().all.map(\.type) == b.attributes().all.map(\.type))
            }
        }
    }

    /// qib0's dump message next to rxe0's: the same attribute layout, the kernel's values for
    /// a QLE7342 (no FW_VERSION: qib has no get_dev_fw_str).
    @Test func qibDumpAttributesInKernelOrder() throws {
        let replies = try only("qib").netlinkRDMA(RdmaNetlink.deviceDump())
        let a = try NetlinkMessage.decode(replies[0]).attributes()
        #expect(a.all.map(\.type) == [1, 2, 3, 4, 6, 7, 14, 84, 67])
        #expect(try NetlinkMessage.decode(replies[1]).bytes == [20, 0, 0, 0, 3, 0, 2, 0, 1, 0, 0, 0] + [0x92, 0x10, 0, 0, 0, 0, 0, 0])
    }
}

@Suite("Emulated nldev: replies agree with the emulated sysfs")
struct NetlinkEmulatorSysfsTests {
    private func text(_ k: EmulatedKernel, _ path: String) throws -> String {
        String(decoding: try k.readAttribute(path), as: UTF8.self).trimmingCharacters(in: .newlines)
    }

    @Test(arguments: [Profile.proposed, .mainline, .legacy])
    func deviceDump(profile: Profile) throws {
        let k = EmulatedKernel(devices: .default, profile: profile, credentials: root)
        let devices = try k.netlinkDevices()
        #expect(devices.map(\.name) == ["hfi1_0", "qib0"])
        #expect(devices.map(\.index) == [0, 1])
        for d in devices {
            let dir = "/sys/class/infiniband/" + d.name
            #expect(d.nodeGUID.sysfs == (try text(k, dir + "/node_guid")))
            #expect(d.systemImageGUID.sysfs == (try text(k, dir + "/sys_image_guid")))
            #expect("\(d.nodeType): CA" == (try text(k, dir + "/node_type")))
            #expect(Int(d.portCount) == (try k.listDirectory(dir + "/ports")).count)
            #expect((d.firmware ?? "") == (try text(k, dir + "/fw_ver")))
        }
        #expect(devices[0].nodeGUID.sysfs == "0011:7501:0179:e4a0" && devices[0].firmware == "1.27.0")
        #expect(devices[0].protocolName == "opa" && devices[0].capabilityFlags == 0x20_3d06)
        #expect(devices[1].nodeGUID.sysfs == "0011:7500:00ff:7a3c" && devices[1].firmware == nil)
        #expect(devices[1].protocolName == "ib" && devices[1].capabilityFlags == 0x3d06 && devices[1].portCount == 2)
    }

    /// GET_CHARDEV uverbs per device = class/infiniband_verbs/uverbsN (dev, ibdev, abi_version)
    /// and the node under /dev.
    @Test(arguments: [Profile.proposed, .mainline])
    func uverbsChardevs(profile: Profile) throws {
        let k = EmulatedKernel(devices: .default, profile: profile, credentials: root)
        for d in try k.netlinkDevices() {
            let c = try k.netlinkChardev("uverbs", deviceIndex: d.index)
            let cls = "/sys/class/infiniband_verbs/" + c.name
            #expect("\(c.major):\(c.minor)" == (try text(k, cls + "/dev")))
            #expect(d.name == (try text(k, cls + "/ibdev")))
            #expect("\(c.abi)" == (try text(k, cls + "/abi_version")))
            let node = try k.deviceNode("/dev/infiniband/" + c.name)
            #expect(node.major == c.major && node.minor == c.minor)
            #expect(c.driverID == (d.name.hasPrefix("hfi1") ? RDMAABI_DRIVER_HFI1 : RDMAABI_DRIVER_QIB))
        }
        #expect(try k.netlinkChardev("uverbs", deviceIndex: 0) == ChardevInfo(major: 231, minor: 192, abi: 2, name: "uverbs0", driverID: 15))
        #expect(try k.netlinkChardev("uverbs", deviceIndex: 1) == ChardevInfo(major: 231, minor: 193, abi: 2, name: "uverbs1", driverID: 16))
    }

    /// GET_CHARDEV umad per port = class/infiniband_mad/umadN (dev, ibdev, port); rdma_cm =
    /// class/misc/rdma_cm.
    @Test func umadAndRdmaCM() throws {
        let k = EmulatedKernel(devices: .default, profile: .proposed, credentials: root)
        var seen: [String] = []
        for d in try k.netlinkDevices() {
            for port in 1...d.portCount {
                let c = try k.netlinkChardev("umad", deviceIndex: d.index, port: port)
                let cls = "/sys/class/infiniband_mad/" + c.name
                #expect("\(c.major):\(c.minor)" == (try text(k, cls + "/dev")))
                #expect(d.name == (try text(k, cls + "/ibdev")))
                #expect("\(port)" == (try text(k, cls + "/port")))
                #expect(c.abi == 5)
                #expect("\(c.abi)" == (try text(k, "/sys/class/infiniband_mad/abi_version")))
                seen.append(c.name)
            }
        }
        #expect(seen == ["umad0", "umad1", "umad2"])
        let cm = try k.netlinkChardev("rdma_cm")
        #expect(cm == ChardevInfo(major: 10, minor: 124, abi: 4, name: "rdma_cm"))
        #expect("\(cm.major):\(cm.minor)" == (try text(k, "/sys/class/misc/rdma_cm/dev")))
        #expect("\(cm.abi)" == (try text(k, "/sys/class/misc/rdma_cm/abi_version")))
    }

    @Test func systemGetByProfile() throws {
        let modern = EmulatedKernel(devices: .default, profile: .proposed, credentials: root)
        #expect(try modern.netlinkSystem() == NetlinkSystemInfo(netnsMode: 1, privilegedQKeyMode: 0, copyOnFork: 1))
        let legacy = EmulatedKernel(devices: .default, profile: .legacy, credentials: root)
        #expect(try legacy.netlinkSystem() == NetlinkSystemInfo(netnsMode: 1))
    }

    @Test func noDevices() throws {
        let k = EmulatedKernel(devices: try DeviceSet.parse("none"), profile: .proposed, credentials: root)
        #expect(try k.netlinkDevices() == [])
        #expect(try k.netlinkRDMA(RdmaNetlink.deviceDump()).count == 1)   // NLMSG_DONE alone
    }
}
