/// The RDMA core's character devices: uverbs (core/uverbs_main.c), umad and issm
/// (core/user_mad.c), rdma_cm (core/ucma.c). Their class devices hang off the ib device's
/// parent, so they live under the PCI function: `<pci>/infiniband_verbs/uverbsN`,
/// `<pci>/infiniband_mad/umadN` (ABI-FACTS §1.3, §1.4).
extension SysfsBuilder {
    /// uverbsN: `ibdev`, `abi_version` (rdmavt's 2), `dev` 231:192+N; devnode
    /// `uverbs_devnode` → infiniband/uverbsN, mode 0666.
    mutating func addUverbs(_ device: ProbedDevice) {
        let name = "uverbs\(device.uverbsIndex)"
        addCharClassDevice(
            class: "infiniband_verbs", name: name, parent: device.fixture.pci.sysfsPath,
            attributes: [("ibdev", .text(device.name + "\n")),
                         ("abi_version", .text("\(Fixture.rdmavtUverbsABI)\n"))],
            major: Fixture.uverbsMajor, minor: Fixture.uverbsBaseMinor + UInt32(device.uverbsIndex),
            devname: "infiniband/" + name, devmode: 0o666, driver: .uverbs(device: device.name))
    }

    /// umadN and issmN for every port: `ibdev`, `port`, `dev` 231:N and 231:64+N; devnode
    /// `umad_devnode` sets no mode → devtmpfs's 0600 root:root.
    mutating func addMad(_ device: ProbedDevice) {
        for port in device.fixture.ports {
            guard let index = device.madIndex[port.number] else { continue }
            let attributes: [(String, FileContent)] = [("ibdev", .text(device.name + "\n")),
                                                       ("port", .text("\(port.number)\n"))]
            addCharClassDevice(
                class: "infiniband_mad", name: "umad\(index)", parent: device.fixture.pci.sysfsPath,
                attributes: attributes, major: Fixture.umadMajor, minor: Fixture.umadBaseMinor + UInt32(index),
                devname: "infiniband/umad\(index)", devmode: nil, driver: .umad(device: device.name, port: port.number))
            addCharClassDevice(
                class: "infiniband_mad", name: "issm\(index)", parent: device.fixture.pci.sysfsPath,
                attributes: attributes, major: Fixture.umadMajor, minor: Fixture.issmBaseMinor + UInt32(index),
                devname: "infiniband/issm\(index)", devmode: nil, driver: .issm(device: device.name, port: port.number))
        }
    }

    /// rdma_cm: a misc device (major 10) with mode 0666 and the class attribute-like
    /// `abi_version` 4, at /sys/devices/virtual/misc/rdma_cm (as captured in the VM).
    mutating func addRdmaCM() {
        addCharClassDevice(
            class: "misc", name: "rdma_cm", parent: nil,
            attributes: [("abi_version", .text("\(Fixture.rdmaCMABI)\n"))],
            major: Fixture.miscMajor, minor: Fixture.rdmaCMMinor,
            devname: "infiniband/rdma_cm", devmode: 0o666, driver: .rdmaCM)
    }
}
