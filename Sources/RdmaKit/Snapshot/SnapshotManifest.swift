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

    public init(capturedFrom: String, rdmactlVersion: String, files: Int, links: Int,
                deviceNodesCaptured: Bool = true, nodes: [Node]) {
        schema = Self.currentSchema
        self.capturedFrom = capturedFrom; self.rdmactlVersion = rdmactlVersion
        self.files = files; self.links = links; self.deviceNodesCaptured = deviceNodesCaptured; self.nodes = nodes
    }

    enum CodingKeys: String, CodingKey {
        case schema, capturedFrom = "captured_from", rdmactlVersion = "rdmactl_version", files, links,
             deviceNodesCaptured = "device_nodes_captured", nodes
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
