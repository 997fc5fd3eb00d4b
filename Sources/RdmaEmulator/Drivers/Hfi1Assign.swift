import CRdmaABI
import RdmaKit

/// What an hfi1 ASSIGN_CTXT asks for, decoded from either era's `hfi1_user_info` (the two
/// layouts differ only in `pad`/`hfi1_alg`, which the emulator does not use).
struct Hfi1AssignRequest: Sendable {
    var userVersion: UInt32
    var subcontextCount: Int
    var subcontextID: Int
    var uuid: [UInt8]

    init(_ info: hfi1_user_info) {
        userVersion = info.userversion
        subcontextCount = Int(info.subctxt_cnt)
        subcontextID = Int(info.subctxt_id)
        uuid = CStruct.bytes(ofArray: info.uuid)
    }

    init(_ info: rdmaabi_hfi1_user_info_v5) {
        userVersion = info.userversion
        subcontextCount = Int(info.subctxt_cnt)
        subcontextID = Int(info.subctxt_id)
        uuid = CStruct.bytes(ofArray: info.uuid)
    }

    var major: UInt32 { userVersion >> RDMAABI_HFI1_SWMAJOR_SHIFT }
}

extension KernelState {
    /// hfi1/file_ops.c (4.14+) `assign_ctxt` after its copy and version checks: under
    /// `hfi1_mutex`, `find_sub_ctxt` then `allocate_ctxt`, on the file's own device only.
    /// Errors in the kernel's order: a matching shared context with another userversion →
    /// EINVAL, all its sub-contexts taken → EBUSY; then allocate_ctxt: the device frozen
    /// (`HFI1_FROZEN`, "a unique error … retry") → EIO; no free context (`!dd->freectxts`) →
    /// EBUSY. A new context records the module's `cap_mask` (`uctxt->flags`).
    mutating func hfi1AssignModern(device name: String, _ request: Hfi1AssignRequest,
                                   credentials: Credentials) throws(KernelError) -> ContextRef {
        guard var device = devices[name] else { throw KernelError(.ENODEV) }
        let jkey = Hfi1.jkey(for: credentials)
        defer { devices[name] = device }
        // find_sub_ctxt / match_ctxt
        if request.subcontextCount > 0 {
            for number in device.userContexts.keys.sorted() {
                var context = device.userContexts[number]!
                guard context.uuid == request.uuid, context.jkey == jkey,
                      context.subcontextID == request.subcontextID,
                      context.subcontextCount == request.subcontextCount else { continue }
                if context.userVersion != request.userVersion { throw KernelError(.EINVAL) }
                if context.inUse.isEmpty { continue }       // being closed
                let free = (0..<Int(RDMAABI_HFI1_MAX_SHARED_CTXTS)).first { !context.inUse.contains($0) }
                guard let subcontext = free, subcontext < context.subcontextCount else {
                    throw KernelError(.EBUSY)
                }
                context.inUse.insert(subcontext)
                context.openCount += 1
                device.userContexts[number] = context
                return ContextRef(device: name, number: number, subcontext: subcontext)
            }
        }
        // allocate_ctxt
        if device.frozen { throw KernelError(.EIO, .other("\(name) is frozen (SPC freeze); retry")) }
        guard device.freeContexts > 0, let number = device.lowestFreeContext else {
            throw KernelError(.EBUSY, .other("\(name): no free user context"))
        }
        device.allocate(UserContext(number: number, port: 1, userVersion: request.userVersion,
                                    subcontextCount: request.subcontextCount,
                                    subcontextID: request.subcontextID, uuid: request.uuid, jkey: jkey,
                                    capabilities: hfi1CapabilityMask))
        return ContextRef(device: name, number: number, subcontext: 0)
    }

    /// Staging hfi1 (4.5/4.6) `assign_ctxt` after the major check: `find_shared_ctxt` over every
    /// present unit (a match with another userversion, or with all `subctxt_cnt` taken →
    /// EINVAL), then `get_user_context` for the file's unit, from
    /// `hfi1_count_units(&npresent, &nup)`: no present unit → ENXIO, no port of any unit up (a
    /// LID and LinkUp, `ppd->lid && ppd->linkup`) → ENETDOWN, the unit missing → ENODEV,
    /// `!dd->freectxts` → EBUSY; then `allocate_ctxt` (frozen → EIO, no free slot → EBUSY) and
    /// `init_subctxts` (`subctxt_cnt > HFI1_MAX_SHARED_CTXTS` → EINVAL — checked before
    /// anything is taken; the staging driver checked it after allocating and left the slot
    /// behind).
    mutating func hfi1AssignStaging(unit: Int, _ request: Hfi1AssignRequest,
                                    credentials: Credentials) throws(KernelError) -> ContextRef {
        let jkey = Hfi1.jkey(for: credentials)
        let units = deviceNames(.hfi1)
        if request.subcontextCount > 0 {
            for name in units where devices[name]!.present {
                var device = devices[name]!
                for number in device.userContexts.keys.sorted() {
                    var context = device.userContexts[number]!
                    guard context.openCount > 0, context.uuid == request.uuid, context.jkey == jkey,
                          context.subcontextID == request.subcontextID,
                          context.subcontextCount == request.subcontextCount else { continue }
                    guard context.userVersion == request.userVersion,
                          context.openCount < context.subcontextCount else { throw KernelError(.EINVAL) }
                    let subcontext = context.openCount                  // fd->subctxt = uctxt->cnt++
                    context.openCount += 1
                    context.inUse.insert(subcontext)
                    device.userContexts[number] = context
                    devices[name] = device
                    return ContextRef(device: name, number: number, subcontext: subcontext)
                }
            }
        }
        let (present, anyUp) = countUnits(.hfi1)
        if present == 0 { throw KernelError(.ENXIO) }
        if !anyUp { throw KernelError(.ENETDOWN, .other("hfi1: no port has a LID and LinkUp")) }
        guard let name = deviceName(.hfi1, unit: unit), var device = devices[name] else {
            throw KernelError(.ENODEV)
        }
        if device.freeContexts == 0 { throw KernelError(.EBUSY, .other("\(name): no free user context")) }
        if device.frozen { throw KernelError(.EIO, .other("\(name) is frozen (SPC freeze); retry")) }
        guard let number = device.lowestFreeContext else {
            throw KernelError(.EBUSY, .other("\(name): no free user context"))
        }
        if request.subcontextCount > Int(RDMAABI_HFI1_MAX_SHARED_CTXTS) { throw KernelError(.EINVAL) }
        device.allocate(UserContext(number: number, port: 1, userVersion: request.userVersion,
                                    subcontextCount: request.subcontextCount,
                                    subcontextID: request.subcontextID, uuid: request.uuid, jkey: jkey,
                                    capabilities: hfi1CapabilityMask))
        devices[name] = device
        return ContextRef(device: name, number: number, subcontext: 0)
    }
}
