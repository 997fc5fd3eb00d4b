import CRdmaABI
import RdmaKit

/// /dev/infiniband/umadN of one device port (ABI-FACTS §1.4): core/user_mad.c `umad_fops` —
/// open (ib_umad_open), release (ib_umad_close), read, write and `unlocked_ioctl`
/// (ib_umad_ioctl). The node's 0600 mode is checked by `EmulatedKernel.open`.
///
/// Modelled: the agent table of a file (REGISTER_AGENT, REGISTER_AGENT2, UNREGISTER_AGENT with
/// every check of their own and `ib_register_mad_agent`'s parameter checks), ENABLE_PKEY, the
/// header size that follows from both (`hdr_size`: 56-byte `ib_user_mad_hdr_old`, 64-byte
/// `ib_user_mad_hdr` once P_Key indexes are on), and the size and agent checks of read() and
/// write().
///
/// Not modelled — there is no fabric and no MAD layer behind the emulated port:
/// * sending: a write() that names a registered agent would go on to build an address handle
///   and a send buffer (`rdma_create_user_ah`, `ib_create_send_mad`: their own EINVALs), check
///   duplicate TIDs and post the MAD. The emulator answers ENOSYS there (its "not modelled").
/// * receiving: no MAD, response or send timeout is ever queued, so read() never has a packet.
/// * registration conflicts: `ib_register_mad_agent` refuses (EINVAL) a class/version/method
///   another agent of the port already registered (`method_in_use`, `is_vendor_method_in_use`,
///   also against the kernel's own agents such as ib_cm's); every registration that passes the
///   parameter checks succeeds here. The LSM hook `ib_mad_agent_security_setup` always allows.
/// * hot-unplug (`ib_umad_kill_port`: `agents_dead` → EIO on read and write, EPIPE on register).
/// * `rdma_dev_access_netns` (EPERM from another network namespace).
struct UmadDriver: EmulatedDriver {
    let device: String
    let port: Int

    /// ib_umad_open: the port's device gone → ENXIO; otherwise a fresh `ib_umad_file`.
    func open(_ file: inout OpenFile, kernel: inout KernelState) throws(KernelError) {
        guard kernel.devices[device] != nil else { throw KernelError(.ENXIO) }
        file.privateData = UmadFileState()
    }

    /// ib_umad_close: unregisters every agent; the file's packets are freed with it.
    func release(_ file: inout OpenFile, kernel: inout KernelState) {
        file.privateData = nil
    }

    func leakDetail(_ file: OpenFile) -> String? {
        let agents = file.umadState.agents
        return agents.isEmpty ? nil : "\(agents.count) MAD agent(s) registered on \(device) port \(port)"
    }

    /// ib_umad_ioctl: the four IB_USER_MAD_* requests; anything else is -ENOIOCTLCMD, which
    /// fs/ioctl.c turns into ENOTTY. vfs_ioctl passes an `unsigned int cmd`.
    func ioctl(_ file: inout OpenFile, request: UInt, argument: UInt64,
               kernel: inout KernelState) throws(KernelError) -> Int {
        var state = file.umadState
        defer { file.umadState = state }
        switch UInt(UInt32(truncatingIfNeeded: request)) {
        case RDMAABI_IB_USER_MAD_REGISTER_AGENT:
            try registerAgent(argument, state: &state, kernel: &kernel)
        case RDMAABI_IB_USER_MAD_REGISTER_AGENT2:
            try registerAgent2(argument, state: &state, kernel: &kernel)
        case RDMAABI_IB_USER_MAD_UNREGISTER_AGENT:
            // ib_umad_unreg_agent: get_user → EFAULT; id ≥ IB_UMAD_MAX_AGENTS → EINVAL; an
            // empty slot → EINVAL.
            let id = try kernel.copyFromUser(UInt32.self, at: argument)
            guard id < RDMAABI_IB_UMAD_MAX_AGENTS, state.agents.remove(Int(id)) != nil else {
                throw KernelError(.EINVAL, .other("umad: no agent \(id)"))
            }
        case RDMAABI_IB_USER_MAD_ENABLE_PKEY:
            // ib_umad_enable_pkey: too late once an agent was registered (`already_used`).
            if state.alreadyUsed { throw KernelError(.EINVAL, .other("umad: ENABLE_PKEY after an agent was registered")) }
            state.usePkeyIndex = true
        default:
            throw KernelError(.ENOTTY)
        }
        return 0
    }

    /// ib_umad_read: `count < hdr_size(file)` → EINVAL; then the receive list, which is always
    /// empty here: O_NONBLOCK → EAGAIN. A blocking read sleeps in the kernel until a MAD
    /// arrives; the emulator never blocks (and nothing would arrive), so it answers EAGAIN too.
    func read(_ file: inout OpenFile, count: Int, kernel: inout KernelState) throws(KernelError) -> [UInt8] {
        let headerSize = file.umadState.headerSize
        if count < headerSize { throw KernelError(.EINVAL, .other("umad: read of \(count) bytes, header is \(headerSize)")) }
        throw KernelError(.EAGAIN, file.nonBlocking ? nil : .other("umad: no MAD queued (the emulator does not block)"))
    }

    /// ib_umad_write: `count < hdr_size(file) + IB_MGMT_RMPP_HDR` → EINVAL; the header's `id`
    /// ≥ IB_UMAD_MAX_AGENTS → EINVAL; no agent in that slot → EIO (`__get_agent`; kernels
    /// before 5.x answered EINVAL). Sending is not modelled: ENOSYS.
    func write(_ file: inout OpenFile, _ bytes: [UInt8], kernel: inout KernelState) throws(KernelError) -> Int {
        let state = file.umadState
        let needed = state.headerSize + Int(RDMAABI_IB_MGMT_RMPP_HDR)
        if bytes.count < needed { throw KernelError(.EINVAL, .other("umad: write of \(bytes.count) bytes, at least \(needed) needed")) }
        // `id` is the first field of both header layouts.
        let id = CStruct.decode(ib_user_mad_hdr_old.self, from: bytes).id
        if id >= RDMAABI_IB_UMAD_MAX_AGENTS { throw KernelError(.EINVAL, .other("umad: agent id \(id)")) }
        guard state.agents.contains(Int(id)) else { throw KernelError(.EIO, .other("umad: no agent \(id)")) }
        throw KernelError(.ENOSYS, .other("umad: sending MADs is not modelled"))
    }

    // MARK: agents

    /// ib_umad_reg_agent, in its order: the device gone → EPIPE; copy_from_user → EFAULT;
    /// `qpn` not 0 or 1 → EINVAL; no free slot → ENOMEM; ib_register_mad_agent (flags 0);
    /// put_user of the id → EFAULT. Leaves `use_pkey_index` as it is (the kernel only warns).
    private func registerAgent(_ argument: UInt64, state: inout UmadFileState,
                               kernel: inout KernelState) throws(KernelError) {
        guard kernel.devices[device] != nil else { throw KernelError(.EPIPE) }
        let request = try kernel.copyFromUser(ib_user_mad_reg_req.self, at: argument)
        guard request.qpn <= 1 else { throw KernelError(.EINVAL, .other("umad: qpn \(request.qpn)")) }
        let id = try state.freeAgentSlot()
        try MadAgentRegistration(qpn: request.qpn, managementClass: request.mgmt_class,
                                 classVersion: request.mgmt_class_version,
                                 hasOUI: request.oui != (0, 0, 0), rmppVersion: request.rmpp_version,
                                 flags: 0).validate()
        try kernel.copyToUser(UInt32(id), at: argument + UInt64(MemoryLayout<ib_user_mad_reg_req>.offset(of: \.id)!))
        state.agents.insert(id)
        state.alreadyUsed = true
    }

    /// ib_umad_reg_agent2, in its order: EPIPE; EFAULT; `qpn` not 0 or 1 → EINVAL; `flags`
    /// outside IB_USER_MAD_REG_FLAGS_CAP → EINVAL, with the supported flags written back into
    /// `flags` (EFAULT if that fails); no free slot → ENOMEM; a class with `oui` above 24 bits
    /// → EINVAL; ib_register_mad_agent; put_user of the id. The first registration of the file
    /// turns P_Key indexes on.
    private func registerAgent2(_ argument: UInt64, state: inout UmadFileState,
                                kernel: inout KernelState) throws(KernelError) {
        typealias Request = ib_user_mad_reg_req2
        guard kernel.devices[device] != nil else { throw KernelError(.EPIPE) }
        let request = try kernel.copyFromUser(Request.self, at: argument)
        guard request.qpn <= 1 else { throw KernelError(.EINVAL, .other("umad: qpn \(request.qpn)")) }
        if request.flags & ~RDMAABI_IB_USER_MAD_REG_FLAGS_CAP != 0 {
            try kernel.copyToUser(UInt32(RDMAABI_IB_USER_MAD_REG_FLAGS_CAP),
                                  at: argument + UInt64(MemoryLayout<Request>.offset(of: \.flags)!))
            throw KernelError(.EINVAL, .other("umad: registration flags 0x\(hex(UInt64(request.flags), width: 1))"))
        }
        let id = try state.freeAgentSlot()
        if request.mgmt_class != 0, request.oui & 0xff00_0000 != 0 {
            throw KernelError(.EINVAL, .other("umad: oui 0x\(hex(UInt64(request.oui), width: 8))"))
        }
        try MadAgentRegistration(qpn: UInt8(request.qpn), managementClass: request.mgmt_class,
                                 classVersion: request.mgmt_class_version, hasOUI: request.oui != 0,
                                 rmppVersion: request.rmpp_version, flags: request.flags).validate()
        try kernel.copyToUser(UInt32(id), at: argument + UInt64(MemoryLayout<Request>.offset(of: \.id)!))
        state.agents.insert(id)
        if !state.alreadyUsed {
            state.alreadyUsed = true
            state.usePkeyIndex = true
        }
    }
}

/// What user_mad.c keeps per open umad file (`struct ib_umad_file`), as far as it is modelled.
/// Stored in `OpenFile.privateData`.
struct UmadFileState: Sendable, Equatable {
    /// The filled slots of `file->agent[IB_UMAD_MAX_AGENTS]`, by agent id.
    var agents: Set<Int> = []
    /// `use_pkey_index`: ENABLE_PKEY or the file's first REGISTER_AGENT2 chose the header
    /// with `pkey_index`.
    var usePkeyIndex = false
    /// `already_used`: an agent has been registered; ENABLE_PKEY is refused from then on.
    var alreadyUsed = false

    /// user_mad.c `hdr_size()`: the MAD header read() and write() use.
    var headerSize: Int {
        usePkeyIndex ? MemoryLayout<ib_user_mad_hdr>.size : MemoryLayout<ib_user_mad_hdr_old>.size
    }

    /// The lowest empty agent slot (`for (agent_id = 0; …; ++agent_id) if (!__get_agent(…))`),
    /// or ENOMEM ("Max Agents reached").
    func freeAgentSlot() throws(KernelError) -> Int {
        guard let id = (0..<Int(RDMAABI_IB_UMAD_MAX_AGENTS)).first(where: { !agents.contains($0) }) else {
            throw KernelError(.ENOMEM, .other("umad: all \(RDMAABI_IB_UMAD_MAX_AGENTS) agent slots are taken"))
        }
        return id
    }
}

extension OpenFile {
    /// The umad private data; a file whose `open` never ran (nil) reads as freshly opened.
    var umadState: UmadFileState {
        get { privateData as? UmadFileState ?? UmadFileState() }
        set { privateData = newValue }
    }
}

/// The parameter checks of core/mad.c `ib_register_mad_agent` for a umad registration
/// (`qpn` 0 → IB_QPT_SMI, 1 → IB_QPT_GSI; a non-zero `mgmt_class` supplies a registration
/// request, zero registers a send-only agent). Every failure is EINVAL (`ret` starts as
/// ERR_PTR(-EINVAL)). The port checks that follow (no MAD port → ENODEV, no QP0/QP1 →
/// EPROTONOSUPPORT, and the SMI/CM capability check before all of these) pass for every
/// emulated port: hfi1 and qib ports have both special QPs.
struct MadAgentRegistration {
    let qpn: UInt8
    let managementClass: UInt8
    let classVersion: UInt8
    /// `is_vendor_oui()`: some byte of the OUI is non-zero.
    let hasOUI: Bool
    let rmppVersion: UInt8
    let flags: UInt32

    func validate() throws(KernelError) {
        if rmppVersion != 0, rmppVersion != RDMAABI_IB_MGMT_RMPP_VERSION { throw refused("RMPP version \(rmppVersion)") }
        guard managementClass != 0 else {
            // No registration request: IB_MAD_USER_RMPP needs one.
            if flags & RDMAABI_IB_USER_MAD_USER_RMPP != 0 { throw refused("user RMPP without a class") }
            return
        }
        if UInt32(classVersion) >= RDMAABI_MAX_MGMT_VERSION { throw refused("class version \(classVersion)") }
        if UInt32(managementClass) >= RDMAABI_MAX_MGMT_CLASS {
            if managementClass != RDMAABI_IB_MGMT_CLASS_SUBN_DIRECTED_ROUTE { throw refused("class 0x\(hexClass)") }
        } else if isVendorClass, !hasOUI {
            throw refused("no OUI for vendor class 0x\(hexClass)")
        }
        if !isRMPPClass, rmppVersion != 0 { throw refused("RMPP version for non-RMPP class 0x\(hexClass)") }
        let subnetClass = managementClass == RDMAABI_IB_MGMT_CLASS_SUBN_LID_ROUTED
            || managementClass == RDMAABI_IB_MGMT_CLASS_SUBN_DIRECTED_ROUTE
        // QP0 (SMI) takes only the subnet management classes, QP1 (GSI) everything else.
        if (qpn == 0) != subnetClass { throw refused("class 0x\(hexClass) on QP\(qpn)") }
    }

    /// mad.c `is_vendor_class`: the "new" vendor range.
    private var isVendorClass: Bool {
        (RDMAABI_IB_MGMT_CLASS_VENDOR_RANGE2_START...RDMAABI_IB_MGMT_CLASS_VENDOR_RANGE2_END).contains(managementClass)
    }

    /// mad.c `ib_is_mad_class_rmpp`.
    private var isRMPPClass: Bool {
        [RDMAABI_IB_MGMT_CLASS_SUBN_ADM, RDMAABI_IB_MGMT_CLASS_DEVICE_MGMT, RDMAABI_IB_MGMT_CLASS_DEVICE_ADM,
         RDMAABI_IB_MGMT_CLASS_BIS].contains(managementClass) || isVendorClass
    }

    private var hexClass: String { hex(UInt64(managementClass), width: 2) }

    private func refused(_ why: String) -> KernelError {
        KernelError(.EINVAL, .other("ib_register_mad_agent: \(why)"))
    }
}
