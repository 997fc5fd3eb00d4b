/// What one discovery run found.
public struct DiscoveryResult: Sendable {
    public var source: DiscoverySource
    public var devices: [RdmaDevice]
    public var warnings: [Diagnostic]
    /// class/infiniband_verbs/abi_version (the uverbs ABI, 6 on every modern kernel).
    public var uverbsClassABI: Int?
    /// class/infiniband_mad/abi_version (5).
    public var madClassABI: Int?
}

/// Builds device records from a kernel (DESIGN §3). Written once, above the seam: the live
/// system, a rooted tree and the emulator are read by exactly this code.
public struct Discovery: Sendable {
    public let kernel: any Kernel
    public init(kernel: any Kernel) { self.kernel = kernel }

    static let classPath = "/sys/class/infiniband"

    /// Enumerates devices. `only` restricts records to one device name (for `show`), without
    /// reading the others' attributes.
    public func run(source requested: DiscoverySource, detail: DiscoveryDetail, only: String? = nil) throws(RdmaError) -> DiscoveryResult {
        var reader = AttributeReader(kernel: kernel)
        // A listing resolves each class link in the device's own task below (issue 9: a pass
        // of its own was a wait for the slowest thread before any device was read); `show`
        // resolves them all first, as its orphan checks know every device.
        let deferLinks = only == nil
        let (source, entries) = try enumerateResolvingAuto(requested, deferLinks: deferLinks, reader: &reader)
        let wanted = only.map { name in entries.filter { $0.name == name } } ?? entries

        var devices: [RdmaDevice] = []
        // Devices are independent: read them on the kernel's threads (issue 9), each with its
        // own reader, then put results and warnings together in list order. `list` also learns
        // there whether each device is alone under its parent (CharDeviceIndex). The class
        // directories CharDeviceIndex reads next are listed by the first tasks of the same pass,
        // beside the devices rather than one after another on one thread afterwards.
        let discovery = self
        let classes = wanted.isEmpty ? [] : CharDeviceIndex.classDirectories
        let listings = Slots<CharDeviceIndex.Listing>(count: classes.count)
        let devicesRead = Slots<DeviceTask>(count: wanted.count)
        // A listing's full records (`list --json`, a negotiation) read the class devices in the
        // same pass, after the devices (ClassDevicePass): their owners are read from `ibdev`,
        // not from what the devices' tasks find. `list` credits them by the devices' parents,
        // and `show` reads only its device's: both read them in a pass of their own after.
        let classPass = deferLinks && detail >= .negotiation && !wanted.isEmpty
            ? ClassDevicePass(kernel: kernel, detail: detail, listed: Set(wanted.map(\.name)), classes: classes) : nil
        let drains = classPass == nil ? 0 : ClassDevicePass.drains
        kernel.concurrentlyPerform(classes.count + wanted.count + drains) { i in
            guard i >= classes.count else {
                if let classPass { _ = classPass.list(i) } else { listings.set(i, CharDeviceIndex.list(discovery.kernel, classes[i])) }
                return
            }
            if i >= classes.count + wanted.count {
                classPass?.drain()
                return
            }
            var entry = wanted[i - classes.count]
            var own = AttributeReader(kernel: discovery.kernel, fewPerDirectory: detail == .summary)
            if !entry.linkResolved {
                // A broken or vanished class entry is warned about and left out, as before the pass.
                guard let resolved = discovery.classEntry(entry.name, reader: &own) else {
                    devicesRead.set(i - classes.count, DeviceTask(entry: entry, result: nil, warnings: own.warnings, aloneUnder: nil))
                    return
                }
                entry.path = resolved.path
                entry.linkResolved = true
            }
            let result = Result { () throws(AttributeReader.DeviceVanished) -> RdmaDevice in
                try discovery.readDevice(entry, detail: detail, reader: &own)
            }
            let alone = detail == .summary && (try? result.get()) != nil ? discovery.parentAloneUnder(entry) : nil
            devicesRead.set(i - classes.count, DeviceTask(entry: entry, result: result, warnings: own.warnings, aloneUnder: alone))
        }
        // The tasks stay in their slots until the records are completed below, each then moved
        // out, not copied: a task holds a whole device record, and copies of a thousand of them
        // were a fifth of the time between the passes and the fold's page faults (issue 9).
        let count = wanted.count
        let classListings = classPass != nil ? [:] : Dictionary(uniqueKeysWithValues: zip(classes, (0..<classes.count).map(listings.take)))
        // The devices whose class link led somewhere: every listed one for `show`, which
        // resolved them all during enumeration.
        let read = (0..<count).compactMap { i in devicesRead.peek(i) { $0.result == nil ? nil : $0.entry.name } }
        var cdevs: CharDeviceIndex?
        if !wanted.isEmpty {
            // `list` reads one attribute (uevent) of a class device it cannot credit by its link.
            reader.fewPerDirectory = detail == .summary
            // A listing knows exactly the devices it reads: one set for both.
            let wanted = Set(read)
            let known = deferLinks ? wanted : Set(entries.map(\.name))
            if let classPass {
                cdevs = CharDeviceIndex(reader: &reader, detail: detail, devices: wanted, pass: classPass)
            } else {
                cdevs = CharDeviceIndex(reader: &reader, detail: detail, knownDevices: known, wanted: wanted,
                                        aloneUnder: (0..<count).compactMap { i in devicesRead.peek(i) { task in task.aloneUnder.map { ($0, task.entry.name) } } },
                                        listings: classListings)
            }
            reader.fewPerDirectory = false
        }
        // Each record completed — its driver where the link named none, its class devices — on
        // the kernel's threads: a thousand moved, attached and completed on one thread were a
        // millisecond and a half after the pass (issue 9). Warnings in list order, as before.
        let index = cdevs
        let netlinkIndex = Locked<[String: UInt32]?>(nil)
        let completed = Slots<(RdmaDevice?, [Diagnostic])>(count: count)
        kernel.concurrentlyPerform(count) { i in
            let task = devicesRead.take(i)
            var warnings = task.warnings
            switch task.result {
            case nil: completed.set(i, (nil, warnings))
            case .success(var device)?:
                discovery.completeDriver(&device, netlinkIndex: netlinkIndex)
                if let index { Self.attach(index, to: &device) }
                completed.set(i, (device, warnings))
            case .failure(let error)?:
                let name = task.entry.name, classEntry = KernelPath.join(Self.classPath, name)
                if error.errno == .ELOOP {
                    warnings.append(Diagnostic("BROKEN_ENTRY", path: classEntry,
                                               "\(terminalSafe(name)): \(error.path): too many levels of symbolic links; skipped",
                                               errno: error.errno))
                } else {
                    warnings.append(Diagnostic("DEVICE_VANISHED", path: classEntry,
                                               "\(terminalSafe(name)): \(error.path) is gone (the device was removed while it was read, or its class link dangles); skipped",
                                               errno: error.errno))
                }
                completed.set(i, (nil, warnings))
            }
        }
        devices.reserveCapacity(read.count)
        for i in 0..<count {
            let (device, warnings) = completed.take(i)
            for warning in warnings { reader.warn(warning) }
            if let device { devices.append(device) }
        }
        return DiscoveryResult(source: source, devices: devices, warnings: reader.warnings,
                               uverbsClassABI: cdevs?.uverbsClassABI, madClassABI: cdevs?.madClassABI)
    }

    struct Entry: Sendable {
        var name: String
        /// The device's sysfs directory; until `linkResolved`, its class entry.
        var path: String
        /// false: `path` is still `class/infiniband/NAME`, its link read in the device's task.
        var linkResolved = true
        /// The netlink device index, when the list came from netlink.
        var index: UInt32?
        /// NODE_GUID and SYS_IMAGE_GUID from the same dump (nldev `fill_dev_info`: the values
        /// sysfs prints), so the netlink source need not read them again (issue 9).
        var nodeGUID: GUID?
        var systemImageGUID: GUID?
        /// DEV_NODE_TYPE and PORT_INDEX (`rdma_end_port`) from the same dump: the node type
        /// sysfs prints and the ports it lists (ib_setup_port_attrs makes one directory per
        /// port of rdma_for_each_port), so neither `node_type` nor `ports/` is read again.
        var nodeType: NodeKind?
        var portCount: UInt32?

        /// The port numbers the dump implies, nil when the entry did not come from netlink.
        /// PORT_INDEX is rdma_end_port(): 0 exactly when the driver set `is_switch` (whose only
        /// port is 0, rdma_start_port()), else phys_port_cnt ≥ 1 with ports from 1 — keyed on
        /// that, not on the node type (include/rdma/ib_verbs.h, rdma_cap_ib_switch).
        var netlinkPortNumbers: [Int]? {
            guard let portCount else { return nil }
            return portCount == 0 ? [0] : Array(1...Int(portCount))
        }
    }

    /// What a device's task in the pass gave: its entry (link resolved), and its record or why
    /// not — nil when its class entry was broken (warned about, not a device).
    struct DeviceTask {
        var entry: Entry
        var result: Result<RdmaDevice, AttributeReader.DeviceVanished>?
        var warnings: [Diagnostic]
        /// `parentAloneUnder`: the parent it is the only ib device under (`list` only).
        var aloneUnder: String?
    }

    public static func noSupport(_ error: KernelError) -> RdmaError {
        RdmaError("NO_RDMA_SUPPORT", exit: .unavailable, errno: error.errno,
                  "no RDMA support: \(classPath) does not exist (the kernel has no RDMA core loaded)",
                  hint: "load the RDMA core and a device driver (e.g. modprobe ib_uverbs hfi1), or try --emulated")
    }

    /// DESIGN §3: `auto` = netlink where the kernel has it, else udev, else sysfs — libibverbs'
    /// rule (init.c): only a *failure* of the netlink dump moves on; an empty dump is an answer.
    /// The source actually used is returned, so every output can report it.
    func enumerateResolvingAuto(_ source: DiscoverySource, deferLinks: Bool = false, reader: inout AttributeReader) throws(RdmaError) -> (DiscoverySource, [Entry]) {
        if source == .emulated {
            // The emulator answers netlink as a kernel does: its list, like `auto` on a live
            // system, comes from the nldev dump, so each record carries its index (the same
            // answer a snapshot of it replays under --root).
            if let entries = try? enumerate(source: .netlink, deferLinks: deferLinks, reader: &reader) { return (.emulated, entries) }
            return (.emulated, try enumerate(source: .sysfs, deferLinks: deferLinks, reader: &reader))
        }
        guard source == .auto else { return (source, try enumerate(source: source, deferLinks: deferLinks, reader: &reader)) }
        for candidate in [DiscoverySource.netlink, .udev] {
            do { return (candidate, try enumerate(source: candidate, deferLinks: deferLinks, reader: &reader)) } catch {
                guard candidate == .netlink || error.code == "UDEV_UNAVAILABLE" else {
                    var failure = error
                    failure.source = candidate.rawValue
                    throw failure
                }
            }
        }
        do { return (.sysfs, try enumerate(source: .sysfs, deferLinks: deferLinks, reader: &reader)) } catch {
            var failure = error
            failure.source = DiscoverySource.sysfs.rawValue
            throw failure
        }
    }

    /// The device list, from the source; natural order. `deferLinks`: class links are left for
    /// the caller to resolve (`Entry.linkResolved` false) rather than read here.
    func enumerate(source: DiscoverySource, deferLinks: Bool = false, reader: inout AttributeReader) throws(RdmaError) -> [Entry] {
        var entries: [Entry] = []
        switch source {
        case .udev:
            let found: [UdevDevice]
            do { found = try kernel.udevEnumerate(subsystem: "infiniband") } catch {
                throw RdmaError("UDEV_UNAVAILABLE", exit: .unavailable, errno: error.errno,
                                "libudev enumeration failed: \(error)", hint: "use --source sysfs")
            }
            entries = found.filter { KernelPath.isPlainName($0.sysname) }
                .map { Entry(name: $0.sysname, path: $0.syspath) }
            if entries.isEmpty, case .failure(let error) = Result(catching: { () throws(KernelError) in
                try kernel.listDirectory(Self.classPath) }), error.errno == .ENOENT {
                throw Self.noSupport(error)
            }
        case .netlink:
            // The device list and indices from the nldev dump (core/nldev.c nldev_get_dumpit);
            // each name's sysfs directory through its class link, as below.
            let found: [NetlinkDevice]
            do { found = try kernel.netlinkDevices() } catch {
                if error.errno == .EPROTONOSUPPORT {
                    throw RdmaError("NETLINK_SOURCE_UNSUPPORTED", exit: .unavailable, errno: error.errno,
                                    "no RDMA netlink: the kernel has no NETLINK_RDMA (ib_core is not loaded)",
                                    hint: "load ib_core (e.g. modprobe ib_uverbs), or use --source udev or --source sysfs")
                }
                throw RdmaError.kernel(error, path: "NETLINK_RDMA", doing: "RDMA device dump over")
            }
            let named = found.filter { KernelPath.isPlainName($0.name) }
            let resolved = deferLinks ? named.map { Optional(Entry(name: $0.name, path: Self.classPath + "/" + $0.name, linkResolved: false)) }
                                      : classEntries(named.map(\.name), reader: &reader)
            for (device, entry) in zip(named, resolved) {
                if let entry {
                    entries.append(Entry(name: entry.name, path: entry.path, linkResolved: entry.linkResolved, index: device.index,
                                         nodeGUID: device.nodeGUID, systemImageGUID: device.systemImageGUID,
                                         nodeType: device.nodeKind, portCount: device.portCount))
                }
            }
        case .auto, .sysfs, .emulated:
            let names: [String]
            do { names = try kernel.listDirectory(Self.classPath) } catch {
                if error.errno == .ENOENT { throw Self.noSupport(error) }
                if case .live = kernel.kind {
                    throw RdmaError.kernel(error, path: Self.classPath, doing: "cannot list")
                }
                // A tree on disk whose class/infiniband is a file, a loop, …: unusable as a whole.
                throw RdmaError("MALFORMED_ROOT", exit: .malformedTree, errno: error.errno,
                                "\(Self.classPath) in this tree cannot be listed: \(error)")
            }
            var plain: [String] = []
            for name in names where KernelPath.isPlainName(name) {
                if name.utf8.contains(0x5c) {
                    reader.warn(Diagnostic("BROKEN_ENTRY", path: Self.classPath + "/" + name,
                                           "\(Self.classPath)/\(name): the name is not valid UTF-8; skipped"))
                    continue
                }
                plain.append(name)
            }
            entries = deferLinks ? plain.map { Entry(name: $0, path: Self.classPath + "/" + $0, linkResolved: false) }
                                 : classEntries(plain, reader: &reader).compactMap { $0 }
        }
        return naturalSorted(entries) { $0.name }
    }

    /// The device's parent directory (P in P/infiniband/NAME) when the device is the only ib
    /// device under it, else nil, so that `list` may credit the uverbs, umad and issm devices under P
    /// to it by their class links (CharDeviceIndex). By P/infiniband's link count when the file
    /// system keeps one — a stat instead of a listing, in the device's phase rather than one of
    /// its own (issue 9) — else by listing it. A virtual device (no parent of its own) never is.
    func parentAloneUnder(_ entry: Entry) -> String? {
        guard let parent = CharDeviceIndex.parent(of: entry.path, under: "infiniband") else { return nil }
        switch Result(catching: { () throws(KernelError) in try kernel.directoriesBeside(entry.path) }) {
        case .success(let count?): return count == 1 ? parent : nil
        case .success(nil): return (try? kernel.listDirectory(parent + "/infiniband")) == [entry.name] ? parent : nil
        case .failure: return nil
        }
    }

    /// `classEntry` for every name, on the kernel's threads (a readlink each: a thousand of them
    /// were the longest serial step of a listing); results and warnings in `names`' order.
    func classEntries(_ names: [String], reader: inout AttributeReader) -> [Entry?] {
        let discovery = self
        let found = kernel.concurrentMap(names) { name in
            var own = AttributeReader(kernel: discovery.kernel)
            return (discovery.classEntry(name, reader: &own), own.warnings)
        }
        return found.map { entry, warnings in
            for warning in warnings { reader.warn(warning) }
            return entry
        }
    }

    /// `class/infiniband/NAME` resolved to the device directory; nil (with a warning) when the
    /// entry is gone or broken.
    func classEntry(_ name: String, reader: inout AttributeReader) -> Entry? {
        let classEntry = KernelPath.join(Self.classPath, name)
        do {
            return Entry(name: name, path: try kernel.readLink(classEntry))
        } catch {
            switch error.errno {
            case .EINVAL: return Entry(name: name, path: classEntry) // a plain directory
            case .ENOENT, .ENODEV:
                reader.warn(Diagnostic("DEVICE_VANISHED", path: classEntry,
                                       "\(terminalSafe(name)) is gone (removed while it was read, or a dangling link); skipped", errno: error.errno))
            default:
                reader.warn(Diagnostic("BROKEN_ENTRY", path: classEntry, "\(classEntry): \(error); skipped",
                                       errno: error.errno))
            }
            return nil
        }
    }

    func readDevice(_ entry: Entry, detail: DiscoveryDetail, reader: inout AttributeReader) throws(AttributeReader.DeviceVanished) -> RdmaDevice {
        let dir = entry.path
        var d = RdmaDevice(name: SysfsText(entry.name), sysfsPath: dir)
        d.index = entry.index
        // What follows reads these of the device's directory, in this order: read at once.
        let fromNetlink = entry.nodeType != nil || entry.nodeGUID != nil || entry.systemImageGUID != nil
        if detail >= .negotiation {
            reader.readAhead(in: dir, fromNetlink ? Self.deviceFacts : Self.deviceIdentityAndFacts)
        } else if !fromNetlink {
            reader.readAhead(in: dir, Self.deviceIdentity)
        }
        if let kind = entry.nodeType {
            d.nodeType = kind
        } else {
            d.nodeType = try reader.parsed(in: dir, "node_type", .required, what: "a node type (\"1: CA\")", NodeKind.init(sysfs:))
        }
        if entry.nodeType == nil, d.nodeType == nil {
            try throwIfVanished(dir, reader: &reader)
        }
        if let guid = entry.nodeGUID {
            d.nodeGUID = guid
        } else {
            d.nodeGUID = try reader.parsed(in: dir, "node_guid", .required, what: "a GUID (xxxx:xxxx:xxxx:xxxx)", GUID.init(sysfs:))
        }
        try readParent(of: &d, detail: detail, reader: &reader)
        if detail >= .negotiation {
            if let guid = entry.systemImageGUID {
                d.systemImageGUID = guid
            } else {
                d.systemImageGUID = try reader.parsed(in: dir, "sys_image_guid", what: "a GUID (xxxx:xxxx:xxxx:xxxx)", GUID.init(sysfs:))
            }
            d.firmware = try reader.text(in: dir, "fw_ver")
            d.boardID = try reader.text(in: dir, "board_id", .optionalEINVALMeansAbsent)
            d.hardwareRevision = try reader.text(in: dir, "hw_rev")
            let total = try reader.integer(in: dir, "nctxts")
            let free = try reader.integer(in: dir, "nfreectxts")
            if total != nil || free != nil { d.contexts = Contexts(total: total, free: free) }
        }
        if let numbers = entry.netlinkPortNumbers {
            d.ports = try readPorts(dir, detail: detail, index: entry.index, numbers: numbers, reader: &reader)
        } else {
            d.ports = try readPorts(dir, detail: detail, index: entry.index, counted: portNumbersByCount(dir, d.nodeType), reader: &reader)
        }
        return d
    }

    /// A device directory's attributes as `readDevice` reads them (`AttributeReader.readAhead`):
    /// `list`'s two, a negotiation's and record's facts after them, the identity left out when
    /// netlink's dump gave it.
    static let deviceIdentity = AttributeNames(["node_type", "node_guid"])
    static let deviceFacts = AttributeNames(["fw_ver", "board_id", "hw_rev", "nctxts", "nfreectxts"])
    static let deviceIdentityAndFacts = AttributeNames(deviceIdentity.names + ["sys_image_guid"] + deviceFacts.names)
    /// A PCI parent's, beside the driver link: every id from `modalias` (PCIModaliasIDs).
    static let pciFacts = AttributeNames(["modalias", "numa_node"])
    /// A port's, by detail (readPorts, readPortBasics, readPortDetail).
    static let portNegotiationFacts = AttributeNames(["state", "phys_state", "lid", "sm_lid", "lid_mask_count", "rate", "link_layer"])
    static let portRecordFacts = AttributeNames(portNegotiationFacts.names + ["sm_sl", "cap_mask", "gids/0"])
    static let portFullFacts = AttributeNames(portNegotiationFacts.names + ["sm_sl", "cap_mask"])

    /// The `device` link: a PCI parent with its ids and driver, or none for a virtual device.
    func readParent(of d: inout RdmaDevice, detail: DiscoveryDetail, reader: inout AttributeReader) throws(AttributeReader.DeviceVanished) {
        let link = d.sysfsPath + "/device"
        let parent: String
        do { parent = try kernel.readLink(link) } catch {
            switch error.errno {
            case .ENODEV: throw .init(path: link, errno: error.errno)
            case .ENOENT:
                // Virtual (rxe, siw): the netdev it is bound to, if the driver says.
                d.parentNetdev = try reader.text(in: d.sysfsPath, "parent")
            default:
                // A broken optional link costs the parent, not the device.
                reader.warn(Diagnostic("BROKEN_LINK", path: link, "\(link): \(error)", errno: error.errno))
                d.parentUnknown = true
            }
            driverFromNetlink(&d)
            return
        }
        do {
            try readPCIParent(parent, of: &d, detail: detail, reader: &reader)
        } catch where error.errno == .ELOOP {
            reader.warn(Diagnostic("BROKEN_LINK", path: link, "\(link): too many levels of symbolic links", errno: .ELOOP))
            d.pci = nil
            d.parentUnknown = true
            driverFromNetlink(&d)
        }
    }

    /// The PCI function behind the `device` link: its driver link and, as the detail needs, ids.
    func readPCIParent(_ parent: String, of d: inout RdmaDevice, detail: DiscoveryDetail,
                       reader: inout AttributeReader) throws(AttributeReader.DeviceVanished) {
        var pci = PCIParent(address: KernelPath.basename(parent))
        // The ids first when they are to be read: a tree's directory first opened to read an
        // attribute is listed once (getdents64) and its regular files opened at once; first
        // opened for the driver link, it is not, and each id then costs an fstatat more
        // (LinuxKernel.openTreeRegular: five syscalls a device for `list --json`, issue 9).
        // All four come from `modalias` when it has the PCI shape (PCIModaliasIDs).
        if detail >= .negotiation {
            reader.readAhead(in: parent, Self.pciFacts)
            pci.modalias = try reader.text(in: parent, "modalias")
            if let ids = pci.modalias.flatMap({ PCIModaliasIDs(modalias: $0.value) }) {
                pci.vendor = ids.vendor; pci.device = ids.device
                pci.subsystemVendor = ids.subsystemVendor; pci.subsystemDevice = ids.subsystemDevice
            } else {
                pci.vendor = try reader.hex(in: parent, "vendor").map { UInt16(truncatingIfNeeded: $0) }
                pci.device = try reader.hex(in: parent, "device").map { UInt16(truncatingIfNeeded: $0) }
                pci.subsystemVendor = try reader.hex(in: parent, "subsystem_vendor").map { UInt16(truncatingIfNeeded: $0) }
                pci.subsystemDevice = try reader.hex(in: parent, "subsystem_device").map { UInt16(truncatingIfNeeded: $0) }
            }
            d.numaNode = try reader.integer(in: parent, "numa_node")
        }
        do {
            d.driver = KernelPath.basename(try kernel.readLink(parent + "/driver"))
            d.driverSource = "link"
        } catch {
            if error.errno == .ELOOP { throw .init(path: parent, errno: .ELOOP) }
            if error.errno != .ENOENT {
                reader.warn(Diagnostic("BROKEN_LINK", path: parent + "/driver", "\(parent)/driver: \(error)", errno: error.errno))
            }
        }
        driverFromNetlink(&d)
        // `list` reads the ids only to name a driver nothing else names.
        if detail < .negotiation && d.driver == nil {
            pci.vendor = try reader.hex(in: parent, "vendor").map { UInt16(truncatingIfNeeded: $0) }
            pci.device = try reader.hex(in: parent, "device").map { UInt16(truncatingIfNeeded: $0) }
        }
        if d.driver == nil, let id = pci.vendorDevice, let known = knownPCIDrivers[id] {
            d.driver = known
            d.driverSource = "pci_id"
        }
        d.pci = pci
    }

    /// No `driver` link: the UVERBS_DRIVER_ID of GET_CHARDEV "uverbs" names it, when the device
    /// came from netlink and the kernel answers (not before 5.3, not for drivers without one).
    func driverFromNetlink(_ d: inout RdmaDevice) {
        guard d.driver == nil, d.driverID == nil, let index = d.index,
              let id = (try? kernel.netlinkChardev("uverbs", deviceIndex: index))?.driverID else { return }
        d.driverID = id
        guard let name = RdmaNetlink.driverName(forID: id) else { return }
        d.driver = name
        d.driverSource = "netlink"
    }

    /// One device, one answer (issue 8): what a source cannot see by itself — sysfs names no
    /// driver for a virtual device (no `device` link), udev and sysfs know no netlink index —
    /// comes from where the facts are: a snapshot's record of netlink under `--root`, the
    /// kernel's own netlink otherwise (one dump, taken only when a device needs it). What
    /// stays unknown is said in the record.
    /// `netlinkIndex`: netlink's device list by name, dumped once, by the first record that
    /// needs it.
    func completeDriver(_ d: inout RdmaDevice, netlinkIndex: Locked<[String: UInt32]?>) {
        let recorded = kernel.recordedNetlink[d.name.value]
        if d.index == nil, let recorded { d.index = recorded.index }
        guard d.driver == nil else { return }
        if let recorded, d.driverID == nil {
            d.driverID = recorded.driverID
            if let driver = recorded.driver {
                d.driver = driver
                d.driverSource = "snapshot"
                return
            }
        }
        // A tree on disk has no netlink: the dump fails at once, without a syscall.
        if d.index == nil {
            let kernel = kernel
            let byName = netlinkIndex.withLock { index -> [String: UInt32] in
                if let index { return index }
                let devices = (try? kernel.netlinkDevices()) ?? []
                let made = Dictionary(devices.map { ($0.name, $0.index) }, uniquingKeysWith: { first, _ in first })
                index = made
                return made
            }
            d.index = byName[d.name.value]
            driverFromNetlink(&d)
            if d.driver != nil { return }
        }
        d.driverUnknownReason = driverUnknownReason(d)
    }

    func driverUnknownReason(_ d: RdmaDevice) -> String {
        if let id = d.driverID { return "netlink's driver id \(id) is not one rdmactl names" }
        if d.parentUnknown { return "the device link cannot be followed, and netlink did not name the driver" }
        if let pci = d.pci {
            return "no driver is bound to PCI function \(pci.address) (no device/driver link)"
                + (pci.vendorDevice.map { " and its id \($0) is not one rdmactl knows" } ?? "")
        }
        switch kernel.kind {
        case .live:
            return "a virtual device has no device/driver link in sysfs, and RDMA netlink did not name its driver (GET_CHARDEV needs Linux 5.3)"
        default:
            return "a virtual device has no device/driver link in sysfs, and this tree records no netlink answer (a snapshot taken by rdmactl records it)"
        }
    }

    /// After a read that failed with ENOENT: a missing attribute, or no device directory at all
    /// (removed after the listing, or a dangling link)? Only this error path pays the extra look.
    func throwIfVanished(_ dir: String, reader: inout AttributeReader) throws(AttributeReader.DeviceVanished) {
        guard reader.warnings.last?.errno == .ENOENT else { return }
        do { _ = try kernel.listDirectory(dir) } catch {
            if error.errno == .ENOENT || error.errno == .ENOTDIR {
                reader.dropLastWarning()
                throw .init(path: dir, errno: .ENOENT)
            }
        }
    }

    /// The port numbers of a device that is not a switch from how many directories `ports/`
    /// holds: the kernel makes one per port, 1 to phys_port_cnt (core/sysfs.c
    /// ib_setup_port_attrs, rdma_for_each_port: rdma_start_port is 1 unless `is_switch`). One
    /// stat instead of an open, two getdents64 and a close (issue 9); a switch (port 0), a file
    /// system that keeps no count or an empty `ports/` is listed.
    func portNumbersByCount(_ dir: String, _ nodeType: NodeKind?) -> [Int]? {
        guard let nodeType, nodeType != .switch,
              let count = (try? kernel.subdirectoryCount(dir + "/ports")) ?? nil, count > 0 else { return nil }
        return Array(1...count)
    }

    /// `numbers`: the ports netlink's dump named or the directory count implies, so `ports/`
    /// need not be listed (issue 9). Where a port so named has no directory (a hand-made tree),
    /// `ports/` is listed after all.
    func readPorts(_ dir: String, detail: DiscoveryDetail, index: UInt32? = nil, numbers: [Int]? = nil,
                   counted: [Int]? = nil, reader: inout AttributeReader) throws(AttributeReader.DeviceVanished) -> [Port] {
        let portsDir = KernelPath.join(dir, "ports")
        let names: [String]
        let warningsBefore = reader.warnings.count
        if let numbers = numbers ?? counted {
            names = numbers.map(String.init)
        } else {
            do { names = try kernel.listDirectory(portsDir) } catch {
                if error.errno == .ENODEV || error.errno == .ELOOP { throw .init(path: portsDir, errno: error.errno) }
                reader.warn(Diagnostic(error.errno == .ENOENT ? "MISSING_ATTRIBUTE" : "UNREADABLE_DIRECTORY",
                                       path: portsDir, "\(portsDir): \(error)", errno: error.errno))
                return []
            }
        }
        var ports: [Port] = []
        for name in naturalSorted(names) {
            guard let number = Int(name), number >= 0, String(number) == name else {
                reader.warn(Diagnostic("MALFORMED_ENTRY", path: portsDir + "/" + name,
                                       "\(portsDir)/\(terminalSafe(name)): not a port number; ignored"))
                continue
            }
            let p = KernelPath.join(portsDir, name)
            var port = Port(number: number)
            switch detail {
            case .summary: break
            case .negotiation: reader.readAhead(in: p, Self.portNegotiationFacts)
            case .record: reader.readAhead(in: p, Self.portRecordFacts)
            case .full: reader.readAhead(in: p, Self.portFullFacts)
            }
            port.state = try reader.parsed(in: p, "state", .required, what: "a port state (\"4: ACTIVE\")", PortState.init(sysfs:))
            if counted != nil, port.state == nil, reader.warnings.last?.errno == .ENOENT {
                // Counted ports the tree does not have as numbered: list ports/ after all.
                reader.dropWarnings(after: warningsBefore)
                return try readPorts(dir, detail: detail, index: index, reader: &reader)
            }
            // From netlink, no sysfs read has yet shown the device's directory is there.
            if numbers != nil, ports.isEmpty, port.state == nil { try throwIfVanished(dir, reader: &reader) }
            if detail >= .negotiation {
                port.physicalState = try reader.parsed(in: p, "phys_state", what: "a physical state (\"5: LinkUp\")", PhysicalState.init(sysfs:))
                port.lid = try reader.hex(in: p, "lid").map { UInt32(truncatingIfNeeded: $0) }
                port.smLID = try reader.hex(in: p, "sm_lid").map { UInt32(truncatingIfNeeded: $0) }
                port.lmc = try reader.integer(in: p, "lid_mask_count")
                port.rate = try reader.text(in: p, "rate")
                port.linkLayer = try reader.text(in: p, "link_layer")
                if detail == .full {
                    try readPortDetail(p, into: &port, deviceIndex: index, reader: &reader)
                } else if detail == .record {
                    try readPortBasics(p, into: &port, reader: &reader)
                }
            }
            ports.append(port)
        }
        return ports
    }

    /// A device's class devices from `index`, in order: uverbs, then umad and issm by port, then
    /// the driver's. Read, not taken: the records are completed on the kernel's threads, which
    /// share the index (issue 9), and the device's list is allocated once.
    static func attach(_ index: CharDeviceIndex, to d: inout RdmaDevice) {
        let name = d.name.value
        let uverbs = index.uverbsByDevice[name] ?? []
        var mad = index.madByDevice[name] ?? []
        d.charDevices.reserveCapacity(d.charDevices.count + uverbs.count + mad.count + 2)
        d.charDevices += uverbs
        if let first = uverbs.first { d.uverbsDeviceABI = index.uverbsDeviceABI[first.name] }
        // Per port: umad, then issm.
        if mad.count > 1 {
            mad.sort { ($0.port ?? 0, $0.kind == .umad ? 0 : 1) < ($1.port ?? 0, $1.kind == .umad ? 0 : 1) }
        }
        d.charDevices += mad
        // Driver cdevs are keyed by unit, the number in the ib device name (hfi1_N, qibN).
        if name.hasBytePrefix("hfi1_"), let unit = Int(name.dropFirst(5)), let c = index.hfi1ByUnit[unit] {
            d.charDevices.append(c)
        }
        if name.hasBytePrefix("qib"), let unit = Int(name.dropFirst(3)) {
            if let c = index.ipathByUnit[unit] { d.charDevices.append(c) }
            if let w = index.ipathWildcard { d.charDevices.append(w) }
        }
    }
}

/// PCI ids → driver, for a device whose `driver` link is missing (DESIGN §3: "else the PCI id").
/// hfi1: hfi1/hfi.h hfi1_pci_tbl; qib: qib_init.c qib_pci_tbl (ABI-FACTS §2.1, §3.1).
let knownPCIDrivers: [String: String] = [
    "8086:24f0": "hfi1", "8086:24f1": "hfi1",
    "1077:7220": "ib_qib", "1077:7322": "ib_qib", "1fc1:0010": "ib_qib",
]
