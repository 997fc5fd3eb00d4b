/// The one error type above the seam: what failed, why, what to do, and the exit status.
/// Formatted once, at the edge (text on stderr, or the JSON envelope's `error`).
public struct RdmaError: Error, Sendable, Equatable {
    /// A stable symbolic code for scripts (Docs/exit-codes.md lists them all).
    public var code: String
    public var exitCode: ExitCode
    public var errno: Errno?
    public var message: String
    public var hint: String?
    /// The discovery source that failed, when a command with `--source auto` got this far: the
    /// envelope reports it instead of "auto".
    public var source: String?

    public init(_ code: String, exit: ExitCode, errno: Errno? = nil, _ message: String, hint: String? = nil) {
        self.code = code; self.exitCode = exit; self.errno = errno
        self.message = message; self.hint = hint
    }

    public static func usage(_ message: String, hint: String? = nil) -> RdmaError {
        RdmaError("USAGE", exit: .usage, message, hint: hint)
    }

    /// Maps a seam error on `path` to the exit status its errno implies.
    public static func kernel(_ error: KernelError, path: String, doing what: String) -> RdmaError {
        let exit: ExitCode
        let code: String
        switch error.errno {
        case .EACCES, .EPERM: exit = .permission; code = "EACCES_NODE"
        case .ENOENT, .ENODEV, .ENXIO: exit = .noSuchDevice; code = "NO_SUCH_ENTRY"
        case .EBUSY, .EAGAIN, .ENETDOWN: exit = .temporary; code = "TEMPORARY"
        default: exit = .osError; code = "OS_ERROR"
        }
        return RdmaError(code, exit: exit, errno: error.errno, "\(what) \(path): \(error)")
    }
}

/// A problem that did not stop the command: a broken entry, a vanished device. `--strict` turns
/// any warning into exit 65.
public struct Diagnostic: Sendable, Equatable {
    /// A stable symbolic code, e.g. "UNREADABLE_ATTRIBUTE", "DEVICE_VANISHED".
    public var code: String
    /// The kernel path the warning is about.
    public var path: String?
    public var message: String
    public var errno: Errno?
    /// What to do about it, when there is something to do (a node missing from a container).
    public var hint: String?

    public init(_ code: String, path: String?, _ message: String, errno: Errno? = nil, hint: String? = nil) {
        self.code = code; self.path = path; self.message = message; self.errno = errno; self.hint = hint
    }
}
