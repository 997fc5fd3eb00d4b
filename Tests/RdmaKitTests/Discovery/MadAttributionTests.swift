import RdmaEmulator
@testable import RdmaKit
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

    @Test func negotiationLevelsStillReadThePort() throws {
        let k = FaultInjectingKernel(EmulatedKernel(devices: .default, credentials: Self.root))
        let result = try Discovery(kernel: k).run(source: .sysfs, detail: .negotiation)
        #expect(k.recorded.contains { $0.hasPrefix("read /sys/class/infiniband_mad/") && $0.hasSuffix("/port") })
        #expect(result.devices.allSatisfy { d in d.charDevices.filter { $0.kind == .umad }.allSatisfy { $0.port != nil && !$0.portNotRead } })
    }

    @Test func parentsAreUniqueRealDevices() {
        let paths = ["a": "/sys/devices/pci0000:00/0000:00:01.0/infiniband/a",
                     "b": "/sys/devices/pci0000:00/0000:00:02.0/infiniband/b",
                     "c": "/sys/devices/pci0000:00/0000:00:02.0/infiniband/c",
                     "rxe0": "/sys/devices/virtual/infiniband/rxe0",
                     "plain": "/sys/class/infiniband/plain"]
        let parents = CharDeviceIndex.uniqueParents(paths, wanted: Set(paths.keys))
        // b and c share a parent: neither is attributed that way; virtual and plain never are.
        #expect(parents == ["/sys/devices/pci0000:00/0000:00:01.0": "a"])
        #expect(CharDeviceIndex.parent(of: "/sys/devices/pci0000:00/0000:00:01.0/infiniband_mad/umad0", under: "infiniband_mad")
                == "/sys/devices/pci0000:00/0000:00:01.0")
        #expect(CharDeviceIndex.parent(of: "/sys/devices/virtual/infiniband_mad/umad0", under: "infiniband_mad") == nil)
        #expect(CharDeviceIndex.parent(of: "/sys/devices/pci0000:00/0000:00:01.0/umad0", under: "infiniband_mad") == nil)
    }
}
