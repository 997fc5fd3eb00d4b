/// What makes two hosts' answers "the same" for `gather` (Docs/fleet.md "What counts as the
/// same verdict"): the whole envelope — command, source, kernel, ok, data, warnings, error —
/// minus the keys below, at any depth. They name the host, the hardware slot or the moment, not
/// the answer: two nodes with the same devices, drivers, facets, grant and outcome differ in them.
public enum Verdict {
    public static let volatileKeys: [(key: String, why: String)] = [
        ("host", "who answered: the grouping is by answer, the host lists say who"),
        ("node_guid", "per-adapter identifier (GUIDs are unique by design)"),
        ("sys_image_guid", "per-adapter identifier"),
        ("port_guid", "per-port identifier"),
        ("gid0", "holds the port GUID"),
        ("gids", "hold the port GUID"),
        ("lid", "assigned per port by the subnet manager"),
        ("sm_lid", "moves when the subnet manager fails over"),
        ("identity", "names the PCI slot or GUID"),
        ("sysfs_path", "names the PCI slot"),
        ("address", "the PCI slot (pci.address)"),
        ("ifindex", "kernel-assigned device index: depends on load order"),
        ("netdev_index", "kernel-assigned interface index"),
        ("nfreectxts", "free hardware contexts: changes with running jobs"),
        ("context", "the hardware context a handshake was given"),
        ("subcontext", "the subcontext a handshake was given"),
        ("seqnum", "a uevent's sequence number"),
        ("message", "prose, made from the codes beside it (and may quote GUIDs or counts)"),
        ("hint", "prose"),
        ("reason", "prose (trace entries)"),
    ]
    static let volatileSet: Set<String> = Set(volatileKeys.map(\.key))

    /// The envelope without its volatile keys.
    public static func stable(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            return .object(members.compactMap { volatileSet.contains($0.0) ? nil : ($0.0, stable($0.1)) })
        case .array(let items): return .array(items.map(stable))
        case .written(let fragment): return stable(fragment.value)
        default: return value
        }
    }

    /// The grouping key: the envelope without its volatile keys, in a compact tagged encoding
    /// (injective: strings are length-prefixed, containers terminated). Made straight from the
    /// parsed envelope — no pruned copy, no JSON text — because it is computed for every host
    /// (10,000 envelopes in under a second, Scripts/bench-gather.sh). Key order is rdmactl's
    /// own, which is stable.
    public static func key(of envelope: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(2048)
        encode(envelope, into: &out)
        return out
    }

    private static func encode(_ v: JSONValue, into out: inout [UInt8]) {
        switch v {
        case .null: out.append(0)
        case .bool(let b): out.append(b ? 2 : 1)
        case .int(let i): out.append(3); withUnsafeBytes(of: i.littleEndian) { out.append(contentsOf: $0) }
        case .uint(let u): out.append(4); withUnsafeBytes(of: u.littleEndian) { out.append(contentsOf: $0) }
        case .string(let s): out.append(5); appendString(s, into: &out)
        case .array(let items):
            out.append(6)
            for item in items { encode(item, into: &out) }
            out.append(9)
        case .object(let members):
            out.append(7)
            for (k, value) in members where !volatileSet.contains(k) {
                out.append(8); appendString(k, into: &out); encode(value, into: &out)
            }
            out.append(9)
        case .written(let fragment): encode(fragment.value, into: &out)
        }
    }

    private static func appendString(_ s: String, into out: inout [UInt8]) {
        var s = s
        s.withUTF8 { utf8 in
            withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: utf8)
        }
    }

    /// One line saying what the answer is: the outcome, and the command's main fact.
    public static func summary(_ envelope: JSONValue) -> String {
        let data = envelope["data"]
        var fact: String?
        switch envelope["command"]?.stringValue {
        case "open-ops":
            if let g = data?["grant"], case .object = g {
                let version = [g["major"]?.intText, g["minor"]?.intText].compactMap { $0 }.joined(separator: ".")
                fact = "granted \(g["facet"]?.stringValue ?? "?") \(version)"
                    + (g["device"]?.stringValue.map { " on \($0)" } ?? "")
                    + " via \(g["transport"]?.stringValue ?? "?")"
                    + (g["fallback"] == .bool(true) ? " (fallback)" : "")
            } else if data?["outcome"] != nil {
                fact = "no grant"
            }
        case "list", "show":
            if case .array(let devices)? = data?["devices"] {
                fact = devices.isEmpty ? "no devices"
                    : devices.map { "\($0["ifname"]?.stringValue ?? "?")(\($0["driver"]?.stringValue ?? "?"))" }.joined(separator: " ")
            }
        case "doctor":
            if case .array(let findings)? = data?["findings"] {
                let blockers = findings.filter { $0["severity"]?.stringValue == "blocker" }.compactMap { $0["code"]?.stringValue }
                fact = blockers.isEmpty ? "no blockers" : "blockers: " + blockers.joined(separator: " ")
            }
        case "facets":
            if case .array(let offers)? = data?["facets"] {
                var seen: [String] = []
                for o in offers {
                    let s = "\(o["device"]?.stringValue ?? "-"):\(o["facet"]?.stringValue ?? "?")"
                    if !seen.contains(s) { seen.append(s) }
                }
                fact = seen.isEmpty ? "no facets" : seen.joined(separator: " ")
            }
        default: break
        }
        let status: String
        if let error = envelope["error"], case .object = error {
            status = "\(error["code"]?.stringValue ?? "ERROR") (exit \(error["exit_code"]?.intText ?? "?"))"
        } else {
            status = "ok"
        }
        return fact.map { status + ": " + $0 } ?? status
    }

    /// One leaf that differs between an outlier and the majority: `data.grant.facet`.
    public struct Difference: Sendable, Equatable {
        public var path: String
        /// The majority's value and this group's, compact JSON; nil where the key is absent.
        public var majority: String?
        public var value: String?
    }

    /// The leaves where `stable` differs from `majority`, the telling ones first — the status
    /// (`ok`, `error`), then the answer (`data.grant`, `data.outcome`, devices, findings), then the
    /// steps that led there (`data.trace`, `data.chain`) — shallow before deep, then in document
    /// order; at most `limit`, plus the total count.
    public static func differences(_ stable: JSONValue, from majority: JSONValue, limit: Int = 8) -> (shown: [Difference], total: Int) {
        var found: [(depth: Int, order: Int, diff: Difference)] = []
        walk(majority, stable, path: "", depth: 0, into: &found)
        func priority(_ path: String) -> Int {
            if path.hasPrefix("data.trace") || path.hasPrefix("data.chain") { return 3 }
            if path.hasPrefix("data.grant") || path.hasPrefix("data.outcome") { return 1 }
            return path.hasPrefix("data") ? 2 : 0
        }
        let sorted = found.sorted { (priority($0.diff.path), $0.depth, $0.order) < (priority($1.diff.path), $1.depth, $1.order) }
        return (sorted.prefix(limit).map(\.diff), found.count)
    }

    private static func walk(_ a: JSONValue?, _ b: JSONValue?, path: String, depth: Int,
                             into found: inout [(depth: Int, order: Int, diff: Difference)]) {
        if a == b { return }
        switch (a, b) {
        case (.object(let x)?, .object(let y)?):
            var keys = x.map(\.0)
            for (k, _) in y where !keys.contains(k) { keys.append(k) }
            for k in keys {
                walk(x.first { $0.0 == k }?.1, y.first { $0.0 == k }?.1,
                     path: path.isEmpty ? k : path + "." + k, depth: depth + 1, into: &found)
            }
        case (.array(let x)?, .array(let y)?):
            // Index by index; extra entries on either side are absent on the other.
            for i in 0..<max(x.count, y.count) {
                walk(i < x.count ? x[i] : nil, i < y.count ? y[i] : nil, path: path + "[\(i)]", depth: depth + 1, into: &found)
            }
        // A small object against nothing (error: null → {code, exit_code, errno…}) reads better
        // member by member.
        case (.object(let x)?, let other) where (other == nil || other == .null) && x.count <= 4:
            for (k, v) in x { walk(v, nil, path: path + "." + k, depth: depth + 1, into: &found) }
        case (let other, .object(let y)?) where (other == nil || other == .null) && y.count <= 4:
            for (k, v) in y { walk(nil, v, path: path + "." + k, depth: depth + 1, into: &found) }
        default:
            found.append((depth, found.count, Difference(path: path, majority: a.map(compact), value: b.map(compact))))
        }
    }

    /// A value as short JSON: scalars whole, containers cut at 60 bytes.
    static func compact(_ v: JSONValue) -> String {
        if case .string(let s) = v { return s }
        let text = v.serialized(pretty: false)
        return text.utf8.count <= 60 ? text : String(text.prefix(57)) + "…"
    }
}

extension JSONValue {
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    /// An integer as text (`.int` or `.uint`).
    public var intText: String? {
        switch self {
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        default: return nil
        }
    }
}
