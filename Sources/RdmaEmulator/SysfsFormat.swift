// The kernel's printf formats for the attributes the emulator shows, without Foundation.

// `hex(_:width:)` (`%0<width>x`) is RdmaKit's, shared with the client's output.

import RdmaKit
enum SysfsFormat {
    /// core/sysfs.c `show_node_guid`: `"%04x:%04x:%04x:%04x\n"` of the big-endian GUID.
    static func guid(_ value: UInt64) -> String {
        groups(value).joined(separator: ":") + "\n"
    }

    /// core/sysfs.c `show_port_gid`: `"%pI6\n"` — eight uncompressed groups of four lowercase
    /// hex digits. An IB GID is the subnet prefix fe80::/64 followed by the port GUID.
    static func gid(prefix: UInt64, guid: UInt64) -> String {
        (groups(prefix) + groups(guid)).joined(separator: ":") + "\n"
    }

    static let linkLocalPrefix: UInt64 = 0xfe80_0000_0000_0000

    private static func groups(_ value: UInt64) -> [String] {
        (0..<4).map { hex((value >> UInt64(48 - 16 * $0)) & 0xffff, width: 4) }
    }

    /// core/sysfs.c `state_show`: `"%d: %s\n"` with ib_port_state_to_str names.
    static func portState(_ state: Int) -> String {
        let names = ["NOP", "DOWN", "INIT", "ARMED", "ACTIVE", "ACTIVE_DEFER"]
        return "\(state): \(names.indices.contains(state) ? names[state] : "UNKNOWN")\n"
    }

    /// core/sysfs.c `phys_state_show`: `"%d: %s\n"` with ib_port_phys_state_str names.
    static func physicalState(_ state: Int) -> String {
        let names = ["<unknown>", "Sleep", "Polling", "Disabled", "PortConfigurationTraining", "LinkUp",
                     "LinkErrorRecovery", "Phy Test"]
        return "\(state): \(names.indices.contains(state) ? names[state] : "<unknown>")\n"
    }

    /// core/sysfs.c `lid_show` / `sm_lid_show`: `"0x%x\n"`.
    static func lid(_ lid: UInt32) -> String { "0x" + String(lid, radix: 16) + "\n" }

    /// core/sysfs.c `cap_mask_show`: `"0x%08x\n"`.
    static func capabilityMask(_ mask: UInt32) -> String { "0x" + hex(UInt64(mask), width: 8) + "\n" }

    /// core/sysfs.c `show_port_pkey`: `"0x%04x\n"`.
    static func pkey(_ pkey: UInt16) -> String { "0x" + hex(UInt64(pkey), width: 4) + "\n" }

    /// pci-sysfs.c: `vendor`, `device`, `subsystem_*` are `"0x%04x\n"`, `class` `"0x%06x\n"`,
    /// `revision` `"0x%02x\n"`.
    static func pciID(_ id: UInt16) -> String { "0x" + hex(UInt64(id), width: 4) + "\n" }
    static func pciClass(_ code: UInt32) -> String { "0x" + hex(UInt64(code), width: 6) + "\n" }
    static func pciRevision(_ revision: UInt8) -> String { "0x" + hex(UInt64(revision), width: 2) + "\n" }

    /// pci-sysfs.c `modalias_show`: `"pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n"` (uppercase).
    static func pciModalias(_ pci: PCIFixture) -> String {
        "pci:v" + hex(UInt64(pci.vendor), width: 8, uppercase: true)
            + "d" + hex(UInt64(pci.device), width: 8, uppercase: true)
            + "sv" + hex(UInt64(pci.subsystemVendor), width: 8, uppercase: true)
            + "sd" + hex(UInt64(pci.subsystemDevice), width: 8, uppercase: true)
            + "bc" + hex(UInt64(pci.classCode >> 16) & 0xff, width: 2, uppercase: true)
            + "sc" + hex(UInt64(pci.classCode >> 8) & 0xff, width: 2, uppercase: true)
            + "i" + hex(UInt64(pci.classCode) & 0xff, width: 2, uppercase: true) + "\n"
    }

    /// drivers/base/core.c `dev_uevent` adds DRIVER for a bound device, then pci-driver.c
    /// `pci_uevent`: PCI_CLASS `"%04X"` of the 24-bit class, PCI_ID and PCI_SUBSYS_ID
    /// `"%04X:%04X"`, PCI_SLOT_NAME, MODALIAS.
    static func pciUevent(_ pci: PCIFixture, driver: String) -> String {
        "DRIVER=\(driver)\n"
            + "PCI_CLASS=" + hex(UInt64(pci.classCode), width: 4, uppercase: true) + "\n"
            + "PCI_ID=" + hex(UInt64(pci.vendor), width: 4, uppercase: true) + ":"
            + hex(UInt64(pci.device), width: 4, uppercase: true) + "\n"
            + "PCI_SUBSYS_ID=" + hex(UInt64(pci.subsystemVendor), width: 4, uppercase: true) + ":"
            + hex(UInt64(pci.subsystemDevice), width: 4, uppercase: true) + "\n"
            + "PCI_SLOT_NAME=\(pci.address)\n"
            + "MODALIAS=" + pciModalias(pci)
    }

    /// drivers/base/core.c `dev_uevent` for a class device with a node: MAJOR, MINOR, DEVNAME,
    /// and DEVMODE only when the class's devnode callback sets a mode (uverbs, hfi1_user,
    /// misc rdma_cm: 0666; umad/issm and ipath have none). Order as captured in the VM.
    static func charDeviceUevent(major: UInt32, minor: UInt32, devname: String, devmode: UInt32?) -> String {
        var text = "MAJOR=\(major)\nMINOR=\(minor)\nDEVNAME=\(devname)\n"
        if let devmode { text += "DEVMODE=0" + String(devmode, radix: 8) + "\n" }
        return text
    }

    /// `dev`: `"%u:%u\n"` (drivers/base/core.c `dev_show` via print_dev_t).
    static func devNumber(major: UInt32, minor: UInt32) -> String { "\(major):\(minor)\n" }
}
