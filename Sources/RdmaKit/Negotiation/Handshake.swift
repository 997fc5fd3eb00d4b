import CRdmaABI

/// One step of a handshake, as the trace shows it.
public struct HandshakeStep: Sendable, Equatable {
    /// "GET_VERS", "ASSIGN_CTXT", …
    public var operation: String
    /// "ioctl" or "write".
    public var call: String
    /// The syscall's return value on success.
    public var result: Int?
    public var errno: Errno?
}

/// What `--handshake` learned (DESIGN §4): the driver's first real exchange on the granted
/// handle, then everything released.
public struct HandshakeReport: Sendable, Equatable {
    public var kind: HandshakeKind
    public var steps: [HandshakeStep] = []
    public var context: Int?
    public var subcontext: Int?
    public var unit: Int?
    public var port: Int?
    /// `sw_version` from USER_INFO / USER_INIT (hfi1 `hfi1_base_info`, qib `spi_sw_version`,
    /// which carries QIB_KERN_TYPE in bit 31).
    public var swVersion: UInt32?
    /// The failing step's errno, nil when every step succeeded.
    public var errno: Errno? { steps.last?.errno }
    public var succeeded: Bool { errno == nil && !steps.isEmpty }

    /// 0, else 75 for EBUSY/EAGAIN/ENETDOWN (no context free, port down), else 71.
    public var exitCode: ExitCode {
        guard let errno else { return .ok }
        return [.EBUSY, .EAGAIN, .ENETDOWN].contains(errno) ? .temporary : .osError
    }

    /// The minor `sw_version` reveals (write-era hfi1, qib legacy node).
    public var swMinor: Int? { swVersion.map { Int($0 & 0xffff) } }
}

/// The handshakes of DESIGN §4, built from the C shim's structs (never retyped here).
public enum Handshake {
    /// Runs the grant's handshake on its handle. `port` is qib's `spu_port` (0: any).
    /// The caller releases the grant afterwards; the context goes with the handle.
    public static func run(_ opened: OpenedFacet, port: Int?) -> HandshakeReport? {
        guard let kind = opened.grant.handshake else { return nil }
        var report = HandshakeReport(kind: kind)
        do throws(KernelError) {
            try opened.withHandle { (kernel, handle) throws(KernelError) in
                var session = Session(kernel: kernel, handle: handle)
                switch kind {
                case .hfi1Ioctl: try session.hfi1Ioctl(&report)
                case .hfi1Write: try session.hfi1Write(&report)
                case .qibWrite: try session.qibWrite(&report, port: port ?? 0)
                }
            }
        } catch {
            // The failing step is already in `report.steps`; a failure outside a step (no
            // user memory) is recorded as its own.
            if report.steps.last?.errno == nil {
                report.steps.append(HandshakeStep(operation: "setup", call: "-", result: nil, errno: error.errno))
            }
        }
        return report
    }

    /// One handshake's calls on one handle, each recorded.
    struct Session {
        let kernel: any Kernel
        let handle: KernelHandle

        func memory<T>(_ value: T) throws(KernelError) -> UserMemory {
            let bytes = CStruct.encode(value)
            let m = try kernel.allocateUserMemory(count: bytes.count)
            m.store(bytes, at: 0)
            return m
        }

        func step(_ report: inout HandshakeReport, _ op: String, _ call: String,
                  _ body: () throws(KernelError) -> Int) throws(KernelError) {
            do {
                let r = try body()
                report.steps.append(HandshakeStep(operation: op, call: call, result: r, errno: nil))
            } catch {
                report.steps.append(HandshakeStep(operation: op, call: call, result: nil, errno: error.errno))
                throw error
            }
        }

        func ioctl(_ report: inout HandshakeReport, _ op: String, _ request: UInt, _ m: UserMemory) throws(KernelError) {
            try step(&report, op, "ioctl") { () throws(KernelError) in try kernel.ioctl(handle, request: request, argument: m.address) }
        }

        /// hfi1 ioctl era (hfi1/file_ops.c): GET_VERS, ASSIGN_CTXT, CTXT_INFO, USER_INFO.
        func hfi1Ioctl(_ r: inout HandshakeReport) throws(KernelError) {
            let vers = try kernel.allocateUserMemory(count: 8)
            try ioctl(&r, "GET_VERS", UInt(RDMAABI_HFI1_IOCTL_GET_VERS), vers)
            var info = CStruct.zeroed(hfi1_user_info.self)
            info.userversion = RDMAABI_HFI1_USER_SWVERSION
            try ioctl(&r, "ASSIGN_CTXT", UInt(RDMAABI_HFI1_IOCTL_ASSIGN_CTXT), try memory(info))
            let ctxt = try memory(CStruct.zeroed(hfi1_ctxt_info.self))
            try ioctl(&r, "CTXT_INFO", UInt(RDMAABI_HFI1_IOCTL_CTXT_INFO), ctxt)
            read(hfi1Context: ctxt, into: &r)
            let base = try memory(CStruct.zeroed(hfi1_base_info.self))
            try ioctl(&r, "USER_INFO", UInt(RDMAABI_HFI1_IOCTL_USER_INFO), base)
            r.swVersion = CStruct.decode(hfi1_base_info.self, from: base.load()).sw_version
        }

        /// hfi1 write era (staging `hfi1_file_write`): struct hfi1_cmd {type, len, addr}.
        func hfi1Write(_ r: inout HandshakeReport) throws(KernelError) {
            func command(_ op: String, _ type: UInt32, _ payload: UserMemory) throws(KernelError) {
                var cmd = CStruct.zeroed(rdmaabi_hfi1_cmd.self)
                cmd.type = type
                cmd.len = UInt32(payload.count)
                cmd.addr = payload.address
                let bytes = CStruct.encode(cmd)
                try step(&r, op, "write") { () throws(KernelError) in try kernel.write(handle, bytes) }
            }
            var info = CStruct.zeroed(rdmaabi_hfi1_user_info_v5.self)
            info.userversion = (RDMAABI_HFI1_USER_SWMAJOR - 1) << 16 | RDMAABI_HFI1_USER_SWMINOR
            try command("ASSIGN_CTXT", RDMAABI_HFI1_CMD_ASSIGN_CTXT, try memory(info))
            let ctxt = try memory(CStruct.zeroed(hfi1_ctxt_info.self))
            try command("CTXT_INFO", RDMAABI_HFI1_CMD_CTXT_INFO, ctxt)
            read(hfi1Context: ctxt, into: &r)
            let base = try memory(CStruct.zeroed(hfi1_base_info.self))
            try command("USER_INFO", RDMAABI_HFI1_CMD_USER_INFO, base)
            r.swVersion = CStruct.decode(hfi1_base_info.self, from: base.load()).sw_version
        }

        func read(hfi1Context m: UserMemory, into r: inout HandshakeReport) {
            let info = CStruct.decode(hfi1_ctxt_info.self, from: m.load())
            r.context = Int(info.ctxt); r.subcontext = Int(info.subctxt); r.unit = Int(info.unit)
            r.port = 1   // hfi1 has one port per unit
        }

        /// qib (qib_file_ops.c `qib_write`), in qib PSM's order (`ipath_userinit`): ASSIGN_CTXT,
        /// USER_INIT (writes qib_base_info to spu_base_info), CTXT_INFO.
        func qibWrite(_ r: inout HandshakeReport, port: Int) throws(KernelError) {
            let base = try memory(CStruct.zeroed(rdmaabi_qib_base_info.self))
            var info = CStruct.zeroed(rdmaabi_qib_user_info.self)
            info.spu_userversion = RDMAABI_QIB_USER_SWVERSION
            info.spu_base_info_size = UInt32(base.count)
            info.spu_port = UInt32(clamping: port)
            info.spu_base_info = base.address
            func command(_ op: String, _ cmd: rdmaabi_qib_cmd) throws(KernelError) {
                // The whole 40-byte struct qib_cmd, as qib PSM writes it; qib_write consumes
                // 4 + the command's payload and returns that count.
                let bytes = Array(CStruct.encode(cmd))
                try step(&r, op, "write") { () throws(KernelError) in try kernel.write(handle, bytes) }
            }
            var cmd = CStruct.zeroed(rdmaabi_qib_cmd.self)
            cmd.type = RDMAABI_QIB_CMD_ASSIGN_CTXT
            cmd.cmd.user_info = info
            try command("ASSIGN_CTXT", cmd)
            cmd.type = RDMAABI_QIB_CMD_USER_INIT
            try command("USER_INIT", cmd)
            let baseInfo = CStruct.decode(rdmaabi_qib_base_info.self, from: base.load())
            r.swVersion = baseInfo.spi_sw_version
            let ctxt = try memory(CStruct.zeroed(rdmaabi_qib_ctxt_info.self))
            var infoCmd = CStruct.zeroed(rdmaabi_qib_cmd.self)
            infoCmd.type = RDMAABI_QIB_CMD_CTXT_INFO
            infoCmd.cmd.ctxt_info = ctxt.address
            try command("CTXT_INFO", infoCmd)
            let c = CStruct.decode(rdmaabi_qib_ctxt_info.self, from: ctxt.load())
            r.context = Int(c.ctxt); r.subcontext = Int(c.subctxt); r.unit = Int(c.unit); r.port = Int(c.port)
        }
    }
}
