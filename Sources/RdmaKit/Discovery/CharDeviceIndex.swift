/// The class-wide character-device directories, scanned once per discovery:
/// `class/infiniband_verbs/*/ibdev`, `class/infiniband_mad/*/{ibdev,port}` (DESIGN §3), and the
/// driver cdev classes `hfi1_user` (hfi1/device.c: hfi1_N, minor = unit) and `ipath`
/// (qib_file_ops.c: ipath = wildcard, ipathN, minor = unit + 1).
struct CharDeviceIndex {
    var uverbsByDevice: [String: [CharDevice]] = [:]
    var madByDevice: [String: [CharDevice]] = [:]
    var hfi1ByUnit: [Int: CharDevice] = [:]
    var ipathByUnit: [Int: CharDevice] = [:]
    var ipathWildcard: CharDevice?
    /// class/infiniband_verbs/abi_version and class/infiniband_mad/abi_version.
    var uverbsClassABI: Int?
    var madClassABI: Int?
    /// uverbsN → its per-device ABI (uverbsN/abi_version).
    var uverbsDeviceABI: [String: Int] = [:]

    static let uverbsClass = "/sys/class/infiniband_verbs"
    static let madClass = "/sys/class/infiniband_mad"
    static let hfi1Class = "/sys/class/hfi1_user"
    static let ipathClass = "/sys/class/ipath"

    /// `knownDevices`: every device listed (a class device naming another is an orphan);
    /// `wanted`: the devices being shown, the only ones whose class devices are read further;
    /// `aloneUnder`: each device found to be the only ib device under its parent directory, with
    /// that parent (Discovery.parentAloneUnder); `listings`: the class directories (`classDirectories`)
    /// as `list` gave them — Discovery lists them beside the devices, on the kernel's threads;
    /// one missing here is listed now.
    init(reader: inout AttributeReader, detail: DiscoveryDetail, knownDevices: Set<String>, wanted: Set<String>,
         aloneUnder: [(parent: String, device: String)] = [], listings: [String: Listing] = [:]) {
        let kernel = reader.kernel
        readClassABIs(&reader, detail)
        // `list` attributes a class device to its ib device by where its class link leads (one
        // readlink) instead of reading `ibdev`: a node whose link ends in the directory of a
        // parent that holds exactly one ib device belongs to that device. The kernel gives
        // uverbs, umad and issm devices the ib device's own parent — ib_uverbs_add_one
        // (core/uverbs_main.c: `uverbs_dev->dev.parent = device->dev.parent`) and
        // ib_umad_init_port (core/user_mad.c) — so they sit in P/infiniband_verbs/ and
        // P/infiniband_mad/ beside P/infiniband/. Any other node (a virtual device's, one under a
        // shared parent, a broken link) is read the long way (`ibdev`, and `port` for umad/issm).
        // Not reading them also means a broken `ibdev` or `port` of such a node is reported by
        // `list --json`, `show` and `facets`, not `list`.
        let parents = detail == .summary ? Self.uniqueParents(aloneUnder) : [:]
        // Where every known device is wanted (a listing), a class device whose `ibdev` names one
        // is read on whatever it names, so its attributes are read at once (readAhead); `show`
        // reads further only the class devices of the one device it shows. Asked once here, not
        // per class device (a subset test of two thousand-name sets each).
        let owners = Owners.settled(known: knownDevices, wanted: wanted, readsAhead: knownDevices.isSubset(of: wanted))
        // Every class device is read on its own, all of them in one pass on the kernel's
        // threads (issue 9: a pass per class was two more waits for the slowest thread),
        // results and warnings put together in natural order, class by class.
        let items = Self.plan(detail: detail, unitWanted: { wanted.contains($0) }, reader: &reader) { dir in
            listings[dir] ?? Self.list(kernel, dir)
        }
        uverbsByDevice.reserveCapacity(wanted.count)
        madByDevice.reserveCapacity(wanted.count)
        Self.readEach(items, reader: &reader, { (task, r) -> ClassDeviceFound in
            Self.read(task, detail: detail, parents: parents, owners: owners, reader: &r)
        }) { add($0) }
        readIpath(&reader, detail: detail, wanted: wanted, listing: listings[Self.ipathClass])
    }

    /// The index from a pass that read the class devices beside the devices themselves, before
    /// their class links were read (`ClassDevicePass`, a listing's full records). A listing
    /// knows and shows the same `devices` — those whose class link led somewhere — and ownership
    /// is settled here by them, as the other init settles it while reading: a class device
    /// naming a listed device whose class link turned out broken is an orphan, and what was read
    /// of it (its warnings too) is dropped; the warnings come in the order the other init gives.
    init(reader: inout AttributeReader, detail: DiscoveryDetail, devices: Set<String>, pass: ClassDevicePass) {
        readClassABIs(&reader, detail)
        uverbsByDevice.reserveCapacity(devices.count)
        madByDevice.reserveCapacity(devices.count)
        hfi1ByUnit.reserveCapacity(devices.count)
        uverbsDeviceABI.reserveCapacity(devices.count)
        pass.fold(reader: &reader) { found, warnings, reader in
            switch found {
            case .uverbs(let ibdev, let cdev, _), .mad(let ibdev, let cdev):
                guard devices.contains(ibdev) else {
                    let dir = (cdev.kind == .uverbs ? Self.uverbsClass : Self.madClass) + "/" + cdev.name
                    reader.warn(Self.orphan(dir, ibdev))
                    return
                }
            case .hfi1(let unit, _):
                guard devices.contains("hfi1_\(unit)") else { return }
            case .none: break
            }
            for warning in warnings { reader.warn(warning) }
            add(found)
        }
        readIpath(&reader, detail: detail, wanted: devices, listing: pass.listing(Self.ipathClass))
    }

    /// class/infiniband_verbs/abi_version and class/infiniband_mad/abi_version, for a negotiation
    /// and more.
    private mutating func readClassABIs(_ reader: inout AttributeReader, _ detail: DiscoveryDetail) {
        guard detail >= .negotiation else { return }
        uverbsClassABI = try? reader.integer(in: Self.uverbsClass, "abi_version")
        madClassABI = try? reader.integer(in: Self.madClass, "abi_version")
    }

    /// Who may own a class device: settled (`known`: every listed device, `wanted`: those
    /// shown), or every device the class listing named, settled when the results are folded
    /// (`init(reader:detail:devices:pass:)`).
    enum Owners: Sendable {
        /// `readsAhead`: every known device is wanted.
        case settled(known: Set<String>, wanted: Set<String>, readsAhead: Bool)
        case listed(Set<String>)

        /// Whether a class device's attributes are read at once: where whatever device its
        /// `ibdev` names is read on.
        var readsAhead: Bool {
            switch self {
            case .settled(_, _, let readsAhead): readsAhead
            case .listed: true
            }
        }
    }

    /// The class devices to read, class by class in natural order, from each class directory's
    /// entries (`entries`; a directory that cannot be listed but exists is a warning), and the
    /// driver cdevs of the units `unitWanted` names.
    static func plan(detail: DiscoveryDetail, unitWanted: (String) -> Bool, reader: inout AttributeReader,
                     entries listing: (String) -> Listing) -> [ClassItem] {
        func entries(_ dir: String) -> [String] {
            switch listing(dir) {
            case .success(let names): return names
            case .failure(let error):
                if error.errno != .ENOENT {
                    reader.warn(Diagnostic("UNREADABLE_DIRECTORY", path: dir, "\(dir): \(error)", errno: error.errno))
                }
                return []
            }
        }
        var items: [ClassItem] = []
        for entry in entries(Self.uverbsClass) where entry.hasBytePrefix("uverbs") { items.append(.read(.uverbs(entry))) }
        for entry in entries(Self.madClass) where entry.hasBytePrefix("umad") || entry.hasBytePrefix("issm") { items.append(.read(.mad(entry))) }
        // Driver cdevs carry no ibdev: they belong to the ib device of the same unit. Where
        // nothing of them is read (`list`), they need no task of their own.
        for entry in entries(Self.hfi1Class) {
            guard entry.hasBytePrefix("hfi1_"), let unit = Int(entry.dropFirst(5)), unitWanted("hfi1_\(unit)") else { continue }
            if Self.readsNothing(.hfi1, detail) {
                items.append(.found(.hfi1(unit, Self.charDevice(.hfi1, entry, KernelPath.join(Self.hfi1Class, entry), of: "hfi1_\(unit)",
                                                                reader: &reader, detail: detail))))
            } else {
                items.append(.read(.hfi1(entry, unit: unit)))
            }
        }
        return items
    }

    /// Reads one class device: its owner by its class link (`parents`, `list`) or its `ibdev`,
    /// then what `charDevice` reads, and its ABI or port.
    static func read(_ task: ClassDeviceTask, detail: DiscoveryDetail, parents: [String: String], owners: Owners,
                     reader r: inout AttributeReader) -> ClassDeviceFound {
        let readsAhead = owners.readsAhead
        switch task {
        case .uverbs(let entry):
            let dir = KernelPath.join(Self.uverbsClass, entry)
            if let owner = Self.ownerByLink(dir, entry, group: "infiniband_verbs", parents, kernel: r.kernel) {
                return .uverbs(owner, Self.charDevice(.uverbs, entry, dir, of: owner, reader: &r, detail: detail), abi: nil)
            }
            if readsAhead { r.readAhead(in: dir, detail >= .negotiation ? Self.uverbsFacts : Self.uverbsSummaryFacts) }
            guard let ibdev = Self.owner(dir, owners, reader: &r) else { return .none }
            let cdev = Self.charDevice(.uverbs, entry, dir, of: ibdev, reader: &r, detail: detail)
            let abi = detail >= .negotiation ? (try? r.integer(in: dir, "abi_version")) ?? nil : nil
            return .uverbs(ibdev, cdev, abi: abi)
        case .mad(let entry):
            // `list` shows only whether a device has umad/issm nodes (FACETS): attributed by
            // the class link as above, a node costs one readlink instead of reading `ibdev`
            // and `port`.
            let dir = KernelPath.join(Self.madClass, entry)
            if let owner = Self.ownerByLink(dir, entry, group: "infiniband_mad", parents, kernel: r.kernel) {
                var cdev = CharDevice(kind: entry.hasBytePrefix("umad") ? .umad : .issm, name: entry)
                cdev.portNotRead = true
                return .mad(owner, cdev)
            }
            if readsAhead { r.readAhead(in: dir, Self.readsNothing(.umad, detail) ? Self.madSummaryFacts : Self.madFacts) }
            guard let ibdev = Self.owner(dir, owners, reader: &r) else { return .none }
            var cdev = Self.charDevice(entry.hasBytePrefix("umad") ? .umad : .issm, entry, dir, of: ibdev, reader: &r, detail: detail)
            cdev.port = (try? r.integer(in: dir, "port", .required)) ?? nil
            return .mad(ibdev, cdev)
        case .hfi1(let entry, let unit):
            return .hfi1(unit, Self.charDevice(.hfi1, entry, KernelPath.join(Self.hfi1Class, entry), of: "hfi1_\(unit)", reader: &r, detail: detail))
        }
    }

    /// One class device's result into the index.
    private mutating func add(_ found: ClassDeviceFound) {
        switch found {
        case .uverbs(let ibdev, let cdev, let abi):
            if let abi { uverbsDeviceABI[cdev.name] = abi }
            uverbsByDevice[ibdev, default: []].append(cdev)
        case .mad(let ibdev, let cdev): madByDevice[ibdev, default: []].append(cdev)
        case .hfi1(let unit, let cdev): hfi1ByUnit[unit] = cdev
        case .none: break
        }
    }

    /// The qib driver's cdevs (`ipath`, `ipathN`), read where a qib device is wanted.
    private mutating func readIpath(_ reader: inout AttributeReader, detail: DiscoveryDetail, wanted: Set<String>, listing: Listing?) {
        // Listed (and an unreadable directory said) whether or not a qib device is wanted.
        let wantsQib = wanted.contains { $0.hasBytePrefix("qib") }
        let entries: [String]
        switch listing ?? Self.list(reader.kernel, Self.ipathClass) {
        case .success(let names): entries = names
        case .failure(let error):
            if error.errno != .ENOENT {
                reader.warn(Diagnostic("UNREADABLE_DIRECTORY", path: Self.ipathClass, "\(Self.ipathClass): \(error)", errno: error.errno))
            }
            return
        }
        for entry in entries where wantsQib && entry.hasBytePrefix("ipath") {
            let rest = entry.dropFirst(5)
            if rest.isEmpty {
                ipathWildcard = Self.charDevice(.ipath, entry, Self.ipathClass + "/" + entry, of: "qib", reader: &reader, detail: detail)
            } else if let unit = Int(rest), wanted.contains("qib\(unit)") {
                ipathByUnit[unit] = Self.charDevice(.ipath, entry, Self.ipathClass + "/" + entry, of: "qib\(unit)", reader: &reader, detail: detail)
            }
        }
    }

    /// A class device's attributes as the pass reads them when its `ibdev` must be read
    /// (`AttributeReader.readAhead`; an orphan's are read and not shown): `ibdev`, then
    /// `charDevice`'s `uevent` (not a umad's or issm's in `list`, readsNothing), then the ABI
    /// or port.
    static let uverbsFacts = AttributeNames(["ibdev", "uevent", "abi_version"])
    static let uverbsSummaryFacts = AttributeNames(["ibdev", "uevent"])
    static let madFacts = AttributeNames(["ibdev", "uevent", "port"])
    static let madSummaryFacts = AttributeNames(["ibdev", "port"])

    /// A class entry in the index's pass: to be read, or known without a read.
    enum ClassItem {
        case read(ClassDeviceTask)
        case found(ClassDeviceFound)
    }

    /// One class device to read, in the one pass over all of them.
    enum ClassDeviceTask: Sendable {
        case uverbs(String)
        case mad(String)
        case hfi1(String, unit: Int)
    }

    /// What reading one gave: its device and record, or nothing (an orphan, an unwanted device).
    enum ClassDeviceFound {
        case uverbs(String, CharDevice, abi: Int?)
        case mad(String, CharDevice)
        case hfi1(Int, CharDevice)
        case none
    }

    /// A class directory's entries (without abi_version and names that are not plain), in
    /// natural order, or why it could not be listed.
    typealias Listing = Result<[String], KernelError>

    /// The class directories the index reads.
    static let classDirectories = [uverbsClass, madClass, hfi1Class, ipathClass]

    static func list(_ kernel: any Kernel, _ dir: String) -> Listing {
        Result { () throws(KernelError) in
            naturalSorted(try kernel.listDirectory(dir).filter { $0 != "abi_version" && KernelPath.isPlainName($0) })
        }
    }

    /// The parent directory of a class device at `path` ("/sys/devices/P/infiniband/hfi1_0" →
    /// "/sys/devices/P" for `group` "infiniband"); nil when it does not sit in such a group.
    static func parent(of path: String, under group: String) -> String? {
        // On the bytes, one String made: with dirname, basename and hasPrefix (which compares
        // Characters) this was 1,700 instructions a call, four thousand calls a listing.
        var path = path, group = group
        return path.withUTF8 { b -> String? in
            group.withUTF8 { g -> String? in
                let slash = UInt8(ascii: "/")
                var end = b.count
                while end > 0, b[end - 1] == slash { end -= 1 }               // trailing "/"
                var i = end
                while i > 0, b[i - 1] != slash { i -= 1 }                     // the entry's name
                while i > 0, b[i - 1] == slash { i -= 1 }                     // "/" before it
                let groupEnd = i
                while i > 0, b[i - 1] != slash { i -= 1 }                     // the group's name
                guard groupEnd - i == g.count, b.hasBytes(g, at: i) else { return nil }
                while i > 0, b[i - 1] == slash { i -= 1 }                     // "/" before it
                let parent = UnsafeBufferPointer(rebasing: b[0..<i])
                // Only a real device directory counts: a virtual device has no parent of its own
                // (/sys/devices/virtual: many share it), and a hand-made tree's class entries may
                // be plain directories (/sys/class/...).
                let devices: StaticString = "/sys/devices/", virtual: StaticString = "/sys/devices/virtual"
                guard i > devices.utf8CodeUnitCount, b.hasBytes(devices),
                      !(i == virtual.utf8CodeUnitCount && b.hasBytes(virtual)) else { return nil }
                return String(decoding: parent, as: UTF8.self)
            }
        }
    }

    /// The device a class device belongs to by its class link alone: the link must end in
    /// `P/group/NAME` for a parent `P` in `parents` (verified to hold exactly one ib device).
    /// nil when it does not, so the caller reads `ibdev`.
    static func ownerByLink(_ dir: String, _ entry: String, group: String, _ parents: [String: String],
                            kernel: any Kernel) -> String? {
        guard !parents.isEmpty, let target = try? kernel.readLink(dir), KernelPath.basename(target) == entry else { return nil }
        return parent(of: target, under: group).flatMap { parents[$0] }
    }

    /// Parent directory → the one device under it. A parent two devices claim (two class
    /// entries leading to one directory, in a hand-made tree) is left out, so its class devices
    /// are read the long way.
    static func uniqueParents(_ aloneUnder: [(parent: String, device: String)]) -> [String: String] {
        var byParent: [String: String] = [:]
        byParent.reserveCapacity(aloneUnder.count)
        var shared: Set<String> = []
        for (parent, device) in aloneUnder {
            if byParent.updateValue(device, forKey: parent) != nil { shared.insert(parent) }
        }
        for parent in shared { byParent[parent] = nil }
        return byParent
    }

    /// `body` for each entry to read, on the kernel's threads, each with a reader of its own;
    /// then `fold` of every entry's result in `items`' order, its warnings appended to `reader` first.
    /// Results go from their slots to `fold` without arrays between (three thousand class
    /// devices at 1,024 devices: two copies of them were a megabyte of pages, issue 9).
    private static func readEach(_ items: [ClassItem], reader: inout AttributeReader,
                                 _ body: @escaping @Sendable (ClassDeviceTask, inout AttributeReader) -> ClassDeviceFound,
                                 fold: (ClassDeviceFound) -> Void) {
        let kernel = reader.kernel, few = reader.fewPerDirectory
        var tasks: [ClassDeviceTask] = []
        for case .read(let task) in items { tasks.append(task) }
        let found = Slots<(ClassDeviceFound, [Diagnostic])>(count: tasks.count)
        kernel.concurrentlyPerform(tasks.count) { [tasks] i in
            var own = AttributeReader(kernel: kernel, fewPerDirectory: few)
            found.set(i, (body(tasks[i], &own), own.warnings))
        }
        var next = 0
        for item in items {
            switch item {
            case .found(let value): fold(value)
            case .read:
                let (value, warnings) = found.take(next)
                next += 1
                for warning in warnings { reader.warn(warning) }
                fold(value)
            }
        }
    }

    /// The ib device a uverbs/umad/issm class device names in `ibdev`; nil (with a warning) when
    /// the attribute is unreadable or names no listed device, and (settled owners) when it names
    /// a device not shown.
    private static func owner(_ dir: String, _ owners: Owners, reader: inout AttributeReader) -> String? {
        guard let ibdev = (try? reader.text(in: dir, "ibdev", .required)) ?? nil else { return nil }
        switch owners {
        case .settled(let known, let wanted, _):
            guard known.contains(ibdev.value) else { reader.warn(orphan(dir, ibdev.value)); return nil }
            return wanted.contains(ibdev.value) ? ibdev.value : nil
        case .listed(let listed):
            guard listed.contains(ibdev.value) else { reader.warn(orphan(dir, ibdev.value)); return nil }
            return ibdev.value
        }
    }

    static func orphan(_ dir: String, _ ibdev: String) -> Diagnostic {
        Diagnostic("ORPHAN_CHAR_DEVICE", path: dir + "/ibdev",
                   "\(dir)/ibdev names device \"\(terminalSafe(ibdev))\", which does not exist")
    }

    /// Whether `charDevice` reads nothing of a class device of `kind` at `detail`: `list` shows
    /// only the uverbs node; the others' presence (FACETS) is known from the class directory.
    private static func readsNothing(_ kind: CharDevice.Kind, _ detail: DiscoveryDetail) -> Bool {
        detail < .negotiation && kind != .uverbs
    }

    /// Reads a class device: its node from `uevent` DEVNAME, its number from `uevent` MAJOR/MINOR
    /// (else `dev`), and — with
    /// full detail, and always for the uverbs node, whose health `list` reports (NodeCheck) —
    /// the node's type, number, mode and owner and whether the caller may open it: one lstat
    /// and one access prediction, nothing more.
    private static func charDevice(_ kind: CharDevice.Kind, _ name: String, _ dir: String, of device: String,
                                   reader: inout AttributeReader, detail: DiscoveryDetail) -> CharDevice {
        var cdev = CharDevice(kind: kind, name: name)
        // Their uevent waits for a detail level that shows it (readsNothing).
        guard !readsNothing(kind, detail) else { return cdev }
        var numberFromUevent = false
        if let uevent = (try? reader.text(in: dir, "uevent")) ?? nil {
            // MAJOR= and MINOR= come from the same dev_t as the `dev` attribute (drivers/base/
            // core.c: dev_uevent and dev_show both print dev->devt), so when uevent has them
            // `dev` is not read: three syscalls a class device (issue 9).
            // The last definition of each wins, DEVNAME's as MAJOR's and MINOR's.
            var major: UInt32??, minor: UInt32??
            forEachUeventLine(uevent.value) { key, value in
                if key.hasBytes("MAJOR"), key.count == 5 {
                    major = asciiDecimal(value).flatMap { UInt32(exactly: $0) } ?? UInt32(String(decoding: value, as: UTF8.self))
                } else if key.hasBytes("MINOR"), key.count == 5 {
                    minor = asciiDecimal(value).flatMap { UInt32(exactly: $0) } ?? UInt32(String(decoding: value, as: UTF8.self))
                } else if key.hasBytes("DEVNAME"), key.count == 7 {
                    if isNodeNameUnderDev(value) {
                        cdev.path = String(unsafeUninitializedCapacity: 5 + value.count) { out in
                            let dev: StaticString = "/dev/"
                            UnsafeMutableBufferPointer(rebasing: out[0..<5]).update(fromContentsOf: UnsafeBufferPointer(start: dev.utf8Start, count: 5))
                            _ = UnsafeMutableBufferPointer(rebasing: out[5...]).update(fromContentsOf: value)
                            return 5 + value.count
                        }
                    } else {
                        let devname = String(decoding: value, as: UTF8.self)
                        reader.warn(Diagnostic("MALFORMED_ATTRIBUTE", path: dir + "/uevent",
                                               "\(dir)/uevent: DEVNAME \"\(terminalSafe(devname))\" does not name a node under /dev"))
                    }
                }
            }
            if let major = major ?? nil, let minor = minor ?? nil {
                cdev.major = major; cdev.minor = minor
                numberFromUevent = true
            }
        }
        if !numberFromUevent,
           let dev = (try? reader.parsed(in: dir, "dev", .required, what: "MAJOR:MINOR", parseDevNumber)) ?? nil {
            cdev.major = dev.0; cdev.minor = dev.1
        }
        guard let path = cdev.path, reader.kernel.kind.hasDeviceNodes else { return cdev }
        do {
            let node = try reader.kernel.deviceNode(path)
            switch node.type {
            case .characterDevice:
                cdev.node = node
                cdev.nodePresent = true
                cdev.canOpen = reader.kernel.predictOpen(path, node: node)
            case .placeholder:
                // A snapshot's stand-in without a manifest entry: there, but mode and owner unknown.
                cdev.nodePresent = true
            default:
                cdev.nodePresent = false
                cdev.foundType = node.type
            }
        } catch {
            cdev.nodePresent = false
            if error.errno != .ENOENT {
                reader.warn(Diagnostic("UNREADABLE_NODE", path: path, "\(path): \(error)", errno: error.errno))
            }
        }
        if let problem = NodeCheck.problem(cdev, device: device) {
            reader.warn(problem.diagnostic)
        }
        return cdev
    }
}

/// Each `KEY=value` line of a uevent file (drivers/base/core.c dev_uevent, `add_uevent_var`):
/// `body(key, value)` on the bytes either side of the line's first `=`, in file order; a line
/// without one is skipped. One scan, nothing made: a uevent is read for every class device, and
/// collecting its values as arrays of Strings cost 3,000 instructions a file (issue 9).
func forEachUeventLine(_ uevent: String, _ body: (_ key: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) -> Void) {
    var text = uevent
    text.withUTF8 { bytes in
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart, equals = -1
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0a {
                if equals < 0, bytes[lineEnd] == UInt8(ascii: "=") { equals = lineEnd }
                lineEnd += 1
            }
            if equals >= 0 {
                body(UnsafeBufferPointer(rebasing: bytes[lineStart..<equals]), UnsafeBufferPointer(rebasing: bytes[(equals + 1)..<lineEnd]))
            }
            lineStart = lineEnd + 1
        }
    }
}

/// Whether a uevent DEVNAME names a node under /dev: not empty, not absolute, no `..` component
/// (devtmpfs creates the node at that path below /dev, drivers/base/devtmpfs.c).
func isNodeNameUnderDev(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let first = name.first, first != UInt8(ascii: "/") else { return false }
    var componentStart = 0
    for i in 0...name.count where i == name.count || name[i] == UInt8(ascii: "/") {
        if i - componentStart == 2, name[componentStart] == UInt8(ascii: "."), name[componentStart + 1] == UInt8(ascii: ".") { return false }
        componentStart = i + 1
    }
    return true
}

/// Parses a `dev` attribute: "231:192".
func parseDevNumber(_ text: String) -> (UInt32, UInt32)? {
    let parts = text.trimmingSpaces.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, let major = UInt32(parts[0]), let minor = UInt32(parts[1]) else { return nil }
    return (major, minor)
}
