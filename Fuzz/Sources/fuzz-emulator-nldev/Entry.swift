import FuzzSupport
import RdmaEmulator
import RdmaKit

/// The emulator's nldev decoder (RdmaEmulator/Netlink, core/nldev.c's policy): any request
/// bytes, one or several messages, each profile. Invariants: the verb answers replies or a
/// documented errno; every reply is well-formed netlink (it splits into whole messages, as
/// the kernel's always do) and the client's decoders take it without trapping.
///
/// One kernel per profile serves every input, but RDMA_NLDEV_CMD_SET renames devices (the
/// caller is root): a kernel whose device list changed is replaced by a fresh one after the
/// input, so every input starts from the probed state and a crash reproduces from its input
/// alone (the rename crash in Docs/security.md needed four earlier inputs' renames).
func freshKernel(_ profile: Profile) -> EmulatedKernel { EmulatedKernel(profile: profile, credentials: Credentials(uid: 0, gid: 0)) }
nonisolated(unsafe) var kernels = Profile.allCases.map(freshKernel)
nonisolated(unsafe) let probedNames = kernels.map { (try? $0.listDirectory("/sys/class/infiniband")) ?? [] }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEmulatorNldev(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzInput(data, count)
    let which = Int(input.u8()) % kernels.count
    let kernel = kernels[which]
    defer {
        if (try? kernel.listDirectory("/sys/class/infiniband")) ?? [] != probedNames[which] {
            kernels[which] = freshKernel(kernel.profile)
        }
    }
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
