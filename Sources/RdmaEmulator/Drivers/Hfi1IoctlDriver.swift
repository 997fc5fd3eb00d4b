import CRdmaABI
import RdmaKit

/// /dev/hfi1_N of the ioctl era (Linux 4.7+, user ABI 6.3; profiles `proposed` and `mainline`):
/// hfi1/file_ops.c `hfi1_file_ops` — open, release, `unlocked_ioctl` = hfi1_file_ioctl,
/// `write_iter` (SDMA only). No `.write`, no `.read`.
struct Hfi1IoctlDriver: EmulatedDriver {
    let unit: Int

    func open(_ file: inout OpenFile, kernel: inout KernelState) throws(KernelError) {
        try Hfi1.open(&file, unit: unit, checksPresence: true, kernel: kernel)
    }

    func release(_ file: inout OpenFile, kernel: inout KernelState) {
        Hfi1.release(&file, kernel: &kernel)
    }

    func leakDetail(_ file: OpenFile) -> String? { Hfi1.leakDetail(file) }

    /// hfi1_file_ioctl, in its order: without a context only ASSIGN_CTXT and GET_VERS pass
    /// (else EINVAL); then an exact match on the command number — an unknown command, or a
    /// known one with another size or direction encoded, is EINVAL (never ENOTTY).
    func ioctl(_ file: inout OpenFile, request: UInt, argument: UInt64,
               kernel: inout KernelState) throws(KernelError) -> Int {
        let cmd = IoctlRequest(request)
        var state = file.hfi1State
        defer { file.hfi1State = state }
        if !(cmd == RDMAABI_HFI1_IOCTL_ASSIGN_CTXT || cmd == RDMAABI_HFI1_IOCTL_GET_VERS), state.context == nil {
            throw KernelError(.EINVAL, .other("hfi1: no context assigned yet"))
        }
        switch UInt(cmd.cmd) {
        case RDMAABI_HFI1_IOCTL_ASSIGN_CTXT:
            try assignContext(&state, argument: argument, size: cmd.size, credentials: file.credentials,
                              kernel: &kernel)
        case RDMAABI_HFI1_IOCTL_CTXT_INFO:
            try contextInfo(state, argument: argument, size: cmd.size, kernel: &kernel)
        case RDMAABI_HFI1_IOCTL_USER_INFO:
            try baseInfo(state, argument: argument, size: cmd.size, kernel: &kernel)
        case RDMAABI_HFI1_IOCTL_CREDIT_UPD:
            break                                   // sc_return_credits
        case RDMAABI_HFI1_IOCTL_TID_UPDATE, RDMAABI_HFI1_IOCTL_TID_FREE, RDMAABI_HFI1_IOCTL_TID_INVAL_READ:
            try Hfi1Commands.tid(cmd: cmd, argument: argument, size: cmd.size, state: &state, kernel: &kernel)
        case RDMAABI_HFI1_IOCTL_RECV_CTRL:
            try Hfi1Commands.receiveControl(state, pointer: argument, kernel: kernel)
        case RDMAABI_HFI1_IOCTL_POLL_TYPE:
            state.pollType = try kernel.copyFromUser(Int32.self, at: argument)    // get_user(int)
        case RDMAABI_HFI1_IOCTL_ACK_EVENT:
            _ = try kernel.copyFromUser(UInt64.self, at: argument)               // get_user(unsigned long)
        case RDMAABI_HFI1_IOCTL_SET_PKEY:
            try Hfi1Commands.setPartitionKey(state, pointer: argument, kernel: kernel)
        case RDMAABI_HFI1_IOCTL_CTXT_RESET:
            try Hfi1Commands.contextReset(state.context!, kernel: &kernel)
        case RDMAABI_HFI1_IOCTL_GET_VERS:
            // put_user(HFI1_USER_SWVERSION, (int __user *)arg)
            try kernel.copyToUser(Int32(bitPattern: RDMAABI_HFI1_USER_SWVERSION), at: argument)
        default:
            throw KernelError(.EINVAL, .other("hfi1: unknown ioctl 0x\(hex(UInt64(cmd.cmd), width: 8))"))
        }
        return 0
    }

    /// hfi1_write_iter on an ioctl-era file. Modern order: SDMA not enabled → EINVAL; not a
    /// user-backed iovec → EINVAL (write() always is); no SDMA queues, i.e. no context yet →
    /// EIO — what an old write()-era library gets for its ASSIGN_CTXT (ABI-FACTS §2.8). With a
    /// context the bytes would be SDMA requests; the emulator has no SDMA engine and answers
    /// EINVAL, as hfi1_user_sdma_process_request does for a request it cannot parse.
    func write(_ file: inout OpenFile, _ bytes: [UInt8], kernel: inout KernelState) throws(KernelError) -> Int {
        if !Hfi1Capabilities.kernelSet(RDMAABI_HFI1_CAP_SDMA, in: kernel.hfi1CapabilityMask) { throw KernelError(.EINVAL) }
        guard file.hfi1State.context != nil else {
            throw KernelError(.EIO, .other("hfi1: write() before ASSIGN_CTXT (no SDMA queues)"))
        }
        throw KernelError(.EINVAL, .other("hfi1: the emulator models no SDMA requests"))
    }

    // MARK: commands

    /// assign_ctxt (hfi1/file_ops.c): already has a context → EINVAL; `_IOC_SIZE` other than
    /// sizeof(hfi1_user_info) → EINVAL; copy fault → EFAULT; `userversion >> 16` other than
    /// HFI1_USER_SWMAJOR → ENODEV (the minor is ignored); `subctxt_cnt > HFI1_MAX_SHARED_CTXTS`
    /// → EINVAL; then sharing and allocation (`KernelState.hfi1AssignModern`).
    private func assignContext(_ state: inout Hfi1FileState, argument: UInt64, size: Int,
                               credentials: Credentials, kernel: inout KernelState) throws(KernelError) {
        if state.context != nil { throw KernelError(.EINVAL, .other("hfi1: context already assigned")) }
        if size != CStruct.size(of: hfi1_user_info.self) { throw KernelError(.EINVAL) }
        let request = Hfi1AssignRequest(try kernel.copyFromUser(hfi1_user_info.self, at: argument))
        if request.major != RDMAABI_HFI1_USER_SWMAJOR {
            throw KernelError(.ENODEV, .other("hfi1: user major \(request.major), driver major \(RDMAABI_HFI1_USER_SWMAJOR)"))
        }
        if request.subcontextCount > Int(RDMAABI_HFI1_MAX_SHARED_CTXTS) { throw KernelError(.EINVAL) }
        guard let name = kernel.deviceName(.hfi1, unit: unit) else { throw KernelError(.ENODEV) }
        state.context = try kernel.hfi1AssignModern(device: name, request, credentials: credentials)
    }

    /// get_ctxt_info: `_IOC_SIZE` other than sizeof(hfi1_ctxt_info) → EINVAL; copy_to_user of
    /// the whole struct → EFAULT.
    private func contextInfo(_ state: Hfi1FileState, argument: UInt64, size: Int,
                             kernel: inout KernelState) throws(KernelError) {
        guard let ref = state.context else { throw KernelError(.EINVAL) }
        if size != CStruct.size(of: hfi1_ctxt_info.self) { throw KernelError(.EINVAL) }
        try kernel.copyToUser(try kernel.hfi1ContextInfo(ref, file: state), at: argument, count: size)
    }

    /// get_base_info: `_IOC_SIZE` other than sizeof(hfi1_base_info) → EINVAL; copies `len`
    /// bytes (older kernels: min(len, sizeof)) → EFAULT. sw_version = HFI1_KERN_SWVERSION.
    private func baseInfo(_ state: Hfi1FileState, argument: UInt64, size: Int,
                          kernel: inout KernelState) throws(KernelError) {
        guard let ref = state.context else { throw KernelError(.EINVAL) }
        if size != CStruct.size(of: hfi1_base_info.self) { throw KernelError(.EINVAL) }
        let info = try kernel.hfi1BaseInfo(ref, swVersion: RDMAABI_HFI1_KERN_SWVERSION)
        try kernel.copyToUser(info, at: argument, count: min(size, CStruct.size(of: hfi1_base_info.self)))
    }
}
