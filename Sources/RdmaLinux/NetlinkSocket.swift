import CRdmaABI
import CRdmaSys
import Glibc
import RdmaKit

/// One request/response exchange on a netlink socket, bounded in time so nothing hangs.
enum NetlinkSocket {
    static let receiveTimeoutSeconds = 2

    static func transact(protocol proto: Int32, request: [UInt8]) throws(KernelError) -> [[UInt8]] {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), proto)
        guard fd >= 0 else { throw KernelError(Errno(rawValue: errno)) }
        defer { Glibc.close(fd) }
        var tv = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_nl()
        addr.nl_family = sa_family_t(AF_NETLINK)
        let sent = request.withUnsafeBytes { bytes in
            withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_nl>.size))
                }
            }
        }
        guard sent == request.count else { throw KernelError(Errno(rawValue: errno)) }
        var messages: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: 32768)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                throw KernelError(Errno(rawValue: errno))
            }
            var offset = 0
            while offset + 16 <= n {
                let length = Int(UInt32(buffer[offset]) | UInt32(buffer[offset + 1]) << 8
                                 | UInt32(buffer[offset + 2]) << 16 | UInt32(buffer[offset + 3]) << 24)
                guard length >= 16, offset + length <= n else { throw KernelError(.EPROTO, .other("truncated netlink message")) }
                let type = UInt16(buffer[offset + 4]) | UInt16(buffer[offset + 5]) << 8
                let flags = UInt16(buffer[offset + 6]) | UInt16(buffer[offset + 7]) << 8
                messages.append(Array(buffer[offset..<offset + length]))
                // NLMSG_DONE ends a dump; NLMSG_ERROR is the ack (or the error) of a request.
                if type == UInt16(NLMSG_DONE) || type == UInt16(NLMSG_ERROR) { return messages }
                if flags & UInt16(NLM_F_MULTI) == 0 { return messages }
                offset += (length + 3) & ~3
            }
            if n == 0 { return messages }
        }
    }
}
