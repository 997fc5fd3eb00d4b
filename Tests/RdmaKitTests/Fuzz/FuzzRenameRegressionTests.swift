import CRdmaABI
@_spi(KernelSeam) import RdmaKit
@testable import RdmaEmulator
import Testing

/// fuzz-emulator-nldev (Docs/security.md, "Findings"): RDMA_NLDEV_CMD_SET renaming a device to a
/// name that begins with a combining mark ("\u{7AF}…", from the bytes DE AF FF FF FF 24), then
/// to another name, back, and so on, trapped (by the fourth move) on Tree.move's precondition. Path arithmetic
/// (KernelPath.basename/dirname, Tree.resolve's split, isPlainName) worked on Characters, and
/// "/" followed by a combining mark is one Character that is not "/": the renamed directory
/// was filed under the wrong parent and stayed behind on the next move. The reproducer is
/// Fuzz/Corpus/fuzz-emulator-nldev/regression-rename-combining-mark.
@Suite("fuzz regressions: rename")
struct FuzzRenameRegressionTests {
    private func set(_ k: EmulatedKernel, _ name: [UInt8]) throws -> Int32? {
        var value = name
        value.append(0)
        let request = NetlinkMessage(type: RdmaNetlink.type(op: UInt16(RDMAABI_NLDEV_CMD_SET)),
                                     flags: Netlink.request | Netlink.ack,
                                     attributes: [.u32(RdmaNetlink.Attribute.deviceIndex, 0),
                                                  NetlinkAttribute(type: RdmaNetlink.Attribute.deviceName, value: value)]).bytes
        return try NetlinkMessage.decode(try #require(k.netlinkRDMA(request).first)).errorCode
    }

    @Test(arguments: Profile.allCases)
    func renameToACombiningMarkAndBack(_ profile: Profile) throws {
        let k = EmulatedKernel(devices: .default, profile: profile, credentials: Credentials(uid: 0, gid: 0))
        let a: [UInt8] = [0xde, 0xaf, 0xff, 0xff, 0xff, 0x24], b: [UInt8] = [0xf0]
        for name in [a, b, a, b, a, b, a, b, Array("hfi1_0".utf8)] {
            #expect(try set(k, name) == 0)
            let shown = String(decoding: name, as: UTF8.self)
            #expect(try k.listDirectory("/sys/class/infiniband") == [shown, "qib0"].sorted())
            let dir = try k.readLink("/sys/class/infiniband/" + shown)
            #expect(KernelPath.basename(dir) == shown)
            #expect(try k.listDirectory(KernelPath.dirname(dir)) == [shown])
            #expect(try k.readAttribute(dir + "/uevent") == Array("NAME=\(shown)\n".utf8))
        }
        let result = try Discovery(kernel: k).run(source: .sysfs, detail: .full)
        let names: [String] = result.devices.map { device in device.name.value }
        #expect(names == ["hfi1_0", "qib0"])
    }

    @Test func pathArithmeticOnScalars() {
        let odd = "/sys/x/\u{7AF}name"
        #expect(KernelPath.basename(odd) == "\u{7AF}name")
        #expect(KernelPath.dirname(odd) == "/sys/x")
        #expect(!KernelPath.isPlainName("a/\u{7AF}b"))
        #expect(KernelPath.isPlainName("\u{7AF}b"))
    }
}
