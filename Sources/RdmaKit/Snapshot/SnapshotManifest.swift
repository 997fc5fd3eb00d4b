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
        return document.document(pretty: true)
    }

    /// Reads a manifest with RdmaKit's strict JSON reader: every required member present with
    /// its type (an integer in range for the number fields), optional members absent or null,
    /// unknown members ignored; nil for anything else. One difference from JSONDecoder, which
    /// read manifests before: an optional member holding a fraction (`"driver_id": 1.5`) is
    /// taken as absent rather than refusing the manifest.
    public static func decode(_ bytes: [UInt8]) -> SnapshotManifest? {
        // A UTF-8 byte-order mark, which JSONDecoder (the reader of earlier versions) skipped.
        let body = bytes.starts(with: [0xef, 0xbb, 0xbf]) ? Array(bytes.dropFirst(3)) : bytes
        // Member by member, without the document's tree: at a thousand devices the tree was
        // most of a `--root` listing's start (issue 9). `decodeThroughTree` is the reference.
        return (try? ManifestPull.decode(body)) ?? nil
    }

    /// The same decoding through the whole `JSONValue` tree: the reference the pull decoder is
    /// checked against (ManifestCodecTests, fuzz-manifest).
    @_spi(Testing) public static func decodeThroughTree(_ bytes: [UInt8]) -> SnapshotManifest? {
        // A UTF-8 byte-order mark, which JSONDecoder (the reader of earlier versions) skipped.
        let body = bytes.starts(with: [0xef, 0xbb, 0xbf]) ? Array(bytes.dropFirst(3)) : bytes
        guard let document = try? JSONReader.parse(body, fractionsAsNull: true), case .object = document else { return nil }
        var m = ManifestFields(document)
        guard let schema = m.string("schema"), let capturedFrom = m.string("captured_from"),
              let version = m.string("rdmactl_version"), let files = m.int("files"), let links = m.int("links"),
              let nodeValues = m.array("nodes") else { return nil }
        var nodes: [Node] = []
        for value in nodeValues {
            let n = ManifestFields(value)
            guard case .object = value, let path = n.string("path"), let type = n.string("type"),
                  let major = n.uint32("major"), let minor = n.uint32("minor"), let mode = n.string("mode"),
                  let uid = n.uint32("uid"), let gid = n.uint32("gid") else { return nil }
            nodes.append(Node(path: path, type: type, major: major, minor: minor, mode: mode, uid: uid, gid: gid))
        }
        var netlink: [NetlinkDevice]?
        if let values = m.optionalArray("netlink_devices") {
            var devices: [NetlinkDevice] = []
            for value in values {
                let d = ManifestFields(value)
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

/// Typed member access for `SnapshotManifest.decodeThroughTree`. An optional accessor returns nil when the
/// member has the wrong type (and marks the read failed), `.some(nil)` when it is absent or null.
private struct ManifestFields {
    let value: JSONValue
    var failed = false
    init(_ value: JSONValue) { self.value = value }

    func string(_ key: String) -> String? { value[key]?.stringValue }
    func int(_ key: String) -> Int? { value[key]?.intValue }
    func uint32(_ key: String) -> UInt32? { value[key]?.uint32Value }
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

/// `SnapshotManifest.decode` with JSONReader's pull reading: the same grammar, nesting bound and
/// typing rules as `decodeThroughTree` — the first occurrence of a member counts, unknown
/// members are read (so must be valid JSON) and dropped, a fraction is null — but only member
/// values become `JSONValue`s, never the document. nil: refused (a wrong or missing member);
/// a thrown failure: not JSON.
private enum ManifestPull {
    static func decode(_ body: [UInt8]) throws(JSONReader.Failure) -> SnapshotManifest? {
        var r = JSONReader(body)
        r.fractionsAsNull = true
        guard r.peek() == UInt8(ascii: "{") else { return nil }
        try r.open(depth: 0)
        var schema: JSONValue?, capturedFrom: JSONValue?, version: JSONValue?, files: JSONValue?, links: JSONValue?
        var captured: JSONValue?
        var nodes: [SnapshotManifest.Node]?
        var netlink: [SnapshotManifest.NetlinkDevice]??
        var first = true
        while let key = try r.nextKey(first: &first) {
            switch key {
            case "nodes" where nodes == nil:
                guard r.peek() == UInt8(ascii: "[") else { return nil }
                guard let read = try readNodes(&r) else { return nil }
                nodes = read
            case "netlink_devices" where netlink == nil:
                if r.peek() == UInt8(ascii: "[") {
                    guard let read = try readNetlink(&r) else { return nil }
                    netlink = .some(read)
                } else {
                    // null, or a fraction (read as null): absent.
                    guard try r.readValue(depth: 1) == .null else { return nil }
                    netlink = .some(nil)
                }
            default:
                let value = try r.readValue(depth: 1)
                switch key {
                case "schema" where schema == nil: schema = value
                case "captured_from" where capturedFrom == nil: capturedFrom = value
                case "rdmactl_version" where version == nil: version = value
                case "files" where files == nil: files = value
                case "links" where links == nil: links = value
                case "device_nodes_captured" where captured == nil: captured = value
                default: break // an unknown member, or a repeated one: the first counts
                }
            }
        }
        try r.expectEnd()
        guard let schema = schema?.stringValue, let capturedFrom = capturedFrom?.stringValue,
              let version = version?.stringValue, let files = files?.intValue, let links = links?.intValue,
              let nodes else { return nil }
        let capturedFlag: Bool?
        switch captured {
        case nil, .null?: capturedFlag = nil
        case .bool(let b)?: capturedFlag = b
        default: return nil
        }
        var manifest = SnapshotManifest(capturedFrom: capturedFrom, rdmactlVersion: version, files: files, links: links,
                                        nodes: nodes, netlinkDevices: netlink ?? nil)
        manifest.schema = schema
        manifest.deviceNodesCaptured = capturedFlag
        return manifest
    }

    /// A node's members, in the order `readNodes` numbers them.
    static let nodeKeys: [StaticString] = ["path", "type", "major", "minor", "mode", "uid", "gid"]

    /// `nodes`: every element an object with every member typed.
    static func readNodes(_ r: inout JSONReader) throws(JSONReader.Failure) -> [SnapshotManifest.Node]? {
        try r.open(array: true, depth: 1)
        var nodes: [SnapshotManifest.Node] = []
        var firstElement = true
        while try r.nextElement(first: &firstElement) {
            guard r.peek() == UInt8(ascii: "{") else { return nil }
            try r.open(depth: 2)
            var path: JSONValue?, type: JSONValue?, major: JSONValue?, minor: JSONValue?
            var mode: JSONValue?, uid: JSONValue?, gid: JSONValue?
            var first = true
            while let key = try r.nextKey(first: &first, among: nodeKeys) {
                let value = try r.readValue(depth: 3)
                switch key {
                case 0 where path == nil: path = value
                case 1 where type == nil: type = value
                case 2 where major == nil: major = value
                case 3 where minor == nil: minor = value
                case 4 where mode == nil: mode = value
                case 5 where uid == nil: uid = value
                case 6 where gid == nil: gid = value
                default: break
                }
            }
            guard let path = path?.stringValue, let type = type?.stringValue, let major = major?.uint32Value,
                  let minor = minor?.uint32Value, let mode = mode?.stringValue, let uid = uid?.uint32Value,
                  let gid = gid?.uint32Value else { return nil }
            nodes.append(SnapshotManifest.Node(path: path, type: type, major: major, minor: minor, mode: mode, uid: uid, gid: gid))
        }
        return nodes
    }

    /// `netlink_devices`: objects with a name and an index; `driver_id` and `driver` absent,
    /// null or typed.
    static func readNetlink(_ r: inout JSONReader) throws(JSONReader.Failure) -> [SnapshotManifest.NetlinkDevice]? {
        try r.open(array: true, depth: 1)
        var devices: [SnapshotManifest.NetlinkDevice] = []
        var firstElement = true
        while try r.nextElement(first: &firstElement) {
            guard r.peek() == UInt8(ascii: "{") else { return nil }
            try r.open(depth: 2)
            var name: JSONValue?, index: JSONValue?, driverID: JSONValue?, driver: JSONValue?
            var first = true
            while let key = try r.nextKey(first: &first) {
                let value = try r.readValue(depth: 3)
                switch key {
                case "name" where name == nil: name = value
                case "index" where index == nil: index = value
                case "driver_id" where driverID == nil: driverID = value
                case "driver" where driver == nil: driver = value
                default: break
                }
            }
            guard let name = name?.stringValue, let index = index?.uint32Value else { return nil }
            var id: UInt32?
            switch driverID {
            case nil, .null?: id = nil
            case let v?: guard let n = v.uint32Value else { return nil }; id = n
            }
            var module: String?
            switch driver {
            case nil, .null?: module = nil
            case .string(let s)?: module = s
            default: return nil
            }
            devices.append(SnapshotManifest.NetlinkDevice(name: name, index: index, driverID: id, driver: module))
        }
        return devices
    }
}

extension JSONValue {
    /// An integer member as Int / UInt32, nil when it is not one or out of range.
    var intValue: Int? {
        switch self {
        case .int(let i): return Int(exactly: i)
        case .uint(let u): return Int(exactly: u)
        default: return nil
        }
    }
    var uint32Value: UInt32? {
        switch self {
        case .int(let i): return UInt32(exactly: i)
        case .uint(let u): return UInt32(exactly: u)
        default: return nil
        }
    }
}
