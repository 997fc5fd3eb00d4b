import CRdmaABI
import CRdmaSys
import Glibc
import RdmaKit

/// `Kernel.readAttributeTexts` for the real kernel: a directory's attributes read in one call
/// into C (CRdmaSys `rdmasys_read_attributes`) — open and read each as one `readAttributeText`
/// after another would, their descriptors closed together — without the way down to each open in Swift: the
/// reader's policy, the root's checks of the directory, its cache look-up and the path joined
/// for the open, once a directory instead of once an attribute (issue 9; Docs/performance.md).
/// Where a batch cannot answer as the single read would, that attribute takes the single read.
extension LinuxKernel {
    public func readAttributeTexts(in directory: String, named names: AttributeNames, limit: Int,
                                   fewInDirectory: Bool) -> [Result<SysfsText, KernelError>] {
        func oneByOne() -> [Result<SysfsText, KernelError>] {
            names.names.map { single(directory, $0, limit: limit, fewInDirectory: fewInDirectory) }
        }
        guard names.count > 0, names.arePlainPaths, limit >= Self.firstRead else { return oneByOne() }
        if isLive {
            // As `openLiveSysfsAttribute`: each path whole; an open and a read an attribute, and
            // a close_range for them all.
            guard KernelPath.isWithin(directory, "/sys") else { return oneByOne() }
            var path = directory
            return path.withUTF8 { path in
                batch(RDMAABI_AT_FDCWD, prefix: path, names, directory: directory, limit: limit,
                      flags: Self.liveAttributeFlags | O_CLOEXEC, resolve: 0, unlooked: false, fewInDirectory: fewInDirectory)
            }
        }
        // A tree: only where attributes are opened without a look (a nodev mount, sysfs); where
        // a device node could be opened each is looked at first, attribute by attribute.
        guard opensUnlooked, maps(directory) else { return oneByOne() }
        let flags = Self.treeAttributeFlags
        // Below an open directory by plain names only (no "." or "..", not absolute), no link
        // followed and no mount crossed: every step goes down, so the walk cannot leave the
        // directory, and RESOLVE_BENEATH would add nothing but its cost — a scoped walk takes a
        // reference on the directory it starts from and checks, when it ends, that it is still
        // below it (fs/namei.c complete_walk: path_is_under), for every attribute (issue 9).
        let below = RDMAABI_RESOLVE_NO_SYMLINKS | RDMAABI_RESOLVE_NO_MAGICLINKS | RDMAABI_RESOLVE_NO_XDEV
        // From where `openTreeRegular` opens each: a device's own directory, kept; a directory
        // below one (a port) from the device's cached descriptor; anything else from the root.
        if Self.isDeviceDirectory(directory) {
            let read = try? withDirectory(directory, keep: true) { fd, _ in
                batch(fd, prefix: UnsafeBufferPointer(start: nil, count: 0), names, directory: directory, limit: limit, flags: flags, resolve: below,
                      unlooked: true, fewInDirectory: fewInDirectory)
            }
            return read ?? oneByOne()
        }
        if !Self.isClassEntry(directory), let (device, rest) = Self.deviceDirectory(above: directory), KernelPath.isPlainPath(rest),
           let read = withCachedDirectory(device, { fd, _ in
               var rest = rest
               return rest.withUTF8 { rest in
                   batch(fd, prefix: rest, names, directory: directory, limit: limit, flags: flags, resolve: below,
                         unlooked: true, fewInDirectory: fewInDirectory)
               }
           }) {
            return read
        }
        guard var rel = relative(directory) else { return oneByOne() }
        return rel.withUTF8 { rel in
            batch(rootFD, prefix: rel, names, directory: directory, limit: limit, flags: flags,
                  resolve: RDMAABI_RESOLVE_IN_ROOT | RDMAABI_RESOLVE_NO_MAGICLINKS | RDMAABI_RESOLVE_NO_XDEV,
                  unlooked: true, fewInDirectory: fewInDirectory)
        }
    }

    private func single(_ directory: String, _ name: String, limit: Int, fewInDirectory: Bool) -> Result<SysfsText, KernelError> {
        Result { () throws(KernelError) in try readAttributeText(in: directory, named: name, limit: limit, fewInDirectory: fewInDirectory) }
    }

    /// One call for every name, then each answer as `readText` gives it. `unlooked`: opened
    /// without a look (a failed or empty read is checked with the fstat the call made, as
    /// `checkingUnlooked` does), and an open that fails for any reason but ENOENT takes the
    /// single read, whose look says what is there; else (live sysfs) the open's error is the
    /// answer, as `openLiveSysfsAttribute`'s.
    private func batch(_ dirfd: Int32, prefix: UnsafeBufferPointer<UInt8>, _ names: AttributeNames, directory: String, limit: Int,
                       flags: Int32, resolve: UInt64, unlooked: Bool, fewInDirectory: Bool) -> [Result<SysfsText, KernelError>] {
        // Each attribute's first read, as `readText`'s; a longer one is read on from the
        // descriptor the batch leaves open (`text(firstRead:of:limit:)`).
        let count = names.count, slot = Self.firstRead
        var results: [Result<SysfsText, KernelError>] = []
        results.reserveCapacity(count)
        withUnsafeTemporaryAllocation(of: rdmasys_attribute_read.self, capacity: count) { reads in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count * slot) { buffer in
                names.nulTerminated.withUnsafeBufferPointer { n in
                    n.baseAddress!.withMemoryRebound(to: CChar.self, capacity: n.count) { namesC in
                        buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { bufferC in
                            // The prefix's bytes are lent, not NUL-terminated: C takes their count.
                            let prefixC = prefix.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
                            rdmasys_read_attributes(dirfd, prefixC, prefix.count, namesC, Int32(count), flags, resolve,
                                                    unlooked ? 1 : 0, reads.baseAddress, bufferC, UInt32(slot))
                        }
                    }
                }
                for i in 0..<count {
                    let bytes = UnsafeBufferPointer(rebasing: buffer[(i * slot)..<(i * slot + slot)])
                    results.append(answer(reads[i], bytes, unlooked: unlooked, limit: limit) ??
                                   single(directory, names.names[i], limit: limit, fewInDirectory: fewInDirectory))
                }
            }
        }
        return results
    }

    /// One attribute's answer from the batch; nil: take the single read.
    private func answer(_ r: rdmasys_attribute_read, _ slot: UnsafeBufferPointer<UInt8>, unlooked: Bool,
                        limit: Int) -> Result<SysfsText, KernelError>? {
        if r.open_errno != 0 {
            if !unlooked { return .failure(KernelError(Errno(rawValue: r.open_errno))) }
            if r.open_errno == EXDEV { self.unlooked.store(false, ordering: .sequentiallyConsistent) }
            return r.open_errno == ENOENT ? .failure(KernelError(.ENOENT)) : nil
        }
        // What the fstat after a failed or empty read found, when it is no regular file.
        func notRegular() -> KernelError? {
            guard unlooked else { return nil }
            if r.stat_errno != 0 { return KernelError(Errno(rawValue: r.stat_errno)) }
            return Self.notRegularError(mode_t(r.mode))
        }
        if r.read_errno != 0 { return .failure(notRegular() ?? KernelError(Errno(rawValue: r.read_errno))) }
        if r.length == 0, let error = notRegular() { return .failure(error) }
        // A slot filled: the batch left the descriptor open to read on (`text(firstRead:)`).
        defer { if r.fd >= 0 { Glibc.close(r.fd) } }
        do throws(KernelError) {
            return .success(try Self.text(firstRead: UnsafeBufferPointer(rebasing: slot[0..<Int(r.length)]), of: r.fd, limit: limit))
        } catch {
            // As `checkingUnlooked`: what failed to read on may be no regular file.
            if unlooked && r.fd >= 0 {
                do throws(KernelError) { try Self.requireRegular(r.fd) } catch { return .failure(error) }
            }
            return .failure(error)
        }
    }
}
