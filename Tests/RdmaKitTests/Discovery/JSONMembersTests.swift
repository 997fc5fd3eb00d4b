import RdmaEmulator
@testable import RdmaKit
import RdmaLinux
import Testing

/// A record's schema is written once for two sinks (JSONMembers): the tree `show` and the
/// renderers use, and the bytes `list --json` writes on the kernel's threads. The bytes must be
/// what the tree writer writes for the tree — checked for random programs of member calls, for
/// discovered devices of every kind at every detail, and for hand-made edge cases.
@Suite("JSON records written without a tree")
struct JSONMembersTests {
    /// One member call, applied to any sink.
    enum Call {
        case string(StaticString, String?), int(StaticString, Int?), uint(StaticString, UInt32?), bool(StaticString, Bool?)
        case text(StaticString, SysfsText?), value(StaticString, JSONValue?), strings(StaticString, [String])
        case object(StaticString, [Call]), objects(StaticString, [[Call]])

        func apply<M: JSONMembers>(to o: inout M) {
            switch self {
            case .string(let k, let v): o.add(k, v)
            case .int(let k, let v): o.add(k, v)
            case .uint(let k, let v): o.add(k, v)
            case .bool(let k, let v): o.add(k, v)
            case .text(let k, let v): o.add(k, v)
            case .value(let k, let v): o.add(k, v)
            case .strings(let k, let v): o.addStrings(k, v)
            case .object(let k, let calls): o.addObject(k) { inner in for c in calls { c.apply(to: &inner) } }
            case .objects(let k, let items):
                o.addObjects(k, items) { calls, inner in for c in calls { c.apply(to: &inner) } }
            }
        }
    }

    static func randomCalls(_ rng: inout SplitMix, depth: Int) -> [Call] {
        // Keys are the schema's names (JSONMembers); the values carry the bytes to escape.
        let keys: [StaticString] = ["a", "ifname", "port_guid", "x1", "sm_lid"]
        let strings = ["", "hfi1_0", "tab\there", "quote\"back\\slash", "c1\u{85}", "é"]
        func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
        func maybe<T>(_ v: T) -> T? { rng.next() % 4 == 0 ? nil : v }
        return (0..<Int(rng.next() % 6)).map { _ in
            let key = pick(keys)
            switch rng.next() % (depth < 2 ? 9 : 7) {
            case 0: return .string(key, maybe(pick(strings)))
            case 1: return .int(key, maybe(Int(bitPattern: UInt(rng.next())) >> Int(rng.next() % 64)))
            case 2: return .uint(key, maybe(UInt32(truncatingIfNeeded: rng.next())))
            case 3: return .bool(key, maybe(rng.next() % 2 == 0))
            case 4: return .text(key, maybe(rng.next() % 2 == 0 ? SysfsText(bytes: [0x41, 0xff, 0x42]) : SysfsText(pick(strings))))
            case 5: return .value(key, maybe(.array([.null, .int(-1), .object([])])))
            case 6: return .strings(key, (0..<Int(rng.next() % 3)).map { _ in pick(strings) })
            case 7: return .object(key, randomCalls(&rng, depth: depth + 1))
            default: return .objects(key, (0..<Int(rng.next() % 3)).map { _ in randomCalls(&rng, depth: depth + 1) })
            }
        }
    }

    static func bothWays(_ calls: [Call]) -> (tree: [UInt8], bytes: [UInt8]) {
        var tree = JSONObjectBuilder()
        for c in calls { c.apply(to: &tree) }
        let bytes = JSONBytesWriter.object { w in for c in calls { c.apply(to: &w) } }
        return (JSONFragment(tree.value).compact, bytes.compact)
    }

    @Test func randomProgramsWriteWhatTheTreeWrites() {
        var rng = SplitMix(seed: 21)
        for _ in 0..<3_000 {
            let calls = Self.randomCalls(&rng, depth: 0)
            let (tree, bytes) = Self.bothWays(calls)
            #expect(bytes == tree, "\(String(decoding: bytes, as: UTF8.self)) != \(String(decoding: tree, as: UTF8.self))")
        }
    }

    /// Written by hand, so the two sinks cannot agree on a wrong form: DESIGN §6's compact
    /// envelope style (", " and ": "), `{}` and `[]` when empty, nil members absent.
    @Test func theCompactFormByHand() {
        let calls: [Call] = [.string("a", "x"), .int("n", nil), .object("o", []), .objects("l", []), .strings("s", []),
                             .objects("p", [[.int("port", 1)], []]), .text("t", SysfsText(bytes: [0xff]))]
        #expect(String(decoding: Self.bothWays(calls).bytes, as: UTF8.self)
                == #"{"a": "x", "o": {}, "l": [], "s": [], "p": [{"port": 1}, {}], "t": "\\xff", "t_raw_b64": "/w=="}"#)
    }

    /// Integers are written digit by digit, without a String: the edges of both types, by hand.
    @Test func integersAtTheirEdges() {
        let calls: [Call] = [.int("a", 0), .int("b", -1), .int("c", Int.min), .int("d", Int.max), .uint("e", UInt32.max),
                             .uint("f", 0), .int("g", 10)]
        #expect(String(decoding: Self.bothWays(calls).bytes, as: UTF8.self)
                == #"{"a": 0, "b": -1, "c": -9223372036854775808, "d": 9223372036854775807, "e": 4294967295, "f": 0, "g": 10}"#)
        let (tree, bytes) = Self.bothWays(calls)
        #expect(tree == bytes)
    }

    /// The eight-bytes-at-a-time scan for bytes to escape finds exactly what the definition does
    /// (`"`, `\\`, C0, DEL, and 0xC2, a C1's lead byte: JSONValue.quote), at every length and
    /// offset around a word, next to the values either side of each.
    @Test func theWordScanFindsWhatTheByteTestFinds() {
        var rng = SplitMix(seed: 7)
        let near: [UInt8] = [0x00, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0xc1, 0xc2, 0xc3, 0xff]
        for round in 0..<20_000 {
            let n = Int(rng.next() % 40), odds = UInt64(1 + round % 40)
            let bytes = (0..<n).map { _ in
                rng.next() % odds == 0 ? near[Int(rng.next() % UInt64(near.count))] : UInt8(0x24 + rng.next() % 0x38)
            }
            let expected = bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5c || $0 == 0x7f || $0 == 0xc2 }
            #expect(bytes.withUnsafeBufferPointer(JSONValue.anyNeedsEscape) == expected, "\(bytes)")
        }
    }

    /// The byte writer copies keys as they are, so a key must be in the schema's alphabet
    /// (`[a-z0-9_]`); the debug build asserts it on every key written, which the discovered
    /// records above exercise.
    @Test func keysAreInTheSchemasAlphabet() {
        for (key, plain) in [("ifname", true), ("sys_image_guid", true), ("gid0", true), ("k\"q", false),
                             ("Ifname", false), ("a-b", false), ("ünï", false), ("", true)] {
            #expect(Array(key.utf8).withUnsafeBufferPointer(JSONBytesWriter.isPlainKey) == plain, "\(key)")
        }
    }

    static let root = Credentials(uid: 0, gid: 0)

    @Test(arguments: [DiscoveryDetail.summary, .negotiation, .record, .full])
    func discoveredDevicesWriteWhatTheirTreesWrite(_ detail: DiscoveryDetail) throws {
        var devices = try Discovery(kernel: EmulatedKernel(devices: .default, credentials: Self.root))
            .run(source: .emulated, detail: detail).devices
        devices += try Discovery(kernel: try LinuxKernel.rooted(at: fixturePath("rxe-sysfs"))).run(source: .sysfs, detail: detail).devices
        #expect(devices.count >= 3)
        for device in devices {
            #expect(device.jsonFragment.compact == JSONFragment(device.json).compact, "\(device.name.value)")
        }
    }

    @Test func handMadeEdges() {
        var d = RdmaDevice(name: SysfsText(bytes: [0x6d, 0x6c, 0x78, 0xfe]), sysfsPath: "/sys/devices/virtual/infiniband/x")
        d.contexts = Contexts(total: nil, free: 3)
        var port = Port(number: 1)
        port.gids = []; port.pkeys = [PKeyEntry(index: 0, pkey: 0xffff)]; port.capabilities = PortCapabilities(mask: 0)
        port.linkLayer = SysfsText("Ethernet")
        d.ports = [port, Port(number: 2)]
        var node = CharDevice(kind: .uverbs, name: "uverbs0")
        node.major = 231; node.minor = 192; node.canOpen = false
        d.charDevices = [node]
        d.parentUnknown = true
        #expect(d.jsonFragment.compact == JSONFragment(d.json).compact)
        #expect(d.jsonFragment.value["ifname_raw_b64"] != nil && d.jsonFragment.value["pci"] == nil)
    }
}
