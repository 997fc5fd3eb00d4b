/// A 64-bit GUID as sysfs prints it: four groups of four lowercase hex digits.
public struct GUID: Sendable, Equatable, Hashable {
    public var value: UInt64
    public init(_ value: UInt64) { self.value = value }

    /// Parses "0011:7501:0101:aabb" (core/sysfs.c `"%04x:%04x:%04x:%04x"`). Groups must be 1–4 hex
    /// digits, like libibverbs' `sscanf("%hx:%hx:%hx:%hx")`; anything else is malformed.
    public init?(sysfs text: String) {
        let groups = text.split(separator: ":", omittingEmptySubsequences: false)
        guard groups.count == 4 else { return nil }
        var v: UInt64 = 0
        for g in groups {
            guard (1...4).contains(g.count), let part = UInt16(g, radix: 16) else { return nil }
            v = v << 16 | UInt64(part)
        }
        value = v
    }

    public var sysfs: String {
        (0..<4).map { hex4(UInt16(truncatingIfNeeded: value >> UInt64(48 - 16 * $0))) }.joined(separator: ":")
    }
}

/// `node_type`: "%d: %s" (core/sysfs.c show_node_type); RDMA_NODE_* numbers from rdma_netlink.h.
/// JSON names are iproute2's (`rdma dev show`: "ca", "switch", "router", "rnic", ...).
public enum NodeKind: Int, Sendable {
    case ca = 1, `switch` = 2, router = 3, rnic = 4, usnic = 5, usnicUDP = 6, unspecified = 7

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

/// Port `state`: "%d: %s" with names NOP, DOWN, INIT, ARMED, ACTIVE, ACTIVE_DEFER (core/sysfs.c).
public enum PortState: Int, Sendable {
    case nop = 0, down, initialize, armed, active, activeDefer

    public var name: String {
        ["NOP", "DOWN", "INIT", "ARMED", "ACTIVE", "ACTIVE_DEFER"][rawValue]
    }

    public init?(sysfs text: String) {
        guard let n = leadingInteger(text), let s = PortState(rawValue: n) else { return nil }
        self = s
    }
}

/// Port `phys_state` (IBA PortPhysicalState). Names as iproute2's `rdma link` prints them.
public enum PhysicalState: Int, Sendable {
    case noStateChange = 0, sleep, polling, disabled, portConfigurationTraining, linkUp,
         linkErrorRecovery, phyTest

    public var name: String {
        ["NO_STATE_CHANGE", "SLEEP", "POLLING", "DISABLED", "PORT_CONFIGURATION_TRAINING",
         "LINK_UP", "LINK_ERROR_RECOVERY", "PHY_TEST"][rawValue]
    }

    public init?(sysfs text: String) {
        guard let n = leadingInteger(text), let s = PhysicalState(rawValue: n) else { return nil }
        self = s
    }
}

/// The integer before ": " in "%d: %s" attributes.
func leadingInteger(_ text: String) -> Int? {
    guard let colon = text.firstIndex(of: ":") else { return nil }
    return Int(text[..<colon])
}

/// Parses "0x1a" (lid, sm_lid) or "0x8086" (PCI ids).
func parseHex(_ text: String) -> UInt64? {
    guard text.hasPrefix("0x") || text.hasPrefix("0X") else { return nil }
    return UInt64(text.dropFirst(2), radix: 16)
}
