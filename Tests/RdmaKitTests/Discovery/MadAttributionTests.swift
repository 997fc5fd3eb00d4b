import Glibc
import RdmaEmulator
@testable import RdmaKit
import RdmaLinux
import Testing

/// `list` attributes umad/issm nodes to their device by the class link's target: ib_umad_init_port
/// (drivers/infiniband/core/user_mad.c) gives the umad and issm devices `device->dev.parent`, the
/// same parent the ib device's own directory sits in. Other levels read `ibdev` and `port`.
@Suite("umad/issm attribution by parent directory")
struct MadAttributionTests {
    static let root = Credentials(uid: 0, gid: 0)

    @Test func listReadsNoMadAttributeUnderAPCIParent() throws {
        let k = FaultInjectingKernel(EmulatedKernel(devices: try DeviceSet.parse("hfi1:2,qib:2"), credentials: Self.root))
        let result = try Discovery(kernel: k).run(source: .sysfs, detail: .summary)
        #expect(result.warnings.isEmpty)
        let madReads = k.recorded.filter { $0.hasPrefix("read /sys/class/infiniband_mad/") }
        #expect(madReads.isEmpty, "\(madReads)")
        // Each device is known to be alone under its parent by a count, not a listing.
        #expect(k.recorded.filter { $0.hasPrefix("list /sys/devices/") && $0.hasSuffix("/infiniband") }.isEmpty)
        #expect(k.recorded.filter { $0.hasPrefix("directories beside ") }.count == result.devices.count)
        for device in result.devices { #expect(try k.base.directoriesBeside(device.sysfsPath) == 1) }
        // One readlink per class entry instead.
        let madLinks = k.recorded.filter { $0.hasPrefix("readlink /sys/class/infiniband_mad/") }
        let madEntries = try k.base.listDirectory("/sys/class/infiniband_mad").filter { $0 != "abi_version" }
        #expect(madLinks.count == madEntries.count)
        // Each device still gets exactly its own nodes: as many as the full read finds.
        let full = try Discovery(kernel: k.base).run(source: .sysfs, detail: .full).devices
        for (listed, device) in zip(result.devices, full) {
            let kinds: Set<CharDevice.Kind> = [.umad, .issm]
            #expect(listed.charDevices.filter { kinds.contains($0.kind) }.map(\.name).sorted()
                    == device.charDevices.filter { kinds.contains($0.kind) }.map(\.name).sorted(), "\(listed.name.value)")
        }
    }

    /// ports/ of a device that is not a switch holds one directory per port, 1 to
    /// phys_port_cnt (core/sysfs.c ib_setup_port_attrs): its count names them, so it is not
    /// listed; the ports are those a listing finds.
    @Test func portsAreCountedNotListed() throws {
        let base = EmulatedKernel(devices: try DeviceSet.parse("hfi1:2,qib:2"), credentials: Self.root)
        for detail in [DiscoveryDetail.summary, .record] {
            let counted = FaultInjectingKernel(base)
            let listed = FaultInjectingKernel(base, countsDirectories: false)
            let a = try Discovery(kernel: counted).run(source: .sysfs, detail: detail)
            let b = try Discovery(kernel: listed).run(source: .sysfs, detail: detail)
            #expect(a.devices == b.devices && a.warnings.isEmpty && b.warnings.isEmpty)
            #expect(!counted.recorded.contains { $0.hasPrefix("list ") && $0.hasSuffix("/ports") })
            #expect(listed.recorded.filter { $0.hasPrefix("list ") && $0.hasSuffix("/ports") }.count == a.devices.count)
            // The emulated set: hfi1 with one port, qib with two (one DOWN, ABI-FACTS §11).
            #expect(a.devices.map { $0.ports.map(\.number) } == [[1], [1], [1, 2], [1, 2]])
        }
    }

    /// A hand-made tree whose ports/ holds one directory that is not "1": the count names port 1,
    /// which is not there, so ports/ is listed after all and port 2 read, with no warning left.
    @Test func aCountThatDoesNotMatchTheNamesFallsBackToTheListing() throws {
        let dir = "/tmp/rdmactl-portcount-\(getpid())"
        defer { try? HostFiles.removeTree(dir) }
        #expect(rdmactl(["--emulated-set", "hfi1", "snapshot", dir]).status == 0)
        let ports = dir + "/sys/devices/pci0000:80/0000:80:03.0/0000:81:00.0/infiniband/hfi1_0/ports"
        try HostFiles.rename(ports + "/1", to: ports + "/2")
        let k = FaultInjectingKernel(try LinuxKernel.rooted(at: dir))
        let result = try Discovery(kernel: k).run(source: .sysfs, detail: .summary)
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        #expect(result.devices.first?.ports.map(\.number) == [2])
        #expect(result.devices.first?.ports.first?.state != nil)
        #expect(k.recorded.contains { $0.hasPrefix("list ") && $0.hasSuffix("/ports") })
    }

    @Test func negotiationLevelsStillReadThePort() throws {
        let k = FaultInjectingKernel(EmulatedKernel(devices: .default, credentials: Self.root))
        let result = try Discovery(kernel: k).run(source: .sysfs, detail: .negotiation)
        #expect(k.recorded.contains { $0.hasPrefix("read /sys/class/infiniband_mad/") && $0.hasSuffix("/port") })
        #expect(result.devices.allSatisfy { d in d.charDevices.filter { $0.kind == .umad }.allSatisfy { $0.port != nil && !$0.portNotRead } })
    }

    /// A second ib device under the same parent that this listing does not show (a tree where
    /// hidden0 has a directory but no class entry): the parent is not unique by the kernel's own
    /// layout, so its umad nodes are read the long way and the stranger is an orphan.
    @Test func aParentWithAnUnlistedDeviceIsReadTheLongWay() throws {
        let dir = "/tmp/rdmactl-madattr-\(getpid())"
        defer { try? HostFiles.removeTree(dir) }
        #expect(rdmactl(["--emulated-set", "hfi1", "snapshot", dir]).status == 0)
        let parent = dir + "/sys/devices/pci0000:80/0000:80:03.0/0000:81:00.0"
        try HostFiles.makeDirectory(parent + "/infiniband/hidden0", intermediate: false)
        try HostFiles.makeDirectory(parent + "/infiniband_mad/umad9", intermediate: false)
        try HostFiles.writeFile(parent + "/infiniband_mad/umad9/ibdev", Array("hidden0\n".utf8))
        try HostFiles.writeFile(parent + "/infiniband_mad/umad9/port", Array("1\n".utf8))
        try HostFiles.symlink(dir + "/sys/class/infiniband_mad/umad9",
                              target: "../../devices/pci0000:80/0000:80:03.0/0000:81:00.0/infiniband_mad/umad9")
        // By the parent's link count, and — on a file system that keeps none — by its listing.
        for counts in [true, false] {
            let k = FaultInjectingKernel(try LinuxKernel.rooted(at: dir), countsDirectories: counts)
            let result = try Discovery(kernel: k).run(source: .sysfs, detail: .summary)
            #expect(result.warnings.map(\.code) == ["ORPHAN_CHAR_DEVICE"])
            let hfi = try #require(result.devices.first)
            #expect(hfi.charDevices.filter { $0.kind == .umad }.map(\.name) == ["umad0"])
            #expect(hfi.charDevices.allSatisfy { !$0.portNotRead })
            #expect(k.recorded.contains("list " + parent.dropFirst(dir.count) + "/infiniband") == !counts)
        }
    }

    @Test func parentsAreUniqueRealDevices() {
        let paths = ["a": "/sys/devices/pci0000:00/0000:00:01.0/infiniband/a",
                     "b": "/sys/devices/pci0000:00/0000:00:02.0/infiniband/b",
                     "c": "/sys/devices/pci0000:00/0000:00:02.0/infiniband/c",
                     "rxe0": "/sys/devices/virtual/infiniband/rxe0",
                     "plain": "/sys/class/infiniband/plain"]
        let claims = paths.compactMap { name, path in CharDeviceIndex.parent(of: path, under: "infiniband").map { ($0, name) } }
        let parents = CharDeviceIndex.uniqueParents(claims)
        // b and c claim one parent (two names for one directory would): neither is attributed
        // that way; virtual and plain devices have no parent of their own to claim.
        #expect(parents == ["/sys/devices/pci0000:00/0000:00:01.0": "a"])
        #expect(claims.count == 3)
        #expect(CharDeviceIndex.parent(of: "/sys/devices/pci0000:00/0000:00:01.0/infiniband_mad/umad0", under: "infiniband_mad")
                == "/sys/devices/pci0000:00/0000:00:01.0")
        #expect(CharDeviceIndex.parent(of: "/sys/devices/virtual/infiniband_mad/umad0", under: "infiniband_mad") == nil)
        #expect(CharDeviceIndex.parent(of: "/sys/devices/pci0000:00/0000:00:01.0/umad0", under: "infiniband_mad") == nil)
        // Repeated and trailing separators name the same directories (path_resolution(7)).
        #expect(CharDeviceIndex.parent(of: "/sys/devices/pci0000:00/0000:00:01.0//infiniband_mad//umad0/", under: "infiniband_mad")
                == "/sys/devices/pci0000:00/0000:00:01.0")
        // /sys/devices itself is no device; a group name must match whole.
        #expect(CharDeviceIndex.parent(of: "/sys/devices/infiniband_mad/umad0", under: "infiniband_mad") == nil)
        #expect(CharDeviceIndex.parent(of: "/sys/devices/p/xinfiniband_mad/umad0", under: "infiniband_mad") == nil)
        #expect(CharDeviceIndex.parent(of: "umad0", under: "infiniband_mad") == nil)
    }
}
