import RdmaKit

/// Which driver a character-device node is bound to (the cdev behind a major:minor).
enum DriverKey: Hashable, Sendable, CustomStringConvertible {
    /// /dev/infiniband/uverbsN (core/uverbs_main.c) of an ib device.
    case uverbs(device: String)
    /// /dev/infiniband/umadN, issmN (core/user_mad.c) of a device port.
    case umad(device: String, port: Int)
    case issm(device: String, port: Int)
    /// /dev/infiniband/rdma_cm (core/ucma.c misc device).
    case rdmaCM
    /// /dev/hfi1_N (hfi1/file_ops.c).
    case hfi1(unit: Int)
    /// /dev/ipathN, or the wildcard /dev/ipath when `unit` is nil (qib/qib_file_ops.c).
    case ipath(unit: Int?)
    /// /dev/ipath_diagN and /dev/ipath_diagpkt (qib/qib_diag.c).
    case ipathDiag(unit: Int)
    case ipathDiagPacket

    var description: String {
        switch self {
        case .uverbs(let device): return "uverbs(\(device))"
        case .umad(let device, let port): return "umad(\(device)/\(port))"
        case .issm(let device, let port): return "issm(\(device)/\(port))"
        case .rdmaCM: return "rdma_cm"
        case .hfi1(let unit): return "hfi1(\(unit))"
        case .ipath(let unit): return unit.map { "ipath(\($0))" } ?? "ipath(wildcard)"
        case .ipathDiag(let unit): return "ipath_diag(\(unit))"
        case .ipathDiagPacket: return "ipath_diagpkt"
        }
    }
}

/// An open file of the emulated kernel: `struct file` with its `private_data`.
struct OpenFile: Sendable {
    let handle: Int
    /// The node's canonical path.
    let path: String
    let driver: DriverKey
    let flags: OpenFlags
    /// The opener's credentials (`file->f_cred`).
    let credentials: Credentials
    /// What the driver keeps per open file (an hfi1 context, a uverbs ucontext, …).
    var privateData: (any Sendable)?
    /// What fstat answers: the opened node's inode (type, rdev, mode, owner) as it was at open
    /// time — it lives on with the file when the node is removed — or nil for a file created by
    /// a syscall on another file (the driver-ops ioctl: an anonymous inode).
    var inode: DeviceNodeInfo?
    /// FD_CLOEXEC and O_NONBLOCK as FIOCLEX/FIONCLEX/FIONBIO leave them.
    var closeOnExec = true
    var nonBlocking = false
    /// The core disassociated the file from its unplugged device (`proposed`, Hotplug/): every
    /// operation is EIO and the last close runs no driver `release`.
    var disassociated = false
}

/// A character-device driver of the emulated kernel: the `file_operations` a node's cdev has.
///
/// Every hook runs under the kernel's one lock with the whole state passed in, so a driver can
/// change counters (`nfreectxts`), read and write user memory (`kernel.memory`) and see other
/// devices, and must not block. Drivers are values: the kernel takes the driver out of its table,
/// calls the hook and puts the (possibly mutated) driver back. The defaults are what a cdev
/// without the operation answers: no `unlocked_ioctl` → ENOTTY (fs/ioctl.c `vfs_ioctl`); no
/// `write`/`write_iter` or `read`/`read_iter` → EINVAL (fs/read_write.c `vfs_write`, `vfs_read`).
protocol EmulatedDriver: Sendable {
    /// `fops->open`. Throwing fails the open(2); the handle is not created.
    mutating func open(_ file: inout OpenFile, kernel: inout KernelState) throws(KernelError)
    /// `fops->release`: the last close. Must undo what the file holds.
    mutating func release(_ file: inout OpenFile, kernel: inout KernelState)
    mutating func ioctl(_ file: inout OpenFile, request: UInt, argument: UInt64,
                        kernel: inout KernelState) throws(KernelError) -> Int
    mutating func write(_ file: inout OpenFile, _ bytes: [UInt8], kernel: inout KernelState) throws(KernelError) -> Int
    mutating func read(_ file: inout OpenFile, count: Int, kernel: inout KernelState) throws(KernelError) -> [UInt8]
    /// What `leakReport` says about an open file this driver still holds, beyond "open".
    func leakDetail(_ file: OpenFile) -> String?
}

extension EmulatedDriver {
    mutating func open(_ file: inout OpenFile, kernel: inout KernelState) throws(KernelError) {}
    mutating func release(_ file: inout OpenFile, kernel: inout KernelState) {}
    mutating func ioctl(_ file: inout OpenFile, request: UInt, argument: UInt64,
                        kernel: inout KernelState) throws(KernelError) -> Int {
        throw KernelError(.ENOTTY)
    }
    mutating func write(_ file: inout OpenFile, _ bytes: [UInt8], kernel: inout KernelState) throws(KernelError) -> Int {
        throw KernelError(.EINVAL)
    }
    mutating func read(_ file: inout OpenFile, count: Int, kernel: inout KernelState) throws(KernelError) -> [UInt8] {
        throw KernelError(.EINVAL)
    }
    func leakDetail(_ file: OpenFile) -> String? { nil }
}

/// The qib diagnostic nodes, /dev/ipath_diagN and /dev/ipath_diagpkt (qib/qib_diag.c), are not
/// modelled: every open succeeds and the file answers the protocol's defaults (ioctl ENOTTY,
/// write and read EINVAL). qib_diag.c's own rules are not copied.
struct UnmodelledDriver: EmulatedDriver {
    let key: DriverKey
}

/// The driver a node's cdev gets when the kernel boots: the uverbs core (with driver-ops),
/// hfi1 by profile era, qib, the umad/issm and rdma_cm core devices.
func makeDriver(_ key: DriverKey, profile: Profile) -> any EmulatedDriver {
    switch key {
    case .uverbs(let device): return UverbsDriver(device: device, profile: profile)
    case .umad(let device, let port): return UmadDriver(device: device, port: port)
    case .issm(let device, let port): return IssmDriver(device: device, port: port)
    case .rdmaCM: return RdmaCMDriver()
    case .hfi1(let unit): return Hfi1Era(profile).driver(unit: unit)
    case .ipath(let unit): return QibDriver(unit: unit)
    case .ipathDiag, .ipathDiagPacket: return UnmodelledDriver(key: key)
    }
}
