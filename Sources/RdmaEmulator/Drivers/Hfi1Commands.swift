import CRdmaABI
import RdmaKit

/// The hfi1 commands the emulator dispatches with their checks and errno order but without a
/// data path (no TIDs are programmed, no receive queue exists). Shared by both eras; each era
/// passes what its entry point copied.
enum Hfi1Commands {
    /// The port's P_Key table as the emulator's sysfs shows it: the default partition 0xffff in
    /// entry 0, empty (0) entries after it (HFI1_MAX_PKEYS = 16).
    static func partitionKeys(_ kernel: KernelState, _ ref: ContextRef) -> [UInt16] {
        let count = kernel.devices[ref.device]?.port(1)?.pkeyCount ?? 0
        return (0..<count).map { $0 == 0 ? 0xffff : 0 }
    }

    /// set_ctxt_pkey: the management keys 0x7fff/0xffff → EINVAL; a key not in the port's
    /// table → ENOENT; else the context uses it (0).
    static func checkPartitionKey(_ key: UInt16, _ kernel: KernelState, _ ref: ContextRef) throws(KernelError) {
        if key == RDMAABI_HFI1_LIM_MGMT_P_KEY || key == RDMAABI_HFI1_FULL_MGMT_P_KEY { throw KernelError(.EINVAL) }
        guard partitionKeys(kernel, ref).contains(key) else { throw KernelError(.ENOENT) }
    }

    /// ioctl SET_PKEY (hfi1/file_ops.c set_ctxt_pkey, 4.14+): HFI1_CAP_PKEY_CHECK not set for
    /// user contexts → EPERM; get_user(u16) → EFAULT; then checkPartitionKey.
    static func setPartitionKey(_ state: Hfi1FileState, pointer: UInt64, kernel: KernelState) throws(KernelError) {
        guard let ref = state.context else { throw KernelError(.EINVAL) }
        if !Hfi1Capabilities.userSet(RDMAABI_HFI1_CAP_PKEY_CHECK) { throw KernelError(.EPERM) }
        let key = try kernel.copyFromUser(UInt16.self, at: pointer)
        try checkPartitionKey(key, kernel, ref)
    }

    /// ioctl RECV_CTRL (manage_rcvq, 4.14+): a sub-context returns 0 at once; else
    /// get_user(int) → EFAULT; enabling or disabling the receive context cannot fail.
    static func receiveControl(_ state: Hfi1FileState, pointer: UInt64, kernel: KernelState) throws(KernelError) {
        guard let ref = state.context else { throw KernelError(.EINVAL) }
        if ref.subcontext != 0 { return }
        _ = try kernel.copyFromUser(Int32.self, at: pointer)
    }

    /// CTXT_RESET (ctxt_reset): waits up to SEND_CTXT_HALT_TIMEOUT for the send context to be
    /// halted; an emulated send context never halts, so the answer is the timeout's ENOLCK —
    /// at once, since the emulator never blocks.
    static func contextReset() -> KernelError {
        KernelError(.ENOLCK, .other("hfi1: send context is not halted"))
    }

    /// ioctl TID_UPDATE / TID_FREE / TID_INVAL_READ (user_exp_rcv_setup/_clear/_invalid):
    /// `_IOC_SIZE` other than sizeof(hfi1_tid_info) → EINVAL; copy_from_user → EFAULT; then the
    /// operation and the copy back of `tidcnt` (and `length` for UPDATE) → EFAULT.
    static func tid(cmd: IoctlRequest, argument: UInt64, size: Int, kernel: inout KernelState) throws(KernelError) {
        if size != CStruct.size(of: hfi1_tid_info.self) { throw KernelError(.EINVAL) }
        // TID_INVAL_READ: `!fd->invalid_tids` → EINVAL. The emulator's files cache TIDs
        // (`fd->use_mn`), so the invalidation list exists.
        let info = try kernel.copyFromUser(hfi1_tid_info.self, at: argument)
        try tidOperation(isUpdate: cmd == RDMAABI_HFI1_IOCTL_TID_UPDATE, info, address: argument, kernel: &kernel)
    }

    /// The TID operation proper, shared with the write era. UPDATE (hfi1_user_exp_rcv_setup):
    /// a vaddr that is not page aligned or a zero length → EINVAL. The emulator programs no
    /// RcvArray entries: every operation reports `tidcnt` 0 (and UPDATE `length` 0) back.
    static func tidOperation(isUpdate: Bool, _ info: hfi1_tid_info, address: UInt64,
                             kernel: inout KernelState) throws(KernelError) {
        if isUpdate, info.vaddr % UserMemoryRegistry.pageSize != 0 || info.length == 0 {
            throw KernelError(.EINVAL)
        }
        let tidcnt = UInt64(MemoryLayout<hfi1_tid_info>.offset(of: \.tidcnt)!)
        try kernel.copyToUser(UInt32(0), at: address + tidcnt)
        if isUpdate {
            let length = UInt64(MemoryLayout<hfi1_tid_info>.offset(of: \.length)!)
            try kernel.copyToUser(UInt32(0), at: address + length)
        }
    }
}
