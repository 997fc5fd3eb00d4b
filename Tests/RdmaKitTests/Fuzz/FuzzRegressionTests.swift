import RdmaKit
import Testing

/// Inputs the libFuzzer targets (Fuzz/, Scripts/fuzz.sh) crashed on, kept as tests. Each also
/// sits in the target's committed corpus (Fuzz/Corpus/TARGET/regression-*), so every fuzz run
/// replays it first.
@Suite("fuzz regressions")
struct FuzzRegressionTests {
    /// fuzz-netlink, first minute: an NLMSG_ERROR or NLMSG_DONE whose status is Int32.min
    /// trapped on `-code` (arithmetic overflow) in RdmaNetlink.payloads. A reply's status is
    /// an errno only in -4095...-1 (MAX_ERRNO); anything else is a malformed reply (EPROTO).
    @Test(arguments: [Netlink.error, Netlink.done], [Int32.min, -4096, -4095])
    func statusOutsideTheErrnoRange(type: UInt16, status: Int32) {
        var payload = withUnsafeBytes(of: status) { Array($0) }
        payload += [UInt8](repeating: 0, count: 16)   // the echoed nlmsghdr of an NLMSG_ERROR
        let reply = NetlinkMessage(type: type, flags: 0, payload: payload).bytes
        let expected = status == -4095 ? KernelError(Errno(rawValue: 4095)) : nil
        do {
            _ = try RdmaNetlink.decodeDevices([reply])
            Issue.record("a failing status decoded as success")
        } catch {
            if let expected { #expect(error == expected) } else { #expect(error.errno == .EPROTO) }
        }
    }
}
