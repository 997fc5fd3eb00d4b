import CRdmaABI
import RdmaKit

/// The `_IOC_*` fields of an ioctl request, through the shim's `_IOC_SIZE` / `_IOC_NR`.
/// vfs_ioctl passes `unsigned int cmd`: the request is truncated to 32 bits first, as
/// `ioctl(2)` does between user space and the driver.
struct IoctlRequest: Equatable {
    let cmd: UInt32

    init(_ request: UInt) { cmd = UInt32(truncatingIfNeeded: request) }

    /// `_IOC_SIZE(cmd)`: the argument size encoded in the number.
    var size: Int { Int(rdmaabi_ioc_size(UInt(cmd))) }

    /// Equality with a shim constant (`RDMAABI_HFI1_IOCTL_*` are `unsigned long`).
    static func == (lhs: IoctlRequest, rhs: UInt) -> Bool { UInt(lhs.cmd) == rhs }
}

/// `copy_from_user` / `copy_to_user` / `get_user` / `put_user` on the emulated process's memory.
extension KernelState {
    func copyFromUser<T>(_ type: T.Type, at address: UInt64) throws(KernelError) -> T {
        CStruct.decode(type, from: try memory.copyFromUser(address, count: MemoryLayout<T>.size))
    }

    mutating func copyToUser<T>(_ value: T, at address: UInt64, count: Int? = nil)
        throws(KernelError) {
        let bytes = CStruct.encode(value)
        try memory.copyToUser(address, Array(bytes.prefix(count ?? bytes.count)))
    }
}

extension Errno {
    /// hfi1 CTXT_RESET's "send context did not halt" (ABI-FACTS §2.4). RdmaKit's table does not
    /// name it; the value comes from <errno.h> through the shim.
    static let ENOLCK = Errno(rawValue: RDMAABI_ENOLCK)
}
