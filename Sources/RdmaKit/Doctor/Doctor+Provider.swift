/// Causes (c) and (d) per device: which rdma-core provider libibverbs would bind it to, whether
/// that provider is installed, and whether it accepts the device's uverbs ABI.
extension Doctor {
    /// `judge`: whether the installation can be judged (false for a tree that records none).
    func providerFindings(_ q: ProviderQuery, device: RdmaDevice, install: VerbsInstallation, judge: Bool) -> [DoctorFinding] {
        let name = q.ibdev
        let (chosen, refused) = ProviderMatcher.match(q, among: ProviderCatalogue.standard)
        let what = describe(device, q)
        guard let match = chosen ?? refused.first else {
            guard judge else { return [] }
            let unknown = install.configured.map(\.name).filter { ProviderCatalogue.provider(named: $0) == nil }
            if !unknown.isEmpty {
                return [DoctorFinding(.warning, "PROVIDER_UNKNOWN",
                                      "\(name) (\(what)): no provider rdmactl knows matches it; installed providers rdmactl cannot judge: \(Array(Set(unknown)).sorted().joined(separator: ", "))",
                                      hint: "check with ibv_devices (IBV_SHOW_WARNINGS=1 shows \"no userspace device-specific driver found\")",
                                      device: name)]
            }
            return [.blocker("NO_PROVIDER", exit: .unavailable,
                             "\(name) (\(what)): no rdma-core provider matches it, so libibverbs drops it (init.c try_drivers)",
                             hint: installHint(nil), device: name)]
        }
        let p = match.provider
        let abi = q.abi.map(String.init) ?? "?"
        if !match.abiAccepted {
            return [.blocker("DEVICE_ABI_OUT_OF_RANGE", exit: .abiMismatch,
                             "\(name): its uverbs ABI \(abi) is outside provider \(p.name)'s \(p.abiRange) (\(p.source)): libibverbs warns \"Driver \(p.name) does not support the kernel ABI of \(abi)\" and drops it",
                             hint: "run a kernel driver and an rdma-core of matching generations (upgrade rdma-core, or the kernel)",
                             device: name, path: device.uverbs.map { Self.uverbsClassPath + "/" + $0.name + "/abi_version" })]
        }
        guard judge else {
            return [DoctorFinding(.info, "PROVIDER", "\(name): provider \(p.name) would serve it (matched by \(match.route.description)), ABI \(abi) within \(p.abiRange)", device: name)]
        }
        guard let configured = install.configuration(for: p.name) else {
            let dir = UserSpacePaths.configDirectory
            let why = install.configDirectoryPresent
                ? "no \(dir)/*.driver says \"driver \(p.name)\" (and RDMAV_DRIVERS does not name it)"
                : "\(dir) does not exist: rdma-core's libibverbs and providers are not installed"
            return [.blocker("NO_PROVIDER", exit: .unavailable,
                             "\(name) needs rdma-core provider \(p.name) (matched by \(match.route.description)), but \(why): libibverbs drops it",
                             hint: installHint(p), device: name, path: dir + "/\(p.name).driver")]
        }
        guard let library = install.libraryPath(for: p.name) else {
            let dir = install.providerDirectory ?? UserSpacePaths.providerDirectories[0]
            let expected = "lib\(p.name)-rdmav\(install.providerABI.map(String.init) ?? "N").so"
            return [.blocker("NO_PROVIDER_LIBRARY", exit: .unavailable,
                             "\(name) needs provider \(p.name) (named by \(configured.origin)), but \(dir)/\(expected) is missing: libibverbs warns \"couldn't load driver\" and drops the device",
                             hint: installHint(p), device: name, path: dir + "/" + expected)]
        }
        var findings = [DoctorFinding(.info, "PROVIDER",
                                      "\(name): provider \(p.name) (matched by \(match.route.description)) from \(library), ABI \(abi) within \(p.abiRange)",
                                      device: name, path: library)]
        if install.libraryHasForeignABI(p.name) {
            findings = [.blocker("NO_PROVIDER_LIBRARY", exit: .unavailable,
                                 "\(name): \(library) is from another rdma-core release (the other providers are rdmav\(install.providerABI!)): libibverbs loads only its own PABI",
                                 hint: installHint(p), device: name, path: library)]
        }
        return findings
    }

    /// "driver hfi1, PCI 8086:24f0" — what the match was tried on.
    func describe(_ device: RdmaDevice, _ q: ProviderQuery) -> String {
        var parts: [String] = []
        if let driver = device.driver { parts.append("driver \(driver)") }
        if let id = q.driverID { parts.append("netlink driver id \(id)") }
        if let pci = device.pci?.vendorDevice { parts.append("PCI \(pci)") }
        return parts.isEmpty ? "no driver id, no PCI parent" : parts.joined(separator: ", ")
    }

    func installHint(_ p: VerbsProvider?) -> String {
        let package = "install rdma-core's providers (Debian/Ubuntu: apt install ibverbs-providers; RHEL/Fedora: dnf install libibverbs)"
        guard let p else { return package + ", or a vendor provider for this device" }
        return package + ", or restore \(UserSpacePaths.configDirectory)/\(p.name).driver containing \"driver \(p.name)\""
    }
}
