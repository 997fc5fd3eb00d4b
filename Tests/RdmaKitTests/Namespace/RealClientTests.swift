import Foundation
import Glibc
import Testing
import RdmaKit

// Real clients recognise the emulated tree (DESIGN §5 last sentence, §8): `rdmactl --emulated
// snapshot OUT` is shown to rdma-core's own tools, and they must see the devices, GUIDs and port
// states that `rdmactl --emulated list --json` reports.
//
// What the tools read (rdma-core 44, Debian 12; `strace -f -e trace=file` against a hand-made tree):
//
// ibstat (libibumad `umad_get_ca_device_list` + `umad_get_ca`; paths hard-coded under /sys, so the
// tree is bind-mounted over /sys in a private mount namespace; ibstat does not read
// class/infiniband_mad at all):
//   class/infiniband/                      scandir; an entry is a CA when node_type's leading int is 1..3
//   <ca>/node_type                         required (strtoul)
//   <ca>/node_guid, <ca>/sys_image_guid    required, 4 ':'-separated hex groups
//   <ca>/fw_ver, hw_rev (≤19 chars), hca_type (≤39 chars, "CA type")   optional, empty if absent
//   <ca>/ports/                            every entry must be numeric, else the whole CA fails
//   ports/N/{lid_mask_count,sm_lid,sm_sl,lid,state,phys_state,rate,cap_mask}   required (strtoul base 0)
//   ports/N/gids/0                         required, 8 ':'-separated hex groups (low 64 bits = Port GUID)
//   ports/N/pkeys/                         at least one numeric entry ("no pkeys found" and the CA fails)
//   ports/N/link_layer                     optional ("IB" if absent)
//   ports/N/rate                           read again: "(... FDR10)" suffix check
// A missing required file makes ibstat exit 255: "stat of IB device 'X' failed".
//
// ibv_devices (libibverbs; NETLINK_RDMA is EPROTONOSUPPORT here, so it falls back to sysfs under
// SYSFS_PATH, honoured when uid == euid; /dev/infiniband is hard-coded, so a private directory is
// bound over it in the namespace):
//   class/infiniband_verbs/                opendir (missing: no devices)
//   class/infiniband_verbs/uverbsN/{ibdev,dev,abi_version}   ibdev and dev ("%u:%u") required
//   class/infiniband/<ibdev>               stat must succeed
//   class/infiniband/<ibdev>/node_type     leading int
//   /dev/infiniband/uverbsN                stat must succeed (existence only; a placeholder file will do)
//   class/infiniband_verbs/abi_version     3..6, else the whole list fails
//   class/infiniband/<ibdev>/device/modalias   "pci:v%08Xd%08X…" uppercase, matched against the
//                                          providers (hfi1verbs 8086:24F0, ipathverbs 1077:7322);
//                                          no match: the device is dropped (warning with IBV_SHOW_WARNINGS)
//   class/infiniband/<ibdev>/node_guid     printed without colons

/// Whether this machine can run the namespace tests, and the tools' fixed paths.
fileprivate enum RealClientHost {
    static let unshare = "/usr/bin/unshare"
    static let timeout = "/usr/bin/timeout"
    static let ibstat = "/usr/sbin/ibstat"
    static let ibvDevices = "/usr/bin/ibv_devices"
    static let strace = "/usr/bin/strace"
    /// Each spawn is killed after this long (coreutils `timeout` kills its whole process group).
    static let seconds = 20

    /// CI sets this: a namespace test that cannot run is then a failure, never a skip.
    static let required = ProcessInfo.processInfo.environment["RDMACTL_REQUIRE_NAMESPACE_TESTS"] == "1"

    /// nil when the namespace tests can run here, else why not.
    static let unavailableReason: String? = {
        for tool in [unshare, timeout, ibstat, ibvDevices] where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is missing (.ci/install-deps.sh installs infiniband-diags and ibverbs-utils)"
        }
        if let why = packageProblem { return why }
        guard geteuid() == 0 else { return "not root (euid \(geteuid())): unshare -m needs CAP_SYS_ADMIN" }
        do {
            let probe = try spawnBounded([unshare, "--mount", "--propagation", "private", "/bin/sh", "-c",
                                          "mount -t tmpfs rdmactl-probe /mnt"], seconds: seconds)
            guard probe.status == 0 else { return "unshare -m / mount in it failed: \(probe)" }
        } catch {
            return "cannot spawn \(unshare): \(error)"
        }
        if netlinkRDMAWorks && !FileManager.default.isExecutableFile(atPath: strace) {
            return "NETLINK_RDMA works on this host (libibverbs would ignore SYSFS_PATH) and \(strace) is missing"
        }
        return nil
    }()

    static var runs: Bool { unavailableReason == nil || required }

    /// The packages these tests spawn or load (.ci/packages.txt): the tools, and the verbs
    /// providers for both emulated drivers — without `libhfi1verbs`/`libipathverbs` and their
    /// `.driver` files, libibverbs drops hfi1_0 and qib0 ("no userspace device-specific driver").
    static let packages = ["util-linux", "infiniband-diags", "ibverbs-utils", "ibverbs-providers"]
    static let packageProblem: String? = packages.lazy.compactMap(HostPackage.problem).first

    /// One failure per missing package, naming it (literal names: .ci/check-deps.sh collects them).
    static func requirePackages(sourceLocation: SourceLocation = #_sourceLocation) {
        HostPackage.require("util-linux", sourceLocation: sourceLocation)
        HostPackage.require("infiniband-diags", sourceLocation: sourceLocation)
        HostPackage.require("ibverbs-utils", sourceLocation: sourceLocation)
        HostPackage.require("ibverbs-providers", sourceLocation: sourceLocation)
    }

    /// At the top of each test: false (after recording why) when the test cannot run.
    static func available(sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        guard let why = unavailableReason else { return true }
        Issue.record("namespace test could not run (RDMACTL_REQUIRE_NAMESPACE_TESTS=1): \(why)",
                     sourceLocation: sourceLocation)
        return false
    }

    /// libibverbs scans SYSFS_PATH only when the NETLINK_RDMA socket cannot be opened (ABI-FACTS
    /// §6.1); where it can, ibv_devices runs under strace with socket() failing EPROTONOSUPPORT.
    static let netlinkRDMAWorks: Bool = {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 20)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }()

    /// The spawned tools' environment: nothing of the caller's rdma-core or rdmactl settings.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key == "SYSFS_PATH" || key.hasPrefix("IBV_") || key.hasPrefix("RDMAV_")
            || key.hasPrefix("VERBS_") || key.hasPrefix("RDMACTL_") || key.hasPrefix("UMAD_") {
            env[key] = nil
        }
        env["LC_ALL"] = "C"
        env["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
        return env.merging(extra) { $1 }
    }

    /// `sh -c script tree args…` in a private mount namespace; nothing it mounts is seen outside.
    static func inNamespace(_ script: String, tree: String, _ args: [String] = [],
                            environment extra: [String: String] = [:]) throws -> Spawned {
        try spawnBounded([unshare, "--mount", "--propagation", "private", "/bin/sh", "-c", "set -e\n" + script,
                          "rdmactl-namespace-test", tree] + args,
                         environment: environment(extra), seconds: seconds)
    }

    /// The exported /sys over the host's /sys, then ibstat.
    static let ibstatScript = """
        tree=$1; shift
        mount --bind "$tree/sys" /sys
        exec /usr/sbin/ibstat "$@"
        """

    /// The exported /dev/infiniband placeholders over /dev/infiniband, then the command with
    /// SYSFS_PATH. A host without /dev/infiniband has nothing to bind over: a tmpfs goes over /dev
    /// inside this namespace only (never a file under the host's /dev).
    static let verbsScript = """
        tree=$1; shift
        if [ -d /dev/infiniband ]; then
            mount --bind "$tree/dev/infiniband" /dev/infiniband
        else
            mount -t tmpfs -o mode=0755,size=1m rdmactl-test-dev /dev
            mkdir /dev/infiniband
            mount --bind "$tree/dev/infiniband" /dev/infiniband
        fi
        SYSFS_PATH="$tree/sys" exec "$@"
        """

    /// ibv_devices, wrapped so that it takes the sysfs path even where NETLINK_RDMA works.
    static func ibvDevicesCommand(scratch: String) -> [String] {
        guard netlinkRDMAWorks else { return [ibvDevices] }
        return [strace, "-f", "-qq", "-o", scratch + "/strace.log", "-e", "trace=socket",
                "-e", "inject=socket:error=EPROTONOSUPPORT", ibvDevices]
    }
}

/// One bounded child process.
fileprivate struct Spawned: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var timedOut: Bool
    var description: String {
        "status \(status)\(timedOut ? " (timed out)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}

/// Runs argv under `timeout --kill-after=5 SECONDS`, with stdout/stderr in files (no pipe can
/// fill up) and a watchdog that SIGKILLs `timeout` itself if even that hangs.
fileprivate func spawnBounded(_ argv: [String], environment: [String: String]? = nil, seconds: Int) throws -> Spawned {
    let scratch = TempTree("spawn")
    let outPath = scratch.path + "/stdout", errPath = scratch.path + "/stderr"
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    let p = Process()
    p.executableURL = URL(fileURLWithPath: RealClientHost.timeout)
    p.arguments = ["--kill-after=5", String(seconds)] + argv
    if let environment { p.environment = environment }
    p.standardInput = FileHandle.nullDevice
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let deadline = Date().addingTimeInterval(Double(seconds + 10))
    var killed = false
    while p.isRunning {
        if Date() > deadline { kill(p.processIdentifier, SIGKILL); killed = true; break }
        usleep(10_000)
    }
    p.waitUntilExit()
    try? out.close(); try? err.close()
    let status = p.terminationStatus
    return Spawned(status: status,
                   stdout: readText(atPath: outPath),
                   stderr: readText(atPath: errPath),
                   timedOut: killed || status == 124 || status == 137)
}

// MARK: - what rdmactl says

fileprivate func rcString(_ v: JSONValue?) -> String? {
    if case .string(let s)? = v { return s }
    return nil
}

fileprivate func rcInt(_ v: JSONValue?) -> Int64? {
    switch v {
    case .int(let i)?: return i
    case .uint(let u)?: return Int64(exactly: u)
    default: return nil
    }
}

fileprivate func rcArray(_ v: JSONValue?) -> [JSONValue] {
    if case .array(let a)? = v { return a }
    return []
}

/// A device as `rdmactl list --json` reports it.
fileprivate struct ListedDevice {
    struct Port {
        var number: Int
        var state: String?
        var physicalState: String?
        var lid: Int64?
        var smLID: Int64?
        var lmc: Int64?
        var rate: String?
        var linkLayer: String?
        var gid0: String?
    }
    var name: String
    var nodeType: String?
    var nodeGUID: String?
    var systemImageGUID: String?
    var firmware: String?
    var hardwareRevision: String?
    var ports: [Port]
    /// The uverbs node path, e.g. /dev/infiniband/uverbs0.
    var uverbsPath: String?
    var uverbsDev: String?

    init?(_ json: JSONValue) {
        guard let name = rcString(json["ifname"]) else { return nil }
        self.name = name
        nodeType = rcString(json["node_type"])
        nodeGUID = rcString(json["node_guid"])
        systemImageGUID = rcString(json["sys_image_guid"])
        firmware = rcString(json["fw"])
        hardwareRevision = rcString(json["hw_rev"])
        ports = rcArray(json["ports"]).compactMap { p in
            guard let n = rcInt(p["port"]) else { return nil }
            return Port(number: Int(n), state: rcString(p["state"]), physicalState: rcString(p["physical_state"]),
                        lid: rcInt(p["lid"]), smLID: rcInt(p["sm_lid"]), lmc: rcInt(p["lmc"]),
                        rate: rcString(p["rate"]), linkLayer: rcString(p["link_layer"]), gid0: rcString(p["gid0"]))
        }
        let uverbs = rcArray(json["char_devices"]).first { rcString($0["kind"]) == "uverbs" }
        uverbsPath = rcString(uverbs?["path"])
        uverbsDev = rcString(uverbs?["dev"])
    }
}

/// An exported emulated tree and what rdmactl listed for the same selection.
fileprivate struct Export {
    let temp: TempTree
    let devices: [ListedDevice]
    var root: String { temp.path + "/tree" }

    /// A file of the exported sysfs, raw, or nil when absent.
    func sysfs(_ rel: String) -> String? { try? String(contentsOfFile: root + "/sys/" + rel, encoding: .utf8) }
}

/// `rdmactl SELECTION snapshot OUT` in-process, and `rdmactl SELECTION list --json`.
fileprivate func export(_ selection: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Export {
    let temp = TempTree("realclient")
    let root = temp.path + "/tree"
    let snap = rdmactl(selection + ["snapshot", root])
    try #require(snap.status == 0, "rdmactl \(selection.joined(separator: " ")) snapshot: \(snap.stderr)",
                 sourceLocation: sourceLocation)
    let list = rdmactl(selection + ["list", "--json"])
    try #require(list.status == 0, "rdmactl list --json: \(list.stderr)", sourceLocation: sourceLocation)
    let data = try #require(list.envelope?["data"], "list --json printed no envelope", sourceLocation: sourceLocation)
    let devices = rcArray(data["devices"]).compactMap(ListedDevice.init)
    try #require(!devices.isEmpty, "rdmactl listed no devices", sourceLocation: sourceLocation)
    return Export(temp: temp, devices: devices)
}

// MARK: - what the tools print

/// One `CA 'name'` block of ibstat's output.
fileprivate struct IbstatCA {
    var kind: String
    var name: String
    var fields: [String: String] = [:]
    var ports: [Int: [String: String]] = [:]
}

fileprivate func keyValue(_ body: Substring) -> (String, String)? {
    guard let r = body.range(of: ": ") else {
        return body.hasSuffix(":") ? (String(body.dropLast()), "") : nil
    }
    return (String(body[..<r.lowerBound]), String(body[r.upperBound...]))
}

/// Parses ibstat's default output: "CA 'x'", "\tKey: value", "\tPort N:", "\t\tKey: value".
fileprivate func parseIbstat(_ text: String) -> [IbstatCA] {
    var cas: [IbstatCA] = []
    var port: Int?
    for line in text.split(separator: "\n") {
        if !line.hasPrefix("\t") {
            guard let q1 = line.firstIndex(of: "'"), let q2 = line.lastIndex(of: "'"), q1 < q2 else { continue }
            cas.append(IbstatCA(kind: line[..<q1].trimmingCharacters(in: .whitespaces),
                                name: String(line[line.index(after: q1)..<q2])))
            port = nil
        } else if line.hasPrefix("\t\t") {
            guard let p = port, !cas.isEmpty, let (k, v) = keyValue(line.dropFirst(2)) else { continue }
            cas[cas.count - 1].ports[p, default: [:]][k] = v
        } else {
            let body = line.dropFirst()
            if body.hasPrefix("Port "), body.hasSuffix(":"), let n = Int(body.dropFirst(5).dropLast()) {
                port = n
                if !cas.isEmpty { cas[cas.count - 1].ports[n] = [:] }
            } else if !cas.isEmpty, let (k, v) = keyValue(body) {
                cas[cas.count - 1].fields[k] = v
            }
        }
    }
    return cas
}

/// ibv_devices' rows after its two header lines: (device, GUID without colons).
fileprivate func parseIbvDevices(_ text: String) -> [(name: String, guid: String)] {
    text.split(separator: "\n").compactMap { line in
        let cols = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard cols.count == 2, cols[0] != "device", !cols[0].hasPrefix("---") else { return nil }
        return (String(cols[0]), String(cols[1]))
    }
}

// MARK: - how ibstat renders rdmactl's values (infiniband-diags ibstat.c, libibumad sysfs.c)

fileprivate enum IbstatFormat {
    /// libibumad `sys_read_string` into a `max`-byte buffer: at most max-1 bytes, last '\n' cut.
    static func umadString(_ content: String, max: Int) -> String {
        var bytes = Array(content.utf8)
        if bytes.count >= max { bytes = Array(bytes.prefix(max - 1)) }
        if let nl = bytes.lastIndex(of: 0x0a) { bytes = Array(bytes[..<nl]) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `strtoul(s, 0, 0)`: leading blanks, 0x hex / 0 octal / decimal digits; 0 when none.
    static func strtoul(_ s: String) -> UInt64 {
        var t = Substring(s).drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" })
        var radix = 10
        if t.hasPrefix("0x") || t.hasPrefix("0X") { radix = 16; t = t.dropFirst(2) }
        else if t.hasPrefix("0") && t.count > 1 { radix = 8; t = t.dropFirst() }
        let digits = t.prefix(while: { $0.isHexDigit && Int(String($0), radix: radix) != nil })
        return UInt64(digits, radix: radix) ?? 0
    }

    /// "0011:7501:0179:e4a0" → "0x001175010179e4a0".
    static func guid(_ sysfs: String) -> String { "0x" + sysfs.split(separator: ":").joined() }

    /// The port GUID ibstat prints: the low 64 bits of gids/0.
    static func portGUID(gid0: String) -> String {
        "0x" + gid0.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":").suffix(4).joined()
    }

    static func nodeKind(_ iproute2: String?) -> String {
        switch iproute2 {
        case "ca": return "CA"
        case "switch": return "Switch"
        case "router": return "Router"
        case "rnic": return "iWARP RNIC"
        default: return "???"
        }
    }

    static func state(_ name: String?) -> String {
        ["DOWN": "Down", "INIT": "Initializing", "ARMED": "Armed", "ACTIVE": "Active"][name ?? ""] ?? "???"
    }

    static func physicalState(_ name: String?) -> String {
        ["NO_STATE_CHANGE": "No state change", "SLEEP": "Sleep", "POLLING": "Polling", "DISABLED": "Disabled",
         "PORT_CONFIGURATION_TRAINING": "PortConfigurationTraining", "LINK_UP": "LinkUp",
         "LINK_ERROR_RECOVERY": "LinkErrorRecovery", "PHY_TEST": "PhyTest"][name ?? ""] ?? "???"
    }

    /// `Rate:` is strtoul of "100 Gb/sec (4X EDR)"; 2 prints as "2.5"; FDR10 gets a suffix.
    static func rate(_ sysfs: String?) -> String {
        let n = strtoul(sysfs ?? "")
        if let s = sysfs, let close = s.firstIndex(of: ")"),
           s[..<close].uppercased().hasSuffix("FDR10") { return "\(n) (FDR10)" }
        return n == 2 ? "2.5" : String(n)
    }

    static func capabilityMask(_ sysfs: String?) -> String {
        let v = strtoul(sysfs ?? "") & 0xffff_ffff
        let h = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - h.count)) + h
    }
}

// MARK: - the tests

@Suite("real clients (ibstat, ibv_devices) in a private mount namespace", .serialized,
       .enabled(if: RealClientHost.runs, "namespace tests need root, unshare -m, ibstat and ibv_devices"))
struct RealClientTests {
    static let selections: [[String]] = [
        ["--emulated"],
        ["--emulated-set", "hfi1:2,qib"],
        ["--emulated-set", "qib:2,hfi1"],
    ]

    @Test("ibstat sees the devices, GUIDs and port states rdmactl lists", arguments: selections)
    func ibstatSeesTheEmulatedTree(_ selection: [String]) throws {
        RealClientHost.requirePackages()
        guard RealClientHost.available() else { return }
        let tree = try export(selection)
        let hostDevInfiniband = FileManager.default.fileExists(atPath: "/dev/infiniband")

        let run = try RealClientHost.inNamespace(RealClientHost.ibstatScript, tree: tree.root)
        try #require(run.status == 0 && !run.timedOut, "ibstat over the exported /sys: \(run)")
        let cas = parseIbstat(run.stdout)
        #expect(cas.map(\.name).sorted() == tree.devices.map(\.name).sorted(), "ibstat:\n\(run.stdout)")
        if selection == ["--emulated"] {
            // DESIGN §5's pinned default set, as ibstat words it.
            #expect(Set(cas.map(\.name)) == ["hfi1_0", "qib0"])
            let hfi1 = cas.first { $0.name == "hfi1_0" }, qib = cas.first { $0.name == "qib0" }
            #expect(hfi1?.fields["Number of ports"] == "1")
            #expect(hfi1?.ports[1]?["State"] == "Active")
            #expect(hfi1?.ports[1]?["Physical state"] == "LinkUp")
            #expect(hfi1?.ports[1]?["Base lid"] == "1")
            #expect(hfi1?.ports[1]?["Link layer"] == "InfiniBand")
            #expect(qib?.fields["Number of ports"] == "2")
            #expect(qib?.ports[1]?["State"] == "Active")
            #expect(qib?.ports[1]?["Base lid"] == "2")
            #expect(qib?.ports[2]?["State"] == "Down")
            #expect(qib?.ports[1]?["Link layer"] == "InfiniBand")
        }
        for ca in cas {
            for (n, port) in ca.ports {
                #expect(port["Rate"].map { $0 != "0" } == true, "\(ca.name) port \(n): sysfs rate must start with a number")
                #expect(port["Port GUID"] != "0x0000000000000000", "\(ca.name) port \(n): gids/0 must hold the port GUID")
            }
        }

        for dev in tree.devices {
            guard let ca = cas.first(where: { $0.name == dev.name }) else {
                Issue.record("ibstat does not show \(dev.name):\n\(run.stdout)\(run.stderr)")
                continue
            }
            let kind = IbstatFormat.nodeKind(dev.nodeType)
            #expect(ca.kind == kind, "\(dev.name)")
            #expect(ca.fields["\(kind) type"] == IbstatFormat.umadString(tree.sysfs("class/infiniband/\(dev.name)/hca_type") ?? "", max: 40),
                    "\(dev.name): CA type comes from hca_type")
            #expect(ca.fields["Number of ports"] == String(dev.ports.map(\.number).max() ?? 0), "\(dev.name)")
            #expect(ca.fields["Firmware version"] == IbstatFormat.umadString((dev.firmware ?? "") + "\n", max: 20), "\(dev.name)")
            #expect(ca.fields["Hardware version"] == IbstatFormat.umadString((dev.hardwareRevision ?? "") + "\n", max: 20), "\(dev.name)")
            let guid = try #require(dev.nodeGUID, "rdmactl lists no node_guid for \(dev.name)")
            #expect(ca.fields["Node GUID"] == IbstatFormat.guid(guid), "\(dev.name)")
            #expect(ca.fields["System image GUID"] == dev.systemImageGUID.map(IbstatFormat.guid), "\(dev.name)")
            #expect(Set(ca.ports.keys) == Set(dev.ports.map(\.number)), "\(dev.name) ports")

            for port in dev.ports {
                let where_ = "\(dev.name) port \(port.number)"
                guard let p = ca.ports[port.number] else { Issue.record("ibstat shows no \(where_)"); continue }
                #expect(p["State"] == IbstatFormat.state(port.state), "\(where_)")
                #expect(p["Physical state"] == IbstatFormat.physicalState(port.physicalState), "\(where_)")
                #expect(p["Rate"] == IbstatFormat.rate(port.rate), "\(where_): rate \(port.rate ?? "nil")")
                #expect(p["Base lid"] == port.lid.map { String($0) }, "\(where_)")
                #expect(p["LMC"] == port.lmc.map { String($0) }, "\(where_)")
                #expect(p["SM lid"] == port.smLID.map { String($0) }, "\(where_)")
                #expect(p["Capability mask"]
                        == IbstatFormat.capabilityMask(tree.sysfs("class/infiniband/\(dev.name)/ports/\(port.number)/cap_mask")),
                        "\(where_)")
                let gid0 = port.gid0 ?? tree.sysfs("class/infiniband/\(dev.name)/ports/\(port.number)/gids/0")
                #expect(p["Port GUID"] == gid0.map(IbstatFormat.portGUID), "\(where_)")
                #expect(p["Link layer"] == (port.linkLayer ?? "IB"), "\(where_)")
            }
        }

        // `ibstat -l` names the CAs; `ibstat -p` lists every port GUID.
        let names = try RealClientHost.inNamespace(RealClientHost.ibstatScript, tree: tree.root, ["-l"])
        #expect(names.status == 0, "ibstat -l: \(names)")
        #expect(names.stdout.split(separator: "\n").map(String.init).sorted() == tree.devices.map(\.name).sorted())
        let guids = try RealClientHost.inNamespace(RealClientHost.ibstatScript, tree: tree.root, ["-p"])
        #expect(guids.status == 0, "ibstat -p: \(guids)")
        let expectedGUIDs = tree.devices.flatMap { dev in
            dev.ports.compactMap { port in
                (port.gid0 ?? tree.sysfs("class/infiniband/\(dev.name)/ports/\(port.number)/gids/0")).map(IbstatFormat.portGUID)
            }
        }
        #expect(guids.stdout.split(separator: "\n").map(String.init).sorted() == expectedGUIDs.sorted())

        // The namespace kept its mounts to itself.
        #expect(FileManager.default.fileExists(atPath: "/dev/infiniband") == hostDevInfiniband)
        let mounts = readText(atPath: "/proc/self/mountinfo")   // st_size 0: see ReadText.swift
        #expect(!mounts.contains(tree.temp.path), "a namespace mount leaked into the host:\n\(mounts)")
    }

    @Test("ibv_devices sees the devices and node GUIDs rdmactl lists", arguments: selections)
    func ibvDevicesSeesTheEmulatedTree(_ selection: [String]) throws {
        RealClientHost.requirePackages()
        guard RealClientHost.available() else { return }
        let tree = try export(selection)
        let hostDevInfiniband = FileManager.default.fileExists(atPath: "/dev/infiniband")
        let withUverbs = tree.devices.filter { $0.uverbsPath != nil }
        #expect(withUverbs.count == tree.devices.count, "every emulated hfi1/qib device has a uverbs node")

        // What ibv_devices needs of the export besides sysfs: a node (any file) per uverbs device.
        // The manifest must carry what a real /dev has: a char device with sysfs' major:minor,
        // which libibverbs checks when it opens one (ABI-FACTS §6.1 item 6).
        let manifestBytes = FileManager.default.contents(atPath: tree.root + "/" + SnapshotManifest.fileName)
        let manifest = try #require(manifestBytes.flatMap { SnapshotManifest.decode(Array($0)) },
                                    "no readable \(SnapshotManifest.fileName) in the snapshot")
        for dev in withUverbs {
            let path = try #require(dev.uverbsPath)
            #expect(path.hasPrefix("/dev/infiniband/uverbs"), "\(dev.name): \(path)")
            #expect(FileManager.default.fileExists(atPath: tree.root + path),
                    "the snapshot wrote no placeholder for \(path): ibv_devices would drop \(dev.name)")
            let node = manifest.nodes.first { $0.path == path }
            #expect(node?.type == "char", "\(path) in the manifest: \(String(describing: node))")
            #expect(node.map { "\($0.major):\($0.minor)" } == dev.uverbsDev, "\(path): manifest vs sysfs dev")
            #expect(node?.mode == "0666", "\(path): uverbs nodes are 0666 (ABI-FACTS §7)")
        }

        let scratch = TempTree("ibv")
        let run = try RealClientHost.inNamespace(RealClientHost.verbsScript, tree: tree.root,
                                                 RealClientHost.ibvDevicesCommand(scratch: scratch.path),
                                                 environment: ["IBV_SHOW_WARNINGS": "1"])
        try #require(run.status == 0 && !run.timedOut, "ibv_devices over the exported tree: \(run)")
        let rows = parseIbvDevices(run.stdout)
        #expect(rows.map(\.name).sorted() == withUverbs.map(\.name).sorted(), "ibv_devices:\n\(run.stdout)\(run.stderr)")
        if selection == ["--emulated"] {
            #expect(Set(rows.map(\.name)) == ["hfi1_0", "qib0"])
        }
        for dev in withUverbs {
            let row = rows.first { $0.name == dev.name }
            #expect(row?.guid == dev.nodeGUID.map { $0.split(separator: ":").joined() }, "\(dev.name) node GUID")
        }
        // Every device matched its provider (hfi1verbs, ipathverbs) through device/modalias.
        #expect(!run.stderr.contains("no userspace device-specific driver"), "\(run.stderr)")
        #expect(!run.stderr.contains("does not support the kernel ABI"), "\(run.stderr)")

        #expect(FileManager.default.fileExists(atPath: "/dev/infiniband") == hostDevInfiniband,
                "the namespace must not create /dev/infiniband on the host")
        let mounts = readText(atPath: "/proc/self/mountinfo")   // st_size 0: see ReadText.swift
        #expect(!mounts.contains(tree.temp.path), "a namespace mount leaked into the host:\n\(mounts)")
    }

    /// Control: ibv_devices really looks at the bound /dev/infiniband — without qib0's uverbs
    /// placeholder it drops qib0 (ABI-FACTS §6.1 item 8), so the test above is not vacuous.
    @Test("ibv_devices drops a device whose uverbs node is missing")
    func ibvDevicesNeedsTheUverbsNode() throws {
        RealClientHost.requirePackages()
        guard RealClientHost.available() else { return }
        let tree = try export(["--emulated"])
        let qib = try #require(tree.devices.first { $0.name == "qib0" }?.uverbsPath, "qib0 has no uverbs node")
        try FileManager.default.removeItem(atPath: tree.root + qib)
        let scratch = TempTree("ibv")
        let run = try RealClientHost.inNamespace(RealClientHost.verbsScript, tree: tree.root,
                                                 RealClientHost.ibvDevicesCommand(scratch: scratch.path))
        try #require(run.status == 0 && !run.timedOut, "\(run)")
        #expect(parseIbvDevices(run.stdout).map(\.name) == ["hfi1_0"], "\(run.stdout)")
    }
}

/// The file list above, checked on the exported tree without any tool: when the namespace tests
/// fail, this names exactly the file or format the emulator is missing. Needs no root.
@Suite("exported tree has what ibstat and ibv_devices read")
struct RealClientTreeTests {
    @Test(arguments: RealClientTests.selections)
    func exportedTreeHasEveryFileTheToolsRead(_ selection: [String]) throws {
        let tree = try export(selection)
        var problems: [String] = []
        func need(_ rel: String, _ check: (String) -> Bool = { _ in true }, _ what: String = "") {
            guard let text = tree.sysfs(rel) else {
                problems.append("missing sys/\(rel)" + (what.isEmpty ? "" : " (\(what))"))
                return
            }
            if !check(text) { problems.append("sys/\(rel) = \(text.debugDescription): \(what)") }
        }
        let hexGroups: (String, Int) -> Bool = { text, n in
            let g = text.trimmingCharacters(in: .newlines).split(separator: ":", omittingEmptySubsequences: false)
            return g.count == n && g.allSatisfy { (1...4).contains($0.count) && UInt16($0, radix: 16) != nil }
        }
        let leadingNumber: (String) -> Bool = { $0.first?.isNumber == true }

        need("class/infiniband_verbs/abi_version", { (3...6).contains(Int(IbstatFormat.strtoul($0))) }, "libibverbs wants 3..6")
        for dev in tree.devices {
            let d = "class/infiniband/\(dev.name)"
            need(d + "/node_type", { (1...3).contains(Int(IbstatFormat.strtoul($0))) }, "ibstat lists node types 1..3")
            need(d + "/node_guid", { hexGroups($0, 4) }, "four hex groups")
            need(d + "/sys_image_guid", { hexGroups($0, 4) }, "four hex groups")
            need(d + "/device/modalias", { text in
                // "pci:v%08Xd%08X…": the ids in uppercase hex, as VERBS_PCI_MATCH's fnmatch wants them.
                let c = Array(text)
                return c.count >= 22 && text.hasPrefix("pci:v") && c[13] == "d"
                    && (c[5..<13] + c[14..<22]).allSatisfy { $0.isNumber || ("A"..."F").contains($0) }
            }, "libibverbs matches providers on uppercase pci:v%08Xd%08X")
            let portDirs = (try? FileManager.default.contentsOfDirectory(atPath: tree.root + "/sys/" + d + "/ports")) ?? []
            if portDirs.isEmpty { problems.append("no sys/\(d)/ports/N") }
            for entry in portDirs where Int(entry) == nil {
                problems.append("sys/\(d)/ports/\(entry): a non-numeric port entry makes ibstat fail the whole CA")
            }
            for port in dev.ports {
                let p = d + "/ports/\(port.number)"
                for f in ["lid_mask_count", "sm_lid", "sm_sl", "lid", "state", "phys_state", "rate", "cap_mask"] {
                    need(p + "/" + f, leadingNumber, "libibumad strtoul needs a leading number")
                }
                need(p + "/gids/0", { hexGroups($0, 8) }, "eight hex groups")
                need(p + "/link_layer", { !$0.isEmpty })
                let pkeys = (try? FileManager.default.contentsOfDirectory(atPath: tree.root + "/sys/" + p + "/pkeys")) ?? []
                if !pkeys.contains(where: { Int($0) != nil }) {
                    problems.append("no sys/\(p)/pkeys/N: libibumad then fails the CA (\"no pkeys found\")")
                }
            }
            guard let path = dev.uverbsPath else { problems.append("\(dev.name): no uverbs char device"); continue }
            let uverbs = String(path.split(separator: "/").last ?? "")
            let u = "class/infiniband_verbs/\(uverbs)"
            need(u + "/ibdev", { $0.trimmingCharacters(in: .newlines) == dev.name }, "names its device")
            need(u + "/dev", { $0.split(separator: ":").count == 2 }, "\"%u:%u\"")
            need(u + "/abi_version", leadingNumber)
            if !FileManager.default.fileExists(atPath: tree.root + path) { problems.append("missing placeholder \(path)") }
        }
        #expect(problems.isEmpty, "the exported tree lacks what rdma-core reads:\n\(problems.joined(separator: "\n"))")
    }
}
