import CRdmaABI
import RdmaKit

/// A broken invariant: printed, then abort(), which libFuzzer reports as a crash and saves the
/// input (`crash-<sha1>`). Swift's own traps (overflow, index, force-unwrap) end the same way.
public func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                      file: StaticString = #fileID, line: UInt = #line) {
    guard !condition() else { return }
    fatalError("invariant broken: \(message())", file: file, line: line)
}

/// The errnos the emulated kernel's verbs may answer: every one the driver tables in
/// Docs/simulation-and-snapshots.md and ABI-FACTS §2–5, §8 name (EIO, ENXIO after removal;
/// EMSGSIZE/EOPNOTSUPP from nldev; ENOENT/EACCES from open). An errno outside it is a finding.
public let documentedEmulatorErrnos: Set<Errno> = [
    .EPERM, .ENOENT, .EIO, .ENXIO, .EBADF, .EAGAIN, .ENOMEM, .EACCES, .EFAULT, .EBUSY, .ENODEV,
    .ENOTDIR, .EISDIR, .EINVAL, .EMFILE, .ENOTTY, .EFBIG, .ENOSPC, .ELOOP, .ENOSYS,
    .EPROTONOSUPPORT, .EOPNOTSUPP, .ENETDOWN, .EMSGSIZE, .E2BIG, .ERANGE,
    Errno(rawValue: RDMAABI_ENOLCK),   // hfi1 CTXT_RESET while frozen (ABI-FACTS §2.4)
]

public func checkDocumented(_ error: KernelError, _ what: @autoclosure () -> String) {
    invariant(documentedEmulatorErrnos.contains(error.errno), "\(what()) answered \(error) — not in the documented errno table")
}
