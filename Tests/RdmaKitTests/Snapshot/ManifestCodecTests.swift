import RdmaKit
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
}
