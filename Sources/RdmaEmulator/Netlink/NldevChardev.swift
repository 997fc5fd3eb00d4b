import CRdmaABI
import RdmaKit

/// RDMA_NLDEV_CMD_GET_CHARDEV: core/nldev.c `nldev_get_chardev`, core/device.c
/// `ib_get_client_nl_info`, and the clients' nl_info callbacks.
extension Nldev {
    /// What a client's get_nl_info fills in (`struct ib_client_nl_info`).
    struct ChardevAnswer {
        var major: UInt32
        var minor: UInt32
        var abi: UInt64
        var name: String
        /// Put into the reply by ib_uverbs_get_nl_info itself, so before the CHARDEV attributes.
        var driverID: UInt32?
    }

    static func chardev(_ request: NetlinkMessage, _ state: KernelState, portID: UInt32) throws(KernelError) -> [NetlinkMessage] {
        typealias A = RdmaNetlink.Attribute
        // nlmsg_parse (strict in 6.1); any failure, or no CHARDEV_TYPE, is EINVAL.
        guard case .success(let tb) = NldevPolicy.parse(request.payload, strict: true),
              let type = tb[A.chardevType] else { throw KernelError(.EINVAL) }
        // nla_strscpy into char client_name[32]: a 32-byte name passed the policy and is cut
        // to 31 bytes here (so it names no client).
        let client = String(decoding: NldevPolicy.strscpy(type, size: RdmaNetlink.chardevTypeSize), as: UTF8.self)

        var device: NldevDevice?
        var port: UInt32?   // nil = data.port -1
        if let index = NldevPolicy.u32(tb, A.deviceIndex) {
            guard let found = Nldev.device(state, index: index) else { throw KernelError(.EINVAL) }
            device = found
            if let p = NldevPolicy.u32(tb, A.portIndex) {
                guard found.isValidPort(p) else { throw KernelError(.EINVAL) }
                port = p
            }
        } else if tb.contains(A.portIndex) {
            throw KernelError(.EINVAL)
        }

        let answer = try clientInfo(client, device: device, port: port)
        var attributes: [NetlinkAttribute] = []
        if let id = answer.driverID { attributes.append(.u32(A.uverbsDriverID, id)) }
        attributes += [
            .u64(A.chardev, rdmaabi_huge_encode_dev(answer.major, answer.minor)),
            .u64(A.chardevABI, answer.abi),
            .string(A.chardevName, answer.name),
        ]
        return [NetlinkMessage(type: RdmaNetlink.getChardev, flags: 0, sequence: request.sequence, portID: portID,
                               attributes: attributes)]
    }

    /// core/device.c `ib_get_client_nl_info`: with a device, the client registered on it by
    /// that name (`__ib_get_client_nl_info`); without, a client with a global char device
    /// (`__ib_get_global_client_nl_info`). Not found — after the `rdma-client-<name>` module
    /// autoload, which finds nothing new here — or found without get_nl_info: EOPNOTSUPP.
    static func clientInfo(_ client: String, device: NldevDevice?, port: UInt32?) throws(KernelError) -> ChardevAnswer {
        guard let device else {
            // Only ucma (core/ucma.c `ucma_get_global_nl_info`) has a global char device.
            guard client == "rdma_cm" else { throw KernelError(.EOPNOTSUPP) }
            return ChardevAnswer(major: Fixture.miscMajor, minor: Fixture.rdmaCMMinor,
                                 abi: UInt64(Fixture.rdmaCMABI), name: "rdma_cm")
        }
        switch client {
        case "uverbs":
            // core/uverbs_main.c `ib_uverbs_get_nl_info`: per device, so a port is EINVAL;
            // abi = ops.uverbs_abi_ver (rdmavt's 2); the driver id unless
            // uverbs_no_driver_id_binding (hfi1 and qib do not set it).
            guard port == nil else { throw KernelError(.EINVAL) }
            let n = device.probe.uverbsIndex
            return ChardevAnswer(major: Fixture.uverbsMajor, minor: Fixture.uverbsBaseMinor + UInt32(n),
                                 abi: UInt64(Fixture.rdmavtUverbsABI), name: "uverbs\(n)", driverID: device.driverID)
        case "umad":
            // core/user_mad.c `ib_umad_get_nl_info` → get_port(): no port (-1) or an invalid one
            // is EINVAL; every hfi1/qib port has the IB MAD capability.
            guard let port, let n = device.probe.madIndex[Int(port)] else { throw KernelError(.EINVAL) }
            return ChardevAnswer(major: Fixture.umadMajor, minor: Fixture.umadBaseMinor + UInt32(n),
                                 abi: UInt64(Fixture.madClassABI), name: "umad\(n)")
        case "issm":
            // core/user_mad.c `ib_issm_get_nl_info` passes *its own* client data to get_port(),
            // and issm_client has no .add, so that data is NULL and get_port() answers
            // EOPNOTSUPP before looking at the port — for every device and port, although
            // issmN exists. Verified in the VM (Linux 6.1, rxe0 port 1: -95).
            throw KernelError(.EOPNOTSUPP)
        default:
            // "rdma_cm" is registered on the device but has only a global nl_info; other
            // clients (mad, sa, cma, ...) have none; unknown names are not registered.
            throw KernelError(.EOPNOTSUPP)
        }
    }

    /// core/nldev.c `nldev_sys_get_doit` (strict parse; errors returned as they are): NETNS_MODE
    /// (ib_devices_shared_netns, 1 = shared), PRIVILEGED_QKEY_MODE (0), COPY_ON_FORK (always 1)
    /// — the attributes and order the VM's 6.1 kernel sends.
    static func systemGet(_ request: NetlinkMessage, _ state: KernelState, profile: Profile, portID: UInt32) throws(KernelError) -> [NetlinkMessage] {
        typealias A = RdmaNetlink.Attribute
        if case .failure(let error) = NldevPolicy.parse(request.payload, strict: true) { throw error }
        // (u8)ib_devices_shared_netns: 1 unless ib_core was loaded with netns_mode=0 or
        // `rdma system set netns exclusive` ran (a test hook plays either).
        var attributes: [NetlinkAttribute] = [.u8(A.netnsMode, state.sharedNetns ? 1 : 0)]
        if profile.nldevSysAttributesSince512 {
            attributes += [.u8(A.privilegedQKeyMode, 0), .u8(A.copyOnFork, 1)]
        }
        return [NetlinkMessage(type: RdmaNetlink.sysGet, flags: 0, sequence: request.sequence, portID: portID,
                               attributes: attributes)]
    }
}
