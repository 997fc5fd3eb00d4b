/// What libibverbs knows about a device when it looks for a provider (rdma-core
/// `struct verbs_sysfs_dev`): its name, the netlink driver id (RDMA_DRIVER_UNKNOWN = nil when it
/// came from sysfs), the parent's `device/modalias`, and the per-device uverbs ABI.
public struct ProviderQuery: Sendable, Equatable {
    public var ibdev: String
    public var driverID: UInt32?
    public var modalias: String?
    public var abi: Int64?
    public init(ibdev: String, driverID: UInt32?, modalias: String?, abi: Int64?) {
        self.ibdev = ibdev; self.driverID = driverID; self.modalias = modalias; self.abi = abi
    }
}

/// How a provider matched: libibverbs' three table lookups, in its order.
public enum ProviderMatchRoute: Sendable, Equatable {
    case driverID(UInt32)
    /// fnmatch of a modalias entry on "rdma_device:N<ibdev>".
    case name(pattern: String)
    /// fnmatch on `device/modalias`: a PCI entry ("pci:v%08Xd%08Xsv*") or a modalias entry.
    case modalias(pattern: String)

    public var description: String {
        switch self {
        case .driverID(let id): return "netlink driver id \(id)"
        case .name(let p): return "device name (\(p))"
        case .modalias(let p): return "modalias (\(p))"
        }
    }
}

/// rdma-core libibverbs/init.c `try_drivers` / `match_device`, over a list of providers.
public enum ProviderMatcher {
    public struct Match: Sendable, Equatable {
        public var provider: VerbsProvider
        public var route: ProviderMatchRoute
        /// False when the device's ABI is outside the provider's window: libibverbs warns
        /// "Driver %s does not support the kernel ABI of %u (supports %u to %u)" and moves on.
        public var abiAccepted: Bool
    }

    /// The table entry of `provider` that matches, in `match_device`'s order: driver id, then
    /// the name, then the modalias.
    public static func route(_ provider: VerbsProvider, _ q: ProviderQuery) -> ProviderMatchRoute? {
        if let id = q.driverID, provider.matchTable.contains(.driverID(id)) { return .driverID(id) }
        let name = "rdma_device:N" + q.ibdev
        for entry in provider.matchTable {
            if let pattern = pattern(entry), fnmatch(pattern, name) { return .name(pattern: pattern) }
        }
        if let modalias = q.modalias, !modalias.isEmpty {
            for entry in provider.matchTable {
                if let pattern = pattern(entry), fnmatch(pattern, modalias) { return .modalias(pattern: pattern) }
            }
        }
        return nil
    }

    /// `try_drivers`: with a driver id, providers whose table names it first; then every
    /// provider in order. The first match whose ABI window holds the device wins; the matches
    /// refused for their ABI are returned too, so a caller can say why nothing was chosen.
    public static func match(_ q: ProviderQuery, among providers: [VerbsProvider]) -> (chosen: Match?, refused: [Match]) {
        var refused: [Match] = []
        func attempt(_ p: VerbsProvider) -> Match? {
            guard let route = route(p, q) else { return nil }
            let ok = q.abi.map(p.acceptsABI) ?? true
            let m = Match(provider: p, route: route, abiAccepted: ok)
            if !ok, !refused.contains(m) { refused.append(m) }
            return ok ? m : nil
        }
        if let id = q.driverID {
            for p in providers where p.matchTable.contains(.driverID(id)) {
                if let m = attempt(p) { return (m, refused) }
            }
        }
        for p in providers {
            if let m = attempt(p) { return (m, refused) }
        }
        return (nil, refused)
    }

    static func pattern(_ entry: ProviderMatchEntry) -> String? {
        switch entry {
        case .driverID: return nil
        case .modalias(let p): return p
        case .pci(let vendor, let device): return "pci:v\(hex8(vendor))d\(hex8(device))sv*"
        }
    }

    /// "%08X".
    static func hex8(_ v: UInt16) -> String {
        let d = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: 8 - d.count) + d
    }
}

/// fnmatch(3) with flags 0, as init.c calls it: `*`, `?`, bracket expressions (`[a-z]`, `[!x]`),
/// and backslash escapes; no special treatment of '/' or a leading '.'.
public func fnmatch(_ pattern: String, _ string: String) -> Bool {
    let p = Array(pattern.unicodeScalars), s = Array(string.unicodeScalars)
    func match(_ pi: Int, _ si: Int) -> Bool {
        var pi = pi, si = si
        while pi < p.count {
            switch p[pi] {
            case "*":
                while pi < p.count && p[pi] == "*" { pi += 1 }
                if pi == p.count { return true }
                for start in si...s.count where match(pi, start) { return true }
                return false
            case "?":
                guard si < s.count else { return false }
                pi += 1; si += 1
            case "[":
                guard si < s.count, let (matched, next) = bracket(pi, s[si]) else {
                    // An unterminated '[' matches itself.
                    guard si < s.count, s[si] == "[" else { return false }
                    pi += 1; si += 1; continue
                }
                guard matched else { return false }
                pi = next; si += 1
            case "\\" where pi + 1 < p.count:
                guard si < s.count, s[si] == p[pi + 1] else { return false }
                pi += 2; si += 1
            default:
                guard si < s.count, s[si] == p[pi] else { return false }
                pi += 1; si += 1
            }
        }
        return si == s.count
    }
    /// The bracket expression at `start` against `c`: (matched, index after ']'), nil if unterminated.
    func bracket(_ start: Int, _ c: Unicode.Scalar) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < p.count && (p[i] == "!" || p[i] == "^") { negate = true; i += 1 }
        var matched = false
        var first = true
        while i < p.count && (p[i] != "]" || first) {
            first = false
            let lo = p[i]
            if i + 2 < p.count && p[i + 1] == "-" && p[i + 2] != "]" {
                if lo.value <= c.value && c.value <= p[i + 2].value { matched = true }
                i += 3
            } else {
                if lo == c { matched = true }
                i += 1
            }
        }
        guard i < p.count else { return nil }
        return (matched != negate, i + 1)
    }
    return match(0, 0)
}
