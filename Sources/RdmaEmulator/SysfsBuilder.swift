/// Builds the emulated /sys and /dev for a probed device set, laid out as the kernel lays them
/// out (ABI-FACTS §1, §2.3, §3.1, §7). The pieces live in SysfsCore (RDMA core classes and the
/// ib device), SysfsPCI, SysfsCharDevices (uverbs, umad/issm, rdma_cm), Hfi1Sysfs and QibSysfs.
/// Every link target exists and every directory can be listed, so a walk through the `Kernel`
/// verbs (snapshot) sees a consistent tree.
struct SysfsBuilder {
    var tree = Tree()
    /// Every character-device node created, with the driver its cdev belongs to.
    private(set) var driverKeys: [DriverKey] = []
    /// Every class device created, in creation order: what a uevent names (Hotplug/).
    private(set) var classDevices: [ClassDeviceRecord] = []
    /// What each probed device added, by ib device name: unplug takes it away again.
    private(set) var footprints: [String: DeviceFootprint] = [:]
    let profile: Profile

    init(profile: Profile) { self.profile = profile }

    static func build(_ devices: [ProbedDevice], profile: Profile) -> SysfsBuilder {
        var builder = SysfsBuilder(profile: profile)
        builder.addCore()
        var loaded: [DeviceSet.Driver] = []
        for device in devices where !loaded.contains(device.fixture.driver) {
            loaded.append(device.fixture.driver)
            builder.addDriverModule(device.fixture.driver)
        }
        for device in devices { builder.addRecordingFootprint(device) }
        UserSpaceInstall.add(to: &builder.tree)
        return builder
    }

    /// `addDevice`, noting which paths, cdevs and class devices it created, so hot-unplug
    /// removes exactly them and replug re-creates them. The builder only ever adds, so the paths
    /// are the ones the tree records as inserted — not a diff of every path before and after,
    /// which made a set of n devices cost n passes over the whole tree.
    mutating func addRecordingFootprint(_ device: ProbedDevice) {
        let (keys, classes) = (driverKeys.count, classDevices.count)
        tree.insertions = []
        addDevice(device)
        let paths = Set(tree.insertions ?? [])
        tree.insertions = nil
        footprints[device.name] = DeviceFootprint(
            probe: device, paths: paths,
            driverKeys: Array(driverKeys[keys...]), classDevices: Array(classDevices[classes...]))
    }

    /// Module-level directories a loaded driver creates once.
    mutating func addDriverModule(_ driver: DeviceSet.Driver) {
        switch driver {
        case .hfi1: addHfi1Module()
        case .qib: addQibModule()
        }
    }

    mutating func addDevice(_ device: ProbedDevice) {
        let fixture = device.fixture
        addPCIFunction(fixture)
        let dir = addIBDevice(device)
        switch fixture.driver {
        case .hfi1:
            addHfi1Attributes(dir, fixture)
            addHfi1CharDevice(fixture)
        case .qib:
            addQibAttributes(dir, fixture)
            addIpathCharDevices(fixture)
        }
        addUverbs(device)
        addMad(device)
    }

    // MARK: shared pieces

    /// A class device as drivers/base/core.c `device_add` creates it: its directory below the
    /// parent (`<parent>/<class>/<name>`, or `devices/virtual/<class>/<name>` without one), the
    /// attributes, `uevent` (0644), `subsystem` → the class, `device` → the parent when there is
    /// one, `power/`, and the class entry `/sys/class/<class>/<name>` → the directory.
    @discardableResult
    mutating func addClassDevice(class className: String, name: String, parent: String?,
                                 attributes: [(String, FileContent)], uevent: String) -> String {
        let dir = (parent ?? "/sys/devices/virtual") + "/\(className)/\(name)"
        tree.makeDirectory(dir)
        for (attribute, content) in attributes { tree.addFile(dir + "/" + attribute, content) }
        tree.addFile(dir + "/uevent", text: uevent, mode: 0o644)
        tree.addLink(dir + "/subsystem", to: "/sys/class/\(className)")
        if let parent { tree.addLink(dir + "/device", to: parent) }
        addPowerDirectory(dir, runtimeActive: false)
        tree.addLink("/sys/class/\(className)/\(name)", to: dir)
        classDevices.append(ClassDeviceRecord(subsystem: className, directory: dir, uevent: uevent))
        return dir
    }

    /// drivers/base/power/sysfs.c: the runtime-PM group every device has. A class device without
    /// runtime PM reads "auto"/"unsupported"; a bound PCI function "on"/"active".
    mutating func addPowerDirectory(_ dir: String, runtimeActive: Bool) {
        let power = dir + "/power"
        tree.addFile(power + "/async", text: "disabled\n", mode: 0o644)
        tree.addFile(power + "/control", text: runtimeActive ? "on\n" : "auto\n", mode: 0o644)
        tree.addFile(power + "/runtime_active_kids", text: "0\n")
        tree.addFile(power + "/runtime_active_time", text: "0\n")
        tree.addFile(power + "/runtime_enabled", text: runtimeActive ? "forbidden\n" : "disabled\n")
        tree.addFile(power + "/runtime_status", text: runtimeActive ? "active\n" : "unsupported\n")
        tree.addFile(power + "/runtime_suspended_time", text: "0\n")
        tree.addFile(power + "/runtime_usage", text: "0\n")
    }

    /// A node under /dev, owned by root, bound to `driver`.
    mutating func addNode(_ path: String, major: UInt32, minor: UInt32, mode: UInt32, driver: DriverKey) {
        tree.addCharacterDevice(path, major: major, minor: minor, mode: mode, driver: driver)
        driverKeys.append(driver)
    }

    /// A class device with a /dev node: `dev`, the uevent with MAJOR/MINOR/DEVNAME[/DEVMODE],
    /// and the node itself (devtmpfs: the devnode mode, or 0600 without one).
    mutating func addCharClassDevice(class className: String, name: String, parent: String?,
                                     attributes: [(String, FileContent)], major: UInt32, minor: UInt32,
                                     devname: String, devmode: UInt32?, driver: DriverKey) {
        addClassDevice(class: className, name: name, parent: parent,
                       attributes: attributes + [("dev", .text(SysfsFormat.devNumber(major: major, minor: minor)))],
                       uevent: SysfsFormat.charDeviceUevent(major: major, minor: minor, devname: devname,
                                                            devmode: devmode))
        addNode("/dev/" + devname, major: major, minor: minor, mode: devmode ?? 0o600, driver: driver)
    }
}
