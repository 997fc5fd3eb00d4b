/// What one attempt of a negotiation came to (JSON `outcome`).
public enum AttemptOutcome: String, Sendable, Equatable {
    /// The transport gave a handle speaking the candidate: the grant.
    case granted
    /// This device (or port) does not offer the name (EOPNOTSUPP, or no such node).
    case notOffered = "not-offered"
    /// The name is offered, but not at a compatible major or minor (ENODEV, GET_VERS).
    case versionMismatch = "version-mismatch"
    /// The device offers the candidate but the caller may not open the node (EACCES, EPERM).
    case permissionDenied = "permission-denied"
    /// The kernel has no such transport (driver-ops ioctl ENOTTY; no RDMA netlink or no
    /// GET_CHARDEV): skipped for the rest of the run.
    case transportUnavailable = "transport-unavailable"
    /// Not attempted: the transport was found unavailable earlier in this run, or the name
    /// cannot travel over it (longer than netlink's 31 bytes).
    case skipped
    /// The transport has nothing to try for this device (a qib device has no /dev/hfi1_N).
    case notApplicable = "not-applicable"
    /// A temporary refusal (EBUSY, EAGAIN: a subnet manager holds issm).
    case temporary
    /// The node opened is not the char device sysfs or netlink named (st_rdev differs).
    case wrongNode = "wrong-node"
    /// Any other failure (EIO: the device is gone; EFAULT, EMFILE, …).
    case failed
    /// `--dry-run` (implied on `--root`): what would be tried; nothing was opened.
    case planned
}

/// One attempt: which candidate, where, over what, and what came of it — in words too.
public struct NegotiationAttempt: Sendable, Equatable {
    public var candidate: FacetCandidate
    public var device: String?
    public var port: Int?
    public var transport: FacetTransport
    /// The node opened or asked through (e.g. /dev/infiniband/uverbs0, /dev/hfi1_0).
    public var node: String?
    public var outcome: AttemptOutcome
    public var errno: Errno?
    /// The version the kernel said it offers (driver-ops ENODEV, GET_VERS, CHARDEV_ABI).
    public var offeredMajor: Int?
    public var offeredMinor: Int?
    public var reason: String
}

/// A successful negotiation: what was granted, where, and how.
public struct FacetGrant: Sendable, Equatable {
    public var candidate: FacetCandidate
    public var device: String?
    public var port: Int?
    public var facet: FacetName
    public var major: Int
    /// nil when the minor is not known before a handshake (hfi1 write era, qib legacy node).
    public var minor: Int?
    public var transport: FacetTransport
    public var node: String?
    /// Another name than the one requested (psm2.intel.com asked, psm.intel.com granted).
    public var fallback: Bool
    /// The handshake this grant supports (nil for core facets: "not applicable").
    public var handshake: HandshakeKind?

    /// "psm2.intel.com 6.3", "psm2.intel.com 5 (minor unknown until USER_INFO)".
    public var versionText: String {
        if let minor { return "\(major).\(minor)" }
        return handshake == nil ? "ABI \(major)" : "\(major) (minor unknown before a handshake)"
    }
}

/// How a negotiation ended: the exit status and a stable code (Docs/exit-codes.md).
public struct NegotiationOutcome: Sendable, Equatable {
    public var exitCode: ExitCode
    public var code: String
    public var message: String
    public var hint: String?
    /// The errno of the refusal that decided (EACCES for 77, ENODEV for a driver-ops 76, …).
    public var errno: Errno?

    public init(exitCode: ExitCode, code: String, message: String, hint: String?, errno: Errno? = nil) {
        self.exitCode = exitCode; self.code = code; self.message = message; self.hint = hint; self.errno = errno
    }

    public var error: RdmaError? {
        guard exitCode != .ok else { return nil }
        return RdmaError(code, exit: exitCode, errno: errno, message, hint: hint)
    }

    /// The outcome once `--handshake` ran on the grant: its failure decides (75 for EBUSY,
    /// EAGAIN, ENETDOWN, else 71), so `data.outcome` and the envelope's `error` never disagree.
    public static func afterHandshake(_ report: HandshakeReport) -> NegotiationOutcome? {
        guard let errno = report.errno else { return nil }
        let step = report.steps.last?.operation ?? "handshake"
        return NegotiationOutcome(
            exitCode: report.exitCode, code: report.exitCode == .temporary ? "HANDSHAKE_TEMPORARY" : "HANDSHAKE_FAILED",
            message: "granted, but the handshake failed at \(step): \(errno.name) (\(errno.message))",
            hint: errno == .ENETDOWN ? "the port is not ACTIVE with a LID: choose another port with --device DEV/PORT"
                : errno == .EBUSY ? "every user context is taken: retry when a job ends" : nil,
            errno: errno)
    }
}
