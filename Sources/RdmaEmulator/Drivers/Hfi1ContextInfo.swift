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
}

extension KernelState {
    /// hfi1/file_ops.c `get_ctxt_info`: the `struct hfi1_ctxt_info` CTXT_INFO copies out.
    /// ENODEV when the device went away under the file.
    func hfi1ContextInfo(_ ref: ContextRef, file: Hfi1FileState) throws(KernelError) -> hfi1_ctxt_info {
        guard let device = devices[ref.device] else { throw KernelError(.ENODEV) }
        var info = CStruct.zeroed(hfi1_ctxt_info.self)
        info.runtime_flags = Hfi1Capabilities.runtimeFlags
        info.num_active = UInt16(deviceNames(.hfi1).filter { devices[$0]?.hasActivePort == true }.count)
        info.unit = UInt16(device.probe.fixture.unit)
        info.ctxt = UInt16(ref.number)
        info.subctxt = UInt16(ref.subcontext)
        // roundup(egrbufs.alloced, group_size) + expected_count
        let eager = (Hfi1Geometry.eagerEntries + Hfi1Geometry.rcvArrayGroupSize - 1)
            / Hfi1Geometry.rcvArrayGroupSize * Hfi1Geometry.rcvArrayGroupSize
        info.rcvtids = UInt16(eager + (Hfi1Geometry.rcvArrayEntries - eager))
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
        // `&cr_base[node].va[hw_context].cr[hw_context & 7]`, 64-byte `struct credit_return`.
        let sendContext = UInt64(Hfi1.sendContext(of: ref))
        info.sc_credits_addr = token(RDMAABI_HFI1_MMAP_PIO_CRED, offset: (sendContext * 64 + (sendContext & 7) * 8) & 0xfff)
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
        info.events_bufbase = token(RDMAABI_HFI1_MMAP_EVENTS, offset: (eventSlot * 8) & 0xfff)
        info.status_bufbase = token(RDMAABI_HFI1_MMAP_STATUS)
        if Hfi1Capabilities.userSet(RDMAABI_HFI1_CAP_DMA_RTAIL) {
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

/// The module's capability mask (hfi1/common.h `HFI1_CAP_*` macros over `hfi1_cap_mask`, left at
/// HFI1_CAP_MASK_DEFAULT) and what user space sees of it.
enum Hfi1Capabilities {
    static let mask: UInt64 = RDMAABI_HFI1_CAP_MASK_DEFAULT

    /// HFI1_CAP_IS_USET(cap): the user-context half of the mask has `cap`.
    static func userSet(_ cap: UInt64) -> Bool {
        (mask >> UInt64(RDMAABI_HFI1_CAP_USER_SHIFT)) & cap != 0
    }

    /// HFI1_CAP_IS_KSET(cap).
    static func kernelSet(_ cap: UInt64) -> Bool { mask & cap != 0 }

    /// get_ctxt_info's `runtime_flags`: misc bits moved to the user position, the user half
    /// (HFI1_CAP_UGET_MASK(flags, MASK)) and the kernel bits user space must know
    /// (HFI1_CAP_KGET_MASK(flags, K2U)). `fd->use_mn` is true (TID caching works), so
    /// HFI1_CAP_TID_UNMAP is not added.
    static var runtimeFlags: UInt64 {
        let userShift = UInt64(RDMAABI_HFI1_CAP_USER_SHIFT)
        let miscShift = UInt64(RDMAABI_HFI1_CAP_MISC_SHIFT)
        let miscMask: UInt64 = (1 << (63 - miscShift)) - 1          // HFI1_CAP_MISC_MASK
        return (((mask >> miscShift) & miscMask) << userShift)
            | ((mask >> userShift) & RDMAABI_HFI1_CAP_MASK)
            | (mask & RDMAABI_HFI1_CAP_K2U)
    }
}
