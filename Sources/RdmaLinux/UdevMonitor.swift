import CUdev
import Glibc
import RdmaKit

/// libudev's monitor on udevd's netlink group ("udev"), filtered to the RDMA subsystems, as
/// `KernelEvent`s. Used only when udevd runs: without it this monitor receives nothing
/// (ABI-FACTS §11).
enum UdevMonitor {
    /// udevd's control socket: systemd-udevd and eudev both create it while they run.
    static var udevdRuns: Bool { access("/run/udev/control", F_OK) == 0 }

    /// The subsystems `monitor` reports (the ib devices and their char devices, ABI-FACTS §8).
    static let subsystems = ["infiniband", "infiniband_verbs", "infiniband_mad", "hfi1_user", "ipath"]

    /// The monitor and its context, owned by the reader thread (libudev objects are not
    /// thread-safe; nothing else touches them once the thread runs).
    final class Handle: @unchecked Sendable {
        let context: Udev.Context
        let monitor: OpaquePointer
        init(_ context: Udev.Context, _ monitor: OpaquePointer) { self.context = context; self.monitor = monitor }
        deinit { udev_monitor_unref(monitor) }
    }

    /// Subscribed (udev_monitor_enable_receiving bound the socket) when this returns.
    static func stream() throws(KernelError) -> AsyncStream<KernelEvent> {
        let context = try Udev.Context()
        guard let monitor = udev_monitor_new_from_netlink(context.udev, "udev") else {
            throw KernelError(.EPROTONOSUPPORT, .other("udev_monitor_new_from_netlink failed"))
        }
        let handle = Handle(context, monitor)
        for subsystem in subsystems {
            let rc = udev_monitor_filter_add_match_subsystem_devtype(monitor, subsystem, nil)
            guard rc >= 0 else { throw KernelError(Errno(rawValue: -rc), .other("udev_monitor_filter_add_match_subsystem_devtype")) }
        }
        let rc = udev_monitor_enable_receiving(monitor)
        guard rc >= 0 else { throw KernelError(Errno(rawValue: -rc), .other("udev_monitor_enable_receiving")) }
        let fd = udev_monitor_get_fd(monitor)
        let state = Cancelled()
        return AsyncStream { continuation in
            continuation.onTermination = { _ in state.set() }
            Thread {
                // poll with a 200 ms timeout so the thread notices cancellation.
                while !state.get() {
                    var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    guard poll(&pfd, 1, 200) > 0 else { continue }
                    guard let device = udev_monitor_receive_device(handle.monitor) else { continue }
                    if let event = convert(device) { continuation.yield(event) }
                    udev_device_unref(device)
                }
                withExtendedLifetime(handle) {}
                continuation.finish()
            }.start()
        }
    }

    /// udev's properties are the kernel's plus udevd's own; DEVNAME is absolute in udev
    /// ("/dev/infiniband/uverbs0") and made relative to /dev as the kernel sends it.
    static func convert(_ device: OpaquePointer) -> KernelEvent? {
        var properties: [String: String] = [:]
        var entry = udev_device_get_properties_list_entry(device)
        while let e = entry {
            if let name = udev_list_entry_get_name(e) {
                properties[String(cString: name)] = udev_list_entry_get_value(e).map { String(cString: $0) } ?? ""
            }
            entry = udev_list_entry_get_next(e)
        }
        if let devname = properties["DEVNAME"], devname.hasPrefix("/dev/") {
            properties["DEVNAME"] = String(devname.dropFirst(5))
        }
        guard let actionName = udev_device_get_action(device).map({ String(cString: $0) }),
              let action = KernelEvent.Action(rawValue: actionName),
              let subsystem = udev_device_get_subsystem(device).map({ String(cString: $0) }),
              let devpath = udev_device_get_devpath(device).map({ String(cString: $0) }) else { return nil }
        properties["ACTION"] = actionName
        properties["DEVPATH"] = devpath
        properties["SUBSYSTEM"] = subsystem
        return KernelEvent(action: action, subsystem: subsystem, name: KernelPath.basename(devpath),
                           devname: properties["DEVNAME"], properties: properties)
    }
}
