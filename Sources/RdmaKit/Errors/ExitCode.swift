/// rdmactl's exit statuses (sysexits.h numbers; DESIGN §6, man page EXIT STATUS).
public enum ExitCode: Int32, Sendable, CaseIterable {
    case ok = 0
    case internalError = 1
    case usage = 64            // EX_USAGE: bad usage or conflicting options
    case malformedTree = 65    // EX_DATAERR: --strict warnings, or a root unusable as a whole
    case noSuchDevice = 66     // EX_NOINPUT: no such device, port or root
    case unavailable = 69      // EX_UNAVAILABLE: no RDMA devices or support; nothing offers a facet
    case osError = 71          // EX_OSERR
    case cannotCreate = 73     // EX_CANTCREAT: snapshot output
    case temporary = 75        // EX_TEMPFAIL: EBUSY, EAGAIN, ENETDOWN
    case abiMismatch = 76      // EX_PROTOCOL: an offer with no compatible major
    case permission = 77       // EX_NOPERM

    public var summary: String {
        switch self {
        case .ok: return "success (monitor reaching its --timeout included)"
        case .internalError: return "internal error (a bug: please report it)"
        case .usage: return "usage error or conflicting options"
        case .malformedTree: return "malformed tree: a warning under --strict, or a root unusable as a whole"
        case .noSuchDevice: return "no such device, port or root directory"
        case .unavailable: return "no RDMA devices or kernel support, or nothing offers the facet"
        case .osError: return "operating-system error"
        case .cannotCreate: return "cannot create the snapshot output"
        case .temporary: return "temporary failure (EBUSY, EAGAIN, ENETDOWN): retry later"
        case .abiMismatch: return "a device offers the facet but no compatible ABI major"
        case .permission: return "permission denied on a node the request needs"
        }
    }
}
