import FoundationEssentials

/// The manifest a snapshot carries beside its copied sysfs (`rdmactl-snapshot.json`): what was
/// captured, from where, and the /dev metadata a plain directory cannot hold (node type,
/// major:minor, mode, numeric owner). A `--root` kernel reads node metadata from here.
public struct SnapshotManifest: Codable, Sendable, Equatable {
    public static let fileName = "rdmactl-snapshot.json"
    public static let currentSchema = "rdmactl-snapshot/1"

    public struct Node: Codable, Sendable, Equatable {
        public var path: String
        public var type: String
        public var major: UInt32
        public var minor: UInt32
        /// Octal permission bits, e.g. "0666".
        public var mode: String
        public var uid: UInt32
        public var gid: UInt32

        public init(path: String, info: DeviceNodeInfo) {
            self.path = path; type = info.type.rawValue; major = info.major; minor = info.minor
            mode = octalMode(info.mode); uid = info.uid; gid = info.gid
        }

        public var info: DeviceNodeInfo? {
            guard let t = NodeType(rawValue: type), let m = UInt32(mode, radix: 8) else { return nil }
            return DeviceNodeInfo(type: t, major: major, minor: minor, mode: m, uid: uid, gid: gid)
        }
    }

    /// What netlink said about a device when the snapshot was taken (issue 8: one device, one
    /// answer). A copied tree keeps sysfs but not netlink; a virtual device (rxe, siw) has no
    /// `device/driver` link, so its driver is known only from GET_CHARDEV's UVERBS_DRIVER_ID.
    /// Recorded here, `--root` replays it.
    public struct NetlinkDevice: Codable, Sendable, Equatable {
        public var name: String
        /// RDMA_NLDEV_ATTR_DEV_INDEX.
        public var index: UInt32
        /// UVERBS_DRIVER_ID (enum rdma_driver_id), when GET_CHARDEV "uverbs" answered.
        public var driverID: UInt32?
        /// The module that id names (nil for an id rdmactl does not know).
        public var driver: String?

        public init(name: String, index: UInt32, driverID: UInt32? = nil, driver: String? = nil) {
            self.name = name; self.index = index; self.driverID = driverID; self.driver = driver
        }

        enum CodingKeys: String, CodingKey {
            case name, index, driverID = "driver_id", driver
        }
    }

    public var schema: String
    /// What the tree was captured from: "live", "emulated:proposed", "root:/path".
    public var capturedFrom: String
    public var rdmactlVersion: String
    public var files: Int
    public var links: Int
    /// Whether the capture could see /dev at all. false for a SYSFS_PATH-style source tree: the
    /// snapshot then knows nothing about nodes (not "every node is missing"). Absent = true.
    public var deviceNodesCaptured: Bool?
    public var nodes: [Node]
    /// Netlink's view at capture time; absent when the source had no RDMA netlink (a tree on
    /// disk that carried none, or a kernel without NETLINK_RDMA).
    public var netlinkDevices: [NetlinkDevice]?

    public init(capturedFrom: String, rdmactlVersion: String, files: Int, links: Int,
                deviceNodesCaptured: Bool = true, nodes: [Node], netlinkDevices: [NetlinkDevice]? = nil) {
        schema = Self.currentSchema
        self.capturedFrom = capturedFrom; self.rdmactlVersion = rdmactlVersion
        self.files = files; self.links = links; self.deviceNodesCaptured = deviceNodesCaptured; self.nodes = nodes
        self.netlinkDevices = netlinkDevices
    }

    enum CodingKeys: String, CodingKey {
        case schema, capturedFrom = "captured_from", rdmactlVersion = "rdmactl_version", files, links,
             deviceNodesCaptured = "device_nodes_captured", nodes, netlinkDevices = "netlink_devices"
    }

    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array((try? encoder.encode(self)) ?? Data()) + [0x0a]
    }

    public static func decode(_ bytes: [UInt8]) -> SnapshotManifest? {
        try? JSONDecoder().decode(SnapshotManifest.self, from: Data(bytes))
    }
}
