import Foundation
import RdmaKit

// The captured real-kernel netlink bytes under Fixtures/netlink (README.md there says how each
// was taken): strace transcripts as SEND/RECV lines, and the nlprobe capture of
// .ci/vm/netlink/cases.py as labelled REQ/REP/END lines.

enum NetlinkFixture {
    static func lines(_ name: String) -> [Substring] {
        let text = (try? String(contentsOfFile: fixturePath("netlink/" + name), encoding: .utf8)) ?? ""
        precondition(!text.isEmpty, "fixture netlink/\(name) is missing")
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }
    }

    static func bytes<S: StringProtocol>(_ hex: S) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    /// An strace transcript: each send with the receive buffers that followed it.
    struct Exchange {
        var sent: [UInt8]
        var received: [[UInt8]]
    }

    static func exchanges(_ name: String) -> [Exchange] {
        var out: [Exchange] = []
        for line in lines(name) {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "SEND": out.append(Exchange(sent: bytes(parts[1]), received: []))
            case "RECV": out[out.count - 1].received.append(bytes(parts[1]))
            default: continue
            }
        }
        return out
    }

    /// One request of the nlprobe capture and the kernel's reply messages.
    struct Probe {
        var label: String
        var request: [UInt8]
        var replies: [[UInt8]] = []
        /// done, error or timeout.
        var ending = ""
    }

    static let probeFile = "nldev-rxe0-6.1.txt"

    static let probes: [String: Probe] = {
        var found: [String: Probe] = [:]
        for line in lines(probeFile) {
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count == 3 else { continue }
            switch parts[0] {
            case "REQ": found[parts[1]] = Probe(label: parts[1], request: bytes(parts[2]))
            case "REP": found[parts[1]]?.replies.append(bytes(parts[2]))
            case "END": found[parts[1]]?.ending = parts[2]
            default: continue
            }
        }
        return found
    }()

    static func probe(_ label: String) -> Probe {
        guard let p = probes[label] else { preconditionFailure("no probe \(label) in \(probeFile)") }
        return p
    }

    /// "SYSFS path value" lines: what the VM's sysfs showed next to the replies.
    static let sysfs: [String: String] = {
        var out: [String: String] = [:]
        for line in lines(probeFile) where line.hasPrefix("SYSFS ") {
            let parts = line.split(separator: " ").map(String.init)
            if parts.count == 3 { out[parts[1]] = parts[2] }
        }
        return out
    }()
}

/// A message with nlmsg_pid zeroed, and the pid of an echoed request header (NLMSG_ERROR)
/// kept: the kernel's reply pid is its socket's port id, which differs run to run.
func withoutPortID(_ message: [UInt8]) -> [UInt8] {
    var m = message
    if m.count >= 16 { m.replaceSubrange(12..<16, with: [0, 0, 0, 0]) }
    return m
}

/// The same request with another nlmsg_seq and nlmsg_pid, for comparing requests "modulo
/// seq/pid".
func withSequence(_ message: [UInt8], _ sequence: UInt32, portID: UInt32) -> [UInt8] {
    var m = message
    withUnsafeBytes(of: sequence) { m.replaceSubrange(8..<12, with: $0) }
    withUnsafeBytes(of: portID) { m.replaceSubrange(12..<16, with: $0) }
    return m
}

extension Array where Element == UInt8 {
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
    func u32(at offset: Int) -> UInt32 { withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self) } }
}
