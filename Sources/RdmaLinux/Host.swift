import Glibc
import RdmaKit

/// The process's outside world for the command layer, which cannot reach libc itself:
/// standard streams, the terminal, the caller's identity, exit.
public enum Host {
    public static func writeStdout(_ bytes: [UInt8]) { writeAll(1, bytes) }
    public static func writeStderr(_ bytes: [UInt8]) { writeAll(2, bytes) }
    public static func writeStdout(_ text: String) { writeAll(1, Array(text.utf8)) }
    public static func writeStderr(_ text: String) { writeAll(2, Array(text.utf8)) }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return }   // EPIPE: the reader went away
            offset += n
        }
    }

    public static var stdoutIsTerminal: Bool { isatty(1) == 1 }

    public static var credentials: Credentials {
        Credentials(uid: getuid(), gid: getgid(), groups: LinuxKernel.supplementaryGroups())
    }

    public static func exit(_ code: Int32) -> Never { Glibc.exit(code) }

    /// SIGPIPE off: a closed pipe (`rdmactl list | head -1`) must give EPIPE, not kill us mid-JSON.
    public static func ignoreSIGPIPE() { signal(SIGPIPE, SIG_IGN) }
}
