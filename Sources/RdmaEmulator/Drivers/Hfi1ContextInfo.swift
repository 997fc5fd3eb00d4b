import CRdmaABI
import RdmaKit

/// The per-context numbers an hfi1 user context reports. The hardware would size them from the
/// RcvArray, the PIO send space and module parameters; these are plausible defaults of a
/// 16-user-context HFI, not values captured from hardware.
enum Hfi1Geometry {
    /// RcvArray entries a context gets: `rcv_entries.ngroups` × `group_size` (8).
    static let rcvArrayEntries = 2048
    static let rcvArrayGroupSize = 8
    /// Eager entries (`egrbufs.alloced`): a 2 MiB eager buffer in 32 KiB entries.
    static let eagerEntries = 64
    /// `egrbufs.rcvtid_size`: bytes an eager RcvArray entry maps.
    static let eagerEntrySize: UInt32 = 32 * 1024
    /// PIO send credits (64-byte blocks) of a user send context (`sc->credits`).
    static let sendCredits: UInt16 = 64
    /// hfi1 module parameters `rcvhdrcnt` (2048 entries) and `hdrq_entsize` (32 dwords).
    static let rcvHeaderQueueCount: UInt16 = 2048
    static let rcvHeaderEntryDwords: UInt16 = 32
    /// `hfi1_sdma_comp_ring_size` (module parameter, default 128).
    static let sdmaCompletionRingSize: UInt16 = 128

    /// The eager entries rounded up to whole RcvArray groups
    /// (`roundup(egrbufs.alloced, rcv_entries.group_size)`).
    static var eagerEntriesInGroups: Int {
        (eagerEntries + rcvArrayGroupSize - 1) / rcvArrayGroupSize * rcvArrayGroupSize
    }

    /// `uctxt->expected_count`: the RcvArray entries left for expected (TID) receives.
    static var expectedCount: Int { rcvArrayEntries - eagerEntriesInGroups }
}

extension KernelState {
    /// hfi1/file_ops.c `get_ctxt_info`: the `struct hfi1_ctxt_info` CTXT_INFO copies out.
    /// ENODEV when the device went away under the file.
    func hfi1ContextInfo(_ ref: ContextRef, file: Hfi1FileState) throws(KernelError) -> hfi1_ctxt_info {
        guard let device = devices[ref.device] else { throw KernelError(.ENODEV) }
        var info = CStruct.zeroed(hfi1_ctxt_info.self)
        let flags = device.userContexts[ref.number]?.capabilities ?? hfi1CapabilityMask
        info.runtime_flags = Hfi1Capabilities.runtimeFlags(flags)
        info.num_active = UInt16(countActiveUnits(.hfi1))                 // hfi1_count_active_units
        info.unit = UInt16(device.probe.fixture.unit)
        info.ctxt = UInt16(ref.number)
        info.subctxt = UInt16(ref.subcontext)
        // roundup(egrbufs.alloced, group_size) + expected_count
        info.rcvtids = UInt16(Hfi1Geometry.eagerEntriesInGroups + Hfi1Geometry.expectedCount)
        info.credits = Hfi1Geometry.sendCredits
        info.numa_node = UInt16(truncatingIfNeeded: device.probe.fixture.pci.numaNode)
        info.rec_cpu = UInt16(truncatingIfNeeded: file.receiveCPU)     // -1 → 0xffff
        info.send_ctxt = UInt16(Hfi1.sendContext(of: ref))
        info.egrtids = UInt16(Hfi1Geometry.eagerEntries)
        info.rcvhdrq_cnt = Hfi1Geometry.rcvHeaderQueueCount
        info.rcvhdrq_entsize = Hfi1Geometry.rcvHeaderEntryDwords << 2  // bytes
        info.sdma_ring_size = Hfi1Geometry.sdmaCompletionRingSize
        info.rcvegr_size = Hfi1Geometry.eagerEntrySize
        return info
    }

    /// hfi1/file_ops.c `get_base_info`: the `struct hfi1_base_info` USER_INFO copies out.
    /// `swVersion` is HFI1_KERN_SWVERSION in the ioctl era, the write era's own in the other.
    /// The u64 fields are mmap tokens (`HFI1_MMAP_TOKEN`, ABI-FACTS §2.6), not addresses.
    func hfi1BaseInfo(_ ref: ContextRef, swVersion: UInt32) throws(KernelError) -> hfi1_base_info {
        guard let device = devices[ref.device] else { throw KernelError(.ENODEV) }
        let context = device.userContexts[ref.number]
        func token(_ type: rdmaabi_hfi1_mmap_type, offset: UInt64 = 0) -> UInt64 {
            rdmaabi_hfi1_mmap_token(type.rawValue, UInt32(ref.number), UInt32(ref.subcontext), offset)
        }
        var info = CStruct.zeroed(hfi1_base_info.self)
        // dd->revision: the emulator has no CCE_REVISION register; it reports the chip minor
        // revision sysfs `hw_rev` shows.
        info.hw_version = UInt32(device.probe.fixture.hardwareRevision, radix: 16) ?? 0
        info.sw_version = swVersion
        info.jkey = context?.jkey ?? 0
        info.bthqp = RDMAABI_HFI1_KDETH_QP
        // offset of the context's credit-return slot in its page: pio.c cr_group_addresses,
        // `&cr_base[node].va[hw_context].cr[hw_context & 7]` (`struct credit_return` is
        // `__le64 cr[8]`); get_base_info takes it `% PAGE_SIZE`.
        let sendContext = UInt64(Hfi1.sendContext(of: ref))
        let slot = sendContext % UInt64(RDMAABI_HFI1_CREDIT_RETURN_SLOTS)
        let creditReturn = sendContext * UInt64(RDMAABI_HFI1_CREDIT_RETURN_SIZE)
            + slot * UInt64(RDMAABI_HFI1_CREDIT_RETURN_SLOT_SIZE)
        info.sc_credits_addr = token(RDMAABI_HFI1_MMAP_PIO_CRED, offset: creditReturn % RDMAABI_PAGE_SIZE)
        info.pio_bufbase = token(RDMAABI_HFI1_MMAP_PIO_BUFS)
        info.pio_bufbase_sop = token(RDMAABI_HFI1_MMAP_PIO_BUFS_SOP)
        info.rcvhdr_bufbase = token(RDMAABI_HFI1_MMAP_RCV_HDRQ)
        info.rcvegr_bufbase = token(RDMAABI_HFI1_MMAP_RCV_EGRBUF)
        info.sdma_comp_bufbase = token(RDMAABI_HFI1_MMAP_SDMA_COMP)
        info.user_regbase = token(RDMAABI_HFI1_MMAP_UREGS)
        // offset_in_page((uctxt_offset(uctxt) + subctxt) * sizeof(unsigned long)), where
        // uctxt_offset = (ctxt - first_dyn_alloc_ctxt) * HFI1_MAX_SHARED_CTXTS.
        let eventSlot = UInt64((ref.number - device.firstUserContext) * Int(RDMAABI_HFI1_MAX_SHARED_CTXTS)
                               + ref.subcontext)
        info.events_bufbase = token(RDMAABI_HFI1_MMAP_EVENTS,
                                    offset: eventSlot * UInt64(RDMAABI_HFI1_EVENTS_ENTRY_SIZE) % RDMAABI_PAGE_SIZE)
        info.status_bufbase = token(RDMAABI_HFI1_MMAP_STATUS)
        if Hfi1Capabilities.userSet(RDMAABI_HFI1_CAP_DMA_RTAIL, in: hfi1CapabilityMask) {
            info.rcvhdrtail_base = token(RDMAABI_HFI1_MMAP_RTAIL)
        }
        if let context, context.subcontextCount > 0 {
            info.subctxt_uregbase = token(RDMAABI_HFI1_MMAP_SUBCTXT_UREGS)
            info.subctxt_rcvhdrbuf = token(RDMAABI_HFI1_MMAP_SUBCTXT_RCV_HDRQ)
            info.subctxt_rcvegrbuf = token(RDMAABI_HFI1_MMAP_SUBCTXT_EGRBUF)
        }
        return info
    }
}

extension Hfi1 {
    /// `uctxt->sc->hw_context`: the emulator gives a user context the send context of the same
    /// number (the real allocator hands them out from the SC_USER pool independently).
    static func sendContext(of ref: ContextRef) -> Int { ref.number }
}

/// The hfi1 capability mask (hfi1/common.h `HFI1_CAP_*` macros) read from a mask: the module's
/// live `cap_mask` (`KernelState.hfi1CapabilityMask`, as HFI1_CAP_IS_USET/KSET read it) or a
/// context's copy (`uctxt->flags`, as HFI1_CAP_UGET_MASK reads it).
enum Hfi1Capabilities {
    /// HFI1_CAP_IS_USET(cap) / HFI1_CAP_UGET_MASK(flags, cap): the user-context half has `cap`.
    static func userSet(_ cap: UInt64, in mask: UInt64) -> Bool {
        (mask >> UInt64(RDMAABI_HFI1_CAP_USER_SHIFT)) & cap != 0
    }

    /// HFI1_CAP_IS_KSET(cap): the kernel half has `cap`.
    static func kernelSet(_ cap: UInt64, in mask: UInt64) -> Bool { mask & cap != 0 }

    /// get_ctxt_info's `runtime_flags` from the context's `flags`: misc bits moved to the user
    /// position, the user half (HFI1_CAP_UGET_MASK(flags, MASK)) and the kernel bits user space
    /// must know (HFI1_CAP_KGET_MASK(flags, K2U)); then `if (!fd->use_mn) |= HFI1_CAP_TID_UNMAP`
    /// — the file caches TIDs unless the context's user half has TID_UNMAP.
    static func runtimeFlags(_ flags: UInt64) -> UInt64 {
        let userShift = UInt64(RDMAABI_HFI1_CAP_USER_SHIFT)
        let miscShift = UInt64(RDMAABI_HFI1_CAP_MISC_SHIFT)
        var runtime = (((flags >> miscShift) & RDMAABI_HFI1_CAP_MISC_MASK) << userShift)
            | ((flags >> userShift) & RDMAABI_HFI1_CAP_MASK)
            | (flags & RDMAABI_HFI1_CAP_K2U)
        if !usesTIDCache(flags) { runtime |= RDMAABI_HFI1_CAP_TID_UNMAP }
        return runtime
    }

    /// `fd->use_mn` (hfi1_user_exp_rcv_init): the file keeps a TID cache and an invalidation
    /// list (`fd->invalid_tids`) unless the context's flags have TID_UNMAP for user contexts.
    static func usesTIDCache(_ flags: UInt64) -> Bool {
        !userSet(RDMAABI_HFI1_CAP_TID_UNMAP, in: flags)
    }
}
