/// One thing `doctor` found (DESIGN §6): a blocker stops libibverbs from using a device (and
/// sets the exit status), a warning may bite later, info is context a reader needs.
public struct DoctorFinding: Sendable, Equatable {
    public enum Severity: String, Sendable, CaseIterable, Comparable {
        case blocker, warning, info
        public static func < (a: Severity, b: Severity) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public var severity: Severity
    /// Stable, for scripts (Docs/exit-codes.md "doctor findings").
    public var code: String
    public var message: String
    public var hint: String?
    /// The ib device it is about, when it is about one.
    public var device: String?
    /// The file or node it is about.
    public var path: String?
    /// The exit status a blocker stands for (nil for warnings and info).
    public var exitCode: ExitCode?

    public init(_ severity: Severity, _ code: String, _ message: String, hint: String? = nil,
                device: String? = nil, path: String? = nil, exit: ExitCode? = nil) {
        self.severity = severity; self.code = code; self.message = message; self.hint = hint
        self.device = device; self.path = path
        self.exitCode = severity == .blocker ? (exit ?? .unavailable) : nil
    }

    public static func blocker(_ code: String, exit: ExitCode, _ message: String, hint: String?,
                               device: String? = nil, path: String? = nil) -> DoctorFinding {
        DoctorFinding(.blocker, code, message, hint: hint, device: device, path: path, exit: exit)
    }
}

/// Everything one doctor run found.
public struct DoctorReport: Sendable, Equatable {
    /// Blockers first, then warnings, then info; within a severity, in the order found
    /// (kernel, devices in natural order, the process).
    public var findings: [DoctorFinding]
    /// Discovery's own warnings about broken sysfs entries (the envelope's `warnings`).
    public var warnings: [Diagnostic]
    /// The discovery source used, when discovery ran.
    public var source: DiscoverySource?

    public init(findings: [DoctorFinding], warnings: [Diagnostic], source: DiscoverySource?) {
        self.findings = findings.enumerated().sorted { ($0.element.severity, $0.offset) < ($1.element.severity, $1.offset) }
            .map(\.element)
        self.warnings = warnings
        self.source = source
    }

    public func count(_ severity: DoctorFinding.Severity) -> Int { findings.filter { $0.severity == severity }.count }

    /// The blocker that decides the exit status: the most actionable, in the order `open-ops`
    /// uses (DESIGN §4) — permission (77), then ABI (76), then unavailable (69); the first found
    /// among equals. nil when nothing blocks.
    public var deciding: DoctorFinding? {
        let rank: [ExitCode: Int] = [.permission: 0, .abiMismatch: 1, .unavailable: 2]
        return findings.filter { $0.severity == .blocker }.enumerated()
            .min { (rank[$0.element.exitCode!] ?? 3, $0.offset) < (rank[$1.element.exitCode!] ?? 3, $1.offset) }?.element
    }

    public var exitCode: ExitCode { deciding?.exitCode ?? .ok }
}
