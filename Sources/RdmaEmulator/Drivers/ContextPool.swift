import CRdmaABI

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

    /// qib_file_ops.c `usable()`: a LID and the link ACTIVE (ABI-FACTS §11). hfi1's
    /// `usable_device` (staging) asks only for ACTIVE.
    func isUsable(port number: Int) -> Bool {
        guard let port = port(number) else { return false }
        return port.lid != 0 && port.state == 4
    }

    /// Some port is usable (the unit counts in `*_count_units(&npresent, &nup)`'s `nup`).
    var hasUsablePort: Bool { probe.fixture.ports.contains { isUsable(port: $0.number) } }

    /// Some port is ACTIVE (hfi1 `hfi1_count_active_units`, staging `usable_device`).
    var hasActivePort: Bool { probe.fixture.ports.contains { $0.state == 4 } }
}

extension KernelState {
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
