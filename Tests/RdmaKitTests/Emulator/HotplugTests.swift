import CRdmaABI
@_spi(KernelSeam) import RdmaKit
@testable import RdmaEmulator
import Testing

// Hot-unplug and replug of the emulated kernel, per profile (DESIGN §5 last column).
// Expectations come from the kernel, not from the emulator's output:
// * proposed — uverbs_main.c `ib_uverbs_remove_one` with `disassociate_ucontext`: "Userspace
//   will see a EIO errno for all future access"; removal completes at once (ABI-FACTS §8).
// * mainline/legacy — rdmavt sets no `disassociate_ucontext`: `wait_for_completion` until the
//   last close; hfi1 init.c `remove_one` → `wait_for_clients`; open files keep working;
//   `cdev_device_del` first, so a new open finds no node (ENOENT) and a racing open finds the
//   refcount at zero (ENXIO: `ib_uverbs_open`, `hfi1_file_open`).
// * uevents — lib/kobject_uevent.c: ACTION, DEVPATH (below /sys), SUBSYSTEM, dev_uevent's
//   MAJOR/MINOR/DEVNAME(/DEVMODE), ib_device_uevent's NAME, SEQNUM.

private let root = Credentials(uid: 0, gid: 0)

private func errno<T>(_ body: () throws -> T) -> Errno? {
    do { _ = try body(); return nil } catch let error as KernelError { return error.errno } catch { return nil }
}

/// The events already published to `stream`, without waiting (they are yielded synchronously).
private func drain(_ iterator: inout AsyncStream<KernelEvent>.Iterator, count: Int) async -> [KernelEvent] {
    var events: [KernelEvent] = []
    for _ in 0..<count { if let e = await iterator.next() { events.append(e) } }
    return events
}

/// The emulator's leak report for open files and the contexts they hold (a test's own user
/// buffers live until its locals go).
private func handleLeaks(_ k: EmulatedKernel) -> [String] { k.leakReport.filter { $0.hasPrefix("handle") } }

/// core/device.c `disable_device`: clients removed in LIFO order (umad, then uverbs), issm
/// before umad (`ib_umad_kill_port`) — the order the VM's 6.1 kernel sent for
/// `rdma link delete rxe1`: issm1, umad1, uverbs1, rxe1; hfi1 removes its own node first.
private let hfi1RemoveOrder = ["hfi1_user", "infiniband_mad", "infiniband_mad", "infiniband_verbs", "infiniband"]

@Suite("Emulator hot-unplug")
struct HotplugTests {
    @Test("proposed: every open handle of the device answers EIO, removal completes at once")
    func proposedDisassociates() async throws {
        let k = EmulatedKernel(devices: .default, profile: .proposed, credentials: root)
        var events = try k.events().makeAsyncIterator()
        let session = DriverSession(kernel: k)
        let uverbs = try session.open("/dev/infiniband/uverbs0")
        let hfi1 = try session.hfi1Assigned()
        let umad = try session.open("/dev/infiniband/umad0")
        let call = try DriverOpsCall(k, on: uverbs, bytes: driverOpsRequestBytes("psm2.intel.com", major: 6))
        let ops = try #require(call.handle)
        #expect(try session.freeContexts("hfi1_0") == 15)

        #expect(try k.unplug("hfi1_0") == .unplugged)
        #expect(k.presence(of: "hfi1_0") == .unplugged)
        let vers = try session.buffer(count: 8)
        for handle in [uverbs, hfi1, umad, ops] {
            #expect(errno { try k.ioctl(handle, request: RDMAABI_HFI1_IOCTL_GET_VERS, argument: vers.address) } == .EIO)
            #expect(errno { try k.write(handle, [UInt8](repeating: 0, count: 16)) } == .EIO)
            #expect(errno { try k.read(handle, count: 16) } == .EIO)
        }
        // Nodes and sysfs are gone; qib0 is untouched.
        #expect(errno { try k.open("/dev/hfi1_0", flags: .probe) } == .ENOENT)
        #expect(errno { try k.open("/dev/infiniband/uverbs0", flags: .probe) } == .ENOENT)
        #expect(errno { try k.readLink("/sys/class/infiniband/hfi1_0") } == .ENOENT)
        #expect(errno { try k.readLink("/sys/class/infiniband_verbs/uverbs0") } == .ENOENT)
        #expect(errno { try k.readLink("/sys/bus/pci/devices/0000:81:00.0") } == .ENOENT)
        #expect(try k.listDirectory("/sys/class/infiniband") == ["qib0"])
        #expect(try k.udevEnumerate(subsystem: "infiniband").map(\.sysname) == ["qib0"])
        // A racing open finds the cdev gone: chrdev_open → ENXIO.
        #expect(errno { try k.openRacingUnplug("/dev/hfi1_0") } == .ENXIO)

        let removed = await drain(&events, count: 5)
        #expect(removed.map(\.subsystem) == hfi1RemoveOrder)
        #expect(removed.allSatisfy { $0.action == .remove && $0.properties["ACTION"] == "remove" })

        // The leak report still names the open files, as disassociated (their contexts went
        // with the device at unplug).
        #expect(handleLeaks(k).count == 4 && handleLeaks(k).allSatisfy { $0.hasSuffix("(disassociated: its device was unplugged)") })
        session.close([ops, umad, hfi1, uverbs])
        session.finish()
        #expect(handleLeaks(k) == [])
    }

    @Test("mainline and legacy: removal pends until the last close, then the remove events",
          arguments: [Profile.mainline, .legacy])
    func pendingUntilLastClose(profile: Profile) async throws {
        let k = EmulatedKernel(devices: .default, profile: profile, credentials: root)
        var events = try k.events().makeAsyncIterator()
        let session = DriverSession(kernel: k)
        let uverbs = try session.open("/dev/infiniband/uverbs0")
        let hfi1 = try session.open("/dev/hfi1_0")

        #expect(try k.unplug("hfi1_0") == .removing(openFiles: 2))
        #expect(k.presence(of: "hfi1_0") == .removing(openFiles: 2))
        // The nodes and sysfs go at once; netlink no longer lists it.
        #expect(errno { try k.open("/dev/hfi1_0", flags: .probe) } == .ENOENT)
        #expect(errno { try k.readLink("/sys/class/infiniband/hfi1_0") } == .ENOENT)
        #expect(try k.udevEnumerate(subsystem: "infiniband_verbs").map(\.sysname) == ["uverbs1"])
        // A racing open: refcount already zero → ENXIO.
        #expect(errno { try k.openRacingUnplug("/dev/hfi1_0") } == .ENXIO)
        #expect(errno { try k.openRacingUnplug("/dev/infiniband/uverbs0") } == .ENXIO)
        // Open files still reach their driver: not disassociated, never EIO. (The hfi1 cdev's
        // own answer to write() without a context: ioctl era EIO is its documented reply, so
        // ask GET_VERS instead — 0 in the ioctl era, ENOTTY in the write era.)
        let vers = try session.buffer(count: 8)
        let answer = errno { try k.ioctl(hfi1, request: RDMAABI_HFI1_IOCTL_GET_VERS, argument: vers.address) }
        #expect(answer == (profile == .legacy ? .ENOTTY : nil))
        // Replug cannot start while remove_one still runs.
        #expect(throws: HotplugError.removalPending("hfi1_0")) { try k.replug("hfi1_0") }
        #expect(throws: HotplugError.removalPending("hfi1_0")) { try k.unplug("hfi1_0") }

        session.close(hfi1)
        #expect(k.presence(of: "hfi1_0") == .removing(openFiles: 1))
        session.close(uverbs)
        #expect(k.presence(of: "hfi1_0") == .unplugged)
        let removed = await drain(&events, count: 5)
        #expect(removed.map(\.subsystem) == hfi1RemoveOrder)
        session.finish()
        #expect(handleLeaks(k) == [])
    }

    @Test("mainline: an assigned context is freed by the last close that completes the removal")
    func pendingContextFreed() throws {
        let k = EmulatedKernel(devices: .default, profile: .mainline, credentials: root)
        let session = DriverSession(kernel: k)
        let hfi1 = try session.hfi1Assigned()
        #expect(try k.unplug("hfi1_0") == .removing(openFiles: 1))
        #expect(handleLeaks(k).count == 1)
        session.close(hfi1)
        session.finish()
        #expect(handleLeaks(k) == [])
        #expect(try k.replug("hfi1_0") == "hfi1_0")
        #expect(try session.freeContexts("hfi1_0") == 16)
    }

    @Test("an unplug with nothing open completes at once in every profile", arguments: Profile.allCases)
    func unplugIdle(profile: Profile) throws {
        let k = EmulatedKernel(devices: .default, profile: profile, credentials: root)
        #expect(try k.unplug("qib0") == .unplugged)
        #expect(errno { try k.open("/dev/ipath0", flags: .probe) } == .ENOENT)
        #expect(errno { try k.open("/dev/ipath", flags: .probe) } == .ENOENT)
        #expect(throws: HotplugError.notPresent("qib0")) { try k.unplug("qib0") }
        #expect(throws: HotplugError.unknownDevice("mlx5_0")) { try k.unplug("mlx5_0") }
        #expect(throws: HotplugError.alreadyPresent("hfi1_0")) { try k.replug("hfi1_0") }
    }

    @Test("replug: same name and minors, uverbs/umad from the lowest free IDA slot, a new netlink index")
    func replugNumbering() async throws {
        let k = EmulatedKernel(devices: .default, profile: .proposed, credentials: root)
        var events = try k.events().makeAsyncIterator()
        try k.unplug("hfi1_0")
        _ = await drain(&events, count: 5)
        #expect(try k.replug("hfi1_0") == "hfi1_0")
        #expect(k.presence(of: "hfi1_0") == .present)
        // uverbs0 was freed (ida_free) and is the lowest free minor again: 231:192.
        #expect(try k.deviceNode("/dev/infiniband/uverbs0").minor == 192)
        #expect(try k.readAttribute("/sys/class/infiniband_verbs/uverbs0/ibdev") == Array("hfi1_0\n".utf8))
        #expect(try k.deviceNode("/dev/infiniband/umad0").minor == 0)
        #expect(try k.deviceNode("/dev/infiniband/issm0").minor == 64)
        // hfi1/device.c: minor = unit.
        #expect(try k.deviceNode("/dev/hfi1_0").minor == 0)
        #expect(try k.readAttribute("/sys/class/infiniband/hfi1_0/nfreectxts") == Array("16\n".utf8))
        // core/device.c assign_name: xa_alloc_cyclic — the index is not reused (boot gave 0, 1).
        #expect(k.withState { state in state.devices["hfi1_0"]?.probe.index } == 2)

        let added = await drain(&events, count: 5)
        #expect(added.map(\.subsystem) == ["infiniband_verbs", "infiniband_mad", "infiniband_mad", "infiniband", "hfi1_user"])
        #expect(added.allSatisfy { $0.action == .add })
        // The new device works.
        let session = DriverSession(kernel: k)
        let h = try session.hfi1Assigned()
        session.close(h)
        session.finish()
        #expect(handleLeaks(k) == [])
    }

    @Test("a disassociated handle stays EIO after its device is replugged")
    func staleHandleAfterReplug() throws {
        let k = EmulatedKernel(devices: .default, profile: .proposed, credentials: root)
        let hfi1 = try k.open("/dev/hfi1_0", flags: .probe)
        try k.unplug("hfi1_0")
        try k.replug("hfi1_0")
        let vers = try k.allocateUserMemory(count: 8)
        #expect(errno { try k.ioctl(hfi1, request: RDMAABI_HFI1_IOCTL_GET_VERS, argument: vers.address) } == .EIO)
        let fresh = try k.open("/dev/hfi1_0", flags: .probe)
        #expect(try k.ioctl(fresh, request: RDMAABI_HFI1_IOCTL_GET_VERS, argument: vers.address) == 0)
        k.close(fresh)
        k.close(hfi1)
        #expect(handleLeaks(k) == [])
    }

    @Test("uevent properties as the kernel sends them (ABI-FACTS §8)")
    func ueventProperties() async throws {
        let k = EmulatedKernel(devices: .default, profile: .mainline, credentials: root)
        var events = try k.events().makeAsyncIterator()
        try k.unplug("qib0")
        let removed = await drain(&events, count: 10)
        // qib_remove_one unregisters first, then removes its ipath nodes.
        #expect(removed.map(\.name) == ["issm1", "umad1", "issm2", "umad2", "uverbs1", "qib0",
                                        "ipath", "ipath0", "ipath_diagpkt", "ipath_diag0"])
        #expect(removed.map(\.subsystem) == ["infiniband_mad", "infiniband_mad", "infiniband_mad", "infiniband_mad",
                                             "infiniband_verbs", "infiniband", "ipath", "ipath", "ipath", "ipath"])
        let uverbs = try #require(removed.first { $0.subsystem == "infiniband_verbs" })
        #expect(uverbs.properties["SUBSYSTEM"] == "infiniband_verbs")
        #expect(uverbs.properties["DEVNAME"] == "infiniband/uverbs1")
        #expect(uverbs.properties["MAJOR"] == "231" && uverbs.properties["MINOR"] == "193")
        #expect(uverbs.properties["DEVMODE"] == "0666")
        #expect(uverbs.properties["DEVPATH"] == "/devices/pci0000:00/0000:00:02.0/0000:04:00.0/infiniband_verbs/uverbs1")
        let ib = try #require(removed.first { $0.subsystem == "infiniband" })
        #expect(ib.properties["NAME"] == "qib0" && ib.properties["MAJOR"] == nil)
        #expect(ib.properties["DEVPATH"] == "/devices/pci0000:00/0000:00:02.0/0000:04:00.0/infiniband/qib0")
        let seq = removed.compactMap { $0.properties["SEQNUM"].flatMap { UInt64($0) } }
        #expect(seq == seq.sorted() && Set(seq).count == seq.count)
    }
}

@Suite("Emulator hot-unplug under concurrency")
struct HotplugConcurrencyTests {
    /// One lock, never blocking: tasks open, ASSIGN_CTXT and close hfi1_0 while another task
    /// unplugs and replugs it. Every call answers (a node gone: ENOENT; disassociated: EIO; a
    /// racing removal: ENXIO), nothing deadlocks, and at the end nothing is held and the device
    /// is back with all 16 contexts free.
    @Test("unplug/replug racing with opens and context assignment", arguments: Profile.allCases)
    func racing(profile: Profile) async throws {
        let k = EmulatedKernel(devices: .default, profile: profile, credentials: root)
        let subscription = try k.events()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<150 {
                        guard let h = try? k.open("/dev/hfi1_0", flags: .probe) else { continue }
                        if let info = try? k.allocateUserMemory(count: 28) {
                            info.store(Hfi1Request.userInfo(version: Hfi1Request.ioctlVersion, subcontexts: 0), at: 0)
                            _ = try? k.ioctl(h, request: RDMAABI_HFI1_IOCTL_ASSIGN_CTXT, argument: info.address)
                        }
                        k.close(h)
                    }
                }
            }
            group.addTask {
                for _ in 0..<40 {
                    _ = try? k.unplug("hfi1_0")
                    // A pending removal completes when the openers' handles close.
                    while k.presence(of: "hfi1_0") != .unplugged { await Task.yield() }
                    _ = try? k.replug("hfi1_0")
                }
            }
        }
        _ = subscription
        #expect(k.presence(of: "hfi1_0") == .present)
        #expect(handleLeaks(k) == [])
        #expect(try k.readAttribute("/sys/class/infiniband/hfi1_0/nfreectxts") == Array("16\n".utf8))
    }
}
