/// The PCI function an adapter sits on (drivers/pci/pci-sysfs.c, drivers/base/bus.c), with only
/// the attributes rdmactl, libibverbs and PSM read — never config, rom, vpd or resource.
extension SysfsBuilder {
    mutating func addPCIFunction(_ f: DeviceFixture) {
        let pci = f.pci
        let dir = pci.sysfsPath
        tree.makeDirectory(dir)
        tree.addFile(dir + "/vendor", text: SysfsFormat.pciID(pci.vendor))
        tree.addFile(dir + "/device", text: SysfsFormat.pciID(pci.device))
        tree.addFile(dir + "/subsystem_vendor", text: SysfsFormat.pciID(pci.subsystemVendor))
        tree.addFile(dir + "/subsystem_device", text: SysfsFormat.pciID(pci.subsystemDevice))
        tree.addFile(dir + "/class", text: SysfsFormat.pciClass(pci.classCode))
        tree.addFile(dir + "/revision", text: SysfsFormat.pciRevision(pci.revision))
        tree.addFile(dir + "/modalias", text: SysfsFormat.pciModalias(pci))
        tree.addFile(dir + "/numa_node", text: "\(pci.numaNode)\n", mode: 0o644)   // numa_node_show "%d\n"
        tree.addFile(dir + "/local_cpulist", text: pci.localCPUList + "\n")       // "%*pbl\n"
        tree.addFile(dir + "/enable", text: "1\n", mode: 0o600)
        tree.addFile(dir + "/uevent", text: SysfsFormat.pciUevent(pci, driver: f.driverName), mode: 0o644)
        addPowerDirectory(dir, runtimeActive: true)
        // drivers/base/bus.c: `subsystem` → the bus, `driver` → the bound driver, and the bus's
        // devices/ and drivers/<name>/ links back.
        tree.addLink(dir + "/subsystem", to: "/sys/bus/pci")
        tree.addLink(dir + "/driver", to: "/sys/bus/pci/drivers/\(f.driverName)")
        tree.addLink("/sys/bus/pci/devices/\(pci.address)", to: dir)
        tree.addLink("/sys/bus/pci/drivers/\(f.driverName)/\(pci.address)", to: dir)
    }
}
