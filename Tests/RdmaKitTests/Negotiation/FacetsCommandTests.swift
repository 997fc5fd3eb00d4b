import Testing
import RdmaKit
@testable import RdmaCommands

// `facets` and the FACETS column (issue 7 deliverable 5): the static inventory of DESIGN §3, and
// `--probe` confirming it — never opening issm (opening it sets the port's IsSM bit, ABI-FACTS §1.4).
@Suite("facets")
struct FacetsCommandTests {
    @Test func inventoryOfTheDefaultSet() throws {
        let r = rdmactl(["--emulated", "facets", "--json"])
        #expect(r.status == 0)
        guard case .array(let rows)? = r.envelope?["data"]?["facets"] else { Issue.record("facets: \(r.stdout)"); return }
        func row(_ device: String, _ facet: String, port: Int? = nil) -> JSONValue? {
            rows.first { $0["device"] == .string(device) && $0["facet"] == .string(facet) && $0["port"] == port.map { .int(Int64($0)) } }
        }
        // hfi1 offers psm2.intel.com 6.3 and 5 (ABI-FACTS §2.5); qib psm.intel.com 1.13 (§3.3).
        #expect(row("hfi1_0", "psm2.intel.com")?["versions"]
                == .array([.object([("major", .int(6)), ("minor", .int(3))]), .object([("major", .int(5))])]))
        #expect(row("hfi1_0", "psm2.intel.com")?["versions_from"] == .string("catalogue"))
        #expect(row("hfi1_0", "psm2.intel.com")?["nodes"] == .array([.string("/dev/hfi1_0")]))
        #expect(row("qib0", "psm.intel.com")?["versions"] == .array([.object([("major", .int(1)), ("minor", .int(13))])]))
        #expect(row("qib0", "psm.intel.com")?["nodes"] == .array([.string("/dev/ipath0"), .string("/dev/ipath")]))
        #expect(row("qib0", "psm2.intel.com") == nil && row("hfi1_0", "psm.intel.com") == nil)
        // rdmavt's uverbs ABI 2 (§1.3); umad per port: qib0 has two.
        #expect(row("hfi1_0", "uverbs")?["versions"] == .array([.object([("major", .int(2))])]))
        #expect(row("hfi1_0", "uverbs")?["versions_from"] == .string("sysfs"))
        #expect(row("qib0", "umad", port: 2) != nil && row("qib0", "issm", port: 2) != nil)
        #expect(r.envelope?["data"]?["probed"] == .bool(false))
    }

    /// The inventory is the catalogue's; --probe tells what this kernel really offers: under
    /// `legacy` hfi1's node is the write era (ABI-FACTS §2.8), so psm2.intel.com probes as 5.
    @Test func probeTellsTheProfilesVersion() throws {
        let r = rdmactl(["--emulated-set", "hfi1", "--profile", "legacy", "facets", "--probe", "--json"])
        guard case .array(let rows)? = r.envelope?["data"]?["facets"] else { Issue.record("facets"); return }
        let psm2 = rows.first { $0["facet"] == .string("psm2.intel.com") }
        #expect(psm2?["probe"]?["version"] == .string("5") && psm2?["probe"]?["transport"] == .string("legacy-node"))
    }

    @Test func probeConfirmsAndNeverOpensIssm() throws {
        let r = rdmactl(["--emulated", "facets", "hfi1_0", "--probe", "--json"])
        #expect(r.status == 0)
        guard case .array(let rows)? = r.envelope?["data"]?["facets"] else { Issue.record("facets"); return }
        let psm2 = rows.first { $0["facet"] == .string("psm2.intel.com") }
        #expect(psm2?["probe"]?["granted"] == .bool(true) && psm2?["probe"]?["version"] == .string("6.3"))
        #expect(rows.filter { $0["facet"] == .string("issm") }.allSatisfy { $0["probe"] == nil })
    }

    @Test func listHasAFacetsColumn() {
        let r = rdmactl(["--emulated", "list"])
        #expect(r.stdout.contains("FACETS"))
        #expect(r.stdout.split(separator: "\n").contains { $0.hasPrefix("hfi1_0 ") && $0.hasSuffix("psm2.intel.com,uverbs,umad,issm") })
    }
}
