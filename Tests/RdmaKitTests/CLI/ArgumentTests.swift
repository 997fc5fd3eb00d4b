import Testing
@testable import RdmaCommands
import RdmaKit

@Suite("command line: options, environment, conflicts")
struct ArgumentTests {
    static let commands: Set<String> = ["list", "show", "snapshot"]

    @Test func globalOptionsMoveAfterTheCommand() {
        #expect(ArgumentNormalizer.normalize(["--json", "--root", "/x", "list"], commands: Self.commands)
                == ["list", "--json", "--root", "/x"])
        #expect(ArgumentNormalizer.normalize(["-jp", "--source=sysfs", "show", "qib0"], commands: Self.commands)
                == ["show", "-jp", "--source=sysfs", "qib0"])
        #expect(ArgumentNormalizer.normalize(["--help"], commands: Self.commands) == ["--help"])
        #expect(ArgumentNormalizer.wantsJSON(["list", "-jp"]) && ArgumentNormalizer.wantsJSON(["-j"]))
        #expect(!ArgumentNormalizer.wantsJSON(["list", "--", "-j"]))
    }

    @Test(arguments: [["--emulated", "list"], ["list", "--emulated"], ["--emulated", "list", "--json"], ["-j", "--emulated", "list"]])
    func beforeOrAfterTheCommandIsTheSame(_ args: [String]) {
        let r = rdmactl(args)
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test(arguments: [
        (["--root", "/tmp", "--emulated", "list"], [String: String](), "--root and --emulated"),
        (["--profile", "mainline", "list"], [:], "--profile needs"),
        (["--emulated-user", "1000", "list"], [:], "--emulated-user needs"),
        (["list"], ["RDMACTL_ROOT": "/tmp", "RDMACTL_EMULATE": "1"], "both set"),
        (["--emulated-set", "hfi1:x", "list"], [:], "bad emulated device set"),
        (["--emulated", "--profile", "ancient", "list"], [:], "unknown profile"),
        (["--emulated", "--source", "udev", "list"], [:], "not available with the emulated kernel"),
        (["--root", "/tmp", "--source", "udev", "list"], [:], "it cannot read the tree"),
        (["--emulated", "--emulated-user", "x:y", "list"], [:], "bad --emulated-user"),
        (["--emulated", "--emulated-user", "4294967295", "list"], [:], "bad --emulated-user"),
        (["--emulated", "--emulated-user", "+1000", "list"], [:], "bad --emulated-user"),
        (["--emulated", "--source", "netlink", "snapshot", "/tmp/x"], [:], "does not apply"),
        (["--emulated", "--source", "bogus", "list"], [:], "bogus"),
        (["--emulated", "frobnicate"], [:], "unknown command 'frobnicate'"),
        (["--emulated", "show"], [:], "Missing expected argument"),
    ])
    func usageErrorsExit64(_ args: [String], _ env: [String: String], _ message: String) throws {
        let text = rdmactl(args, environment: env)
        #expect(text.status == 64)
        #expect(text.stderr.contains(message), "\(text.stderr)")
        #expect(text.stdout.isEmpty)
        // Under --json the same failure is one envelope on stdout, nothing on stderr.
        let json = rdmactl(args + ["--json"], environment: env)
        #expect(json.status == 64)
        let env = try #require(json.envelope, "stdout: \(json.stdout)")
        #expect(env["ok"] == .bool(false))
        #expect(env["error"]?["exit_code"] == .int(64))
        #expect(env["schema"] == .string("rdmactl/1"))
        #expect(json.stderr.isEmpty)
    }

    @Test func flagsOverrideEnvironment() {
        let tree = TempTree.copy(of: "rxe-sysfs", label: "env")
        // RDMACTL_EMULATE is overridden by --root; RDMACTL_ROOT by --emulated.
        let a = rdmactl(["list", "--root", tree.path, "--json"], environment: ["RDMACTL_EMULATE": "1"])
        #expect(a.envelope?["source"] == .string("sysfs"))
        let b = rdmactl(["list", "--emulated", "--json"], environment: ["RDMACTL_ROOT": tree.path])
        #expect(b.envelope?["source"] == .string("emulated"))
        let c = rdmactl(["list", "--json"], environment: ["RDMACTL_ROOT": tree.path])
        #expect(c.envelope?["source"] == .string("sysfs"))
        let d = rdmactl(["list", "--json"], environment: ["RDMACTL_EMULATE": "qib:2", "RDMACTL_PROFILE": "legacy"])
        #expect(d.status == 0)
        #expect(d.stdout.contains("\"qib1\""))
    }

    @Test func helpAndVersionExitZero() {
        #expect(rdmactl(["--help"]).status == 0)
        #expect(rdmactl(["--version"]).stdout == RdmactlCommand.version + "\n")
        // Subcommand help is the subcommand's own.
        #expect(rdmactl(["list", "--help"]).stdout.contains("USAGE: rdmactl list"))
        #expect(rdmactl(["help", "show"]).stdout.contains("USAGE: rdmactl show"))
        #expect(rdmactl(["snapshot", "-h"]).stdout.contains("--force"))
        #expect(rdmactl(["--emulated", "help", "list"]).stdout.contains("USAGE: rdmactl list"))
        // Global options alone are not a command.
        let bare = rdmactl(["--json", "--emulated"])
        #expect(bare.status == 64)
        #expect(bare.envelope?["error"]?["message"] == .string("no command given"))
        #expect(rdmactl(["--generate-completion-script", "bash"]).status == 0)
    }
}
