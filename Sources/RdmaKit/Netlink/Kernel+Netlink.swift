/// The nldev queries on any kernel: the request goes through the seam's `netlinkRDMA` (which
/// returns the raw replies, NLMSG_ERROR included), the codec turns the replies into values and
/// an NLMSG_ERROR into a thrown errno. EPROTONOSUPPORT from the seam means the kernel has no
/// RDMA netlink at all.
extension Kernel {
    /// Every RDMA device, in the kernel's index order (core/nldev.c `nldev_get_dumpit`).
    public func netlinkDevices() throws(KernelError) -> [NetlinkDevice] {
        try RdmaNetlink.decodeDevices(netlinkRDMA(RdmaNetlink.deviceDump()))
    }

    /// The char device of an ib client (core/nldev.c `nldev_get_chardev`): EOPNOTSUPP when no
    /// client of that name offers one, EINVAL for a bad device index or port, or a kernel
    /// without GET_CHARDEV (before 5.3).
    public func netlinkChardev(_ type: String, deviceIndex: UInt32? = nil, port: UInt32? = nil) throws(KernelError) -> ChardevInfo {
        try RdmaNetlink.decodeChardev(netlinkRDMA(RdmaNetlink.chardevRequest(type: type, deviceIndex: deviceIndex, port: port)))
    }

    /// One port (core/nldev.c `nldev_port_get_doit`): EINVAL for an unknown device index or an
    /// invalid port.
    public func netlinkPort(deviceIndex: UInt32, port: UInt32) throws(KernelError) -> NetlinkPort {
        try RdmaNetlink.decodePort(netlinkRDMA(RdmaNetlink.portGet(deviceIndex: deviceIndex, port: port)))
    }

    /// Netns mode and copy-on-fork (core/nldev.c `nldev_sys_get_doit`).
    public func netlinkSystem() throws(KernelError) -> NetlinkSystemInfo {
        try RdmaNetlink.decodeSystem(netlinkRDMA(RdmaNetlink.systemGet()))
    }
}
