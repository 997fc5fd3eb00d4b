import ArgumentParser
import Testing
@testable import RdmaCommands
import RdmaKit

/// The fast path (`FastPath`) must mean exactly what ArgumentParser means for every argument
/// vector it accepts, and must leave everything else to ArgumentParser.
@Suite("command line: the fast path agrees with ArgumentParser")
struct FastPathTests {
    /// Every stored global option, read through its property wrapper.
    static func fields(_ g: GlobalSettings) -> [String] {
        [g.source?.rawValue ?? "-", g.root ?? "-", "\(g.emulated)", g.emulatedSet ?? "-", g.profile ?? "-",
         g.emulatedHotplug ?? "-", g.emulatedUser ?? "-", "\(g.json)", "\(g.pretty)", "\(g.strict)"]
    }

    /// What ArgumentParser makes of the same vector, through the same normaliser as the runner.
    static func parsedByArgumentParser(_ arguments: [String]) -> GlobalSettings? {
        let normalized = ArgumentNormalizer.normalize(arguments, commands: RdmactlCommand.commandNames)
        return (try? RdmactlCommand.parseAsRoot(normalized) as? ListCommand)?.globals.settings
    }

    @Test func everyGlobalOptionIsSet() throws {
        // A new option in GlobalOptions must be taught to FastPath.parse (and to `fields`).
        #expect(Mirror(reflecting: GlobalOptions()).children.count == FastPath.globalOptionCount)
        #expect(Mirror(reflecting: GlobalSettings()).children.count == FastPath.globalOptionCount)
        #expect(Self.fields(try GlobalOptions.parse([]).settings).count == FastPath.globalOptionCount)
    }

    @Test(arguments: [
        ["list"], ["--root", "/t", "list"], ["list", "--root=/t"], ["list", "--json"], ["-jp", "list", "--source=sysfs"],
        ["--emulated", "list", "--strict"], ["list", "--emulated-set", "hfi1:2,qib", "--profile", "legacy", "-j"],
        ["--source", "netlink", "list", "-pj"], ["list", "--emulated", "--emulated-user", "1000:1000"],
        ["list", "--emulated", "--emulated-hotplug", "unplug hfi1_0"], ["--root", "list", "list"],
    ])
    func acceptedVectorsMeanWhatArgumentParserMeans(_ arguments: [String]) throws {
        guard case .list(let fast)? = FastPath.parse(arguments) else {
            Issue.record("the fast path should take \(arguments)")
            return
        }
        let slow = try #require(Self.parsedByArgumentParser(arguments))
        #expect(Self.fields(fast) == Self.fields(slow))
    }

    @Test(arguments: [
        [], ["--help"], ["list", "--help"], ["help", "list"], ["list", "-h"], ["--version", "list"], ["list", "list"],
        ["list", "--json", "--json"], ["list", "-jj"], ["list", "--root"], ["list", "--root", "--json"], ["list", "--root="],
        ["list", "--source", "bogus"], ["list", "--", "--json"], ["list", "extra"], ["show", "hfi1_0"], ["list", "-x"],
        ["list", "--root", "/a", "--root", "/b"], ["--root", "/t"], ["list", "--jsn"], ["list", "--version"],
    ])
    func everythingElseGoesToArgumentParser(_ arguments: [String]) {
        #expect(FastPath.parse(arguments) == nil)
    }

    /// Random vectors from the same vocabulary: whatever the fast path takes, ArgumentParser
    /// takes the same way.
    @Test func randomVectorsAgree() throws {
        let vocabulary = ["list", "list", "--json", "-j", "-p", "-jp", "--pretty", "--strict", "--emulated", "--root", "/t",
                          "--root=/u", "--source", "sysfs", "--source=auto", "--profile", "mainline", "--emulated-set",
                          "qib", "--emulated-user", "0", "--", "-", "x", "--emulated-hotplug", "replug qib0", "--version"]
        var rng = SplitMix(seed: 9)
        var taken = 0
        for _ in 0..<10000 {
            let n = Int(rng.next() % 7)
            let arguments = (0..<n).map { _ in vocabulary[Int(rng.next() % UInt64(vocabulary.count))] }
            guard case .list(let fast)? = FastPath.parse(arguments) else { continue }
            taken += 1
            let slow = try #require(Self.parsedByArgumentParser(arguments), "ArgumentParser refused \(arguments)")
            #expect(Self.fields(fast) == Self.fields(slow), "\(arguments)")
        }
        #expect(taken > 200)
    }

    @Test func versionIsArgumentParsersVersion() {
        #expect(rdmactl(["--version"]).stdout == RdmactlCommand.version + "\n")
        #expect(RdmactlCommand.configuration.version == RdmactlCommand.version)
    }
}

/// A small deterministic generator (SplitMix64), so a failing vector is the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension FastPath.Invocation: Equatable {
    public static func == (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case (.version, .version): return true
        case (.list(let x), .list(let y)): return FastPathTests.fields(x) == FastPathTests.fields(y)
        default: return false
        }
    }
}
