@_spi(KernelSeam) import RdmaKit

/// Device nodes, open files, user memory and the leak report.
extension EmulatedKernel {
    /// lstat: the last component is not followed. Any path of the tree works; /dev nodes are
    /// what callers ask for.
    public func deviceNode(_ path: String) throws(KernelError) -> DeviceNodeInfo {
        try box.state.withLock { (state) throws(KernelError) -> DeviceNodeInfo in
            try state.tree.lookupNoFollow(path).1.nodeInfo
        }
    }

    /// Mode bits against `credentials` (root bypasses), links followed; nil when nothing is there.
    public func predictOpen(_ path: String) -> Bool? {
        box.state.withLock { state -> Bool? in
            guard let (_, entry) = try? state.tree.lookup(path) else { return nil }
            return credentials.permits(entry, read: true, write: true)
        }
    }

    /// open(2) of a device node, in the kernel's order: a free descriptor (EMFILE), path
    /// lookup (ENOENT, ENOTDIR, ELOOP), permission (EACCES; root bypasses), then the cdev: no
    /// driver bound → ENXIO (fs/char_dev.c `chrdev_open`), then the driver's own `open`. A
    /// directory is EISDIR; a regular (sysfs) file is EOPNOTSUPP — the emulator opens device
    /// nodes only.
    public func open(_ path: String, flags: OpenFlags) throws(KernelError) -> KernelHandle {
        let credentials = self.credentials
        return try box.state.withLock { (state) throws(KernelError) -> KernelHandle in
            try state.reserveDescriptor()
            let (resolved, entry) = try state.tree.lookup(path)
            let wantWrite = !flags.contains(.readOnly)
            guard case .characterDevice(_, _, let bound) = entry.kind else {
                if entry.isDirectory { throw KernelError(.EISDIR) }
                guard credentials.permits(entry, read: true, write: wantWrite) else { throw KernelError(.EACCES) }
                throw KernelError(.EOPNOTSUPP, .other("the emulated kernel opens device nodes only"))
            }
            guard credentials.permits(entry, read: true, write: wantWrite) else { throw KernelError(.EACCES) }
            guard let key = bound else { throw KernelError(.ENXIO) }
            let id = try state.installFile(driver: key, path: resolved, flags: flags, credentials: credentials,
                                           inode: entry.nodeInfo)
            return KernelHandle(id: id)
        }
    }

    /// The last close: the driver's `release` runs; an unknown handle is ignored.
    /// A pending hot-unplug completes at the device's last close: its remove events are
    /// published then, after the lock is let go.
    public func close(_ handle: KernelHandle) {
        let events = box.state.withLock { state -> [KernelEvent] in
            state.releaseFile(handle.id)
            defer { state.outbox = [] }
            return state.outbox
        }
        publish(events)
    }

    /// fs/ioctl.c `do_vfs_ioctl` first answers the generic requests every file has (FIOCLEX,
    /// FIONCLEX, FIONBIO), then the driver's `unlocked_ioctl` runs. A descriptor-yielding request
    /// is refused here: it has its own verb.
    public func ioctl(_ handle: KernelHandle, request: UInt, argument: UInt64) throws(KernelError) -> Int {
        if DriverOpsABI.yieldsDescriptor(request) { throw .descriptorRequestRefused }
        return try withFile(handle) { (driver, file, state) throws(KernelError) in
            if let generic = try GenericFileIoctl.answer(request: request, argument: argument, file: &file, state: state) {
                return generic
            }
            return try driver.ioctl(&file, request: request, argument: argument, kernel: &state)
        }
    }

    /// RDMA_GET_DRIVER_OPS_FD: the uverbs driver creates the file (Drivers/DriverOps.swift) and
    /// its id becomes the caller's handle.
    public func driverOpsRequest(_ handle: KernelHandle, request: UInt, argument: UInt64) throws(KernelError) -> KernelHandle {
        guard DriverOpsABI.yieldsDescriptor(request) else {
            throw KernelError(.EINVAL, .other("not a driver-ops request"))
        }
        let id = try withFile(handle) { (driver, file, state) throws(KernelError) in
            try driver.ioctl(&file, request: request, argument: argument, kernel: &state)
        }
        return KernelHandle(id: id)
    }

    /// fstat of an open file: the inode it was opened through, as it was at open — a node
    /// removed since (hot-unplug) still answers with it —, or an anonymous inode for a file the
    /// driver-ops ioctl created (anon_inode_getfile: no file type, no device number).
    public func stat(_ handle: KernelHandle) throws(KernelError) -> DeviceNodeInfo {
        try box.state.withLock { (state) throws(KernelError) -> DeviceNodeInfo in
            guard let file = state.files[handle.id] else { throw KernelError(.EBADF) }
            return file.inode ?? DeviceNodeInfo(type: .anonymous, major: 0, minor: 0, mode: 0o600,
                                                uid: file.credentials.uid, gid: file.credentials.gid)
        }
    }

    /// fs/read_write.c `vfs_write`: a file not open for writing (`!(f_mode & FMODE_WRITE)`:
    /// opened `.readOnly`) → EBADF before the driver sees the bytes.
    public func write(_ handle: KernelHandle, _ bytes: [UInt8]) throws(KernelError) -> Int {
        try withFile(handle, requires: .write) { (driver, file, state) throws(KernelError) in
            try driver.write(&file, bytes, kernel: &state)
        }
    }

    /// fs/read_write.c `vfs_read`: a file not open for reading (`!(f_mode & FMODE_READ)`) →
    /// EBADF before the driver. `OpenFlags` has no write-only mode — every emulated file is
    /// open for reading — so the check never fires; it is here for when one is added.
    public func read(_ handle: KernelHandle, count: Int) throws(KernelError) -> [UInt8] {
        try withFile(handle, requires: .read) { (driver, file, state) throws(KernelError) in
            try driver.read(&file, count: count, kernel: &state)
        }
    }

    /// The `f_mode` bit a read or write needs.
    private enum FileAccess {
        case read, write

        /// Whether a file opened with `flags` has it: FMODE_WRITE unless opened `.readOnly`
        /// (the same rule `open` checks the node's mode bits with); FMODE_READ always.
        func allowed(by flags: OpenFlags) -> Bool {
            switch self {
            case .read: return true
            case .write: return !flags.contains(.readOnly)
            }
        }
    }

    /// Runs a file operation under the lock: EBADF for an unknown handle or (`requires`) a
    /// file not opened for that access, EIO when the node's driver is gone (a disassociated
    /// file). The file's private data is kept afterwards, also when the operation fails.
    private func withFile<R: Sendable>(
        _ handle: KernelHandle,
        requires access: FileAccess? = nil,
        _ body: (inout any EmulatedDriver, inout OpenFile, inout KernelState) throws(KernelError) -> R
    ) throws(KernelError) -> R {
        try box.state.withLock { (state) throws(KernelError) -> R in
            guard var file = state.files[handle.id] else { throw KernelError(.EBADF) }
            // uverbs_main.c `ib_uverbs_get_ucontext_file` after disassociation, umad's
            // `agents_dead`: every write, ioctl and read of an unplugged device's file is EIO.
            if file.disassociated { throw KernelError(.EIO, .other("\(file.path): the device was unplugged")) }
            if let access, !access.allowed(by: file.flags) {
                throw KernelError(.EBADF, .other("\(file.path) is not open for \(access == .write ? "writing" : "reading")"))
            }
            defer { if state.files[handle.id] != nil { state.files[handle.id] = file } }
            guard let result = try state.withDriver(file.driver, { (driver, state) throws(KernelError) in
                try body(&driver, &file, &state)
            }) else { throw KernelError(.EIO) }
            return result
        }
    }

    // MARK: user memory

    /// A zero-filled buffer at a fake, page-aligned address (from 0x7f0000000000), registered
    /// until the returned object is released.
    public func allocateUserMemory(count: Int) throws(KernelError) -> UserMemory {
        guard count >= 0 else { throw KernelError(.EINVAL) }
        let address = box.state.withLock { $0.memory.allocate(count: count) }
        return EmulatedUserMemory(address: address, count: count, box: box)
    }

    /// The bytes at [address, address + count) of registered user memory, or nil (EFAULT).
    func userMemory(at address: UInt64, count: Int) -> [UInt8]? {
        box.state.withLock { $0.memory.bytes(at: address, count: count) }
    }

    // MARK: leaks

    /// What is still held: open handles (with the driver's detail, e.g. an assigned context)
    /// and user memory still registered. Empty when the client released everything.
    public var leakReport: [String] {
        box.state.withLock { state -> [String] in
            var report: [String] = []
            for id in state.files.keys.sorted() {
                let file = state.files[id]!
                var line = "handle \(id): \(file.path) is still open"
                if file.disassociated {
                    line += " (disassociated: its device was unplugged)"
                } else if let detail = state.drivers[file.driver]?.leakDetail(file) {
                    line += " (\(detail))"
                }
                report.append(line)
            }
            for address in state.memory.regions.keys.sorted() {
                let count = state.memory.regions[address]!.count
                report.append("user memory at 0x\(hex(address, width: 1)) (\(count) bytes) is still allocated")
            }
            return report
        }
    }
}
