import CRdmaABI
import RdmaKit

/// /dev/infiniband/issmN of one device port (ABI-FACTS §1.4): core/user_mad.c `umad_sm_fops`,
/// which has only `open` (ib_umad_sm_open), `release` (ib_umad_sm_close) and `llseek`.
///
/// Holding the node open is how a subnet manager says it runs on the port: open takes the
/// port's `sm_sem` and sets IsSM (IB_PORT_SM) in the port's CapabilityMask through
/// `ib_modify_port`; close clears the bit and gives the semaphore back. The node's 0600 mode is
/// checked by `EmulatedKernel.open` before this driver runs.
///
/// No `.read`, `.write` or `.unlocked_ioctl`: fs/read_write.c `vfs_read`/`vfs_write` answer
/// EINVAL for a file without FMODE_CAN_READ/FMODE_CAN_WRITE, fs/ioctl.c `vfs_ioctl` ENOTTY —
/// the protocol's defaults. FIOCLEX, FIONCLEX and FIONBIO work as on every file.
///
/// Deviation: a second open while the semaphore is held waits in `down_interruptible` in the
/// kernel (only O_NONBLOCK gets `down_trylock`'s EAGAIN). The emulator never blocks, so every
/// second opener gets EAGAIN, as if it had asked not to wait.
///
/// Not modelled: `rdma_dev_access_netns` (EPERM from another network namespace: the emulated
/// process lives in the initial one).
struct IssmDriver: EmulatedDriver {
    let device: String
    let port: Int
    /// `port->sm_sem`: the handle id of the file that holds it, nil when it is free.
    private(set) var holder: Int?

    init(device: String, port: Int) {
        self.device = device
        self.port = port
    }

    /// ib_umad_sm_open: `down_trylock` (O_NONBLOCK) fails → EAGAIN; then `ib_modify_port`
    /// with `set_port_cap_mask = IB_PORT_SM` (rdmavt `rvt_modify_port`:
    /// `port_cap_flags |= set_port_cap_mask`, which never fails for a valid port).
    mutating func open(_ file: inout OpenFile, kernel: inout KernelState) throws(KernelError) {
        if let holder {
            throw KernelError(.EAGAIN, .other("\(device) port \(port): issm is held by handle \(holder)"))
        }
        // The ib device went away behind the node: its cdev is gone, so chrdev_open finds no
        // driver (ib_umad_kill_port deletes sm_cdev).
        guard kernel.devices[device] != nil else { throw KernelError(.ENXIO) }
        kernel.modifyPortCapabilities(device: device, port: port, set: RDMAABI_IB_PORT_SM, clear: 0)
        holder = file.handle
    }

    /// ib_umad_sm_close: `ib_modify_port` with `clr_port_cap_mask = IB_PORT_SM` while the
    /// device is there, then `up(&port->sm_sem)`.
    mutating func release(_ file: inout OpenFile, kernel: inout KernelState) {
        guard holder == file.handle else { return }
        kernel.modifyPortCapabilities(device: device, port: port, set: 0, clear: RDMAABI_IB_PORT_SM)
        holder = nil
    }

    func leakDetail(_ file: OpenFile) -> String? {
        holder == file.handle ? "holds IsSM on \(device) port \(port)" : nil
    }
}

extension KernelState {
    /// `ib_modify_port(dev, port, 0, &props)` → rdmavt `rvt_modify_port`: `port_cap_flags |=
    /// set; port_cap_flags &= ~clear`. core/sysfs.c `cap_mask_show` reads the flags back
    /// (ib_query_port) on every read; the emulated attribute holds text, so the new value is
    /// written into it in cap_mask_show's format. A device or port without the attribute (gone
    /// after a hot-unplug) is left alone, as `ib_umad_sm_close` skips a device that is gone.
    mutating func modifyPortCapabilities(device: String, port: Int, set: UInt32, clear: UInt32) {
        guard let (path, entry, current) = portCapabilityFile(device: device, port: port) else { return }
        tree.remove(path)
        tree.addFile(path, text: SysfsFormat.capabilityMask((current | set) & ~clear), mode: entry.mode)
    }

    /// The port's `port_cap_flags` as they are now (what ib_query_port answers: nldev's
    /// PORT_GET reads them too), from the attribute that holds them.
    func portCapabilities(device: String, port: Int) -> UInt32? {
        portCapabilityFile(device: device, port: port)?.mask
    }

    private func portCapabilityFile(device: String, port: Int) -> (path: String, entry: Entry, mask: UInt32)? {
        guard let (path, entry) = try? tree.lookup("/sys/class/infiniband/\(device)/ports/\(port)/cap_mask"),
              case .file(.bytes(let bytes)) = entry.kind,
              let current = UInt32(String(decoding: bytes, as: UTF8.self).trimmingBlanks.dropFirst(2), radix: 16)
        else { return nil }
        return (path, entry, current)
    }
}
