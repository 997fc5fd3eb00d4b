import CRdmaABI

/// A Linux errno. Values come from <errno.h> through the C shim: code above the seam never
/// imports Glibc.
public struct Errno: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The errno a kernel reply carries negated (netlink's `nlmsgerr.error`, a dump's NLMSG_DONE
    /// status): nil unless it is -1...-4095 (include/linux/err.h MAX_ERRNO). The reply is
    /// untrusted bytes, and negating Int32.min traps (found by Fuzz/fuzz-netlink).
    public init?(negatedKernelCode code: Int32) {
        guard (-4095 ... -1).contains(code) else { return nil }
        self.init(rawValue: -code)
    }

    public static let EPERM = Errno(rawValue: RDMAABI_EPERM)
    public static let ENOENT = Errno(rawValue: RDMAABI_ENOENT)
    public static let EINTR = Errno(rawValue: RDMAABI_EINTR)
    public static let EIO = Errno(rawValue: RDMAABI_EIO)
    public static let ENXIO = Errno(rawValue: RDMAABI_ENXIO)
    public static let EBADF = Errno(rawValue: RDMAABI_EBADF)
    public static let EAGAIN = Errno(rawValue: RDMAABI_EAGAIN)
    public static let ENOMEM = Errno(rawValue: RDMAABI_ENOMEM)
    public static let EACCES = Errno(rawValue: RDMAABI_EACCES)
    public static let EFAULT = Errno(rawValue: RDMAABI_EFAULT)
    public static let EBUSY = Errno(rawValue: RDMAABI_EBUSY)
    public static let EEXIST = Errno(rawValue: RDMAABI_EEXIST)
    public static let EXDEV = Errno(rawValue: RDMAABI_EXDEV)
    public static let ENODEV = Errno(rawValue: RDMAABI_ENODEV)
    public static let ENOTDIR = Errno(rawValue: RDMAABI_ENOTDIR)
    public static let EISDIR = Errno(rawValue: RDMAABI_EISDIR)
    public static let EINVAL = Errno(rawValue: RDMAABI_EINVAL)
    public static let EMFILE = Errno(rawValue: RDMAABI_EMFILE)
    public static let ENOTTY = Errno(rawValue: RDMAABI_ENOTTY)
    public static let EFBIG = Errno(rawValue: RDMAABI_EFBIG)
    public static let ENOSPC = Errno(rawValue: RDMAABI_ENOSPC)
    public static let ELOOP = Errno(rawValue: RDMAABI_ELOOP)
    public static let ENAMETOOLONG = Errno(rawValue: RDMAABI_ENAMETOOLONG)
    public static let ENOSYS = Errno(rawValue: RDMAABI_ENOSYS)
    public static let EPROTONOSUPPORT = Errno(rawValue: RDMAABI_EPROTONOSUPPORT)
    public static let EOPNOTSUPP = Errno(rawValue: RDMAABI_EOPNOTSUPP)
    public static let ENETDOWN = Errno(rawValue: RDMAABI_ENETDOWN)
    public static let ETIMEDOUT = Errno(rawValue: RDMAABI_ETIMEDOUT)
    public static let ENOBUFS = Errno(rawValue: RDMAABI_ENOBUFS)
    public static let EMSGSIZE = Errno(rawValue: RDMAABI_EMSGSIZE)
    public static let EPROTO = Errno(rawValue: RDMAABI_EPROTO)
    public static let E2BIG = Errno(rawValue: RDMAABI_E2BIG)
    public static let ENOTEMPTY = Errno(rawValue: RDMAABI_ENOTEMPTY)
    public static let EROFS = Errno(rawValue: RDMAABI_EROFS)
    public static let EPIPE = Errno(rawValue: RDMAABI_EPIPE)
    public static let ERANGE = Errno(rawValue: RDMAABI_ERANGE)

    private static let table: [(Errno, String, String)] = [
        (.EPERM, "EPERM", "Operation not permitted"),
        (.ENOENT, "ENOENT", "No such file or directory"),
        (.EINTR, "EINTR", "Interrupted system call"),
        (.EIO, "EIO", "Input/output error"),
        (.ENXIO, "ENXIO", "No such device or address"),
        (.E2BIG, "E2BIG", "Argument list too long"),
        (.EBADF, "EBADF", "Bad file descriptor"),
        (.EAGAIN, "EAGAIN", "Resource temporarily unavailable"),
        (.ENOMEM, "ENOMEM", "Cannot allocate memory"),
        (.EACCES, "EACCES", "Permission denied"),
        (.EFAULT, "EFAULT", "Bad address"),
        (.EBUSY, "EBUSY", "Device or resource busy"),
        (.EEXIST, "EEXIST", "File exists"),
        (.EXDEV, "EXDEV", "Invalid cross-device link"),
        (.ENODEV, "ENODEV", "No such device"),
        (.ENOTDIR, "ENOTDIR", "Not a directory"),
        (.EISDIR, "EISDIR", "Is a directory"),
        (.EINVAL, "EINVAL", "Invalid argument"),
        (.EMFILE, "EMFILE", "Too many open files"),
        (.ENOTTY, "ENOTTY", "Inappropriate ioctl for device"),
        (.EFBIG, "EFBIG", "File too large"),
        (.ENOSPC, "ENOSPC", "No space left on device"),
        (.EROFS, "EROFS", "Read-only file system"),
        (.EPIPE, "EPIPE", "Broken pipe"),
        (.ERANGE, "ERANGE", "Numerical result out of range"),
        (.ELOOP, "ELOOP", "Too many levels of symbolic links"),
        (.ENAMETOOLONG, "ENAMETOOLONG", "File name too long"),
        (.ENOSYS, "ENOSYS", "Function not implemented"),
        (.ENOTEMPTY, "ENOTEMPTY", "Directory not empty"),
        (.EPROTONOSUPPORT, "EPROTONOSUPPORT", "Protocol not supported"),
        (.EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported"),
        (.ENETDOWN, "ENETDOWN", "Network is down"),
        (.ETIMEDOUT, "ETIMEDOUT", "Connection timed out"),
        (.ENOBUFS, "ENOBUFS", "No buffer space available"),
        (.EMSGSIZE, "EMSGSIZE", "Message too long"),
        (.EPROTO, "EPROTO", "Protocol error"),
    ]

    /// The symbolic name, e.g. "EACCES"; "E<number>" when not in the table.
    public var name: String {
        Self.table.first { $0.0 == self }?.1 ?? "E\(rawValue)"
    }

    /// strerror-style text.
    public var message: String {
        Self.table.first { $0.0 == self }?.2 ?? "Unknown error \(rawValue)"
    }

    public var description: String { "\(name) (\(rawValue))" }
}

/// An error at the seam: the call's errno plus, where the errno alone would mislead, why.
public struct KernelError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Detail: Sendable, Equatable {
        /// A FIFO, socket or device where a regular file was expected; never read.
        case notRegular(NodeType)
        /// A symbolic link whose target climbs above the root.
        case leavesRoot(target: String)
        /// More than the read bound.
        case tooLarge(limit: Int)
        case other(String)
    }

    public var errno: Errno
    public var detail: Detail?

    public init(_ errno: Errno, _ detail: Detail? = nil) {
        self.errno = errno; self.detail = detail
    }

    public var description: String {
        switch detail {
        case .notRegular(let type): return "not a regular file (\(type.rawValue)); not read"
        case .leavesRoot(let target): return "symbolic link to \(target) leaves the root"
        case .tooLarge(let limit): return "larger than \(limit / 1024) KiB; not read"
        case .other(let text): return "\(text): \(errno.message)"
        case nil: return errno.message
        }
    }
}
