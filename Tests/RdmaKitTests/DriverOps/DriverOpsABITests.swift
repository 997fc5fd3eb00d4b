import CRdmaABI
import Foundation
@testable import RdmaEmulator
@_spi(KernelSeam) import RdmaKit
import Testing

// The proposed uAPI's numbers and bytes (Docs/ABI.md "The uAPI"): every expected value is a
// literal from ABI.md, never the shim constant again, so a shim change that moves a number or
// an offset fails here; the emulator's decoder is checked against the same golden bytes.

/// Fills the C struct (the layout authority) and returns its 96 bytes.
func driverOpsRequestBytes(name: [UInt8], major: UInt32, minMinor: UInt32 = 0, flags: UInt32 = 0,
                           reserved: UInt32 = 0) -> [UInt8] {
    var req = rdmaabi_driver_ops_req()
    withUnsafeMutableBytes(of: &req.name) { buffer in
        for (i, byte) in name.prefix(buffer.count).enumerated() { buffer[i] = byte }
    }
    req.flags = flags
    req.major = major
    req.min_minor = minMinor
    req.reserved.1 = reserved
    return withUnsafeBytes(of: req) { Array($0) }
}

func driverOpsRequestBytes(_ name: String, major: UInt32, minMinor: UInt32 = 0, flags: UInt32 = 0) -> [UInt8] {
    driverOpsRequestBytes(name: Array(name.utf8), major: major, minMinor: minMinor, flags: flags)
}

/// `offered_major`.`offered_minor`.
struct OfferedVersion: Equatable, Sendable, CustomStringConvertible {
    var major: UInt32
    var minor: UInt32
    init(_ major: UInt32, _ minor: UInt32) { self.major = major; self.minor = minor }
    var description: String { "\(major).\(minor)" }
}

/// Reads the reply half of the struct back through the C layout.
func driverOpsReply(_ bytes: [UInt8]) -> OfferedVersion {
    let req = bytes.withUnsafeBytes { $0.loadUnaligned(as: rdmaabi_driver_ops_req.self) }
    return OfferedVersion(req.offered_major, req.offered_minor)
}

func hexBytes(_ text: String) -> [UInt8] {
    let digits = text.filter(\.isHexDigit)
    return stride(from: 0, to: digits.count, by: 2).map { i in
        let start = digits.index(digits.startIndex, offsetBy: i)
        return UInt8(digits[start...digits.index(after: start)], radix: 16)!
    }
}

@Suite("driver-ops uAPI: numbers and bytes")
struct DriverOpsABITests {
    @Test func requestNumber() {
        #expect(RDMAABI_GET_DRIVER_OPS_FD == 0xc060_1b10)
        #expect(rdmaabi_ioc_dir(RDMAABI_GET_DRIVER_OPS_FD) == 3)        // _IOC_READ | _IOC_WRITE
        #expect(rdmaabi_ioc_type(RDMAABI_GET_DRIVER_OPS_FD) == 0x1b)
        #expect(rdmaabi_ioc_nr(RDMAABI_GET_DRIVER_OPS_FD) == 0x10)
        #expect(rdmaabi_ioc_size(RDMAABI_GET_DRIVER_OPS_FD) == 96)
        #expect(RDMAABI_GET_DRIVER_OPS_FD_NR == 0x10)
        #expect(RDMAABI_DRIVER_OPS_CLOEXEC == 1)
        #expect(RDMAABI_DRIVER_OPS_NAME_MAX == 64)
    }

    @Test func layout() {
        typealias R = rdmaabi_driver_ops_req
        #expect(MemoryLayout<R>.size == 96)
        #expect(MemoryLayout<R>.alignment == 4)
        #expect(MemoryLayout<R>.offset(of: \.name) == 0)
        #expect(MemoryLayout<R>.offset(of: \.flags) == 64)
        #expect(MemoryLayout<R>.offset(of: \.major) == 68)
        #expect(MemoryLayout<R>.offset(of: \.min_minor) == 72)
        #expect(MemoryLayout<R>.offset(of: \.offered_major) == 76)
        #expect(MemoryLayout<R>.offset(of: \.offered_minor) == 80)
        #expect(MemoryLayout<R>.offset(of: \.reserved) == 84)
        // The emulator's decoder uses the same offsets.
        #expect(DriverOpsRequest.size == 96)
        let offsets: [Int] = [DriverOpsRequest.flagsOffset, DriverOpsRequest.majorOffset, DriverOpsRequest.minMinorOffset,
                              DriverOpsRequest.offeredMajorOffset, DriverOpsRequest.offeredMinorOffset,
                              DriverOpsRequest.reservedOffset]
        #expect(offsets == [64, 68, 72, 76, 80, 84])
    }

    /// Docs/ABI.md's worked bytes: psm2.intel.com, major 6, minimum minor 3, CLOEXEC.
    static let golden = hexBytes("""
        70736d32 2e696e74 656c2e63 6f6d0000 00000000 00000000 00000000 00000000
        00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
        01000000 06000000 03000000 00000000 00000000 00000000 00000000 00000000
        """)

    @Test func goldenRequest() throws {
        #expect(Self.golden.count == 96)
        #expect(driverOpsRequestBytes("psm2.intel.com", major: 6, minMinor: 3, flags: 1) == Self.golden)
        let decoded = try DriverOpsRequest.decode(Self.golden)
        #expect(decoded == DriverOpsRequest(name: "psm2.intel.com", flags: 1, major: 6, minMinor: 3))
    }

    @Test func goldenReply() throws {
        // The emulator writes the offered version at offset 76 and touches nothing else.
        let k = EmulatedKernel(credentials: Credentials(uid: 0, gid: 0))
        let uverbs = try k.open("/dev/infiniband/uverbs0", flags: .readWrite)
        defer { k.close(uverbs) }
        let buffer = try k.allocateUserMemory(count: 96)
        buffer.store(Self.golden, at: 0)
        let handle = try k.driverOpsRequest(uverbs, argument: buffer.address)
        k.close(handle)
        let after = buffer.load()
        var expected = Self.golden
        expected.replaceSubrange(76..<84, with: hexBytes("06000000 03000000"))
        #expect(after == expected)
        #expect(driverOpsReply(after) == OfferedVersion(6, 3))
    }
}

// MARK: - The number collides with no 0x1b ioctl in the installed UAPI headers

/// One `_IO*(type, nr, ...)` use found in a header.
struct IoctlUse: Sendable, CustomStringConvertible {
    var file: String
    var macro: String?
    var type: UInt64
    var nr: UInt64
    var description: String { "\(macro ?? "?") in \(file): type 0x\(String(type, radix: 16)) nr 0x\(String(nr, radix: 16))" }
}

/// A small reader of C headers: joins continued lines, drops comments, records `#define`s and
/// evaluates the type and nr arguments of every `_IO`, `_IOR`, `_IOW`, `_IOWR` and `_IOC` use
/// (literals, character constants, and macros defined in the scanned headers).
struct IoctlHeaderScan {
    var defines: [String: String] = [:]
    var uses: [(file: String, macro: String?, type: String, nr: String)] = []

    mutating func add(file: String, text: String) {
        let cleaned = Self.stripComments(text).replacingOccurrences(of: "\\\n", with: " ")
        for line in cleaned.split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            var macro: String?
            if trimmed.hasPrefix("#") {
                let body = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
                if body.hasPrefix("define") {
                    let rest = body.dropFirst("define".count).trimmingCharacters(in: .whitespaces)
                    let name = String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                    let after = rest.dropFirst(name.count)
                    if !after.hasPrefix("(") { defines[name] = after.trimmingCharacters(in: .whitespaces) }
                    macro = name
                }
            }
            for call in Self.ioctlCalls(in: String(line)) {
                uses.append((file, macro, call.type, call.nr))
            }
        }
    }

    /// Evaluates an integer expression made of one literal or macro name (recursively).
    func value(_ expr: String, depth: Int = 0) -> UInt64? {
        var e = expr.trimmingCharacters(in: .whitespaces)
        while e.hasPrefix("(") && e.hasSuffix(")") { e = String(e.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces) }
        if e.count == 3, e.first == "'", e.last == "'" { return UInt64(e[e.index(after: e.startIndex)].asciiValue ?? 0) }
        let digits = e.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "ul"))
        if digits.hasPrefix("0x") { return UInt64(digits.dropFirst(2), radix: 16) }
        if digits.hasPrefix("0"), digits.count > 1 { return UInt64(digits.dropFirst(), radix: 8) }
        if let v = UInt64(digits) { return v }
        if depth < 8, let body = defines[e] { return value(body, depth: depth + 1) }
        return nil
    }

    static func stripComments(_ text: String) -> String {
        var out = ""
        var i = text.startIndex
        while i < text.endIndex {
            let rest = text[i...]
            if rest.hasPrefix("/*") {
                guard let end = rest.range(of: "*/") else { break }
                out.append(" "); i = end.upperBound
            } else if rest.hasPrefix("//") {
                i = rest.firstIndex(of: "\n") ?? text.endIndex
            } else {
                out.append(text[i]); i = text.index(after: i)
            }
        }
        return out
    }

    /// The (type, nr) arguments of each `_IO(`, `_IOR(`, `_IOW(`, `_IOWR(`, `_IOC(` in a line.
    static func ioctlCalls(in line: String) -> [(type: String, nr: String)] {
        var calls: [(String, String)] = []
        let chars = Array(line)
        var i = 0
        while i + 3 < chars.count {
            defer { i += 1 }
            guard chars[i] == "_", chars[i + 1] == "I", chars[i + 2] == "O" else { continue }
            if i > 0, chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "_" { continue }
            var j = i + 3
            var suffix = ""
            while j < chars.count, chars[j].isLetter { suffix.append(chars[j]); j += 1 }
            guard ["", "R", "W", "WR", "C"].contains(suffix) else { continue }
            while j < chars.count, chars[j] == " " || chars[j] == "\t" { j += 1 }
            guard j < chars.count, chars[j] == "(" else { continue }
            // Split the top-level arguments.
            var args: [String] = [], current = "", level = 0
            j += 1
            while j < chars.count {
                let c = chars[j]
                if c == "(" { level += 1 } else if c == ")" {
                    if level == 0 { break }
                    level -= 1
                } else if c == ",", level == 0 { args.append(current); current = ""; j += 1; continue }
                current.append(c); j += 1
            }
            args.append(current)
            let offset = suffix == "C" ? 1 : 0     // _IOC(dir, type, nr, size)
            guard args.count > offset + 1 else { continue }
            calls.append((args[offset], args[offset + 1]))
        }
        return calls
    }
}

@Suite("driver-ops uAPI: the number is free")
struct DriverOpsNumberCollisionTests {
    static let roots = ["/usr/include/rdma", "/usr/include/linux"]

    static func headers() -> [String] {
        var files: [String] = []
        for root in roots {
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            for case let path as String in walker where path.hasSuffix(".h") { files.append(root + "/" + path) }
        }
        return files.sorted()
    }

    /// Every 0x1b use in the installed UAPI headers, by text.
    static func scan() throws -> (uses: [IoctlUse], unresolved: [String]) {
        var scan = IoctlHeaderScan()
        for file in headers() {
            let text = try String(contentsOfFile: file, encoding: .isoLatin1)
            scan.add(file: file, text: text)
        }
        var uses: [IoctlUse] = [], unresolved: [String] = []
        for use in scan.uses {
            guard let type = scan.value(use.type) else {
                // A type we cannot evaluate must at least not be the RDMA magic by name.
                if use.type.contains("RDMA") || use.type.contains("IB_") { unresolved.append("\(use.file): type \(use.type)") }
                continue
            }
            guard type == 0x1b else { continue }
            guard let nr = scan.value(use.nr) else { unresolved.append("\(use.file): nr \(use.nr)"); continue }
            uses.append(IoctlUse(file: use.file, macro: use.macro, type: type, nr: nr))
        }
        return (uses, unresolved)
    }

    @Test func nrIsUnusedInInstalledHeaders() throws {
        try #require(HostPackage.require("linux-libc-dev"))
        let (uses, unresolved) = try Self.scan()
        #expect(unresolved.isEmpty, "cannot evaluate: \(unresolved)")
        let nrs = Set(uses.map(\.nr))
        // The scan finds what ABI-FACTS §2.4 lists: umad 0x01-0x04, RDMA_VERBS_IOCTL 0x01,
        // hfi1 0xE1-0xEE (0xE7 unused) — proof that it reads the headers it should.
        let known: Set<UInt64> = [0x01, 0x02, 0x03, 0x04, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6,
                                  0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEE]
        #expect(known.isSubset(of: nrs), "scan missed \(known.subtracting(nrs).sorted())")
        #expect(uses.contains { $0.macro == "RDMA_VERBS_IOCTL" && $0.nr == 1 })
        #expect(!nrs.contains(UInt64(RDMAABI_GET_DRIVER_OPS_FD_NR)),
                "0x10 is taken: \(uses.filter { $0.nr == 0x10 })")
    }

    /// The same macros evaluated by the C compiler against the installed headers: the text
    /// scan's numbers are the real ones, and no full request value equals ours.
    @Test func compilerAgreesAndValuesDiffer() throws {
        try #require(HostPackage.require("linux-libc-dev"))
        let (uses, _) = try Self.scan()
        let named = uses.filter { $0.macro != nil && $0.file.hasPrefix("/usr/include/rdma") }
        #expect(named.count >= 18)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rdmactl-ioctl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var source = "#include <stdio.h>\n#include <linux/ioctl.h>\n"
        for header in Self.headers() where header.hasPrefix("/usr/include/rdma/") {
            source += "#include <\(header.dropFirst("/usr/include/".count))>\n"
        }
        source += "int main(void) {\n"
        for use in named {
            let m = use.macro!
            source += "    printf(\"%s %u %u %lu\\n\", \"\(m)\", (unsigned)_IOC_TYPE(\(m)), (unsigned)_IOC_NR(\(m)), (unsigned long)(\(m)));\n"
        }
        source += "    return 0;\n}\n"
        let c = dir.appendingPathComponent("ioctls.c"), exe = dir.appendingPathComponent("ioctls")
        try source.write(to: c, atomically: true, encoding: .utf8)
        // Any C compiler: the Swift toolchain's clang is enough (CI installs no gcc).
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let compiler = ["cc", "clang", "gcc"].lazy.flatMap { name in
            path.split(separator: ":").map { "\($0)/\(name)" }
        }.first { FileManager.default.isExecutableFile(atPath: $0) }
        let cc = try #require(compiler, "no C compiler (cc, clang or gcc) on PATH")
        let compile = try run(cc, ["-o", exe.path, c.path])
        try #require(compile.status == 0, "cc failed: \(compile.output)")
        let result = try run(exe.path, [])
        #expect(result.status == 0)
        var seen = 0
        for line in result.output.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count == 4, let type = UInt64(f[1]), let nr = UInt64(f[2]), let value = UInt64(f[3]) else { continue }
            seen += 1
            let textual = named.first { $0.macro == String(f[0]) }
            #expect(type == 0x1b && textual?.nr == nr, "\(f[0]): compiler says type \(type) nr \(nr)")
            #expect(nr != UInt64(RDMAABI_GET_DRIVER_OPS_FD_NR) && value != UInt64(RDMAABI_GET_DRIVER_OPS_FD),
                    "\(f[0]) collides with RDMA_GET_DRIVER_OPS_FD")
        }
        #expect(seen == named.count)
    }

    private func run(_ exe: String, _ args: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
