import Foundation
import Testing
import RdmaKit
import RdmaLinux
@testable import RdmaEmulator
@testable import RdmaCommands

/// `rdmactl doctor` (deliverable 4): one finding per cause of "No IB devices found" (DESIGN §1),
/// each injected into the emulator; the expectations are rdma-core's and the kernel's facts
/// (ABI-FACTS §1.3, §5, §6.1, §7; rdma-core libibverbs/{init,dynamic_driver}.c and providers/),
/// not rdmactl's own output.
@Suite("doctor")
struct DoctorTests {
    static let uverbs0 = "/dev/infiniband/uverbs0"

    func emulated(_ profile: Profile = .proposed, uid: UInt32 = 0, devices: DeviceSet = .default,
                  _ change: (EmulatedKernel) -> Void = { _ in }) -> EmulatedKernel {
        let k = EmulatedKernel(devices: devices, profile: profile, credentials: Credentials(uid: uid, gid: uid))
        change(k)
        return k
    }

    func report(_ k: EmulatedKernel, environment: [String: String] = [:]) -> DoctorReport {
        Doctor(kernel: k, environment: environment, credentials: k.credentials).run()
    }

    func blockers(_ r: DoctorReport) -> [String] { r.findings.filter { $0.severity == .blocker }.map(\.code) }
    func finding(_ r: DoctorReport, _ code: String, device: String? = nil) -> DoctorFinding? {
        r.findings.first { $0.code == code && (device == nil || $0.device == device) }
    }

    // MARK: healthy

    @Test func healthyEmulatorHasNoBlocker() throws {
        let r = report(emulated(uid: 1000))
        #expect(blockers(r).isEmpty)
        #expect(r.exitCode == .ok)
        // hfi1verbs and ipathverbs are matched by the netlink driver id first (init.c
        // try_drivers): RDMA_DRIVER_HFI1 15, RDMA_DRIVER_QIB 16 (ABI-FACTS §10.10).
        let hfi1 = try #require(finding(r, "PROVIDER", device: "hfi1_0"))
        #expect(hfi1.message.contains("hfi1verbs") && hfi1.message.contains("driver id 15"))
        #expect(hfi1.path == "/usr/lib/x86_64-linux-gnu/libibverbs/libhfi1verbs-rdmav34.so")
        let qib = try #require(finding(r, "PROVIDER", device: "qib0"))
        #expect(qib.message.contains("ipathverbs") && qib.message.contains("driver id 16"))
        // The default RLIMIT_MEMLOCK (8 MiB since Linux 5.16) is below 64 MiB: a warning for a
        // non-root caller, never a blocker.
        #expect(finding(r, "MEMLOCK_TOO_SMALL")?.severity == .warning)
        #expect(finding(r, "NETNS_MODE")?.message.contains("shared") == true)
        #expect(finding(r, "COPY_ON_FORK")?.message.contains("copy-on-fork") == true)
    }

    /// Without GET_CHARDEV (before Linux 5.3) libibverbs has no driver id: hfi1verbs matches the
    /// parent's modalias with "pci:v%08Xd%08Xsv*" (init.c match_modalias; hfiverbs.c 8086:24f0).
    @Test func legacyKernelMatchesByModalias() throws {
        let r = report(emulated(.legacy))
        #expect(blockers(r).isEmpty)
        let hfi1 = try #require(finding(r, "PROVIDER", device: "hfi1_0"))
        #expect(hfi1.message.contains("pci:v00008086d000024F0sv*"), "\(hfi1.message)")
    }

    // MARK: (a) no kernel support, (b) no device

    @Test func noKernelSupport() throws {
        let r = report(emulated { $0.removePath("/sys/class/infiniband") })
        #expect(blockers(r) == ["NO_RDMA_SUPPORT"])
        #expect(r.exitCode == .unavailable)
    }

    @Test func noUverbsModule() throws {
        let r = report(emulated { $0.removePath("/sys/class/infiniband_verbs") })
        #expect(blockers(r).contains("NO_UVERBS"))
        #expect(finding(r, "NO_UVERBS")?.hint == "modprobe ib_uverbs")
        #expect(r.exitCode == .unavailable)
    }

    @Test func noDevice() {
        let r = report(emulated(devices: DeviceSet([])))
        #expect(blockers(r) == ["NO_DEVICES"])
        #expect(r.exitCode == .unavailable)
    }

    // MARK: (c) no user-space provider

    @Test func providerDriverFileRemoved() throws {
        let r = report(emulated { $0.removePath("/etc/libibverbs.d/hfi1verbs.driver") })
        #expect(blockers(r) == ["NO_PROVIDER"])
        #expect(finding(r, "NO_PROVIDER")?.device == "hfi1_0")
        #expect(finding(r, "NO_PROVIDER")?.hint?.contains("driver hfi1verbs") == true)
        #expect(r.exitCode == .unavailable)
        // dynamic_driver.c load_drivers: RDMAV_DRIVERS names providers in addition to the config.
        let viaEnv = report(emulated { $0.removePath("/etc/libibverbs.d/hfi1verbs.driver") },
                            environment: ["RDMAV_DRIVERS": "hfi1verbs"])
        #expect(blockers(viaEnv).isEmpty)
    }

    @Test func providerLibraryRemoved() {
        let r = report(emulated { $0.removePath("/usr/lib/x86_64-linux-gnu/libibverbs/libipathverbs-rdmav34.so") })
        #expect(blockers(r) == ["NO_PROVIDER_LIBRARY"])
        #expect(finding(r, "NO_PROVIDER_LIBRARY")?.device == "qib0")
    }

    @Test func noRdmaCoreInstalled() {
        let r = report(emulated { $0.removePath("/etc/libibverbs.d") })
        #expect(blockers(r) == ["NO_PROVIDER", "NO_PROVIDER"])
        #expect(finding(r, "NO_PROVIDER")?.message.contains("not installed") == true)
    }

    /// read_config_file reads every regular file whatever its name and takes "driver NAME"
    /// lines only; anything else is warned about and ignored.
    @Test func configIsReadLikeLibibverbs() {
        let r = report(emulated {
            $0.removePath("/etc/libibverbs.d/hfi1verbs.driver")
            $0.writeFile("/etc/libibverbs.d/local.conf", "# site\n\tdriver   hfi1verbs\nprovider foo\n")
        })
        #expect(blockers(r).isEmpty)
        #expect(finding(r, "BAD_PROVIDER_CONFIG")?.severity == .warning)
    }

    // MARK: (d) ABI out of range

    /// check_abi_version runs only when libibverbs found the devices through sysfs: under
    /// `legacy` (no GET_CHARDEV) a class ABI of 7 is fatal (76); where GET_CHARDEV answers,
    /// ibdev_nl.c sets abi_ver = 6 and the file is not read (a warning).
    @Test func classABIOutOfRange() {
        let path = "/sys/class/infiniband_verbs/abi_version"
        let legacy = report(emulated(.legacy) { $0.writeFile(path, "7\n", mode: 0o444) })
        #expect(blockers(legacy) == ["CLASS_ABI_OUT_OF_RANGE"])
        #expect(legacy.exitCode == .abiMismatch)
        let modern = report(emulated(.proposed) { $0.writeFile(path, "7\n", mode: 0o444) })
        #expect(blockers(modern).isEmpty)
        #expect(finding(modern, "CLASS_ABI_OUT_OF_RANGE")?.severity == .warning)
        // 3 is IB_USER_VERBS_MIN_ABI_VERSION (kern-abi.h): accepted.
        #expect(blockers(report(emulated(.legacy) { $0.writeFile(path, "3\n", mode: 0o444) })).isEmpty)
    }

    /// Per-device: rxe.c accepts uverbs ABI [1, 2] on 64-bit; a device reporting 3 is refused.
    @Test func deviceABIOutOfRangeInARootedTree() throws {
        let tree = RxeSystemRoot()
        tree.tree.write("sys/devices/virtual/infiniband_verbs/uverbs0/abi_version", "3\n")
        let r = rdmactl(["--root", tree.path, "doctor", "--json"])
        #expect(r.status == 76, "\(r.stdout)")
        #expect(r.envelope?["error"]?["code"] == .string("DEVICE_ABI_OUT_OF_RANGE"))
    }

    // MARK: (e) char device missing, (f) no permission

    @Test func nodeMissing() {
        let r = report(emulated { $0.removePath(Self.uverbs0) })
        #expect(blockers(r) == ["NODE_MISSING"])
        #expect(finding(r, "NODE_MISSING")?.hint?.contains("--device /dev/infiniband/uverbs0") == true)
        #expect(r.exitCode == .unavailable)
    }

    @Test func nodeNotOpenable() {
        let r = report(emulated(uid: 1000) { $0.setMode(Self.uverbs0, 0o600) })
        #expect(blockers(r) == ["NODE_NOT_OPENABLE"])
        #expect(r.exitCode == .permission)
        // The same node for root (generic_permission's bypass): nothing blocks.
        #expect(blockers(report(emulated(uid: 0) { $0.setMode(Self.uverbs0, 0o600) })).isEmpty)
    }

    /// A v1 devices cgroup without "c 231:192 rw" makes open() EPERM (device_cgroup.c).
    @Test func deviceCgroupDenies() {
        let r = report(emulated {
            $0.writeFile("/proc/self/cgroup", "5:devices:/job42\n0::/\n")
            $0.writeFile("/sys/fs/cgroup/devices/job42/devices.list", "c 1:3 rwm\nc 231:193 rw\n")
        })
        #expect(blockers(r) == ["CGROUP_DENIES_NODE"])
        #expect(finding(r, "CGROUP_DENIES_NODE")?.device == "hfi1_0")
        #expect(r.exitCode == .permission)
        let open = report(emulated {
            $0.writeFile("/proc/self/cgroup", "5:devices:/\n")
            $0.writeFile("/sys/fs/cgroup/devices/devices.list", "a *:* rwm\n")
        })
        #expect(blockers(open).isEmpty)
    }

    /// The most actionable blocker decides, as in open-ops (DESIGN §4): 77 over 69.
    @Test func worstBlockerWins() {
        let r = report(emulated(uid: 1000) {
            $0.setMode(Self.uverbs0, 0o600)
            $0.removePath("/etc/libibverbs.d/ipathverbs.driver")
        })
        #expect(Set(blockers(r)) == ["NODE_NOT_OPENABLE", "NO_PROVIDER"])
        #expect(r.exitCode == .permission)
        #expect(r.deciding?.code == "NODE_NOT_OPENABLE")
    }

    // MARK: netns, memlock

    @Test func exclusiveNetnsIsSaid() throws {
        let r = report(emulated { $0.setSharedNetns(false) })
        let f = try #require(finding(r, "NETNS_MODE"))
        #expect(f.message.contains("exclusive"))
        #expect(f.hint?.contains("rdma dev set") == true)
        #expect(try emulated().rdmaSystemSettings().netnsMode == .shared)
        #expect(try emulated { $0.setSharedNetns(false) }.rdmaSystemSettings().netnsMode == .exclusive)
    }

    /// ib_umem_get: ENOMEM past RLIMIT_MEMLOCK unless CAP_IPC_LOCK.
    @Test func memlock() {
        let small = report(emulated(uid: 1000) { $0.setMemlock(soft: 64 * 1024, hard: 64 * 1024) })
        #expect(finding(small, "MEMLOCK_TOO_SMALL")?.message.contains("64 KiB") == true)
        #expect(small.exitCode == .ok)
        let unlimited = report(emulated(uid: 1000) { $0.setMemlock(soft: nil, hard: nil) })
        #expect(finding(unlimited, "MEMLOCK")?.message.contains("unlimited") == true)
        let root = report(emulated(uid: 0) { $0.setMemlock(soft: 64 * 1024, hard: 64 * 1024) })
        #expect(finding(root, "MEMLOCK_TOO_SMALL") == nil)
        #expect(MemlockLimit.parse("Max locked memory         8388608              unlimited            bytes     \n")
                == MemlockLimit(soft: 8 << 20, hard: nil))
    }

    // MARK: the CLI

    @Test func cliJSONAndExitCodes() throws {
        let ok = rdmactl(["--emulated", "doctor", "--json"])
        #expect(ok.status == 0)
        #expect(ok.envelope?["command"] == .string("doctor"))
        #expect(ok.envelope?["data"]?["verdict"] == .string("ok"))
        #expect(ok.envelope?["data"]?["counts"]?["blocker"] == .int(0))
        let none = rdmactl(["--emulated-set", "none", "doctor", "--json"])
        #expect(none.status == 69)
        #expect(none.envelope?["error"]?["code"] == .string("NO_DEVICES"))
        #expect(none.envelope?["data"]?["findings"]?[0]?["severity"] == .string("blocker"))
        #expect(none.envelope?["data"]?["findings"]?[0]?["exit_code"] == .int(69))
        let text = rdmactl(["--emulated-set", "none", "doctor"])
        #expect(text.stdout.contains("BLOCKER NO_DEVICES: "))
        #expect(text.stdout.contains("verdict: blocked, exit 69"))
    }

    @Test func rootedTreeIsHealthy() throws {
        let tree = RxeSystemRoot()
        let r = rdmactl(["--root", tree.path, "doctor", "--json"])
        #expect(r.status == 0, "\(r.stdout)")
        // No netlink in a tree: rxe is found by name, VERBS_NAME_MATCH("rxe") (rxe.c).
        guard case .array(let findings)? = r.envelope?["data"]?["findings"] else { Issue.record("no findings"); return }
        let provider = try #require(findings.first { $0["code"] == .string("PROVIDER") })
        #expect(provider["message"]?.stringValue?.contains("rdma_device:*Nrxe*") == true)
        // The same tree without its user-space side: not judged, not blocked.
        tree.tree.remove("etc")
        tree.tree.remove("usr")
        let bare = rdmactl(["--root", tree.path, "doctor", "--json"])
        #expect(bare.status == 0)
        #expect(bare.stdout.contains("USERSPACE_NOT_RECORDED"))
    }

    /// This machine has no RDMA (ABI-FACTS §5: socket → EPROTONOSUPPORT here): doctor on the
    /// live system exits 69 with the no-kernel-support blocker.
    @Test func hostWithoutRDMA() throws {
        let hasRDMA = FileManager.default.fileExists(atPath: "/sys/class/infiniband")
        let r = rdmactl(["doctor", "--json"], liveKernel: { () throws(RdmaError) -> any Kernel in
            do throws(KernelError) { return try LinuxKernel.live() } catch { throw RdmaError.kernel(error, path: "/", doing: "open") }
        })
        if hasRDMA {
            #expect(r.envelope?["error"]?["code"] != .string("NO_RDMA_SUPPORT"))
        } else {
            #expect(r.status == 69)
            #expect(r.envelope?["error"]?["code"] == .string("NO_RDMA_SUPPORT"))
            #expect(r.envelope?["data"]?["findings"]?[0]?["code"] == .string("NO_RDMA_SUPPORT"))
        }
    }

    /// DESIGN §4: doctor never opens a node (a handshake would take a hardware context); a
    /// read of a provider library is never needed either, only the directory listing.
    @Test func doctorOpensNothing() {
        let k = FaultInjectingKernel(emulated())
        let r = Doctor(kernel: k, environment: [:], credentials: Credentials(uid: 0, gid: 0)).run()
        #expect(blockers(r).isEmpty)
        #expect(!k.recorded.contains { $0.hasPrefix("open ") })
        #expect(!k.recorded.contains { $0.hasPrefix("read ") && $0.hasSuffix(".so") })
    }

    // MARK: matching

    @Test func fnmatchAsLibcDoes() {
        #expect(fnmatch("rdma_device:*Nrxe*", "rdma_device:Nrxe0"))
        #expect(!fnmatch("rdma_device:*Nrxe*", "rdma_device:Nsiw0"))
        #expect(fnmatch("pci:v00008086d000024F0sv*", "pci:v00008086d000024F0sv00008086sd00002628bc0Csc06i00"))
        // Case-sensitive: pci-sysfs prints uppercase, a lowercase modalias does not match.
        #expect(!fnmatch("pci:v00008086d000024F0sv*", "pci:v00008086d000024f0sv00008086"))
        #expect(fnmatch("a[0-9]?c", "a5xc") && !fnmatch("a[!0-9]c", "a5c"))
    }

    @Test func driverIDTakesPriority() {
        // A device whose netlink id is QIB but whose modalias is hfi1's: try_drivers tries
        // providers naming the driver id first.
        let q = ProviderQuery(ibdev: "x0", driverID: 16, modalias: "pci:v00008086d000024F0sv0", abi: 2)
        #expect(ProviderMatcher.match(q, among: ProviderCatalogue.standard).chosen?.provider.name == "ipathverbs")
    }
}

/// A system root holding the soft-RoCE fixture (captured in the VM, ABI-FACTS §11): sysfs under
/// sys/, the uverbs node's metadata in a snapshot manifest (no mknod needed), and rdma-core's
/// rxe provider under etc/ and usr/.
final class RxeSystemRoot {
    let tree = TempTree("rxe-root")
    var path: String { tree.path }

    init() {
        tree.mkdir("sys")
        let rc = system("cp -a '\(fixturePath("rxe-sysfs"))/.' '\(tree.path)/sys/'")
        precondition(rc == 0)
        let node = SnapshotManifest.Node(path: "/dev/infiniband/uverbs0",
                                         info: DeviceNodeInfo(type: .characterDevice, major: 231, minor: 192, mode: 0o666, uid: 0, gid: 0))
        let manifest = SnapshotManifest(capturedFrom: "test", rdmactlVersion: "0", files: 0, links: 0, nodes: [node])
        tree.write(SnapshotManifest.fileName, manifest.encoded())
        tree.mkdir("dev/infiniband")
        tree.write("etc/libibverbs.d/rxe.driver", "driver rxe\n")
        tree.write("usr/lib/x86_64-linux-gnu/libibverbs/librxe-rdmav34.so", "")
    }
}
