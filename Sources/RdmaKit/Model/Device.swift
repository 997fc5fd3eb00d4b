/// One RDMA device as discovery found it (DESIGN §3). Optional fields are nil when the kernel
/// does not have them (a virtual device has no PCI parent) or when the command did not need them
/// (`list` reads less than `show`).
public struct RdmaDevice: Sendable, Equatable {
    public var name: SysfsText
    /// Netlink device index (`ifindex`), where known.
    public var index: UInt32?
    /// Where the class entry really lives, e.g. /sys/devices/pci0000:00/0000:00:02.0/infiniband/hfi1_0.
    public var sysfsPath: String
    public var driver: String?
    /// How `driver` was learned: "link" (device/driver), "netlink" (driver id), "pci_id", or
    /// "snapshot" (the driver id netlink gave when a `--root` tree was captured).
    public var driverSource: String?
    /// UVERBS_DRIVER_ID (enum rdma_driver_id), when netlink (or a snapshot's record of it) said.
    public var driverID: UInt32?
    /// Why `driver` is nil, in words: what this source cannot know (a virtual device's sysfs
    /// names no driver), so a gap is never silent.
    public var driverUnknownReason: String?
    public var pci: PCIParent?
    /// Soft-RoCE and other devices with no `device` link: the `parent` netdev, if any.
    public var parentNetdev: SysfsText?
    public var nodeType: NodeKind?
    public var nodeGUID: GUID?
    public var systemImageGUID: GUID?
    public var firmware: SysfsText?
    public var boardID: SysfsText?
    public var hardwareRevision: SysfsText?
    public var numaNode: Int?
    public var ports: [Port] = []
    public var charDevices: [CharDevice] = []
    /// uverbsN/abi_version: the driver's verbs ABI (2 for rdmavt drivers hfi1/qib).
    public var uverbsDeviceABI: Int?
    public var contexts: Contexts?

    public init(name: SysfsText, sysfsPath: String) {
        self.name = name; self.sysfsPath = sysfsPath
    }

    /// The `device` link exists but cannot be followed (a loop, no permission): whether the
    /// device is virtual is then unknown.
    public var parentUnknown = false

    /// Whether the device is virtual (rxe, siw: no `device` link); nil when the link is broken.
    public var isVirtual: Bool? { parentUnknown ? nil : pci == nil }

    /// DESIGN §3: driver + (PCI BDF | parent netdev | node GUID).
    public var identity: String {
        let d = driver ?? "unknown"
        if let pci { return "\(d)@pci:\(pci.address)" }
        if let parentNetdev { return "\(d)@netdev:\(parentNetdev.value)" }
        if let nodeGUID { return "\(d)@guid:\(nodeGUID.sysfs)" }
        return "\(d)@name:\(name.value)"
    }

    /// The uverbs char device, if the device has one.
    public var uverbs: CharDevice? { charDevices.first { $0.kind == .uverbs } }
}

/// hfi1/qib user-context counts (`nctxts`, `nfreectxts`).
public struct Contexts: Sendable, Equatable {
    public var total: Int?
    public var free: Int?
    public init(total: Int?, free: Int?) { self.total = total; self.free = free }
}

/// The PCI function a device hangs off (`device` link), from pci-sysfs attributes.
public struct PCIParent: Sendable, Equatable {
    /// Bus/device/function, the basename of the `device` link target (e.g. 0000:00:02.0).
    public var address: String
    public var vendor: UInt16?
    public var device: UInt16?
    public var subsystemVendor: UInt16?
    public var subsystemDevice: UInt16?
    public var modalias: SysfsText?
    public init(address: String) { self.address = address }

    /// "8086:24f0", as lspci prints it.
    public var vendorDevice: String? {
        guard let vendor, let device else { return nil }
        return colonHexString([vendor, device])
    }
}

/// One port (`ports/N`).
public struct Port: Sendable, Equatable {
    public var number: Int
    public var state: PortState?
    public var physicalState: PhysicalState?
    public var lid: UInt32?
    public var smLID: UInt32?
    public var lmc: Int?
    public var rate: SysfsText?
    public var linkLayer: SysfsText?
    public var gid0: SysfsText?
    /// RoCE: the netdev behind GID 0 (`gid_attrs/ndevs/0`).
    public var netdev: SysfsText?

    // The rest is read for `list --json` (DiscoveryDetail.record: `sm_sl`, `cap_mask`) and
    // `show` (DiscoveryDetail.full: also the tables and `netdev_index`), never by plain `list`.

    /// `sm_sl` (core/sysfs.c "%d" of ib_port_attr.sm_sl).
    public var smSL: Int?
    /// `cap_mask`.
    public var capabilities: PortCapabilities?
    /// The non-empty GID table entries (ibv_devinfo's rule), in index order; nil when the
    /// `gids` directory could not be listed.
    public var gids: [GIDEntry]?
    /// The non-zero P_Key table entries; nil when there is no `pkeys` group (core/sysfs.c
    /// creates it only when pkey_tbl_len > 0).
    public var pkeys: [PKeyEntry]?
    /// The netdev's interface index (iproute2's `netdev_index`): nldev PORT_GET's NDEV_INDEX on
    /// the netlink source, else `/sys/class/net/<netdev>/ifindex`; nil when neither knows it.
    public var netdevIndex: UInt32?

    public init(number: Int) { self.number = number }

    /// `rate` split into width and speed.
    public var parsedRate: PortRate? { rate.flatMap { PortRate(sysfs: $0.value) } }

    /// ibstat's "Port GUID": libibumad `get_port` reads `gids/0` and takes its interface ID
    /// (`port->port_guid = gid.global.interface_id`). Nil when GID 0 is empty.
    public var portGUID: GUID? { gid0Address.flatMap(Self.portGUID) }

    /// The port GUID GID 0 `gid` carries; nil when its interface ID is 0 (an empty GID).
    static func portGUID(_ gid: GIDAddress) -> GUID? { gid.interfaceID != 0 ? GUID(gid.interfaceID) : nil }

    /// The subnet prefix: GID 0's upper half, as libibumad `get_port` takes `gid_prefix` from
    /// `gids/0` (iproute2 prints nldev's SUBNET_PREFIX, sent for IB ports only, the same way).
    public var subnetPrefix: UInt64? { gid0Address?.subnetPrefix }

    /// `gids/0` parsed; nil when absent or malformed.
    var gid0Address: GIDAddress? { gid0.flatMap { GIDAddress(sysfs: $0.value) } }
}

/// A character device that belongs to a device: uverbs, umad/issm per port, the driver's own.
public struct CharDevice: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case uverbs, umad, issm
        /// The hfi1 user node `/dev/hfi1_N` (class hfi1_user).
        case hfi1
        /// qib's `/dev/ipathN` (class ipath) and the wildcard `/dev/ipath`.
        case ipath
    }
    public var kind: Kind
    /// The class device name, e.g. uverbs0, umad1, hfi1_0, ipath0.
    public var name: String
    /// The node path, from the class device's uevent DEVNAME (e.g. /dev/infiniband/uverbs0).
    public var path: String?
    public var major: UInt32?
    public var minor: UInt32?
    /// For umad/issm: the port.
    public var port: Int?
    /// The node as found under /dev (mode, owner); nil for a SYSFS_PATH-style root.
    public var node: DeviceNodeInfo?
    /// Whether /dev has the node at all (nil: not looked at).
    public var nodePresent: Bool?
    /// What lstat found at `path` when it is not a character device (a FIFO, a directory).
    public var foundType: NodeType?
    /// Prediction of whether the caller may open it read-write.
    public var canOpen: Bool?
    /// A umad/issm node `list` attributed to its device by the class link's target (the
    /// device's own parent directory) without reading `ibdev` and `port` (CharDeviceIndex):
    /// `port` is then not known, though the node is there.
    public var portNotRead = false
    public init(kind: Kind, name: String) { self.kind = kind; self.name = name }
}
