import CRdmaABI
@_spi(KernelSeam) import RdmaKit
@testable import RdmaEmulator
import Testing

// Shared by Hfi1DriverTests, QibDriverTests and DriverConcurrencyTests: a session over one
// emulated kernel that remembers what it opened and allocated, request builders that place
// fields at the offsets the C compiler computed for the CRdmaABI structs (MemoryLayout of the
// imported C types — never the emulator's own encoder, so a bug shared by both cannot hide),
// and the leak check every driver test ends with.

let driverRoot = Credentials(uid: 0, gid: 0)
let driverUser = Credentials(uid: 1000, gid: 1000)

/// An address no user buffer covers (the registry starts at 0x7f0000000000): EFAULT.
let unmappedAddress: UInt64 = 0x1000

/// The error a seam call fails with, nil when it succeeds.
func driverErrno<T>(_ body: () throws -> T) -> Errno? {
    do { _ = try body(); return nil } catch let error as KernelError { return error.errno } catch {
        Issue.record("not a KernelError: \(error)")
        return nil
    }
}

/// One emulated kernel plus the handles and user buffers a test made. A test closes what it
/// opens; `finish()` records an Issue naming every handle still open (and the context it
/// holds), then closes them and drops the buffers so the kernel ends clean. An errno-table row
/// is the exception: the row harness (`DriverRow.check`) closes the files a row opened once it
/// has checked the row's answer — a row is one call on files opened for it.
final class DriverSession {
    let kernel: EmulatedKernel
    private(set) var handles: [KernelHandle] = []
    private var buffers: [UserMemory] = []

    init(profile: Profile = .proposed, devices: DeviceSet = .default, as credentials: Credentials = driverRoot) {
        kernel = EmulatedKernel(devices: devices, profile: profile, credentials: credentials)
    }

    init(kernel: EmulatedKernel) { self.kernel = kernel }

    func open(_ path: String, flags: OpenFlags = .probe) throws -> KernelHandle {
        let handle = try kernel.open(path, flags: flags)
        handles.append(handle)
        return handle
    }

    func close(_ handle: KernelHandle) {
        kernel.close(handle)
        handles.removeAll { $0 == handle }
    }

    func close(_ handles: [KernelHandle]) {
        for handle in handles { close(handle) }
    }

    /// Closes every handle the session opened (the row harness's end of a row).
    func closeAll() {
        close(handles)
    }

    /// A registered user buffer holding `bytes`.
    func buffer(_ bytes: [UInt8]) throws -> UserMemory {
        let memory = try kernel.allocateUserMemory(count: bytes.count)
        memory.store(bytes, at: 0)
        buffers.append(memory)
        return memory
    }

    /// A zeroed (or `fill`-filled) buffer of `count` bytes.
    func buffer(count: Int, fill: UInt8 = 0) throws -> UserMemory {
        try buffer([UInt8](repeating: fill, count: count))
    }

    func ioctl(_ handle: KernelHandle, _ request: UInt, _ argument: UInt64) throws -> Int {
        try kernel.ioctl(handle, request: request, argument: argument)
    }

    func write(_ handle: KernelHandle, _ bytes: [UInt8]) throws -> Int {
        try kernel.write(handle, bytes)
    }

    /// sysfs `nfreectxts` of an ib device.
    func freeContexts(_ device: String) throws -> Int {
        let text = String(decoding: try kernel.readAttribute("/sys/class/infiniband/\(device)/nfreectxts"), as: UTF8.self)
        return Int(text.trimmingBlanks) ?? -1
    }

    /// Ends the session. A handle the test left open is a failure: the Issue lists each with
    /// what the kernel says it holds; then the handles are closed and the buffers dropped.
    func finish(sourceLocation: SourceLocation = #_sourceLocation) {
        if !handles.isEmpty {
            let open = Set(handles.map { "handle \($0.id):" })
            let held = kernel.leakReport.filter { line in open.contains { line.hasPrefix($0) } }
            Issue.record("the test left \(handles.count) handle(s) open: \(held)", sourceLocation: sourceLocation)
        }
        for handle in handles { kernel.close(handle) }
        handles = []
        buffers = []
    }
}

/// Runs `body` on a fresh session, then checks what every driver test must end with: no
/// handle left open by the test (finish()), nothing leaked, and every device's `nfreectxts`
/// back at 16.
func withDriverSession(profile: Profile = .proposed, devices: DeviceSet = .default,
                       as credentials: Credentials = driverRoot,
                       sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: (DriverSession) throws -> Void) rethrows {
    let session = DriverSession(profile: profile, devices: devices, as: credentials)
    let kernel = session.kernel
    defer {
        session.finish(sourceLocation: sourceLocation)
        #expect(kernel.leakReport.isEmpty, "\(kernel.leakReport)", sourceLocation: sourceLocation)
        for device in kernel.deviceNames {
            let free = try? session.freeContexts(device)
            #expect(free == 16, "\(device) nfreectxts", sourceLocation: sourceLocation)
        }
    }
    try body(session)
}

// MARK: - changing a device under a test

/// Replaces an ib device's state for a test (a link that went down, a unit that went away) and
/// puts the original back afterwards, so the session's leak check sees the real device.
func withDevice(_ s: DriverSession, _ name: String, _ change: (inout DeviceState?) -> Void,
                        _ body: () throws -> Void) rethrows {
    let original = s.kernel.withState { $0.devices[name] }
    s.kernel.withState { state in
        var device = state.devices[name]
        change(&device)
        state.devices[name] = device
    }
    defer { s.kernel.withState { $0.devices[name] = original } }
    try body()
}

/// The device with its port `number` (default 1) changed (the probe is immutable: a new
/// DeviceState carrying every other field over).
func withPort1(_ device: DeviceState, port number: Int = 1, _ change: (inout PortFixture) -> Void) -> DeviceState {
    var probe = device.probe
    change(&probe.fixture.ports[number - 1])
    return DeviceState(probe: probe, freeContexts: device.freeContexts, userContexts: device.userContexts,
                       present: device.present, frozen: device.frozen, forcedFreeze: device.forcedFreeze)
}

/// Changes a port of a session's device for the rest of the session (errno rows: each row has
/// its own kernel, so nothing needs putting back).
func setPort(_ s: DriverSession, _ name: String, port number: Int = 1, _ change: (inout PortFixture) -> Void) {
    s.kernel.withState { state in
        if let device = state.devices[name] { state.devices[name] = withPort1(device, port: number, change) }
    }
}

/// Port states the tests set (IBA PortState / PortPhysicalState, through RdmaKit's enums).
enum PortLink {
    /// DOWN and Polling without a LID: a cable-less port.
    static func down(_ port: inout PortFixture) {
        port.state = PortState.down.rawValue
        port.physicalState = PhysicalState.polling.rawValue
        port.lid = 0
    }

    /// The logical state `state` with the physical link up and LID `lid`.
    static func up(_ state: PortState, lid: UInt32) -> (inout PortFixture) -> Void {
        { port in
            port.state = state.rawValue
            port.physicalState = PhysicalState.linkUp.rawValue
            port.lid = lid
        }
    }
}

/// The hfi1 `cap_mask` default with `cap` cleared from the user-context half.
func hfi1CapMask(withoutUser cap: UInt64) -> UInt64 {
    RDMAABI_HFI1_CAP_MASK_DEFAULT & ~(cap << UInt64(RDMAABI_HFI1_CAP_USER_SHIFT))
}

/// The hfi1 `cap_mask` default with `cap` set in the user-context half.
func hfi1CapMask(withUser cap: UInt64) -> UInt64 {
    RDMAABI_HFI1_CAP_MASK_DEFAULT | (cap << UInt64(RDMAABI_HFI1_CAP_USER_SHIFT))
}

// MARK: - bytes at C offsets

enum Bytes {
    static func put<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
        for i in 0..<MemoryLayout<T>.size {
            bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i))   // x86_64: little-endian
        }
    }

    static func get<T: FixedWidthInteger>(_ type: T.Type, at offset: Int, in bytes: [UInt8]) -> T {
        var value: T = 0
        for i in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + i]) << (8 * i) }
        return value
    }
}

/// Offsets of a C struct's field as the C compiler laid it out.
func offset<Root, Value>(_ path: KeyPath<Root, Value>) -> Int { MemoryLayout<Root>.offset(of: path)! }

// MARK: - hfi1 requests

enum Hfi1Request {
    static let ioctlVersion: UInt32 = (RDMAABI_HFI1_USER_SWMAJOR << 16) | RDMAABI_HFI1_USER_SWMINOR
    static let writeVersion: UInt32 = 5 << 16

    /// The ioctl-era `struct hfi1_user_info` (28 bytes).
    static func userInfo(version: UInt32 = ioctlVersion, subcontexts: UInt16 = 0, subcontextID: UInt16 = 0,
                         uuid: [UInt8] = [UInt8](repeating: 0, count: 16)) -> [UInt8] {
        typealias S = hfi1_user_info
        var b = [UInt8](repeating: 0, count: MemoryLayout<S>.size)
        Bytes.put(version, at: offset(\S.userversion), in: &b)
        Bytes.put(subcontexts, at: offset(\S.subctxt_cnt), in: &b)
        Bytes.put(subcontextID, at: offset(\S.subctxt_id), in: &b)
        b.replaceSubrange(offset(\S.uuid)..<offset(\S.uuid) + 16, with: uuid)
        return b
    }

    /// The write-era `struct hfi1_user_info` (v5, 28 bytes).
    static func userInfoV5(version: UInt32 = writeVersion, subcontexts: UInt16 = 0, subcontextID: UInt16 = 0,
                           uuid: [UInt8] = [UInt8](repeating: 0, count: 16)) -> [UInt8] {
        typealias S = rdmaabi_hfi1_user_info_v5
        var b = [UInt8](repeating: 0, count: MemoryLayout<S>.size)
        Bytes.put(version, at: offset(\S.userversion), in: &b)
        Bytes.put(subcontexts, at: offset(\S.subctxt_cnt), in: &b)
        Bytes.put(subcontextID, at: offset(\S.subctxt_id), in: &b)
        b.replaceSubrange(offset(\S.uuid)..<offset(\S.uuid) + 16, with: uuid)
        return b
    }

    /// `struct hfi1_cmd` (16 bytes) for write().
    static func command(_ type: UInt32, len: UInt32 = 0, addr: UInt64 = 0) -> [UInt8] {
        typealias S = rdmaabi_hfi1_cmd
        var b = [UInt8](repeating: 0, count: MemoryLayout<S>.size)
        Bytes.put(type, at: offset(\S.type), in: &b)
        Bytes.put(len, at: offset(\S.len), in: &b)
        Bytes.put(addr, at: offset(\S.addr), in: &b)
        return b
    }

    /// `struct hfi1_tid_info` (24 bytes).
    static func tidInfo(vaddr: UInt64 = 0, tidlist: UInt64 = 0, tidcnt: UInt32 = 0, length: UInt32 = 0) -> [UInt8] {
        typealias S = hfi1_tid_info
        var b = [UInt8](repeating: 0, count: MemoryLayout<S>.size)
        Bytes.put(vaddr, at: offset(\S.vaddr), in: &b)
        Bytes.put(tidlist, at: offset(\S.tidlist), in: &b)
        Bytes.put(tidcnt, at: offset(\S.tidcnt), in: &b)
        Bytes.put(length, at: offset(\S.length), in: &b)
        return b
    }
}

extension DriverSession {
    /// Opens /dev/hfi1_`unit` and runs ioctl ASSIGN_CTXT; returns the handle.
    func hfi1Assigned(unit: Int = 0, version: UInt32 = Hfi1Request.ioctlVersion,
                      subcontexts: UInt16 = 0) throws -> KernelHandle {
        let handle = try open("/dev/hfi1_\(unit)")
        let info = try buffer(Hfi1Request.userInfo(version: version, subcontexts: subcontexts))
        #expect(try ioctl(handle, RDMAABI_HFI1_IOCTL_ASSIGN_CTXT, info.address) == 0)
        return handle
    }

    /// CTXT_INFO's `num_active`.
    func hfi1NumActive(_ handle: KernelHandle) throws -> Int {
        Int(Bytes.get(UInt16.self, at: offset(\hfi1_ctxt_info.num_active), in: try hfi1ContextInfo(handle)))
    }

    /// What one hfi1 TID_UPDATE answered: the written-back `tidcnt` and `length`, and the
    /// TID list the driver wrote to `tidlist`.
    struct TIDUpdate {
        var tidcnt: UInt32
        var length: UInt32
        var list: [UInt32]
    }

    /// ioctl TID_UPDATE of `pages` pages of a fresh buffer (`bufferPages`, default `pages`),
    /// with a TID list buffer of `listEntries` u32 (default 64).
    func hfi1TIDUpdate(_ handle: KernelHandle, pages: Int, bufferPages: Int? = nil,
                       listEntries: Int = 64) throws -> TIDUpdate {
        let page = Int(RDMAABI_PAGE_SIZE)
        let memory = try buffer(count: (bufferPages ?? pages) * page)
        let list = try buffer(count: listEntries * 4, fill: 0xee)
        let info = try buffer(Hfi1Request.tidInfo(vaddr: memory.address, tidlist: list.address,
                                                  length: UInt32(pages * page)))
        _ = try ioctl(handle, RDMAABI_HFI1_IOCTL_TID_UPDATE, info.address)
        let b = info.load()
        let tidcnt = Bytes.get(UInt32.self, at: offset(\hfi1_tid_info.tidcnt), in: b)
        let entries = list.load()
        return TIDUpdate(tidcnt: tidcnt, length: Bytes.get(UInt32.self, at: offset(\hfi1_tid_info.length), in: b),
                         list: (0..<Int(tidcnt)).map { Bytes.get(UInt32.self, at: $0 * 4, in: entries) })
    }

    /// ioctl TID_FREE of `tids`; returns the written-back `tidcnt`.
    func hfi1TIDFree(_ handle: KernelHandle, _ tids: [UInt32]) throws -> UInt32 {
        var bytes = [UInt8](repeating: 0, count: max(tids.count, 1) * 4)
        for (i, tid) in tids.enumerated() { Bytes.put(tid, at: i * 4, in: &bytes) }
        let list = try buffer(bytes)
        let info = try buffer(Hfi1Request.tidInfo(tidlist: list.address, tidcnt: UInt32(tids.count)))
        _ = try ioctl(handle, RDMAABI_HFI1_IOCTL_TID_FREE, info.address)
        return Bytes.get(UInt32.self, at: offset(\hfi1_tid_info.tidcnt), in: info.load())
    }
}

/// An hfi1 TID-list entry as `create_tid` builds it, from the EXP_TID_* shim constants.
func hfi1TID(entry: Int, pages: Int) -> UInt32 {
    let pair = entry & ~1
    return UInt32(pair >> 1) << RDMAABI_HFI1_EXP_TID_TIDIDX_SHIFT
        | UInt32(1 << (entry - pair)) << RDMAABI_HFI1_EXP_TID_TIDCTRL_SHIFT
        | UInt32(pages) << RDMAABI_HFI1_EXP_TID_TIDLEN_SHIFT
}

extension DriverSession {
    /// ioctl CTXT_INFO: the 40 bytes the driver wrote.
    func hfi1ContextInfo(_ handle: KernelHandle) throws -> [UInt8] {
        let out = try buffer(count: MemoryLayout<hfi1_ctxt_info>.size)
        _ = try ioctl(handle, RDMAABI_HFI1_IOCTL_CTXT_INFO, out.address)
        return out.load()
    }

    /// The context number CTXT_INFO reports.
    func hfi1Context(_ handle: KernelHandle) throws -> Int {
        Int(Bytes.get(UInt16.self, at: offset(\hfi1_ctxt_info.ctxt), in: try hfi1ContextInfo(handle)))
    }
}

// MARK: - qib requests

enum QibRequest {
    static let version: UInt32 = (RDMAABI_QIB_USER_SWMAJOR << 16) | RDMAABI_QIB_USER_SWMINOR

    /// `struct qib_user_info` (32 bytes).
    static func userInfo(version: UInt32 = version, port: UInt32 = 0, algorithm: UInt32 = 0,
                         subcontexts: UInt16 = 0, subcontextID: UInt16 = 0,
                         baseInfo: UInt64 = 0, baseInfoSize: UInt32 = 0) -> [UInt8] {
        typealias S = rdmaabi_qib_user_info
        var b = [UInt8](repeating: 0, count: MemoryLayout<S>.size)
        Bytes.put(version, at: offset(\S.spu_userversion), in: &b)
        Bytes.put(baseInfoSize, at: offset(\S.spu_base_info_size), in: &b)
        Bytes.put(algorithm, at: offset(\S.spu_port_alg), in: &b)
        Bytes.put(subcontexts, at: offset(\S.spu_subctxt_cnt), in: &b)
        Bytes.put(subcontextID, at: offset(\S.spu_subctxt_id), in: &b)
        Bytes.put(port, at: offset(\S.spu_port), in: &b)
        Bytes.put(baseInfo, at: offset(\S.spu_base_info), in: &b)
        return b
    }

    /// `struct qib_tid_info` (32 bytes).
    static func tidInfo(count: UInt32, vaddr: UInt64, tidlist: UInt64, tidmap: UInt64) -> [UInt8] {
        typealias S = rdmaabi_qib_tid_info
        var b = [UInt8](repeating: 0, count: MemoryLayout<S>.size)
        Bytes.put(count, at: offset(\S.tidcnt), in: &b)
        Bytes.put(vaddr, at: offset(\S.tidvaddr), in: &b)
        Bytes.put(tidlist, at: offset(\S.tidlist), in: &b)
        Bytes.put(tidmap, at: offset(\S.tidmap), in: &b)
        return b
    }

    /// `struct qib_cmd` (40 bytes): the type at its offset, the payload in the union at its
    /// offset (8), the rest zero; `count` trims it (write() of fewer bytes).
    static func command(_ type: UInt32, payload: [UInt8] = [], count: Int? = nil) -> [UInt8] {
        typealias S = rdmaabi_qib_cmd
        var b = [UInt8](repeating: 0, count: MemoryLayout<S>.size)
        Bytes.put(type, at: offset(\S.type), in: &b)
        b.replaceSubrange(offset(\S.cmd)..<offset(\S.cmd) + payload.count, with: payload)
        return Array(b.prefix(count ?? b.count))
    }

    static func u64(_ value: UInt64) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 8)
        Bytes.put(value, at: 0, in: &b)
        return b
    }
}

extension DriverSession {
    /// Opens `path` (default /dev/ipath0) and writes ASSIGN_CTXT; returns the handle.
    func qibAssigned(_ path: String = "/dev/ipath0", port: UInt32 = 0) throws -> KernelHandle {
        let handle = try open(path)
        let written = try write(handle, QibRequest.command(RDMAABI_QIB_CMD_ASSIGN_CTXT,
                                                           payload: QibRequest.userInfo(port: port)))
        #expect(written == 36)
        return handle
    }

    /// write CTXT_INFO: the 16 bytes of `struct qib_ctxt_info`.
    func qibContextInfo(_ handle: KernelHandle) throws -> [UInt8] {
        let out = try buffer(count: MemoryLayout<rdmaabi_qib_ctxt_info>.size)
        _ = try write(handle, QibRequest.command(RDMAABI_QIB_CMD_CTXT_INFO, payload: QibRequest.u64(out.address)))
        return out.load()
    }

    func qibContext(_ handle: KernelHandle) throws -> Int {
        Int(Bytes.get(UInt16.self, at: offset(\rdmaabi_qib_ctxt_info.ctxt), in: try qibContextInfo(handle)))
    }
}

/// One errno-table row: a name (the test case's), what it runs, and what it must answer —
/// an errno, or success with a given return value.
struct DriverRow: Sendable, CustomTestStringConvertible {
    let name: String
    let expected: Errno?
    let returns: Int?
    let run: @Sendable (DriverSession) throws -> Int

    init(_ name: String, _ expected: Errno?, returns: Int? = nil, _ run: @escaping @Sendable (DriverSession) throws -> Int) {
        self.name = name; self.expected = expected; self.returns = returns; self.run = run
    }

    var testDescription: String { name }

    /// Runs the row on `session`, checks the outcome, then closes the files the row opened
    /// (the session's end then checks that closing them gave back every context).
    func check(_ session: DriverSession, sourceLocation: SourceLocation = #_sourceLocation) {
        var result: Int?
        let errno = driverErrno { result = try run(session) }
        #expect(errno == expected, "\(name)", sourceLocation: sourceLocation)
        if expected == nil, let returns { #expect(result == returns, "\(name)", sourceLocation: sourceLocation) }
        session.closeAll()
    }
}
