import CRdmaABI
import RdmaKit
import Testing

// The netlink codec against bytes the real kernel and real tools produced (Fixtures/netlink,
// captured in the soft-RoCE VM, Linux 6.1) and against the C layouts of <linux/netlink.h>.
// Client and emulator share this codec, so these are what keeps a shared bug from hiding.

private func thrownErrno<T>(_ body: () throws -> T) -> Errno? {
    do { _ = try body(); return nil } catch let error as KernelError { return error.errno } catch {
        Issue.record("not a KernelError: \(error)")
        return nil
    }
}

@Suite("Netlink codec: requests equal the captured real requests")
struct NetlinkRequestGoldenTests {
    /// `sent` re-encoded by the codec with the captured seq and pid.
    private func same(_ sent: [UInt8], _ build: (UInt32, UInt32) -> [UInt8]) -> Bool {
        build(sent.u32(at: 8), sent.u32(at: 12)) == sent
    }

    @Test func libibverbsDeviceDumpAndGetChardev() {
        let x = NetlinkFixture.exchanges("ibv-devices.hex")
        #expect(x.count == 2)
        // REQUEST|DUMP, no ACK, no attributes (libibverbs ibdev_nl.c).
        #expect(same(x[0].sent) { RdmaNetlink.deviceDump(sequence: $0, portID: $1) })
        // DEV_INDEX 0 then CHARDEV_TYPE "uverbs\0" padded to 12 (rdmanl_get_chardev).
        #expect(same(x[1].sent) { RdmaNetlink.chardevRequest(type: "uverbs", deviceIndex: 0, sequence: $0, portID: $1) })
    }

    @Test func iproute2DeviceDumpGetAndSystemGet() {
        let dev = NetlinkFixture.exchanges("rdma-dev-show.hex")
        #expect(same(dev[0].sent) { RdmaNetlink.deviceDump(sequence: $0, portID: $1, ack: true) })
        #expect(same(dev[1].sent) { RdmaNetlink.deviceGet(index: 0, sequence: $0, portID: $1, ack: true) })
        let sys = NetlinkFixture.exchanges("rdma-sys-show.hex")
        #expect(same(sys[1].sent) { RdmaNetlink.systemGet(sequence: $0, portID: $1, ack: true) })
    }

    /// Requests hand-built by .ci/vm/netlink/cases.py (independently of this codec).
    @Test(arguments: ["chardev-umad-p1", "chardev-rdma_cm", "chardev-name33", "sys-get", "dump", "get-dev7"])
    func handBuiltRequests(label: String) {
        let sent = NetlinkFixture.probe(label).request
        let (seq, pid) = (sent.u32(at: 8), sent.u32(at: 12))
        let built: [UInt8]
        switch label {
        case "chardev-umad-p1": built = RdmaNetlink.chardevRequest(type: "umad", deviceIndex: 0, port: 1, sequence: seq, portID: pid)
        case "chardev-rdma_cm": built = RdmaNetlink.chardevRequest(type: "rdma_cm", sequence: seq, portID: pid)
        case "chardev-name33":
            built = RdmaNetlink.chardevRequest(type: String(repeating: "a", count: 33), deviceIndex: 0, sequence: seq, portID: pid)
        case "sys-get": built = RdmaNetlink.systemGet(sequence: seq, portID: pid)
        case "dump": built = RdmaNetlink.deviceDump(sequence: seq, portID: pid)
        default: built = RdmaNetlink.deviceGet(index: 7, sequence: seq, portID: pid)
        }
        #expect(built == sent, "\(built.hexString) vs \(sent.hexString)")
    }
}

@Suite("Netlink codec: captured real replies decode")
struct NetlinkReplyGoldenTests {
    static let rxe0 = NetlinkDevice(index: 0, name: "rxe0", portCount: 1, nodeGUID: GUID(0x0000_00ff_fe00_0001),
                                    systemImageGUID: GUID(0x0000_00ff_fe00_0001), nodeType: 1, firmware: nil,
                                    protocolName: "roce", capabilityFlags: 0x0122_3c76)

    @Test func deviceDumpOfRxe0() throws {
        let x = NetlinkFixture.exchanges("ibv-devices.hex")
        let devices = try RdmaNetlink.decodeDevices(x[0].received)
        #expect(devices == [Self.rxe0])
        // `rdma dev show` printed: node_type ca node_guid 0000:00ff:fe00:0001
        #expect(devices.first?.nodeKind == .ca)
        #expect(devices.first?.nodeGUID.sysfs == "0000:00ff:fe00:0001")
    }

    @Test func deviceGetWithItsAcknowledgement() throws {
        let x = NetlinkFixture.exchanges("rdma-dev-show.hex")
        #expect(x[1].received.count == 2)   // the reply, then NLMSG_ERROR 0 (CAPPED)
        #expect(try RdmaNetlink.decodeDevices(x[1].received) == [Self.rxe0])
        let ack = try NetlinkMessage.decode(x[1].received[1])
        #expect(ack.errorCode == 0 && ack.flags == Netlink.capped)
    }

    @Test func getChardevUverbs() throws {
        let info = try RdmaNetlink.decodeChardev(NetlinkFixture.exchanges("ibv-devices.hex")[1].received)
        #expect(info == ChardevInfo(major: 231, minor: 192, abi: 2, name: "uverbs0", driverID: RDMAABI_DRIVER_RXE))
        #expect(info.encoded == 0xe7c0)
        #expect("\(info.major):\(info.minor)" == NetlinkFixture.sysfs["/sys/class/infiniband_verbs/uverbs0/dev"])
        #expect("\(info.abi)" == NetlinkFixture.sysfs["/sys/class/infiniband_verbs/uverbs0/abi_version"])
    }

    @Test func getChardevUmadAndRdmaCM() throws {
        let umad = try RdmaNetlink.decodeChardev(NetlinkFixture.probe("chardev-umad-p1").replies)
        #expect(umad == ChardevInfo(major: 231, minor: 0, abi: 5, name: "umad0"))
        #expect("\(umad.major):\(umad.minor)" == NetlinkFixture.sysfs["/sys/class/infiniband_mad/umad0/dev"])
        let cm = try RdmaNetlink.decodeChardev(NetlinkFixture.probe("chardev-rdma_cm").replies)
        #expect(cm == ChardevInfo(major: 10, minor: 124, abi: 4, name: "rdma_cm"))
        #expect("\(cm.major):\(cm.minor)" == NetlinkFixture.sysfs["/sys/class/misc/rdma_cm/dev"])
    }

    @Test func systemGet() throws {
        let x = NetlinkFixture.exchanges("rdma-sys-show.hex")
        #expect(try RdmaNetlink.decodeSystem(x[1].received)
                == NetlinkSystemInfo(netnsMode: 1, privilegedQKeyMode: 0, copyOnFork: 1))
    }

    /// The kernel's refusals come back as NLMSG_ERROR messages; the codec throws their errno.
    @Test(arguments: [
        ("chardev-unknown", Errno.EOPNOTSUPP), ("chardev-name31", .EOPNOTSUPP), ("chardev-name32", .EOPNOTSUPP),
        ("chardev-name33", .EINVAL), ("chardev-uverbs-port1", .EINVAL), ("chardev-issm-p1", .EOPNOTSUPP),
        ("chardev-notype", .EINVAL), ("chardev-dev7", .EINVAL), ("user-set-op2", .EPERM),
    ])
    func refusalsThrowTheirErrno(label: String, errno: Errno) throws {
        let replies = NetlinkFixture.probe(label).replies
        #expect(replies.count == 1)
        #expect(thrownErrno { try RdmaNetlink.decodeChardev(replies) } == errno)
        #expect(try NetlinkMessage.decode(replies[0]).errorCode == -errno.rawValue)
    }

    @Test func malformedRepliesAreEPROTO() {
        let good = NetlinkFixture.exchanges("ibv-devices.hex")[1].received[0]
        var longLength = good
        longLength[0] = 0xff   // nlmsg_len past the buffer
        #expect(thrownErrno { try RdmaNetlink.decodeChardev([longLength]) } == .EPROTO)
        #expect(thrownErrno { try RdmaNetlink.decodeChardev([Array(good.prefix(10))]) } == .EPROTO)
        var badAttribute = good
        badAttribute[16] = 0xf0   // first nla_len past the payload
        #expect(thrownErrno { try RdmaNetlink.decodeChardev([badAttribute]) } == .EPROTO)
        var shortU64 = good
        shortU64[24] = 0x08       // CHARDEV (u64) claims 4 bytes
        #expect(thrownErrno { try RdmaNetlink.decodeChardev([shortU64]) } == .EPROTO)
        #expect(thrownErrno { try RdmaNetlink.decodeChardev([]) } == .EPROTO)
        // A dump ending in NLMSG_DONE with an errno reports it.
        let done = NetlinkMessage(type: Netlink.done, flags: Netlink.multi, payload: [0xf3, 0xff, 0xff, 0xff]).bytes
        #expect(thrownErrno { try RdmaNetlink.decodeDevices([done]) } == Errno(rawValue: 13))
    }
}

@Suite("Netlink codec: layouts of <linux/netlink.h> and NLMSG_ERROR as netlink_ack builds it")
struct NetlinkLayoutTests {
    @Test func sizesFromTheShim() {
        #expect(Netlink.headerLength == 16 && Netlink.headerLength == Int(RDMAABI_SIZEOF_NLMSGHDR))
        #expect(Netlink.attributeHeaderLength == 4 && Netlink.attributeHeaderLength == Int(RDMAABI_SIZEOF_NLATTR))
        #expect(Netlink.errorLength == 20 && Netlink.errorLength == Int(RDMAABI_SIZEOF_NLMSGERR))
        #expect(MemoryLayout<nlmsghdr>.size == 16 && MemoryLayout<nlattr>.size == 4 && MemoryLayout<nlmsgerr>.size == 20)
        for n in 0..<40 { #expect(Netlink.align(n) == Int(rdmaabi_nla_align(n)) && Netlink.align(n) == Int(rdmaabi_nlmsg_align(n))) }
    }

    /// The encoder's header is the C struct's memory, field for field.
    @Test func headerIsStructNlmsghdr() throws {
        var h = nlmsghdr()
        h.nlmsg_len = 24; h.nlmsg_type = 0x140f; h.nlmsg_flags = 0x0305; h.nlmsg_seq = 0x9abc_def0; h.nlmsg_pid = 0x0fed_cba9
        let c = withUnsafeBytes(of: h) { Array($0) }
        let m = NetlinkMessage(type: 0x140f, flags: 0x0305, sequence: 0x9abc_def0, portID: 0x0fed_cba9,
                               payload: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(Array(m.bytes.prefix(16)) == c)
        #expect(try NetlinkMessage.decode(m.bytes) == m)
    }

    @Test func attributeIsStructNlattrPlusPadding() throws {
        var a = nlattr()
        a.nla_len = 11; a.nla_type = 69
        let c = withUnsafeBytes(of: a) { Array($0) }
        let encoded = NetlinkAttribute.string(69, "uverbs").bytes
        #expect(Array(encoded.prefix(4)) == c)
        #expect(encoded == c + Array("uverbs".utf8) + [0, 0])   // NUL, then one byte of NLA_ALIGN padding
        let parsed = try NetlinkAttributes(parsing: encoded + NetlinkAttribute.u64(72, 0xe7c0).bytes)
        #expect(parsed.string(69) == "uverbs")
        #expect(try parsed.u64(72) == 0xe7c0)
        #expect(parsed.all.count == 2)
    }

    @Test func hugeEncodeDev() {
        #expect(ChardevInfo(major: 231, minor: 192, abi: 0, name: "").encoded == 0xe7c0)
        #expect(ChardevInfo(major: 10, minor: 124, abi: 0, name: "").encoded == 0x0a7c)
        // A minor past 255 moves its high bits to 20-31 (new_encode_dev).
        let wide = ChardevInfo(major: 0xabc, minor: 0x12345, abi: 0, name: "")
        #expect(wide.encoded == 0x123a_bc45)
        #expect(rdmaabi_huge_decode_major(wide.encoded) == 0xabc && rdmaabi_huge_decode_minor(wide.encoded) == 0x12345)
    }

    /// Acknowledgements and errors equal the captured ones (the kernel's port id substituted).
    @Test(arguments: ["get-dev0-ack", "chardev-uverbs-ack", "get-noindex", "chardev-trailing", "chardev-name33",
                      "no-request-flag-ack", "noop-ack", "user-set-op2"])
    func acknowledgementAsCaptured(label: String) throws {
        let probe = NetlinkFixture.probe(label)
        let captured = try #require(probe.replies.last)
        let request = try NetlinkMessage.decode(probe.request)
        let code = try #require(try NetlinkMessage.decode(captured).errorCode)
        let built = NetlinkMessage.acknowledgement(of: request, error: code, portID: captured.u32(at: 12))
        #expect(built.bytes == captured, "\(built.bytes.hexString) vs \(captured.hexString)")
        // C struct nlmsgerr: int error, then the request's header.
        var e = nlmsgerr()
        e.error = code
        withUnsafeMutableBytes(of: &e.msg) { $0.copyBytes(from: probe.request.prefix(16)) }
        #expect(Array(built.payload.prefix(20)) == withUnsafeBytes(of: e) { Array($0) })
    }
}
