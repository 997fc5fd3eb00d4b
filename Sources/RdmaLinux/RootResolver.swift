import CRdmaABI
import CRdmaSys
import Glibc
import RdmaKit
import Synchronization

/// Opens paths inside a root directory. `openat2(RESOLVE_IN_ROOT)` (Linux 5.6) does it in one
/// call; on older kernels (RHEL 8's 4.18) and under valgrind, which answer ENOSYS, a userspace
/// resolver walks the path a component at a time, following links inside the root (".." and
/// absolute targets stay at the root, as RESOLVE_IN_ROOT does) and giving up with ELOOP after
/// 40 links, like the kernel's MAXSYMLINKS (fs/namei.c).
enum RootResolver {
    static let maxLinks = 40
    static let maxRetries = 8
    /// Cleared the first time openat2 answers ENOSYS.
    static let openat2Available = Atomic<Bool>(true)

    /// `extraResolve`: more RESOLVE_* flags (RESOLVE_NO_XDEV); the userspace resolver ignores them,
    /// and a caller relying on one must not take what it opens for confined once openat2 is
    /// unavailable.
    static func open(rootFD: Int32, _ relative: String, flags: Int32, extraResolve: UInt64 = 0) throws(KernelError) -> Int32 {
        if openat2Available.load(ordering: .relaxed) {
            // openat2(2): with RESOLVE_IN_ROOT a ".." walked while anything on the system renames
            // or mounts fails with EAGAIN ("the caller may choose to retry"): retry a few times,
            // then resolve in userspace, which has no such race check.
            for _ in 0..<maxRetries {
                let fd = rdmaabi_openat2(rootFD, relative, UInt64(flags | O_CLOEXEC), 0,
                                         RDMAABI_RESOLVE_IN_ROOT | RDMAABI_RESOLVE_NO_MAGICLINKS | extraResolve)
                if fd >= 0 { return fd }
                let e = errno
                if e == EAGAIN || e == EINTR { continue }
                guard e == ENOSYS else { throw KernelError(Errno(rawValue: e)) }
                openat2Available.store(false, ordering: .relaxed)
                break
            }
        }
        let canonical = try resolve(rootFD: rootFD, relative)
        let fd = openat(rootFD, canonical.isEmpty ? "." : canonical, flags | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw KernelError(Errno(rawValue: errno)) }
        return fd
    }

    /// The link-free path, relative to the root, that `relative` names inside it.
    static func resolve(rootFD: Int32, _ relative: String) throws(KernelError) -> String {
        var resolved: [Substring] = []
        var pending = Array(relative.split(separator: "/").reversed())
        var links = 0
        var buffer = [CChar](repeating: 0, count: 4097)
        while let component = pending.popLast() {
            switch component {
            case ".": continue
            case "..": if !resolved.isEmpty { resolved.removeLast() }; continue
            default: break
            }
            let candidate = (resolved + [component]).joined(separator: "/")
            let n = readlinkat(rootFD, candidate, &buffer, 4096)
            if n < 0 {
                // EINVAL: not a link; ENOENT on the last component is left to openat.
                if errno == EINVAL || (errno == ENOENT && pending.isEmpty) { resolved.append(component); continue }
                throw KernelError(Errno(rawValue: errno))
            }
            links += 1
            guard links <= maxLinks else { throw KernelError(.ELOOP) }
            let target = String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if target.hasPrefix("/") { resolved.removeAll() }
            pending.append(contentsOf: target.split(separator: "/").reversed())
        }
        return resolved.joined(separator: "/")
    }
}
