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
        // On the string's bytes: walking its UTF8View's slices cost 6,400 instructions a device
        // (callgrind, issue 9).
        var text = modalias
        guard let ids = text.withUTF8(Self.ids) else { return nil }
        (vendor, device, subsystemVendor, subsystemDevice) = ids
    }

    private static func ids(_ b: UnsafeBufferPointer<UInt8>) -> (UInt16, UInt16, UInt16, UInt16)? {
        var i = 0
        guard let vendor = field("pci:v", b, &i), let device = field("d", b, &i),
              let subsystemVendor = field("sv", b, &i), let subsystemDevice = field("sd", b, &i),
              b.count - i >= 2, b[i] == UInt8(ascii: "b"), b[i + 1] == UInt8(ascii: "c") else { return nil }
        return (vendor, device, subsystemVendor, subsystemDevice)
    }

    /// `tag` and eight hex digits at `i` (moved past them); nil when not there or wider than 16 bits.
    private static func field(_ tag: StaticString, _ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> UInt16? {
        let n = tag.utf8CodeUnitCount
        guard b.count - i >= n + 8 else { return nil }
        for k in 0..<n where b[i + k] != tag.utf8Start[k] { return nil }
        var value: UInt32 = 0
        for k in (i + n)..<(i + n + 8) {
            guard let digit = hexValue(b[k]) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        i += n + 8
        return UInt16(exactly: value)
    }
}
