import RdmaKit

extension Profile {
    /// DESIGN §5, last column: under `proposed` the core disassociates an unplugged device's
    /// open files (uverbs_main.c `ib_uverbs_remove_one` with `disassociate_ucontext`) and the
    /// removal completes at once; the other profiles play hfi1/qib as they are — rdmavt sets
    /// no `disassociate_ucontext`, so removal waits for the last close (`wait_for_completion`;
    /// hfi1 init.c `remove_one` → `wait_for_clients`).
    public var disassociatesOnUnplug: Bool { self == .proposed }
}

/// Hot-unplug and replug under the lock. Nothing here blocks: a removal that waits for the
/// last close is a state (`DeviceState.dying`) that `releaseFile` completes.
extension KernelState {
    /// Unplugs `name`: its nodes and sysfs go at once (open → ENOENT). Under a disassociating
    /// profile every open file of the device answers EIO from now on and the removal completes
    /// now; otherwise open files keep working, a racing open is ENXIO, and the removal
    /// completes at the last close. Returns the number of open files the removal waits for
    /// (0: completed). Remove events go to `outbox`.
    mutating func unplug(_ shown: String, profile: Profile) throws(HotplugError) -> Int {
        // By the name the kernel shows now (a renamed device by its new name).
        let name = presentDevice(named: shown) ?? shown
        guard let footprint = hotplug.footprints[name] else {
            throw hotplug.unplugged[name] != nil ? .notPresent(name) : .unknownDevice(name)
        }
        guard devices[name]?.dying == false else { throw .removalPending(name) }
        for path in footprint.paths {
            if case .characterDevice(_, _, let key?)? = tree.entry(path)?.kind, let info = tree.entry(path)?.nodeInfo {
                hotplug.removedNodes[path] = (key, info)
            }
        }
        tree.removeFootprint(footprint.paths)
        let open = files.filter { footprint.driverKeys.contains($0.value.driver) }.map(\.key)
        if profile.disassociatesOnUnplug {
            // Docs/ABI.md §5: each file's `release` runs at disassociation (contexts freed,
            // IsSM cleared), as ib_uverbs_free_hw_resources destroys a ucontext's objects; the
            // later close(2) only drops the file.
            for id in open.sorted() {
                guard var file = files[id] else { continue }
                _ = try? withDriver(file.driver) { (driver, state) throws(KernelError) in
                    driver.release(&file, kernel: &state)
                }
                file.disassociated = true
                files[id] = file
            }
            completeRemoval(name)
            return 0
        }
        if open.isEmpty {
            completeRemoval(name)
            return 0
        }
        devices[name]?.dying = true
        return open.count
    }

    /// Called after every last close: completes a pending removal once no open file of the
    /// dying device is left.
    mutating func completeRemovalIfLastClose(of key: DriverKey) {
        guard let owner = hotplug.owner(of: key), devices[owner]?.dying == true,
              let keys = hotplug.footprints[owner]?.driverKeys,
              !files.values.contains(where: { keys.contains($0.driver) && !$0.disassociated }) else { return }
        completeRemoval(owner)
    }

    /// The end of `remove_one`: cdevs unbound, driver state freed, the device forgotten until
    /// replug; its remove uevents queued.
    private mutating func completeRemoval(_ name: String) {
        guard let footprint = hotplug.footprints.removeValue(forKey: name) else { return }
        for key in footprint.driverKeys { drivers[key] = nil }
        devices[name] = nil
        // A re-probe names the device as its driver does (a rename is not remembered).
        var probe = footprint.probe
        probe.fixture.name = name
        hotplug.unplugged[name] = probe
        outbox += HotplugUevents.events(.remove, footprint, seqnum: &hotplug.seqnum)
    }

    /// Re-probes an unplugged device (a PCI rescan): the same function and fixture, numbered as
    /// the kernel numbers a new registration — uverbsN and umad/issm minors are the lowest free
    /// in their IDAs (uverbs_main.c `ida_alloc_max`, user_mad.c likewise), the netlink index is
    /// the next cyclic one. The unit, and so the name and the hfi1/ipath minors, is the one it
    /// had (the kernel gives the lowest free unit — the same one unless several units of one
    /// driver are out at once; Docs/simulation-and-snapshots.md). Add events go to `outbox`.
    mutating func replug(_ name: String, profile: Profile) throws(HotplugError) -> String {
        guard var probe = hotplug.unplugged[name] else {
            if devices[name]?.dying == true { throw .removalPending(name) }
            throw devices[name] != nil ? .alreadyPresent(name) : .unknownDevice(name)
        }
        let taken = hotplug.footprints.values.map(\.probe)
        probe.uverbsIndex = Self.lowestFree(excluding: Set(taken.map(\.uverbsIndex)))
        var madTaken = Set(taken.flatMap { $0.madIndex.values })
        for port in probe.fixture.ports.map(\.number).sorted() {
            let n = Self.lowestFree(excluding: madTaken)
            probe.madIndex[port] = n
            madTaken.insert(n)
        }
        probe.index = hotplug.nextIndex
        hotplug.nextIndex += 1
        var builder = SysfsBuilder(profile: profile)
        builder.tree = tree
        builder.addRecordingFootprint(probe)
        tree = builder.tree
        guard let footprint = builder.footprints[name] else { return name }
        for key in footprint.driverKeys { drivers[key] = makeDriver(key, profile: profile) }
        for path in footprint.paths { hotplug.removedNodes[path] = nil }
        devices[name] = DeviceState(probe: probe, freeContexts: probe.fixture.contexts)
        hotplug.unplugged[name] = nil
        hotplug.footprints[name] = footprint
        outbox += HotplugUevents.events(.add, footprint, seqnum: &hotplug.seqnum)
        return name
    }

    private static func lowestFree(excluding taken: Set<Int>) -> Int {
        var n = 0
        while taken.contains(n) { n += 1 }
        return n
    }
}

/// Why an unplug or replug was refused.
public enum HotplugError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The emulator never probed a device of that name.
    case unknownDevice(String)
    /// Unplug of a device already unplugged.
    case notPresent(String)
    /// Replug of a device that is present.
    case alreadyPresent(String)
    /// The device's removal waits for its last close; until then it can neither be unplugged
    /// again nor re-probed (the kernel's `remove_one` is still running on its PCI function).
    case removalPending(String)

    public var description: String {
        switch self {
        case .unknownDevice(let n): return "no emulated device \"\(n)\""
        case .notPresent(let n): return "\(n) is already unplugged"
        case .alreadyPresent(let n): return "\(n) is present; unplug it before replugging it"
        case .removalPending(let n): return "\(n) is being removed: its removal waits for the last open file to close"
        }
    }
}
