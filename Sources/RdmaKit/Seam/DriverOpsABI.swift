import CRdmaABI

/// The proposed driver-ops uAPI's numbers, from the C shim (Docs/ABI.md §2): shared by both
/// kernels behind the seam and by the client that builds requests.
public enum DriverOpsABI {
    /// `RDMA_GET_DRIVER_OPS_FD` = `_IOWR(0x1b, 0x10, struct rdma_driver_ops_req)` = 0xc0601b10.
    public static let requestNumber = UInt(RDMAABI_GET_DRIVER_OPS_FD)
    /// `sizeof(struct rdma_driver_ops_req)` (96).
    public static let requestSize = MemoryLayout<rdmaabi_driver_ops_req>.size

    /// Whether `request` is the driver-ops ioctl in any size or direction: the kernel dispatches
    /// on type and nr (Docs/ABI.md §3 step 0), and such a request may yield a descriptor, so the
    /// plain `ioctl` verb refuses it (EINVAL) and `driverOpsRequest` takes it.
    public static func yieldsDescriptor(_ request: UInt) -> Bool {
        let cmd = UInt(UInt32(truncatingIfNeeded: request))
        return rdmaabi_ioc_type(cmd) == RDMAABI_IOCTL_MAGIC && rdmaabi_ioc_nr(cmd) == RDMAABI_GET_DRIVER_OPS_FD_NR
    }

    static var refusal: KernelError {
        KernelError(.EINVAL, .other("RDMA_GET_DRIVER_OPS_FD yields a descriptor: use the driverOpsRequest verb"))
    }
}

extension KernelError {
    /// What the plain `ioctl` verb answers for a descriptor-yielding request.
    public static var descriptorRequestRefused: KernelError { DriverOpsABI.refusal }
}
