@_spi(KernelSeam) import RdmaKit

/// Where an emulated device stands in its hotplug life.
public enum DevicePresence: Sendable, Equatable {
    case present
    /// Unplugged; the removal waits for this many open files to close (mainline, legacy).
    case removing(openFiles: Int)
    /// Unplugged and removed; `replug` brings it back.
    case unplugged
    /// Not a device this kernel ever probed.
    case unknown
}

/// Hot-unplug and replug for library users and the CLI's `--emulated-hotplug` schedule
/// (DESIGN §5; ABI-FACTS §8). Each call takes the one lock, never blocks, and publishes the
/// uevents it caused to `events()` subscribers after letting go of the lock.
extension EmulatedKernel {
    /// Unplugs a device (as a surprise removal or `echo 1 > …/remove` would). Its nodes and
    /// sysfs disappear at once. Under `proposed` its open files are disassociated (EIO) and the
    /// removal completes now, remove events included; under `mainline`/`legacy` the removal
    /// completes — and its remove events are published — when its last open file closes.
    @discardableResult
    public func unplug(_ name: String) throws(HotplugError) -> DevicePresence {
        let profile = self.profile
        let (pending, events) = try box.state.withLock { (state) throws(HotplugError) -> (Int, [KernelEvent]) in
            let pending = try state.unplug(name, profile: profile)
            defer { state.outbox = [] }
            return (pending, state.outbox)
        }
        publish(events)
        return pending == 0 ? .unplugged : .removing(openFiles: pending)
    }

    /// Re-probes an unplugged device; returns its name. Refused while its removal is pending.
    @discardableResult
    public func replug(_ name: String) throws(HotplugError) -> String {
        let profile = self.profile
        let (added, events) = try box.state.withLock { (state) throws(HotplugError) -> (String, [KernelEvent]) in
            let added = try state.replug(name, profile: profile)
            defer { state.outbox = [] }
            return (added, state.outbox)
        }
        publish(events)
        return added
    }

    /// By the name the kernel shows now; an unplugged device by the name it was probed with.
    public func presence(of shown: String) -> DevicePresence {
        box.state.withLock { state -> DevicePresence in
            let name = state.devices.first { $0.value.probe.fixture.name == shown }?.key ?? shown
            if let device = state.devices[name], device.probe.fixture.name == shown,
               let keys = state.hotplug.footprints[name]?.driverKeys {
                guard device.dying else { return .present }
                return .removing(openFiles: state.files.values.filter { keys.contains($0.driver) }.count)
            }
            return state.hotplug.unplugged[name] != nil ? .unplugged : .unknown
        }
    }
}

extension EmulatedKernel {
    /// Renames a present device as `rdma dev set OLD name NEW` does (core/device.c
    /// `ib_device_rename`; Hotplug/KernelState+Rename.swift) and publishes its `move` uevent.
    /// ENODEV: no present device shows that name; EEXIST: the new name is taken; EINVAL: an
    /// empty, overlong (IB_DEVICE_NAME_MAX) or path-like name. Renaming to the same name is a no-op.
    public func rename(_ name: String, to new: String) throws(KernelError) {
        let events = try box.state.withLock { (state) throws(KernelError) -> [KernelEvent] in
            try state.rename(name, to: new)
            defer { state.outbox = [] }
            return state.outbox
        }
        publish(events)
    }

    /// Runs one step of a hotplug schedule.
    public func apply(_ step: HotplugSchedule.Step) throws(HotplugScheduleError) {
        do {
            switch step.action {
            case .unplug: try unplug(step.device)
            case .replug: try replug(step.device)
            case .rename: try rename(step.device, to: step.newName ?? step.device)
            }
        } catch let error as HotplugError {
            throw .refused(step.description, error.description)
        } catch {
            throw .refused(step.description, "\(error)")
        }
    }
}
