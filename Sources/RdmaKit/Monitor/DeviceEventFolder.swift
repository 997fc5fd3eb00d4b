/// Turns a stream of uevents into `rdmactl monitor`'s device events (DESIGN §6): one per ib
/// device add, remove or rename (SUBSYSTEM=infiniband), with the char-device uevents of that
/// device folded in as details.
///
/// **Which char devices belong to which ib device.** The uevents themselves do not say:
/// * `infiniband_verbs`/`infiniband_mad` class devices (uverbsN, umadN, issmN) have an `ibdev`
///   attribute (core/uverbs_main.c `ibdev_show`, core/user_mad.c), read through the kernel when
///   the event arrives (`resolveIbdev`) and remembered, because on removal it is already gone;
///   the map is seeded at start from the class directories (`learn`). When the attribute
///   cannot be read, the class device's DEVPATH parent is matched against the ib device's
///   (both hang off the same parent: `<pci>/infiniband_verbs/uverbsN` next to
///   `<pci>/infiniband/<ibdev>`, ABI-FACTS §1.1) — taken only when exactly one known ib device
///   has that parent, as soft-RoCE devices all share `devices/virtual`.
/// * `hfi1_user` hfi1_N belongs to ib device hfi1_N (hfi1/device.c names the node "hfi1_%d"
///   from the unit; rvt_set_ibdev_name "%s_%d" the ib device) — or to the name hfi1_N was
///   renamed to, as seen in a rename event.
/// * `ipath` ipathN and ipath_diagN belong to qibN (qib_file_ops.c, qib_diag.c: unit); the
///   unit-less `ipath` and `ipath_diagpkt` come and go with the first/last qib unit and are
///   folded into the qib device event nearest to them.
///
/// **When.** The kernel sends a device's core char devices before the ib device's own add
/// (core/device.c `ib_register_device` suppresses it until the clients ran) and before its
/// remove, but driver nodes may follow it (hfi1 `init_one` creates /dev/hfi1_N after
/// registering; qib removes /dev/ipathN after unregistering). So char events wait for their
/// device event, and a device event is held for `settle` to collect the ones that trail it.
public struct DeviceEventFolder {
    /// The char-device subsystems folded in (ABI-FACTS §8).
    public static let charDeviceSubsystems: Set<String> = ["infiniband_verbs", "infiniband_mad", "hfi1_user", "ipath"]

    public let settle: Duration
    private let resolveIbdev: (KernelEvent) -> String?
    /// "subsystem/name" of a core class device → its ib device.
    private var owners: [String: String] = [:]
    /// ib device → its DEVPATH, as last seen.
    private var devpaths: [String: String] = [:]
    /// Char events waiting for their device's event, by ib device (or "qib*" for unit-less
    /// ipath nodes).
    private var pending: [String: [CharDeviceEvent]] = [:]
    /// Char events whose owner is unknown yet: matched by DEVPATH parent to a later device event.
    private var orphans: [(parent: String, event: CharDeviceEvent)] = []
    private var held: [(event: DeviceEvent, due: ContinuousClock.Instant)] = []
    /// Renamed ib devices: the name a driver node's name points to (hfi1_N) → the name the
    /// device has now. Dropped when a device of the old name is added again.
    private var aliases: [String: String] = [:]

    public init(settle: Duration = .milliseconds(250), resolveIbdev: @escaping (KernelEvent) -> String? = { _ in nil }) {
        self.settle = settle
        self.resolveIbdev = resolveIbdev
    }

    /// Records that a core class device (uverbsN, umadN, issmN) belongs to `ibdev`.
    public mutating func learn(subsystem: String, name: String, ibdev: String) {
        owners[subsystem + "/" + name] = ibdev
    }

    /// When the next held event is due; nil when none is held.
    public var nextDeadline: ContinuousClock.Instant? { held.first?.due }

    public mutating func receive(_ event: KernelEvent, at now: ContinuousClock.Instant) {
        if event.subsystem == "infiniband" {
            receiveDevice(event, at: now)
        } else if Self.charDeviceSubsystems.contains(event.subsystem) {
            receiveCharDevice(event)
        }
    }

    /// The held events whose settle time has passed, in arrival order.
    public mutating func due(at now: ContinuousClock.Instant) -> [DeviceEvent] {
        var out: [DeviceEvent] = []
        while let first = held.first, first.due <= now { out.append(held.removeFirst().event) }
        return out
    }

    /// Every held event, now (at a timeout or an interrupt).
    public mutating func flush() -> [DeviceEvent] {
        defer { held = [] }
        return held.map(\.event)
    }

    // MARK: -

    private mutating func receiveDevice(_ event: KernelEvent, at now: ContinuousClock.Instant) {
        let kind: DeviceEvent.Kind
        var old: String?
        switch event.action {
        case .add: kind = .add
        case .remove: kind = .remove
        case .move:
            // lib/kobject.c `kobject_rename` (from drivers/base/core.c `device_rename`, called by
            // core/device.c `ib_device_rename`) sends KOBJ_MOVE with DEVPATH_OLD.
            kind = .rename
            old = event.properties["DEVPATH_OLD"].map(KernelPath.basename)
        default: return
        }
        let name = event.name
        if kind == .add { aliases[name] = nil }
        if let old, old != name {
            for (from, to) in aliases where to == old { aliases[from] = name }
            aliases[old] = name
            for (key, owner) in owners where owner == old { owners[key] = name }
            if let waiting = pending.removeValue(forKey: old) { pending[name, default: []] += waiting }
            devpaths[name] = devpaths.removeValue(forKey: old)
        }
        let devpath = event.properties["DEVPATH"]
        if let devpath { devpaths[name] = devpath }
        // Char events waiting for this device with the same action are its details; waiting
        // ones with another action trailed an event already printed and are dropped. A rename
        // moves no char device (uverbs/umad keep their names; their `ibdev` changes).
        var folded: [CharDeviceEvent] = []
        if kind != .rename {
            folded = (pending.removeValue(forKey: name) ?? []).filter { $0.action == kind.rawValue }
            if name.hasPrefix("qib") {
                folded += (pending.removeValue(forKey: "qib*") ?? []).filter { $0.action == kind.rawValue }
            }
            if let parent = devpath.map(Self.parentOfClassDevice) {
                folded += orphans.filter { $0.parent == parent && $0.event.action == kind.rawValue }.map(\.event)
                orphans.removeAll { $0.parent == parent }
            }
        }
        let device = DeviceEvent(kind: kind, device: name, oldDevice: old, devpath: devpath,
                                 seqnum: event.properties["SEQNUM"].flatMap { UInt64($0) }, charDevices: folded)
        held.append((device, now + settle))
    }

    private mutating func receiveCharDevice(_ event: KernelEvent) {
        let char = CharDeviceEvent(event)
        guard let owner = owner(of: event) else {
            if let devpath = event.properties["DEVPATH"] {
                orphans.append((Self.parentOfClassDevice(devpath), char))
            }
            return
        }
        // A held event of the same device and action takes it (a trailing driver node);
        // otherwise it waits for the device's next event.
        let matches: (DeviceEvent) -> Bool = { device in
            device.kind.rawValue == char.action && (owner == "qib*" ? device.device.hasPrefix("qib") : device.device == owner)
        }
        if let i = held.lastIndex(where: { matches($0.event) }) {
            held[i].event.charDevices.append(char)
        } else {
            pending[owner, default: []].append(char)
        }
    }

    private mutating func owner(of event: KernelEvent) -> String? {
        let name = event.name
        switch event.subsystem {
        case "hfi1_user":
            return aliases[name] ?? name
        case "ipath":
            for prefix in ["ipath_diag", "ipath"] where name.hasPrefix(prefix) {
                let unit = name.dropFirst(prefix.count)
                if !unit.isEmpty, unit.allSatisfy(\.isNumber) { return aliases["qib" + unit] ?? "qib" + unit }
            }
            return "qib*"
        default:
            let key = event.subsystem + "/" + name
            if event.action != .remove, let ibdev = resolveIbdev(event) {
                owners[key] = ibdev
                return ibdev
            }
            if let known = owners[key] { return known }
            guard let devpath = event.properties["DEVPATH"] else { return nil }
            let parent = Self.parentOfClassDevice(devpath)
            let matches = devpaths.filter { Self.parentOfClassDevice($0.value) == parent }
            return matches.count == 1 ? matches.first!.key : nil
        }
    }

    /// `<parent>/<class>/<name>` → `<parent>`.
    static func parentOfClassDevice(_ devpath: String) -> String {
        KernelPath.dirname(KernelPath.dirname(devpath))
    }
}
