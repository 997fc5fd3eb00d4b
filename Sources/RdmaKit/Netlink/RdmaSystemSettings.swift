/// The RDMA subsystem's global settings, what `rdma system show` prints: the net namespace
/// mode, copy-on-fork and the privileged-QKEY mode (core/nldev.c `nldev_sys_get_doit`, over
/// RDMA_NLDEV_CMD_SYS_GET). A small public API so `show` and `doctor` share one reading.
public struct RdmaSystemSettings: Sendable, Equatable {
    public enum NetnsMode: String, Sendable {
        /// RDMA devices are visible in every net namespace (ib_devices_shared_netns = 1, the
        /// default; `rdma system set netns shared`).
        case shared
        /// Each device lives in one net namespace (`rdma system set netns exclusive`, or the
        /// ib_core module parameter netns_mode=0): a container sees only devices moved into
        /// its namespace (`rdma dev set DEV netns NS`).
        case exclusive
    }

    public var netnsMode: NetnsMode?
    /// COPY_ON_FORK: 1 on kernels (5.12+) that give a forked child its own copy of pinned
    /// pages; rdma-core's `ibv_is_fork_initialized` then needs no RDMAV_FORK_SAFE madvise.
    /// An absent attribute reads as false, as rdma-core reads it (`rdmanl_get_copy_on_fork`).
    public var copyOnFork: Bool
    /// PRIVILEGED_QKEY_MODE, when the kernel sends it.
    public var privilegedQKeyMode: Bool?

    public init(_ info: NetlinkSystemInfo) {
        netnsMode = info.netnsMode.map { $0 == 0 ? .exclusive : .shared }
        copyOnFork = (info.copyOnFork ?? 0) != 0
        privilegedQKeyMode = info.privilegedQKeyMode.map { $0 != 0 }
    }
}

extension Kernel {
    /// SYS_GET: EPROTONOSUPPORT without RDMA netlink; a kernel before 4.19 has no SYS_GET (EINVAL).
    public func rdmaSystemSettings() throws(KernelError) -> RdmaSystemSettings {
        RdmaSystemSettings(try netlinkSystem())
    }
}

extension RdmaSystemSettings {
    /// iproute2's `rdma -j system show` says `netns`, `copy-on-fork`, `privileged-qkey`
    /// (rdma/sys.c); here in snake_case like every rdmactl key, with the same values.
    public var json: JSONValue {
        var o = JSONObjectBuilder()
        o.add("netns", netnsMode?.rawValue)
        o.add("copy_on_fork", copyOnFork)
        o.add("privileged_qkey", privilegedQKeyMode)
        return o.value
    }
}
