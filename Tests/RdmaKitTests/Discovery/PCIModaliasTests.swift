import RdmaEmulator
@testable import RdmaKit
import Testing

/// A PCI function's four ids come from its `modalias` when it has the shape pci-sysfs.c prints
/// ("pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X" of the same `struct pci_dev` fields as the
/// `vendor`, `device`, `subsystem_*` attributes; ABI-FACTS §1), and from those four attributes
/// otherwise. Expected ids: hfi1 8086:24f0 (`PCI_DEVICE_ID_INTEL0`, hfi1_pci_tbl, ABI-FACTS §3),
/// qib 1077:7322 (ABI-FACTS §4).
@Suite("PCI ids from modalias")
struct PCIModaliasTests {
    static let root = Credentials(uid: 0, gid: 0)

    @Test func theKernelsShape() {
        let ids = PCIModaliasIDs(modalias: "pci:v00008086d000024F0sv00008086sd00002628bc02sc08i00")
        #expect(ids?.vendor == 0x8086 && ids?.device == 0x24f0)
        #expect(ids?.subsystemVendor == 0x8086 && ids?.subsystemDevice == 0x2628)
        // Lowercase hex (no kernel prints it for the ids, a hand-made tree may) reads the same.
        #expect(PCIModaliasIDs(modalias: "pci:v00001077d00007322sv00001077sd00007322bc0csc06i00")?.device == 0x7322)
    }

    @Test(arguments: [
        "",                                                         // empty file
        "vmbus:3daf2e8ca732094bab99bd1f1c86b501",                   // another bus (mana, hv)
        "pci:v00008086d000024F0sv00008086sd00002628",               // truncated before the class
        "pci:v00008086d000024F0sv00008086sd000026",                 // truncated in a field
        "pci:v00018086d000024F0sv00008086sd00002628bc02sc08i00",    // a field wider than 16 bits
        "pci:v0000808Gd000024F0sv00008086sd00002628bc02sc08i00",    // not hex
        "pci:v*d*sv*sd*bc*sc*i*",                                   // a module alias pattern, not a device
        "pci:v00008086d000024F0sv00008086sd00002628bX02sc08i00",    // no class after the ids
        "pci:v00008086d000024F0sv00008086sd00002628b",              // truncated in the class tag
        "pci:v00008086d000024F0sv00008086sd0000262８bc02sc08i00",   // a fullwidth digit (not ASCII hex)
        "pci:V00008086d000024F0sv00008086sd00002628bc02sc08i00",    // the tag's case
    ])
    func anythingElseIsNotTaken(_ text: String) {
        #expect(PCIModaliasIDs(modalias: text) == nil)
    }

    /// The record level reads `modalias` and no id attribute; the ids are the emulated functions'.
    @Test func theRecordReadsModaliasAndNoIdAttribute() throws {
        let k = FaultInjectingKernel(EmulatedKernel(devices: try DeviceSet.parse("hfi1:1,qib:1"), credentials: Self.root))
        let result = try Discovery(kernel: k).run(source: .sysfs, detail: .record)
        #expect(result.warnings.isEmpty)
        let idReads = k.recorded.filter { r in
            r.hasPrefix("read /sys/devices/") && ["/vendor", "/device", "/subsystem_vendor", "/subsystem_device"].contains { r.hasSuffix($0) }
        }
        #expect(idReads.isEmpty, "\(idReads)")
        #expect(k.recorded.filter { $0.hasPrefix("read /sys/devices/") && $0.hasSuffix("/modalias") }.count == 2)
        let pci = result.devices.map { $0.pci }
        #expect(pci.map { $0?.vendorDevice } == ["8086:24f0", "1077:7322"])
        #expect(pci.map { $0?.subsystemVendor } == [0x8086, 0x1077])
        #expect(pci.map { $0?.subsystemDevice } == [0x2628, 0x7322])
    }

    /// No `modalias`, or one of another shape: the four attributes are read, with the same ids.
    @Test(arguments: [Errno.ENOENT, .EACCES])
    func withoutAUsableModaliasTheAttributesAreRead(_ errno: Errno) throws {
        let base = EmulatedKernel(devices: try DeviceSet.parse("hfi1:1,qib:1"), credentials: Self.root)
        let probe = FaultInjectingKernel(base)
        _ = try Discovery(kernel: probe).run(source: .sysfs, detail: .record)
        let paths = probe.recorded.filter { $0.hasPrefix("read ") && $0.hasSuffix("/modalias") }.map { String($0.dropFirst(5)) }
        #expect(paths.count == 2)
        let k = FaultInjectingKernel(base, readFaults: Dictionary(uniqueKeysWithValues: paths.map { ($0, errno) }))
        let result = try Discovery(kernel: k).run(source: .sysfs, detail: .record)
        let pci = result.devices.map { $0.pci }
        #expect(pci.map { $0?.modalias } == [nil, nil])
        #expect(pci.map { $0?.vendorDevice } == ["8086:24f0", "1077:7322"])
        #expect(pci.map { $0?.subsystemDevice } == [0x2628, 0x7322])
        let idReads = k.recorded.filter { $0.hasPrefix("read /sys/devices/") && $0.hasSuffix("/subsystem_vendor") }
        #expect(idReads.count == 2)
        // ENOENT is an absent optional attribute; EACCES a warning naming the file.
        #expect(result.warnings.map(\.code) == (errno == .ENOENT ? [] : ["UNREADABLE_ATTRIBUTE", "UNREADABLE_ATTRIBUTE"]))
    }
}
