import CRdmaABI
import RdmaKit

extension Nldev {
    /// core/nldev.c `nldev_set_doit` (6.1), the rename part: nlmsg_parse_deprecated, DEV_INDEX
    /// required and known (else EINVAL); DEV_NAME copied with nla_strscpy into
    /// IB_DEVICE_NAME_MAX, empty → EINVAL, else `ib_device_rename` (KernelState+Rename.swift).
    /// Moving the device to another namespace (NET_NS_FD) or DIM is not modelled (EOPNOTSUPP);
    /// a request with none of them does nothing and succeeds, as the kernel's does. The op is
    /// RDMA_NL_ADMIN_PERM: `dispatch` has already refused a caller without CAP_NET_ADMIN.
    static func set(_ request: NetlinkMessage, _ state: inout KernelState) throws(KernelError) {
        guard case .success(let tb) = NldevPolicy.parse(request.payload, strict: false),
              let index = NldevPolicy.u32(tb, RdmaNetlink.Attribute.deviceIndex),
              let device = device(state, index: index) else { throw KernelError(.EINVAL) }
        if let raw = tb[RdmaNetlink.Attribute.deviceName] {
            let bytes = NldevPolicy.strscpy(raw, size: Int(RDMAABI_IB_DEVICE_NAME_MAX))
            let name = String(decoding: bytes, as: UTF8.self)
            guard !name.isEmpty else { throw KernelError(.EINVAL) }
            try state.rename(device.fixture.name, to: name)
            return
        }
        if tb[UInt16(RDMAABI_NLDEV_NET_NS_FD)] != nil || tb[UInt16(RDMAABI_NLDEV_ATTR_DEV_DIM)] != nil {
            throw KernelError(.EOPNOTSUPP)
        }
    }
}
