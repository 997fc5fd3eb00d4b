import CRdmaABI
@_spi(KernelSeam) import RdmaKit
@testable import RdmaEmulator
import Testing

// The emulated qib driver through the real seam verbs, row by row against ABI-FACTS §3 and §11.
// Every test ends in withDriverSession's leak check.

private typealias QibBase = rdmaabi_qib_base_info
private typealias QibCtxt = rdmaabi_qib_ctxt_info

private func assign(_ s: DriverSession, _ path: String, _ info: [UInt8]) throws -> Int {
    try s.write(try s.open(path), QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT, payload: info))
}

/// ASSIGN_CTXT on a fresh open of /dev/ipath0.
private func assign(_ s: DriverSession, _ info: [UInt8]) throws -> Int {
    try assign(s, "/dev/ipath0", info)
}

/// CTXT_INFO's `num_active`.
private func qibNumActive(_ s: DriverSession, _ handle: KernelHandle) throws -> Int {
    Int(Bytes.get(UInt16.self, at: offset(\QibCtxt.num_active), in: try s.qibContextInfo(handle)))
}

@Suite("qib") struct QibDriverTests {
    static let noContextTypes: [(String, UInt32)] = [
        ("CTXT_INFO", RDMAABI_QIB_CMD_CTXT_INFO), ("RECV_CTRL", RDMAABI_QIB_CMD_RECV_CTRL),
        ("TID_UPDATE", RDMAABI_QIB_CMD_TID_UPDATE), ("TID_FREE", RDMAABI_QIB_CMD_TID_FREE),
        ("SET_PART_KEY", RDMAABI_QIB_CMD_SET_PART_KEY), ("USER_INIT", RDMAABI_QIB_CMD_USER_INIT),
        ("PIOAVAILUPD", RDMAABI_QIB_CMD_PIOAVAILUPD), ("POLL_TYPE", RDMAABI_QIB_CMD_POLL_TYPE),
        ("ARMLAUNCH_CTRL", RDMAABI_QIB_CMD_ARMLAUNCH_CTRL), ("SDMA_INFLIGHT", RDMAABI_QIB_CMD_SDMA_INFLIGHT),
        ("SDMA_COMPLETE", RDMAABI_QIB_CMD_SDMA_COMPLETE), ("DISARM_BUFS", RDMAABI_QIB_CMD_DISARM_BUFS),
        ("ACK_EVENT", RDMAABI_QIB_CMD_ACK_EVENT),
    ]

    /// qib_write's checks before dispatch (ABI-FACTS §3.2).
    static let writeRows: [DriverRow] = [
        DriverRow("§3.2 write of 3 bytes → EINVAL", .EINVAL) { s in try s.write(try s.open("/dev/ipath0"), [23, 0, 0]) },
        DriverRow("§3.2 write of 0 bytes → EINVAL", .EINVAL) { s in try s.write(try s.open("/dev/ipath0"), []) },
        DriverRow("§3.2 ASSIGN_CTXT in 35 bytes (count - 4 < 32) → EINVAL", .EINVAL) { s in
            try s.write(try s.open("/dev/ipath0"),
                        QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT, payload: QibRequest.userInfo(), count: 35))
        },
        DriverRow("§3.2 ASSIGN_CTXT in 36 bytes → 36", nil, returns: 36) { s in
            try s.write(try s.open("/dev/ipath0"),
                        QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT, payload: QibRequest.userInfo(), count: 36))
        },
        DriverRow("§3.2 CTXT_INFO in 11 bytes (count - 4 < 8) → EINVAL", .EINVAL) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_CTXT_INFO, count: 11))
        },
        DriverRow("§3.2 SET_PART_KEY in 5 bytes (count - 4 < 2) → EINVAL", .EINVAL) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_SET_PART_KEY, count: 5))
        },
        DriverRow("§3.2 PIOAVAILUPD in 4 bytes (no payload) → 4", nil, returns: 4) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_PIOAVAILUPD, count: 4))
        },
        DriverRow("§3.2 short payload is checked before the context → EINVAL", .EINVAL) { s in
            try s.write(try s.open("/dev/ipath0"), QibRequest.command(RDMAABI_QIB_CMD_USER_INIT, count: 20))
        },
        DriverRow("vfs_write: write() on a file opened read-only → EBADF (before qib_write)", .EBADF) { s in
            try s.write(try s.open("/dev/ipath0", flags: .readOnly),
                        QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT, payload: QibRequest.userInfo()))
        },
        DriverRow("vfs_write: a read-only write of 0 bytes → EBADF, not qib_write's EINVAL", .EBADF) { s in
            try s.write(try s.open("/dev/ipath", flags: .readOnly), [])
        },
    ] + [0, 16, 22, 25, 26, 30, 33, 36, 37, 99, 0xffff_ffff].map { type in
        DriverRow("§3.2 unknown type \(type) → EINVAL", .EINVAL) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(UInt32(type)))
        }
    } + noContextTypes.map { name, type in
        DriverRow("§3.2 \(name) without a context → EINVAL", .EINVAL) { s in
            try s.write(try s.open("/dev/ipath0"), QibRequest.command(type))
        }
    }

    /// qib_assign_ctxt, find_free_ctxt, choose_port_ctxt, get_a_ctxt (ABI-FACTS §3.3, §11).
    static let assignRows: [DriverRow] = [
        DriverRow("§3.3 ASSIGN_CTXT 1.13 on /dev/ipath0 → 36", nil, returns: 36) { s in try assign(s, QibRequest.userInfo()) },
        DriverRow("§3.3 ASSIGN_CTXT 1.10 (older minor) → 36", nil, returns: 36) { s in
            try assign(s, QibRequest.userInfo(version: 1 << 16 | 10))
        },
        DriverRow("§3.3 ASSIGN_CTXT major 2 → ENODEV", .ENODEV) { s in try assign(s, QibRequest.userInfo(version: 2 << 16 | 13)) },
        DriverRow("§3.3 ASSIGN_CTXT major 0 → ENODEV", .ENODEV) { s in try assign(s, QibRequest.userInfo(version: 13)) },
        DriverRow("§3.3 ASSIGN_CTXT twice → EINVAL", .EINVAL) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT, payload: QibRequest.userInfo()))
        },
        DriverRow("§3.3 ASSIGN_CTXT twice with a bad major: EINVAL first", .EINVAL) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT,
                                                                payload: QibRequest.userInfo(version: 9 << 16)))
        },
        DriverRow("§11 spu_port 3 beyond qib0's 2 ports → ENODEV", .ENODEV) { s in try assign(s, QibRequest.userInfo(port: 3)) },
        DriverRow("§11 spu_port 2 (DOWN, LID 0) → ENETDOWN", .ENETDOWN) { s in try assign(s, QibRequest.userInfo(port: 2)) },
        DriverRow("§11 spu_port 1 (ACTIVE, LID 0x2) → 36", nil, returns: 36) { s in try assign(s, QibRequest.userInfo(port: 1)) },
        DriverRow("§11 spu_port 0: first usable port → 36", nil, returns: 36) { s in try assign(s, QibRequest.userInfo(port: 0)) },
        DriverRow("§3.3 wildcard /dev/ipath → 36", nil, returns: 36) { s in try assign(s, "/dev/ipath", QibRequest.userInfo()) },
        DriverRow("§11 wildcard with spu_port 2 (DOWN) → ENETDOWN", .ENETDOWN) { s in
            try assign(s, "/dev/ipath", QibRequest.userInfo(port: 2))
        },
        DriverRow("§11 wildcard WITHIN with spu_port 2 → ENETDOWN", .ENETDOWN) { s in
            try assign(s, "/dev/ipath", QibRequest.userInfo(port: 2, algorithm: RDMAABI_QIB_PORT_ALG_WITHIN))
        },
        DriverRow("§3.3 subctxt_cnt 5 > QLOGIC_IB_MAX_SUBCTXT → EINVAL", .EINVAL) { s in
            try assign(s, QibRequest.userInfo(subcontexts: 5))
        },
        DriverRow("§3.3 subctxt_cnt 4 → 36", nil, returns: 36) { s in try assign(s, QibRequest.userInfo(subcontexts: 4)) },
        DriverRow("§3.3 ASSIGN_CTXT on /dev/ipath0 with all 16 contexts taken → EBUSY", .EBUSY) { s in
            for _ in 0..<16 { _ = try s.qibAssigned(port: 1) }
            return try assign(s, QibRequest.userInfo(port: 1))
        },
        DriverRow("§3.3 ASSIGN_CTXT on /dev/ipath0, any port, all contexts taken → EBUSY", .EBUSY) { s in
            for _ in 0..<16 { _ = try s.qibAssigned(port: 1) }
            return try assign(s, QibRequest.userInfo())
        },
        DriverRow("§3.3 wildcard ACROSS, all contexts taken → ENETDOWN (ABI-FACTS says EBUSY; see Docs)", .ENETDOWN) { s in
            for _ in 0..<16 { _ = try s.qibAssigned(port: 1) }
            return try assign(s, "/dev/ipath", QibRequest.userInfo())
        },
        DriverRow("§3.3 wildcard WITHIN, all contexts taken → EBUSY", .EBUSY) { s in
            for _ in 0..<16 { _ = try s.qibAssigned(port: 1) }
            return try assign(s, "/dev/ipath", QibRequest.userInfo(algorithm: RDMAABI_QIB_PORT_ALG_WITHIN))
        },
        DriverRow("§3.3 wildcard: no unit present → ENXIO", .ENXIO) { s in
            s.kernel.setPresent("qib0", false)
            return try assign(s, "/dev/ipath", QibRequest.userInfo())
        },
        DriverRow("§3.3 wildcard: no units at all → ENXIO", .ENXIO) { s in
            let h = try s.open("/dev/ipath")
            var written = 0
            try withDevice(s, "qib0", { $0 = nil }) {
                written = try s.write(h, QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT, payload: QibRequest.userInfo()))
            }
            return written
        },
        DriverRow("§3.3 /dev/ipath0 of a unit that is gone → ENODEV", .ENODEV) { s in
            let h = try s.open("/dev/ipath0")
            var written = 0
            try withDevice(s, "qib0", { $0 = nil }) {
                written = try s.write(h, QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT, payload: QibRequest.userInfo()))
            }
            return written
        },
        DriverRow("§11 every port DOWN: wildcard → ENETDOWN (nup 0)", .ENETDOWN) { s in
            setPort(s, "qib0", PortLink.down)
            return try assign(s, "/dev/ipath", QibRequest.userInfo())
        },
        DriverRow("§11 every port DOWN: /dev/ipath0, any port → ENETDOWN", .ENETDOWN) { s in
            setPort(s, "qib0", PortLink.down)
            return try assign(s, QibRequest.userInfo())
        },
        DriverRow("§11 every port DOWN: /dev/ipath0 port 1 → ENETDOWN", .ENETDOWN) { s in
            setPort(s, "qib0", PortLink.down)
            return try assign(s, QibRequest.userInfo(port: 1))
        },
        DriverRow("§11 port 1 ACTIVE without a LID: spu_port 1 → ENETDOWN", .ENETDOWN) { s in
            setPort(s, "qib0", PortLink.up(.active, lid: 0))
            return try assign(s, QibRequest.userInfo(port: 1))
        },
        DriverRow("§11 port 1 ARMED with a LID: up (nup) but not usable, wildcard → ENETDOWN", .ENETDOWN) { s in
            setPort(s, "qib0", PortLink.up(.armed, lid: 2))
            return try assign(s, "/dev/ipath", QibRequest.userInfo())
        },
        DriverRow("§11 port 1 INIT with a LID: not usable, spu_port 1 → ENETDOWN", .ENETDOWN) { s in
            setPort(s, "qib0", PortLink.up(.initialize, lid: 2))
            return try assign(s, QibRequest.userInfo(port: 1))
        },
        DriverRow("§11 qib0 not present: /dev/ipath0 port 1 → ENETDOWN (usable() needs QIB_PRESENT)", .ENETDOWN) { s in
            s.kernel.setPresent("qib0", false)
            return try assign(s, QibRequest.userInfo(port: 1))
        },
        DriverRow("§11 port 2 ACTIVE with a LID: spu_port 2 → 36", nil, returns: 36) { s in
            setPort(s, "qib0", port: 2, PortLink.up(.active, lid: 3))
            return try assign(s, QibRequest.userInfo(port: 2))
        },
        DriverRow("§3.3 sharing: a newer user minor does not share (new context) → 36", nil, returns: 36) { s in
            // qib_compatible_subctxts: a user minor above the driver's cannot share, so
            // find_shared_ctxt is skipped and init_subctxts ignores the request.
            _ = try assign(s, QibRequest.userInfo(version: 1 << 16 | 14, subcontexts: 2, subcontextID: 7))
            return try assign(s, QibRequest.userInfo(version: 1 << 16 | 14, subcontexts: 2, subcontextID: 7))
        },
    ]

    /// Commands after ASSIGN_CTXT.
    static let commandRows: [DriverRow] = [
        DriverRow("§11 USER_INIT → 36", nil, returns: 36) { s in
            let base = try s.buffer(count: 176)
            return try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_USER_INIT,
                payload: QibRequest.userInfo(baseInfo: base.address, baseInfoSize: 176)))
        },
        DriverRow("§11 USER_INIT to an unknown spu_base_info → EFAULT", .EFAULT) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_USER_INIT,
                payload: QibRequest.userInfo(baseInfo: unmappedAddress, baseInfoSize: 176)))
        },
        DriverRow("§3.3 USER_INIT with spu_base_info_size 119 → EINVAL", .EINVAL) { s in
            let base = try s.buffer(count: 176)
            return try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_USER_INIT,
                payload: QibRequest.userInfo(baseInfo: base.address, baseInfoSize: 119)))
        },
        DriverRow("§3.3 USER_INIT with spu_base_info_size 120 (unshared) → 36", nil, returns: 36) { s in
            let base = try s.buffer(count: 120)
            return try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_USER_INIT,
                payload: QibRequest.userInfo(baseInfo: base.address, baseInfoSize: 120)))
        },
        DriverRow("§3.3 USER_INIT of a shared context with size 120 → EINVAL", .EINVAL) { s in
            let h = try s.open("/dev/ipath0")
            _ = try s.write(h, QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT, payload: QibRequest.userInfo(subcontexts: 2)))
            let base = try s.buffer(count: 176)
            return try s.write(h, QibRequest.command(RDMAABI_QIB_CMD_USER_INIT,
                payload: QibRequest.userInfo(baseInfo: base.address, baseInfoSize: 120)))
        },
        DriverRow("§3.3 USER_INIT into a buffer shorter than spu_base_info_size → EFAULT", .EFAULT) { s in
            let base = try s.buffer(count: 150)
            return try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_USER_INIT,
                payload: QibRequest.userInfo(baseInfo: base.address, baseInfoSize: 176)))
        },
        DriverRow("§3.2 CTXT_INFO → 12", nil, returns: 12) { s in
            let out = try s.buffer(count: 16)
            return try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_CTXT_INFO, payload: QibRequest.u64(out.address)))
        },
        DriverRow("§3.2 CTXT_INFO to an unknown address → EFAULT", .EFAULT) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_CTXT_INFO, payload: QibRequest.u64(unmappedAddress)))
        },
        DriverRow("§3.2 RECV_CTRL → 8", nil, returns: 8) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_RECV_CTRL, payload: [1, 0, 0, 0]))
        },
        DriverRow("§3.2 POLL_TYPE → 6", nil, returns: 6) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_POLL_TYPE, payload: [1, 0]))
        },
        DriverRow("§3.2 ARMLAUNCH_CTRL → 8", nil, returns: 8) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_ARMLAUNCH_CTRL, payload: [1, 0, 0, 0]))
        },
        DriverRow("§3.2 DISARM_BUFS → 4", nil, returns: 4) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_DISARM_BUFS))
        },
        DriverRow("§3.2 PIOAVAILUPD → 4", nil, returns: 4) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_PIOAVAILUPD))
        },
        DriverRow("§3.2 ACK_EVENT → 12", nil, returns: 12) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_ACK_EVENT, payload: QibRequest.u64(0x3)))
        },
        DriverRow("§3.2 SDMA_INFLIGHT → 12", nil, returns: 12) { s in
            let out = try s.buffer(count: 4)
            return try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_SDMA_INFLIGHT, payload: QibRequest.u64(out.address)))
        },
        DriverRow("§3.2 SDMA_INFLIGHT to an unknown address → EFAULT", .EFAULT) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_SDMA_INFLIGHT, payload: QibRequest.u64(unmappedAddress)))
        },
        DriverRow("§3.2 SDMA_COMPLETE to an unknown address → EFAULT", .EFAULT) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_SDMA_COMPLETE, payload: QibRequest.u64(unmappedAddress)))
        },
        DriverRow("§3.2 TID_UPDATE with tidcnt 0 → EFAULT", .EFAULT) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_TID_UPDATE,
                payload: QibRequest.tidInfo(count: 0, vaddr: 0, tidlist: 0, tidmap: 0)))
        },
        DriverRow("§3.2 TID_UPDATE of unmapped pages → EFAULT", .EFAULT) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_TID_UPDATE,
                payload: QibRequest.tidInfo(count: 1, vaddr: unmappedAddress, tidlist: 0, tidmap: 0)))
        },
        DriverRow("§3.2 TID_UPDATE → 36", nil, returns: 36) { s in
            let pages = try s.buffer(count: 2 * 4096)
            let list = try s.buffer(count: 4)
            let map = try s.buffer(count: 64)
            return try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_TID_UPDATE,
                payload: QibRequest.tidInfo(count: 2, vaddr: pages.address, tidlist: list.address, tidmap: map.address)))
        },
        DriverRow("§3.2 TID_FREE with an unmapped tidmap → EFAULT", .EFAULT) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_TID_FREE,
                payload: QibRequest.tidInfo(count: 1, vaddr: 0, tidlist: 0, tidmap: unmappedAddress)))
        },
        DriverRow("§3.2 TID_FREE → 36", nil, returns: 36) { s in
            let map = try s.buffer(count: 64)
            return try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_TID_FREE,
                payload: QibRequest.tidInfo(count: 1, vaddr: 0, tidlist: 0, tidmap: map.address)))
        },
        DriverRow("§3.2 SET_PART_KEY 0x8000 (no key bits) → EINVAL", .EINVAL) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_SET_PART_KEY, payload: [0x00, 0x80]))
        },
        DriverRow("§3.2 SET_PART_KEY default 0xffff → 6", nil, returns: 6) { s in
            try s.write(try s.qibAssigned(), QibRequest.command(RDMAABI_QIB_CMD_SET_PART_KEY, payload: [0xff, 0xff]))
        },
        DriverRow("§3.2 SET_PART_KEY the same key twice → EEXIST", .EEXIST) { s in
            let h = try s.qibAssigned()
            _ = try s.write(h, QibRequest.command(RDMAABI_QIB_CMD_SET_PART_KEY, payload: [0x01, 0x80]))
            return try s.write(h, QibRequest.command(RDMAABI_QIB_CMD_SET_PART_KEY, payload: [0x01, 0x00]))
        },
        DriverRow("§3.2 SET_PART_KEY a fifth key → EBUSY", .EBUSY) { s in
            let h = try s.qibAssigned()
            for key in UInt8(1)...4 { _ = try s.write(h, QibRequest.command(RDMAABI_QIB_CMD_SET_PART_KEY, payload: [key, 0x80])) }
            return try s.write(h, QibRequest.command(RDMAABI_QIB_CMD_SET_PART_KEY, payload: [5, 0x80]))
        },
        DriverRow("§3.2 no unlocked_ioctl: GET_VERS number → ENOTTY", .ENOTTY) { s in
            let out = try s.buffer(count: 4)
            return try s.ioctl(try s.open("/dev/ipath0"), RDMAABI_HFI1_IOCTL_GET_VERS, out.address)
        },
        DriverRow("§3.2 no unlocked_ioctl: any ioctl on the wildcard → ENOTTY", .ENOTTY) { s in
            try s.ioctl(try s.open("/dev/ipath"), 0, 0)
        },
        DriverRow("§3.2 no unlocked_ioctl: ioctl with a context → ENOTTY", .ENOTTY) { s in
            try s.ioctl(try s.qibAssigned(), RDMAABI_VERBS_IOCTL, 0)
        },
        DriverRow("§3.2 no .read → EINVAL", .EINVAL) { s in try s.kernel.read(try s.open("/dev/ipath0"), count: 8).count },
        DriverRow("§3.3 slave USER_INIT before the master's → EAGAIN (the kernel would sleep)", .EAGAIN) { s in
            let info = QibRequest.userInfo(subcontexts: 2, subcontextID: 3)
            _ = try s.write(try s.open("/dev/ipath0"), QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT, payload: info))
            let slave = try s.open("/dev/ipath0")
            _ = try s.write(slave, QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT, payload: info))
            let base = try s.buffer(count: 176)
            return try s.write(slave, QibRequest.command(RDMAABI_QIB_CMD_USER_INIT,
                payload: QibRequest.userInfo(baseInfo: base.address, baseInfoSize: 176)))
        },
        DriverRow("§3.3 CTXT_INFO num_active: one unit, port 1 ACTIVE with a LID → 1", nil, returns: 1) { s in
            try qibNumActive(s, try s.qibAssigned())
        },
    ] + [
        // The unit's device data gone under an open file (the emulator's stand-in for a
        // removal it does not model further).
        ("CTXT_INFO", RDMAABI_QIB_CMD_CTXT_INFO, Errno.ENODEV), ("USER_INIT", RDMAABI_QIB_CMD_USER_INIT, .EINVAL),
        ("SET_PART_KEY", RDMAABI_QIB_CMD_SET_PART_KEY, .EINVAL),
    ].map { name, type, errno in
        DriverRow("emulator: \(name) after the unit's device data went away → \(errno)", errno) { s in
            let h = try s.qibAssigned()
            let out = try s.buffer(count: 176)
            let payload = type == RDMAABI_QIB_CMD_SET_PART_KEY ? [0x01, 0x80]
                : type == RDMAABI_QIB_CMD_USER_INIT ? QibRequest.userInfo(baseInfo: out.address, baseInfoSize: 176)
                : QibRequest.u64(out.address)
            var result = 0
            try withDevice(s, "qib0", { $0 = nil }) {
                result = try s.write(h, QibRequest.command(type, payload: payload))
            }
            return result
        }
    }

    /// qib_count_active_units (CTXT_INFO `num_active`) with two units: a unit counts when it is
    /// present and a port has a LID and is INIT, ARMED or ACTIVE — not only ACTIVE.
    static let twoUnitRows: [DriverRow] = [
        DriverRow("§3.3 num_active: both units ACTIVE with a LID → 2", nil, returns: 2) { s in
            try qibNumActive(s, try s.qibAssigned())
        },
        DriverRow("§3.3 num_active: qib1 port 1 INIT with a LID counts → 2", nil, returns: 2) { s in
            setPort(s, "qib1", PortLink.up(.initialize, lid: 0x12))
            return try qibNumActive(s, try s.qibAssigned())
        },
        DriverRow("§3.3 num_active: qib1 port 1 ARMED with a LID counts → 2", nil, returns: 2) { s in
            setPort(s, "qib1", PortLink.up(.armed, lid: 0x12))
            return try qibNumActive(s, try s.qibAssigned())
        },
        DriverRow("§3.3 num_active: qib1 port 1 ACTIVE without a LID → 1", nil, returns: 1) { s in
            setPort(s, "qib1", PortLink.up(.active, lid: 0))
            return try qibNumActive(s, try s.qibAssigned())
        },
        DriverRow("§3.3 num_active: qib1 DOWN → 1", nil, returns: 1) { s in
            setPort(s, "qib1", PortLink.down)
            return try qibNumActive(s, try s.qibAssigned())
        },
        DriverRow("§3.3 num_active: qib1 not present → 1", nil, returns: 1) { s in
            s.kernel.setPresent("qib1", false)
            return try qibNumActive(s, try s.qibAssigned())
        },
        DriverRow("§3.3 wildcard: qib1 not present, qib0 full: still a present unit → ENETDOWN", .ENETDOWN) { s in
            s.kernel.setPresent("qib1", false)
            setPort(s, "qib1", PortLink.down)
            for _ in 0..<16 { _ = try s.qibAssigned(port: 1) }
            return try assign(s, "/dev/ipath", QibRequest.userInfo())
        },
        DriverRow("§3.3 wildcard ACROSS: qib0 full, qib1 free → 36 (qib1)", nil, returns: 36) { s in
            for _ in 0..<16 { _ = try s.qibAssigned(port: 1) }
            return try assign(s, "/dev/ipath", QibRequest.userInfo())
        },
    ]

    @Test(arguments: writeRows + assignRows + commandRows, Profile.allCases)
    func errnoTable(row: DriverRow, profile: Profile) {
        withDriverSession(profile: profile) { row.check($0) }
    }

    @Test(arguments: twoUnitRows)
    func twoUnitErrnoTable(row: DriverRow) throws {
        withDriverSession(devices: try DeviceSet.parse("qib:2")) { row.check($0) }
    }

    /// The qib PSM order (ABI-FACTS §11): ASSIGN_CTXT, USER_INIT, CTXT_INFO; golden bytes read
    /// at the C compiler's offsets.
    @Test(arguments: Profile.allCases)
    func handshake(profile: Profile) throws {
        try withDriverSession(profile: profile) { s in
            let h = try s.qibAssigned()
            #expect(try s.freeContexts("qib0") == 15)
            let base = try s.buffer(count: 176)
            #expect(try s.write(h, QibRequest.command(RDMAABI_QIB_CMD_USER_INIT,
                payload: QibRequest.userInfo(baseInfo: base.address, baseInfoSize: 176))) == 36)
            let b = base.load()
            let sw = Bytes.get(UInt32.self, at: offset(\QibBase.spi_sw_version), in: b)
            #expect(sw == 0x8001_000d, "QIB_KERN_SWVERSION | 1 << 31, as qib_get_base_info sets it")
            #expect(0x7fff & (sw >> 16) == 1 && sw & 0xffff == 13)
            #expect(Bytes.get(UInt16.self, at: offset(\QibBase.spi_ctxt), in: b) == 2)
            #expect(Bytes.get(UInt16.self, at: offset(\QibBase.spi_subctxt), in: b) == 0)
            #expect(Bytes.get(UInt16.self, at: offset(\QibBase.spi_unit), in: b) == 0)
            #expect(Bytes.get(UInt16.self, at: offset(\QibBase.spi_port), in: b) == 1)
            #expect(Bytes.get(UInt32.self, at: offset(\QibBase.spi_nctxts), in: b) == 18)
            #expect(Bytes.get(UInt32.self, at: offset(\QibBase.spi_qpair), in: b) == 0x656b78)
            #expect(Bytes.get(UInt32.self, at: offset(\QibBase.spi_hw_version), in: b) == 2)
            #expect(Bytes.get(UInt32.self, at: offset(\QibBase.spi_tid_maxsize), in: b) == 4096)
            let flags = Bytes.get(UInt32.self, at: offset(\QibBase.spi_runtime_flags), in: b)
            #expect(flags == RDMAABI_QIB_RUNTIME_CTXT_MSB_IN_QP | RDMAABI_QIB_RUNTIME_PCIE
                | RDMAABI_QIB_RUNTIME_NODMA_RTAIL | RDMAABI_QIB_RUNTIME_HDRSUPP | RDMAABI_QIB_RUNTIME_SDMA)
            #expect(Bytes.get(UInt64.self, at: offset(\QibBase.spi_subctxt_uregbase), in: b) == 0)
            #expect(Bytes.get(UInt64.self, at: offset(\QibBase.spi_sendbuf_status), in: b) != 0)

            let c = try s.qibContextInfo(h)
            #expect(Bytes.get(UInt16.self, at: offset(\QibCtxt.num_active), in: c) == 1)
            #expect(Bytes.get(UInt16.self, at: offset(\QibCtxt.unit), in: c) == 0)
            #expect(Bytes.get(UInt16.self, at: offset(\QibCtxt.port), in: c) == 1)
            #expect(Bytes.get(UInt16.self, at: offset(\QibCtxt.ctxt), in: c) == 2)
            #expect(Bytes.get(UInt16.self, at: offset(\QibCtxt.subctxt), in: c) == 0)
            #expect(Bytes.get(UInt16.self, at: offset(\QibCtxt.num_ctxts), in: c) == 16)
            #expect(Bytes.get(UInt16.self, at: offset(\QibCtxt.num_subctxts), in: c) == 0)
            #expect(Bytes.get(UInt16.self, at: offset(\QibCtxt.rec_cpu), in: c) == 0xffff)
            s.close(h)
            #expect(try s.freeContexts("qib0") == 16)
        }
    }

    @Test func userInitCopiesAtMostTheGivenSize() throws {
        try withDriverSession { s in
            let base = try s.buffer(count: 176, fill: 0xaa)
            let h = try s.qibAssigned()
            _ = try s.write(h, QibRequest.command(RDMAABI_QIB_CMD_USER_INIT,
                payload: QibRequest.userInfo(baseInfo: base.address, baseInfoSize: 120)))
            let b = base.load()
            #expect(Bytes.get(UInt32.self, at: offset(\QibBase.spi_sw_version), in: b) == 0x8001_000d)
            #expect(b[120...].allSatisfy { $0 == 0xaa }, "min(spu_base_info_size, sizeof) bytes")
            s.close(h)
        }
    }

    @Test func everyContextLandsOnTheUsablePort() throws {
        // choose_port_ctxt: port `ctxt % 2` first; odd contexts would pick port 2, which is
        // DOWN, so they fall back to the first usable port.
        try withDriverSession { s in
            let handles = try (0..<16).map { _ in try s.qibAssigned() }
            let infos = try handles.map { try s.qibContextInfo($0) }
            #expect(Set(infos.map { Bytes.get(UInt16.self, at: offset(\QibCtxt.port), in: $0) }) == [1])
            #expect(Set(infos.map { Bytes.get(UInt16.self, at: offset(\QibCtxt.ctxt), in: $0) }) == Set(2..<18))
            s.close(handles)
        }
    }

    /// With port 2 usable too, choose_port_ctxt spreads contexts: port `ctxt % 2` (0-based
    /// index, so even contexts on port 1, odd on port 2).
    @Test func contextsAlternatePortsWhenBothAreUsable() throws {
        try withDriverSession { s in
            setPort(s, "qib0", port: 2, PortLink.up(.active, lid: 3))
            let handles = try (0..<4).map { _ in try s.qibAssigned() }
            let ports = try handles.map { Bytes.get(UInt16.self, at: offset(\QibCtxt.port), in: try s.qibContextInfo($0)) }
            #expect(ports == [1, 2, 1, 2])
            s.close(handles)
        }
    }

    @Test func seventeenthContextIsBusyOnIpath0() throws {
        try withDriverSession { s in
            let held = try (0..<16).map { _ in try s.qibAssigned(port: 1) }
            #expect(try s.freeContexts("qib0") == 0)
            let h = try s.open("/dev/ipath")
            let command = QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT, payload: QibRequest.userInfo())
            // The wildcard with the ACROSS algorithm finds no unit with a free context and
            // answers ENETDOWN (get_a_ctxt's `dusable` is only counted by WITHIN).
            #expect(driverErrno { try s.write(h, command) } == .ENETDOWN)
            #expect(try s.freeContexts("qib0") == 0)
            s.close(held[0])
            #expect(try s.write(h, command) == 36)
            #expect(try s.qibContext(h) == 2, "the freed context is the lowest free one")
            s.close(Array(held.dropFirst()) + [h])
        }
    }

    @Test func wildcardPicksTheLeastUsedUnit() throws {
        try withDriverSession(devices: try DeviceSet.parse("qib:2")) { s in
            let first = try s.qibAssigned("/dev/ipath0")
            let wild = try s.qibAssigned("/dev/ipath")
            #expect(Bytes.get(UInt16.self, at: offset(\QibCtxt.unit), in: try s.qibContextInfo(wild)) == 1)
            #expect(Bytes.get(UInt16.self, at: offset(\QibCtxt.num_active), in: try s.qibContextInfo(first)) == 2)
            let second = try s.qibAssigned("/dev/ipath1")
            #expect(Bytes.get(UInt16.self, at: offset(\QibCtxt.unit), in: try s.qibContextInfo(second)) == 1)
            #expect(try s.freeContexts("qib0") == 15 && s.freeContexts("qib1") == 14)
            // The least used unit is qib0 again (1 context against 2).
            let third = try s.qibAssigned("/dev/ipath")
            #expect(Bytes.get(UInt16.self, at: offset(\QibCtxt.unit), in: try s.qibContextInfo(third)) == 0)
            s.close([first, wild, second, third])
        }
    }

    @Test func sharedContext() throws {
        try withDriverSession { s in
            let info = QibRequest.userInfo(subcontexts: 2, subcontextID: 3)
            let master = try s.open("/dev/ipath0")
            #expect(try s.write(master, QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT, payload: info)) == 36)
            let slave = try s.open("/dev/ipath")          // find_shared_ctxt searches every unit
            #expect(try s.write(slave, QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT, payload: info)) == 36)
            #expect(try s.freeContexts("qib0") == 15)
            let base = try s.buffer(count: 176)
            let initCommand = QibRequest.command(RDMAABI_QIB_CMD_USER_INIT,
                                                 payload: QibRequest.userInfo(baseInfo: base.address, baseInfoSize: 176))
            // The slave's USER_INIT would sleep until the master's: the emulator says EAGAIN
            // (also a row of the errno table) and writes nothing.
            #expect(driverErrno { try s.write(slave, initCommand) } == .EAGAIN)
            #expect(base.load().allSatisfy { $0 == 0 })
            #expect(try s.write(master, initCommand) == 36)
            let flags = Bytes.get(UInt32.self, at: offset(\QibBase.spi_runtime_flags), in: base.load())
            #expect(flags & RDMAABI_QIB_RUNTIME_MASTER != 0)
            #expect(Bytes.get(UInt64.self, at: offset(\QibBase.spi_subctxt_uregbase), in: base.load()) != 0)
            #expect(try s.write(slave, initCommand) == 36)
            #expect(Bytes.get(UInt32.self, at: offset(\QibBase.spi_runtime_flags), in: base.load())
                & RDMAABI_QIB_RUNTIME_MASTER == 0)
            #expect(Bytes.get(UInt16.self, at: offset(\QibBase.spi_subctxt), in: base.load()) == 1)
            let c = try s.qibContextInfo(slave)
            #expect(Bytes.get(UInt16.self, at: offset(\QibCtxt.subctxt), in: c) == 1)
            #expect(Bytes.get(UInt16.self, at: offset(\QibCtxt.num_subctxts), in: c) == 2)
            #expect(try s.qibContext(slave) == s.qibContext(master))
            s.close(master)
            #expect(try s.freeContexts("qib0") == 15, "the slave still holds the context")
            s.close(slave)
            #expect(try s.freeContexts("qib0") == 16)
        }
    }

    /// A sharing request that does not fit the context its `subctxt_id` names: the ASSIGN_CTXTs
    /// that set the scene (one context, subctxt_id 7, subctxt_cnt 2), then the request.
    struct SharingMismatch: Sendable, CustomTestStringConvertible {
        let name: String
        let setup: [[UInt8]]
        let request: [UInt8]
        let subcontexts: Int
        var testDescription: String { name }
    }

    static let sharingMismatches: [SharingMismatch] = [
        SharingMismatch(name: "other subctxt_cnt for the same id", setup: [QibRequest.userInfo(subcontexts: 2, subcontextID: 7)],
                        request: QibRequest.userInfo(subcontexts: 3, subcontextID: 7), subcontexts: 3),
        SharingMismatch(name: "other userversion", setup: [QibRequest.userInfo(subcontexts: 2, subcontextID: 7)],
                        request: QibRequest.userInfo(version: 1 << 16 | 12, subcontexts: 2, subcontextID: 7), subcontexts: 2),
        SharingMismatch(name: "all sub-contexts taken",
                        setup: Array(repeating: QibRequest.userInfo(subcontexts: 2, subcontextID: 7), count: 2),
                        request: QibRequest.userInfo(subcontexts: 2, subcontextID: 7), subcontexts: 2),
    ]

    /// ABI-FACTS §11 "qib context sharing": modern `qib_assign_ctxt` (5.x/6.x) continues only on
    /// a positive `find_shared_ctxt` (`if (ret > 0) { …; goto done_ok; }`); its EINVAL for a
    /// mismatching or full context is overwritten by `find_free_ctxt`, so the request gets a
    /// fresh context and write() returns 4 + sizeof(qib_user_info) = 36 (§3.2). The fresh
    /// context is set up by setup_ctxt → init_subctxts like any other: a compatible request
    /// with `spu_subctxt_cnt` > 0 makes it a new master with that count (CTXT_INFO
    /// `num_subctxts`, qib_ctxt_info `rcd->subctxt_cnt`). qib_close gives it back.
    @Test(arguments: sharingMismatches, Profile.allCases)
    func sharingMismatchGetsAFreshContext(mismatch: SharingMismatch, profile: Profile) throws {
        try withDriverSession(profile: profile) { s in
            var setup: [KernelHandle] = []
            for info in mismatch.setup {
                let handle = try s.open("/dev/ipath0")
                #expect(try s.write(handle, QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT, payload: info)) == 36)
                setup.append(handle)
            }
            let shared = try s.qibContext(setup[0])
            #expect(try s.freeContexts("qib0") == 15, "the setup shares one context")

            let handle = try s.open("/dev/ipath0")
            #expect(try s.write(handle, QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT, payload: mismatch.request)) == 36)
            #expect(try s.freeContexts("qib0") == 14, "exactly one more context")
            let info = try s.qibContextInfo(handle)
            #expect(Int(Bytes.get(UInt16.self, at: offset(\QibCtxt.ctxt), in: info)) != shared)
            #expect(Bytes.get(UInt16.self, at: offset(\QibCtxt.subctxt), in: info) == 0)
            #expect(Int(Bytes.get(UInt16.self, at: offset(\QibCtxt.num_subctxts), in: info)) == mismatch.subcontexts)

            s.close(handle)
            #expect(try s.freeContexts("qib0") == 15, "qib_close released the fresh context")
            s.close(setup)
            #expect(try s.freeContexts("qib0") == 16)
        }
    }

    @Test func tidUpdateWritesListAndMap() throws {
        try withDriverSession { s in
            let pages = try s.buffer(count: 3 * 4096)
            let list = try s.buffer(count: 6, fill: 0xff)
            let map = try s.buffer(count: 64, fill: 0)
            let h = try s.qibAssigned()
            _ = try s.write(h, QibRequest.command(RDMAABI_QIB_CMD_TID_UPDATE,
                payload: QibRequest.tidInfo(count: 3, vaddr: pages.address, tidlist: list.address, tidmap: map.address)))
            #expect(list.load() == [0, 0, 1, 0, 2, 0])
            #expect(map.load()[0] == 0b111 && map.load()[1...].allSatisfy { $0 == 0 })
            s.close(h)
        }
    }

    // MARK: credentials (DESIGN §5, issue item 7)

    /// /dev/ipath* are 0600 root:root (class `ipath` has no devnode callback): a caller that
    /// is not root gets EACCES from the mode check, before any driver code runs.
    static let credentialRows: [DriverRow] = [
        DriverRow("§3.1 open /dev/ipath0 as uid 1000 → EACCES", .EACCES) { s in try s.open("/dev/ipath0").id },
        DriverRow("§3.1 open the wildcard /dev/ipath as uid 1000 → EACCES", .EACCES) { s in try s.open("/dev/ipath").id },
        DriverRow("§3.1 open /dev/ipath0 read-only as uid 1000 → EACCES", .EACCES) { s in
            try s.open("/dev/ipath0", flags: .readOnly).id
        },
        DriverRow("§3.1 open /dev/ipath0 as uid 1000 in group 0 → EACCES (group bits ---)", .EACCES) { _ in
            let grouped = DriverSession(as: Credentials(uid: 1000, gid: 0, groups: [0]))
            defer { grouped.closeAll(); grouped.finish() }
            return try grouped.open("/dev/ipath0").id
        },
        DriverRow("§2.3 open /dev/hfi1_0 (0666) as uid 1000 → a handle", nil) { s in try s.open("/dev/hfi1_0").id },
    ]

    @Test(arguments: credentialRows)
    func credentialErrnoTable(row: DriverRow) {
        withDriverSession(as: driverUser) { row.check($0) }
    }

    @Test func unprivilegedUserCannotOpenIpathNodes() throws {
        try withDriverSession(as: driverUser) { s in
            for path in ["/dev/ipath0", "/dev/ipath"] {
                #expect(try s.kernel.deviceNode(path).mode == 0o600, "class ipath has no devnode: devtmpfs 0600")
                #expect(s.kernel.predictOpen(path) == false)
            }
            // …while /dev/hfi1_0 (0666) opens for the same caller.
            #expect(s.kernel.predictOpen("/dev/hfi1_0") == true)
            s.close(try s.hfi1Assigned())
        }
    }

    @Test(arguments: Profile.allCases)
    func rootOpensIpathNodes(profile: Profile) throws {
        try withDriverSession(profile: profile, as: driverRoot) { s in
            #expect(s.kernel.predictOpen("/dev/ipath0") == true)
            let unit = try s.qibAssigned("/dev/ipath0")
            let wildcard = try s.qibAssigned("/dev/ipath")
            #expect(try s.freeContexts("qib0") == 14)
            s.close([unit, wildcard])
        }
    }
}
