import CRdmaABI
import RdmaKit

/// The hfi1 commands past ASSIGN_CTXT, with their checks and errno order, shared by both eras;
/// each era passes what its entry point copied. There is no data path (no packets arrive), but
/// what user space can observe is state: TIDs taken and freed, send contexts halted by a freeze.
enum Hfi1Commands {
    /// The port's P_Key table as the emulator's sysfs shows it: the default partition 0xffff in
    /// entry 0, empty (0) entries after it (HFI1_MAX_PKEYS = 16).
    static func partitionKeys(_ kernel: KernelState, _ ref: ContextRef) -> [UInt16] {
        let count = kernel.devices[ref.device]?.port(1)?.pkeyCount ?? 0
        return (0..<count).map { $0 == 0 ? RDMAABI_HFI1_FULL_MGMT_P_KEY : 0 }
    }

    /// set_ctxt_pkey: the management keys 0x7fff/0xffff → EINVAL; a key not in the port's
    /// table → ENOENT; else the context uses it (0).
    static func checkPartitionKey(_ key: UInt16, _ kernel: KernelState, _ ref: ContextRef) throws(KernelError) {
        if key == RDMAABI_HFI1_LIM_MGMT_P_KEY || key == RDMAABI_HFI1_FULL_MGMT_P_KEY { throw KernelError(.EINVAL) }
        guard partitionKeys(kernel, ref).contains(key) else { throw KernelError(.ENOENT) }
    }

    /// `HFI1_CAP_IS_USET(PKEY_CHECK)` on the module's live `cap_mask`: SET_PKEY is allowed.
    static func pkeyCheckEnabled(_ kernel: KernelState) -> Bool {
        Hfi1Capabilities.userSet(RDMAABI_HFI1_CAP_PKEY_CHECK, in: kernel.hfi1CapabilityMask)
    }

    /// ioctl SET_PKEY (hfi1/file_ops.c set_ctxt_pkey, 4.14+): HFI1_CAP_PKEY_CHECK not set for
    /// user contexts → EPERM; get_user(u16) → EFAULT; then checkPartitionKey.
    static func setPartitionKey(_ state: Hfi1FileState, pointer: UInt64, kernel: KernelState) throws(KernelError) {
        guard let ref = state.context else { throw KernelError(.EINVAL) }
        if !pkeyCheckEnabled(kernel) { throw KernelError(.EPERM, .other("hfi1: cap_mask has no PKEY_CHECK for user contexts")) }
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

    // MARK: CTXT_RESET

    /// CTXT_RESET (4.14+ ctxt_reset; the same code inline in both older `hfi1_file_ioctl` and
    /// the staging `hfi1_file_write`): wait up to SEND_CTXT_HALT_TIMEOUT for the send context to
    /// be halted — not halted → ENOLCK; halted by a freeze (SCF_FROZEN): wait for the device to
    /// unfreeze — still frozen → ENOLCK; a forced (critical-temperature) freeze → ENODEV; else
    /// the send context is disabled and enabled again → 0.
    ///
    /// Only a freeze halts an emulated send context (EmulatedKernel.setFrozen). The emulator
    /// never blocks: where the kernel would wait a second for a change that cannot come while
    /// the caller holds the one lock, the answer is the timeout's at once.
    static func contextReset(_ ref: ContextRef, kernel: inout KernelState) throws(KernelError) {
        guard var device = kernel.devices[ref.device], var context = device.userContexts[ref.number] else {
            throw KernelError(.ENODEV)
        }
        guard context.sendContextHalted else {
            throw KernelError(.ENOLCK, .other("hfi1: send context is not halted"))
        }
        if context.sendContextFrozen {
            if device.frozen { throw KernelError(.ENOLCK, .other("\(ref.device) is still frozen")) }
            if device.forcedFreeze {
                throw KernelError(.ENODEV, .other("\(ref.device) is in a forced freeze"))
            }
        }
        // sc_disable + sc_enable (frozen), or sc_restart: the send context runs again.
        context.sendContextHalted = false
        context.sendContextFrozen = false
        device.userContexts[ref.number] = context
        kernel.devices[ref.device] = device
    }

    // MARK: TID_UPDATE, TID_FREE, TID_INVAL_READ

    /// ioctl TID_UPDATE / TID_FREE / TID_INVAL_READ (4.14+ user_exp_rcv_setup/_clear/_invalid):
    /// `_IOC_SIZE` other than sizeof(hfi1_tid_info) → EINVAL; TID_INVAL_READ without an
    /// invalidation list (`!fd->invalid_tids`: the context's flags have TID_UNMAP) → EINVAL;
    /// copy_from_user → EFAULT; then the operation, and the copy back of `tidcnt` (and `length`
    /// for UPDATE) → EFAULT.
    static func tid(cmd: IoctlRequest, argument: UInt64, size: Int, state: inout Hfi1FileState,
                    kernel: inout KernelState) throws(KernelError) {
        if size != CStruct.size(of: hfi1_tid_info.self) { throw KernelError(.EINVAL) }
        if cmd == RDMAABI_HFI1_IOCTL_TID_INVAL_READ, !hasInvalidationList(state, kernel) {
            throw KernelError(.EINVAL, .other("hfi1: no TID invalidation list (TID_UNMAP)"))
        }
        let info = try kernel.copyFromUser(hfi1_tid_info.self, at: argument)
        let tidcnt = argument + UInt64(MemoryLayout<hfi1_tid_info>.offset(of: \.tidcnt)!)
        switch UInt(cmd.cmd) {
        case RDMAABI_HFI1_IOCTL_TID_UPDATE:
            guard let result = try setup(info, era: .ioctl, state: &state, kernel: &kernel) else {
                throw KernelError(.ENOSPC)          // unreachable: the ioctl era throws ENOSPC itself
            }
            try kernel.copyToUser(result.tidcnt, at: tidcnt)
            let length = argument + UInt64(MemoryLayout<hfi1_tid_info>.offset(of: \.length)!)
            try kernel.copyToUser(result.length, at: length)
        case RDMAABI_HFI1_IOCTL_TID_FREE:
            try kernel.copyToUser(try clear(info, state: &state, kernel: &kernel), at: tidcnt)
        default:
            try kernel.copyToUser(try invalidRead(state, kernel: kernel), at: tidcnt)
        }
    }

    /// What hfi1_user_exp_rcv_setup hands back: `tidcnt` TID-list entries written to `tidlist`,
    /// covering `length` bytes from `vaddr`.
    struct Programmed: Equatable {
        var tidcnt: UInt32
        var length: UInt32
    }

    /// hfi1_user_exp_rcv_setup: maps the user buffer at `vaddr` into the context's expected
    /// RcvArray entries, in the kernel's order:
    /// 1. (ioctl era, since 2019/2023) `vaddr` not page aligned → EINVAL; `length` 0 → EINVAL.
    ///    The write era (staging 4.6) had neither check: it counts the pages the range touches
    ///    (`num_user_pages`, truncated to 32 bits) and a count of 0 is EINVAL;
    /// 2. more pages than the context's expected entries (`npages > uctxt->expected_count`)
    ///    → EINVAL;
    /// 3. pinning (`pin_user_pages_fast`): registered user memory is what can be pinned; the
    ///    pages up to the first hole are taken, none → EFAULT;
    /// 4. `find_phys_blocks`: an emulated buffer is one physically contiguous run, cut into
    ///    power-of-two sets of at most MAX_EXPECTED_BUFFER — one TID-list entry each;
    /// 5. the file's share (`fd->tid_limit - fd->tid_used`) and the context's free entries
    ///    bound how many sets are programmed (lowest free entry first); none → ENOSPC (ioctl
    ///    era) or, in the write era, success with `tinfo` untouched (nil);
    /// 6. the TID list (`create_tid`: pair index, even/odd entry, pages) is copied to
    ///    `tidlist` → EFAULT, and then nothing stays programmed.
    /// The pin limit (RLIMIT_MEMLOCK, hfi1_can_pin_pages) is not modelled.
    static func setup(_ info: hfi1_tid_info, era: Hfi1Era, state: inout Hfi1FileState,
                      kernel: inout KernelState) throws(KernelError) -> Programmed? {
        guard let ref = state.context, var device = kernel.devices[ref.device],
              var context = device.userContexts[ref.number] else { throw KernelError(.EINVAL) }
        let pageSize = RDMAABI_PAGE_SIZE
        if era == .ioctl, info.vaddr % pageSize != 0 || info.length == 0 {
            throw KernelError(.EINVAL, .other("hfi1: TID buffer not page aligned or empty"))
        }
        let npages = Int(userPages(vaddr: info.vaddr, length: info.length))
        if npages == 0 { throw KernelError(.EINVAL) }
        if npages > Hfi1Geometry.expectedCount {
            throw KernelError(.EINVAL, .other("hfi1: \(npages) pages, the context has \(Hfi1Geometry.expectedCount) expected TIDs"))
        }
        let pinned = pinnablePages(kernel, from: info.vaddr, count: npages)
        if pinned == 0 { throw KernelError(.EFAULT, .other("hfi1: no user memory at 0x\(hex(info.vaddr, width: 1)) to pin")) }
        let sets = pageSets(pinned)
        let share = max(tidLimit(context, subcontext: ref.subcontext) - state.tidUsed, 0)
        var programmed: [(entry: Int, pages: Int)] = []
        var candidate = 0
        for pages in sets.prefix(share) {
            while candidate < Hfi1Geometry.expectedCount, context.expectedInUse.contains(candidate) { candidate += 1 }
            if candidate == Hfi1Geometry.expectedCount { break }
            programmed.append((candidate, pages))
            context.expectedInUse.insert(candidate)
        }
        if programmed.isEmpty {
            if era == .write { return nil }
            throw KernelError(.ENOSPC, .other("hfi1: no expected TID left for this file"))
        }
        let list = programmed.flatMap { CStruct.encode(tidInfo(entry: $0.entry, pages: $0.pages)) }
        try kernel.memory.copyToUser(info.tidlist, list)     // fails before anything is kept
        device.userContexts[ref.number] = context
        kernel.devices[ref.device] = device
        for (entry, pages) in programmed { state.programmedTIDs[entry] = pages }
        let mapped = programmed.reduce(0) { $0 + $1.pages }
        return Programmed(tidcnt: UInt32(programmed.count), length: UInt32(truncatingIfNeeded: UInt64(mapped) * pageSize))
    }

    /// hfi1_user_exp_rcv_clear (4.14+ order): more entries than the file programmed
    /// (`tidcnt > fd->tid_used`) → EINVAL; the list copied from `tidlist` → EFAULT; then each
    /// entry in turn: CTRL 0 or 3 → EINVAL, an entry past the context's expected TIDs →
    /// EINVAL, one this file did not program → EBADF. The entries before a failing one stay
    /// freed; on success the count freed is the new `tidcnt`. (The staging driver checked the
    /// index before CTRL and had no `tid_used` check; the emulator uses this order for both.)
    static func clear(_ info: hfi1_tid_info, state: inout Hfi1FileState,
                      kernel: inout KernelState) throws(KernelError) -> UInt32 {
        guard let ref = state.context else { throw KernelError(.EINVAL) }
        if Int(info.tidcnt) > state.tidUsed {
            throw KernelError(.EINVAL, .other("hfi1: TID_FREE of \(info.tidcnt) entries, \(state.tidUsed) programmed"))
        }
        let entrySize = MemoryLayout<UInt32>.size
        let bytes = try kernel.memory.copyFromUser(info.tidlist, count: Int(info.tidcnt) * entrySize)
        var freed: [Int] = []
        var failure: KernelError?
        for index in 0..<Int(info.tidcnt) {
            let tid = CStruct.decode(UInt32.self, from: bytes, offset: index * entrySize)
            let control = Int((tid >> RDMAABI_HFI1_EXP_TID_TIDCTRL_SHIFT) & RDMAABI_HFI1_EXP_TID_TIDCTRL_MASK)
            let pair = Int((tid >> RDMAABI_HFI1_EXP_TID_TIDIDX_SHIFT) & RDMAABI_HFI1_EXP_TID_TIDIDX_MASK) << 1
            if control == 0 || control == Int(RDMAABI_HFI1_EXP_TID_TIDCTRL_MASK) {
                failure = KernelError(.EINVAL, .other("hfi1: TID entry 0x\(hex(UInt64(tid), width: 8)) has CTRL \(control)"))
                break
            }
            let entry = pair + control - 1
            if entry >= Hfi1Geometry.expectedCount { failure = KernelError(.EINVAL); break }
            guard state.programmedTIDs.removeValue(forKey: entry) != nil else {
                failure = KernelError(.EBADF, .other("hfi1: RcvArray entry \(entry) is not this file's"))
                break
            }
            freed.append(entry)
        }
        kernel.devices[ref.device]?.userContexts[ref.number]?.expectedInUse.subtract(freed)
        if let failure { throw failure }
        return UInt32(freed.count)
    }

    /// Whether the file has an invalidation list (`fd->invalid_tids`, allocated when it caches
    /// TIDs: `fd->use_mn`).
    static func hasInvalidationList(_ state: Hfi1FileState, _ kernel: KernelState) -> Bool {
        guard let ref = state.context, let context = kernel.devices[ref.device]?.userContexts[ref.number] else {
            return false
        }
        return Hfi1Capabilities.usesTIDCache(context.capabilities)
    }

    /// hfi1_user_exp_rcv_invalid: no invalidation list → EINVAL (the staging driver checked it
    /// here; 4.14+ checks it in the ioctl wrapper, before copying the argument); else the TIDs
    /// an MMU notifier invalidated since the last call. The emulator unmaps no programmed
    /// buffer behind the file's back, so the count is always 0 and nothing is written to
    /// `tidlist`.
    static func invalidRead(_ state: Hfi1FileState, kernel: KernelState) throws(KernelError) -> UInt32 {
        guard hasInvalidationList(state, kernel) else {
            throw KernelError(.EINVAL, .other("hfi1: no TID invalidation list (TID_UNMAP)"))
        }
        return 0
    }

    // MARK: TID arithmetic

    /// `num_user_pages(addr, len)` (user_exp_rcv.h): `1 + ((epage - spage) >> PAGE_SHIFT)` in
    /// unsigned long arithmetic, stored in an `unsigned int` (so a zero length at a page
    /// boundary wraps to 0).
    static func userPages(vaddr: UInt64, length: UInt32) -> UInt32 {
        let pageMask = ~(RDMAABI_PAGE_SIZE - 1)
        let first = vaddr & pageMask
        let last = (vaddr &+ UInt64(length) &- 1) & pageMask
        return UInt32(truncatingIfNeeded: 1 &+ ((last &- first) >> UInt64(RDMAABI_PAGE_SHIFT)))
    }

    /// The pages from the one holding `vaddr` on that registered user memory backs, up to
    /// `count` and the first page no buffer covers (a buffer owns its whole last page).
    static func pinnablePages(_ kernel: KernelState, from vaddr: UInt64, count: Int) -> Int {
        let pageSize = RDMAABI_PAGE_SIZE
        func mapped(_ page: UInt64) -> Bool {
            kernel.memory.regions.contains { start, bytes in
                let pages = (UInt64(max(bytes.count, 1)) + pageSize - 1) / pageSize
                return page >= start && page < start + pages * pageSize
            }
        }
        let first = vaddr & ~(pageSize - 1)
        var pinned = 0
        while pinned < count, mapped(first + UInt64(pinned) * pageSize) { pinned += 1 }
        return pinned
    }

    /// find_phys_blocks on one physically contiguous run of `pages`: sets of a power-of-two
    /// page count, none larger than MAX_EXPECTED_BUFFER.
    static func pageSets(_ pages: Int) -> [Int] {
        let maxPages = Int(RDMAABI_HFI1_MAX_EXPECTED_BUFFER) / Int(RDMAABI_PAGE_SIZE)
        var sets: [Int] = []
        var left = pages
        while left > 0 {
            let take = left > maxPages ? maxPages : 1 << (Int.bitWidth - 1 - left.leadingZeroBitCount)
            sets.append(take)
            left -= take
        }
        return sets
    }

    /// `fd->tid_limit` (hfi1_user_exp_rcv_init): the whole expected count, or — for a shared
    /// context whose files cache TIDs — an even share, the first `remainder` sub-contexts
    /// getting one more.
    static func tidLimit(_ context: UserContext, subcontext: Int) -> Int {
        let expected = Hfi1Geometry.expectedCount
        guard context.subcontextCount > 0, Hfi1Capabilities.usesTIDCache(context.capabilities) else { return expected }
        let remainder = expected % context.subcontextCount
        return expected / context.subcontextCount + (subcontext < remainder ? 1 : 0)
    }

    /// `create_tid(rcventry, npages)` (user_exp_rcv.c): the RcvArray pair index, which entry
    /// of the pair (CTRL 1 or 2) and the page count, in the EXP_TID_* fields.
    static func tidInfo(entry: Int, pages: Int) -> UInt32 {
        let pair = entry & ~1
        return (UInt32(pair >> 1) & RDMAABI_HFI1_EXP_TID_TIDIDX_MASK) << RDMAABI_HFI1_EXP_TID_TIDIDX_SHIFT
            | (UInt32(1 << (entry - pair)) & RDMAABI_HFI1_EXP_TID_TIDCTRL_MASK) << RDMAABI_HFI1_EXP_TID_TIDCTRL_SHIFT
            | (UInt32(pages) & RDMAABI_HFI1_EXP_TID_TIDLEN_MASK) << RDMAABI_HFI1_EXP_TID_TIDLEN_SHIFT
    }
}
