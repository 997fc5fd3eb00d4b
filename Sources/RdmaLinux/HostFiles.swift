import Glibc
import RdmaKit

/// The host file operations the command layer needs besides reading the kernel: writing a
/// snapshot directory, reading gather's inputs, `fleet`'s scratch directory. Plain POSIX calls
/// with their errno, in place of FoundationEssentials' FileManager — linking FoundationEssentials
/// cost every run about a million instructions and a hundred page faults before `main`
/// (Docs/performance.md, "Start-up"), and its `contents(atPath:)` leaks on empty files.
public enum HostFiles {
    public enum Kind: Sendable { case directory, other }

    /// What is at `path` (following links), nil when nothing is.
    public static func kind(_ path: String) -> Kind? {
        var st = Glibc.stat()
        guard fstatat(AT_FDCWD, path, &st, 0) == 0 else { return nil }
        return st.st_mode & S_IFMT == S_IFDIR ? .directory : .other
    }

    /// The names in a directory, without "." and "..".
    public static func entries(_ path: String) throws(KernelError) -> [String] {
        guard let dir = opendir(path) else { throw KernelError(Errno(rawValue: errno)) }
        defer { closedir(dir) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw KernelError(Errno(rawValue: errno)) }
                return names
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
    }

    /// mkdir (0777 less the umask, as FileManager did), and with `intermediate` its missing
    /// parents (an existing directory is fine then).
    public static func makeDirectory(_ path: String, intermediate: Bool) throws(KernelError) {
        if mkdir(path, 0o777) == 0 { return }
        let e = errno
        guard intermediate else { throw KernelError(Errno(rawValue: e)) }
        if e == EEXIST, kind(path) == .directory { return }
        guard e == ENOENT, let parent = parentDirectory(path) else { throw KernelError(Errno(rawValue: e)) }
        try makeDirectory(parent, intermediate: true)
        guard mkdir(path, 0o777) == 0 || (errno == EEXIST && kind(path) == .directory) else { throw KernelError(Errno(rawValue: errno)) }
    }

    /// `path` without its last component ("a/b/c" → "a/b", "/x" → "/"); nil for a single
    /// relative component, whose parent is the working directory.
    static func parentDirectory(_ path: String) -> String? {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        guard bytes != [UInt8(ascii: "/")], let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return nil }
        var end = slash
        while end > 0, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        return end == 0 ? "/" : String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// Creates or truncates `path` (0666 less the umask, as FileManager did) and writes all of `bytes`.
    public static func writeFile(_ path: String, _ bytes: [UInt8]) throws(KernelError) {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o666)
        guard fd >= 0 else { throw KernelError(Errno(rawValue: errno)) }
        var offset = 0
        var failure: Int32 = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            offset += n
        }
        // close reports a deferred write error (NFS, a full quota): a snapshot must not pass
        // as written when it was not.
        if Glibc.close(fd) != 0 && failure == 0 { failure = errno }
        if failure != 0 { throw KernelError(Errno(rawValue: failure)) }
    }

    public static func symlink(_ path: String, target: String) throws(KernelError) {
        guard Glibc.symlink(target, path) == 0 else { throw KernelError(Errno(rawValue: errno)) }
    }

    public static func rename(_ from: String, to: String) throws(KernelError) {
        guard Glibc.rename(from, to) == 0 else { throw KernelError(Errno(rawValue: errno)) }
    }

    /// Removes `path` and, for a directory, everything under it. Walks by directory
    /// descriptor (`openat(O_NOFOLLOW)`, `unlinkat`) with names as raw bytes: a link is removed,
    /// never followed — also one swapped in for a directory during the walk — and a name that
    /// is not UTF-8 is removed like any other.
    public static func removeTree(_ path: String) throws(KernelError) {
        var st = Glibc.stat()
        guard fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0 else { throw KernelError(Errno(rawValue: errno)) }
        if st.st_mode & S_IFMT == S_IFDIR {
            let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw KernelError(Errno(rawValue: errno)) }
            try removeContents(fd)
            guard rmdir(path) == 0 else { throw KernelError(Errno(rawValue: errno)) }
        } else {
            guard unlink(path) == 0 else { throw KernelError(Errno(rawValue: errno)) }
        }
    }

    /// Empties the directory open at `fd`, and closes `fd`.
    private static func removeContents(_ fd: Int32) throws(KernelError) {
        guard let dir = fdopendir(fd) else {
            let e = errno
            Glibc.close(fd)
            throw KernelError(Errno(rawValue: e))
        }
        defer { closedir(dir) }
        var names: [[CChar]] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw KernelError(Errno(rawValue: errno)) }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 }).map { CChar(bitPattern: $0) }
            }
            if name != [0x2e] && name != [0x2e, 0x2e] { names.append(name + [0]) }
        }
        for name in names {
            var st = Glibc.stat()
            guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { throw KernelError(Errno(rawValue: errno)) }
            if st.st_mode & S_IFMT == S_IFDIR {
                let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard child >= 0 else { throw KernelError(Errno(rawValue: errno)) }
                try removeContents(child)
                guard unlinkat(fd, name, AT_REMOVEDIR) == 0 else { throw KernelError(Errno(rawValue: errno)) }
            } else {
                guard unlinkat(fd, name, 0) == 0 else { throw KernelError(Errno(rawValue: errno)) }
            }
        }
    }
}

extension Host {
    /// The environment (`environ`), as FoundationEssentials' ProcessInfo read it: the first
    /// definition of a name wins, an entry without "=" is skipped.
    public static func environment() -> [String: String] {
        var result: [String: String] = [:]
        result.reserveCapacity(64)
        // environ is NULL after clearenv(3).
        // (Swift imports it as non-optional, so the pointer's bits are checked.)
        guard Int(bitPattern: UnsafeRawPointer(environ)) != 0 else { return result }
        var p = environ
        while let entry = p.pointee {
            let bytes = UnsafeRawBufferPointer(start: entry, count: strlen(entry))
            if let eq = bytes.firstIndex(of: UInt8(ascii: "=")) {
                let name = String(decoding: bytes[..<eq], as: UTF8.self)
                if result[name] == nil {
                    result[name] = String(decoding: bytes[(eq + 1)...], as: UTF8.self)
                }
            }
            p += 1
        }
        return result
    }
}
