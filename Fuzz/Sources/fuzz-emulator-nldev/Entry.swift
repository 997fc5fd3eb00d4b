import FuzzSupport
import RdmaEmulator
import RdmaKit

/// The emulator's nldev decoder (RdmaEmulator/Netlink, core/nldev.c's policy): any request
/// bytes, one or several messages, each profile. Invariants: the verb answers replies or a
/// documented errno; every reply is well-formed netlink (it splits into whole messages, as
/// the kernel's always do) and the client's decoders take it without trapping.
///
/// One kernel per profile serves every input, and RDMA_NLDEV_CMD_SET renames persist (the
/// caller is root), so a crash may need earlier inputs' renames: replay a few times
/// (`-runs=10`) and write a standalone reproducer (Docs/security.md). Replacing a renamed
/// kernel after each input was tried and cut the speed from ≈3,000 to ≈270 inputs/s (the
/// fuzzer keeps renaming: a fresh emulated kernel costs tens of milliseconds under ASan).
nonisolated(unsafe) let kernels = Profile.allCases.map { EmulatedKernel(profile: $0, credentials: Credentials(uid: 0, gid: 0)) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEmulatorNldev(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzInput(data, count)
    let kernel = kernels[Int(input.u8()) % kernels.count]
    let request = input.rest()
    let replies: [[UInt8]]
    do { replies = try kernel.netlinkRDMA(request) } catch {
        checkDocumented(error, "netlinkRDMA under \(kernel.profile)")
        return 0
    }
    for reply in replies {
        do { _ = try NetlinkMessage.split(reply) } catch {
            invariant(false, "the emulator answered a reply that does not split: \(error)")
        }
    }
    _ = try? RdmaNetlink.decodeDevices(replies)
    _ = try? RdmaNetlink.decodeChardev(replies)
    _ = try? RdmaNetlink.decodeSystem(replies)
    _ = try? RdmaNetlink.decodePort(replies)
    invariant(kernel.leakReport.isEmpty, "a netlink request left something held: \(kernel.leakReport)")
    return 0
}

/// SwiftPM's entry point for this executable (see CFuzzDriver.h).
@_cdecl("fuzz_emulator_nldev_main")
public func fuzz_emulator_nldevMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzEmulatorNldev)
}
