// Facets: named, versioned user interfaces of RDMA devices (DESIGN §4, Docs/ABI.md).
//
// This file is the client's knowledge as data — which names exist, which driver offers them,
// at which versions, and over which transports to try them, in order. Negotiation (the chain,
// the trace, exit codes) is built on it elsewhere. The emulated kernel keeps its own offer
// table (what a driver registers); a test checks the two agree.

import CRdmaABI

/// A facet name: `^[a-z0-9][a-z0-9_.-]{0,62}$` with no "..", validated before any syscall
/// (DESIGN §4; an invalid name is a usage error, exit 64). The 63-byte bound is what the
/// driver-ops request's `char name[64]` carries with its NUL.
public struct FacetName: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Longest valid name, in bytes (all valid names are ASCII): RDMA_DRIVER_OPS_NAME_MAX less the NUL.
    public static let maxLength = Int(RDMAABI_DRIVER_OPS_NAME_MAX) - 1
    /// Longest name netlink GET_CHARDEV carries (kernel `char client_name[32]`, ABI-FACTS §11).
    public static let netlinkMaxLength = Int(RDMAABI_NLDEV_ATTR_CHARDEV_TYPE_SIZE) - 1

    public init(_ text: String) throws(FacetNameError) {
        let bytes = Array(text.utf8)
        guard let first = bytes.first else { throw .empty }
        guard bytes.count <= Self.maxLength else { throw .tooLong(bytes.count) }
        guard Self.isLowerOrDigit(first) else { throw .badFirstCharacter(text.first!) }
        for (offset, character) in text.enumerated() {
            guard character.isASCII, let byte = character.asciiValue,
                  Self.isLowerOrDigit(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "-") else { throw .badCharacter(character, offset: offset) }
        }
        guard !text.contains("..") else { throw .dotDot }
        rawValue = text
    }

    /// For the catalogue's own literals; a test validates every one.
    init(catalogued text: String) { rawValue = text }

    /// Whether netlink GET_CHARDEV can carry the name (else that transport is skipped).
    public var fitsNetlink: Bool { rawValue.utf8.count <= Self.netlinkMaxLength }

    public var description: String { rawValue }
    public static func < (a: FacetName, b: FacetName) -> Bool { a.rawValue < b.rawValue }

    private static func isLowerOrDigit(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }
}

public enum FacetNameError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case tooLong(Int)
    case badFirstCharacter(Character)
    case badCharacter(Character, offset: Int)
    case dotDot

    public var description: String {
        switch self {
        case .empty: return "a facet name cannot be empty"
        case .tooLong(let n): return "a facet name has at most \(FacetName.maxLength) bytes (this one has \(n))"
        case .badFirstCharacter(let c): return "a facet name starts with a-z or 0-9, not \"\(c)\""
        case .badCharacter(let c, let offset):
            return "a facet name uses only a-z, 0-9, \"_\", \".\" and \"-\" (\"\(c)\" at position \(offset + 1))"
        case .dotDot: return "a facet name cannot contain \"..\""
        }
    }
}

/// How a facet is reached, in DESIGN §4's vocabulary. Raw values are the JSON spellings.
public enum FacetTransport: String, Sendable, CaseIterable {
    /// RDMA_GET_DRIVER_OPS_FD on /dev/infiniband/uverbsN (the proposed uAPI, Docs/ABI.md).
    case driverOpsIoctl = "driver-ops-ioctl"
    /// The driver's own char device: /dev/hfi1_N, /dev/ipathN or /dev/ipath.
    case legacyNode = "legacy-node"
    /// RDMA netlink RDMA_NLDEV_CMD_GET_CHARDEV by client name (Linux 5.3).
    case netlinkChardev = "netlink-get-chardev"
    /// The class directories in sysfs (infiniband_verbs, infiniband_mad, misc/rdma_cm).
    case sysfs
}

/// Who offers a facet, which also fixes its scope (per device, per port, system-wide).
public enum FacetProvider: Sendable, Equatable {
    /// Devices bound to one of these drivers (the `device/driver` link's name or netlink's).
    case drivers([String])
    case everyDevice
    /// Every port with MAD support (`--device DEV/PORT`, default port 1).
    case everyMADPort
    case system
}

/// How a legacy node tells which ABI it speaks before any handshake (DESIGN §4).
public enum LegacyVersionRule: String, Sendable, Equatable {
    /// hfi1: HFI1_IOCTL_GET_VERS writes `major << 16 | minor`; *any* failure means the node is
    /// the write-era driver (major 5), exactly as libpsm2 decides (opa_service_gen1.c,
    /// ABI-FACTS §6.3).
    case hfi1GetVers = "hfi1-get-vers"
    /// qib: nothing can be asked before ASSIGN_CTXT/USER_INIT; the node speaks major 1 and the
    /// minor is known only from `spi_sw_version` after a handshake (ABI-FACTS §3.3, §11).
    case qibAfterHandshake = "qib-after-handshake"
    /// Core nodes: the ABI is the class or device `abi_version` in sysfs (or CHARDEV_ABI).
    case sysfsABI = "sysfs-abi-version"
}

/// One catalogued ABI version of a facet, with the transports that can reach *this* version:
/// `psm2.intel.com@5` (write era) and `@6` (ioctl era) share a node but not a version rule.
public struct FacetVersion: Sendable, Equatable {
    public var major: Int
    /// nil when the minor cannot be asked for before a handshake (hfi1 write era: known only
    /// from `hfi1_base_info.sw_version` after USER_INFO).
    public var minor: Int?
    /// Tried in this order; transports not listed are never attempted for this version.
    public var transports: [FacetTransport]
    /// How the legacy node reveals this version (nil: the version has no legacy node).
    public var legacyRule: LegacyVersionRule?
    /// Whether `--handshake` has a first real exchange for this version.
    public var handshake: HandshakeKind?
    /// How this version talks and where its numbers come from.
    public var note: String
}

/// The first real exchange a granted handle supports (DESIGN §4 `--handshake`).
public enum HandshakeKind: String, Sendable, Equatable {
    /// GET_VERS, ASSIGN_CTXT, CTXT_INFO, USER_INFO by HFI1_IOCTL_*.
    case hfi1Ioctl = "hfi1-ioctl"
    /// ASSIGN_CTXT, CTXT_INFO, USER_INFO by write() of struct hfi1_cmd.
    case hfi1Write = "hfi1-write"
    /// ASSIGN_CTXT, USER_INIT, CTXT_INFO by write() of struct qib_cmd.
    case qibWrite = "qib-write"
}

/// How a facet's versions are known.
public enum FacetVersions: Sendable, Equatable {
    /// Fixed by the driver's headers, newest first.
    case catalogued([FacetVersion])
    /// Per device, read at run time (uverbs: netlink CHARDEV_ABI = `uverbsN/abi_version`).
    case perDevice(String)
}

/// A catalogued candidate: name and major, e.g. `psm.intel.com@1`.
public struct FacetReference: Sendable, Equatable, CustomStringConvertible {
    public var name: FacetName
    public var major: Int
    public var description: String { "\(name)@\(major)" }
}

/// One row of DESIGN §4's facet table.
public struct FacetEntry: Sendable, Equatable {
    public var name: FacetName
    public var offeredBy: FacetProvider
    public var versions: FacetVersions
    /// For per-device versions: the transports, in order (catalogued versions carry their own).
    public var perDeviceTransports: [FacetTransport]
    /// The char devices, as discovery found them for the device (never derived from its name:
    /// a renamed device keeps its nodes), that the `legacy-node` and `sysfs` transports open,
    /// in order: hfi1's `/dev/hfi1_N`; qib's `/dev/ipathN`, then the wildcard `/dev/ipath`.
    public var nodeKinds: [CharDevice.Kind]
    /// Other names to try after this one's versions are exhausted (DESIGN §4 "cross-name").
    public var fallbacks: [FacetReference]

    /// Catalogued majors, newest first (empty when versions are per device).
    public var majors: [Int] {
        guard case .catalogued(let versions) = versions else { return [] }
        return versions.map(\.major)
    }

    /// The catalogued version with this major.
    public func version(major: Int) -> FacetVersion? {
        guard case .catalogued(let versions) = versions else { return nil }
        return versions.first { $0.major == major }
    }

    /// Every transport any version uses, in first-use order (what `facets` lists).
    public var transports: [FacetTransport] {
        guard case .catalogued(let versions) = versions else { return perDeviceTransports }
        var all: [FacetTransport] = []
        for t in versions.flatMap(\.transports) where !all.contains(t) { all.append(t) }
        return all
    }

    /// Whether any version has a handshake.
    public var hasHandshake: Bool {
        guard case .catalogued(let versions) = versions else { return false }
        return versions.contains { $0.handshake != nil }
    }
}

/// DESIGN §4's table as data.
public struct FacetCatalogue: Sendable {
    public var entries: [FacetEntry]

    public init(entries: [FacetEntry]) { self.entries = entries }

    public func entry(named name: FacetName) -> FacetEntry? { entries.first { $0.name == name } }

    /// The facets a device bound to `driver` offers itself (core facets excluded).
    public func offered(byDriver driver: String) -> [FacetEntry] {
        entries.filter { if case .drivers(let names) = $0.offeredBy { return names.contains(driver) } else { return false } }
    }

    public static let standard = FacetCatalogue(entries: [
        FacetEntry(
            name: FacetName(catalogued: "psm2.intel.com"), offeredBy: .drivers(["hfi1"]),
            versions: .catalogued([
                FacetVersion(major: Int(RDMAABI_HFI1_USER_SWMAJOR), minor: Int(RDMAABI_HFI1_USER_SWMINOR),
                             transports: [.driverOpsIoctl, .legacyNode], legacyRule: .hfi1GetVers, handshake: .hfi1Ioctl,
                             note: "ioctl era: HFI1_IOCTL_* on the fd (HFI1_USER_SWMAJOR/MINOR)"),
                FacetVersion(major: Int(RDMAABI_HFI1_USER_SWMAJOR) - 1, minor: nil,
                             transports: [.driverOpsIoctl, .legacyNode], legacyRule: .hfi1GetVers, handshake: .hfi1Write,
                             note: "write era: struct hfi1_cmd by write(); GET_VERS fails; minor from sw_version after USER_INFO"),
            ]),
            perDeviceTransports: [], nodeKinds: [.hfi1],
            fallbacks: [FacetReference(name: FacetName(catalogued: "psm.intel.com"), major: Int(RDMAABI_QIB_USER_SWMAJOR))]),
        FacetEntry(
            name: FacetName(catalogued: "psm.intel.com"), offeredBy: .drivers(["ib_qib"]),
            versions: .catalogued([
                FacetVersion(major: Int(RDMAABI_QIB_USER_SWMAJOR), minor: Int(RDMAABI_QIB_USER_SWMINOR),
                             transports: [.driverOpsIoctl, .legacyNode], legacyRule: .qibAfterHandshake, handshake: .qibWrite,
                             note: "write(): struct qib_cmd (QIB_USER_SWMAJOR/MINOR); a legacy node tells its minor only after USER_INIT"),
            ]),
            perDeviceTransports: [], nodeKinds: [.ipath], fallbacks: []),
        FacetEntry(
            name: FacetName(catalogued: "uverbs"), offeredBy: .everyDevice,
            versions: .perDevice("netlink CHARDEV_ABI = uverbsN/abi_version (the class ABI 6 is shown separately)"),
            perDeviceTransports: [.netlinkChardev, .sysfs], nodeKinds: [.uverbs], fallbacks: []),
        FacetEntry(
            name: FacetName(catalogued: "umad"), offeredBy: .everyMADPort,
            versions: .catalogued([FacetVersion(major: 5, minor: nil, transports: [.netlinkChardev, .sysfs],
                                                legacyRule: .sysfsABI, handshake: nil, note: "IB_USER_MAD_ABI_VERSION")]),
            perDeviceTransports: [], nodeKinds: [.umad], fallbacks: []),
        FacetEntry(
            name: FacetName(catalogued: "issm"), offeredBy: .everyMADPort,
            versions: .catalogued([FacetVersion(major: 5, minor: nil, transports: [.netlinkChardev, .sysfs],
                                                legacyRule: .sysfsABI, handshake: nil,
                                                note: "IB_USER_MAD_ABI_VERSION; opening sets the port's IsSM bit")]),
            perDeviceTransports: [], nodeKinds: [.issm], fallbacks: []),
        FacetEntry(
            name: FacetName(catalogued: "rdma_cm"), offeredBy: .system,
            versions: .catalogued([FacetVersion(major: 4, minor: nil, transports: [.netlinkChardev, .sysfs],
                                                legacyRule: .sysfsABI, handshake: nil,
                                                note: "RDMA_USER_CM_ABI_VERSION; class/misc/rdma_cm/abi_version")]),
            perDeviceTransports: [], nodeKinds: [], fallbacks: []),
    ])
}
