import CRdmaABI
import RdmaKit

/// `/dev/infiniband/uverbsN` of one ib device (core/uverbs_main.c `uverbs_fops`).
///
/// ioctl: RDMA_GET_DRIVER_OPS_FD under the `proposed` profile (DriverOps.swift; ENOTTY
/// elsewhere — a kernel without it), RDMA_VERBS_IOCTL's header checks, everything else ENOTTY
/// (`ib_uverbs_ioctl` returns -ENOIOCTLCMD). write() and read() keep the protocol's EINVAL:
/// the legacy write() command channel is not modelled, and the uverbs cdev has no read.
struct UverbsDriver: EmulatedDriver {
    /// The ib device name (e.g. "hfi1_0").
    let device: String
    let profile: Profile
    /// Files the driver-ops ioctl created, by handle id → facet name: the core's list of
    /// files to disassociate on hot-unplug (left to the hot-unplug work). Handle ids are never
    /// reused, so entries of closed handles are harmless; filter by `KernelState.files`.
    var driverOpsFiles: [Int: String] = [:]

    init(device: String, profile: Profile) {
        self.device = device
        self.profile = profile
    }

    mutating func ioctl(_ file: inout OpenFile, request: UInt, argument: UInt64,
                        kernel: inout KernelState) throws(KernelError) -> Int {
        // vfs_ioctl hands drivers an `unsigned int cmd`.
        let request = UInt(UInt32(truncatingIfNeeded: request))
        if DriverOpsRequest.matches(request) {
            guard profile.hasDriverOpsIoctl else { throw KernelError(.ENOTTY) }
            return try getDriverOpsFD(file, request: request, argument: argument, kernel: &kernel)
        }
        if request == RDMAABI_VERBS_IOCTL {
            return try verbsIoctl(argument: argument, kernel: kernel)
        }
        throw KernelError(.ENOTTY)
    }

    /// The driver-ops handles of this device still open.
    func openDriverOpsHandles(in state: KernelState) -> [Int] {
        driverOpsFiles.keys.filter { state.files[$0] != nil }.sorted()
    }

    /// RDMA_VERBS_IOCTL (core/uverbs_ioctl.c `ib_uverbs_ioctl`, `ib_uverbs_cmd_verbs`;
    /// ABI-FACTS §4.2), header checks in the kernel's order: copy fault → EFAULT; `length` over
    /// a page or not 24 + 16·num_attrs → EINVAL; reserved1/2 non-zero → EPROTONOSUPPORT;
    /// `driver_id` not the device's → EINVAL. The emulated core registers no objects or methods,
    /// so a well-formed header names an unknown method: EPROTONOSUPPORT, rdma-core's cue to fall
    /// back to write() for that command.
    private func verbsIoctl(argument: UInt64, kernel: KernelState) throws(KernelError) -> Int {
        let header = try kernel.memory.copyFromUser(argument, count: MemoryLayout<ib_uverbs_ioctl_hdr>.size)
        func u16(_ at: Int) -> UInt64 { UInt64(header[at]) | UInt64(header[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt64 { u16(at) | u16(at + 2) << 16 }
        func u64(_ at: Int) -> UInt64 { u32(at) | u32(at + 4) << 32 }
        let length = u16(0), numAttrs = u16(6)
        let attrSize = UInt64(MemoryLayout<ib_uverbs_attr>.size)
        guard length <= 4096, length == UInt64(header.count) + numAttrs * attrSize else {
            throw KernelError(.EINVAL, .other("ioctl header length \(length) for \(numAttrs) attributes"))
        }
        guard u64(8) == 0, u32(20) == 0 else { throw KernelError(.EPROTONOSUPPORT) }
        guard let fixture = kernel.devices[device]?.probe.fixture else { throw KernelError(.EIO) }
        let driverID = fixture.driver == .hfi1 ? RDMAABI_DRIVER_HFI1 : RDMAABI_DRIVER_QIB
        guard u32(16) == UInt64(driverID) else {
            throw KernelError(.EINVAL, .other("driver_id \(u32(16)) is not \(device)'s \(driverID)"))
        }
        throw KernelError(.EPROTONOSUPPORT, .other("the emulated uverbs core has no ioctl methods"))
    }
}
