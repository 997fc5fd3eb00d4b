import Foundation
import Testing

/// Tests that spawn the built `rdmactl` executable: real exit statuses, and proof (strace) that
/// --help, --version and completion generation touch nothing under /sys or /dev.
@Suite("the built binary")
struct BinaryTests {
    /// `.build/<triple>/debug/rdmactl`, beside this test bundle.
    static var binary: String? {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = (exe as NSString).deletingLastPathComponent
        for _ in 0..<4 {
            let candidate = dir + "/rdmactl"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = (dir as NSString).deletingLastPathComponent
        }
        return nil
    }

    struct Run { var status: Int32; var stdout: String; var stderr: String }

    /// stderr read on another thread; `data` is written before `done` is signalled.
    final class StderrRead: @unchecked Sendable {
        var data = Data()
        let done = DispatchSemaphore(value: 0)
    }

    static func spawn(_ exe: String, _ args: [String], env: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        var environment = ProcessInfo.processInfo.environment
        for k in ["RDMACTL_ROOT", "RDMACTL_EMULATE", "RDMACTL_PROFILE"] { environment[k] = nil }
        p.environment = environment.merging(env) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Both pipes drained at once: a child that fills stderr (a sanitizer's report runs to
        // hundreds of lines) while this reads stdout to its end would block forever.
        let stderrRead = StderrRead()
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async {
            stderrRead.data = errHandle.readDataToEndOfFile()
            stderrRead.done.signal()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        stderrRead.done.wait()
        let e = stderrRead.data
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static let statuses: [([String], Int32)] = [
        (["--emulated", "list"], 0),
        (["--emulated", "show", "nope0"], 66),
        (["--emulated-set", "none", "list"], 69),
        (["--emulated", "doctor"], 0),
        (["--emulated-set", "none", "doctor"], 69),
        (["--root", "/nonexistent", "list"], 66),
        (["--emulated", "--root", "/tmp", "list"], 64),
        (["list", "--bogus"], 64),
        (["--version"], 0),
    ]

    @Test(arguments: statuses)
    func exitStatuses(_ args: [String], _ status: Int32) throws {
        let exe = try #require(Self.binary, "build rdmactl first (swift build)")
        let r = try Self.spawn(exe, args)
        #expect(r.status == status, "rdmactl \(args.joined(separator: " ")): \(r.stderr)")
    }

    @Test func jsonUsageErrorIsOneDocument() throws {
        let exe = try #require(Self.binary)
        let r = try Self.spawn(exe, ["-j", "list", "--bogus"])
        #expect(r.status == 64)
        let env = try JSONParser.parse(r.stdout)
        #expect(env["error"]?["code"] == .string("USAGE"))
    }

    @Test(arguments: [["--help"], ["--version"], ["list", "--help"], ["--generate-completion-script", "bash"],
                      ["--generate-completion-script", "zsh"], ["--generate-completion-script", "fish"]])
    func helpTouchesNoSysOrDev(_ args: [String]) throws {
        let exe = try #require(Self.binary)
        let strace = "/usr/bin/strace"
        try #require(HostPackage.require("strace"))
        try #require(FileManager.default.isExecutableFile(atPath: strace), "strace is needed (.ci/install-deps.sh)")
        let log = NSTemporaryDirectory() + "rdmactl-strace-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: log) }
        // Under `swift test --sanitize=address` the binary is instrumented too, and LeakSanitizer
        // cannot run under ptrace ("LeakSanitizer does not work under ptrace", exit 1): its leak
        // check is off for the traced run only (the other spawns here keep it). What the ASan
        // runtime itself reads is only the allowed /sys/devices/system/cpu/possible.
        let r = try Self.spawn(strace, ["-f", "-qq", "-e", "trace=%file,%desc", "-o", log, exe] + args,
                               env: ["ASAN_OPTIONS": "detect_leaks=0"])
        #expect(r.status == 0)
        let trace = try String(contentsOfFile: log, encoding: .utf8)
        // libdispatch's constructor (libdispatch_init → sysconf(_SC_NPROCESSORS_CONF)) reads the CPU
        // count before main runs; that is the Swift runtime, not rdmactl, and is allowed.
        let runtime = ["\"/sys/devices/system/cpu/possible\"", "\"/sys/devices/system/cpu/online\""]
        let touched = trace.split(separator: "\n").filter { line in
            (line.contains("\"/sys/") || line.contains("\"/dev/")) && !runtime.contains { line.contains($0) }
        }
        #expect(touched.isEmpty, "rdmactl \(args.joined(separator: " ")) touched:\n\(touched.joined(separator: "\n"))")
    }

    /// A full disk must not pass as success (exit 71, a message); a closed pipe is not an error.
    @Test func stdoutWriteErrorsAreReported() throws {
        let exe = try #require(Self.binary)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["--emulated", "list", "--json"]
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        let err = Pipe()
        p.standardError = err
        try p.run(); p.waitUntilExit()
        #expect(p.terminationStatus == 71)
        #expect(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("No space left"))
    }

    /// A tar stream whose reader goes away is incomplete: exit 71, not success.
    @Test func snapshotIntoAClosedPipeFails() throws {
        let exe = try #require(Self.binary)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["--emulated-set", "hfi1:16,qib:16", "snapshot", "-"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try out.fileHandleForReading.close()
        try p.run(); p.waitUntilExit()
        #expect(p.terminationStatus == 71)
    }

    /// An argument that is not UTF-8 is refused, not decoded into another path.
    @Test func nonUTF8ArgumentIsAUsageError() throws {
        let exe = try #require(Self.binary)
        let r = try Self.spawn("/bin/sh", ["-c", "exec \"$0\" --emulated snapshot \"$(printf '/tmp/rdmactl-snap\\376')\"", exe])
        #expect(r.status == 64)
        #expect(r.stderr.contains("not valid UTF-8"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/rdmactl-snap\u{FFFD}"))
    }

    @Test func liveSystemWithoutRDMASaysWhy() throws {
        let exe = try #require(Self.binary)
        guard !FileManager.default.fileExists(atPath: "/sys/class/infiniband") else { return }
        for source in ["udev", "sysfs"] {
            let r = try Self.spawn(exe, ["--source", source, "list"])
            #expect(r.status == 69)
            #expect(r.stderr.contains("no RDMA support"), "\(r.stderr)")
        }
        // Nothing to capture either, and no half-made output left behind.
        let out = NSTemporaryDirectory() + "rdmactl-empty-\(UUID().uuidString)"
        #expect(try Self.spawn(exe, ["snapshot", out]).status == 69)
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
