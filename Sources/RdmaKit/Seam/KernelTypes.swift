// Value types that cross the kernel seam.

/// An opaque handle on an open file. Never a bare descriptor: emulated handles are not OS file
/// descriptors, and commands must not print descriptor numbers (DESIGN §4).
///
/// Only a kernel makes handles (DESIGN §2): `id` and `init` are the `KernelSeam` SPI, which only
/// RdmaLinux, RdmaEmulator and the tests import (`.ci/lint-imports.sh` checks it), so client code
/// can neither forge a handle for fd 0–2 or the netlink socket nor read a number out of one. Ids
/// are serial numbers that are never reused, so a stale copy of a closed handle is refused
/// (EBADF) instead of reaching whatever file took its descriptor number.
public struct KernelHandle: Hashable, Sendable {
    @_spi(KernelSeam) public let id: Int
    @_spi(KernelSeam) public init(id: Int) { self.id = id }
}

/// Open flags rdmactl uses. Probes use `.probe` = O_RDWR|O_CLOEXEC|O_NONBLOCK (DESIGN §4).
public struct OpenFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let readWrite = OpenFlags(rawValue: 1 << 0)
    public static let readOnly = OpenFlags(rawValue: 1 << 1)
    public static let nonBlocking = OpenFlags(rawValue: 1 << 2)
    public static let probe: OpenFlags = [.readWrite, .nonBlocking]
}

public enum NodeType: String, Sendable {
    case characterDevice = "char"
    case blockDevice = "block"
    case directory, regular, symlink, fifo, socket
    /// A regular-file stand-in, as in snapshots whose real metadata lives in the manifest.
    case placeholder
    /// A file with no node behind it (`anon_inode_getfile`): what a descriptor-yielding ioctl
    /// such as RDMA_GET_DRIVER_OPS_FD returns; fstat shows no file type.
    case anonymous = "anon_inode"
}

/// What `stat` tells about a node under /dev.
public struct DeviceNodeInfo: Sendable, Equatable {
    public var type: NodeType
    public var major: UInt32
    public var minor: UInt32
    /// Permission bits only (e.g. 0o666).
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32

    public init(type: NodeType, major: UInt32, minor: UInt32, mode: UInt32, uid: UInt32, gid: UInt32) {
        self.type = type; self.major = major; self.minor = minor
        self.mode = mode; self.uid = uid; self.gid = gid
    }
}

/// The caller's identity, as the kernel checks it against node modes.
public struct Credentials: Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32
    public var groups: [UInt32]
    public init(uid: UInt32, gid: UInt32, groups: [UInt32] = []) {
        self.uid = uid; self.gid = gid; self.groups = groups
    }

    /// The classic owner/group/other check with root bypass (generic_permission, fs/namei.c):
    /// may this caller open a node with `mode`, owned by uid:gid, for reading and writing?
    public func mayReadWrite(mode: UInt32, uid owner: UInt32, gid group: UInt32) -> Bool {
        if uid == 0 { return true }
        let bits: UInt32
        if uid == owner { bits = (mode >> 6) & 7 }
        else if gid == group || groups.contains(group) { bits = (mode >> 3) & 7 }
        else { bits = mode & 7 }
        return bits & 6 == 6
    }
}

/// Memory in the caller's address space that a payload can point to (hfi1 `hfi1_cmd.addr`, qib
/// `spu_base_info`, CTXT_INFO outputs). The live kernel hands out real memory; the emulator
/// resolves addresses through a registry and answers EFAULT for unknown ones.
public protocol UserMemory: AnyObject, Sendable {
    var address: UInt64 { get }
    var count: Int { get }
    func load() -> [UInt8]
    func store(_ bytes: [UInt8], at offset: Int)
}

/// One device as udev enumerates it.
public struct UdevDevice: Sendable, Equatable {
    public var sysname: String
    /// The device's path under /sys (e.g. /sys/devices/pci0000:00/.../infiniband/hfi1_0).
    public var syspath: String
    public init(sysname: String, syspath: String) { self.sysname = sysname; self.syspath = syspath }
}

/// A device event: a kernel uevent, a udev event, or an emulator hotplug.
public struct KernelEvent: Sendable, Equatable {
    public enum Action: String, Sendable { case add, remove, change, move, bind, unbind }
    public var action: Action
    public var subsystem: String
    public var name: String
    public var devname: String?
    public var properties: [String: String]
    public init(action: Action, subsystem: String, name: String, devname: String? = nil,
                properties: [String: String] = [:]) {
        self.action = action; self.subsystem = subsystem; self.name = name
        self.devname = devname; self.properties = properties
    }
}
