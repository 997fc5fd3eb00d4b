import CRdmaABI
import RdmaKit

/// The per-context numbers a QLE7342 user context reports. Plausible IBA7322 defaults
/// (module parameters and chip sizes), not values captured from hardware. The 64-bit "addresses"
/// in `qib_base_info` are mmap offsets the driver would recognise in qib_mmapf (physical
/// addresses and chip offsets); the emulator has no mmap and fabricates stable ones.
enum QibGeometry {
    static let rcvHeaderQueueCount: UInt32 = 2048      // dd->rcvhdrcnt
    static let rcvHeaderEntryDwords: UInt32 = 32       // QIB_RCVHDR_ENTSIZE
    static let eagerCount: UInt32 = 512                // rcd->rcvegrcnt
    static let eagerBufferSize: UInt32 = 2048          // dd->rcvegrbufsize
    static let eagerPerChunk: UInt32 = 32              // rcd->rcvegrbufs_perchunk
    static let expectedTIDs: UInt32 = 512              // dd->rcvtidcnt
    static let ibMaxLength: UInt32 = 4096 + 128        // ppd->ibmaxlen: 4K MTU + headers
    static let pioSize2K: UInt32 = 2048 + 64           // dd->piosize2k
    static let pioAlign: UInt32 = 4096                 // dd->palign
    static let pioBuffersPerContext: UInt32 = 8        // dd->pbufsctxt
    static let pageSize: UInt32 = 4096

    // Fabricated mmap offsets: a per-device base, a region per kind, a slot per context.
    static let physicalBase: UInt64 = 0x0000_00f0_0000_0000
    static func region(_ kind: UInt64, unit: Int, context: Int) -> UInt64 {
        physicalBase + UInt64(unit) << 32 + kind << 24 + UInt64(context) << 16
    }
}

extension KernelState {
    /// qib_file_ops.c `qib_ctxt_info`: the `struct qib_ctxt_info` CTXT_INFO copies out.
    /// ENODEV when the device went away under the file.
    func qibContextInfo(_ ref: ContextRef, file: QibFileState) throws(KernelError) -> rdmaabi_qib_ctxt_info {
        guard let device = devices[ref.device] else { throw KernelError(.ENODEV) }
        let context = device.userContexts[ref.number]
        var info = CStruct.zeroed(rdmaabi_qib_ctxt_info.self)
        info.num_active = UInt16(countActiveUnits(.qib))                  // qib_count_active_units
        info.unit = UInt16(device.probe.fixture.unit)
        info.port = UInt16(context?.port ?? 0)
        info.ctxt = UInt16(ref.number)
        info.subctxt = UInt16(ref.subcontext)
        info.num_ctxts = UInt16(device.configuredContexts - device.firstUserContext)  // cfgctxts - first_user_ctxt
        info.num_subctxts = UInt16(context?.subcontextCount ?? 0)
        info.rec_cpu = UInt16(truncatingIfNeeded: file.receiveCPU)
        return info
    }

    /// qib_file_ops.c `qib_get_base_info` (with qib_iba7322.c `qib_7322_get_base_info` for the
    /// runtime flags): the `struct qib_base_info` USER_INIT copies to `spu_base_info`.
    /// `spi_sw_version` is QIB_KERN_SWVERSION with bit 31 set — the upstream driver ORs in
    /// `1U << 31` ("QLogic-built, not kernel.org"); qib PSM masks it off (`0x7fff & (v >> 16)`).
    func qibBaseInfo(_ ref: ContextRef) throws(KernelError) -> rdmaabi_qib_base_info {
        guard let device = devices[ref.device] else { throw KernelError(.ENODEV) }
        let context = device.userContexts[ref.number]
        let shared = (context?.subcontextCount ?? 0) > 0
        let master = shared && ref.subcontext == 0
        let subcontexts = UInt32(max(context?.subcontextCount ?? 0, 1))
        let unit = device.probe.fixture.unit
        func address(_ kind: UInt64) -> UInt64 { QibGeometry.region(kind, unit: unit, context: ref.number) }

        var info = CStruct.zeroed(rdmaabi_qib_base_info.self)
        info.spi_runtime_flags = RDMAABI_QIB_RUNTIME_CTXT_MSB_IN_QP | RDMAABI_QIB_RUNTIME_PCIE
            | RDMAABI_QIB_RUNTIME_NODMA_RTAIL | RDMAABI_QIB_RUNTIME_HDRSUPP | RDMAABI_QIB_RUNTIME_SDMA
        if master { info.spi_runtime_flags |= RDMAABI_QIB_RUNTIME_MASTER }
        info.spi_rcvhdr_cnt = QibGeometry.rcvHeaderQueueCount
        info.spi_rcvhdrent_size = QibGeometry.rcvHeaderEntryDwords
        info.spi_tidegrcnt = QibGeometry.eagerCount
        info.spi_rcv_egrbufsize = QibGeometry.eagerBufferSize
        let chunks = QibGeometry.eagerCount / QibGeometry.eagerPerChunk
        let chunkSize = QibGeometry.eagerPerChunk * QibGeometry.eagerBufferSize
        info.spi_rcv_egrbuftotlen = chunks * chunkSize
        info.spi_rcv_egrperchunk = QibGeometry.eagerPerChunk
        info.spi_rcv_egrchunksize = info.spi_rcv_egrbuftotlen / chunks
        info.spi_tidcnt = QibGeometry.expectedTIDs / subcontexts
            + (master ? QibGeometry.expectedTIDs % subcontexts : 0)
        info.spi_nctxts = UInt32(device.configuredContexts)           // dd->cfgctxts
        info.spi_unit = UInt16(unit)
        info.spi_port = UInt16(context?.port ?? 0)
        info.spi_tid_maxsize = QibGeometry.pageSize
        info.spi_rcvhdr_base = address(1)
        info.spi_rcvhdr_tailaddr = address(2)
        info.spi_rhf_offset = 0
        info.spi_rcv_egrbufs = address(3)
        info.spi_pioavailaddr = QibGeometry.physicalBase + UInt64(unit) << 32 + 0x1000
        info.spi_status = info.spi_pioavailaddr + 0x100 * UInt64(context?.port ?? 1)
        info.spi_uregbase = QibGeometry.physicalBase + UInt64(unit) << 32 + 0x20_0000
            + UInt64(ref.number) * UInt64(QibGeometry.pageSize)      // uregbase + ureg_align * ctxt
        let pioBase = address(4)
        let pioCount = QibGeometry.pioBuffersPerContext
        if !shared {
            info.spi_piocnt = pioCount
            info.spi_piobufbase = pioBase
            info.spi_sendbuf_status = address(5)
        } else if master {
            info.spi_piocnt = pioCount / subcontexts + pioCount % subcontexts
            info.spi_piobufbase = pioBase + UInt64(QibGeometry.pioAlign) * UInt64(pioCount - info.spi_piocnt)
        } else {
            info.spi_piocnt = pioCount / subcontexts
            info.spi_piobufbase = pioBase
                + UInt64(QibGeometry.pioAlign) * UInt64(info.spi_piocnt) * UInt64(ref.subcontext - 1)
        }
        if shared {
            info.spi_sendbuf_status = address(5) + UInt64(ref.subcontext) * 8
            info.spi_subctxt_uregbase = address(6)
            info.spi_subctxt_rcvegrbuf = address(7)
            info.spi_subctxt_rcvhdr_base = address(8)
        }
        info.spi_pioindex = UInt32((info.spi_piobufbase - QibGeometry.region(4, unit: unit, context: 0))
            / UInt64(QibGeometry.pioAlign))
        info.spi_pioalign = QibGeometry.pioAlign
        info.spi_qpair = RDMAABI_QIB_KD_QP
        info.spi_piosize = QibGeometry.pioSize2K - 2 * 4                // piosize2k - 2 * sizeof(u32)
        info.spi_mtu = QibGeometry.ibMaxLength
        info.spi_ctxt = UInt16(ref.number)
        info.spi_subctxt = UInt16(ref.subcontext)
        info.spi_sw_version = RDMAABI_QIB_KERN_SWVERSION | RDMAABI_QIB_SW_VERSION_QLOGIC_BUILT
        // dd->revision: the emulator has no revision register; it reports sysfs `hw_rev`.
        info.spi_hw_version = UInt32(device.probe.fixture.hardwareRevision, radix: 16) ?? 0
        return info
    }
}
