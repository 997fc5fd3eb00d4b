import CRdmaABI
import RdmaKit

/// The ioctls fs/ioctl.c `do_vfs_ioctl` answers for every file before the driver's
/// `unlocked_ioctl` is asked: FIOCLEX and FIONCLEX set and clear close-on-exec, FIONBIO reads an
/// int through the pointer and sets or clears O_NONBLOCK (EFAULT when it cannot be read).
enum GenericFileIoctl {
    /// The syscall's result for a generic request, or nil when the driver must answer.
    static func answer(request: UInt, argument: UInt64, file: inout OpenFile,
                       state: KernelState) throws(KernelError) -> Int? {
        switch UInt(UInt32(truncatingIfNeeded: request)) {
        case UInt(RDMAABI_FIOCLEX):
            file.closeOnExec = true
            return 0
        case UInt(RDMAABI_FIONCLEX):
            file.closeOnExec = false
            return 0
        case UInt(RDMAABI_FIONBIO):
            let value = try state.memory.copyFromUser(argument, count: 4)
            file.nonBlocking = value.contains { $0 != 0 }
            return 0
        default:
            return nil
        }
    }
}
