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

    /// mkdir, and with `intermediate` its missing parents (an existing directory is fine then).
    public static func makeDirectory(_ path: String, intermediate: Bool) throws(KernelError) {
        if mkdir(path, 0o755) == 0 { return }
        let e = errno
        guard intermediate else { throw KernelError(Errno(rawValue: e)) }
        if e == EEXIST, kind(path) == .directory { return }
        guard e == ENOENT, let parent = parentDirectory(path) else { throw KernelError(Errno(rawValue: e)) }
        try makeDirectory(parent, intermediate: true)
        guard mkdir(path, 0o755) == 0 || (errno == EEXIST && kind(path) == .directory) else { throw KernelError(Errno(rawValue: errno)) }
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

    /// Creates or truncates `path` (mode 0644 before the umask) and writes all of `bytes`.
    public static func writeFile(_ path: String, _ bytes: [UInt8]) throws(KernelError) {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
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

    /// Removes `path` and, for a directory, everything under it; links are removed, never
    /// followed.
    public static func removeTree(_ path: String) throws(KernelError) {
        var st = Glibc.stat()
        guard lstat(path, &st) == 0 else { throw KernelError(Errno(rawValue: errno)) }
        if st.st_mode & S_IFMT == S_IFDIR {
            for name in try entries(path) { try removeTree(path + "/" + name) }
            guard rmdir(path) == 0 else { throw KernelError(Errno(rawValue: errno)) }
        } else {
            guard unlink(path) == 0 else { throw KernelError(Errno(rawValue: errno)) }
        }
    }
}

extension Host {
    /// The environment (`environ`), as FoundationEssentials' ProcessInfo read it: the first
    /// definition of a name wins, an entry without "=" is skipped.
    public static func environment() -> [String: String] {
        var result: [String: String] = [:]
        result.reserveCapacity(64)
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
