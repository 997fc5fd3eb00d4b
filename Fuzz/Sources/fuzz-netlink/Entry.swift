import FuzzSupport
import RdmaKit

/// The netlink reply parser (RdmaKit/Netlink): a buffer as the kernel's recvmsg would return it
/// — one or several messages, multi-part dumps ending in NLMSG_DONE, NLMSG_ERROR with and
/// without an extended ack, truncated and oversized lengths, unknown attribute types. Every
/// decoder must answer a value or a KernelError, never trap; what `split` accepts must tile
/// the buffer and re-encode to the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNetlink(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzInput(data, count)
    // The first byte cuts the rest into up to four replies (a dump arrives in several reads).
    let parts = Int(input.u8() % 4) + 1
    var replies: [[UInt8]] = []
    for _ in 1..<parts { replies.append(input.chunk(limit: 4096)) }
    replies.append(input.rest())

    for reply in replies {
        if let messages = try? NetlinkMessage.split(reply) {
            var offset = 0
            for message in messages {
                invariant(Array(reply[offset..<offset + message.length]) == message.bytes,
                          "message at \(offset) does not re-encode to the bytes it was split from")
                offset += Netlink.align(message.length)
                _ = try? message.attributes()
                _ = message.errorCode
            }
        }
        _ = try? NetlinkMessage.decode(reply)
    }
    _ = try? RdmaNetlink.decodeDevices(replies)
    _ = try? RdmaNetlink.decodeChardev(replies)
    _ = try? RdmaNetlink.decodeSystem(replies)
    _ = try? RdmaNetlink.decodePort(replies)
    return 0
}

/// SwiftPM's entry point for this executable (see CFuzzDriver.h).
@_cdecl("fuzz_netlink_main")
public func fuzz_netlinkMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzNetlink)
}
