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
    /// `uverbs_api.driver_id` (enum rdma_driver_id): the kernel builds the device's uverbs API
    /// when the device registers and keeps it until the last file is gone, so a file whose
    /// device was removed still has it. Recorded at the first open, while the device exists.
    private(set) var driverID: UInt32?

    init(device: String, profile: Profile) {
        self.device = device
        self.profile = profile
    }

    mutating func open(_ file: inout OpenFile, kernel: inout KernelState) throws(KernelError) {
        if driverID == nil, let probe = kernel.devices[device]?.probe {
            driverID = NldevDevice(probe: probe).driverID
        }
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
    /// ABI-FACTS §4.2), in the kernel's order: copy fault → EFAULT; `length` over PAGE_SIZE or not
    /// `struct_size(hdr, attrs, num_attrs)` → EINVAL; reserved1/2 non-zero → EPROTONOSUPPORT;
    /// `driver_id` not the device's → EINVAL; then the method lookup. The emulated core registers
    /// no objects or methods, so a well-formed header names an unknown method: EPROTONOSUPPORT,
    /// rdma-core's cue to fall back to write() for that command. A removed (disassociated) device
    /// changes none of this: EIO comes only from a method running on the dead ucontext, and no
    /// method runs.
    private func verbsIoctl(argument: UInt64, kernel: KernelState) throws(KernelError) -> Int {
        let header = try kernel.copyFromUser(ib_uverbs_ioctl_hdr.self, at: argument)
        let length = Int(header.length), numAttrs = Int(header.num_attrs)
        let expected = MemoryLayout<ib_uverbs_ioctl_hdr>.size + numAttrs * MemoryLayout<ib_uverbs_attr>.size
        guard UInt64(length) <= UInt64(RDMAABI_PAGE_SIZE), length == expected else {
            throw KernelError(.EINVAL, .other("ioctl header length \(length) for \(numAttrs) attributes"))
        }
        guard header.reserved1 == 0, header.reserved2 == 0 else { throw KernelError(.EPROTONOSUPPORT) }
        // The id recorded at open; a file opened with no device behind it has no uverbs API.
        guard let driverID = driverID ?? kernel.devices[device].map({ NldevDevice(probe: $0.probe).driverID }) else {
            throw KernelError(.EIO, .other("\(device) has no uverbs API"))
        }
        guard header.driver_id == driverID else {
            throw KernelError(.EINVAL, .other("driver_id \(header.driver_id) is not \(device)'s \(driverID)"))
        }
        throw KernelError(.EPROTONOSUPPORT, .other("the emulated uverbs core has no ioctl methods"))
    }
}
