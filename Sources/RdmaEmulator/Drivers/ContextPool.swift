import CRdmaABI
import RdmaKit

/// One receive context a user process holds: the user part of hfi1 `struct hfi1_ctxtdata` and
/// qib `struct qib_ctxtdata`. Lives in `DeviceState.userContexts` (per device, under the
/// kernel's one lock); open files refer to it by `ContextRef`.
struct UserContext: Sendable, Equatable {
    /// The hardware context number (hfi1 `uctxt->ctxt`, qib `rcd->ctxt`).
    let number: Int
    /// The 1-based port the context sends and receives on (qib `rcd->ppd->port`; hfi1 has one).
    var port: Int
    /// The userversion of the creating ASSIGN_CTXT (`uctxt->userversion`): sharers must match.
    var userVersion: UInt32
    /// Sub-contexts requested (`subctxt_cnt`); 0 = not shared.
    var subcontextCount: Int = 0
    var subcontextID: Int = 0
    /// hfi1 `uctxt->uuid` (sharers must match it); empty for qib.
    var uuid: [UInt8] = []
    /// hfi1 `uctxt->jkey` (generate_jkey of the creator's uid).
    var jkey: UInt16 = 0
    /// Sub-context numbers held by open files (hfi1 `in_use_ctxts`, qib `active_slaves`).
    var inUse: Set<Int> = [0]
    /// qib `rcd->cnt`: files sharing the context; a joining file gets sub-context `cnt`.
    var openCount = 1
    /// qib: the master's USER_INIT ran (QIB_CTXT_MASTER_UNINIT cleared).
    var masterInitialized = false
    /// qib `rcd->pkeys[4]` set by SET_PART_KEY.
    var partitionKeys: [UInt16] = []
    /// hfi1 `uctxt->flags`: the module's `cap_mask` when the context was allocated
    /// (allocate_ctxt `uctxt->flags = hfi1_cap_mask`). CTXT_INFO's runtime flags and the
    /// file's TID cache (`fd->use_mn`) come from it.
    var capabilities: UInt64 = 0
    /// hfi1 send context `sc->flags & SCF_HALTED` and `SCF_FROZEN`: set for every context of a
    /// device when a freeze starts (start_freeze_handling → sc_stop), cleared by CTXT_RESET.
    var sendContextHalted = false
    var sendContextFrozen = false
    /// hfi1 RcvArray expected entries programmed by TID_UPDATE, relative to the context's
    /// `expected_base` (the groups' `map` bits), whoever of the sharers programmed them.
    var expectedInUse: Set<Int> = []
}

/// Which context and sub-context an open file holds (hfi1 `fd->uctxt`/`fd->subctxt`, qib
/// `ctxt_fp`/`subctxt_fp`).
struct ContextRef: Sendable, Equatable, CustomStringConvertible {
    /// The ib device name, the key of `KernelState.devices`.
    let device: String
    let number: Int
    let subcontext: Int

    var description: String { "\(device) context \(number).\(subcontext)" }
}

extension DeviceState {
    /// The first user context number: the kernel's own receive contexts come first.
    /// hfi1/chip.c: the control context plus DEFAULT_KRCVQS kernel contexts
    /// (`dd->first_dyn_alloc_ctxt`, ignoring optional netdev contexts); qib_iba7322.c
    /// `qib_7322_config_ctxts`: `first_user_ctxt = NUM_IB_PORTS` with one kernel queue a port.
    var firstUserContext: Int {
        switch probe.fixture.driver {
        case .hfi1: return 1 + Int(RDMAABI_HFI1_DEFAULT_KRCVQS)
        case .qib: return Int(RDMAABI_QIB_NUM_IB_PORTS)
        }
    }

    /// User contexts the device has (sysfs `nctxts`).
    var userContextCount: Int { probe.fixture.contexts }

    /// One past the last context number (qib `dd->cfgctxts`, hfi1 `dd->num_rcv_contexts`).
    var configuredContexts: Int { firstUserContext + userContextCount }

    /// The lowest free context number (hfi1 `allocate_rcd_index`, qib choose_port_ctxt's scan
    /// of `dd->rcd[]`), or nil when every user context is taken.
    var lowestFreeContext: Int? {
        (firstUserContext..<configuredContexts).first { userContexts[$0] == nil }
    }

    /// Records a new base context and lowers `freeContexts` (hfi1 allocate_ctxt
    /// `dd->freectxts--`, qib setup_ctxt likewise).
    mutating func allocate(_ context: UserContext) {
        precondition(userContexts[context.number] == nil && freeContexts > 0, "context \(context.number) is taken")
        userContexts[context.number] = context
        freeContexts -= 1
    }

    /// A file lets go of its sub-context; the last one frees the context and raises
    /// `freeContexts` (hfi1_file_close → deallocate_ctxt, qib_close `dd->freectxts++`).
    mutating func release(_ ref: ContextRef) {
        guard var context = userContexts[ref.number] else { return }
        context.inUse.remove(ref.subcontext)
        context.openCount -= 1
        if context.openCount <= 0 {
            userContexts[ref.number] = nil
            freeContexts += 1
        } else {
            userContexts[ref.number] = context
        }
    }

    /// The fixture's port `number` (1-based).
    func port(_ number: Int) -> PortFixture? {
        probe.fixture.ports.first { $0.number == number }
    }

    /// qib_file_ops.c `usable()`, the port choice of ASSIGN_CTXT: the device present
    /// (`QIB_PRESENT`), the port with a LID and its link ACTIVE (ABI-FACTS §11).
    func isUsable(port number: Int) -> Bool {
        guard present, let port = port(number) else { return false }
        return port.lid != 0 && port.state == PortState.active.rawValue
    }

    /// Whether a port is "up" as the driver's unit counting sees it (`nup` of
    /// `hfi1_count_units`/`qib_count_units`, and `*_count_active_units`):
    /// * hfi1 (init.c): `ppd->lid && ppd->linkup` — a LID and the physical link up (LinkUp),
    ///   whatever the logical state (INIT and ARMED count);
    /// * qib (qib_init.c): `ppd->lid && (ppd->lflags & (QIBL_LINKINIT | QIBL_LINKARMED |
    ///   QIBL_LINKACTIVE))` — a LID and the logical state INIT, ARMED or ACTIVE.
    func isUp(_ port: PortFixture) -> Bool {
        guard port.lid != 0 else { return false }
        switch probe.fixture.driver {
        case .hfi1:
            return port.physicalState == PhysicalState.linkUp.rawValue
        case .qib:
            return [PortState.initialize, .armed, .active].map(\.rawValue).contains(port.state)
        }
    }

    /// Some port is up (the unit adds to `*_count_units(&npresent, &nup)`'s `nup`, which
    /// counts ports of present and absent units alike).
    var hasUpPort: Bool { probe.fixture.ports.contains(where: isUp) }

    /// The unit counts in `hfi1_count_active_units` / `qib_count_active_units` (CTXT_INFO
    /// `num_active`): present (`HFI1_PRESENT`/`QIB_PRESENT`) with some port up.
    var isActiveUnit: Bool { present && hasUpPort }
}

extension KernelState {
    /// `*_count_units(&npresent, &nup)` over a driver's units: how many are present, and
    /// whether any port of any unit is up (`nup > 0`).
    func countUnits(_ driver: DeviceSet.Driver) -> (present: Int, anyUp: Bool) {
        let units = deviceNames(driver).compactMap { devices[$0] }
        return (units.filter(\.present).count, units.contains(where: \.hasUpPort))
    }

    /// `hfi1_count_active_units` / `qib_count_active_units`.
    func countActiveUnits(_ driver: DeviceSet.Driver) -> Int {
        deviceNames(driver).filter { devices[$0]?.isActiveUnit == true }.count
    }

    /// The ib device name of a driver's unit (`hfi1_lookup(unit)`, `qib_lookup(unit)`).
    func deviceName(_ driver: DeviceSet.Driver, unit: Int) -> String? {
        devices.first { $0.value.probe.fixture.driver == driver && $0.value.probe.fixture.unit == unit }?.key
    }

    /// A driver's devices in unit order (the drivers' `for (ndev = 0; ndev < devmax; ndev++)`).
    func deviceNames(_ driver: DeviceSet.Driver) -> [String] {
        devices.filter { $0.value.probe.fixture.driver == driver }
            .sorted { $0.value.probe.fixture.unit < $1.value.probe.fixture.unit }
            .map(\.key)
    }

    /// Lets go of a file's context, if the device is still there.
    mutating func releaseContext(_ ref: ContextRef) {
        devices[ref.device]?.release(ref)
    }
}
