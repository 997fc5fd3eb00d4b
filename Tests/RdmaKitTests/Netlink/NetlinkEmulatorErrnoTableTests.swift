@testable import RdmaEmulator
import RdmaKit
import Testing

// GET_CHARDEV's errno table on the emulated kernel (default set: hfi1_0 index 0 with one port,
// qib0 index 1 with two), through the client codec, as core/nldev.c `nldev_get_chardev` and
// the clients' get_nl_info answer. Every row whose case the VM could show (rxe0) agrees with
// the capture (NetlinkEmulatorGoldenTests); the 32-byte row is the kernel's, not DESIGN's "at most
// 31": NLA_NUL_STRING with .len 32 admits 32 bytes, nla_strscpy then cuts them to 31.

struct ChardevRow: Sendable, CustomTestStringConvertible {
    var label: String
    var type: String
    var device: UInt32?
    var port: UInt32?
    var profile: Profile = .proposed
    /// nil: answered.
    var errno: Errno?
    var testDescription: String { label }
}

@Suite("Emulated nldev: GET_CHARDEV errno table")
struct NetlinkEmulatorErrnoTableTests {
    static let rows: [ChardevRow] = [
        ChardevRow(label: "uverbs of hfi1_0", type: "uverbs", device: 0),
        ChardevRow(label: "uverbs of qib0", type: "uverbs", device: 1),
        ChardevRow(label: "uverbs under mainline", type: "uverbs", device: 0, profile: .mainline),
        ChardevRow(label: "unknown client", type: "psm2.intel.com", device: 0, errno: .EOPNOTSUPP),
        ChardevRow(label: "31-byte name: accepted, unknown", type: String(repeating: "a", count: 31), device: 0, errno: .EOPNOTSUPP),
        ChardevRow(label: "32-byte name: cut to 31, unknown", type: String(repeating: "a", count: 32), device: 0, errno: .EOPNOTSUPP),
        ChardevRow(label: "32-byte name starting uverbs: cut, unknown", type: "uverbs" + String(repeating: "x", count: 26),
                   device: 0, errno: .EOPNOTSUPP),
        ChardevRow(label: "33-byte name: policy", type: String(repeating: "a", count: 33), device: 0, errno: .EINVAL),
        ChardevRow(label: "64-byte name: policy", type: String(repeating: "a", count: 64), errno: .EINVAL),
        ChardevRow(label: "empty name", type: "", device: 0, errno: .EOPNOTSUPP),
        ChardevRow(label: "uverbs with PORT_INDEX", type: "uverbs", device: 0, port: 1, errno: .EINVAL),
        ChardevRow(label: "uverbs without a device", type: "uverbs", errno: .EOPNOTSUPP),
        ChardevRow(label: "unknown DEV_INDEX", type: "uverbs", device: 7, errno: .EINVAL),
        ChardevRow(label: "PORT_INDEX without DEV_INDEX", type: "rdma_cm", port: 1, errno: .EINVAL),
        ChardevRow(label: "umad port 1", type: "umad", device: 0, port: 1),
        ChardevRow(label: "umad qib0 port 2 (DOWN, still a node)", type: "umad", device: 1, port: 2),
        ChardevRow(label: "umad without a port", type: "umad", device: 1, errno: .EINVAL),
        ChardevRow(label: "umad port 0", type: "umad", device: 1, port: 0, errno: .EINVAL),
        ChardevRow(label: "umad port past the last", type: "umad", device: 1, port: 3, errno: .EINVAL),
        ChardevRow(label: "umad without a device", type: "umad", errno: .EOPNOTSUPP),
        ChardevRow(label: "issm (6.1: NULL client data, EOPNOTSUPP)", type: "issm", device: 0, port: 1, errno: .EOPNOTSUPP),
        ChardevRow(label: "issm with an invalid port: nldev checks the port first", type: "issm", device: 1, port: 9, errno: .EINVAL),
        ChardevRow(label: "rdma_cm", type: "rdma_cm"),
        ChardevRow(label: "rdma_cm with a device", type: "rdma_cm", device: 0, errno: .EOPNOTSUPP),
        ChardevRow(label: "legacy: no GET_CHARDEV op", type: "uverbs", device: 0, profile: .legacy, errno: .EINVAL),
        ChardevRow(label: "legacy: rdma_cm too", type: "rdma_cm", profile: .legacy, errno: .EINVAL),
    ]

    @Test(arguments: rows)
    func row(_ row: ChardevRow) {
        let k = EmulatedKernel(devices: .default, profile: row.profile, credentials: Credentials(uid: 1000, gid: 1000))
        var errno: Errno?
        do throws(KernelError) {
            _ = try k.netlinkChardev(row.type, deviceIndex: row.device, port: row.port)
        } catch { errno = error.errno }
        #expect(errno == row.errno)
    }

    @Test func missingChardevType() throws {
        let k = EmulatedKernel(devices: .default, credentials: Credentials(uid: 0, gid: 0))
        let request = NetlinkMessage(type: RdmaNetlink.getChardev, flags: Netlink.request,
                                     attributes: [.u32(RdmaNetlink.Attribute.deviceIndex, 0)]).bytes
        let replies = try k.netlinkRDMA(request)
        #expect(replies.count == 1)
        #expect(try NetlinkMessage.decode(replies[0]).errorCode == -Errno.EINVAL.rawValue)
    }

    /// The rest of the profile table: the dump works everywhere; legacy refuses op 15 only.
    @Test func legacyKeepsTheDump() throws {
        let k = EmulatedKernel(devices: .default, profile: .legacy, credentials: Credentials(uid: 0, gid: 0))
        #expect(try k.netlinkDevices().map(\.name) == ["hfi1_0", "qib0"])
        #expect(try RdmaNetlink.decodeDevices(k.netlinkRDMA(RdmaNetlink.deviceGet(index: 1))).map(\.name) == ["qib0"])
    }

    /// Admin ops need CAP_NET_ADMIN before anything else; known but unmodelled ops say so
    /// (NEWLINK, 3: an unmodelled admin op; SET, 2, is modelled for renames — HotplugRenameTests).
    @Test func adminAndUnmodelledOps() throws {
        let set = NetlinkMessage(type: RdmaNetlink.type(op: 3), flags: Netlink.request,
                                 attributes: [.u32(RdmaNetlink.Attribute.deviceIndex, 0)]).bytes
        let user = EmulatedKernel(devices: .default, credentials: Credentials(uid: 1000, gid: 1000))
        #expect(try NetlinkMessage.decode(user.netlinkRDMA(set)[0]).errorCode == -Errno.EPERM.rawValue)
        let root = EmulatedKernel(devices: .default, credentials: Credentials(uid: 0, gid: 0))
        #expect(try NetlinkMessage.decode(root.netlinkRDMA(set)[0]).errorCode == -Errno.EOPNOTSUPP.rawValue)
    }
}
