/// qib's own sysfs and /dev (qib/qib_sysfs.c, qib_file_ops.c, qib_diag.c; ABI-FACTS §3.1, §3.4).
extension SysfsBuilder {
    /// qib_file_ops.c `qib_dev_init`: `class_create("ipath")` (no devnode callback, so its
    /// nodes get devtmpfs's 0600); the PCI driver directory `ib_qib`.
    mutating func addQibModule() {
        tree.makeDirectory("/sys/class/ipath")
        tree.makeDirectory("/sys/bus/pci/drivers/ib_qib")
    }

    /// qib_sysfs.c `qib_attributes` (the ones rdmactl and qib PSM read), on the ib device
    /// directory. `hca_type` and `board_id` both show the board name.
    mutating func addQibAttributes(_ dir: String, _ f: DeviceFixture) {
        tree.addFile(dir + "/hw_rev", text: f.hardwareRevision + "\n")          // hw_rev_show "%x\n"
        tree.addFile(dir + "/hca_type", text: f.boardID + "\n")                 // hca_type_show "%s\n"
        tree.addFile(dir + "/board_id", text: f.boardID + "\n")                 // same show()
        if let version = f.driverVersion { tree.addFile(dir + "/version", text: version) }
        tree.addFile(dir + "/nctxts", text: "\(f.contexts)\n")
        tree.addFile(dir + "/nfreectxts", freeContexts(of: f.name))
        tree.addFile(dir + "/serial", text: f.serial)                           // 16 bytes + "\n"
        tree.addFile(dir + "/boardversion", text: f.boardVersion)
        tree.addFile(dir + "/chip_reset", .writeOnly, mode: 0o200)
    }

    /// qib_file_ops.c `qib_user_add`: the first unit also creates the wildcard `ipath`
    /// (minor 0); each unit `ipath<unit>` (minor unit+1). qib_diag.c `qib_diag_add`: the first
    /// unit creates `ipath_diagpkt` (minor 128), each unit `ipath_diag<unit>` (129+unit). All
    /// without a parent: /sys/devices/virtual/ipath/…, mode 0600.
    mutating func addIpathCharDevices(_ f: DeviceFixture) {
        if f.unit == 0 {
            addIpath(name: "ipath", minor: Fixture.ipathWildcardMinor, driver: .ipath(unit: nil))
        }
        addIpath(name: "ipath\(f.unit)", minor: UInt32(f.unit) + 1, driver: .ipath(unit: f.unit))
        if f.unit == 0 {
            addIpath(name: "ipath_diagpkt", minor: Fixture.ipathDiagPktMinor, driver: .ipathDiagPacket)
        }
        addIpath(name: "ipath_diag\(f.unit)", minor: Fixture.ipathDiagBaseMinor + UInt32(f.unit),
                 driver: .ipathDiag(unit: f.unit))
    }

    private mutating func addIpath(name: String, minor: UInt32, driver: DriverKey) {
        addCharClassDevice(class: "ipath", name: name, parent: nil, attributes: [],
                           major: Fixture.qibMajor, minor: minor, devname: name, devmode: nil, driver: driver)
    }
}
