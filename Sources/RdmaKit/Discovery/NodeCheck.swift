/// Whether a char device's node under /dev can serve its user — one verdict, shared by `list`
/// (a warning) and `doctor` (a blocker). It decides from what discovery already learned about
/// the node (one lstat, one access prediction: CharDeviceIndex), so it costs no syscall.
///
/// The checks are libibverbs' (ABI-FACTS §6.1 steps 1, 2, 6; rdma-core util/open_cdev.c): the
/// node must exist (`stat("/dev/infiniband/uverbsN")`, else the device is dropped from the list
/// — "No IB devices found"), must be a character device whose `st_rdev` is the `dev` sysfs or
/// GET_CHARDEV names (else `ibv_open_device` fails), and the caller must be able to open it
/// read-write (`open(O_RDWR)`, else EACCES).
public struct NodeProblem: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// No node at the path the class device's uevent DEVNAME names.
        case missing = "NODE_MISSING"
        /// Something else than a character device is there.
        case notCharacterDevice = "NODE_NOT_CHAR"
        /// A character device, but not the one sysfs `dev` names.
        case wrongNumber = "NODE_MISMATCH"
        /// The caller may not open it read-write (a prediction).
        case notOpenable = "NODE_NOT_OPENABLE"
    }

    public var kind: Kind
    public var path: String
    public var message: String
    public var hint: String

    public var code: String { kind.rawValue }

    /// The problem as a listing warning.
    public var diagnostic: Diagnostic { Diagnostic(code, path: path, message, hint: hint) }
}

public enum NodeCheck {
    /// The problem with `cdev`'s node, if any. Missing and not-openable nodes are problems only
    /// for the uverbs node — the one libibverbs needs; umad/issm are 0600 root:root by design
    /// (ABI-FACTS §7) and the driver nodes have their own users. A node never looked at (a
    /// SYSFS_PATH-style root has no /dev; a snapshot stand-in has no metadata) is no problem.
    public static func problem(_ cdev: CharDevice, device: String) -> NodeProblem? {
        guard let path = cdev.path else { return nil }
        let uverbs = cdev.kind == .uverbs
        if let type = cdev.foundType, type != .characterDevice {
            return NodeProblem(kind: .notCharacterDevice, path: path,
                               message: "\(path) (\(device)) is a \(type.rawValue), not a character device: libibverbs cannot open it",
                               hint: recreateHint(cdev, path: path))
        }
        if let node = cdev.node, let major = cdev.major, let minor = cdev.minor,
           node.major != major || node.minor != minor {
            return NodeProblem(kind: .wrongNumber, path: path,
                               message: "\(path) (\(device)) is \(node.major):\(node.minor) but sysfs says \(major):\(minor): libibverbs refuses a node whose st_rdev differs (open_cdev)",
                               hint: recreateHint(cdev, path: path))
        }
        guard uverbs else { return nil }
        if cdev.nodePresent == false {
            return NodeProblem(kind: .missing, path: path,
                               message: "\(path) (\(device)) is missing from /dev: libibverbs drops the device (\"No IB devices found\")",
                               hint: "pass /dev/infiniband into the container (e.g. --device \(path), or --device /dev/infiniband for all), or create the node: "
                                   + "mknod \(path) c \(cdev.major.map(String.init) ?? "MAJOR") \(cdev.minor.map(String.init) ?? "MINOR") && chmod 0666 \(path)")
        }
        if cdev.canOpen == false, let node = cdev.node {
            return NodeProblem(kind: .notOpenable, path: path,
                               message: "\(path) (\(device)) is mode \(octalMode(node.mode)) owned by \(node.uid):\(node.gid): this user cannot open it read-write (predicted)",
                               hint: "add the user to the group that owns it (gid \(node.gid)) and give the group rw, or restore the kernel's mode 0666 "
                                   + "(uverbs_devnode) with a udev rule: KERNEL==\"uverbs*\", MODE=\"0666\"")
        }
        return nil
    }

    private static func recreateHint(_ cdev: CharDevice, path: String) -> String {
        guard let major = cdev.major, let minor = cdev.minor else {
            return "replace \(path) with the character device its class device's dev attribute names"
        }
        return "replace it with the real node (rm \(path); mknod \(path) c \(major) \(minor)), or pass the host's node into the container (--device \(path))"
    }
}
