import CRdmaABI
import RdmaKit

/// /dev/ipathN (`unit`) and the wildcard /dev/ipath (`unit` nil), every profile, user ABI 1.13:
/// qib/qib_file_ops.c `qib_file_ops` — `.write` = qib_write, `write_iter` (SDMA), open,
/// release. No `unlocked_ioctl` (any ioctl → ENOTTY, the protocol default), no `.read`
/// (EINVAL, also the default).
struct QibDriver: EmulatedDriver {
    let unit: Int?

    func open(_ file: inout OpenFile, kernel: inout KernelState) throws(KernelError) {
        Qib.open(&file)
    }

    func release(_ file: inout OpenFile, kernel: inout KernelState) {
        Qib.release(&file, kernel: &kernel)
    }

    func leakDetail(_ file: OpenFile) -> String? { Qib.leakDetail(file) }

    /// qib_write, in its order (ABI-FACTS §3.2, §11): `count < sizeof(cmd.type)` → EINVAL; a
    /// type it does not handle (16, 22, 25, 26, 30, 33, CPUS_LIST 36, …) → EINVAL;
    /// `count - 4 <` the payload's size → EINVAL; the payload is copied from the union at
    /// offset 8; no context and not ASSIGN_CTXT → EINVAL; success returns 4 + payload size
    /// (36 for ASSIGN_CTXT and USER_INIT).
    ///
    /// The kernel checks `count - 4` but copies from offset 8, so a 36-byte ASSIGN_CTXT reads
    /// four bytes past `count`; the emulator reads bytes it was not given as zero.
    ///
    /// Not modelled: qib_write's first check since the 2016 security fix,
    /// `ib_safe_file_access(fp)` → EACCES (writer's credentials not the opener's `f_cred`). The
    /// emulated process has one fixed set of credentials and passes no files around, so the
    /// check always passes.
    func write(_ file: inout OpenFile, _ bytes: [UInt8], kernel: inout KernelState) throws(KernelError) -> Int {
        let typeSize = MemoryLayout.size(ofValue: CStruct.zeroed(rdmaabi_qib_cmd.self).type)
        if bytes.count < typeSize { throw KernelError(.EINVAL, .other("qib: write of \(bytes.count) bytes")) }
        let command = CStruct.decode(rdmaabi_qib_cmd.self, from: bytes)
        guard let copy = QibPayload.size(of: command.type) else {
            throw KernelError(.EINVAL, .other("qib: unknown command type \(command.type)"))
        }
        if bytes.count - typeSize < copy {
            throw KernelError(.EINVAL, .other("qib: \(bytes.count - typeSize) payload bytes, command \(command.type) needs \(copy)"))
        }
        let payload = command.cmd
        var state = file.qibState
        defer { file.qibState = state }
        if state.context == nil, command.type != RDMAABI_QIB_CMD_ASSIGN_CTXT {
            throw KernelError(.EINVAL, .other("qib: no context assigned yet"))
        }
        try run(command.type, payload, state: &state, kernel: &kernel)
        return typeSize + copy
    }

    /// The second switch of qib_write.
    private func run(_ type: UInt32, _ payload: rdmaabi_qib_cmd_payload, state: inout QibFileState,
                     kernel: inout KernelState) throws(KernelError) {
        switch type {
        case RDMAABI_QIB_CMD_ASSIGN_CTXT:
            // qib_write: `if (rcd) -EINVAL`; qib_assign_ctxt: major other than
            // QIB_USER_SWMAJOR → ENODEV; then sharing, unit and port choice.
            if state.context != nil { throw KernelError(.EINVAL, .other("qib: context already assigned")) }
            let request = QibAssignRequest(payload.user_info)
            if request.major != RDMAABI_QIB_USER_SWMAJOR {
                throw KernelError(.ENODEV, .other("qib: user major \(request.major), driver major \(RDMAABI_QIB_USER_SWMAJOR)"))
            }
            state.context = try kernel.qibAssign(unit: unit, request)
        case RDMAABI_QIB_CMD_USER_INIT:
            try QibCommands.userInit(state.context!, payload.user_info, kernel: &kernel)
        case RDMAABI_QIB_CMD_CTXT_INFO:
            // qib_ctxt_info: copy_to_user of the whole struct → EFAULT.
            try kernel.copyToUser(try kernel.qibContextInfo(state.context!, file: state), at: payload.ctxt_info)
        case RDMAABI_QIB_CMD_RECV_CTRL, RDMAABI_QIB_CMD_PIOAVAILUPD, RDMAABI_QIB_CMD_ARMLAUNCH_CTRL:
            break                       // qib_manage_rcvq, force_pio_avail_update, f_set_armlaunch
        case RDMAABI_QIB_CMD_POLL_TYPE:
            state.pollType = payload.poll_type
        case RDMAABI_QIB_CMD_TID_UPDATE:
            try QibCommands.tidUpdate(payload.tid_info, kernel: &kernel)
        case RDMAABI_QIB_CMD_TID_FREE:
            try QibCommands.tidFree(payload.tid_info, kernel: kernel)
        case RDMAABI_QIB_CMD_SET_PART_KEY:
            try QibCommands.setPartitionKey(payload.part_key, state.context!, kernel: &kernel)
        case RDMAABI_QIB_CMD_DISARM_BUFS, RDMAABI_QIB_CMD_ACK_EVENT:
            // disarm_req_delay: a usable port answers 0 (an unusable one would sleep, then
            // ENETDOWN; an emulated context's port is always usable).
            break
        case RDMAABI_QIB_CMD_SDMA_INFLIGHT:
            try kernel.copyToUser(UInt32(0), at: payload.sdma_inflight)     // put_user(counter)
        case RDMAABI_QIB_CMD_SDMA_COMPLETE:
            try kernel.copyToUser(UInt32(0), at: payload.sdma_complete)
        default:
            throw KernelError(.EINVAL)
        }
    }
}

/// The first switch of qib_write: how many payload bytes each command copies from the union.
enum QibPayload {
    /// nil for a type qib_write does not handle.
    static func size(of type: UInt32) -> Int? {
        let zero = CStruct.zeroed(rdmaabi_qib_cmd_payload.self)
        switch type {
        case RDMAABI_QIB_CMD_ASSIGN_CTXT, RDMAABI_QIB_CMD_USER_INIT: return MemoryLayout.size(ofValue: zero.user_info)
        case RDMAABI_QIB_CMD_RECV_CTRL: return MemoryLayout.size(ofValue: zero.recv_ctrl)
        case RDMAABI_QIB_CMD_CTXT_INFO: return MemoryLayout.size(ofValue: zero.ctxt_info)
        case RDMAABI_QIB_CMD_TID_UPDATE, RDMAABI_QIB_CMD_TID_FREE: return MemoryLayout.size(ofValue: zero.tid_info)
        case RDMAABI_QIB_CMD_SET_PART_KEY: return MemoryLayout.size(ofValue: zero.part_key)
        case RDMAABI_QIB_CMD_DISARM_BUFS, RDMAABI_QIB_CMD_PIOAVAILUPD: return 0
        case RDMAABI_QIB_CMD_POLL_TYPE: return MemoryLayout.size(ofValue: zero.poll_type)
        case RDMAABI_QIB_CMD_ARMLAUNCH_CTRL: return MemoryLayout.size(ofValue: zero.armlaunch_ctrl)
        case RDMAABI_QIB_CMD_SDMA_INFLIGHT: return MemoryLayout.size(ofValue: zero.sdma_inflight)
        case RDMAABI_QIB_CMD_SDMA_COMPLETE: return MemoryLayout.size(ofValue: zero.sdma_complete)
        case RDMAABI_QIB_CMD_ACK_EVENT: return MemoryLayout.size(ofValue: zero.event_mask)
        default: return nil
        }
    }
}
