import RdmaEmulator
import RdmaKit
import Testing

// `rdmactl monitor` run in-process against the emulated kernel, off the concurrency pool
// (Support/OffPool.swift). The expectations are DESIGN §6's contract (ready first, --count
// not counting it, --timeout exit 0, NDJSON one envelope per event, 64 for --root) and the
// kernel's numbering of hfi1_0's nodes (uverbs0 = 231:192, /dev/hfi1_0, ABI-FACTS §1.3, §2.3).

/// NDJSON lines of stdout, each parsed.
private func envelopes(_ result: CLIResult) -> [JSONValue] {
    result.stdout.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
}

@Suite("monitor", .serialized)
struct MonitorCommandTests {
    @Test("--count 2 --json: ready, then one remove and one add of hfi1_0, each an rdmactl/1 envelope on its own line",
          arguments: [Profile.proposed, .mainline, .legacy])
    func countTwo(profile: Profile) async throws {
        let chunks = Locked<[String]>([])
        let clock = ContinuousClock()
        let start = clock.now
        let result = await offPool {
            rdmactl(["monitor", "--emulated", "--profile", profile.rawValue, "--count", "2", "--json",
                     "--emulated-hotplug", "unplug hfi1_0@0.1s,replug hfi1_0@0.5s"],
                    onStdout: { bytes in chunks.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } })
        }
        #expect(result.status == 0, "\(result.stderr)")
        // Generous: under the full parallel suite the event pump (a task) waits for a pool thread.
        #expect(clock.now - start < timeBound(.seconds(30)))
        // Flushed per event: every write is exactly one line.
        #expect(chunks.withLock { $0 }.allSatisfy { $0.hasSuffix("\n") && $0.dropLast().firstIndex(of: "\n") == nil })
        let lines = envelopes(result)
        #expect(lines.count == 3)
        for line in lines {
            #expect(line["schema"] == .string("rdmactl/1"))
            #expect(line["command"] == .string("monitor"))
            #expect(line["source"] == .string("emulated"))
            #expect(line["ok"] == .bool(true))
        }
        #expect(lines.map { $0["data"]?["event"] } == [.string("ready"), .string("remove"), .string("add")])
        #expect(lines[0]["data"]?["devices"] == .array([.string("hfi1_0"), .string("qib0")]))
        for line in lines.dropFirst() {
            #expect(line["data"]?["device"] == .string("hfi1_0"))
            guard case .array(let chars)? = line["data"]?["char_devices"] else { Issue.record("no char_devices"); continue }
            let names = chars.compactMap { c -> String? in if case .string(let s)? = c["devname"] { return s }; return nil }
            #expect(Set(names) == ["hfi1_0", "infiniband/uverbs0", "infiniband/umad0", "infiniband/issm0"])
            let uverbs = chars.first { $0["name"] == .string("uverbs0") }
            #expect(uverbs?["major"] == .int(231) && uverbs?["minor"] == .int(192))
        }
    }

    @Test("--timeout with no event ever: exit 0 after the ready line, on time")
    func timeoutWithoutEvents() async {
        let clock = ContinuousClock()
        let start = clock.now
        let result = await offPool { rdmactl(["monitor", "--emulated", "--timeout", "0.3"]) }
        let elapsed = clock.now - start
        #expect(result.status == 0)
        #expect(elapsed >= .milliseconds(300) && elapsed < timeBound(.seconds(10)))
        #expect(result.stdout.hasPrefix("ready: listening to the emulated kernel (profile proposed); devices: hfi1_0, qib0\n"))
        #expect(result.stdout.split(separator: "\n").count == 1)
    }

    @Test("--timeout reached before --count: the events so far, exit 0; text one line per event")
    func timeoutBeforeCount() async {
        let result = await offPool {
            rdmactl(["monitor", "--emulated", "--count", "5", "--timeout", "0.6", "--emulated-hotplug", "unplug qib0@0.05s"])
        }
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.last?.hasPrefix("remove qib0  char devices: /dev/infiniband/issm1, /dev/infiniband/umad1") == true)
        #expect(lines.last?.contains("/dev/infiniband/uverbs1") == true)
    }

    @Test("SIGINT/SIGTERM: an unbounded monitor ends cleanly with exit 0")
    func interrupted() async {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .milliseconds(300)
        let result = await offPool {
            rdmactl(["monitor", "--emulated", "--json"], watchInterrupts: { { ContinuousClock().now >= deadline } })
        }
        #expect(result.status == 0)
        #expect(envelopes(result).count == 1)
        #expect(clock.now - start < timeBound(.seconds(10)))
    }

    @Test("--root has no events: exit 64 with code NO_EVENTS, one envelope under --json")
    func rootRefused() async {
        let result = await offPool { rdmactl(["monitor", "--root", "/nonexistent", "--json"]) }
        #expect(result.status == 64)
        let lines = envelopes(result)
        #expect(lines.count == 1)
        #expect(lines.first?["error"]?["code"] == .string("NO_EVENTS"))
        let env = await offPool { rdmactl(["monitor"], environment: ["RDMACTL_ROOT": "/nonexistent"]) }
        #expect(env.status == 64)
    }

    @Test("bad input exits 64", arguments: [
        ["monitor", "--emulated", "--count", "0"],
        ["monitor", "--emulated", "--timeout", "x"],
        ["monitor", "--emulated", "--emulated-hotplug", "unplug nosuch0@1s"],
        ["monitor", "--emulated", "--emulated-hotplug", "unplug hfi1_0@1s,unplug hfi1_0@2s"],
        ["monitor", "--emulated", "--emulated-hotplug", "replug hfi1_0"],
        ["monitor", "--emulated", "--emulated-hotplug", "unplug hfi1_0@soon"],
        ["monitor", "--emulated", "--emulated-hotplug", "yank hfi1_0"],
        ["monitor", "--emulated", "--emulated-hotplug", ""],
        ["list", "--emulated-hotplug", "unplug hfi1_0"],
        ["monitor", "--emulated", "--emulated-hotplug", "rename hfi1_0 qib0@1s"],
        ["monitor", "--emulated", "--emulated-hotplug", "rename hfi1_0"],
        ["monitor", "--emulated", "--emulated-hotplug", "rename hfi1_0 opa0@1s,unplug hfi1_0@2s"],
    ])
    func badInput(arguments: [String]) async {
        let result = await offPool { rdmactl(arguments) }
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
    }

    @Test("RDMACTL_EMULATE_HOTPLUG plays like the flag; a one-shot command applies steps at time 0")
    func environment() async {
        let result = await offPool {
            rdmactl(["monitor", "--count", "1"], environment: ["RDMACTL_EMULATE": "1", "RDMACTL_EMULATE_HOTPLUG": "unplug qib0@50ms"])
        }
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").last?.hasPrefix("remove qib0") == true)
        let list = rdmactl(["list", "--emulated", "--json", "--emulated-hotplug", "unplug qib0,replug qib0@1s"])
        #expect(list.status == 0)
        #expect(list.envelope?["data"]?["devices"]?[0]?["ifname"] == .string("hfi1_0"))
        #expect(list.envelope?["data"]?["devices"]?[1] == nil)
    }

    @Test("a scripted rename is one rename event; the renamed device then unplugs by its new name")
    func renameScript() async {
        let result = await offPool {
            rdmactl(["monitor", "--emulated", "--count", "2", "--emulated-hotplug", "rename hfi1_0 opa0@50ms,unplug opa0@400ms"])
        }
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.dropFirst().first == "rename hfi1_0 -> opa0")
        #expect(lines.last?.hasPrefix("remove opa0  char devices: /dev/hfi1_0, /dev/infiniband/issm0") == true)
    }
}
