/// Causes (b)–(f) over the devices discovery found.
extension Doctor {
    func devices(_ result: DiscoveryResult, netlink: NetlinkView) -> [DoctorFinding] {
        guard !result.devices.isEmpty else {
            return [.blocker("NO_DEVICES", exit: .unavailable,
                             "no RDMA devices: \(Self.classPath) is empty" + (result.warnings.isEmpty ? "" : " or every entry is broken"),
                             hint: isTree ? "this tree holds no RDMA devices"
                                 : "load the HCA's driver (mlx5_ib, hfi1, ib_qib, …) or add a soft-RoCE device (rdma link add rxe0 type rxe netdev eth0); in exclusive netns mode, move the device into this namespace (rdma dev set DEV netns NS)",
                             path: Self.classPath)]
        }
        var findings: [DoctorFinding] = []
        let uverbsClassPresent = (try? kernel.listDirectory(Self.uverbsClassPath)) != nil
        if !uverbsClassPresent {
            findings.append(.blocker("NO_UVERBS", exit: .unavailable,
                                     "\(Self.uverbsClassPath) does not exist: ib_uverbs is not loaded, so no device has a verbs node (libibverbs: \"No IB devices found\")",
                                     hint: isTree ? nil : "modprobe ib_uverbs", path: Self.uverbsClassPath))
        }
        let install = VerbsInstallation.read(kernel, environment: environment)
        let userSpaceRecorded = !isTree || install.configDirectoryPresent || install.providerDirectory != nil
        if !userSpaceRecorded {
            findings.append(DoctorFinding(.info, "USERSPACE_NOT_RECORDED",
                                          "this tree records no rdma-core installation (\(UserSpacePaths.configDirectory)): provider checks skipped",
                                          hint: "add DIR/etc/libibverbs.d and DIR/usr/lib/…/libibverbs to model one"))
        }
        for line in install.badDirectives {
            findings.append(DoctorFinding(.warning, "BAD_PROVIDER_CONFIG",
                                          "\(line): not a \"driver NAME\" line; libibverbs ignores it (dynamic_driver.c read_config_file)",
                                          hint: "each line of a .driver file is \"driver NAME\""))
        }
        let cgroup = DeviceCgroup.read(kernel)
        var viaNetlink = false
        for device in result.devices {
            let name = device.name.value
            let chardev = netlink.uverbs(of: name)
            if chardev != nil { viaNetlink = true }
            guard let uverbs = device.uverbs else {
                if uverbsClassPresent {
                    findings.append(.blocker("NO_UVERBS_DEVICE", exit: .unavailable,
                                             "\(name) has no uverbs device: its driver offers no verbs (no alloc_ucontext), or it is still registering",
                                             hint: "use a driver with verbs support, or see dmesg for the driver's registration", device: name))
                }
                continue
            }
            var blocked = false
            if let problem = NodeCheck.problem(uverbs, device: name) {
                findings.append(.blocker(problem.code, exit: problem.kind == .notOpenable ? .permission : .unavailable,
                                         problem.message, hint: problem.hint, device: name, path: problem.path))
                blocked = true
            }
            if let f = cgroupFinding(cgroup, uverbs, device: name) { findings.append(f); blocked = blocked || f.severity == .blocker }
            let query = ProviderQuery(ibdev: name, driverID: chardev?.driverID, modalias: device.pci?.modalias?.value,
                                      abi: chardev.map { Int64($0.abi) } ?? device.uverbsDeviceABI.map(Int64.init))
            let provider = providerFindings(query, device: device, install: install, judge: userSpaceRecorded)
            findings += provider
            blocked = blocked || provider.contains { $0.severity == .blocker }
            if !blocked {
                findings.append(DoctorFinding(.info, "DEVICE_OK",
                                              "\(name): \(uverbs.path ?? uverbs.name)" + (uverbs.major.map { " (\($0):\(uverbs.minor ?? 0))" } ?? "")
                                              + (uverbs.canOpen == true ? ", openable by this user (predicted)" : ""),
                                              device: name, path: uverbs.path))
            }
        }
        findings += classABI(result.uverbsClassABI, checkedByLibibverbs: !viaNetlink)
        return findings
    }

    /// Cause (d), class-wide: libibverbs' `check_abi_version` refuses a class ABI outside
    /// [3, 6] for the whole list — but only when it found the devices through sysfs: a
    /// successful GET_CHARDEV sets `abi_ver = 6` and the file is never read (ibdev_nl.c).
    func classABI(_ abi: Int?, checkedByLibibverbs: Bool) -> [DoctorFinding] {
        let path = Self.uverbsClassPath + "/abi_version"
        guard let abi else { return [] }
        guard !VerbsClassABI.accepts(abi) else {
            return [DoctorFinding(.info, "CLASS_ABI", "uverbs class ABI \(abi), within libibverbs' [\(VerbsClassABI.minimum), \(VerbsClassABI.maximum)]", path: path)]
        }
        let message = "uverbs class ABI \(abi) is outside libibverbs' [\(VerbsClassABI.minimum), \(VerbsClassABI.maximum)] (kern-abi.h, init.c check_abi_version)"
        if checkedByLibibverbs {
            return [.blocker("CLASS_ABI_OUT_OF_RANGE", exit: .abiMismatch,
                             message + ": libibverbs prints \"Fatal: kernel ABI version \(abi) doesn't match library version \(VerbsClassABI.maximum)\" and lists no device",
                             hint: "run a kernel whose ib_uverbs matches this rdma-core, or an rdma-core that knows ABI \(abi)", path: path)]
        }
        return [DoctorFinding(.warning, "CLASS_ABI_OUT_OF_RANGE",
                              message + "; libibverbs (v25+) does not read it while netlink GET_CHARDEV answers, older ones refuse every device",
                              hint: "run a kernel whose ib_uverbs matches this rdma-core", path: path)]
    }

    /// Cause (f), the container half: a v1 device cgroup that does not allow the uverbs node
    /// read-write makes open() fail with EPERM whatever the mode (security/device_cgroup.c).
    func cgroupFinding(_ cgroup: DeviceCgroup, _ uverbs: CharDevice, device: String) -> DoctorFinding? {
        guard case .v1(let path, let rules?) = cgroup, let major = uverbs.major, let minor = uverbs.minor,
              !rules.contains(where: { $0.allowsCharRW(major, minor) }) else { return nil }
        return .blocker("CGROUP_DENIES_NODE", exit: .permission,
                        "\(device): the device cgroup \(path) does not allow c \(major):\(minor) rw (\(uverbs.path ?? uverbs.name)): open() fails with EPERM",
                        hint: "allow it: echo 'c \(major):\(minor) rw' > \(UserSpacePaths.devicesCgroupMount)\(path == "/" ? "" : path)/devices.allow, or start the container with --device \(uverbs.path ?? "/dev/infiniband/" + uverbs.name) (docker adds the cgroup rule)",
                        device: device, path: uverbs.path)
    }
}
