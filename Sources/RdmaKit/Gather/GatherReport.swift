/// `gather`'s answer (Docs/fleet.md): hosts grouped by identical verdict (`Verdict`), largest
/// group first, every other group described by what differs from the largest, the hosts that
/// gave no answer or bad output, and one exit status — the worst outcome — with a count per code.
public struct GatherReport: Sendable {
    public struct Group: Sendable {
        public var hosts: [String]
        public var exitCode: Int32
        public var errorCode: String?
        public var summary: String
        /// The verdict the group shares (the envelope without its volatile keys).
        public var verdict: JSONValue
        /// Against the largest group; empty for the largest itself.
        public var differences: [Verdict.Difference] = []
        public var differencesTotal = 0
        /// `hosts` folded (`node[1-3,7]`), made once.
        public internal(set) var folded = ""
    }
    public struct Missing: Sendable, Equatable {
        public var host: String
        public var reason: String
    }

    public var groups: [Group] = []
    public var silent: [Missing] = []
    public var bad: [Missing] = []
    public var engineMessages: [String] = []
    public var warnings: [String] = []

    /// A host that gave no answer counts as 66 (EX_NOINPUT: its input is missing), bad output as
    /// 65 (EX_DATAERR), beside the answered hosts' own statuses.
    public static let noAnswerExit: ExitCode = .noSuchDevice
    public static let badOutputExit: ExitCode = .malformedTree

    /// "Worst" first (Docs/fleet.md): a bug, then a wrong command, then what needs an admin
    /// (permission, ABI), then hosts we know nothing about (bad output, no answer), then OS
    /// errors, then what a retry or another node pool fixes (75, 69), then success. A status
    /// rdmactl does not define (a shell's 127, ssh's 255) ranks just below usage.
    public static let severity: [Int32] = [1, 64, 77, 76, 65, 66, 71, 73, 75, 69, 0]

    static func rank(_ code: Int32) -> Int {
        severity.firstIndex(of: code) ?? 2
    }

    public init(_ input: GatherInput) {
        var byKey: [GroupKey: Int] = [:]
        for (host, answer) in input.collected() {
            switch answer {
            case .envelope(let doc, let exit):
                let key = GroupKey(bytes: Verdict.key(of: doc))
                if let i = byKey[key] { groups[i].hosts.append(host); continue }
                byKey[key] = groups.count
                groups.append(Group(hosts: [host], exitCode: exit, errorCode: doc["error"]?["code"]?.stringValue,
                                    summary: Verdict.summary(doc), verdict: Verdict.stable(doc)))
            case .silent(let reason): silent.append(Missing(host: host, reason: reason))
            case .bad(let reason): bad.append(Missing(host: host, reason: reason))
            }
        }
        for i in groups.indices { groups[i].hosts.sort(by: naturalLess); groups[i].folded = HostList.fold(groups[i].hosts) }
        groups.sort { $0.hosts.count != $1.hosts.count ? $0.hosts.count > $1.hosts.count : naturalLess($0.hosts[0], $1.hosts[0]) }
        if let majority = groups.first?.verdict {
            for i in groups.indices.dropFirst() {
                let (shown, total) = Verdict.differences(groups[i].verdict, from: majority)
                groups[i].differences = shown; groups[i].differencesTotal = total
            }
        }
        silent.sort { naturalLess($0.host, $1.host) }
        bad.sort { naturalLess($0.host, $1.host) }
        engineMessages = input.engineMessages
        warnings = input.warnings
        byExitCode = Self.tally(groups: groups, silent: silent, bad: bad)
    }

    public var hostCount: Int { groups.reduce(0) { $0 + $1.hosts.count } + silent.count + bad.count }

    /// Hosts per exit status, worst first: (status, hosts, folded).
    public private(set) var byExitCode: [(code: Int32, hosts: [String], folded: String)] = []

    static func tally(groups: [Group], silent: [Missing], bad: [Missing]) -> [(code: Int32, hosts: [String], folded: String)] {
        var map: [Int32: [String]] = [:]
        for g in groups { map[g.exitCode, default: []] += g.hosts }
        if !bad.isEmpty { map[Self.badOutputExit.rawValue, default: []] += bad.map(\.host) }
        if !silent.isEmpty { map[Self.noAnswerExit.rawValue, default: []] += silent.map(\.host) }
        return map.sorted { Self.rank($0.key) != Self.rank($1.key) ? Self.rank($0.key) < Self.rank($1.key) : $0.key < $1.key }
            .map { entry in
                let hosts = entry.value.sorted(by: naturalLess)
                return (entry.key, hosts, HostList.fold(hosts))
            }
    }

    /// The worst outcome; 0 when every host answered and succeeded.
    public var exitCode: Int32 { byExitCode.first?.code ?? 0 }

    /// The error the envelope carries when `exitCode` is not 0: the worst hosts' own code.
    public var error: RdmaError? {
        guard let worst = byExitCode.first, worst.code != 0 else { return nil }
        let hosts = worst.folded
        let counts = byExitCode.map { "\($0.hosts.count)×\($0.code)" }.joined(separator: " ")
        let exit = ExitCode(rawValue: worst.code) ?? .internalError
        let code: String
        if worst.code == Self.noAnswerExit.rawValue && !silent.isEmpty {
            code = "NO_ANSWER"
        } else if worst.code == Self.badOutputExit.rawValue && !bad.isEmpty {
            code = "BAD_OUTPUT"
        } else {
            code = groups.first { $0.exitCode == worst.code }?.errorCode ?? "HOST_FAILED"
        }
        var e = RdmaError(code, exit: exit, "\(worst.hosts.count) of \(hostCount) hosts: \(code) (exit \(worst.code)) on \(hosts); exit statuses: \(counts)")
        if worst.code != exit.rawValue { e.message += " (status \(worst.code) is not rdmactl's: reported as 1)" }
        e.hint = "each group's summary and differences say why; rerun one host with --explain for the trace"
        return e
    }
}

/// A verdict key hashed as one block of bytes ([UInt8]'s own Hashable feeds the hasher a byte
/// at a time: a tenth of gather's time on 10,000 envelopes).
struct GroupKey: Hashable {
    let bytes: [UInt8]
    func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
}
