import CRdmaSys
import Glibc

/// Directory descriptors of a rooted tree, opened inside the root once and shared by the threads
/// that read devices in parallel (`ParallelWork`). An entry in use is never closed: a reader takes
/// it (`users` + 1), runs its `fstatat`/`openat`/`readlinkat` relative to it without holding the
/// lock, and gives it back. Holding the lock across those calls, as the cache first did, let only
/// one thread at a time touch the tree (Docs/performance.md).
struct DirectoryCache {
    struct Entry {
        var fd: Int32
        var users: Int
        /// The regular files among the directory's entries, by their `d_type` in one
        /// `getdents64` (RegularFiles); nil when the directory was opened for a link look-up
        /// first.
        var regular: RegularFiles?
    }

    /// Bounded: a listing visits a handful of directories per device, one device after another.
    static let limit = 64

    private(set) var entries: [String: Entry] = [:]

    /// The cached descriptor of `directory` and its listing, taken for use; nil when it is not
    /// cached.
    mutating func take(_ directory: String) -> (fd: Int32, regular: RegularFiles?)? {
        guard var entry = entries[directory] else { return nil }
        entry.users += 1
        entries[directory] = entry
        return (entry.fd, entry.regular)
    }

    /// Caches `fd` for `directory`, taken for use. When another thread cached the directory
    /// first, that descriptor is taken instead and `fd` is returned in `surplus` to be closed.
    /// Returns the descriptors evicted to make room (idle ones only), to be closed too.
    mutating func insert(_ directory: String, fd: Int32, regular: RegularFiles?)
        -> (fd: Int32, regular: RegularFiles?, close: [Int32]) {
        if let existing = take(directory) { return (existing.fd, existing.regular, [fd]) }
        var closing: [Int32] = []
        if entries.count >= Self.limit {
            for (key, entry) in entries where entry.users == 0 {
                closing.append(entry.fd)
                entries[key] = nil
            }
        }
        entries[directory] = Entry(fd: fd, users: 1, regular: regular)
        return (fd, regular, closing)
    }

    /// Gives back a descriptor `take` or `insert` returned.
    mutating func give(_ directory: String) {
        guard var entry = entries[directory] else { return }
        entry.users -= 1
        entries[directory] = entry
    }

    /// Every descriptor, for the kernel's deinit.
    var allDescriptors: [Int32] { entries.values.map(\.fd) }
}

/// The names a directory's first `getdents64` batch reported as regular files (`DT_REG`), kept
/// as the raw dirent bytes and searched in place. An attribute found here is opened at once —
/// open, read, close — instead of `fstatat` first; a name not found (not regular, `DT_UNKNOWN`
/// on a file system that does not fill `d_type`, or beyond the first batch) takes the
/// `fstatat` way, so nothing depends on the batch being the whole directory. The entry can be
/// replaced between the listing and the open exactly as between `fstatat` and the open; the open
/// is `O_NOFOLLOW|O_NONBLOCK|O_NOCTTY` either way.
struct RegularFiles: @unchecked Sendable {
    let bytes: [UInt8]

    /// One `getdents64` on `fd` (a directory opened for reading, not yet read).
    init?(fd: Int32) {
        var failed = false
        let batch = [UInt8](unsafeUninitializedCapacity: 16 * 1024) { buffer, count in
            let n = rdmasys_getdents64(fd, buffer.baseAddress, UInt(buffer.count))
            if n < 0 { failed = true; count = 0 } else { count = Int(n) }
        }
        guard !failed else { return nil }
        bytes = batch
    }

    func contains(_ name: String) -> Bool {
        let target = Array(name.utf8)
        var offset = 0
        let reclenAt = Int(RDMASYS_DIRENT64_RECLEN_OFFSET), typeAt = Int(RDMASYS_DIRENT64_TYPE_OFFSET)
        let nameAt = Int(RDMASYS_DIRENT64_NAME_OFFSET)
        while offset + nameAt <= bytes.count {
            let length = Int(bytes[offset + reclenAt]) | Int(bytes[offset + reclenAt + 1]) << 8
            guard length > 0, offset + length <= bytes.count else { return false }
            let start = offset + nameAt
            if bytes[offset + typeAt] == UInt8(RDMASYS_DT_REG), start + target.count < offset + length,
               bytes[start + target.count] == 0, bytes[start..<start + target.count].elementsEqual(target) {
                return true
            }
            offset += length
        }
        return false
    }
}
