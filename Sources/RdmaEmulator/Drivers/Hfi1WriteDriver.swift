import CRdmaABI
import RdmaKit

/// /dev/hfi1_N of the write() era (staging hfi1, Linux 4.3–4.6, user ABI major 5; profile
/// `legacy`): drivers/staging/rdma/hfi1/file_ops.c `hfi1_file_ops` — `.write` =
/// hfi1_file_write, no `unlocked_ioctl` (so every ioctl, GET_VERS included, is ENOTTY from
/// fs/ioctl.c: the protocol default), no `.read` (EINVAL, also the default).
///
/// The write-era *minor* is not known (ABI-FACTS §2.5, §11: only USER_INFO's `sw_version`
/// tells it, and no 4.6 header was available); the emulator reports 5.0.
struct Hfi1WriteDriver: EmulatedDriver {
    let unit: Int

    /// `hfi1_base_info.sw_version` of the write era: (HFI1_KERN_TYPE << 31) | (5 << 16) | 0.
    static let swVersion: UInt32 = (RDMAABI_HFI1_KERN_TYPE << 31)
        | (RDMAABI_HFI1_WRITE_ERA_SWMAJOR << RDMAABI_HFI1_SWMAJOR_SHIFT) | 0

    func open(_ file: inout OpenFile, kernel: inout KernelState) throws(KernelError) {
        try Hfi1.open(&file, unit: unit, checksPresence: false, kernel: kernel)
    }

    func release(_ file: inout OpenFile, kernel: inout KernelState) {
        Hfi1.release(&file, kernel: &kernel)
    }

    func leakDetail(_ file: OpenFile) -> String? { Hfi1.leakDetail(file) }

    /// What a command type copies in from `cmd.addr` and whether it needs a context or root.
    private struct Shape {
        var copy = 0
        var contextRequired = true
        var mustBeRoot = false
    }

    /// hfi1_file_write, in its order (ABI-FACTS §2.8, §11): `count < sizeof(struct hfi1_cmd)`
    /// → EINVAL; unknown type (GET_VERS 14 included: the 4.6 switch has no case for it) →
    /// EINVAL; the payload is copied from `addr` *before* the context check (EFAULT); a command
    /// that needs a context without one → EINVAL; EP_* without CAP_SYS_ADMIN (the opener is not
    /// uid 0) → EPERM; success returns `consumed` = 16 + bytes copied.
    ///
    /// Not modelled: the 2016 security fix's first check, `ib_safe_file_access(fp)` → EACCES
    /// (the writer's credentials are not the opener's `f_cred`, or a kernel-mode access). The
    /// emulated process has one fixed set of credentials and passes no files around, so every
    /// write comes from the credentials that opened the file and the check always passes.
    func write(_ file: inout OpenFile, _ bytes: [UInt8], kernel: inout KernelState) throws(KernelError) -> Int {
        let header = CStruct.size(of: rdmaabi_hfi1_cmd.self)
        if bytes.count < header { throw KernelError(.EINVAL, .other("hfi1: write of \(bytes.count) bytes, need \(header)")) }
        let cmd = CStruct.decode(rdmaabi_hfi1_cmd.self, from: bytes)
        guard let shape = Self.shape(of: cmd.type) else {
            throw KernelError(.EINVAL, .other("hfi1: unknown command type \(cmd.type)"))
        }
        var consumed = header
        var payload: [UInt8] = []
        if shape.copy > 0 {
            payload = try kernel.memory.copyFromUser(cmd.addr, count: shape.copy)
            consumed += shape.copy
        }
        var state = file.hfi1State
        defer { file.hfi1State = state }
        if shape.contextRequired, state.context == nil { throw KernelError(.EINVAL, .other("hfi1: no context assigned yet")) }
        if shape.mustBeRoot, file.credentials.uid != 0 { throw KernelError(.EPERM) }
        try run(cmd, payload: payload, state: &state, credentials: file.credentials, kernel: &kernel)
        return consumed
    }

    /// The first switch of hfi1_file_write: nil for a type it does not know.
    private static func shape(of type: UInt32) -> Shape? {
        switch type {
        case RDMAABI_HFI1_CMD_ASSIGN_CTXT:
            return Shape(copy: CStruct.size(of: rdmaabi_hfi1_user_info_v5.self), contextRequired: false)
        case RDMAABI_HFI1_CMD_SDMA_STATUS_UPD, RDMAABI_HFI1_CMD_CREDIT_UPD:
            return Shape()
        case RDMAABI_HFI1_CMD_TID_UPDATE, RDMAABI_HFI1_CMD_TID_FREE, RDMAABI_HFI1_CMD_TID_INVAL_READ:
            return Shape(copy: CStruct.size(of: hfi1_tid_info.self))
        case RDMAABI_HFI1_CMD_USER_INFO, RDMAABI_HFI1_CMD_RECV_CTRL, RDMAABI_HFI1_CMD_POLL_TYPE,
             RDMAABI_HFI1_CMD_ACK_EVENT, RDMAABI_HFI1_CMD_CTXT_INFO, RDMAABI_HFI1_CMD_SET_PKEY,
             RDMAABI_HFI1_CMD_CTXT_RESET:
            return Shape()                                      // `addr` is a value or pointer
        case RDMAABI_HFI1_CMD_EP_INFO, RDMAABI_HFI1_CMD_EP_ERASE_CHIP, RDMAABI_HFI1_CMD_EP_ERASE_RANGE,
             RDMAABI_HFI1_CMD_EP_READ_RANGE, RDMAABI_HFI1_CMD_EP_WRITE_RANGE:
            return Shape(contextRequired: false, mustBeRoot: true)
        default:
            return nil
        }
    }

    /// The second switch of hfi1_file_write.
    private func run(_ cmd: rdmaabi_hfi1_cmd, payload: [UInt8], state: inout Hfi1FileState,
                     credentials: Credentials, kernel: inout KernelState) throws(KernelError) {
        let value = cmd.addr                                        // user_val = cmd.addr
        switch cmd.type {
        case RDMAABI_HFI1_CMD_ASSIGN_CTXT:
            // The staging driver had no "already assigned" check and would take a second
            // context, leaking the first; the emulator answers EINVAL as 4.7's assign_ctxt does.
            if state.context != nil { throw KernelError(.EINVAL, .other("hfi1: context already assigned")) }
            let request = Hfi1AssignRequest(CStruct.decode(rdmaabi_hfi1_user_info_v5.self, from: payload))
            if request.major != RDMAABI_HFI1_WRITE_ERA_SWMAJOR {
                throw KernelError(.ENODEV, .other("hfi1: user major \(request.major), driver major \(RDMAABI_HFI1_WRITE_ERA_SWMAJOR)"))
            }
            // assign_ctxt, then setup_ctxt and user_init (which cannot fail here).
            state.context = try kernel.hfi1AssignStaging(unit: unit, request, credentials: credentials)
        case RDMAABI_HFI1_CMD_CTXT_INFO:
            // get_ctxt_info copies the whole struct whatever `len` says.
            try kernel.copyToUser(try kernel.hfi1ContextInfo(state.context!, file: state), at: value)
        case RDMAABI_HFI1_CMD_USER_INFO:
            // get_base_info copies min(len, sizeof(binfo)).
            let info = try kernel.hfi1BaseInfo(state.context!, swVersion: Self.swVersion)
            try kernel.copyToUser(info, at: value, count: min(Int(cmd.len), CStruct.size(of: hfi1_base_info.self)))
        case RDMAABI_HFI1_CMD_SDMA_STATUS_UPD, RDMAABI_HFI1_CMD_CREDIT_UPD, RDMAABI_HFI1_CMD_RECV_CTRL,
             RDMAABI_HFI1_CMD_ACK_EVENT:
            break                                                   // values; cannot fail
        case RDMAABI_HFI1_CMD_TID_UPDATE:
            // hfi1_user_exp_rcv_setup, then tidcnt and length (adjacent) copied back in one
            // copy_to_user — the caller's own values when nothing was programmed.
            let info = CStruct.decode(hfi1_tid_info.self, from: payload)
            let result = try Hfi1Commands.setup(info, era: .write, state: &state, kernel: &kernel)
                ?? Hfi1Commands.Programmed(tidcnt: info.tidcnt, length: info.length)
            let tidcnt = UInt64(MemoryLayout<hfi1_tid_info>.offset(of: \.tidcnt)!)
            try kernel.memory.copyToUser(cmd.addr + tidcnt, CStruct.encode(result.tidcnt) + CStruct.encode(result.length))
        case RDMAABI_HFI1_CMD_TID_FREE, RDMAABI_HFI1_CMD_TID_INVAL_READ:
            let info = CStruct.decode(hfi1_tid_info.self, from: payload)
            let count = cmd.type == RDMAABI_HFI1_CMD_TID_FREE
                ? try Hfi1Commands.clear(info, state: &state, kernel: &kernel)
                : try Hfi1Commands.invalidRead(state, kernel: kernel)
            try kernel.copyToUser(count, at: cmd.addr + UInt64(MemoryLayout<hfi1_tid_info>.offset(of: \.tidcnt)!))
        case RDMAABI_HFI1_CMD_POLL_TYPE:
            state.pollType = Int32(truncatingIfNeeded: value)
        case RDMAABI_HFI1_CMD_SET_PKEY:
            if !Hfi1Commands.pkeyCheckEnabled(kernel) { throw KernelError(.EPERM) }
            try Hfi1Commands.checkPartitionKey(UInt16(truncatingIfNeeded: value), kernel, state.context!)
        case RDMAABI_HFI1_CMD_CTXT_RESET:
            try Hfi1Commands.contextReset(state.context!, kernel: &kernel)
        default:
            // EP_* as root: eprom.c handle_eprom_command — "some devices do not have an EPROM";
            // the emulated adapter has none.
            throw KernelError(.EOPNOTSUPP, .other("hfi1: the emulated adapter has no EPROM"))
        }
    }
}
