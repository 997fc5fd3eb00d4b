import RdmaKit

/// hfi1's own sysfs and /dev (hfi1/sysfs.c, hfi1/device.c; ABI-FACTS §2.2, §2.3).
extension SysfsBuilder {
    /// hfi1/device.c `dev_init`: classes `hfi1` (devnode 0600, no devices in a modern driver)
    /// and `hfi1_user` (devnode 0666); the PCI driver directory.
    mutating func addHfi1Module() {
        tree.makeDirectory("/sys/class/hfi1")
        tree.makeDirectory("/sys/class/hfi1_user")
        tree.makeDirectory("/sys/bus/pci/drivers/hfi1")
    }

    /// hfi1/sysfs.c `hfi1_attributes`, on the ib device directory.
    mutating func addHfi1Attributes(_ dir: String, _ f: DeviceFixture) {
        tree.addFile(dir + "/hw_rev", text: f.hardwareRevision + "\n")          // hw_rev_show "%x\n"
        tree.addFile(dir + "/board_id", text: f.boardID + "\n")                 // board_id_show "%s\n"
        tree.addFile(dir + "/nctxts", text: "\(f.contexts)\n")                  // nctxts_show "%u\n"
        tree.addFile(dir + "/nfreectxts", freeContexts(of: f.name))              // nfreectxts_show
        tree.addFile(dir + "/serial", text: f.serial)                           // "%s", own newline
        tree.addFile(dir + "/boardversion", text: f.boardVersion)               // "%s", own newline
        if let tempsense = f.tempsense { tree.addFile(dir + "/tempsense", text: tempsense) }
        tree.addFile(dir + "/chip_reset", .writeOnly, mode: 0o200)              // DEVICE_ATTR_WO
    }

    /// hfi1/sysfs.c port groups PSM2 reads: `sc2vl/0..31`, `sl2sc/0..31`, `vl2mtu/0..15`
    /// ("%u\n"). Values are a plausible fabric-manager default: SL n → SC n; SC0–7 → VL0–7,
    /// SC15 → VL15, the rest VL0; VL0–7 MTU 10240, VL15 2048, the rest 0. (`CCMgtA/` with its
    /// binary tables is not modelled.)
    mutating func addHfi1PortGroups(_ port: String) {
        for sc in 0..<32 {
            tree.addFile(port + "/sc2vl/\(sc)", text: "\(sc < 8 ? sc : sc == 15 ? 15 : 0)\n")
        }
        for sl in 0..<32 { tree.addFile(port + "/sl2sc/\(sl)", text: "\(sl)\n") }
        for vl in 0..<16 {
            tree.addFile(port + "/vl2mtu/\(vl)", text: "\(vl < 8 ? 10240 : vl == 15 ? 2048 : 0)\n")
        }
    }

    /// hfi1/device.c `hfi1_cdev_init(.., user_class)`: `device_create(&user_class, NULL,
    /// MKDEV(major, unit), "hfi1_%d")` — no parent, so /sys/devices/virtual/hfi1_user/hfi1_N;
    /// `hfi1_user_devnode` gives 0666 (the profile says which mode and minor).
    mutating func addHfi1CharDevice(_ f: DeviceFixture) {
        addCharClassDevice(class: "hfi1_user", name: "hfi1_\(f.unit)", parent: nil, attributes: [],
                           major: Fixture.hfi1Major, minor: profile.hfi1NodeMinor(unit: f.unit),
                           devname: "hfi1_\(f.unit)", devmode: profile.hfi1NodeMode, driver: .hfi1(unit: f.unit))
    }

    /// `nfreectxts`, read from the device's live context count (the driver moves it on
    /// ASSIGN_CTXT and close).
    func freeContexts(of device: String) -> FileContent {
        .computed { (state: borrowing KernelState) throws(KernelError) -> [UInt8] in
            guard let found = state.devices[device] else { throw KernelError(.ENODEV) }
            return Array("\(found.freeContexts)\n".utf8)
        }
    }
}
