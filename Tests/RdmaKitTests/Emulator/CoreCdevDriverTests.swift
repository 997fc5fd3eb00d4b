import CRdmaABI
@_spi(KernelSeam) import RdmaKit
@testable import RdmaEmulator
import Testing

// The RDMA core's own character devices in the emulated kernel — issm and umad
// (core/user_mad.c), rdma_cm (core/ucma.c) — and the generic file ioctls (fs/ioctl.c) on every
// kind of node, through the real seam verbs. Every expectation cites ABI-FACTS or the kernel
// function it follows; every test ends in withDriverSession's leak check.
//
// Default device set (ABI-FACTS §1.4, DESIGN §5): umad0/issm0 = hfi1_0 port 1, umad1/issm1 =
// qib0 port 1, umad2/issm2 = qib0 port 2.

private typealias RegReq = ib_user_mad_reg_req
private typealias RegReq2 = ib_user_mad_reg_req2

/// A sysfs attribute's text, read through the kernel.
private func attribute(_ s: DriverSession, _ path: String) throws -> String {
    String(decoding: try s.kernel.readAttribute(path), as: UTF8.self).trimmingBlanks
}

/// `ports/N/cap_mask` of the port behind an issm/umad class device (its `ibdev` and `port`
/// attributes, ABI-FACTS §1.4), parsed from core/sysfs.c cap_mask_show's "0x%08x".
private func capabilityMask(_ s: DriverSession, madNode name: String) throws -> UInt32 {
    let device = try attribute(s, "/sys/class/infiniband_mad/\(name)/ibdev")
    let port = try attribute(s, "/sys/class/infiniband_mad/\(name)/port")
    let text = try attribute(s, "/sys/class/infiniband/\(device)/ports/\(port)/cap_mask")
    #expect(text.hasPrefix("0x") && text.count == 10, "cap_mask_show prints 0x%08x: \(text)")
    return UInt32(text.dropFirst(2), radix: 16) ?? 0
}

/// Requests for umad, fields at the offsets the C compiler gave the UAPI structs.
private enum UmadRequest {
    /// `struct ib_user_mad_reg_req` (28 bytes).
    static func register(qpn: UInt8 = 0, managementClass: UInt8 = 0, classVersion: UInt8 = 0,
                         oui: [UInt8] = [0, 0, 0], rmppVersion: UInt8 = 0) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: MemoryLayout<RegReq>.size)
        Bytes.put(qpn, at: offset(\RegReq.qpn), in: &b)
        Bytes.put(managementClass, at: offset(\RegReq.mgmt_class), in: &b)
        Bytes.put(classVersion, at: offset(\RegReq.mgmt_class_version), in: &b)
        b.replaceSubrange(offset(\RegReq.oui)..<offset(\RegReq.oui) + 3, with: oui)
        Bytes.put(rmppVersion, at: offset(\RegReq.rmpp_version), in: &b)
        return b
    }

    /// `struct ib_user_mad_reg_req2` (40 bytes).
    static func register2(qpn: UInt32 = 0, managementClass: UInt8 = 0, flags: UInt32 = 0, oui: UInt32 = 0,
                          rmppVersion: UInt8 = 0) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: MemoryLayout<RegReq2>.size)
        Bytes.put(qpn, at: offset(\RegReq2.qpn), in: &b)
        Bytes.put(managementClass, at: offset(\RegReq2.mgmt_class), in: &b)
        Bytes.put(flags, at: offset(\RegReq2.flags), in: &b)
        Bytes.put(oui, at: offset(\RegReq2.oui), in: &b)
        Bytes.put(rmppVersion, at: offset(\RegReq2.rmpp_version), in: &b)
        return b
    }

    /// A MAD for write(): `count` bytes, the header's `id` set (the first field of both
    /// `ib_user_mad_hdr_old` and `ib_user_mad_hdr`).
    static func mad(agent id: UInt32, count: Int) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: count)
        Bytes.put(id, at: offset(\ib_user_mad_hdr_old.id), in: &b)
        return b
    }

    /// hdr_size() before ENABLE_PKEY (`ib_user_mad_hdr_old`, 56) and after (`ib_user_mad_hdr`, 64).
    static let oldHeader = MemoryLayout<ib_user_mad_hdr_old>.size
    static let header = MemoryLayout<ib_user_mad_hdr>.size
    /// include/rdma/ib_mad.h IB_MGMT_RMPP_HDR: ib_umad_write needs hdr_size + this.
    static let rmppHeader = Int(RDMAABI_IB_MGMT_RMPP_HDR)
}

/// `struct rdma_ucm_cmd_hdr` for write(): `cmd`, `in` at their UAPI offsets (asserted in
/// CRdmaABI.h against <rdma/rdma_user_cm.h>), followed by `payload` bytes.
private func ucmCommand(_ command: UInt32, in inLength: UInt16 = 0, payload: Int = 0) -> [UInt8] {
    var b = [UInt8](repeating: 0, count: Int(RDMAABI_UCM_CMD_HDR_SIZE) + payload)
    Bytes.put(command, at: Int(RDMAABI_UCM_CMD_HDR_CMD_OFFSET), in: &b)
    Bytes.put(inLength, at: Int(RDMAABI_UCM_CMD_HDR_IN_OFFSET), in: &b)
    return b
}

// MARK: - issm

@Suite("issm") struct IssmDriverTests {
    /// core/user_mad.c ib_umad_sm_open: `ib_modify_port(…, .set_port_cap_mask = IB_PORT_SM)`;
    /// ib_umad_sm_close clears it; rdmavt rvt_modify_port changes only those bits, and
    /// core/sysfs.c cap_mask_show reads the port's flags back (ABI-FACTS §1.4).
    @Test(arguments: ["issm0", "issm1", "issm2"])
    func openSetsIsSMAndCloseClearsIt(node: String) throws {
        try withDriverSession { s in
            let others = ["issm0", "issm1", "issm2"].filter { $0 != node }
            let before = try capabilityMask(s, madNode: node)
            let othersBefore = try others.map { try capabilityMask(s, madNode: $0) }
            #expect(before & RDMAABI_IB_PORT_SM == 0, "no subnet manager runs on the emulated ports")

            let handle = try s.open("/dev/infiniband/\(node)")
            #expect(try capabilityMask(s, madNode: node) == before | RDMAABI_IB_PORT_SM)
            #expect(try others.map { try capabilityMask(s, madNode: $0) } == othersBefore, "only this port")
            s.close(handle)
            #expect(try capabilityMask(s, madNode: node) == before)
        }
    }

    /// ib_umad_sm_open: `down_trylock(&port->sm_sem)` fails while another file holds it →
    /// EAGAIN with O_NONBLOCK (ABI-FACTS §1.4). Without O_NONBLOCK the kernel sleeps in
    /// `down_interruptible`; the emulator never blocks and answers EAGAIN too (IssmDriver).
    /// A refused open changes nothing; after the close the port is free again.
    @Test func secondOpenIsEAGAIN() throws {
        try withDriverSession { s in
            let holder = try s.open("/dev/infiniband/issm0")
            #expect(driverErrno { try s.open("/dev/infiniband/issm0", flags: [.readWrite, .nonBlocking]) } == .EAGAIN)
            #expect(driverErrno { try s.open("/dev/infiniband/issm0", flags: .readWrite) } == .EAGAIN)
            #expect(try capabilityMask(s, madNode: "issm0") & RDMAABI_IB_PORT_SM != 0)
            // sm_sem is per port: another port's issm is free.
            let other = try s.open("/dev/infiniband/issm1")
            s.close([holder, other])
            #expect(try capabilityMask(s, madNode: "issm0") & RDMAABI_IB_PORT_SM == 0)
            let again = try s.open("/dev/infiniband/issm0")
            s.close(again)
        }
    }

    /// umad_devnode sets no mode: devtmpfs makes issm 0600 root:root (ABI-FACTS §1.4, §7), so
    /// uid 1000 is refused before the driver runs and IsSM stays clear.
    @Test(arguments: ["issm0", "issm1", "issm2"])
    func unprivilegedOpenIsEACCES(node: String) throws {
        try withDriverSession(as: driverUser) { s throws in
            #expect(driverErrno { try s.open("/dev/infiniband/\(node)") } == .EACCES)
            #expect(try capabilityMask(s, madNode: node) & RDMAABI_IB_PORT_SM == 0)
        }
    }

    /// `umad_sm_fops` has no read, write or unlocked_ioctl (ABI-FACTS §1.4: "no read/write"):
    /// fs/read_write.c vfs_read/vfs_write → EINVAL without FMODE_CAN_READ/WRITE, fs/ioctl.c
    /// vfs_ioctl → ENOTTY.
    @Test func hasNoReadWriteOrIoctl() throws {
        try withDriverSession { s in
            let handle = try s.open("/dev/infiniband/issm0")
            #expect(driverErrno { try s.kernel.read(handle, count: 256) } == .EINVAL)
            #expect(driverErrno { try s.write(handle, [UInt8](repeating: 0, count: 256)) } == .EINVAL)
            #expect(driverErrno { try s.ioctl(handle, RDMAABI_IB_USER_MAD_ENABLE_PKEY, 0) } == .ENOTTY)
            s.close(handle)
        }
    }
}

// MARK: - umad

@Suite("umad") struct UmadDriverTests {
    /// umad nodes are 0600 root:root (ABI-FACTS §1.4, §7): root opens them (ib_umad_open
    /// only allocates the file), uid 1000 gets EACCES from the mode check.
    @Test(arguments: ["umad0", "umad1", "umad2"])
    func openNeedsRoot(node: String) throws {
        try withDriverSession { s in s.close(try s.open("/dev/infiniband/\(node)")) }
        withDriverSession(as: driverUser) { s in
            #expect(driverErrno { try s.open("/dev/infiniband/\(node)") } == .EACCES)
        }
    }

    /// One call on a freshly opened umad0, against core/user_mad.c.
    static let rows: [DriverRow] = [
        // ib_umad_ioctl → ib_umad_enable_pkey: 0 while no agent was registered.
        DriverRow("ENABLE_PKEY on a fresh file → 0", nil, returns: 0) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_IB_USER_MAD_ENABLE_PKEY, 0)
        },
        // ib_umad_ioctl: `default: return -ENOIOCTLCMD` → ENOTTY (here: the uverbs ioctl number).
        DriverRow("RDMA_VERBS_IOCTL on umad → ENOTTY", .ENOTTY) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_VERBS_IOCTL, 0)
        },
        DriverRow("hfi1 GET_VERS on umad → ENOTTY", .ENOTTY) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_HFI1_IOCTL_GET_VERS, 0)
        },
        // ib_umad_reg_agent: copy_from_user → EFAULT; qpn not 0/1 → EINVAL.
        DriverRow("REGISTER_AGENT at an unmapped address → EFAULT", .EFAULT) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_IB_USER_MAD_REGISTER_AGENT, unmappedAddress)
        },
        DriverRow("REGISTER_AGENT qpn 2 → EINVAL", .EINVAL) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_IB_USER_MAD_REGISTER_AGENT,
                        try s.buffer(UmadRequest.register(qpn: 2)).address)
        },
        // ib_register_mad_agent (core/mad.c): every parameter failure is EINVAL.
        DriverRow("REGISTER_AGENT RMPP version 2 → EINVAL", .EINVAL) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_IB_USER_MAD_REGISTER_AGENT,
                        try s.buffer(UmadRequest.register(qpn: 1, managementClass: 0x03, rmppVersion: 2)).address)
        },
        DriverRow("REGISTER_AGENT perf class 0x04 on QP0 → EINVAL", .EINVAL) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_IB_USER_MAD_REGISTER_AGENT,
                        try s.buffer(UmadRequest.register(qpn: 0, managementClass: 0x04, classVersion: 1)).address)
        },
        DriverRow("REGISTER_AGENT SM class 0x01 on QP1 → EINVAL", .EINVAL) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_IB_USER_MAD_REGISTER_AGENT,
                        try s.buffer(UmadRequest.register(qpn: 1, managementClass: 0x01, classVersion: 1)).address)
        },
        DriverRow("REGISTER_AGENT class 0x50 (≥ MAX_MGMT_CLASS, not 0x81) → EINVAL", .EINVAL) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_IB_USER_MAD_REGISTER_AGENT,
                        try s.buffer(UmadRequest.register(qpn: 1, managementClass: 0x50)).address)
        },
        DriverRow("REGISTER_AGENT vendor class 0x30 without OUI → EINVAL", .EINVAL) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_IB_USER_MAD_REGISTER_AGENT,
                        try s.buffer(UmadRequest.register(qpn: 1, managementClass: 0x30)).address)
        },
        DriverRow("REGISTER_AGENT RMPP version for non-RMPP perf class → EINVAL", .EINVAL) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_IB_USER_MAD_REGISTER_AGENT,
                        try s.buffer(UmadRequest.register(qpn: 1, managementClass: 0x04, rmppVersion: 1)).address)
        },
        DriverRow("REGISTER_AGENT SA class 0x03 on QP1 with RMPP 1 → 0", nil, returns: 0) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_IB_USER_MAD_REGISTER_AGENT,
                        try s.buffer(UmadRequest.register(qpn: 1, managementClass: 0x03, classVersion: 2, rmppVersion: 1)).address)
        },
        DriverRow("REGISTER_AGENT vendor class 0x30 with an OUI → 0", nil, returns: 0) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_IB_USER_MAD_REGISTER_AGENT,
                        try s.buffer(UmadRequest.register(qpn: 1, managementClass: 0x30, oui: [0x00, 0x14, 0x05])).address)
        },
        // ib_umad_reg_agent2: qpn, then flags outside IB_USER_MAD_REG_FLAGS_CAP, then a
        // 24-bit OUI; with no class (send-only agent) IB_MAD_USER_RMPP is refused by
        // ib_register_mad_agent.
        DriverRow("REGISTER_AGENT2 qpn 7 → EINVAL", .EINVAL) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_IB_USER_MAD_REGISTER_AGENT2,
                        try s.buffer(UmadRequest.register2(qpn: 7)).address)
        },
        DriverRow("REGISTER_AGENT2 class 0x30 with a 32-bit OUI → EINVAL", .EINVAL) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_IB_USER_MAD_REGISTER_AGENT2,
                        try s.buffer(UmadRequest.register2(qpn: 1, managementClass: 0x30, oui: 0x0100_1405)).address)
        },
        DriverRow("REGISTER_AGENT2 user RMPP without a class → EINVAL", .EINVAL) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_IB_USER_MAD_REGISTER_AGENT2,
                        try s.buffer(UmadRequest.register2(qpn: 1, flags: RDMAABI_IB_USER_MAD_USER_RMPP)).address)
        },
        // ib_umad_unreg_agent: get_user → EFAULT; id ≥ IB_UMAD_MAX_AGENTS or an empty slot → EINVAL.
        DriverRow("UNREGISTER_AGENT at an unmapped address → EFAULT", .EFAULT) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_IB_USER_MAD_UNREGISTER_AGENT, unmappedAddress)
        },
        DriverRow("UNREGISTER_AGENT of an empty slot → EINVAL", .EINVAL) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_IB_USER_MAD_UNREGISTER_AGENT,
                        try s.buffer(QibRequest.u64(0)).address)
        },
        DriverRow("UNREGISTER_AGENT id 32 → EINVAL", .EINVAL) { s in
            try s.ioctl(try s.open("/dev/infiniband/umad0"), RDMAABI_IB_USER_MAD_UNREGISTER_AGENT,
                        try s.buffer(QibRequest.u64(32)).address)
        },
        // ib_umad_read: count < hdr_size → EINVAL first; an empty receive list with
        // O_NONBLOCK → EAGAIN (ABI-FACTS §1.4; the session opens with .probe = O_NONBLOCK).
        DriverRow("read of 55 bytes (< ib_user_mad_hdr_old) → EINVAL", .EINVAL) { s in
            try s.kernel.read(try s.open("/dev/infiniband/umad0"), count: UmadRequest.oldHeader - 1).count
        },
        DriverRow("read of 56 bytes, nothing queued, O_NONBLOCK → EAGAIN", .EAGAIN) { s in
            try s.kernel.read(try s.open("/dev/infiniband/umad0"), count: UmadRequest.oldHeader).count
        },
        DriverRow("read of 56 bytes after ENABLE_PKEY (header 64) → EINVAL", .EINVAL) { s in
            let handle = try s.open("/dev/infiniband/umad0")
            _ = try s.ioctl(handle, RDMAABI_IB_USER_MAD_ENABLE_PKEY, 0)
            return try s.kernel.read(handle, count: UmadRequest.oldHeader).count
        },
        // ib_umad_write: count < hdr_size + IB_MGMT_RMPP_HDR → EINVAL; hdr.id ≥
        // IB_UMAD_MAX_AGENTS → EINVAL; no agent in the slot → EIO.
        DriverRow("write of 91 bytes (< 56 + 36) → EINVAL", .EINVAL) { s in
            try s.write(try s.open("/dev/infiniband/umad0"),
                        UmadRequest.mad(agent: 0, count: UmadRequest.oldHeader + UmadRequest.rmppHeader - 1))
        },
        DriverRow("write of 92 bytes for agent 32 → EINVAL", .EINVAL) { s in
            try s.write(try s.open("/dev/infiniband/umad0"),
                        UmadRequest.mad(agent: 32, count: UmadRequest.oldHeader + UmadRequest.rmppHeader))
        },
        DriverRow("write of 92 bytes for unregistered agent 0 → EIO", .EIO) { s in
            try s.write(try s.open("/dev/infiniband/umad0"),
                        UmadRequest.mad(agent: 0, count: UmadRequest.oldHeader + UmadRequest.rmppHeader))
        },
        DriverRow("write of 92 bytes after ENABLE_PKEY (needs 64 + 36) → EINVAL", .EINVAL) { s in
            let handle = try s.open("/dev/infiniband/umad0")
            _ = try s.ioctl(handle, RDMAABI_IB_USER_MAD_ENABLE_PKEY, 0)
            return try s.write(handle, UmadRequest.mad(agent: 0, count: UmadRequest.oldHeader + UmadRequest.rmppHeader))
        },
    ]

    @Test(arguments: rows)
    func errnoTable(row: DriverRow) {
        withDriverSession { row.check($0) }
    }

    /// ib_umad_reg_agent with a zeroed request: QP0, no class — a send-only agent, which
    /// ib_register_mad_agent accepts; put_user writes the slot (0) into `id`. From then on
    /// `already_used` makes ib_umad_enable_pkey answer EINVAL. ib_umad_unreg_agent frees the
    /// slot once; the second time the slot is empty → EINVAL.
    @Test func registerThenEnablePkeyIsTooLate() throws {
        try withDriverSession { s in
            let handle = try s.open("/dev/infiniband/umad0")
            var request = UmadRequest.register()
            Bytes.put(UInt32(0xffff_ffff), at: offset(\RegReq.id), in: &request)
            let memory = try s.buffer(request)
            #expect(try s.ioctl(handle, RDMAABI_IB_USER_MAD_REGISTER_AGENT, memory.address) == 0)
            #expect(Bytes.get(UInt32.self, at: offset(\RegReq.id), in: memory.load()) == 0)
            #expect(driverErrno { try s.ioctl(handle, RDMAABI_IB_USER_MAD_ENABLE_PKEY, 0) } == .EINVAL)
            // REGISTER_AGENT leaves use_pkey_index off: a write() of 56 + 36 bytes is long
            // enough and reaches the agent lookup, which finds no agent 1 → EIO.
            #expect(driverErrno { try s.write(handle, UmadRequest.mad(agent: 1, count: UmadRequest.oldHeader + UmadRequest.rmppHeader)) }
                    == .EIO)
            let id = try s.buffer(QibRequest.u64(0))
            #expect(try s.ioctl(handle, RDMAABI_IB_USER_MAD_UNREGISTER_AGENT, id.address) == 0)
            #expect(driverErrno { try s.ioctl(handle, RDMAABI_IB_USER_MAD_UNREGISTER_AGENT, id.address) } == .EINVAL)
            s.close(handle)
        }
    }

    /// ib_umad_reg_agent2: `flags` outside IB_USER_MAD_REG_FLAGS_CAP → EINVAL, and the
    /// supported flags are written back into `flags` (put_user).
    @Test func registerAgent2WritesBackTheSupportedFlags() throws {
        try withDriverSession { s in
            let handle = try s.open("/dev/infiniband/umad0")
            let memory = try s.buffer(UmadRequest.register2(qpn: 1, flags: 0x6))
            #expect(driverErrno { try s.ioctl(handle, RDMAABI_IB_USER_MAD_REGISTER_AGENT2, memory.address) } == .EINVAL)
            #expect(Bytes.get(UInt32.self, at: offset(\RegReq2.flags), in: memory.load()) == RDMAABI_IB_USER_MAD_REG_FLAGS_CAP)
            s.close(handle)
        }
    }

    /// ib_umad_reg_agent2's first registration sets `use_pkey_index`: the header grows to
    /// `ib_user_mad_hdr` (64), so a 56-byte read is EINVAL and a 64-byte one EAGAIN.
    @Test func registerAgent2TurnsOnPkeyIndexes() throws {
        try withDriverSession { s in
            let handle = try s.open("/dev/infiniband/umad0")
            #expect(try s.ioctl(handle, RDMAABI_IB_USER_MAD_REGISTER_AGENT2,
                                try s.buffer(UmadRequest.register2(qpn: 1)).address) == 0)
            #expect(driverErrno { try s.kernel.read(handle, count: UmadRequest.oldHeader) } == .EINVAL)
            #expect(driverErrno { try s.kernel.read(handle, count: UmadRequest.header) } == .EAGAIN)
            s.close(handle)
        }
    }

    /// ib_umad_reg_agent: IB_UMAD_MAX_AGENTS (32) slots per file, the lowest free one first;
    /// the 33rd registration → ENOMEM. ib_umad_close unregisters them all: a new file starts
    /// empty (its first agent is 0 again).
    @Test func thirtyThreeAgentsAreENOMEM() throws {
        try withDriverSession { s in
            let handle = try s.open("/dev/infiniband/umad0")
            for expected in 0..<32 {
                let memory = try s.buffer(UmadRequest.register(qpn: 1))
                #expect(try s.ioctl(handle, RDMAABI_IB_USER_MAD_REGISTER_AGENT, memory.address) == 0)
                #expect(Bytes.get(UInt32.self, at: offset(\RegReq.id), in: memory.load()) == UInt32(expected))
            }
            let last = try s.buffer(UmadRequest.register(qpn: 1))
            #expect(driverErrno { try s.ioctl(handle, RDMAABI_IB_USER_MAD_REGISTER_AGENT, last.address) } == .ENOMEM)
            s.close(handle)
            let fresh = try s.open("/dev/infiniband/umad0")
            let memory = try s.buffer(UmadRequest.register(qpn: 1))
            #expect(try s.ioctl(fresh, RDMAABI_IB_USER_MAD_REGISTER_AGENT, memory.address) == 0)
            #expect(Bytes.get(UInt32.self, at: offset(\RegReq.id), in: memory.load()) == 0)
            s.close(fresh)
        }
    }
}

// MARK: - rdma_cm

@Suite("rdma_cm") struct RdmaCMDriverTests {
    /// ucma.c `ucma_misc.mode = 0666` (ABI-FACTS §7, §11): uid 1000 opens it; ucma_open only
    /// allocates the file.
    @Test func unprivilegedOpen() throws {
        try withDriverSession(as: driverUser) { s in
            s.close(try s.open("/dev/infiniband/rdma_cm"))
        }
    }

    /// One call on a freshly opened rdma_cm (as uid 1000), against core/ucma.c.
    static let rows: [DriverRow] = [
        // ucma_write: len < sizeof(struct rdma_ucm_cmd_hdr) (8) → EINVAL.
        DriverRow("write of 7 bytes → EINVAL", .EINVAL) { s in
            try s.write(try s.open("/dev/infiniband/rdma_cm"), [UInt8](repeating: 0, count: 7))
        },
        DriverRow("write of 0 bytes → EINVAL", .EINVAL) { s in try s.write(try s.open("/dev/infiniband/rdma_cm"), []) },
        // hdr.cmd ≥ ARRAY_SIZE(ucma_cmd_table) (last entry RDMA_USER_CM_CMD_JOIN_MCAST) → EINVAL.
        DriverRow("command JOIN_MCAST + 1 → EINVAL", .EINVAL) { s in
            try s.write(try s.open("/dev/infiniband/rdma_cm"), ucmCommand(UInt32(RDMAABI_USER_CM_CMD_JOIN_MCAST) + 1))
        },
        DriverRow("command 0xffffffff → EINVAL", .EINVAL) { s in
            try s.write(try s.open("/dev/infiniband/rdma_cm"), ucmCommand(0xffff_ffff))
        },
        // hdr.in + sizeof(hdr) > len → EINVAL, before the table entry is looked at.
        DriverRow("GET_OPTION with in = 8 but no payload → EINVAL", .EINVAL) { s in
            try s.write(try s.open("/dev/infiniband/rdma_cm"), ucmCommand(UInt32(RDMAABI_USER_CM_CMD_GET_OPTION), in: 8))
        },
        // The NULL entry of ucma_cmd_table → ENOSYS.
        DriverRow("GET_OPTION → ENOSYS", .ENOSYS) { s in
            try s.write(try s.open("/dev/infiniband/rdma_cm"), ucmCommand(UInt32(RDMAABI_USER_CM_CMD_GET_OPTION)))
        },
        DriverRow("GET_OPTION with in = 8 and 8 payload bytes → ENOSYS", .ENOSYS) { s in
            try s.write(try s.open("/dev/infiniband/rdma_cm"),
                        ucmCommand(UInt32(RDMAABI_USER_CM_CMD_GET_OPTION), in: 8, payload: 8))
        },
        // ucma_fops has no unlocked_ioctl (fs/ioctl.c vfs_ioctl → ENOTTY) and no read
        // (fs/read_write.c vfs_read → EINVAL).
        DriverRow("ioctl RDMA_VERBS_IOCTL → ENOTTY", .ENOTTY) { s in
            try s.ioctl(try s.open("/dev/infiniband/rdma_cm"), RDMAABI_VERBS_IOCTL, 0)
        },
        DriverRow("ioctl IB_USER_MAD_ENABLE_PKEY → ENOTTY", .ENOTTY) { s in
            try s.ioctl(try s.open("/dev/infiniband/rdma_cm"), RDMAABI_IB_USER_MAD_ENABLE_PKEY, 0)
        },
        DriverRow("read → EINVAL", .EINVAL) { s in try s.kernel.read(try s.open("/dev/infiniband/rdma_cm"), count: 64).count },
    ]

    @Test(arguments: rows)
    func errnoTable(row: DriverRow) {
        withDriverSession(as: driverUser) { row.check($0) }
    }
}

// MARK: - generic file ioctls

@Suite("generic file ioctls") struct GenericFileIoctlTests {
    static let nodes = ["/dev/infiniband/uverbs0", "/dev/hfi1_0", "/dev/ipath0", "/dev/infiniband/umad0",
                        "/dev/infiniband/rdma_cm"]

    /// fs/ioctl.c do_vfs_ioctl answers FIOCLEX and FIONCLEX (set_close_on_exec) and FIONBIO
    /// (ioctl_fionbio: get_user of an int, then O_NONBLOCK set or cleared) for every file
    /// before the driver's unlocked_ioctl — whatever the driver, and under every profile.
    @Test(arguments: nodes, Profile.allCases)
    func answeredBeforeTheDriver(path: String, profile: Profile) throws {
        try withDriverSession(profile: profile) { s in
            let handle = try s.open(path, flags: .readWrite)
            let file = { s.kernel.withState { $0.files[handle.id] } }
            #expect(try s.ioctl(handle, RDMAABI_FIONCLEX, 0) == 0)
            #expect(file()?.closeOnExec == false)
            #expect(try s.ioctl(handle, RDMAABI_FIOCLEX, 0) == 0)
            #expect(file()?.closeOnExec == true)
            #expect(try s.ioctl(handle, RDMAABI_FIONBIO, try s.buffer([1, 0, 0, 0]).address) == 0)
            #expect(file()?.nonBlocking == true)
            #expect(try s.ioctl(handle, RDMAABI_FIONBIO, try s.buffer([0, 0, 0, 0]).address) == 0)
            #expect(file()?.nonBlocking == false)
            // ioctl_fionbio: get_user fails → EFAULT, and the flag is left as it was.
            #expect(driverErrno { try s.ioctl(handle, RDMAABI_FIONBIO, unmappedAddress) } == .EFAULT)
            #expect(file()?.nonBlocking == false)
            s.close(handle)
        }
    }

    /// FIONBIO reaches the driver through `f_flags`: ib_umad_read's empty-queue branch
    /// checks O_NONBLOCK at read time, so a file opened blocking and switched by FIONBIO takes
    /// the kernel's own EAGAIN branch (ABI-FACTS §1.4, user_mad.c ib_umad_read). The emulator
    /// answers EAGAIN on the blocking branch too (it never sleeps) but says so in the error's
    /// detail, so the detail shows which branch ran.
    @Test func fionbioSwitchesUmadRead() throws {
        try withDriverSession { s in
            let handle = try s.open("/dev/infiniband/umad0", flags: .readWrite)
            #expect(try s.ioctl(handle, RDMAABI_FIONBIO, try s.buffer([1, 0, 0, 0]).address) == 0)
            let error = try #require(throws: KernelError.self) { try s.kernel.read(handle, count: UmadRequest.oldHeader) }
            #expect(error.errno == .EAGAIN && error.detail == nil, "\(error)")
            s.close(handle)
        }
    }
}
