/// The manifest a snapshot carries beside its copied sysfs (`rdmactl-snapshot.json`): what was
/// captured, from where, and the /dev metadata a plain directory cannot hold (node type,
/// major:minor, mode, numeric owner). A `--root` kernel reads node metadata from here.
public struct SnapshotManifest: Sendable, Equatable {
    public static let fileName = "rdmactl-snapshot.json"
    public static let currentSchema = "rdmactl-snapshot/1"

    public struct Node: Sendable, Equatable {
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

        public init(path: String, type: String, major: UInt32, minor: UInt32, mode: String, uid: UInt32, gid: UInt32) {
            self.path = path; self.type = type; self.major = major; self.minor = minor
            self.mode = mode; self.uid = uid; self.gid = gid
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
    public struct NetlinkDevice: Sendable, Equatable {
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

    /// The manifest as JSON: one object, keys sorted, two-space indent, a final newline.
    public func encoded() -> [UInt8] {
        func object(_ members: [(String, JSONValue?)]) -> JSONValue {
            .object(members.compactMap { k, v in v.map { (k, $0) } }.sorted { $0.0 < $1.0 })
        }
        let nodeValues = nodes.map { n in
            object([("path", .string(n.path)), ("type", .string(n.type)), ("major", .uint(UInt64(n.major))),
                    ("minor", .uint(UInt64(n.minor))), ("mode", .string(n.mode)), ("uid", .uint(UInt64(n.uid))),
                    ("gid", .uint(UInt64(n.gid)))])
        }
        let netlinkValues = netlinkDevices.map { devices in
            JSONValue.array(devices.map { d in
                object([("name", .string(d.name)), ("index", .uint(UInt64(d.index))),
                        ("driver_id", d.driverID.map { .uint(UInt64($0)) }), ("driver", d.driver.map(JSONValue.string))])
            })
        }
        let document = object([
            ("schema", .string(schema)), ("captured_from", .string(capturedFrom)),
            ("rdmactl_version", .string(rdmactlVersion)), ("files", .int(Int64(files))), ("links", .int(Int64(links))),
            ("device_nodes_captured", deviceNodesCaptured.map(JSONValue.bool)), ("nodes", .array(nodeValues)),
            ("netlink_devices", netlinkValues),
        ])
        return Array(document.serialized(pretty: true).utf8) + [0x0a]
    }

    /// Reads a manifest with RdmaKit's strict JSON reader: every required member present with
    /// its type (an integer in range for the number fields), optional members absent or null,
    /// unknown members ignored; nil for anything else. One difference from JSONDecoder, which
    /// read manifests before: an optional member holding a fraction (`"driver_id": 1.5`) is
    /// taken as absent rather than refusing the manifest.
    public static func decode(_ bytes: [UInt8]) -> SnapshotManifest? {
        // A UTF-8 byte-order mark, which JSONDecoder (the reader of earlier versions) skipped.
        let body = bytes.starts(with: [0xef, 0xbb, 0xbf]) ? Array(bytes.dropFirst(3)) : bytes
        guard let document = try? JSONReader.parse(body, fractionsAsNull: true), case .object = document else { return nil }
        var m = ManifestFields(document)
        guard let schema = m.string("schema"), let capturedFrom = m.string("captured_from"),
              let version = m.string("rdmactl_version"), let files = m.int("files"), let links = m.int("links"),
              let nodeValues = m.array("nodes") else { return nil }
        var nodes: [Node] = []
        for value in nodeValues {
            var n = ManifestFields(value)
            guard case .object = value, let path = n.string("path"), let type = n.string("type"),
                  let major = n.uint32("major"), let minor = n.uint32("minor"), let mode = n.string("mode"),
                  let uid = n.uint32("uid"), let gid = n.uint32("gid") else { return nil }
            nodes.append(Node(path: path, type: type, major: major, minor: minor, mode: mode, uid: uid, gid: gid))
        }
        var netlink: [NetlinkDevice]?
        if let values = m.optionalArray("netlink_devices") {
            var devices: [NetlinkDevice] = []
            for value in values {
                var d = ManifestFields(value)
                guard case .object = value, let name = d.string("name"), let index = d.uint32("index") else { return nil }
                let driverID = d.optionalUInt32("driver_id"), driver = d.optionalString("driver")
                guard let driverID, let driver else { return nil }
                devices.append(NetlinkDevice(name: name, index: index, driverID: driverID, driver: driver))
            }
            netlink = devices
        }
        guard let captured = m.optionalBool("device_nodes_captured"), !m.failed else { return nil }
        var manifest = SnapshotManifest(capturedFrom: capturedFrom, rdmactlVersion: version, files: files, links: links,
                                        nodes: nodes, netlinkDevices: netlink)
        manifest.schema = schema
        manifest.deviceNodesCaptured = captured
        return manifest
    }
}

/// Typed member access for `SnapshotManifest.decode`. An optional accessor returns nil when the
/// member has the wrong type (and marks the read failed), `.some(nil)` when it is absent or null.
private struct ManifestFields {
    let value: JSONValue
    var failed = false
    init(_ value: JSONValue) { self.value = value }

    func string(_ key: String) -> String? {
        if case .string(let s)? = value[key] { return s }
        return nil
    }
    func int(_ key: String) -> Int? {
        switch value[key] {
        case .int(let i)?: return Int(exactly: i)
        case .uint(let u)?: return Int(exactly: u)
        default: return nil
        }
    }
    func uint32(_ key: String) -> UInt32? {
        switch value[key] {
        case .int(let i)?: return UInt32(exactly: i)
        case .uint(let u)?: return UInt32(exactly: u)
        default: return nil
        }
    }
    func array(_ key: String) -> [JSONValue]? {
        if case .array(let a)? = value[key] { return a }
        return nil
    }
    mutating func optionalArray(_ key: String) -> [JSONValue]? {
        switch value[key] {
        case nil, .null?: return nil
        case .array(let a)?: return a
        default: failed = true; return nil
        }
    }
    func optionalUInt32(_ key: String) -> UInt32?? {
        switch value[key] {
        case nil, .null?: return .some(nil)
        default: return uint32(key).map { .some($0) }
        }
    }
    func optionalString(_ key: String) -> String?? {
        switch value[key] {
        case nil, .null?: return .some(nil)
        case .string(let s)?: return .some(s)
        default: return nil
        }
    }
    func optionalBool(_ key: String) -> Bool?? {
        switch value[key] {
        case nil, .null?: return .some(nil)
        case .bool(let b)?: return .some(b)
        default: return nil
        }
    }
}
