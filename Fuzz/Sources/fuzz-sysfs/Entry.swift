import FuzzSupport
import RdmaEmulator
import RdmaKit

/// Sysfs value parsing and discovery over a fuzzed tree. The first part feeds the same text to
/// every attribute parser (GUIDs, GIDs, rates, port and physical states); the rest rewrites up
/// to eight attributes, links, listings or link counts of the emulated kernel's tree (hfi1_0, qib0: their
/// `uevent`, `dev`, `abi_version`, ports, PCI parent) and runs discovery (sysfs, netlink or auto; any detail level)
/// and the JSON rendering over the result, both ways (the tree and JSONBytesWriter, which must
/// agree). A value the parser refuses must become a warning or a typed error, never a trap.
/// The PCI parent's `modalias` is among the files rewritten: its ids are taken from it when it
/// has the PCI shape (PCIModaliasIDs), from the four id files otherwise.
/// The emulator's answers are memoized (MemoizedKernel): nothing in this harness changes its
/// state, and its path walk was ~40% of each input (Docs/security.md, "Speed").
nonisolated(unsafe) let base = MemoizedKernel(base: EmulatedKernel(credentials: Credentials(uid: 0, gid: 0)))
nonisolated(unsafe) let tree = walkTree(base, roots: ["/sys/class", "/sys/devices"])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSysfs(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzInput(data, count)
    let text = String(decoding: input.chunk(limit: 256), as: UTF8.self)
    _ = GUID(sysfs: text)
    _ = GIDAddress(sysfs: text)
    _ = PortState(sysfs: text)
    _ = PhysicalState(sysfs: text)
    _ = PortRate(sysfs: text)

    let kernel = OverlayKernel(base: base)
    let detail = input.pick([DiscoveryDetail.summary, .negotiation, .record, .full])
    let source = input.pick([DiscoverySource.sysfs, .netlink, .auto])
    for _ in 0..<Int(input.u8() % 9) where !input.isEmpty {
        switch input.u8() % 6 {
        case 0, 1: kernel.attributes[input.pick(tree.files)] = input.chunk(limit: 512)
        case 2: kernel.links[input.pick(tree.links)] = String(decoding: input.chunk(limit: 128), as: UTF8.self)
        case 3:
            let names = String(decoding: input.chunk(limit: 128), as: UTF8.self).split(separator: "/").map(String.init)
            kernel.listings[input.pick(tree.dirs)] = names
        case 4:
            // A link count that disagrees with the listing (ports/ counted, a parent's
            // infiniband/ said to hold one device), or none kept (btrfs).
            let count = input.u8()
            kernel.counts[input.pick(tree.dirs)] = count == 255 ? .some(nil) : Int(count % 16)
        default:
            // A netlink answer that disagrees with the tree (a kernel newer than the headers).
            kernel.netlinkReplies = [input.chunk(limit: 1024)]
        }
    }
    if let result = try? Discovery(kernel: kernel).run(source: source, detail: detail) {
        for device in result.devices {
            // A record written as bytes (`list --json`) must read as its tree writes it
            // (JSONMembers): a difference is a crash, so fuzzing compares the two sinks.
            let tree = device.json
            precondition(device.jsonFragment.compact == JSONFragment(tree).compact, "JSONBytesWriter disagrees with the tree")
            _ = tree.serialized(pretty: false)
        }
    }
    return 0
}

/// SwiftPM's entry point for this executable (see CFuzzDriver.h).
@_cdecl("fuzz_sysfs_main")
public func fuzz_sysfsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzSysfs)
}
