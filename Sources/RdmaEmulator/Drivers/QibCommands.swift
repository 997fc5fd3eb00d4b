import CRdmaABI
import RdmaKit

/// qib commands past ASSIGN_CTXT (qib/qib_file_ops.c), with their checks and errno order; the
/// emulator has no receive queues, PIO buffers or expected-receive TIDs behind them.
enum QibCommands {
    /// QIB_CMD_USER_INIT: `qib_do_user_init` then `qib_get_base_info(spu_base_info,
    /// spu_base_info_size)`. A slave sub-context waits for its master's USER_INIT in the kernel;
    /// the emulator never blocks and answers EAGAIN instead. qib_get_base_info: a buffer smaller
    /// than the struct (than its old, 7 u64 shorter size when the context is not shared) →
    /// EINVAL; copy_to_user of min(size, sizeof) → EFAULT.
    static func userInit(_ ref: ContextRef, _ info: rdmaabi_qib_user_info, kernel: inout KernelState)
        throws(KernelError) {
        guard var context = kernel.devices[ref.device]?.userContexts[ref.number] else { throw KernelError(.EINVAL) }
        if ref.subcontext == 0 {
            context.masterInitialized = true
            kernel.devices[ref.device]!.userContexts[ref.number] = context
        } else if !context.masterInitialized {
            throw KernelError(.EAGAIN, .other("qib: the master of \(ref) has not run USER_INIT (the kernel would sleep)"))
        }
        let full = CStruct.size(of: rdmaabi_qib_base_info.self)
        let minimum = context.subcontextCount > 0 ? full : Int(RDMAABI_QIB_BASE_INFO_UNSHARED_SIZE)
        let size = Int(info.spu_base_info_size)
        if size < minimum {
            throw KernelError(.EINVAL, .other("qib: spu_base_info_size \(size) < \(minimum)"))
        }
        try kernel.copyToUser(try kernel.qibBaseInfo(ref), at: info.spu_base_info, count: min(size, full))
    }

    /// QIB_CMD_TID_UPDATE (qib_tid_update): `tidcnt` 0 → EFAULT (sic); the pages at `tidvaddr`
    /// must be pinnable (the emulator: registered user memory) → EFAULT; then the TID list
    /// (`tidcnt` u16, capped at the context's TIDs) and the TID bitmap are copied out →
    /// EFAULT. The emulator hands out TIDs 0..cnt-1 and does not track them.
    static func tidUpdate(_ info: rdmaabi_qib_tid_info, kernel: inout KernelState) throws(KernelError) {
        let count = Int(min(info.tidcnt, QibGeometry.expectedTIDs))
        if count == 0 { throw KernelError(.EFAULT) }
        _ = try kernel.memory.copyFromUser(info.tidvaddr, count: count * Int(RDMAABI_PAGE_SIZE))
        var list: [UInt8] = []
        var map = [UInt8](repeating: 0, count: Int(RDMAABI_QIB_TIDMAP_SIZE))   // unsigned long tidmap[8]
        for tid in 0..<count {
            list += CStruct.encode(UInt16(tid))
            map[tid / 8] |= 1 << (tid % 8)
        }
        try kernel.memory.copyToUser(info.tidlist, list)
        try kernel.memory.copyToUser(info.tidmap, map)
    }

    /// QIB_CMD_TID_FREE (qib_tid_free): the TID bitmap (`unsigned long tidmap[8]`) is copied in
    /// from `tidmap` → EFAULT.
    static func tidFree(_ info: rdmaabi_qib_tid_info, kernel: KernelState) throws(KernelError) {
        _ = try kernel.memory.copyFromUser(info.tidmap, count: Int(RDMAABI_QIB_TIDMAP_SIZE))
    }

    /// QIB_CMD_SET_PART_KEY (qib_set_part_key): the default key (its 15 key bits those of
    /// QIB_DEFAULT_P_KEY) is always valid → 0; key bits 0 → EINVAL; the key (full-member bit
    /// set) already set on this context → EEXIST; all of the context's `pkeys[4]` slots used →
    /// EBUSY. The port-wide key table and its reference counts are not modelled.
    static func setPartitionKey(_ key: UInt16, _ ref: ContextRef, kernel: inout KernelState) throws(KernelError) {
        let limited = key & RDMAABI_IB_PKEY_BASE_MASK
        if limited == RDMAABI_QIB_DEFAULT_P_KEY & RDMAABI_IB_PKEY_BASE_MASK { return }
        if limited == 0 { throw KernelError(.EINVAL) }
        let full = key | RDMAABI_IB_PKEY_FULL_MEMBER
        guard var context = kernel.devices[ref.device]?.userContexts[ref.number] else { throw KernelError(.EINVAL) }
        if context.partitionKeys.contains(full) { throw KernelError(.EEXIST) }
        if context.partitionKeys.count >= Int(RDMAABI_QIB_CTXT_PKEYS) { throw KernelError(.EBUSY) }
        context.partitionKeys.append(full)
        kernel.devices[ref.device]!.userContexts[ref.number] = context
    }
}
