import CRdmaABI
import CRdmaSys
import Glibc
import RdmaKit

/// Kernel uevents (NETLINK_KOBJECT_UEVENT, group 1) as `KernelEvent`s. Used when udevd does not
/// run (ABI-FACTS §11: the udev monitor then receives nothing).
enum UeventSocket {
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
                    let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    if n <= 0 { continue }
                    if let event = parse(Array(buffer.prefix(n))) { continuation.yield(event) }
                }
                Glibc.close(fd)
                continuation.finish()
            }
            thread.start()
        }
    }

    /// "ACTION@DEVPATH\0KEY=VALUE\0..." (lib/kobject_uevent.c).
    static func parse(_ bytes: [UInt8]) -> KernelEvent? {
        let fields = bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        var props: [String: String] = [:]
        for field in fields.dropFirst() {
            if let eq = field.firstIndex(of: "=") { props[String(field[..<eq])] = String(field[field.index(after: eq)...]) }
        }
        guard let actionName = props["ACTION"], let action = KernelEvent.Action(rawValue: actionName),
              let subsystem = props["SUBSYSTEM"], let devpath = props["DEVPATH"] else { return nil }
        return KernelEvent(action: action, subsystem: subsystem, name: KernelPath.basename(devpath),
                           devname: props["DEVNAME"], properties: props)
    }
}

final class Cancelled: @unchecked Sendable {
    private var flag = false
    private var lock = pthread_mutex_t()
    init() { pthread_mutex_init(&lock, nil) }
    func set() { pthread_mutex_lock(&lock); flag = true; pthread_mutex_unlock(&lock) }
    func get() -> Bool { pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }; return flag }
}

/// A detached POSIX thread running a closure (no Foundation.Thread below the seam).
struct Thread {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    func start() {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var tid = pthread_t()
        pthread_create(&tid, nil, { arg in
            let b = Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue()
            b.body()
            return nil
        }, box)
        pthread_detach(tid)
    }
    final class Box { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
}
