import CRdmaABI
import RdmaKit

/// The emulated kernel's NETLINK_RDMA endpoint: the bytes a request gets from core/netlink.c
/// and core/nldev.c, replies and NLMSG_ERRORs alike (DESIGN §2: the seam returns raw messages;
/// the client codec turns an NLMSG_ERROR into a thrown errno, as it does on a real socket).
///
/// Only the NLDEV client (5) is modelled; IWCM and LS requests answer EINVAL, as on a kernel
/// where those clients are not registered.
enum Nldev {
    /// The port id of the emulated caller's netlink socket (the kernel autobinds a socket to
    /// the process id; the emulator pins one). Replies carry it in nlmsg_pid.
    static let socketPortID: UInt32 = 4242

    /// core/netlink.c `rdma_nl_rcv_skb` over the request buffer: each message in turn, its
    /// replies, then an acknowledgement when NLM_F_ACK asks for one or the handler failed.
    /// A message without NLM_F_REQUEST, or a control message (type below 0x10), is not handled:
    /// only acknowledged if asked. A header that does not fit ends the walk silently.
    /// Nothing to send at all — a real recv(2) would time out — is EAGAIN, at once.
    static func respond(to request: [UInt8], state: inout KernelState, profile: Profile,
                        credentials: Credentials) throws(KernelError) -> [[UInt8]] {
        var replies: [NetlinkMessage] = []
        var offset = 0
        while request.count - offset >= Netlink.headerLength {
            guard let message = try? NetlinkMessage.decode(Array(request[offset...])) else { break }
            offset += min(Netlink.align(message.length), request.count - offset)
            var error: Int32 = 0
            if message.flags & Netlink.request != 0 && message.type >= Netlink.minType {
                switch dispatch(message, state: &state, profile: profile, credentials: credentials) {
                case .dumped(let out):
                    replies += out
                    continue   // netlink_dump_start returns -EINTR: a dump is never acknowledged
                case .replied(let out):
                    replies += out
                case .failed(let errno):
                    error = -errno.rawValue
                }
            }
            if message.flags & Netlink.ack != 0 || error != 0 {
                replies.append(.acknowledgement(of: message, error: error, portID: socketPortID))
            }
        }
        guard !replies.isEmpty else {
            throw KernelError(.EAGAIN, .other("the kernel sends no reply to this request"))
        }
        return replies.map(\.bytes)
    }

    enum Outcome {
        case dumped([NetlinkMessage])
        case replied([NetlinkMessage])
        case failed(Errno)
    }

    /// core/netlink.c `rdma_nl_rcv_msg`: client and op must be known (`is_nl_valid`, else
    /// EINVAL), an admin op needs CAP_NET_ADMIN (EPERM; root has it), NLM_F_DUMP (either bit)
    /// runs the dumpit — EINVAL if the op has none — and otherwise the doit runs.
    static func dispatch(_ message: NetlinkMessage, state: inout KernelState, profile: Profile,
                         credentials: Credentials) -> Outcome {
        let client = UInt32(rdmaabi_nl_get_client(UInt32(message.type)))
        let number = UInt16(rdmaabi_nl_get_op(UInt32(message.type)))
        guard client == UInt32(RDMAABI_NL_NLDEV), let op = NldevOps.op(number, profile: profile) else {
            return .failed(.EINVAL)
        }
        if op.admin && credentials.uid != 0 { return .failed(.EPERM) }
        do throws(KernelError) {
            if message.flags & Netlink.dump != 0 {
                guard op.dumpit else { return .failed(.EINVAL) }
                switch number {
                case RDMAABI_NLDEV_CMD_GET: return .dumped(deviceDump(message, state, portID: socketPortID))
                default: return .failed(.EOPNOTSUPP)   // not modelled
                }
            }
            switch number {
            case RDMAABI_NLDEV_CMD_GET: return .replied(try deviceGet(message, state, portID: socketPortID))
            case RDMAABI_NLDEV_CMD_PORT_GET: return .replied(try portGet(message, state, portID: socketPortID))
            case RDMAABI_NLDEV_CMD_GET_CHARDEV: return .replied(try chardev(message, state, portID: socketPortID))
            case RDMAABI_NLDEV_CMD_SYS_GET: return .replied(try systemGet(message, state, profile: profile, portID: socketPortID))
            case RDMAABI_NLDEV_CMD_SET: try set(message, &state); return .replied([])
            default: return .failed(.EOPNOTSUPP)       // not modelled
            }
        } catch {
            return .failed(error.errno)
        }
    }
}
