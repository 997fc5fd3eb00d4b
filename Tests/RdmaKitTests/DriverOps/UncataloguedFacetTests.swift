import Testing
@_spi(KernelSeam) import RdmaKit
@testable import RdmaEmulator

// A name rdmactl's catalogue does not know, offered by a driver (issue 12: the kernel prototype's
// demo module registers demo.example.com 1.2 on rxe0). Docs/ABI.md §7.1: an uncatalogued name goes
// over the driver-ops ioctl; a bare one is asked at major 0, the driver answers ENODEV with the
// version it has, and the request is repeated once at that major. A major given by the caller is
// never replaced.

private func run(_ k: EmulatedKernel, _ request: String) throws -> NegotiationResult {
    let found = try Discovery(kernel: k).run(source: .sysfs, detail: .negotiation)
    return Negotiator(kernel: k).run(NegotiationChain(request: try FacetRequest(parsing: request)),
                                     devices: found.devices, madClassABI: found.madClassABI)
}

private func demoKernel() -> EmulatedKernel {
    let k = EmulatedKernel(devices: .default, profile: .proposed, credentials: Credentials(uid: 1000, gid: 1000))
    #expect(k.registerDriverOps(device: "qib0", name: "demo.example.com", major: 1, minor: 2))
    return k
}

@Suite("uncatalogued facet names over the driver-ops ioctl")
struct UncataloguedFacetTests {
    /// Bare name: ENODEV at major 0 (offered 1.2), then a grant at major 1, on the device that
    /// offers it; hfi1_0 does not (EOPNOTSUPP). Granted to uid 1000: uverbs is the only gate.
    @Test func bareNameIsGrantedAtTheOfferedMajor() throws {
        let k = demoKernel()
        let result = try run(k, "demo.example.com")
        let opened = try #require(result.opened)
        #expect(opened.grant.facet.rawValue == "demo.example.com")
        #expect(opened.grant.device == "qib0")
        #expect(opened.grant.major == 1 && opened.grant.minor == 2)
        #expect(opened.grant.transport == .driverOpsIoctl)
        #expect(!opened.grant.fallback)
        let ops = result.attempts.filter { $0.transport == .driverOpsIoctl }
            .map { "\($0.device ?? "-") \($0.outcome.rawValue) \($0.errno?.name ?? "-")" }
        #expect(ops == ["hfi1_0 not-offered EOPNOTSUPP", "qib0 version-mismatch ENODEV", "qib0 granted -"])
        let mismatch = try #require(result.attempts.first { $0.outcome == .versionMismatch })
        #expect(mismatch.offeredMajor == 1 && mismatch.offeredMinor == 2)
        opened.release()
        #expect(k.leakReport.isEmpty)
    }

    /// An explicit major is the caller's: ENODEV is final (76), with the offered version.
    @Test(arguments: ["demo.example.com@2", "demo.example.com@1.3", "demo.example.com@0"])
    func explicitMajorIsNotReplaced(_ request: String) throws {
        let k = demoKernel()
        let result = try run(k, request)
        #expect(result.opened == nil)
        #expect(result.outcome.exitCode == .abiMismatch)
        let qib = result.attempts.filter { $0.transport == .driverOpsIoctl && $0.device == "qib0" }
        #expect(qib.count == 1)
        #expect(qib.first?.errno == .ENODEV && qib.first?.offeredMajor == 1 && qib.first?.offeredMinor == 2)
        #expect(k.leakReport.isEmpty)
    }

    /// A well-formed name nobody offers: EOPNOTSUPP everywhere, asked once per device, 69.
    @Test func unofferedNameIsUnavailable() throws {
        let k = demoKernel()
        let result = try run(k, "other.example.com")
        #expect(result.opened == nil)
        #expect(result.outcome.exitCode == .unavailable)
        let ops = result.attempts.filter { $0.transport == .driverOpsIoctl }
        #expect(ops.map(\.errno) == [.EOPNOTSUPP, .EOPNOTSUPP])
    }

    /// The emulator's registration refuses a second offer of a name on one device.
    @Test func registrationRefusesDuplicates() {
        let k = EmulatedKernel(devices: .default, profile: .proposed, credentials: Credentials(uid: 0, gid: 0))
        #expect(k.registerDriverOps(device: "hfi1_0", name: "demo.example.com", major: 1, minor: 2))
        #expect(!k.registerDriverOps(device: "hfi1_0", name: "demo.example.com", major: 2, minor: 0))
        #expect(!k.registerDriverOps(device: "hfi1_0", name: "psm2.intel.com", major: 7, minor: 0))
        #expect(!k.registerDriverOps(device: "mlx5_0", name: "demo.example.com", major: 1, minor: 2))
    }
}
