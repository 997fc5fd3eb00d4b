import CRdmaABI

/// A 64-bit GUID as sysfs prints it: four groups of four lowercase hex digits.
public struct GUID: Sendable, Equatable, Hashable {
    public var value: UInt64
    public init(_ value: UInt64) { self.value = value }

    /// Parses "0011:7501:0101:aabb" (core/sysfs.c `"%04x:%04x:%04x:%04x"`). Groups must be 1–4 hex
    /// digits, like libibverbs' `sscanf("%hx:%hx:%hx:%hx")`; anything else is malformed.
    public init?(sysfs text: String) {
        guard let words = colonHexWords(text, count: 4) else { return nil }
        value = words.reduce(0) { $0 << 16 | UInt64($1) }
    }

    public var sysfs: String {
        // Written straight into the string's storage: no array between (a listing formats one
        // a device, issue 9).
        String(unsafeUninitializedCapacity: Self.sysfsLength) { out in
            write(to: out.baseAddress!)
            return Self.sysfsLength
        }
    }

    /// "xxxx:xxxx:xxxx:xxxx": 19 bytes.
    static let sysfsLength = 19

    /// The sysfs form's 19 bytes at `out` (`sysfs`, and a JSON record's member written in place:
    /// JSONMembers `add(_:guid:)`).
    func write(to out: UnsafeMutablePointer<UInt8>) {
        for i in 0..<16 {
            if i > 0 && i % 4 == 0 { out[i + i / 4 - 1] = UInt8(ascii: ":") }
            out[i + i / 4] = hexDigit(UInt8(truncatingIfNeeded: (value >> UInt64(60 - 4 * i)) & 0xf))
        }
    }
}

/// `count` colon-separated groups of 1–4 hex digits (sysfs GUIDs and GIDs), each passed to
/// `group` in order; false on anything else. Works on the bytes: no split, no substrings.
func colonHexGroups(_ text: String, count: Int, _ group: (UInt16) -> Void) -> Bool {
    // On the contiguous buffer: stepping the UTF8View's indices cost 1,300 instructions a GID.
    var text = text
    return text.withUTF8 { colonHexGroups($0, count: count, group) }
}

private func colonHexGroups(_ bytes: UnsafeBufferPointer<UInt8>, count: Int, _ group: (UInt16) -> Void) -> Bool {
    var value: UInt16 = 0, digits = 0, groups = 0
    for c in bytes {
        if c == UInt8(ascii: ":") {
            guard digits > 0, groups < count - 1 else { return false }
            group(value)
            value = 0; digits = 0; groups += 1
            continue
        }
        guard let d = hexValue(c), digits < 4 else { return false }
        value = value << 4 | UInt16(d)
        digits += 1
    }
    guard digits > 0, groups == count - 1 else { return false }
    group(value)
    return true
}

/// `count` groups of 1–4 hex digits separated by ":" (sysfs GUIDs and GIDs), as libibverbs
/// reads them with `%hx`. Scanned on the bytes (a split and one integer parse per group cost
/// 9,000 instructions a GUID); the rare spellings Swift's integer parser also takes ("+abc") go
/// the slow way, so the accepted set stays what it was.
func colonHexWords(_ text: String, count: Int) -> [UInt16]? {
    var words: [UInt16] = []
    words.reserveCapacity(count)
    if colonHexGroups(text, count: count, { words.append($0) }) { return words }
    let groups = text.split(separator: ":", omittingEmptySubsequences: false)
    guard groups.count == count else { return nil }
    words = []
    for g in groups {
        guard (1...4).contains(g.count), let w = UInt16(g, radix: 16) else { return nil }
        words.append(w)
    }
    return words
}

/// A hex digit's value, either case (GUIDs, GIDs, PCI modalias fields).
func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
    default: return nil
    }
}

/// `node_type`: "%d: %s" (core/sysfs.c show_node_type); RDMA_NODE_* numbers from rdma_netlink.h
/// through the shim. JSON names are iproute2's (`rdma dev show`: "ca", "switch", "router", "rnic", ...).
public enum NodeKind: RawRepresentable, CaseIterable, Sendable {
    case ca, `switch`, router, rnic, usnic, usnicUDP, unspecified

    /// The RDMA_NODE_* number.
    public var rawValue: Int {
        switch self {
        case .ca: return Int(RDMAABI_NODE_IB_CA)
        case .switch: return Int(RDMAABI_NODE_IB_SWITCH)
        case .router: return Int(RDMAABI_NODE_IB_ROUTER)
        case .rnic: return Int(RDMAABI_NODE_RNIC)
        case .usnic: return Int(RDMAABI_NODE_USNIC)
        case .usnicUDP: return Int(RDMAABI_NODE_USNIC_UDP)
        case .unspecified: return Int(RDMAABI_NODE_UNSPECIFIED)
        }
    }

    public init?(rawValue: Int) {
        guard let kind = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = kind
    }

    public var iproute2Name: String {
        switch self {
        case .ca: return "ca"
        case .switch: return "switch"
        case .router: return "router"
        case .rnic: return "rnic"
        case .usnic: return "usnic"
        case .usnicUDP: return "usnic_udp"
        case .unspecified: return "unspecified"
        }
    }

    /// Parses the leading integer, as libibverbs does (strtoul), and requires the ": " form.
    public init?(sysfs text: String) {
        guard let colon = text.firstIndex(of: ":"), let n = Int(text[..<colon]),
              let kind = NodeKind(rawValue: n) else { return nil }
        self = kind
    }
}

/// Port `state`: "%d: %s" (core/sysfs.c state_show). JSON names are iproute2's
/// (rdma/link.c port_state_to_str): NOP, DOWN, INIT, ARMED, ACTIVE, ACTIVE_DEFER, else UNKNOWN.
public struct PortState: Sendable, Equatable {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let nop = PortState(rawValue: 0)
    public static let down = PortState(rawValue: 1)
    public static let initialize = PortState(rawValue: 2)
    public static let armed = PortState(rawValue: 3)
    public static let active = PortState(rawValue: 4)

    static let names = ["NOP", "DOWN", "INIT", "ARMED", "ACTIVE", "ACTIVE_DEFER"]
    public var name: String { Self.names.indices.contains(rawValue) ? Self.names[rawValue] : "UNKNOWN" }

    /// Any "%d: …" parses: a number iproute2 has no name for is UNKNOWN, not malformed.
    public init?(sysfs text: String) {
        guard let n = leadingInteger(text), n >= 0 else { return nil }
        rawValue = n
    }
}

/// Port `phys_state` (IBA PortPhysicalState; OPA adds 9 Offline and 11 Test, which hfi1
/// reports). JSON names are iproute2's (rdma/link.c phys_state_to_str), else UNKNOWN.
public struct PhysicalState: Sendable, Equatable {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let polling = PhysicalState(rawValue: 2)
    public static let disabled = PhysicalState(rawValue: 3)
    public static let linkUp = PhysicalState(rawValue: 5)

    static let names = ["NOP", "SLEEP", "POLLING", "DISABLED", "ARMED", "LINK_UP", "LINK_ERROR_RECOVER",
                        "PHY_TEST", "UNKNOWN", "OPA_OFFLINE", "UNKNOWN", "OPA_TEST"]
    public var name: String { Self.names.indices.contains(rawValue) ? Self.names[rawValue] : "UNKNOWN" }

    public init?(sysfs text: String) {
        guard let n = leadingInteger(text), n >= 0 else { return nil }
        rawValue = n
    }
}

/// The integer before ": " in "%d: %s" attributes.
func leadingInteger(_ text: String) -> Int? {
    if let value = plainLeadingInteger(text) { return value }
    guard let colon = text.firstIndex(of: ":") else { return nil }
    return Int(text[..<colon])
}

/// Parses "0x1a" (lid, sm_lid) or "0x8086" (PCI ids).
func parseHex(_ text: String) -> UInt64? {
    var bytes = text
    if let value = bytes.withUTF8(asciiHex0x) { return value }
    guard text.hasPrefix("0x") || text.hasPrefix("0X") else { return nil }
    return UInt64(text.dropFirst(2), radix: 16)
}
