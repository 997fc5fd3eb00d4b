import RdmaKit

/// One class device as `device_add` made it: what its uevents name (Hotplug/HotplugUevents.swift).
struct ClassDeviceRecord: Sendable, Equatable {
    /// The class: `infiniband`, `infiniband_verbs`, `infiniband_mad`, `hfi1_user`, `ipath`.
    var subsystem: String
    /// Its directory under /sys (the uevent's DEVPATH is this without "/sys").
    var directory: String
    /// The `uevent` file's text: the variables `dev_uevent` and the class add (MAJOR, MINOR,
    /// DEVNAME, DEVMODE; NAME for an ib device).
    var uevent: String

    var name: String { KernelPath.basename(directory) }
}

/// What probing one device added to the emulated kernel; unplug takes exactly this away, replug
/// builds it again (SysfsBuilder `addRecordingFootprint`).
struct DeviceFootprint: Sendable {
    var probe: ProbedDevice
    /// Every tree path the device created: its PCI function, ib device, class devices, nodes.
    var paths: Set<String>
    /// The cdevs of its nodes (uverbs, umad/issm per port, hfi1_N or ipathN and friends).
    var driverKeys: [DriverKey]
    var classDevices: [ClassDeviceRecord]
}

/// Hot-unplug and replug state (DESIGN §5 last column; ABI-FACTS §8). Lives in `KernelState`,
/// under the one lock.
struct HotplugRegistry: Sendable {
    /// Present devices, and devices whose removal is pending, by ib device name.
    var footprints: [String: DeviceFootprint] = [:]
    /// Unplugged devices whose removal completed, by the name they had: what replug re-probes.
    var unplugged: [String: ProbedDevice] = [:]
    /// Nodes an unplug removed, with the cdev they were bound to: a test's racing open
    /// (EmulatedKernel+TestHooks.swift) resolved one of them before it went.
    var removedNodes: [String: (DriverKey, DeviceNodeInfo)] = [:]
    /// The next `ib_device->index` (core/device.c `xa_alloc_cyclic`: never reused).
    var nextIndex = 0
    /// `uevent_seqnum` (lib/kobject_uevent.c): every uevent takes the next one.
    var seqnum: UInt64 = 0

    init() {}
    init(footprints: [String: DeviceFootprint], nextIndex: Int) {
        self.footprints = footprints; self.nextIndex = nextIndex
    }

    /// The ib device whose probe created the node bound to `key`, if any (rdma_cm: none).
    func owner(of key: DriverKey) -> String? {
        footprints.first { $0.value.driverKeys.contains(key) }?.key
    }
}
