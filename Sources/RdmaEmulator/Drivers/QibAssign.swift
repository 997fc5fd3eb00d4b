import CRdmaABI
import RdmaKit

/// The fields of `struct qib_user_info` ASSIGN_CTXT uses.
struct QibAssignRequest: Sendable {
    var userVersion: UInt32
    var port: Int
    var portAlgorithm: UInt32
    var subcontextCount: Int
    var subcontextID: Int

    init(_ info: rdmaabi_qib_user_info) {
        userVersion = info.spu_userversion
        port = Int(info.spu_port)
        portAlgorithm = info.spu_port_alg
        subcontextCount = Int(info.spu_subctxt_cnt)
        subcontextID = Int(info.spu_subctxt_id)
    }

    var major: UInt32 { userVersion >> 16 }
    var minor: UInt32 { userVersion & 0xffff }

    /// qib_compatible_subctxts: same major, and (driver minor ≥ 4) a user minor no newer than
    /// the driver's.
    var canShare: Bool { major == RDMAABI_QIB_USER_SWMAJOR && minor <= RDMAABI_QIB_USER_SWMINOR }

    /// qib_assign_ctxt: `spu_port_alg` counts only from user minor 11 and when < QIB_PORT_ALG_COUNT.
    var algorithm: UInt32 {
        minor >= 11 && portAlgorithm < RDMAABI_QIB_PORT_ALG_COUNT ? portAlgorithm : RDMAABI_QIB_PORT_ALG_ACROSS
    }
}

extension KernelState {
    /// qib_file_ops.c `qib_assign_ctxt` after its "already assigned" (EINVAL) and major
    /// (ENODEV) checks, under `qib_mutex`: `find_shared_ctxt` when sharing is requested, then
    /// `find_free_ctxt` for /dev/ipathN (`unit`) or `get_a_ctxt` for the wildcard /dev/ipath
    /// (`unit` nil). The single-CPU `find_hca` shortcut of the wildcard path is not taken: the
    /// emulated process is never pinned to one CPU.
    ///
    /// Modern kernels (the 5.x/6.x `qib_assign_ctxt`, ABI-FACTS §11) go on only on a positive
    /// `find_shared_ctxt`: `if (ret > 0) { …; goto done_ok; }`. Its negative answer (a
    /// context with the same `subctxt_id` but another `subctxt_cnt` or userversion, or
    /// already full) is dropped and `ret` is overwritten by `find_free_ctxt`/`get_a_ctxt`: the
    /// request gets a fresh context. Old kernels (`if (ret) { if (ret > 0) ret = 0; goto
    /// done_chk_sdma; }`) returned that EINVAL; every rdmactl profile models the modern code.
    /// The fresh context goes through setup_ctxt → init_subctxts like any other, so a
    /// compatible request with `subctxt_cnt` > 0 makes it a new sharing master
    /// (qibChoosePortContext).
    mutating func qibAssign(unit: Int?, _ request: QibAssignRequest) throws(KernelError) -> ContextRef {
        if request.canShare, request.subcontextCount > 0, let shared = try? qibFindShared(request) {
            return shared
        }
        if let unit { return try qibFindFree(unit: unit, request) }
        return try qibGetAny(request)
    }

    /// find_shared_ctxt: across every present unit ("device portion of usable()"), the first
    /// open context with the same `subctxt_id`; one with another `subctxt_cnt` or userversion,
    /// or already full, → EINVAL (which modern `qib_assign_ctxt` ignores); else the file joins
    /// as sub-context `rcd->cnt++`. No such context → nil (the kernel's 0).
    private mutating func qibFindShared(_ request: QibAssignRequest) throws(KernelError) -> ContextRef? {
        for name in deviceNames(.qib) {
            guard var device = devices[name], device.present else { continue }
            for number in device.userContexts.keys.sorted() {
                var context = device.userContexts[number]!
                guard context.openCount > 0, context.subcontextID == request.subcontextID else { continue }
                guard context.subcontextCount == request.subcontextCount,
                      context.userVersion == request.userVersion,
                      context.openCount < context.subcontextCount else { throw KernelError(.EINVAL) }
                let subcontext = context.openCount
                context.openCount += 1
                context.inUse.insert(subcontext)
                device.userContexts[number] = context
                devices[name] = device
                return ContextRef(device: name, number: number, subcontext: subcontext)
            }
        }
        return nil
    }

    /// find_free_ctxt: the unit missing, or `spu_port` beyond its ports → ENODEV; else
    /// choose_port_ctxt.
    private mutating func qibFindFree(unit: Int, _ request: QibAssignRequest) throws(KernelError) -> ContextRef {
        guard let name = deviceName(.qib, unit: unit), let device = devices[name],
              request.port <= device.probe.fixture.ports.count else {
            throw KernelError(.ENODEV, .other("qib\(unit): no such unit or port \(request.port)"))
        }
        return try qibChoosePortContext(device: name, request)
    }

    /// get_a_ctxt for the wildcard node, from `qib_count_units(&npresent, &nup)`: no present
    /// unit → ENXIO; no port of any unit up (a LID and INIT, ARMED or ACTIVE) → ENETDOWN.
    /// ACROSS: the unit with a usable (LID and ACTIVE; requested, or any) port and the fewest
    /// contexts in use that still has a free one, then choose_port_ctxt; no such unit →
    /// ENETDOWN (the kernel's `dusable ? -EBUSY : -ENETDOWN` with `dusable` never counted on
    /// this path).
    /// WITHIN: choose_port_ctxt on each unit in turn; any EBUSY → EBUSY, else ENETDOWN.
    private mutating func qibGetAny(_ request: QibAssignRequest) throws(KernelError) -> ContextRef {
        let units = deviceNames(.qib)
        let (present, anyUp) = countUnits(.qib)
        if present == 0 { throw KernelError(.ENXIO) }
        if !anyUp { throw KernelError(.ENETDOWN, .other("qib: no port has a LID and is INIT, ARMED or ACTIVE")) }
        var busy = 0
        if request.algorithm == RDMAABI_QIB_PORT_ALG_ACROSS {
            var chosen: String?
            var fewest = Int.max
            for name in units {
                let device = devices[name]!
                let ports = device.probe.fixture.ports
                let usablePorts = request.port > 0 && request.port <= ports.count && device.isUsable(port: request.port)
                    ? 1 : ports.filter { device.isUsable(port: $0.number) }.count
                if usablePorts == 0 { continue }
                let used = device.userContexts.count
                if used < device.userContextCount, used < fewest {
                    chosen = name
                    fewest = used
                }
            }
            if let chosen { return try qibChoosePortContext(device: chosen, request) }
        } else {
            for name in units {
                do { return try qibChoosePortContext(device: name, request) } catch {
                    if error.errno == .EBUSY { busy += 1 }
                }
            }
        }
        throw KernelError(busy > 0 ? .EBUSY : .ENETDOWN)
    }

    /// choose_port_ctxt: a requested port that is not usable (no LID, or the link not ACTIVE)
    /// → ENETDOWN; no free context → EBUSY; without a requested port, port `ctxt % num_pports`
    /// if usable, else the first usable one, else ENETDOWN. Then setup_ctxt → init_subctxts:
    /// sharing only when the versions are compatible, `subctxt_cnt > QLOGIC_IB_MAX_SUBCTXT` →
    /// EINVAL (nothing is taken); success lowers `freectxts`.
    private mutating func qibChoosePortContext(device name: String, _ request: QibAssignRequest)
        throws(KernelError) -> ContextRef {
        guard var device = devices[name] else { throw KernelError(.ENODEV) }
        let ports = device.probe.fixture.ports
        var port: Int?
        if request.port > 0 {
            guard device.isUsable(port: request.port) else {
                throw KernelError(.ENETDOWN, .other("\(name) port \(request.port) is not ACTIVE with a LID"))
            }
            port = request.port
        }
        guard let number = device.lowestFreeContext, device.freeContexts > 0 else {
            throw KernelError(.EBUSY, .other("\(name): no free user context"))
        }
        if port == nil {
            let preferred = ports[number % ports.count].number
            port = device.isUsable(port: preferred) ? preferred
                : ports.first { device.isUsable(port: $0.number) }?.number
        }
        guard let port else { throw KernelError(.ENETDOWN, .other("\(name): no usable port")) }
        var shared = 0
        if request.subcontextCount > 0, request.canShare {
            if request.subcontextCount > Int(RDMAABI_QLOGIC_IB_MAX_SUBCTXT) { throw KernelError(.EINVAL) }
            shared = request.subcontextCount
        }
        device.allocate(UserContext(number: number, port: port, userVersion: request.userVersion,
                                    subcontextCount: shared, subcontextID: shared > 0 ? request.subcontextID : 0))
        devices[name] = device
        return ContextRef(device: name, number: number, subcontext: 0)
    }
}
