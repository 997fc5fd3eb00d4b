@_spi(KernelSeam) import RdmaKit

/// Test hooks: states a real kernel reaches through hardware events or module parameters that
/// the emulated hardware never produces by itself. Internal, for tests (`@testable import`);
/// the CLI cannot reach them. Each takes the one lock, like every verb.
extension EmulatedKernel {
    /// Freezes (`true`) or unfreezes (`false`) an hfi1 device's SPC: while frozen, ASSIGN_CTXT
    /// is EIO; contexts the freeze caught have their send context halted until CTXT_RESET,
    /// which answers ENOLCK while the device is still frozen, ENODEV after a `forced`
    /// (critical-temperature) freeze, and 0 otherwise (Drivers/Hfi1Freeze.swift).
    func setFrozen(_ device: String, _ frozen: Bool, forced: Bool = false) {
        withState { $0.hfi1SetFrozen(device, frozen, forced: forced) }
    }

    /// Marks a device present or not (`HFI1_PRESENT` / `QIB_PRESENT`): an ioctl-era hfi1 open
    /// of an absent device is EINVAL; absent units do not count as active (CTXT_INFO
    /// `num_active`) or present (the staging and wildcard ENXIO), their contexts are not
    /// shared (find_shared_ctxt) and a qib port of one is not usable (ENETDOWN).
    func setPresent(_ device: String, _ present: Bool) {
        withState { $0.devices[device]?.present = present }
    }

    /// Sets the hfi1 module parameter `cap_mask` (`HFI1_CAP_*`, kernel bits 0–23, user bits
    /// from HFI1_CAP_USER_SHIFT), as if the module had been loaded with it. Contexts allocated
    /// before keep their copy (`uctxt->flags`).
    func setHfi1CapabilityMask(_ mask: UInt64) {
        withState { $0.hfi1CapabilityMask = mask }
    }
}

/// Test hooks for the node and user-space causes of "No IB devices found" (doctor): remove or
/// rewrite any file of the emulated host — a /dev node, a provider's `.driver` file or library,
/// `/proc/self/limits` —, change a node's mode and owner, put something else at a node's path.
extension EmulatedKernel {
    /// `rm -rf PATH`.
    func removePath(_ path: String) {
        withState { $0.tree.remove(path) }
    }

    /// Writes a regular file, replacing whatever was at `path`.
    func writeFile(_ path: String, _ text: String, mode: UInt32 = 0o644) {
        withState { state in
            state.tree.remove(path)
            state.tree.addFile(path, text: text, mode: mode)
        }
    }

    /// `chmod MODE PATH; chown UID:GID PATH`.
    func setMode(_ path: String, _ mode: UInt32, uid: UInt32 = 0, gid: UInt32 = 0) {
        withState { $0.tree.setOwnership(path, mode: mode, uid: uid, gid: gid) }
    }

    /// Replaces the node at `path` with one of another number (`mknod PATH c MAJOR MINOR`,
    /// same mode, no driver behind it: opening it is ENXIO, like an unclaimed number).
    func replaceNode(_ path: String, major: UInt32, minor: UInt32) {
        withState { state in
            let mode = state.tree.entry(path)?.mode ?? 0o666
            state.tree.remove(path)
            state.tree.addCharacterDevice(path, major: major, minor: minor, mode: mode, driver: nil)
        }
    }

    /// Sets `/proc/self/limits`' RLIMIT_MEMLOCK row (nil: unlimited).
    func setMemlock(soft: UInt64?, hard: UInt64?) {
        writeFile(UserSpacePaths.limits, UserSpaceInstall.limitsText(memlockSoft: soft, memlockHard: hard), mode: 0o444)
    }

    /// `rdma system set netns exclusive|shared` (core/device.c `rdma_compatdev_set`).
    func setSharedNetns(_ shared: Bool) {
        withState { $0.sharedNetns = shared }
    }
}

extension EmulatedKernel {
    /// An open(2) that resolved `path` before an unplug removed the node and reaches the cdev
    /// after: the permission check passed, the driver's open runs now (ENXIO for a dying or
    /// removed device, ABI-FACTS §8). ENOENT when no unplug removed such a node.
    func openRacingUnplug(_ path: String, flags: OpenFlags = .probe) throws(KernelError) -> KernelHandle {
        let credentials = self.credentials
        return try box.state.withLock { (state) throws(KernelError) -> KernelHandle in
            guard let (key, inode) = state.hotplug.removedNodes[path] else { throw KernelError(.ENOENT) }
            try state.reserveDescriptor()
            return KernelHandle(id: try state.installFile(driver: key, path: path, flags: flags,
                                                          credentials: credentials, inode: inode))
        }
    }

    /// `mprotect(PROT_READ)` of a user buffer from `allocateUserMemory`: the kernel may read it,
    /// and every `copy_to_user` into it faults (EFAULT).
    func protectUserMemory(_ address: UInt64) {
        withState { $0.memory.protect(address) }
    }
}

extension EmulatedKernel {
    /// Per device, in probe order: user contexts free (what `nfreectxts` shows), held by open
    /// files (Drivers/ContextPool.swift) and in all (`nctxts`), read in one go under the lock.
    /// For the fuzz harness (Fuzz/Sources/fuzz-emulator-files), which checks
    /// free + held = total after every step of a program: reading and parsing four sysfs files
    /// per step was a third of its time. Read-only; the CLI cannot reach it.
    @_spi(Fuzzing) public var contextAccounts: [(device: String, free: Int, held: Int, total: Int)] {
        let names = deviceNames
        return withState { state in
            names.compactMap { name in
                state.devices[name].map { (name, $0.freeContexts, $0.userContexts.count, $0.probe.fixture.contexts) }
            }
        }
    }
}
