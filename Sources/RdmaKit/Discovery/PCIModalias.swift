/// The four PCI ids a PCI function's `modalias` carries. The kernel prints it from the same
/// `struct pci_dev` fields as the `vendor`, `device`, `subsystem_vendor` and `subsystem_device`
/// attributes (drivers/pci/pci-sysfs.c: `modalias_show`,
/// "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X" of vendor, device, subsystem_vendor,
/// subsystem_device and the class bytes; `pci_config_attr(vendor, "0x%04x\n")` and its
/// siblings), so one read gives what four would (twelve syscalls a device, issue 9).
struct PCIModaliasIDs: Equatable {
    var vendor: UInt16
    var device: UInt16
    var subsystemVendor: UInt16
    var subsystemDevice: UInt16

    /// nil for anything but that exact shape — another bus (`vmbus:…`, `platform:…`), a
    /// truncated or hand-edited file, a field wider than 16 bits: the caller then reads the
    /// four attributes themselves.
    init?(modalias: String) {
        var utf8 = modalias.utf8[...]
        func field(_ tag: StaticString) -> UInt16? {
            let t = UnsafeBufferPointer(start: tag.utf8Start, count: tag.utf8CodeUnitCount)
            guard utf8.starts(with: t) else { return nil }
            utf8 = utf8.dropFirst(t.count)
            guard utf8.count >= 8 else { return nil }
            var value: UInt32 = 0
            for b in utf8.prefix(8) {
                guard let digit = hexValue(b) else { return nil }
                value = value << 4 | UInt32(digit)
            }
            utf8 = utf8.dropFirst(8)
            return UInt16(exactly: value)
        }
        guard let vendor = field("pci:v"), let device = field("d"),
              let subsystemVendor = field("sv"), let subsystemDevice = field("sd"),
              utf8.starts(with: "bc".utf8) else { return nil }
        self.vendor = vendor; self.device = device
        self.subsystemVendor = subsystemVendor; self.subsystemDevice = subsystemDevice
    }
}
