import Testing
@testable import RdmaKit

@Suite("sysfs value formats")
struct ValueParsingTests {
    @Test(arguments: [
        ("0011:7501:0179:e4a0", UInt64(0x0011_7501_0179_e4a0)),
        ("0000:00ff:fe00:0001", UInt64(0x0000_00ff_fe00_0001)),
        ("ffff:ffff:ffff:ffff", UInt64.max),
    ])
    func guidRoundTrip(_ text: String, _ value: UInt64) throws {
        let g = try #require(GUID(sysfs: text))
        #expect(g.value == value)
        #expect(g.sysfs == text)
    }

    /// The byte-wise GUID parser accepts exactly what libibverbs' `%hx:%hx:%hx:%hx` groups of
    /// 1–4 hex digits are, checked against a split-and-parse reference on random strings.
    @Test func guidParserAgreesWithTheReference() {
        func reference(_ text: String) -> UInt64? {
            let groups = text.split(separator: ":", omittingEmptySubsequences: false)
            guard groups.count == 4 else { return nil }
            var v: UInt64 = 0
            for g in groups {
                guard (1...4).contains(g.count), let part = UInt16(g, radix: 16) else { return nil }
                v = v << 16 | UInt64(part)
            }
            return v
        }
        let alphabet = Array("0123456789abcdefABCDEF:+-xg ")
        var state: UInt64 = 12345
        for _ in 0..<20_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let n = Int(state >> 59) + 4
            var text = ""
            for k in 0..<n { text.append(alphabet[Int((state >> UInt64(k % 50)) % UInt64(alphabet.count))]) ; state = state &* 6364136223846793005 &+ 1 }
            #expect(GUID(sysfs: text)?.value == reference(text), "\(text)")
        }
        #expect(GUID(sysfs: "1:2:3:4")?.value == 0x0001_0002_0003_0004)
        #expect(GUID(sysfs: "ABCD:0:0:0")?.sysfs == "abcd:0000:0000:0000")
    }

    /// RFC 4648 §10's test vectors.
    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                      ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")])
    func base64Vectors(_ text: String, _ encoded: String) {
        #expect(base64(Array(text.utf8)) == encoded)
    }

    @Test(arguments: ["", "0000:00ff", "zzzz:0000:0000:0000", "00000:0:0:0", "0:0:0:0:0", "0000:00ff:fe00:0001:", " 0:0:0:0"])
    func malformedGUIDs(_ text: String) { #expect(GUID(sysfs: text) == nil) }

    @Test(arguments: [("1: CA", NodeKind.ca), ("2: switch", .switch), ("4: RNIC", .rnic), ("6: usNIC UDP", .usnicUDP)])
    func nodeTypes(_ text: String, _ kind: NodeKind) { #expect(NodeKind(sysfs: text) == kind) }

    @Test(arguments: ["", "CA", "9: <unknown>", "x: CA"])
    func badNodeTypes(_ text: String) { #expect(NodeKind(sysfs: text) == nil) }

    @Test func portStatesUseIproute2Names() {
        #expect(PortState(sysfs: "4: ACTIVE")?.name == "ACTIVE")
        #expect(PortState(sysfs: "1: DOWN")?.name == "DOWN")
        #expect(PhysicalState(sysfs: "5: LinkUp")?.name == "LINK_UP")
        #expect(PhysicalState(sysfs: "3: Disabled")?.name == "DISABLED")
        #expect(PhysicalState(sysfs: "2: Polling")?.name == "POLLING")
        // iproute2's table (rdma/link.c phys_state_to_str), OPA states included.
        #expect(PhysicalState(sysfs: "4: <unknown>")?.name == "ARMED")
        #expect(PhysicalState(sysfs: "6: LinkErrorRecovery")?.name == "LINK_ERROR_RECOVER")
        #expect(PhysicalState(sysfs: "9: <unknown>")?.name == "OPA_OFFLINE")
        #expect(PhysicalState(sysfs: "11: <unknown>")?.name == "OPA_TEST")
        #expect(PhysicalState(sysfs: "0: <unknown>")?.name == "NOP")
        #expect(PhysicalState(sysfs: "42: <unknown>")?.name == "UNKNOWN")
        #expect(PortState(sysfs: "9: UNKNOWN")?.name == "UNKNOWN")
        #expect(PortState(sysfs: "?: ???") == nil)
    }

    @Test func naturalOrder() {
        let names = ["hfi1_10", "qib0", "hfi1_2", "hfi1_0", "mlx5_1", "hfi1_1", "mlx5_01"]
        #expect(names.sorted(by: naturalLess) == ["hfi1_0", "hfi1_1", "hfi1_2", "hfi1_10", "mlx5_1", "mlx5_01", "qib0"])
        #expect(naturalSorted(names) == names.sorted(by: naturalLess))
    }

    /// The sort's number-keyed fast path orders exactly as the byte-wise comparison: random
    /// names from a small alphabet (prefixes with digits, leading zeros, long runs, no digits).
    @Test func naturalSortedAgreesWithNaturalLess() {
        let alphabet = Array("ab_10900")
        var state: UInt64 = 7
        var names: [String] = ["a99999999999999999999", "a099999999999999999999", "a1", "1", "01", ""]
        for _ in 0..<3000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let n = Int(state >> 60)
            names.append(String((0..<n).map { k in alphabet[Int((state >> UInt64(3 * k + 4)) & 7)] }))
        }
        // Stable order is not promised; the sequence of keys is.
        #expect(naturalSorted(names).map { Array($0.utf8) } == names.sorted(by: naturalLess).map { Array($0.utf8) })
    }

    @Test func devNumbers() {
        #expect(parseDevNumber("231:192")! == (231, 192))
        #expect(parseDevNumber("231:192\n")! == (231, 192))
        #expect(parseDevNumber("231") == nil)
        #expect(parseDevNumber("a:b") == nil)
    }

    @Test func sysfsTextKeepsInvalidBytes() {
        let t = SysfsText(bytes: [0x61, 0xff, 0x62, 0xc3, 0xa9])
        #expect(t.value == "a\\xffbé")
        #expect(t.raw == [0x61, 0xff, 0x62, 0xc3, 0xa9])
        #expect(SysfsText(bytes: Array("ok".utf8)).raw == nil)
    }

    @Test func terminalSafeEscapesControls() {
        #expect(terminalSafe("a\u{1b}[31mb\u{7}\n") == "a\\x1b[31mb\\x07\\n")
        #expect(terminalSafe("x\u{202e}y") == "x\\u{202e}y")
    }

    /// The byte-wise resolver keeps POSIX path semantics (path_resolution(7)): "." and empty
    /// components vanish, ".." removes one, an absolute target restarts at "/", and ".."
    /// above "/" is refused (a rooted tree's escape).
    @Test(arguments: [
        ("target", "/a/b", "/a/b/target"), ("./x//y/", "/a", "/a/x/y"), ("..", "/a/b", "/a"),
        ("../..", "/a/b", "/"), ("/abs/./p/../q", "/ignored", "/abs/q"), ("", "/a", "/a"),
        ("..", "/", nil), ("x/../../..", "/a", nil), ("...", "/a", "/a/..."), (".hidden/..x", "/", "/.hidden/..x"),
        ("üñí/cödé", "/sys", "/sys/üñí/cödé"),
    ] as [(String, String, String?)])
    func resolveFoldsLikePOSIX(target: String, directory: String, expected: String?) {
        #expect(KernelPath.resolve(target, against: directory) == expected)
    }

    /// Printable ASCII is returned as is; anything else still goes through the escaper.
    @Test func terminalSafeFastPathIsIdentity() {
        #expect(terminalSafe("hfi1_0 0011:7501:0179:e4a0 ~") == "hfi1_0 0011:7501:0179:e4a0 ~")
        #expect(terminalSafe("é") == "é")
        #expect(terminalSafe("a\u{7f}") == "a\\x7f")
    }

    /// The values of each of `keys` (`"KEY="`) in a uevent file's lines, in file order, as
    /// `forEachUeventLine` hands them over.
    private func ueventValues(_ uevent: String, keys: [String]) -> [[String]] {
        var found = [[String]](repeating: [], count: keys.count)
        forEachUeventLine(uevent) { key, value in
            for (k, wanted) in keys.enumerated() where String(decoding: key, as: UTF8.self) + "=" == wanted {
                found[k].append(String(decoding: value, as: UTF8.self))
            }
        }
        return found
    }

    /// DEVNAME from a uevent file: the key only at a line start (lib/kobject_uevent.c writes
    /// one KEY=VALUE per line).
    @Test func ueventKeyAtLineStart() {
        #expect(ueventValues("MAJOR=231\nMINOR=192\nDEVNAME=infiniband/uverbs0\n", keys: ["DEVNAME="]) == [["infiniband/uverbs0"]])
        #expect(ueventValues("XDEVNAME=bad\nDEVNAME=", keys: ["DEVNAME="]) == [[""]])
        #expect(ueventValues("", keys: ["DEVNAME="]) == [[]])
        // Several keys in one scan, each with every definition in file order.
        #expect(ueventValues("MAJOR=231\nMINOR=192\nMAJOR=7\nMAJOR", keys: ["MINOR=", "MAJOR=", "X="]) == [["192"], ["231", "7"], []])
        // A value may hold `=`: the key ends at the first (add_uevent_var prints "%s=%s").
        #expect(ueventValues("DEVNAME=a=b\nDEVNAME==", keys: ["DEVNAME="]) == [["a=b", "="]])
    }

    /// A DEVNAME names a node below /dev (drivers/base/devtmpfs.c creates it there): relative,
    /// not empty, no `..` component; `..` inside a longer name is a name.
    @Test(arguments: [("infiniband/uverbs0", true), ("hfi1_0", true), ("", false), ("/dev/x", false), ("..", false),
                      ("a/..", false), ("../a", false), ("a/../b", false), ("..a", true), ("a/..b/c", true),
                      ("a//b", true), ("a/.", true), ("...", true)])
    func ueventNodeNames(_ name: String, _ underDev: Bool) {
        #expect(Array(name.utf8).withUnsafeBufferPointer(isNodeNameUnderDev) == underDev)
    }

    /// Numbers as the kernel's printf formats print them (Hex.swift), against Swift's own
    /// formatting padded by hand: `%0Nx`/`%0NX` with a prefix, `%u:%u`, four octal digits of the
    /// permission bits, `%04x` groups; capability names by bit, unknown bits named UNKNOWN.
    @Test func numbersFormattedInPlace() {
        func padded(_ v: UInt64, _ width: Int, _ upper: Bool) -> String {
            let d = String(v, radix: 16, uppercase: upper)
            return String(repeating: "0", count: max(0, width - d.count)) + d
        }
        for v: UInt64 in [0, 1, 0xf, 0x10, 0xffff, 0x1_0000, 0xdead_beef, UInt64.max] {
            for width in [0, 1, 4, 8, 17] {
                #expect(hex(v, width: width) == padded(v, width, false))
                #expect(hex(v, width: width, uppercase: true, prefix: "0x") == "0x" + padded(v, width, true))
            }
        }
        for (major, minor) in [(UInt32(0), UInt32(0)), (231, 192), (UInt32.max, 7)] {
            #expect(devNumberText(major, minor) == "\(major):\(minor)")
        }
        for mode: UInt32 in [0, 0o666, 0o20666, 0o7777, 0o104755, 0o1] {
            let s = String(mode & 0o7777, radix: 8)
            #expect(octalMode(mode) == String(repeating: "0", count: 4 - s.count) + s)
        }
        #expect(colonHexString([0xfe80, 0, 0x11, 0xabcd]) == "fe80:0000:0011:abcd")
        #expect(colonHexString([UInt16]()) == "")
        #expect(GIDAddress(subnetPrefix: 0xfe80_0000_0000_0000, interfaceID: 0x0011_7501_0179_e4a0).sysfs
                == "fe80:0000:0000:0000:0011:7501:0179:e4a0")
        #expect(PortCapabilities(mask: 0).names == [])
        #expect(PortCapabilities(mask: 0x8000_0003).names
                == [PortCapabilities.names[1]!, PortCapabilities.names[2]!, PortCapabilities.names[0x8000_0000] ?? "UNKNOWN"])
    }

    @Test func kernelPaths() {
        #expect(KernelPath.resolve("../../devices/pci0000:00/0000:00:02.0/infiniband/hfi1_0", against: "/sys/class/infiniband")
                == "/sys/devices/pci0000:00/0000:00:02.0/infiniband/hfi1_0")
        #expect(KernelPath.resolve("../../../../../..", against: "/sys/class/infiniband") == nil)
        #expect(KernelPath.relative(from: "/sys/class/infiniband", to: "/sys/devices/virtual/infiniband/rxe0")
                == "../../devices/virtual/infiniband/rxe0")
        #expect(KernelPath.dirname("/sys/class") == "/sys")
        #expect(KernelPath.dirname("/sys") == "/")
        #expect(KernelPath.dirname("/") == "/")
        #expect(KernelPath.dirname("/sys//class/") == "/sys")
        #expect(KernelPath.dirname("a/b") == "/a")
        #expect(KernelPath.dirname("x") == "/")
        #expect(KernelPath.basename("/sys/class/") == "class")
        #expect(KernelPath.basename("/") == "/")
        #expect(KernelPath.basename("name") == "name")
        #expect(KernelPath.basename("/sys/class/x") == "x")
        #expect(!KernelPath.isPlainName("..") && !KernelPath.isPlainName("a/b") && KernelPath.isPlainName("hfi1_0"))
        // Relative paths on both sides: each walk adds a leading "/" (the buffer holds both).
        #expect(KernelPath.resolve("b", against: "a") == "/a/b")
        #expect(KernelPath.resolve("./b/../c//", against: "a/.") == "/a/c")
        #expect(KernelPath.resolve("..", against: "/") == nil)
        #expect(KernelPath.resolve("/..", against: "/sys") == nil)
        // A target whose first byte is "/" is absolute, as the kernel reads it, even when a
        // combining mark follows ("/\u{301}" is one Character, and String.hasPrefix("/") said
        // no: such a target was resolved against the link's directory).
        #expect(KernelPath.resolve("/\u{301}x/../y", against: "/sys/class") == "/y")
        #expect(KernelPath.resolve("/\u{301}", against: "/sys/class") == "/\u{301}")
        #expect(KernelPath.dirname("/sys/\u{301}x") == "/sys" && KernelPath.basename("/sys/\u{301}x") == "\u{301}x")
        // The same on the bytes for a prefix and an absolute component.
        #expect(KernelPath.isWithin("/sys/\u{301}x", "/sys") && KernelPath.isWithin("/sys", "/sys"))
        #expect(!KernelPath.isWithin("/system", "/sys") && !KernelPath.isWithin("/sy", "/sys") && !KernelPath.isWithin("sys/x", "/sys"))
        #expect(KernelPath.join("/a", "/\u{301}x") == "/\u{301}x" && KernelPath.join("/a/", "b") == "/a/b")
    }

    @Test func jsonSerializationEscapesAndKeepsOrder() {
        let v = JSONValue.object([("z", .int(1)), ("a", .string("x\u{1}\"\\")), ("m", .array([.null, .bool(true)]))])
        #expect(v.serialized(pretty: false) == #"{"z": 1, "a": "x\u0001\"\\", "m": [null, true]}"#)
        #expect(JSONValue.string("\u{9b}31m").serialized(pretty: false) == #""\u009b31m""#)
    }

    @Test func credentialsModeCheck() {
        let user = Credentials(uid: 1000, gid: 1000)
        #expect(user.mayReadWrite(mode: 0o666, uid: 0, gid: 0))
        #expect(!user.mayReadWrite(mode: 0o600, uid: 0, gid: 0))
        #expect(user.mayReadWrite(mode: 0o600, uid: 1000, gid: 0))
        #expect(user.mayReadWrite(mode: 0o660, uid: 0, gid: 1000))
        #expect(Credentials(uid: 0, gid: 0).mayReadWrite(mode: 0o000, uid: 5, gid: 5))
    }

    /// Class entries are matched on their bytes, as the kernel names them: a prefix followed by
    /// a combining mark is still that prefix (String.hasPrefix, comparing Characters, says no).
    @Test func bytePrefixes() {
        #expect("uverbs12".hasBytePrefix("uverbs"))
        #expect("issm0".hasBytePrefix("issm") && !"issm0".hasBytePrefix("umad"))
        #expect(!"uverb".hasBytePrefix("uverbs"))
        #expect("".hasBytePrefix(""))
        #expect(!"".hasBytePrefix("q"))
        #expect("hfi1_\u{301}".hasBytePrefix("hfi1_"))
        #expect(!"hfi1_\u{301}".hasPrefix("hfi1_"))
    }
}
