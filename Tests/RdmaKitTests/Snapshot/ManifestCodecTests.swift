@_spi(Testing) import RdmaKit
import Testing

/// The snapshot manifest's own JSON reader and writer (RdmaKit, no FoundationEssentials): what
/// it accepts is what JSONDecoder accepted for `SnapshotManifest` before — typed members,
/// optional ones absent or null, unknown ones ignored — and what earlier versions wrote.
@Suite("snapshot manifest JSON")
struct ManifestCodecTests {
    /// As JSONEncoder (`.prettyPrinted, .sortedKeys`) wrote it: " : " and an escaped "/".
    static let written = """
    {
      "captured_from" : "emulated:proposed",
      "device_nodes_captured" : true,
      "files" : 170,
      "links" : 28,
      "netlink_devices" : [
        {
          "driver" : "hfi1",
          "driver_id" : 15,
          "index" : 0,
          "name" : "hfi1_0"
        }
      ],
      "nodes" : [
        {
          "gid" : 0,
          "major" : 231,
          "minor" : 192,
          "mode" : "0666",
          "path" : "\\/dev\\/infiniband\\/uverbs0",
          "type" : "char",
          "uid" : 0
        }
      ],
      "rdmactl_version" : "0.1.0",
      "schema" : "rdmactl-snapshot\\/1"
    }
    """

    @Test func readsWhatEarlierVersionsWrote() throws {
        let m = try #require(SnapshotManifest.decode(Array(Self.written.utf8)))
        #expect(m.schema == "rdmactl-snapshot/1" && m.capturedFrom == "emulated:proposed")
        #expect(m.files == 170 && m.links == 28 && m.deviceNodesCaptured == true)
        #expect(m.nodes == [SnapshotManifest.Node(path: "/dev/infiniband/uverbs0", type: "char", major: 231, minor: 192,
                                                  mode: "0666", uid: 0, gid: 0)])
        #expect(m.netlinkDevices == [SnapshotManifest.NetlinkDevice(name: "hfi1_0", index: 0, driverID: 15, driver: "hfi1")])
        // Its own output reads back the same.
        #expect(SnapshotManifest.decode(m.encoded()) == m)
        // With a byte-order mark, as JSONDecoder allowed.
        #expect(SnapshotManifest.decode([0xef, 0xbb, 0xbf] + Array(Self.written.utf8)) == m)
    }

    @Test(arguments: [
        ("\"files\" : 170", "\"files\" : 170.0"),            // an integer member given a fraction
        ("\"files\" : 170", "\"files\" : 1e3"),
        ("\"files\" : 170", "\"files\" : \"170\""),          // the wrong type
        ("\"major\" : 231", "\"major\" : 4294967296"),       // beyond UInt32
        ("\"major\" : 231", "\"major\" : -1"),
        ("\"mode\" : \"0666\"", "\"mode\" : 666"),           // a string member given a number
        ("\"mode\" : \"0666\"", "\"mode\" : 1.5"),
        ("\"schema\" : \"rdmactl-snapshot\\/1\"", "\"schema\" : null"),  // a required member null
        ("\"driver_id\" : 15", "\"driver_id\" : \"15\""),    // an optional member of the wrong type
        ("\"device_nodes_captured\" : true", "\"device_nodes_captured\" : 1"),
        ("\"netlink_devices\" : [", "\"netlink_devices\" : {\"x\": ["),
    ])
    func refusesWhatJSONDecoderRefused(_ from: String, _ to: String) {
        let text = Self.written.replacingOccurrences(of: from, with: to)
        #expect(text != Self.written)
        #expect(SnapshotManifest.decode(Array(text.utf8)) == nil, "\(to)")
    }

    @Test(arguments: [
        ("\"driver_id\" : 15,", "\"driver_id\" : null,"),
        ("  \"device_nodes_captured\" : true,\n", ""),
        ("  \"files\" : 170,", "  \"files\" : 170, \"future_member\" : {\"a\": [1.5]},"),
    ])
    func acceptsOptionalAndUnknownMembers(_ from: String, _ to: String) {
        let text = Self.written.replacingOccurrences(of: from, with: to)
        #expect(text != Self.written)
        #expect(SnapshotManifest.decode(Array(text.utf8)) != nil, "\(to)")
    }

    /// The pull decoder (no tree) and the tree decoder it replaced give the same answer for
    /// every document: the manifest as written, cut at every byte, every byte replaced by JSON's
    /// structural bytes, and repeated, fractional, null and deeply nested members.
    @Test func pullDecoderAgreesWithTheTree() {
        let base = Array(Self.written.utf8)
        var documents: [[UInt8]] = [base, [], Array("[]".utf8), Array("{}".utf8), Array("null".utf8)]
        for cut in 0..<base.count { documents.append(Array(base[..<cut])) }
        for (at, byte) in base.enumerated() where byte != 0x20 {
            for replacement in Array(",:{}[]\"1n .-e".utf8) where replacement != byte {
                var copy = base
                copy[at] = replacement
                documents.append(copy)
            }
        }
        let edits: [(String, String)] = [
            ("\"files\" : 170,", "\"files\" : 170, \"files\" : \"x\","),            // the first counts
            ("\"files\" : 170,", "\"files\" : \"x\", \"files\" : 170,"),
            ("\"nodes\" : [", "\"nodes\" : [], \"nodes\" : ["),
            ("\"netlink_devices\" : [", "\"netlink_devices\" : null, \"netlink_devices\" : ["),
            ("\"netlink_devices\" : [", "\"netlink_devices\" : 1.5, \"x\" : ["),       // a fraction is null
            ("\"netlink_devices\" : [", "\"netlink_devices\" : 7, \"x\" : ["),
            ("\"major\" : 231,", "\"major\" : 231, \"major\" : 1.5,"),
            ("\"uid\" : 0", "\"uid\" : 0, \"uid\" : -1"),
            ("\"driver\" : \"hfi1\",", "\"driver\" : 15,"),
            ("\"driver\" : \"hfi1\",", "\"driver\" : null,"),
            ("\"device_nodes_captured\" : true", "\"device_nodes_captured\" : null"),
            ("\"device_nodes_captured\" : true", "\"device_nodes_captured\" : 0.5"),
            ("\"files\" : 170,", "\"files\" : 170, \"deep\" : " + String(repeating: "[", count: 126) + String(repeating: "]", count: 126) + ","),
            ("\"files\" : 170,", "\"files\" : 170, \"deep\" : " + String(repeating: "[", count: 127) + String(repeating: "]", count: 127) + ","),
        ]
        for (from, to) in edits {
            let text = Self.written.replacingOccurrences(of: from, with: to)
            #expect(text != Self.written, "\(from)")
            documents.append(Array(text.utf8))
            documents.append(Array((text + " x").utf8))
        }
        var accepted = 0
        for document in documents {
            let pulled = SnapshotManifest.decode(document)
            #expect(pulled == SnapshotManifest.decodeThroughTree(document), "\(String(decoding: document, as: UTF8.self))")
            if pulled != nil { accepted += 1 }
        }
        // Both answers occur: the comparison is not between two refusals.
        #expect(accepted > 10 && accepted < documents.count - 100)
    }

    /// A manifest as large as a thousand devices' decodes to what was encoded.
    @Test func largeManifestRoundTrips() {
        let nodes = (0..<5_000).map { i in
            SnapshotManifest.Node(path: "/dev/infiniband/uverbs\(i)", type: "char", major: 231, minor: UInt32(i % 256),
                                  mode: "0666", uid: 0, gid: UInt32(i))
        }
        let netlink = (0..<1_000).map { SnapshotManifest.NetlinkDevice(name: "hfi1_\($0)", index: UInt32($0), driverID: 15, driver: "hfi1") }
        let manifest = SnapshotManifest(capturedFrom: "live", rdmactlVersion: "0.1.0", files: 70_000, links: 11_000,
                                        nodes: nodes, netlinkDevices: netlink)
        let bytes = manifest.encoded()
        #expect(SnapshotManifest.decode(bytes) == manifest)
        #expect(SnapshotManifest.decodeThroughTree(bytes) == manifest)
    }
}
