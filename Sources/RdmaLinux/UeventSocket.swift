import CRdmaABI
import CRdmaSys
import Glibc
import RdmaKit

/// Kernel uevents (NETLINK_KOBJECT_UEVENT, group 1) as `KernelEvent`s. Used when udevd does not
/// run (ABI-FACTS §11: the udev monitor then receives nothing).
public enum UeventSocket {
    static func stream() throws(KernelError) -> AsyncStream<KernelEvent> {
        let fd = socket(AF_NETLINK, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), NETLINK_KOBJECT_UEVENT)
        guard fd >= 0 else { throw KernelError(Errno(rawValue: errno)) }
        var addr = sockaddr_nl()
        addr.nl_family = sa_family_t(AF_NETLINK)
        addr.nl_groups = 1
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_nl>.size)) }
        }
        guard bound == 0 else { let e = errno; Glibc.close(fd); throw KernelError(Errno(rawValue: e)) }
        // Wake up every 200 ms to notice cancellation: the reader never blocks for ever.
        var tv = timeval(tv_sec: 0, tv_usec: 200_000)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let state = Cancelled()
        return AsyncStream { continuation in
            continuation.onTermination = { _ in state.set() }
            let thread = Thread {
                var buffer = [UInt8](repeating: 0, count: 16384)
                while !state.get() {
                    var sender = sockaddr_nl()
                    var length = socklen_t(MemoryLayout<sockaddr_nl>.size)
                    let n = buffer.withUnsafeMutableBytes { bytes in
                        withUnsafeMutablePointer(to: &sender) {
                            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                                recvfrom(fd, bytes.baseAddress, bytes.count, 0, $0, &length)
                            }
                        }
                    }
                    // Only the kernel (port id 0) sends uevents; udevd's own rebroadcasts
                    // go to group 2 and anything else on group 1 is not trusted (as udevd
                    // checks in its kernel monitor).
                    if n <= 0 || sender.nl_pid != 0 { continue }
                    if let event = parse(Array(buffer.prefix(n))) { continuation.yield(event) }
                }
                Glibc.close(fd)
                continuation.finish()
            }
            thread.start()
        }
    }

    /// "ACTION@DEVPATH\0KEY=VALUE\0..." (lib/kobject_uevent.c `kobject_uevent_env`: the
    /// header, then ACTION, DEVPATH, SUBSYSTEM, the extra variables — DEVPATH_OLD for a move —,
    /// the class/bus variables and SEQNUM). A message whose header does not match its ACTION
    /// and DEVPATH (a libudev-format message starts "libudev\0") is refused. Bytes that are
    /// not UTF-8 are replaced (U+FFFD).
    public static func parse(_ bytes: [UInt8]) -> KernelEvent? {
        let fields = bytes.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
        guard let header = fields.first, let at = header.firstIndex(of: "@") else { return nil }
        var props: [String: String] = [:]
        for field in fields.dropFirst() {
            if let eq = field.firstIndex(of: "=") { props[String(field[..<eq])] = String(field[field.index(after: eq)...]) }
        }
        guard let actionName = props["ACTION"], let action = KernelEvent.Action(rawValue: actionName),
              let subsystem = props["SUBSYSTEM"], let devpath = props["DEVPATH"],
              header[..<at] == actionName, header[header.index(after: at)...] == devpath else { return nil }
        return KernelEvent(action: action, subsystem: subsystem, name: KernelPath.basename(devpath),
                           devname: props["DEVNAME"], properties: props)
    }
}
