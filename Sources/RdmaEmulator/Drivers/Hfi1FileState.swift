import CRdmaABI
import RdmaKit

/// What hfi1 keeps per open file (`struct hfi1_filedata`, hfi1/hfi.h): the context, the
/// sub-context and the receive CPU. Stored in `OpenFile.privateData`, so a file opened from
/// /dev/hfi1_N and one a driver-ops ioctl handed out behave the same.
struct Hfi1FileState: Sendable, Equatable {
    /// `fd->uctxt` + `fd->subctxt`; nil before ASSIGN_CTXT.
    var context: ContextRef?
    /// `uctxt->poll_type` as POLL_TYPE set it (HFI1_POLL_TYPE_ANYRCV 0, URGENT 1).
    var pollType: Int32 = 0
    /// `fd->rec_cpu_num`: -1, no CPU affinity (hfi1_file_open). The emulator never pins a CPU,
    /// so CTXT_INFO's `rec_cpu` is 0xffff ("none").
    var receiveCPU: Int32 = -1
    /// `fd->entry_to_rb`: the context's expected RcvArray entries this file programmed with
    /// TID_UPDATE (relative to `expected_base`) and the pages each maps.
    var programmedTIDs: [Int: Int] = [:]

    /// `fd->tid_used`: TID entries the file holds.
    var tidUsed: Int { programmedTIDs.count }
}

extension OpenFile {
    /// The hfi1 private data; a file whose `open` never ran (nil) reads as freshly opened.
    var hfi1State: Hfi1FileState {
        get { privateData as? Hfi1FileState ?? Hfi1FileState() }
        set { privateData = newValue }
    }
}

/// hfi1 facts shared by both command interfaces.
enum Hfi1 {
    /// hfi1/hfi.h `generate_jkey`: the uid's low 16 bits; CAP_SYS_ADMIN (the emulator: uid 0)
    /// keeps only the admin range 0–31; other uids below 64 get bit 15 set.
    static func jkey(for credentials: Credentials) -> UInt16 {
        var jkey = UInt16(truncatingIfNeeded: credentials.uid)
        if credentials.uid == 0 {
            jkey &= UInt16(RDMAABI_HFI1_ADMIN_JKEY_RANGE) - 1
        } else if jkey < 64 {
            jkey |= UInt16(1) << (RDMAABI_HFI1_JKEY_WIDTH - 1)
        }
        return jkey
    }

    /// hfi1_file_open. 4.10+ (`checksPresence`, the ioctl era): the chip not present
    /// (`!(dd->flags & HFI1_PRESENT)`) → EINVAL, then a device that is gone (`user_refcount`
    /// already 0) → ENXIO. The staging open only allocated the file data; the emulator keeps
    /// its ENXIO for a unit that is gone (there is no device behind the node any more). Then a
    /// zeroed `hfi1_filedata`.
    static func open(_ file: inout OpenFile, unit: Int, checksPresence: Bool, kernel: KernelState) throws(KernelError) {
        guard let name = kernel.deviceName(.hfi1, unit: unit), let device = kernel.devices[name] else {
            throw KernelError(.ENXIO)
        }
        if checksPresence, !device.present { throw KernelError(.EINVAL, .other("\(name) is not present")) }
        file.privateData = Hfi1FileState()
    }

    /// hfi1_file_close: the file's programmed TIDs are released (hfi1_user_exp_rcv_free), then
    /// the last user of a context frees it (`deallocate_ctxt`, freectxts++).
    static func release(_ file: inout OpenFile, kernel: inout KernelState) {
        let state = file.hfi1State
        if let ref = state.context {
            kernel.devices[ref.device]?.userContexts[ref.number]?.expectedInUse.subtract(state.programmedTIDs.keys)
            kernel.releaseContext(ref)
        }
        file.privateData = nil
    }

    /// `leakReport` detail: the context an unclosed file still holds.
    static func leakDetail(_ file: OpenFile) -> String? {
        file.hfi1State.context.map { "holds \($0)" }
    }
}
