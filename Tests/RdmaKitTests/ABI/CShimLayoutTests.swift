import CRdmaABI
import CRdmaSys
import Testing

#if canImport(Glibc)
import Glibc
#endif

// Checks, from the Swift side, that what CRdmaABI exports is what the kernel ABI says.
// Every expected value is a literal taken from /work/shared/docs/ABI-FACTS.md (or from
// the kernel source the shim header cites), never the same C constant again, so a header
// or shim change that moves a number makes a test fail.

@Suite("CRdmaABI shim")
struct CShimLayoutTests {
    /// One named numeric fact: the exported value and the number the ABI fixes for it.
    struct ABINumber: Sendable, CustomTestStringConvertible {
        let name: String
        let actual: UInt64
        let expected: UInt64
        var testDescription: String { name }

        init<A: BinaryInteger, E: BinaryInteger>(_ name: String, _ actual: A, _ expected: E) {
            self.name = name
            self.actual = UInt64(truncatingIfNeeded: actual)
            self.expected = UInt64(truncatingIfNeeded: expected)
        }
    }

    /// A size or field offset of an imported C type and what the kernel ABI fixes for it.
    struct ABILayout: Sendable, CustomTestStringConvertible {
        let name: String
        let actual: Int?
        let expected: Int
        var testDescription: String { name }

        init(_ name: String, _ actual: Int?, _ expected: Int) {
            self.name = name
            self.actual = actual
            self.expected = expected
        }
    }

    // MARK: ioctl numbers (ABI-FACTS sec. 2.4, sec. 4.1)

    static let ioctlNumbers: [ABINumber] = [
        ABINumber("HFI1_IOCTL_ASSIGN_CTXT", RDMAABI_HFI1_IOCTL_ASSIGN_CTXT, 0xc01c_1be1),
        ABINumber("HFI1_IOCTL_CTXT_INFO", RDMAABI_HFI1_IOCTL_CTXT_INFO, 0x4028_1be2),
        ABINumber("HFI1_IOCTL_USER_INFO", RDMAABI_HFI1_IOCTL_USER_INFO, 0x4078_1be3),
        ABINumber("HFI1_IOCTL_TID_UPDATE", RDMAABI_HFI1_IOCTL_TID_UPDATE, 0xc018_1be4),
        ABINumber("HFI1_IOCTL_TID_FREE", RDMAABI_HFI1_IOCTL_TID_FREE, 0xc018_1be5),
        ABINumber("HFI1_IOCTL_CREDIT_UPD", RDMAABI_HFI1_IOCTL_CREDIT_UPD, 0x0000_1be6),
        ABINumber("HFI1_IOCTL_RECV_CTRL", RDMAABI_HFI1_IOCTL_RECV_CTRL, 0x4004_1be8),
        ABINumber("HFI1_IOCTL_POLL_TYPE", RDMAABI_HFI1_IOCTL_POLL_TYPE, 0x4004_1be9),
        ABINumber("HFI1_IOCTL_ACK_EVENT", RDMAABI_HFI1_IOCTL_ACK_EVENT, 0x4008_1bea),
        ABINumber("HFI1_IOCTL_SET_PKEY", RDMAABI_HFI1_IOCTL_SET_PKEY, 0x4002_1beb),
        ABINumber("HFI1_IOCTL_CTXT_RESET", RDMAABI_HFI1_IOCTL_CTXT_RESET, 0x0000_1bec),
        ABINumber("HFI1_IOCTL_TID_INVAL_READ", RDMAABI_HFI1_IOCTL_TID_INVAL_READ, 0xc018_1bed),
        ABINumber("HFI1_IOCTL_GET_VERS", RDMAABI_HFI1_IOCTL_GET_VERS, 0x8004_1bee),
        ABINumber("IB_USER_MAD_REGISTER_AGENT", RDMAABI_IB_USER_MAD_REGISTER_AGENT, 0xc01c_1b01),
        ABINumber("IB_USER_MAD_UNREGISTER_AGENT", RDMAABI_IB_USER_MAD_UNREGISTER_AGENT, 0x4004_1b02),
        ABINumber("IB_USER_MAD_ENABLE_PKEY", RDMAABI_IB_USER_MAD_ENABLE_PKEY, 0x0000_1b03),
        ABINumber("IB_USER_MAD_REGISTER_AGENT2", RDMAABI_IB_USER_MAD_REGISTER_AGENT2, 0xc028_1b04),
        ABINumber("RDMA_VERBS_IOCTL", RDMAABI_VERBS_IOCTL, 0xc018_1b01),
    ]

    @Test("ioctl request numbers", arguments: ioctlNumbers)
    func ioctlNumber(_ fact: ABINumber) {
        #expect(fact.actual == fact.expected, "\(fact.name)")
    }

    /// (request, direction, type, nr, size) with direction 1 = write, 2 = read, 3 = both.
    static let ioctlDecodings: [(UInt, UInt32, UInt32, UInt32, UInt32)] = [
        (RDMAABI_HFI1_IOCTL_ASSIGN_CTXT, 3, 0x1b, 0xE1, 28),
        (RDMAABI_HFI1_IOCTL_CTXT_INFO, 1, 0x1b, 0xE2, 40),
        (RDMAABI_HFI1_IOCTL_USER_INFO, 1, 0x1b, 0xE3, 120),
        (RDMAABI_HFI1_IOCTL_TID_UPDATE, 3, 0x1b, 0xE4, 24),
        (RDMAABI_HFI1_IOCTL_CREDIT_UPD, 0, 0x1b, 0xE6, 0),
        (RDMAABI_HFI1_IOCTL_ACK_EVENT, 1, 0x1b, 0xEA, 8),
        (RDMAABI_HFI1_IOCTL_SET_PKEY, 1, 0x1b, 0xEB, 2),
        (RDMAABI_HFI1_IOCTL_GET_VERS, 2, 0x1b, 0xEE, 4),
        (RDMAABI_VERBS_IOCTL, 3, 0x1b, 0x01, 24),
    ]

    @Test("ioctl numbers decode into dir/type/nr/size", arguments: ioctlDecodings)
    func ioctlDecoding(_ c: (UInt, UInt32, UInt32, UInt32, UInt32)) {
        #expect(rdmaabi_ioc_dir(c.0) == c.1)
        #expect(rdmaabi_ioc_type(c.0) == c.2)
        #expect(rdmaabi_ioc_nr(c.0) == c.3)
        #expect(rdmaabi_ioc_size(c.0) == c.4)
    }

    @Test func iocEncodesAndDirectionBits() {
        #expect(RDMAABI_IOC_NONE == 0)
        #expect(RDMAABI_IOC_WRITE == 1)
        #expect(RDMAABI_IOC_READ == 2)
        #expect(RDMAABI_IOCTL_MAGIC == 0x1b)
        #expect(rdmaabi_ioc(3, 0x1b, 0xE1, 28) == 0xc01c_1be1)
        // The same nr with the v4-era 32-byte hfi1_tid_info is a different request number.
        #expect(rdmaabi_ioc(3, 0x1b, 0xE4, 32) == 0xc020_1be4)
        #expect(rdmaabi_ioc(3, 0x1b, 0xE4, 32) != RDMAABI_HFI1_IOCTL_TID_UPDATE)
    }

    // MARK: versions (ABI-FACTS sec. 2.5, sec. 3.3, sec. 10)

    static let versionNumbers: [ABINumber] = [
        ABINumber("HFI1_USER_SWMAJOR", RDMAABI_HFI1_USER_SWMAJOR, 6),
        ABINumber("HFI1_USER_SWMINOR", RDMAABI_HFI1_USER_SWMINOR, 3),
        ABINumber("HFI1_SWMAJOR_SHIFT", RDMAABI_HFI1_SWMAJOR_SHIFT, 16),
        ABINumber("HFI1_USER_SWVERSION", RDMAABI_HFI1_USER_SWVERSION, 0x0006_0003),
        ABINumber("HFI1 ioctl API first major", RDMAABI_HFI1_IOCTL_CMD_API_MODULE_MAJOR, 6),
        ABINumber("HFI1_MAX_SHARED_CTXTS", RDMAABI_HFI1_MAX_SHARED_CTXTS, 8),
        ABINumber("QIB_USER_SWMAJOR", RDMAABI_QIB_USER_SWMAJOR, 1),
        ABINumber("QIB_USER_SWMINOR", RDMAABI_QIB_USER_SWMINOR, 13),
        ABINumber("QIB_USER_SWVERSION", RDMAABI_QIB_USER_SWVERSION, 0x0001_000d),
        ABINumber("IB_USER_VERBS_ABI_VERSION", RDMAABI_IB_USER_VERBS_ABI_VERSION, 6),
        ABINumber("IB_USER_MAD_ABI_VERSION", RDMAABI_IB_USER_MAD_ABI_VERSION, 5),
        ABINumber("RDMA_DRIVER_RXE", RDMAABI_DRIVER_RXE, 14),
        ABINumber("RDMA_DRIVER_HFI1", RDMAABI_DRIVER_HFI1, 15),
        ABINumber("RDMA_DRIVER_QIB", RDMAABI_DRIVER_QIB, 16),
        ABINumber("UVERBS_ATTR_F_MANDATORY", RDMAABI_UVERBS_ATTR_F_MANDATORY, 1),
        ABINumber("UVERBS_ATTR_F_VALID_OUTPUT", RDMAABI_UVERBS_ATTR_F_VALID_OUTPUT, 2),
        ABINumber("UVERBS_ID_NS_MASK", RDMAABI_UVERBS_ID_NS_MASK, 0xF000),
        ABINumber("UVERBS_ID_NS_SHIFT", RDMAABI_UVERBS_ID_NS_SHIFT, 12),
    ]

    @Test("version and driver-id numbers", arguments: versionNumbers)
    func versionNumber(_ fact: ABINumber) {
        #expect(fact.actual == fact.expected, "\(fact.name)")
    }

    // MARK: legacy write() command numbers (ABI-FACTS sec. 2.8, sec. 3.2)

    static let commandNumbers: [ABINumber] = [
        ABINumber("HFI1_CMD_ASSIGN_CTXT", RDMAABI_HFI1_CMD_ASSIGN_CTXT, 1),
        ABINumber("HFI1_CMD_CTXT_INFO", RDMAABI_HFI1_CMD_CTXT_INFO, 2),
        ABINumber("HFI1_CMD_USER_INFO", RDMAABI_HFI1_CMD_USER_INFO, 3),
        ABINumber("HFI1_CMD_TID_UPDATE", RDMAABI_HFI1_CMD_TID_UPDATE, 4),
        ABINumber("HFI1_CMD_TID_FREE", RDMAABI_HFI1_CMD_TID_FREE, 5),
        ABINumber("HFI1_CMD_CREDIT_UPD", RDMAABI_HFI1_CMD_CREDIT_UPD, 6),
        ABINumber("HFI1_CMD_SDMA_STATUS_UPD", RDMAABI_HFI1_CMD_SDMA_STATUS_UPD, 7),
        ABINumber("HFI1_CMD_RECV_CTRL", RDMAABI_HFI1_CMD_RECV_CTRL, 8),
        ABINumber("HFI1_CMD_POLL_TYPE", RDMAABI_HFI1_CMD_POLL_TYPE, 9),
        ABINumber("HFI1_CMD_ACK_EVENT", RDMAABI_HFI1_CMD_ACK_EVENT, 10),
        ABINumber("HFI1_CMD_SET_PKEY", RDMAABI_HFI1_CMD_SET_PKEY, 11),
        ABINumber("HFI1_CMD_CTXT_RESET", RDMAABI_HFI1_CMD_CTXT_RESET, 12),
        ABINumber("HFI1_CMD_TID_INVAL_READ", RDMAABI_HFI1_CMD_TID_INVAL_READ, 13),
        ABINumber("HFI1_CMD_GET_VERS", RDMAABI_HFI1_CMD_GET_VERS, 14),
        ABINumber("HFI1_CMD_EP_INFO", RDMAABI_HFI1_CMD_EP_INFO, 64),
        ABINumber("HFI1_CMD_EP_ERASE_CHIP", RDMAABI_HFI1_CMD_EP_ERASE_CHIP, 65),
        ABINumber("QIB_CMD_CTXT_INFO", RDMAABI_QIB_CMD_CTXT_INFO, 17),
        ABINumber("QIB_CMD_RECV_CTRL", RDMAABI_QIB_CMD_RECV_CTRL, 18),
        ABINumber("QIB_CMD_TID_UPDATE", RDMAABI_QIB_CMD_TID_UPDATE, 19),
        ABINumber("QIB_CMD_TID_FREE", RDMAABI_QIB_CMD_TID_FREE, 20),
        ABINumber("QIB_CMD_SET_PART_KEY", RDMAABI_QIB_CMD_SET_PART_KEY, 21),
        ABINumber("QIB_CMD_ASSIGN_CTXT", RDMAABI_QIB_CMD_ASSIGN_CTXT, 23),
        ABINumber("QIB_CMD_USER_INIT", RDMAABI_QIB_CMD_USER_INIT, 24),
        ABINumber("QIB_CMD_UNUSED_1", RDMAABI_QIB_CMD_UNUSED_1, 25),
        ABINumber("QIB_CMD_UNUSED_2", RDMAABI_QIB_CMD_UNUSED_2, 26),
        ABINumber("QIB_CMD_PIOAVAILUPD", RDMAABI_QIB_CMD_PIOAVAILUPD, 27),
        ABINumber("QIB_CMD_POLL_TYPE", RDMAABI_QIB_CMD_POLL_TYPE, 28),
        ABINumber("QIB_CMD_ARMLAUNCH_CTRL", RDMAABI_QIB_CMD_ARMLAUNCH_CTRL, 29),
        ABINumber("QIB_CMD_SDMA_INFLIGHT", RDMAABI_QIB_CMD_SDMA_INFLIGHT, 31),
        ABINumber("QIB_CMD_SDMA_COMPLETE", RDMAABI_QIB_CMD_SDMA_COMPLETE, 32),
        ABINumber("QIB_CMD_DISARM_BUFS", RDMAABI_QIB_CMD_DISARM_BUFS, 34),
        ABINumber("QIB_CMD_ACK_EVENT", RDMAABI_QIB_CMD_ACK_EVENT, 35),
        ABINumber("QIB_CMD_CPUS_LIST", RDMAABI_QIB_CMD_CPUS_LIST, 36),
    ]

    @Test("legacy write() command numbers", arguments: commandNumbers)
    func commandNumber(_ fact: ABINumber) {
        #expect(fact.actual == fact.expected, "\(fact.name)")
    }

    @Test func modernHfi1IoctlNrIsLegacyCommandPlus0xE0() {
        #expect(rdmaabi_ioc_nr(RDMAABI_HFI1_IOCTL_ASSIGN_CTXT) == RDMAABI_HFI1_CMD_ASSIGN_CTXT + 0xE0)
        #expect(rdmaabi_ioc_nr(RDMAABI_HFI1_IOCTL_TID_INVAL_READ) == RDMAABI_HFI1_CMD_TID_INVAL_READ + 0xE0)
        #expect(rdmaabi_ioc_nr(RDMAABI_HFI1_IOCTL_GET_VERS) == RDMAABI_HFI1_CMD_GET_VERS + 0xE0)
    }

    // MARK: struct layouts (ABI-FACTS sec. 2.6, sec. 2.8, sec. 3.2, sec. 3.3, sec. 4.1)

    static let uapiLayouts: [ABILayout] = [
        ABILayout("hfi1_user_info size", MemoryLayout<hfi1_user_info>.size, 28),
        ABILayout("hfi1_user_info.subctxt_cnt", MemoryLayout<hfi1_user_info>.offset(of: \.subctxt_cnt), 8),
        ABILayout("hfi1_user_info.subctxt_id", MemoryLayout<hfi1_user_info>.offset(of: \.subctxt_id), 10),
        ABILayout("hfi1_user_info.uuid", MemoryLayout<hfi1_user_info>.offset(of: \.uuid), 12),
        ABILayout("hfi1_ctxt_info size", MemoryLayout<hfi1_ctxt_info>.size, 40),
        ABILayout("hfi1_ctxt_info.rcvegr_size", MemoryLayout<hfi1_ctxt_info>.offset(of: \.rcvegr_size), 8),
        ABILayout("hfi1_ctxt_info.rec_cpu", MemoryLayout<hfi1_ctxt_info>.offset(of: \.rec_cpu), 26),
        ABILayout("hfi1_ctxt_info.sdma_ring_size", MemoryLayout<hfi1_ctxt_info>.offset(of: \.sdma_ring_size), 36),
        ABILayout("hfi1_tid_info size", MemoryLayout<hfi1_tid_info>.size, 24),
        ABILayout("hfi1_tid_info.tidcnt", MemoryLayout<hfi1_tid_info>.offset(of: \.tidcnt), 16),
        ABILayout("hfi1_tid_info.length", MemoryLayout<hfi1_tid_info>.offset(of: \.length), 20),
        ABILayout("hfi1_base_info size", MemoryLayout<hfi1_base_info>.size, 120),
        ABILayout("hfi1_base_info.bthqp", MemoryLayout<hfi1_base_info>.offset(of: \.bthqp), 12),
        ABILayout("hfi1_base_info.sc_credits_addr", MemoryLayout<hfi1_base_info>.offset(of: \.sc_credits_addr), 16),
        ABILayout("hfi1_base_info.subctxt_rcvhdrbuf", MemoryLayout<hfi1_base_info>.offset(of: \.subctxt_rcvhdrbuf), 112),
        ABILayout("ib_uverbs_ioctl_hdr size", MemoryLayout<ib_uverbs_ioctl_hdr>.size, 24),
        ABILayout("ib_uverbs_ioctl_hdr.num_attrs", MemoryLayout<ib_uverbs_ioctl_hdr>.offset(of: \.num_attrs), 6),
        ABILayout("ib_uverbs_ioctl_hdr.reserved1", MemoryLayout<ib_uverbs_ioctl_hdr>.offset(of: \.reserved1), 8),
        ABILayout("ib_uverbs_ioctl_hdr.driver_id", MemoryLayout<ib_uverbs_ioctl_hdr>.offset(of: \.driver_id), 16),
        ABILayout("ib_uverbs_ioctl_hdr.reserved2", MemoryLayout<ib_uverbs_ioctl_hdr>.offset(of: \.reserved2), 20),
        ABILayout("ib_uverbs_attr size", MemoryLayout<ib_uverbs_attr>.size, 16),
        ABILayout("ib_uverbs_attr.flags", MemoryLayout<ib_uverbs_attr>.offset(of: \.flags), 4),
        ABILayout("ib_uverbs_attr.attr_data", MemoryLayout<ib_uverbs_attr>.offset(of: \.attr_data), 6),
        ABILayout("nlmsghdr size", MemoryLayout<nlmsghdr>.size, 16),
        ABILayout("nlmsghdr.nlmsg_type", MemoryLayout<nlmsghdr>.offset(of: \.nlmsg_type), 4),
        ABILayout("nlmsghdr.nlmsg_flags", MemoryLayout<nlmsghdr>.offset(of: \.nlmsg_flags), 6),
        ABILayout("nlmsghdr.nlmsg_seq", MemoryLayout<nlmsghdr>.offset(of: \.nlmsg_seq), 8),
        ABILayout("nlmsghdr.nlmsg_pid", MemoryLayout<nlmsghdr>.offset(of: \.nlmsg_pid), 12),
        ABILayout("nlattr size", MemoryLayout<nlattr>.size, 4),
        ABILayout("nlattr.nla_type", MemoryLayout<nlattr>.offset(of: \.nla_type), 2),
        ABILayout("nlmsgerr size", MemoryLayout<nlmsgerr>.size, 20),
        ABILayout("nlmsgerr.msg", MemoryLayout<nlmsgerr>.offset(of: \.msg), 4),
        ABILayout("open_how size", MemoryLayout<open_how>.size, 24),
    ]

    @Test("UAPI struct layouts seen from Swift", arguments: uapiLayouts)
    func uapiLayout(_ fact: ABILayout) {
        #expect(fact.actual == fact.expected, "\(fact.name)")
    }

    static let shimLayouts: [ABILayout] = [
        // qib (qib_common.h)
        ABILayout("qib_user_info size", MemoryLayout<rdmaabi_qib_user_info>.size, 32),
        ABILayout("qib_user_info alignment", MemoryLayout<rdmaabi_qib_user_info>.alignment, 8),
        ABILayout("qib_user_info.spu_base_info_size",
                  MemoryLayout<rdmaabi_qib_user_info>.offset(of: \.spu_base_info_size), 8),
        ABILayout("qib_user_info.spu_port_alg", MemoryLayout<rdmaabi_qib_user_info>.offset(of: \.spu_port_alg), 12),
        ABILayout("qib_user_info.spu_subctxt_cnt",
                  MemoryLayout<rdmaabi_qib_user_info>.offset(of: \.spu_subctxt_cnt), 16),
        ABILayout("qib_user_info.spu_port", MemoryLayout<rdmaabi_qib_user_info>.offset(of: \.spu_port), 20),
        ABILayout("qib_user_info.spu_base_info", MemoryLayout<rdmaabi_qib_user_info>.offset(of: \.spu_base_info), 24),
        ABILayout("qib_ctxt_info size", MemoryLayout<rdmaabi_qib_ctxt_info>.size, 16),
        ABILayout("qib_ctxt_info.port", MemoryLayout<rdmaabi_qib_ctxt_info>.offset(of: \.port), 4),
        ABILayout("qib_ctxt_info.rec_cpu", MemoryLayout<rdmaabi_qib_ctxt_info>.offset(of: \.rec_cpu), 14),
        ABILayout("qib_tid_info size", MemoryLayout<rdmaabi_qib_tid_info>.size, 32),
        ABILayout("qib_tid_info.tidvaddr", MemoryLayout<rdmaabi_qib_tid_info>.offset(of: \.tidvaddr), 8),
        ABILayout("qib_tid_info.tidmap", MemoryLayout<rdmaabi_qib_tid_info>.offset(of: \.tidmap), 24),
        ABILayout("qib_base_info size", MemoryLayout<rdmaabi_qib_base_info>.size, 176),
        ABILayout("qib_base_info alignment", MemoryLayout<rdmaabi_qib_base_info>.alignment, 8),
        ABILayout("qib_base_info.spi_sw_version", MemoryLayout<rdmaabi_qib_base_info>.offset(of: \.spi_sw_version), 4),
        ABILayout("qib_base_info.spi_runtime_flags",
                  MemoryLayout<rdmaabi_qib_base_info>.offset(of: \.spi_runtime_flags), 36),
        ABILayout("qib_base_info.spi_rcvhdr_base", MemoryLayout<rdmaabi_qib_base_info>.offset(of: \.spi_rcvhdr_base), 40),
        ABILayout("qib_base_info.spi_status", MemoryLayout<rdmaabi_qib_base_info>.offset(of: \.spi_status), 104),
        ABILayout("qib_base_info.spi_unit", MemoryLayout<rdmaabi_qib_base_info>.offset(of: \.spi_unit), 116),
        ABILayout("qib_base_info.spi_port", MemoryLayout<rdmaabi_qib_base_info>.offset(of: \.spi_port), 118),
        ABILayout("qib_base_info.spi_sendbuf_status",
                  MemoryLayout<rdmaabi_qib_base_info>.offset(of: \.spi_sendbuf_status), 168),
        ABILayout("qib_cmd size", MemoryLayout<rdmaabi_qib_cmd>.size, 40),
        ABILayout("qib_cmd.type", MemoryLayout<rdmaabi_qib_cmd>.offset(of: \.type), 0),
        ABILayout("qib_cmd.cmd (union)", MemoryLayout<rdmaabi_qib_cmd>.offset(of: \.cmd), 8),
        ABILayout("qib_cmd payload union size", MemoryLayout<rdmaabi_qib_cmd_payload>.size, 32),
        // hfi1 write era (staging hfi1_user.h, PSM2 hfi1_deprecated_gen1.h)
        ABILayout("hfi1_cmd size", MemoryLayout<rdmaabi_hfi1_cmd>.size, 16),
        ABILayout("hfi1_cmd.len", MemoryLayout<rdmaabi_hfi1_cmd>.offset(of: \.len), 4),
        ABILayout("hfi1_cmd.addr", MemoryLayout<rdmaabi_hfi1_cmd>.offset(of: \.addr), 8),
        ABILayout("hfi1_user_info_v5 size", MemoryLayout<rdmaabi_hfi1_user_info_v5>.size, 28),
        ABILayout("hfi1_user_info_v5.pad", MemoryLayout<rdmaabi_hfi1_user_info_v5>.offset(of: \.pad), 4),
        ABILayout("hfi1_user_info_v5.hfi1_alg", MemoryLayout<rdmaabi_hfi1_user_info_v5>.offset(of: \.hfi1_alg), 6),
        ABILayout("hfi1_user_info_v5.subctxt_cnt",
                  MemoryLayout<rdmaabi_hfi1_user_info_v5>.offset(of: \.subctxt_cnt), 8),
        ABILayout("hfi1_user_info_v5.uuid", MemoryLayout<rdmaabi_hfi1_user_info_v5>.offset(of: \.uuid), 12),
    ]

    @Test("shim-defined struct layouts seen from Swift", arguments: shimLayouts)
    func shimLayout(_ fact: ABILayout) {
        #expect(fact.actual == fact.expected, "\(fact.name)")
    }

    @Test func qibCommandPayloadSharesTheUnionOffset() {
        var command = rdmaabi_qib_cmd()
        command.type = RDMAABI_QIB_CMD_ASSIGN_CTXT
        command.cmd.user_info.spu_userversion = 0x0001_000d
        command.cmd.user_info.spu_port = 2
        withUnsafeBytes(of: &command) { bytes in
            #expect(bytes.load(fromByteOffset: 0, as: UInt32.self) == 23)
            #expect(bytes.load(fromByteOffset: 8, as: UInt32.self) == 0x0001_000d)
            #expect(bytes.load(fromByteOffset: 8 + 20, as: UInt32.self) == 2)
        }
        command.cmd.event_mask = 0x1122_3344_5566_7788
        withUnsafeBytes(of: &command) { bytes in
            #expect(bytes.load(fromByteOffset: 8, as: UInt64.self) == 0x1122_3344_5566_7788)
        }
    }

    @Test func uverbsAttrDataIsReachable() {
        var attr = ib_uverbs_attr()
        rdmaabi_uverbs_attr_set_data(&attr, 0xdead_beef_0000_0001)
        #expect(rdmaabi_uverbs_attr_get_data(&attr) == 0xdead_beef_0000_0001)
        withUnsafeBytes(of: &attr) { bytes in
            #expect(bytes.load(fromByteOffset: 8, as: UInt64.self) == 0xdead_beef_0000_0001)
        }
    }

    // MARK: netlink (ABI-FACTS sec. 5, sec. 10.10, sec. 11)

    @Test func nldevMessageTypes() {
        #expect(RDMAABI_NETLINK_RDMA == 20)
        #expect(RDMAABI_NL_NLDEV == 5)
        #expect(rdmaabi_nl_get_type(UInt32(RDMAABI_NL_NLDEV), UInt32(RDMAABI_NLDEV_CMD_GET)) == 0x1401)
        #expect(rdmaabi_nl_get_type(UInt32(RDMAABI_NL_NLDEV), UInt32(RDMAABI_NLDEV_CMD_PORT_GET)) == 0x1405)
        #expect(rdmaabi_nl_get_type(UInt32(RDMAABI_NL_NLDEV), UInt32(RDMAABI_NLDEV_CMD_SYS_GET)) == 0x1406)
        #expect(rdmaabi_nl_get_type(UInt32(RDMAABI_NL_NLDEV), UInt32(RDMAABI_NLDEV_CMD_GET_CHARDEV)) == 0x140f)
        #expect(rdmaabi_nl_get_client(0x140f) == 5)
        #expect(rdmaabi_nl_get_op(0x140f) == 15)
    }

    static let nldevAttributes: [ABINumber] = [
        ABINumber("ATTR_PAD", RDMAABI_NLDEV_ATTR_PAD, 0),
        ABINumber("ATTR_DEV_INDEX", RDMAABI_NLDEV_ATTR_DEV_INDEX, 1),
        ABINumber("ATTR_DEV_NAME", RDMAABI_NLDEV_ATTR_DEV_NAME, 2),
        ABINumber("ATTR_PORT_INDEX", RDMAABI_NLDEV_ATTR_PORT_INDEX, 3),
        ABINumber("ATTR_CAP_FLAGS", RDMAABI_NLDEV_ATTR_CAP_FLAGS, 4),
        ABINumber("ATTR_FW_VERSION", RDMAABI_NLDEV_ATTR_FW_VERSION, 5),
        ABINumber("ATTR_NODE_GUID", RDMAABI_NLDEV_ATTR_NODE_GUID, 6),
        ABINumber("ATTR_SYS_IMAGE_GUID", RDMAABI_NLDEV_ATTR_SYS_IMAGE_GUID, 7),
        ABINumber("ATTR_SUBNET_PREFIX", RDMAABI_NLDEV_ATTR_SUBNET_PREFIX, 8),
        ABINumber("ATTR_LID", RDMAABI_NLDEV_ATTR_LID, 9),
        ABINumber("ATTR_SM_LID", RDMAABI_NLDEV_ATTR_SM_LID, 10),
        ABINumber("ATTR_LMC", RDMAABI_NLDEV_ATTR_LMC, 11),
        ABINumber("ATTR_PORT_STATE", RDMAABI_NLDEV_ATTR_PORT_STATE, 12),
        ABINumber("ATTR_PORT_PHYS_STATE", RDMAABI_NLDEV_ATTR_PORT_PHYS_STATE, 13),
        ABINumber("ATTR_DEV_NODE_TYPE", RDMAABI_NLDEV_ATTR_DEV_NODE_TYPE, 14),
        ABINumber("ATTR_NDEV_INDEX", RDMAABI_NLDEV_ATTR_NDEV_INDEX, 50),
        ABINumber("ATTR_NDEV_NAME", RDMAABI_NLDEV_ATTR_NDEV_NAME, 51),
        ABINumber("ATTR_LINK_TYPE", RDMAABI_NLDEV_ATTR_LINK_TYPE, 65),
        ABINumber("SYS_ATTR_NETNS_MODE", RDMAABI_NLDEV_SYS_ATTR_NETNS_MODE, 66),
        ABINumber("ATTR_DEV_PROTOCOL", RDMAABI_NLDEV_ATTR_DEV_PROTOCOL, 67),
        ABINumber("NET_NS_FD", RDMAABI_NLDEV_NET_NS_FD, 68),
        ABINumber("ATTR_CHARDEV_TYPE", RDMAABI_NLDEV_ATTR_CHARDEV_TYPE, 69),
        ABINumber("ATTR_CHARDEV_NAME", RDMAABI_NLDEV_ATTR_CHARDEV_NAME, 70),
        ABINumber("ATTR_CHARDEV_ABI", RDMAABI_NLDEV_ATTR_CHARDEV_ABI, 71),
        ABINumber("ATTR_CHARDEV", RDMAABI_NLDEV_ATTR_CHARDEV, 72),
        ABINumber("ATTR_UVERBS_DRIVER_ID", RDMAABI_NLDEV_ATTR_UVERBS_DRIVER_ID, 73),
        ABINumber("ATTR_DEV_DIM", RDMAABI_NLDEV_ATTR_DEV_DIM, 84),
        ABINumber("SYS_ATTR_COPY_ON_FORK", RDMAABI_NLDEV_SYS_ATTR_COPY_ON_FORK, 93),
        ABINumber("SYS_ATTR_PRIVILEGED_QKEY_MODE", RDMAABI_NLDEV_SYS_ATTR_PRIVILEGED_QKEY_MODE, 96),
        ABINumber("ATTR_DEV_TYPE", RDMAABI_NLDEV_ATTR_DEV_TYPE, 99),
        ABINumber("ATTR_PARENT_NAME", RDMAABI_NLDEV_ATTR_PARENT_NAME, 100),
        ABINumber("ATTR_NAME_ASSIGN_TYPE", RDMAABI_NLDEV_ATTR_NAME_ASSIGN_TYPE, 101),
        ABINumber("ATTR_CHARDEV_TYPE_SIZE", RDMAABI_NLDEV_ATTR_CHARDEV_TYPE_SIZE, 32),
    ]

    @Test("RDMA_NLDEV attribute numbers", arguments: nldevAttributes)
    func nldevAttribute(_ fact: ABINumber) {
        #expect(fact.actual == fact.expected, "\(fact.name)")
    }

    static let netlinkNumbers: [ABINumber] = [
        ABINumber("NLM_F_REQUEST", RDMAABI_NLM_F_REQUEST, 0x1),
        ABINumber("NLM_F_MULTI", RDMAABI_NLM_F_MULTI, 0x2),
        ABINumber("NLM_F_ACK", RDMAABI_NLM_F_ACK, 0x4),
        ABINumber("NLM_F_ECHO", RDMAABI_NLM_F_ECHO, 0x8),
        ABINumber("NLM_F_DUMP_INTR", RDMAABI_NLM_F_DUMP_INTR, 0x10),
        ABINumber("NLM_F_ROOT", RDMAABI_NLM_F_ROOT, 0x100),
        ABINumber("NLM_F_MATCH", RDMAABI_NLM_F_MATCH, 0x200),
        ABINumber("NLM_F_DUMP", RDMAABI_NLM_F_DUMP, 0x300),
        ABINumber("NLM_F_CAPPED", RDMAABI_NLM_F_CAPPED, 0x100),
        ABINumber("NLM_F_ACK_TLVS", RDMAABI_NLM_F_ACK_TLVS, 0x200),
        ABINumber("NLMSG_NOOP", RDMAABI_NLMSG_NOOP, 1),
        ABINumber("NLMSG_ERROR", RDMAABI_NLMSG_ERROR, 2),
        ABINumber("NLMSG_DONE", RDMAABI_NLMSG_DONE, 3),
        ABINumber("NLMSG_OVERRUN", RDMAABI_NLMSG_OVERRUN, 4),
        ABINumber("NLMSG_MIN_TYPE", RDMAABI_NLMSG_MIN_TYPE, 0x10),
        ABINumber("NLA_F_NESTED", RDMAABI_NLA_F_NESTED, 0x8000),
        ABINumber("NLA_F_NET_BYTEORDER", RDMAABI_NLA_F_NET_BYTEORDER, 0x4000),
        ABINumber("NLA_TYPE_MASK", RDMAABI_NLA_TYPE_MASK, 0x3fff),
        ABINumber("NLA_ALIGNTO", RDMAABI_NLA_ALIGNTO, 4),
        ABINumber("NLMSG_ALIGNTO", RDMAABI_NLMSG_ALIGNTO, 4),
        ABINumber("NLMSG_HDRLEN", RDMAABI_NLMSG_HDRLEN, 16),
        ABINumber("NLA_HDRLEN", RDMAABI_NLA_HDRLEN, 4),
        ABINumber("sizeof nlmsghdr", RDMAABI_SIZEOF_NLMSGHDR, 16),
        ABINumber("sizeof nlattr", RDMAABI_SIZEOF_NLATTR, 4),
        ABINumber("sizeof nlmsgerr", RDMAABI_SIZEOF_NLMSGERR, 20),
        ABINumber("SOL_NETLINK", RDMAABI_SOL_NETLINK, 270),
        ABINumber("NETLINK_CAP_ACK", RDMAABI_NETLINK_CAP_ACK, 10),
        ABINumber("NETLINK_EXT_ACK", RDMAABI_NETLINK_EXT_ACK, 11),
    ]

    @Test("netlink flags, types and sizes", arguments: netlinkNumbers)
    func netlinkNumber(_ fact: ABINumber) {
        #expect(fact.actual == fact.expected, "\(fact.name)")
    }

    @Test("netlink alignment rounds up to 4", arguments: [(0, 0), (1, 4), (4, 4), (5, 8), (7, 8), (8, 8), (31, 32)])
    func netlinkAlign(_ c: (Int, Int)) {
        #expect(rdmaabi_nla_align(c.0) == c.1)
        #expect(rdmaabi_nlmsg_align(c.0) == c.1)
    }

    // MARK: device numbers (ABI-FACTS sec. 5 huge_encode_dev, sec. 10.7)

    /// (major, minor, huge_encode_dev value)
    static let encodedDevices: [(UInt32, UInt32, UInt64)] = [
        (231, 192, 0xe7c0),            // /dev/infiniband/uverbs0
        (231, 0, 0xe700),              // umad0
        (231, 64, 0xe740),             // issm0
        (10, 124, 0x0a7c),             // rdma_cm misc device
        (231, 300, 0x0010_e72c),       // minor above 255: minor bits 8.. go to bit 20..
        (4095, 0xfffff, 0xffff_ffff),  // widest kernel dev_t
    ]

    @Test("huge_encode_dev and its inverse", arguments: encodedDevices)
    func hugeEncodeDev(_ c: (UInt32, UInt32, UInt64)) {
        let encoded = rdmaabi_huge_encode_dev(c.0, c.1)
        #expect(encoded == c.2)
        #expect(rdmaabi_huge_decode_major(encoded) == c.0)
        #expect(rdmaabi_huge_decode_minor(encoded) == c.1)
    }

    @Test func glibcDevTRoundTrip() {
        let dev = rdmaabi_makedev(231, 192)
        #expect(dev == 0xe7c0)
        #expect(rdmaabi_major(dev) == 231)
        #expect(rdmaabi_minor(dev) == 192)
        let big = rdmaabi_makedev(4100, 1_048_577)
        #expect(rdmaabi_major(big) == 4100)
        #expect(rdmaabi_minor(big) == 1_048_577)
    }

    /// CRdmaABI writes glibc's dev_t encoding out (it may not include <sys/sysmacros.h>); it must
    /// agree with glibc's own macros for every split of the bits.
    @Test(arguments: [(UInt32(0), UInt32(0)), (231, 192), (10, 124), (246, 0), (247, 255), (4095, 256),
                      (4096, 1), (0xfff_ffff, 0xfffff), (1, 0xffff_ffff), (0xffff_ffff, 0xffff_ffff)])
    func devTEncodingMatchesGlibc(_ c: (UInt32, UInt32)) {
        #expect(rdmaabi_makedev(c.0, c.1) == rdmasys_makedev(c.0, c.1))
        let dev = rdmasys_makedev(c.0, c.1)
        #expect(rdmaabi_major(dev) == rdmasys_major(dev))
        #expect(rdmaabi_minor(dev) == rdmasys_minor(dev))
        #expect(rdmaabi_major(dev) == c.0 && rdmaabi_minor(dev) == c.1)
    }

    // MARK: errno, open and stat flags (x86_64 Linux values)

    static let errnoNumbers: [ABINumber] = [
        ABINumber("EPERM", RDMAABI_EPERM, 1), ABINumber("ENOENT", RDMAABI_ENOENT, 2),
        ABINumber("ESRCH", RDMAABI_ESRCH, 3), ABINumber("EINTR", RDMAABI_EINTR, 4),
        ABINumber("EIO", RDMAABI_EIO, 5), ABINumber("ENXIO", RDMAABI_ENXIO, 6),
        ABINumber("E2BIG", RDMAABI_E2BIG, 7), ABINumber("EBADF", RDMAABI_EBADF, 9),
        ABINumber("EAGAIN", RDMAABI_EAGAIN, 11), ABINumber("ENOMEM", RDMAABI_ENOMEM, 12),
        ABINumber("EACCES", RDMAABI_EACCES, 13), ABINumber("EFAULT", RDMAABI_EFAULT, 14),
        ABINumber("EBUSY", RDMAABI_EBUSY, 16), ABINumber("EEXIST", RDMAABI_EEXIST, 17),
        ABINumber("EXDEV", RDMAABI_EXDEV, 18), ABINumber("ENODEV", RDMAABI_ENODEV, 19),
        ABINumber("ENOTDIR", RDMAABI_ENOTDIR, 20), ABINumber("EISDIR", RDMAABI_EISDIR, 21),
        ABINumber("EINVAL", RDMAABI_EINVAL, 22), ABINumber("ENFILE", RDMAABI_ENFILE, 23),
        ABINumber("EMFILE", RDMAABI_EMFILE, 24), ABINumber("ENOTTY", RDMAABI_ENOTTY, 25),
        ABINumber("EFBIG", RDMAABI_EFBIG, 27), ABINumber("ENOSPC", RDMAABI_ENOSPC, 28),
        ABINumber("EROFS", RDMAABI_EROFS, 30), ABINumber("ENAMETOOLONG", RDMAABI_ENAMETOOLONG, 36),
        ABINumber("ENOLCK", RDMAABI_ENOLCK, 37), ABINumber("ENOSYS", RDMAABI_ENOSYS, 38),
        ABINumber("ENOTEMPTY", RDMAABI_ENOTEMPTY, 39), ABINumber("ELOOP", RDMAABI_ELOOP, 40),
        ABINumber("EPROTO", RDMAABI_EPROTO, 71), ABINumber("EMSGSIZE", RDMAABI_EMSGSIZE, 90),
        ABINumber("EPROTONOSUPPORT", RDMAABI_EPROTONOSUPPORT, 93), ABINumber("EOPNOTSUPP", RDMAABI_EOPNOTSUPP, 95),
        ABINumber("ENOTSUP", RDMAABI_ENOTSUP, 95), ABINumber("ENETDOWN", RDMAABI_ENETDOWN, 100),
        ABINumber("ENOBUFS", RDMAABI_ENOBUFS, 105), ABINumber("ETIMEDOUT", RDMAABI_ETIMEDOUT, 110),
        ABINumber("ECONNREFUSED", RDMAABI_ECONNREFUSED, 111),
    ]

    @Test("errno values", arguments: errnoNumbers)
    func errnoNumber(_ fact: ABINumber) {
        #expect(fact.actual == fact.expected, "\(fact.name)")
    }

    static let fileFlagNumbers: [ABINumber] = [
        ABINumber("O_RDONLY", RDMAABI_O_RDONLY, 0), ABINumber("O_WRONLY", RDMAABI_O_WRONLY, 1),
        ABINumber("O_RDWR", RDMAABI_O_RDWR, 2), ABINumber("O_ACCMODE", RDMAABI_O_ACCMODE, 3),
        ABINumber("O_NOCTTY", RDMAABI_O_NOCTTY, 0o400), ABINumber("O_NONBLOCK", RDMAABI_O_NONBLOCK, 0o4000),
        ABINumber("O_DIRECTORY", RDMAABI_O_DIRECTORY, 0o200000), ABINumber("O_NOFOLLOW", RDMAABI_O_NOFOLLOW, 0o400000),
        ABINumber("O_CLOEXEC", RDMAABI_O_CLOEXEC, 0o2000000), ABINumber("O_PATH", RDMAABI_O_PATH, 0o10000000),
        ABINumber("RESOLVE_NO_XDEV", RDMAABI_RESOLVE_NO_XDEV, 0x01),
        ABINumber("RESOLVE_NO_MAGICLINKS", RDMAABI_RESOLVE_NO_MAGICLINKS, 0x02),
        ABINumber("RESOLVE_NO_SYMLINKS", RDMAABI_RESOLVE_NO_SYMLINKS, 0x04),
        ABINumber("RESOLVE_BENEATH", RDMAABI_RESOLVE_BENEATH, 0x08),
        ABINumber("RESOLVE_IN_ROOT", RDMAABI_RESOLVE_IN_ROOT, 0x10),
        ABINumber("AT_FDCWD", RDMAABI_AT_FDCWD, -100),
        ABINumber("AT_SYMLINK_NOFOLLOW", RDMAABI_AT_SYMLINK_NOFOLLOW, 0x100),
        ABINumber("AT_EACCESS", RDMAABI_AT_EACCESS, 0x200),
        ABINumber("F_OK", RDMAABI_F_OK, 0), ABINumber("X_OK", RDMAABI_X_OK, 1),
        ABINumber("W_OK", RDMAABI_W_OK, 2), ABINumber("R_OK", RDMAABI_R_OK, 4),
        ABINumber("S_IFMT", RDMAABI_S_IFMT, 0o170000), ABINumber("S_IFSOCK", RDMAABI_S_IFSOCK, 0o140000),
        ABINumber("S_IFLNK", RDMAABI_S_IFLNK, 0o120000), ABINumber("S_IFREG", RDMAABI_S_IFREG, 0o100000),
        ABINumber("S_IFBLK", RDMAABI_S_IFBLK, 0o060000), ABINumber("S_IFDIR", RDMAABI_S_IFDIR, 0o040000),
        ABINumber("S_IFCHR", RDMAABI_S_IFCHR, 0o020000), ABINumber("S_IFIFO", RDMAABI_S_IFIFO, 0o010000),
        ABINumber("FD_CLOEXEC", RDMAABI_FD_CLOEXEC, 1),
    ]

    @Test("open, resolve, access and stat flags", arguments: fileFlagNumbers)
    func fileFlagNumber(_ fact: ABINumber) {
        #expect(fact.actual == fact.expected, "\(fact.name)")
    }

    // MARK: syscall wrappers actually reach the kernel

    @Test func ioctlWrapperReturnsErrno() throws {
        let fd = rdmaabi_open("/dev/null", RDMAABI_O_RDWR | RDMAABI_O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        var version: Int32 = 0
        rdmaabi_set_errno(0)
        // /dev/null has no ioctls: the VFS answers ENOTTY, as it would for a pre-ioctl hfi1 cdev.
        #expect(rdmaabi_ioctl_ptr(fd, RDMAABI_HFI1_IOCTL_GET_VERS, &version) == -1)
        #expect(rdmaabi_errno() == RDMAABI_ENOTTY)
        #expect(rdmaabi_ioctl_ulong(fd, RDMAABI_HFI1_IOCTL_CREDIT_UPD, 0) == -1)
        #expect(rdmaabi_errno() == RDMAABI_ENOTTY)
        let flags = rdmaabi_fcntl_getfl(fd)
        #expect(flags & RDMAABI_O_ACCMODE == RDMAABI_O_RDWR)
        #expect(rdmaabi_fcntl_getfd(fd) & RDMAABI_FD_CLOEXEC == RDMAABI_FD_CLOEXEC)
        #expect(rdmaabi_ioctl_ptr(-1, RDMAABI_HFI1_IOCTL_GET_VERS, &version) == -1)
        #expect(rdmaabi_errno() == RDMAABI_EBADF)
    }

    @Test func openat2ConfinesResolution() throws {
        let root = rdmaabi_openat2(RDMAABI_AT_FDCWD, "/proc/self",
                                   UInt64(RDMAABI_O_PATH | RDMAABI_O_DIRECTORY | RDMAABI_O_CLOEXEC), 0, 0)
        if root < 0 && rdmaabi_errno() == RDMAABI_ENOSYS { return } // kernel older than 5.6
        try #require(root >= 0)
        defer { close(root) }
        let inside = rdmaabi_openat2(root, "status", UInt64(RDMAABI_O_RDONLY | RDMAABI_O_CLOEXEC), 0,
                                     RDMAABI_RESOLVE_BENEATH)
        #expect(inside >= 0)
        if inside >= 0 { close(inside) }
        let escape = rdmaabi_openat2(root, "../self/status", UInt64(RDMAABI_O_RDONLY | RDMAABI_O_CLOEXEC), 0,
                                     RDMAABI_RESOLVE_BENEATH)
        #expect(escape == -1)
        #expect(rdmaabi_errno() == RDMAABI_EXDEV)
        // Unknown resolve bits are rejected, not ignored.
        #expect(rdmaabi_openat2(root, "status", UInt64(RDMAABI_O_RDONLY), 0, 1 << 40) == -1)
        #expect(rdmaabi_errno() == RDMAABI_EINVAL)
    }
}
