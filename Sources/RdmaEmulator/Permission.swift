import RdmaKit

extension Credentials {
    /// fs/namei.c `generic_permission` for opening a file: owner, group or other bits, and root
    /// bypassing them (CAP_DAC_OVERRIDE; no execute check is ever needed here).
    func permits(_ entry: Entry, read: Bool, write: Bool) -> Bool {
        if uid == 0 { return true }
        let bits: UInt32
        if uid == entry.uid { bits = (entry.mode >> 6) & 7 }
        else if gid == entry.gid || groups.contains(entry.gid) { bits = (entry.mode >> 3) & 7 }
        else { bits = entry.mode & 7 }
        return (!read || bits & 4 != 0) && (!write || bits & 2 != 0)
    }
}
