import CUdev
import RdmaKit

/// libudev enumeration. Works without udevd: libudev reads sysfs itself (ABI-FACTS §11).
enum Udev {
    /// Owned libudev handles, unref'd when the wrapper goes away (STYLE: libudev from Swift).
    final class Context {
        let udev: OpaquePointer
        init() throws(KernelError) {
            guard let u = udev_new() else { throw KernelError(.ENOMEM, .other("udev_new failed")) }
            udev = u
        }
        deinit { udev_unref(udev) }
    }

    final class Enumerator {
        let handle: OpaquePointer
        init(_ context: Context) throws(KernelError) {
            guard let e = udev_enumerate_new(context.udev) else {
                throw KernelError(.ENOMEM, .other("udev_enumerate_new failed"))
            }
            handle = e
        }
        deinit { udev_enumerate_unref(handle) }
    }

    /// Devices of `subsystem`, by syspath. The sysname is the syspath's last component, so no
    /// udev_device (which would read each device's uevent) is created.
    static func enumerate(subsystem: String) throws(KernelError) -> [UdevDevice] {
        let context = try Context()
        let enumerator = try Enumerator(context)
        var rc = udev_enumerate_add_match_subsystem(enumerator.handle, subsystem)
        guard rc >= 0 else { throw KernelError(Errno(rawValue: -rc), .other("udev_enumerate_add_match_subsystem")) }
        rc = udev_enumerate_scan_devices(enumerator.handle)
        guard rc >= 0 else { throw KernelError(Errno(rawValue: -rc), .other("udev_enumerate_scan_devices")) }
        var devices: [UdevDevice] = []
        var entry = udev_enumerate_get_list_entry(enumerator.handle)
        while let e = entry {
            if let name = udev_list_entry_get_name(e) {
                let syspath = String(cString: name)
                devices.append(UdevDevice(sysname: KernelPath.basename(syspath), syspath: syspath))
            }
            entry = udev_list_entry_get_next(e)
        }
        return devices
    }
}
