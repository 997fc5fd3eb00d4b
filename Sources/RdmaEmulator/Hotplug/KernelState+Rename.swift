import CRdmaABI
import RdmaKit

/// Renaming an ib device: core/device.c `ib_device_rename`, reached through netlink
/// RDMA_NLDEV_CMD_SET with RDMA_NLDEV_ATTR_DEV_NAME (`rdma dev set rxe1 name roce7`) or the
/// library API. The device keeps its internal identity (the name it was probed with keys its
/// cdevs and state); what the kernel shows changes: the ib device's sysfs directory and class
/// link, its uevent's NAME, the `ibdev` attribute of its uverbs/umad/issm class devices, and
/// netlink's DEV_NAME. One `move` uevent is queued (lib/kobject.c `kobject_rename` via
/// drivers/base/core.c `device_rename`: ACTION=move with DEVPATH_OLD), as the VM's 6.1 kernel
/// sends for `rdma dev set … name …`.
extension KernelState {
    /// The key of the present (not dying) device the kernel currently shows as `name`.
    func presentDevice(named name: String) -> String? {
        devices.first { !$0.value.dying && $0.value.probe.fixture.name == name }?.key
    }

    /// `ib_device_rename`: the same name is a no-op (0); a name another device has is EEXIST.
    /// An empty name is EINVAL (nldev_set_doit). Names with "/" or that are "." or ".." cannot
    /// be a sysfs directory name and are refused with EINVAL (the emulator's check; the kernel
    /// leaves it to kobject_rename/kernfs).
    mutating func rename(_ old: String, to new: String) throws(KernelError) {
        guard let key = presentDevice(named: old), var footprint = hotplug.footprints[key] else { throw KernelError(.ENODEV) }
        if new == old { return }
        guard !new.isEmpty, new.utf8.count < Int(RDMAABI_IB_DEVICE_NAME_MAX), !new.utf8.contains(0x2f),
              new != ".", new != ".." else { throw KernelError(.EINVAL) }
        if presentDevice(named: new) != nil || tree.entry("/sys/class/infiniband/" + new) != nil { throw KernelError(.EEXIST) }
        guard let i = footprint.classDevices.firstIndex(where: { $0.subsystem == "infiniband" }) else { throw KernelError(.ENODEV) }
        let oldDir = footprint.classDevices[i].directory
        let newDir = KernelPath.dirname(oldDir) + "/" + new
        tree.move(oldDir, to: newDir)
        tree.remove("/sys/class/infiniband/" + old)
        var builder = SysfsBuilder(profile: .default)
        builder.tree = tree
        builder.tree.addLink("/sys/class/infiniband/" + new, to: newDir)
        tree = builder.tree
        let uevent = "NAME=\(new)\n"                       // ib_device_uevent
        tree.replaceFile(newDir + "/uevent", .text(uevent))
        for record in footprint.classDevices where record.subsystem == "infiniband_verbs" || record.subsystem == "infiniband_mad" {
            tree.replaceFile(record.directory + "/ibdev", .text(new + "\n"))
        }
        footprint.paths = Set(footprint.paths.map { path -> String in
            if path == oldDir || path.hasPrefix(oldDir + "/") { return newDir + path.dropFirst(oldDir.count) }
            return path == "/sys/class/infiniband/" + old ? "/sys/class/infiniband/" + new : path
        })
        footprint.classDevices[i].directory = newDir
        footprint.classDevices[i].uevent = uevent
        footprint.probe.fixture.name = new
        hotplug.footprints[key] = footprint
        devices[key]?.probe.fixture.name = new
        hotplug.seqnum += 1
        var event = HotplugUevents.event(.move, footprint.classDevices[i], seqnum: hotplug.seqnum)
        event.properties["DEVPATH_OLD"] = String(oldDir.dropFirst("/sys".count))
        outbox.append(event)
    }
}
