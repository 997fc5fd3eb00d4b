import CRdmaABI
import RdmaKit

/// Mutable per-device driver state that sysfs shows (hfi1 `dd->freectxts`, qib likewise).
struct DeviceState: Sendable {
    var probe: ProbedDevice
    var freeContexts: Int
    /// The user contexts hfi1/qib hold, by context number (Drivers/ContextPool.swift); kept in
    /// step with `freeContexts`.
    var userContexts: [Int: UserContext] = [:]
    /// `dd->flags & HFI1_PRESENT` / `QIB_PRESENT`: the chip answers. Always true after probe;
    /// a test hook clears it (EmulatedKernel+TestHooks.swift).
    var present = true
    /// hfi1 `dd->flags & HFI1_FROZEN`: the SPC freeze is in progress (Drivers/Hfi1Freeze.swift).
    var frozen = false
    /// hfi1 `dd->flags & HFI1_FORCED_FREEZE`: the freeze was the critical-temperature one;
    /// never cleared, as in the kernel.
    var forcedFreeze = false
    /// Unplugged under a profile whose removal waits for the last close (Hotplug/): its nodes
    /// and sysfs are gone, its open files still work, a racing open is ENXIO.
    var dying = false
}

/// Everything the emulated kernel knows that can change. Lives inside the one lock (`Locked`, a pthread mutex the thread sanitizer sees); every
/// verb runs under it and none blocks.
struct KernelState: Sendable {
    var tree: Tree
    /// By ib device name.
    var devices: [String: DeviceState]
    /// The cdev table: which driver answers a node's open.
    var drivers: [DriverKey: any EmulatedDriver]
    /// Open files by handle id.
    var files: [Int: OpenFile] = [:]
    var nextHandle = 1
    var memory = UserMemoryRegistry()
    /// `events()` subscribers. Yield and finish outside the lock: `finish()` runs `onTermination`,
    /// which takes the lock.
    var subscribers: [Int: AsyncStream<KernelEvent>.Continuation] = [:]
    var nextSubscriber = 1
    /// Hot-unplug and replug bookkeeping (Hotplug/HotplugRegistry.swift).
    var hotplug = HotplugRegistry()
    /// Events a verb produced under the lock, published by the verb after it lets go
    /// (EmulatedKernel+Events.swift `publish`).
    var outbox: [KernelEvent] = []
    /// The hfi1 module parameter `cap_mask` (`hfi1_cap_mask`, common.h HFI1_CAP_*): one per
    /// loaded module, so shared by every hfi1 unit. Each context copies it when allocated
    /// (`uctxt->flags`); SET_PKEY and write_iter read it live. A test hook changes it.
    var hfi1CapabilityMask: UInt64 = RDMAABI_HFI1_CAP_MASK_DEFAULT
    /// core/device.c `ib_devices_shared_netns` (SYS_GET NETNS_MODE): shared by default.
    var sharedNetns = true
    /// Facets a driver registered at run time (kernel/patches: `rdma_register_driver_ops`),
    /// beyond the fixture's own, by ib device name: how a test offers a name rdmactl's catalogue
    /// does not know (the VM's demo module offers `demo.example.com` 1.2 on rxe0 this way).
    var registeredDriverOps: [String: [DriverOpsOffer]] = [:]

    /// Runs `body` with the driver of `key` taken out of the table, then puts it back, so the
    /// driver can mutate itself and the rest of the state. nil when no driver is bound.
    mutating func withDriver<R>(_ key: DriverKey,
                                _ body: (inout any EmulatedDriver, inout KernelState) throws(KernelError) -> R)
        throws(KernelError) -> R? {
        guard var driver = drivers.removeValue(forKey: key) else { return nil }
        defer { drivers[key] = driver }
        return try body(&driver, &self)
    }
}

/// The lock and what it guards. A separate object so user-memory buffers can reach the state
/// (to read, write and unregister themselves) without holding the kernel object.
final class StateBox: Sendable {
    let state: Locked<KernelState>
    init(_ initial: sending KernelState) { state = Locked(initial) }
}

/// A buffer in the emulated process's memory. Its address is a registry key, not a pointer;
/// the buffer is unregistered when the last reference goes (deinit), after which drivers see
/// EFAULT for its range.
final class EmulatedUserMemory: UserMemory, Sendable {
    let address: UInt64
    let count: Int
    private let box: StateBox

    init(address: UInt64, count: Int, box: StateBox) {
        self.address = address; self.count = count; self.box = box
    }

    deinit {
        let address = self.address
        box.state.withLock { $0.memory.release(address) }
    }

    func load() -> [UInt8] {
        let (address, count) = (self.address, self.count)
        return box.state.withLock { $0.memory.bytes(at: address, count: count) } ?? []
    }

    func store(_ bytes: [UInt8], at offset: Int) {
        precondition(offset >= 0 && offset + bytes.count <= count, "store outside user memory")
        let address = self.address + UInt64(offset)
        box.state.withLock { state in
            do { try state.memory.copyToUser(address, bytes) } catch {
                preconditionFailure("user memory at 0x\(hex(address, width: 1)) is not registered")
            }
        }
    }
}
