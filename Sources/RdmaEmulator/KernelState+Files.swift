import RdmaKit

/// Creating open files: shared by `open(2)` of a node and by the driver-ops ioctl, which
/// opens a driver's file without a path walk (the uverbs fd it is issued on was the gate).
extension KernelState {
    /// How many files the emulated process may hold: RLIMIT_NOFILE's usual soft limit. Past
    /// it, `get_unused_fd_flags` fails and the syscall answers EMFILE.
    static let openFileLimit = 1024

    /// `get_unused_fd_flags`: EMFILE when the process already holds `openFileLimit` files.
    func reserveDescriptor() throws(KernelError) {
        guard files.count < Self.openFileLimit else { throw KernelError(.EMFILE) }
    }

    /// Creates a file bound to `key` and runs that driver's `open` hook, as `chrdev_open`
    /// does after the path walk and permission check (or as `anon_inode`/`dentry_open` do
    /// for a file a syscall hands out). No driver bound → ENXIO. When the hook throws, no
    /// file is installed and the error is the syscall's. Returns the new handle id.
    mutating func installFile(driver key: DriverKey, path: String, flags: OpenFlags,
                              credentials: Credentials, inode: DeviceNodeInfo? = nil) throws(KernelError) -> Int {
        guard drivers[key] != nil else { throw KernelError(.ENXIO) }
        // A racing open of an unplugged device whose removal waits for its last close: the
        // refcount is already zero (uverbs_main.c `ib_uverbs_open`: !refcount_inc_not_zero →
        // -ENXIO; hfi1 file_ops.c `hfi1_file_open`: !atomic_inc_not_zero(&dd->user_refcount)
        // → -ENXIO).
        if let owner = hotplug.owner(of: key), devices[owner]?.dying ?? false { throw KernelError(.ENXIO) }
        let id = nextHandle
        nextHandle += 1
        var file = OpenFile(handle: id, path: path, driver: key, flags: flags, credentials: credentials)
        file.inode = inode
        file.nonBlocking = flags.contains(.nonBlocking)
        _ = try withDriver(key) { (driver, state) throws(KernelError) in
            try driver.open(&file, kernel: &state)
        }
        files[id] = file
        return id
    }

    /// The last close (`close(2)`, or `fput` of a file a failing syscall created but never
    /// installed): the driver's `release` runs. An unknown id is ignored.
    mutating func releaseFile(_ id: Int) {
        guard var file = files.removeValue(forKey: id) else { return }
        // A disassociated file's driver state went with its device (ib_uverbs_free_hw_resources
        // ran at unplug); a replugged device's driver under the same key is not its driver.
        guard !file.disassociated else { return }
        _ = try? withDriver(file.driver) { (driver, state) throws(KernelError) in
            driver.release(&file, kernel: &state)
        }
        completeRemovalIfLastClose(of: file.driver)
    }
}
