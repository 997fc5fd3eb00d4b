import RdmaKit

/// What qib keeps per open file (`struct qib_filedata`, qib/qib.h): the context, the
/// sub-context, the receive CPU. Stored in `OpenFile.privateData`, so a file opened from
/// /dev/ipathN and one a driver-ops ioctl handed out behave the same.
struct QibFileState: Sendable, Equatable {
    /// `ctxt_fp(fp)` + `subctxt_fp(fp)`; nil before ASSIGN_CTXT.
    var context: ContextRef?
    /// `fd->rec_cpu_num`: -1; the emulated process is never pinned to one CPU, so
    /// assign_ctxt_affinity picks none and CTXT_INFO's `rec_cpu` reads 0xffff.
    var receiveCPU: Int32 = -1
    /// `rcd->poll_type` as POLL_TYPE set it.
    var pollType: UInt16 = 0
}

extension OpenFile {
    /// The qib private data; a file whose `open` never ran (nil) reads as freshly opened.
    var qibState: QibFileState {
        get { privateData as? QibFileState ?? QibFileState() }
        set { privateData = newValue }
    }
}

/// qib facts shared by the driver's pieces.
enum Qib {
    /// qib_open: never fails but for ENOMEM; the real work waits for ASSIGN_CTXT.
    static func open(_ file: inout OpenFile) {
        file.privateData = QibFileState()
    }

    /// qib_close: the last file sharing a context frees it (`dd->freectxts++`).
    static func release(_ file: inout OpenFile, kernel: inout KernelState) {
        if let ref = file.qibState.context { kernel.releaseContext(ref) }
        file.privateData = nil
    }

    static func leakDetail(_ file: OpenFile) -> String? {
        file.qibState.context.map { "holds \($0)" }
    }
}
