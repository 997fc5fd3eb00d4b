import RdmaKit

/// The uevents an unplug or a replug sends, with the properties and in the order the kernel
/// sends them (ABI-FACTS §8).
///
/// lib/kobject_uevent.c `kobject_uevent_env` fills ACTION, DEVPATH (the path under /sys),
/// SUBSYSTEM, then the bus/class callback — drivers/base/core.c `dev_uevent`: MAJOR, MINOR,
/// DEVNAME, DEVMODE for a device with a node; core/device.c `ib_device_uevent`: NAME — and last
/// SEQNUM. Those callback variables are what the device's `uevent` file shows, so they are
/// taken from it.
///
/// Order, add: core/device.c `ib_register_device` suppresses the ib device's own uevent until
/// `enable_device_and_get` has run the clients (uverbs `ib_uverbs_add_one`, umad
/// `ib_umad_add_one`: umadN then issmN per port), so infiniband_verbs and infiniband_mad come
/// first, then SUBSYSTEM=infiniband; the driver cdev is created after registration (hfi1
/// init.c `init_one` → `hfi1_device_create`; qib_init.c `qib_init_one` → `qib_device_create`).
/// Remove: core/device.c `disable_device` removes the clients in LIFO order, so umad before
/// uverbs, and `ib_umad_kill_port` deletes issmN before umadN (port by port) — seen in the VM:
/// `rdma link delete rxe1` sends issm1, umad1, uverbs1, then infiniband rxe1. hfi1 `remove_one`
/// removes /dev/hfi1_N first (`hfi1_device_remove`), then unregisters; qib `qib_remove_one`
/// unregisters first and removes its ipath nodes after.
enum HotplugUevents {
    static func events(_ action: KernelEvent.Action, _ footprint: DeviceFootprint,
                       seqnum: inout UInt64) -> [KernelEvent] {
        let records = footprint.classDevices
        let uverbs = records.filter { $0.subsystem == "infiniband_verbs" }
        // Created per port as umadN, issmN (user_mad.c `ib_umad_init_port`).
        let mad = records.filter { $0.subsystem == "infiniband_mad" }
        let device = records.filter { $0.subsystem == "infiniband" }
        let driver = records.filter { !["infiniband", "infiniband_verbs", "infiniband_mad"].contains($0.subsystem) }
        let ordered: [ClassDeviceRecord]
        if action == .remove {
            let madRemoved = stride(from: 0, to: mad.count, by: 2).flatMap { Array(mad[$0..<min($0 + 2, mad.count)].reversed()) }
            let core = madRemoved + uverbs
            ordered = footprint.probe.fixture.driver == .hfi1 ? driver + core + device : core + device + driver
        } else {
            ordered = uverbs + mad + device + driver
        }
        return ordered.map { record in
            seqnum += 1
            return event(action, record, seqnum: seqnum)
        }
    }

    static func event(_ action: KernelEvent.Action, _ record: ClassDeviceRecord, seqnum: UInt64) -> KernelEvent {
        let devpath = String(record.directory.dropFirst("/sys".count))
        var properties = ["ACTION": action.rawValue, "DEVPATH": devpath, "SUBSYSTEM": record.subsystem]
        for line in record.uevent.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            properties[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        properties["SEQNUM"] = String(seqnum)
        return KernelEvent(action: action, subsystem: record.subsystem, name: record.name,
                           devname: properties["DEVNAME"], properties: properties)
    }
}
