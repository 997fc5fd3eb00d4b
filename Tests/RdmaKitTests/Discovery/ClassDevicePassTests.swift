import Testing
import RdmaKit
@testable import RdmaEmulator

/// A listing's full records read their class devices in the devices' own pass
/// (ClassDevicePass, issue 9), owners settled after it; `show` still reads them in a pass of
/// its own, owners known first. The two ways are held to each other, and to DESIGN §3's
/// orphan rule where a device's class entry is broken.
@Suite("Class devices read in the devices' pass")
struct ClassDevicePassTests {
    static func kernel(linkFaults: [String: Errno] = [:]) -> FaultInjectingKernel {
        FaultInjectingKernel(EmulatedKernel(devices: .default, credentials: Credentials(uid: 0, gid: 0)), linkFaults: linkFaults)
    }

    /// Each device of a listing has the record `show` gives it: class devices, their nodes,
    /// numbers, ports and ABIs the same, read through the other pass.
    @Test(arguments: [DiscoveryDetail.negotiation, .record, .full])
    func aListingsRecordsAreShowsRecords(_ detail: DiscoveryDetail) throws {
        let listing = try Discovery(kernel: Self.kernel()).run(source: .sysfs, detail: detail)
        #expect(listing.devices.count == 2 && listing.warnings.isEmpty)
        for device in listing.devices {
            let shown = try Discovery(kernel: Self.kernel()).run(source: .sysfs, detail: detail, only: device.name.value)
            #expect(shown.devices == [device])
            #expect(!device.charDevices.isEmpty)
        }
        #expect(listing.uverbsClassABI == 6 && listing.madClassABI == 5)
    }

    /// hfi1_0's class entry cannot be read: it is no device, so the class devices naming it
    /// are orphans (ORPHAN_CHAR_DEVICE, one each, in class order, before the devices'
    /// warnings); nothing else read of them — its hfi1_user node's checks, their nodes — is
    /// said, and qib0 keeps all of its own.
    @Test func theClassDevicesOfABrokenEntryAreOrphans() throws {
        let k = Self.kernel(linkFaults: ["/sys/class/infiniband/hfi1_0": .EIO])
        let result = try Discovery(kernel: k).run(source: .sysfs, detail: .record)
        #expect(result.devices.map(\.name.value) == ["qib0"])
        let orphans = result.warnings.filter { $0.code == "ORPHAN_CHAR_DEVICE" }
        let hfi1Nodes = ["/sys/class/infiniband_verbs/uverbs0/ibdev", "/sys/class/infiniband_mad/issm0/ibdev", "/sys/class/infiniband_mad/umad0/ibdev"]
        #expect(orphans.map(\.path) == hfi1Nodes)
        #expect(result.warnings.map(\.code) == ["ORPHAN_CHAR_DEVICE", "ORPHAN_CHAR_DEVICE", "ORPHAN_CHAR_DEVICE", "BROKEN_ENTRY"])
        let qib = try Discovery(kernel: Self.kernel()).run(source: .sysfs, detail: .record).devices.first { $0.name.value == "qib0" }
        #expect(result.devices.first == qib)
    }
}
