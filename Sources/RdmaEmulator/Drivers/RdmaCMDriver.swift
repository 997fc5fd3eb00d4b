import CRdmaABI
import RdmaKit

/// /dev/infiniband/rdma_cm (ABI-FACTS §7, §11): the core/ucma.c misc device (`ucma_misc`,
/// mode 0666, nodename "infiniband/rdma_cm"), `ucma_fops` = open, release, write, poll.
///
/// No `.read` and no `.unlocked_ioctl`: fs/read_write.c `vfs_read` answers EINVAL for a file
/// without FMODE_CAN_READ, fs/ioctl.c `vfs_ioctl` ENOTTY — the protocol's defaults. FIOCLEX,
/// FIONCLEX and FIONBIO work as on every file. `ucma_open` never fails but for ENOMEM.
///
/// write() is the command channel: ucma_write's checks of the command header are modelled in
/// its order; the commands themselves (ucma_create_id, ucma_get_event, …) are not — there is no
/// connection manager behind the emulated node — and answer ENOSYS, the emulator's "not
/// modelled". Not modelled either: ucma_write's first check, `ib_safe_file_access` → EACCES
/// (a writer with other credentials than the opener's; the emulated process has one set).
struct RdmaCMDriver: EmulatedDriver {
    /// ucma_write: `len < sizeof(struct rdma_ucm_cmd_hdr)` → EINVAL; `hdr.cmd >=
    /// ARRAY_SIZE(ucma_cmd_table)` → EINVAL; `hdr.in + sizeof(hdr) > len` → EINVAL; a NULL
    /// table entry (RDMA_USER_CM_CMD_GET_OPTION) → ENOSYS; then the command, whose success
    /// returns `len`. The table ends at RDMA_USER_CM_CMD_JOIN_MCAST (4.x–6.x kernels; later
    /// kernels append commands).
    func write(_ file: inout OpenFile, _ bytes: [UInt8], kernel: inout KernelState) throws(KernelError) -> Int {
        let headerSize = Int(RDMAABI_UCM_CMD_HDR_SIZE)
        if bytes.count < headerSize {
            throw KernelError(.EINVAL, .other("rdma_cm: write of \(bytes.count) bytes, the command header is \(headerSize)"))
        }
        let command = CStruct.decode(UInt32.self, from: bytes, offset: Int(RDMAABI_UCM_CMD_HDR_CMD_OFFSET))
        let inLength = CStruct.decode(UInt16.self, from: bytes, offset: Int(RDMAABI_UCM_CMD_HDR_IN_OFFSET))
        if command > UInt32(RDMAABI_USER_CM_CMD_JOIN_MCAST) {
            throw KernelError(.EINVAL, .other("rdma_cm: command \(command) is beyond ucma_cmd_table"))
        }
        if Int(inLength) + headerSize > bytes.count {
            throw KernelError(.EINVAL, .other("rdma_cm: in = \(inLength) with \(bytes.count - headerSize) bytes after the header"))
        }
        if command == UInt32(RDMAABI_USER_CM_CMD_GET_OPTION) {
            throw KernelError(.ENOSYS, .other("rdma_cm: ucma_cmd_table has no GET_OPTION"))
        }
        throw KernelError(.ENOSYS, .other("rdma_cm: command \(command) is not modelled"))
    }
}
