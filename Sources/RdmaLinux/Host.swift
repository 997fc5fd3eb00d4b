import Glibc
import RdmaKit
import Synchronization

/// The process's outside world for the command layer, which cannot reach libc itself:
/// standard streams, the terminal, the caller's identity, exit.
public enum Host {
    public static func writeStdout(_ bytes: [UInt8]) { writeAll(1, bytes) }
    public static func writeStderr(_ bytes: [UInt8]) { writeAll(2, bytes) }
    public static func writeStdout(_ text: String) { writeAll(1, Array(text.utf8)) }
    public static func writeStderr(_ text: String) { writeAll(2, Array(text.utf8)) }

    /// The first errno a write to stdout failed with (0: none). A full disk or an I/O error
    /// must not pass as success: `main` turns it into exit 71.
    public static let stdoutError = Atomic<Int32>(0)

    /// Pieces of one output written in order with writev, up to `piecesPerWrite` a call, each
    /// piece's storage lent for the call (no copy into one buffer); a short write — a signal,
    /// a full disk — goes on piece by piece from where it stopped.
    public static func writeStdout(pieces: [[UInt8]]) { write(pieces, to: 1) }

    static func write(_ pieces: [[UInt8]], to fd: Int32) {
        var start = 0
        while start < pieces.count {
            let end = min(start + piecesPerWrite, pieces.count)
            var vectors: [iovec] = []
            vectors.reserveCapacity(end - start)
            let written = withPieces(pieces, start, end, fd, &vectors)
            let total = pieces[start..<end].reduce(0) { $0 + $1.count }
            if written < 0 || written < total {
                // Skip what was written, then write the rest as plain writes (which report).
                var skip = max(0, written)
                for piece in pieces[start..<end] {
                    if skip >= piece.count { skip -= piece.count; continue }
                    if !writeAll(fd, skip == 0 ? piece : Array(piece[skip...])) { return }
                    skip = 0
                }
            }
            start = end
        }
    }

    /// At most this many pieces a writev (IOV_MAX is 1024); nested calls lend each piece's
    /// storage, one stack frame a piece.
    static let piecesPerWrite = 256

    /// writev of pieces[i..<end], each piece's storage lent by a nested call; -1 on failure.
    private static func withPieces(_ pieces: [[UInt8]], _ i: Int, _ end: Int, _ fd: Int32, _ vectors: inout [iovec]) -> Int {
        guard i < end else {
            var n: Int
            repeat { n = vectors.withUnsafeBufferPointer { writev(fd, $0.baseAddress, Int32($0.count)) } } while n < 0 && errno == EINTR
            if n < 0 {
                // writeAll, which writes the rest, records the errno.
                return -1
            }
            return n
        }
        return pieces[i].withUnsafeBytes { raw in
            vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: raw.baseAddress), iov_len: raw.count))
            return withPieces(pieces, i + 1, end, fd, &vectors)
        }
    }

    /// False when a write failed (its errno kept in `stdoutError` for stdout).
    @discardableResult
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                if fd == 1 { _ = stdoutError.compareExchange(expected: 0, desired: errno, ordering: .relaxed) }
                return false
            }
            offset += n
        }
        return true
    }

    /// The exit status after the output was written: a failed stdout write (other than EPIPE —
    /// the reader went away, as in `rdmactl list | head -1`) is exit 71 with a message.
    public static func finalStatus(_ status: Int32) -> Int32 {
        let e = stdoutError.load(ordering: .relaxed)
        guard e != 0, e != EPIPE, status == 0 else { return status }
        writeStderr("rdmactl: error: cannot write standard output: \(Errno(rawValue: e).message)\n")
        return ExitCode.osError.rawValue
    }

    public static var stdoutIsTerminal: Bool { isatty(1) == 1 }

    /// uname(2)'s nodename: the UTS namespace's hostname (a Slurm node in its own UTS namespace
    /// has its own). nil if uname fails or the name is not UTF-8.
    public static var hostname: String? {
        var u = utsname()
        guard uname(&u) == 0 else { return nil }
        return withUnsafeBytes(of: &u.nodename) { raw in
            let bytes = Array(raw.prefix { $0 != 0 })
            return bytes.isEmpty ? nil : String(validating: bytes, as: UTF8.self)
        }
    }

    public static var credentials: Credentials {
        Credentials(uid: geteuid(), gid: getegid(), groups: LinuxKernel.supplementaryGroups())
    }

    public static func exit(_ code: Int32) -> Never { Glibc.exit(code) }

    /// Exits with `code`, leaving `value` (a command's run: its records, the kernel's caches
    /// and descriptors) to the kernel to free at once instead of freeing it piece by piece
    /// (issue 9). Held by a global until then, so that nothing frees it early.
    public static func exit(_ code: Int32, keeping value: Any) -> Never {
        keptUntilExit = value
        Glibc.exit(code)
    }
    nonisolated(unsafe) private static var keptUntilExit: Any?

    /// Whether LeakSanitizer checks this process at exit (`swift build --sanitize=address`):
    /// it cannot follow Swift's tagged references (a String's storage, an enum's payload), so
    /// what a command still holds at exit reads as leaked — such a process frees it first.
    public static let exitIsLeakChecked = dlsym(nil, "__lsan_do_leak_check") != nil

    /// A whole file (gather's per-node outputs), nil when it cannot be opened or read. Read
    /// here rather than through FoundationEssentials' `FileManager.contents(atPath:)`, which on
    /// this toolchain leaks a 4 KiB buffer for every empty file (issue 10, Docs/security.md) —
    /// and a node that answered nothing leaves exactly such a file.
    public static func readFile(_ path: String) -> [UInt8]? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        return try? LinuxKernel.readAll(fd, limit: Int.max - 4096)
    }

    /// Installs SIGINT and SIGTERM handlers that only set a flag, and returns a function that
    /// reads it: `monitor` polls it and ends cleanly (exit 0) instead of dying mid-line.
    public static func watchInterrupts() -> @Sendable () -> Bool {
        // Touch the global first: its lazy initialisation must not run inside the handler.
        interruptRequested.store(false, ordering: .relaxed)
        signal(SIGINT) { _ in interruptRequested.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in interruptRequested.store(true, ordering: .relaxed) }
        return { interruptRequested.load(ordering: .relaxed) }
    }

    /// SIGPIPE off: a closed pipe (`rdmactl list | head -1`) must give EPIPE, not kill us mid-JSON.
    public static func ignoreSIGPIPE() { signal(SIGPIPE, SIG_IGN) }
}

/// Set by the SIGINT/SIGTERM handlers `watchInterrupts` installs (a lock-free atomic store is
/// async-signal-safe).
private let interruptRequested = Atomic<Bool>(false)

/// strlen(3), for main's raw argv (main may not import Glibc).
public func strlenOf(_ p: UnsafeMutablePointer<CChar>?) -> Int {
    guard let p else { return 0 }
    return Glibc.strlen(p)
}
