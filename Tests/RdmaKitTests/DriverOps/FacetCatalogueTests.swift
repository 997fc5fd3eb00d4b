@testable import RdmaEmulator
@testable import RdmaKit
import Testing

// The client's facet catalogue (DESIGN §4 as data) and its name rule, checked against the
// emulated kernel's own offer table and name check — two implementations, one table.

@Suite("facet catalogue")
struct FacetCatalogueTests {
    /// `offeredNames` (list's FACETS column) decides without building offers: it must name
    /// exactly the distinct facets `inventory` offers on the fully read device, for every
    /// profile and device set — also from `list`'s summary read, which attributes umad/issm
    /// nodes by their parent directory and reads no `port` (CharDeviceIndex).
    @Test(arguments: [Profile.proposed, .mainline, .legacy])
    func offeredNamesMatchTheInventory(profile: Profile) throws {
        let k = EmulatedKernel(devices: try DeviceSet.parse("hfi1:2,qib:2"), profile: profile,
                               credentials: Credentials(uid: 0, gid: 0))
        let full = try Discovery(kernel: k).run(source: .emulated, detail: .full).devices
        let summary = try Discovery(kernel: k).run(source: .emulated, detail: .summary).devices
        #expect(summary.map(\.name) == full.map(\.name))
        for (listed, device) in zip(summary, full) {
            var expected: [String] = []
            for offer in FacetCatalogue.standard.inventory(of: device) where !expected.contains(offer.name.rawValue) {
                expected.append(offer.name.rawValue)
            }
            #expect(expected.contains("umad") && expected.contains("issm"))
            #expect(FacetCatalogue.standard.offeredNames(of: device) == expected, "\(device.name.value)")
            #expect(FacetCatalogue.standard.offeredNames(of: listed) == expected, "\(listed.name.value)")
        }
    }

    static let valid = ["psm2.intel.com", "psm.intel.com", "uverbs", "rdma_cm", "a", "0", "a-b_c.d",
                        "x" + String(repeating: "y", count: 62)]

    static let invalid: [(String, FacetNameError)] = [
        ("", .empty),
        (String(repeating: "a", count: 64), .tooLong(64)),
        ("PSM2.intel.com", .badFirstCharacter("P")),
        (".psm2", .badFirstCharacter(".")),
        ("-x", .badFirstCharacter("-")),
        ("_x", .badFirstCharacter("_")),
        ("psm2 intel", .badCharacter(" ", offset: 4)),
        ("psm2/x", .badCharacter("/", offset: 4)),
        ("psm2.Intel", .badCharacter("I", offset: 5)),
        ("psm2é", .badCharacter("é", offset: 4)),
        ("psm2..intel", .dotDot),
        ("a..", .dotDot),
    ]

    @Test(arguments: valid)
    func validName(_ text: String) throws {
        #expect(try FacetName(text).rawValue == text)
        // The emulated kernel accepts exactly the same names.
        #expect(DriverOpsRequest.nameProblem(Array(text.utf8)) == nil)
    }

    @Test(arguments: invalid)
    func invalidName(_ text: String, _ error: FacetNameError) {
        #expect(throws: error) { try FacetName(text) }
        #expect(!error.description.isEmpty)
        #expect(DriverOpsRequest.nameProblem(Array(text.utf8)) != nil, "the kernel would accept \"\(text)\"")
    }

    @Test func netlinkLength() throws {
        #expect(try FacetName(String(repeating: "a", count: 31)).fitsNetlink)
        #expect(try !FacetName(String(repeating: "a", count: 32)).fitsNetlink)
        #expect(try FacetName("psm2.intel.com").fitsNetlink)
    }

    @Test func everyCataloguedNameIsValid() throws {
        for entry in FacetCatalogue.standard.entries {
            #expect(try FacetName(entry.name.rawValue) == entry.name)
            for fallback in entry.fallbacks { #expect(try FacetName(fallback.name.rawValue) == fallback.name) }
        }
        let names = FacetCatalogue.standard.entries.map(\.name.rawValue)
        #expect(names == ["psm2.intel.com", "psm.intel.com", "uverbs", "umad", "issm", "rdma_cm"])
        #expect(Set(names).count == names.count)
    }

    /// DESIGN §4's table.
    @Test func designTable() throws {
        let c = FacetCatalogue.standard
        let psm2 = try #require(c.entry(named: try FacetName("psm2.intel.com")))
        #expect(psm2.offeredBy == .drivers(["hfi1"]))
        #expect(psm2.majors == [6, 5])
        #expect(psm2.transports == [.driverOpsIoctl, .legacyNode])
        #expect(psm2.fallbacks.map(\.description) == ["psm.intel.com@1"])
        guard case .catalogued(let versions) = psm2.versions else { Issue.record("psm2 versions"); return }
        #expect(versions[0].minor == 3 && versions[1].minor == nil)
        // Per version (issue 7): 6.3 is the ioctl era, 5 the write era; both reveal themselves on
        // /dev/hfi1_N by GET_VERS (any failure → write era, ABI-FACTS §6.3).
        #expect(versions.map(\.handshake) == [.hfi1Ioctl, .hfi1Write])
        #expect(versions.allSatisfy { $0.legacyRule == .hfi1GetVers && $0.transports == [.driverOpsIoctl, .legacyNode] })
        #expect(psm2.nodeKinds == [.hfi1])
        let psm = try #require(c.entry(named: try FacetName("psm.intel.com")))
        #expect(psm.offeredBy == .drivers(["ib_qib"]) && psm.majors == [1] && psm.fallbacks.isEmpty)
        // qib tells its minor only after USER_INIT (ABI-FACTS §11 handshake order).
        #expect(psm.version(major: 1)?.legacyRule == .qibAfterHandshake)
        #expect(psm.nodeKinds == [.ipath])
        for core in ["uverbs", "umad", "issm", "rdma_cm"] {
            let entry = try #require(c.entry(named: try FacetName(core)))
            #expect(entry.transports == [.netlinkChardev, .sysfs])
            #expect(!entry.hasHandshake)
        }
        #expect(c.entry(named: try FacetName("uverbs"))?.majors == [])
        #expect(c.entry(named: try FacetName("umad"))?.majors == [5])
        #expect(c.entry(named: try FacetName("rdma_cm"))?.offeredBy == .system)
        #expect(c.offered(byDriver: "hfi1").map(\.name.rawValue) == ["psm2.intel.com"])
        #expect(c.entry(named: try FacetName("example.org")) == nil)
    }

    /// What the emulated drivers offer through the driver-ops ioctl is the catalogue's newest
    /// version of the facet their driver is catalogued for.
    @Test(arguments: DeviceSet.Driver.allCases)
    func emulatorOffersMatchTheCatalogue(_ driver: DeviceSet.Driver) throws {
        let fixture = Fixture.device(driver, unit: 0)
        let offers = DriverOpsOffer.offers(of: fixture)
        let catalogued = FacetCatalogue.standard.offered(byDriver: fixture.driverName)
        #expect(offers.map(\.name) == catalogued.map(\.name.rawValue))
        for (offer, entry) in zip(offers, catalogued) {
            guard case .catalogued(let versions) = entry.versions, let newest = versions.first else {
                Issue.record("\(entry.name) has no catalogued version"); continue
            }
            #expect(Int(offer.major) == newest.major && Int(offer.minor) == newest.minor)
            #expect(entry.transports.first == .driverOpsIoctl)
        }
    }
}
