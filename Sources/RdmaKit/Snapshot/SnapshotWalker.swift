/// Captures the RDMA part of a kernel's sysfs and /dev through the seam (DESIGN §6 `snapshot`):
/// an allow-list of class entries, device and port attributes, bounded GID/P_Key tables and the
/// PCI parent's identity files — never config, rom, vpd, resource, counters or write-only files.
/// The same walker captures the live system, a rooted tree and the emulated kernel.
public struct SnapshotWalker {
    public let kernel: any Kernel
    public private(set) var warnings: [Diagnostic] = []
    private var copiedDirectories: Set<String> = []
    private var nodes: [String: DeviceNodeInfo] = [:]
    private var files = 0
    private var links = 0

    /// GID, P_Key and gid_attrs entries kept per port (real ports have up to 1024 GIDs).
    public static let tableBound = 16

    static let deviceFiles = ["node_type", "node_guid", "sys_image_guid", "fw_ver", "node_desc", "hw_rev",
                              "board_id", "hca_type", "nctxts", "nfreectxts", "serial", "boardversion",
                              "version", "parent", "uevent"]
    static let portFiles = ["state", "phys_state", "lid", "sm_lid", "sm_sl", "lid_mask_count", "cap_mask",
                            "rate", "link_layer"]
    static let portTables = ["gids", "pkeys", "gid_attrs/types", "gid_attrs/ndevs"]
    static let pciFiles = ["vendor", "device", "subsystem_vendor", "subsystem_device", "class", "modalias",
                           "numa_node", "local_cpulist"]
    static let classDeviceFiles = ["ibdev", "port", "abi_version", "dev", "uevent"]

    public init(kernel: any Kernel) { self.kernel = kernel }

    /// Writes the tree into `sink` and returns the manifest (also written, as the last file).
    public mutating func capture(into sink: any SnapshotSink, capturedFrom: String,
                                 version: String) throws(RdmaError) -> SnapshotManifest {
        try sink.directory("sys/class")
        try copyClass("/sys/class/infiniband", sink) { (w, real, s) throws(RdmaError) in try w.copyDevice(real, s) }
        try copyClass("/sys/class/infiniband_verbs", sink) { (w, real, s) throws(RdmaError) in try w.copyClassDevice(real, s) }
        try copyClass("/sys/class/infiniband_mad", sink) { (w, real, s) throws(RdmaError) in try w.copyClassDevice(real, s) }
        try copyClass("/sys/class/hfi1_user", sink) { (w, real, s) throws(RdmaError) in try w.copyClassDevice(real, s) }
        try copyClass("/sys/class/ipath", sink) { (w, real, s) throws(RdmaError) in try w.copyClassDevice(real, s) }
        if (try? kernel.listDirectory("/sys/class/misc/rdma_cm")) != nil {
            try copyEntry("/sys/class/misc", "rdma_cm", sink) { (w, real, s) throws(RdmaError) in try w.copyClassDevice(real, s) }
        }
        for (path, _) in nodes.sorted(by: { $0.key < $1.key }) {
            try sink.file(String(path.dropFirst()), [])
        }
        let manifest = SnapshotManifest(
            capturedFrom: capturedFrom, rdmactlVersion: version, files: files, links: links,
            deviceNodesCaptured: kernel.kind.hasDeviceNodes, nodes: nodes.sorted { $0.key < $1.key }.map { SnapshotManifest.Node(path: $0.key, info: $0.value) },
            netlinkDevices: netlinkRecord())
        try sink.file(SnapshotManifest.fileName, manifest.encoded())
        try sink.finish()
        return manifest
    }

    private func out(_ kernelPath: String) -> String { String(kernelPath.dropFirst()) }

    /// Netlink's view of the devices (index, UVERBS_DRIVER_ID), which no copied file holds: the
    /// source's own netlink, else what the source tree itself recorded; nil when neither has
    /// one. One dump plus one GET_CHARDEV per device (core/nldev.c).
    func netlinkRecord() -> [SnapshotManifest.NetlinkDevice]? {
        if let devices = try? kernel.netlinkDevices() {
            return devices.map { device in
                let id = (try? kernel.netlinkChardev("uverbs", deviceIndex: device.index))?.driverID
                return SnapshotManifest.NetlinkDevice(name: device.name, index: device.index, driverID: id,
                                                      driver: id.flatMap(RdmaNetlink.driverName(forID:)))
            }
        }
        let recorded = kernel.recordedNetlink
        return recorded.isEmpty ? nil : recorded.values.sorted { $0.index < $1.index }
    }

    private mutating func copyClass(_ classDir: String, _ sink: any SnapshotSink,
                                    _ body: (inout SnapshotWalker, String, any SnapshotSink) throws(RdmaError) -> Void) throws(RdmaError) {
        let names: [String]
        do { names = try kernel.listDirectory(classDir) } catch {
            if error.errno != .ENOENT { warn(classDir, error) }
            return
        }
        try sink.directory(out(classDir))
        for name in names.sorted(by: naturalLess) where KernelPath.isPlainName(name) {
            if name.contains("\\") {
                // The seam escapes names that are not UTF-8; such a name cannot be opened.
                warnings.append(Diagnostic("SNAPSHOT_SKIPPED", path: classDir + "/" + name,
                                           "\(classDir)/\(name): the name is not valid UTF-8; not captured"))
                continue
            }
            if name == "abi_version" { try copyFile(classDir + "/abi_version", sink); continue }
            try copyEntry(classDir, name, sink, body)
        }
    }

    /// A class entry is a link to the real device directory (or, in simple trees, the directory).
    private mutating func copyEntry(_ classDir: String, _ name: String, _ sink: any SnapshotSink,
                                    _ body: (inout SnapshotWalker, String, any SnapshotSink) throws(RdmaError) -> Void) throws(RdmaError) {
        let entry = classDir + "/" + name
        var real = entry
        do {
            real = try kernel.readLink(entry)
        } catch {
            if error.errno != .EINVAL { warn(entry, error); return }
        }
        if real != entry {
            try sink.symlink(out(entry), target: KernelPath.relative(from: classDir, to: real))
            links += 1
        }
        guard copiedDirectories.insert(real).inserted else { return }
        try body(&self, real, sink)
    }

    private mutating func copyDevice(_ dir: String, _ sink: any SnapshotSink) throws(RdmaError) {
        try sink.directory(out(dir))
        for f in Self.deviceFiles { try copyFile(dir + "/" + f, sink) }
        try copyParentLink(dir, sink)
        guard let ports = try? kernel.listDirectory(dir + "/ports") else { return }
        for port in ports.sorted(by: naturalLess) where Int(port) != nil {
            let p = dir + "/ports/" + port
            try sink.directory(out(p))
            for f in Self.portFiles { try copyFile(p + "/" + f, sink) }
            for table in Self.portTables {
                guard let entries = try? kernel.listDirectory(p + "/" + table) else { continue }
                let kept = entries.compactMap { Int($0) }.sorted().prefix(Self.tableBound)
                for i in kept { try copyFile(p + "/" + table + "/" + String(i), sink, einvalIsAbsent: true) }
            }
        }
    }

    private mutating func copyClassDevice(_ dir: String, _ sink: any SnapshotSink) throws(RdmaError) {
        try sink.directory(out(dir))
        for f in Self.classDeviceFiles { try copyFile(dir + "/" + f, sink) }
        try copyParentLink(dir, sink)
    }

    /// The `device` link and the PCI function it names (ids only), with its `driver` link.
    private mutating func copyParentLink(_ dir: String, _ sink: any SnapshotSink) throws(RdmaError) {
        let link = dir + "/device"
        let parent: String
        do { parent = try kernel.readLink(link) } catch {
            if error.errno != .ENOENT { warn(link, error) }
            return
        }
        try sink.symlink(out(link), target: KernelPath.relative(from: dir, to: parent))
        links += 1
        guard copiedDirectories.insert(parent).inserted else { return }
        try sink.directory(out(parent))
        for f in Self.pciFiles { try copyFile(parent + "/" + f, sink) }
        if let driver = try? kernel.readLink(parent + "/driver") {
            try sink.symlink(out(parent + "/driver"), target: KernelPath.relative(from: parent, to: driver))
            links += 1
            if copiedDirectories.insert(driver).inserted { try sink.directory(out(driver)) }
        }
    }

    private mutating func copyFile(_ path: String, _ sink: any SnapshotSink, einvalIsAbsent: Bool = false) throws(RdmaError) {
        let bytes: [UInt8]
        do { bytes = try kernel.readAttribute(path) } catch {
            switch error.errno {
            case .ENOENT: return
            case .EINVAL where einvalIsAbsent && error.detail == nil: return
            default: warn(path, error); return
            }
        }
        try sink.file(out(path), bytes)
        files += 1
        if KernelPath.basename(path) == "uevent" { noteNode(from: bytes) }
    }

    /// DEVNAME in a uevent names a node under /dev: record its metadata for the manifest.
    private mutating func noteNode(from uevent: [UInt8]) {
        guard kernel.kind.hasDeviceNodes else { return }
        for line in String(decoding: uevent, as: UTF8.self).split(separator: "\n") where line.hasPrefix("DEVNAME=") {
            let devname = String(line.dropFirst(8))
            guard !devname.isEmpty, !devname.split(separator: "/").contains("..") else { continue }
            let path = "/dev/" + devname
            if let info = try? kernel.deviceNode(path) { nodes[path] = info }
        }
    }

    private mutating func warn(_ path: String, _ error: KernelError) {
        warnings.append(Diagnostic("SNAPSHOT_SKIPPED", path: path, "\(path): \(error); not captured", errno: error.errno))
    }
}
