import Testing
import RdmaKit
@testable import RdmaEmulator

/// The user-space readers doctor relies on, against the rules of the code they mirror.
@Suite("user-space facts")
struct UserSpaceFactsTests {
    func emulated(_ change: (EmulatedKernel) -> Void = { _ in }) -> EmulatedKernel {
        let k = EmulatedKernel(devices: .default, credentials: Credentials(uid: 0, gid: 0))
        change(k)
        return k
    }

    /// dynamic_driver.c load_drivers: RDMAV_DRIVERS (else IBV_DRIVERS) is split on ':' and ';'
    /// and loaded in addition to the configured providers — it does not replace them.
    @Test func environmentAddsProviders() {
        let install = VerbsInstallation.read(emulated(), environment: ["RDMAV_DRIVERS": "rxe;siw:mlx5", "IBV_DRIVERS": "efa"])
        let names = install.configured.map(\.name)
        #expect(Set(names) == ["rxe", "siw", "mlx5", "hfi1verbs", "ipathverbs"])
        #expect(install.configuration(for: "siw")?.origin == "RDMAV_DRIVERS")
        #expect(install.configuration(for: "hfi1verbs")?.origin == "/etc/libibverbs.d/hfi1verbs.driver")
        let ibv = VerbsInstallation.read(emulated(), environment: ["IBV_DRIVERS": "efa"])
        #expect(ibv.configuration(for: "efa")?.origin == "IBV_DRIVERS")
    }

    /// The provider directory's libraries and their PABI (buildlib: lib<NAME>-rdmav<PABI>.so).
    @Test func providerLibraries() {
        let install = VerbsInstallation.read(emulated {
            $0.writeFile("/usr/lib/x86_64-linux-gnu/libibverbs/libmlx5-rdmav33.so", "")
        }, environment: [:])
        #expect(install.providerDirectory == "/usr/lib/x86_64-linux-gnu/libibverbs")
        #expect(install.providerABI == 34)
        #expect(install.libraryPath(for: "hfi1verbs") == "/usr/lib/x86_64-linux-gnu/libibverbs/libhfi1verbs-rdmav34.so")
        #expect(install.libraryHasForeignABI("mlx5"))
        #expect(!install.libraryHasForeignABI("ipathverbs"))
    }

    /// devcgroup_seq_show's format: "TYPE MAJOR:MINOR ACCESS", '*' wildcards.
    @Test func devicesListRules() throws {
        let rule = try #require(DeviceCgroup.Rule.parse("c 231:* rw"))
        #expect(rule.allowsCharRW(231, 192))
        #expect(!rule.allowsCharRW(10, 124))
        #expect(try #require(DeviceCgroup.Rule.parse("a *:* rwm")).allowsCharRW(231, 192))
        #expect(!(try #require(DeviceCgroup.Rule.parse("c 231:192 r")).allowsCharRW(231, 192)))
        #expect(!(try #require(DeviceCgroup.Rule.parse("b 231:192 rwm")).allowsCharRW(231, 192)))
        #expect(DeviceCgroup.Rule.parse("x 1:2 rw") == nil)
        #expect(DeviceCgroup.read(emulated()) == .v2(path: "/user.slice/user-1000.slice/session-1.scope"))
    }
}
