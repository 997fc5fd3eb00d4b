import CRdmaSys
import Glibc

/// Directory descriptors of a rooted tree, opened inside the root once and kept. The rooted kernel
/// has one cache per discovery thread (`ParallelWork.slot`), each behind its own lock, because
/// slot 0 serves every thread that is not a worker. An entry in use is never
/// closed: a reader takes it (`users` + 1), runs its `fstatat`/`openat`/`readlinkat` relative to
/// it without holding the lock, and gives it back (Docs/performance.md).
struct DirectoryCache {
    struct Entry {
        var fd: Int32
        var users: Int
        /// The regular files among the directory's entries, by their `d_type` in one
        /// `getdents64` (RegularFiles); nil when the directory was opened for a link look-up
        /// first.
        var regular: RegularFiles?
        /// `uses` when it was last taken.
        var lastUse: Int
        /// Opened from the root with no link followed on the way (LinuxKernel
        /// `openDeviceDirectoryExactly`): the directory is where its path says, so its
        /// ancestors are reached through "..".
        var exact = false
    }

    /// Bounded: a listing visits a handful of directories per device, one device after another.
    static let limit = 64

    private(set) var entries: [String: Entry] = [:]
    /// Takes so far: the clock of `lastUse`.
    private var uses = 0
    /// The directory last looked up and where it is: a device's directory is taken and given
    /// back for each of its attributes and links in turn, and comparing one path costs less
    /// than hashing it (issue 9). Forgotten whenever an entry is added or removed, which may
    /// move the others; changing an entry's value in place moves nothing.
    private var recent: (directory: String, index: Dictionary<String, Entry>.Index)?

    private mutating func locate(_ directory: String) -> Dictionary<String, Entry>.Index? {
        if let recent, recent.directory == directory { return recent.index }
        guard let index = entries.index(forKey: directory) else { return nil }
        recent = (directory, index)
        return index
    }

    /// The cached descriptor of `directory` and its listing, taken for use; nil when it is not
    /// cached.
    mutating func take(_ directory: String) -> (fd: Int32, regular: RegularFiles?)? {
        // One look-up of the path, then the entry changed in place.
        guard let index = locate(directory) else { return nil }
        uses += 1
        entries.values[index].users += 1
        entries.values[index].lastUse = uses
        let entry = entries.values[index]
        return (entry.fd, entry.regular)
    }

    /// For a link in `directory`: the descriptor to read it relative to, taken for use, and the
    /// prefix that leads from there to `directory` — `directory`'s own ("") when it is cached,
    /// else that of the directory last taken when it lies below `directory` and was opened
    /// exactly ("../" for each level), so that a device's parent need not be opened to read its
    /// `driver` link (issue 9). `key` is what to give back. nil: neither is cached.
    mutating func takeForLink(in directory: String) -> (fd: Int32, prefix: String, key: String)? {
        if let (fd, _) = take(directory) { return (fd, "", directory) }
        guard let recent, entries.values[recent.index].exact else { return nil }
        let below = recent.directory
        var levels = 0
        below.utf8.withContiguousStorageIfAvailable { b in
            directory.utf8.withContiguousStorageIfAvailable { d in
                guard b.count > d.count + 1, b[d.count] == 0x2f, memcmp(b.baseAddress!, d.baseAddress!, d.count) == 0 else { return }
                for c in b[(d.count + 1)...] where c == 0x2f { levels += 1 }
                levels += 1
            }
        }
        guard levels > 0, let (fd, _) = take(below) else { return nil }
        return (fd, String(repeating: "../", count: levels), below)
    }

    /// Caches `fd` for `directory`, taken for use. When another thread cached the directory
    /// first, that descriptor is taken instead and `fd` is returned in `surplus` to be closed.
    /// Returns the descriptors evicted to make room (idle ones only), to be closed too.
    mutating func insert(_ directory: String, fd: Int32, regular: RegularFiles?, exact: Bool = false)
        -> (fd: Int32, regular: RegularFiles?, close: [Int32]) {
        if let existing = take(directory) { return (existing.fd, existing.regular, [fd]) }
        recent = nil
        var closing: [Int32] = []
        if entries.count >= Self.limit {
            // The least recently taken idle entries go, down to half the limit (every limit/2
            // inserts): directories every device passes through (a class directory, whose
            // listing spares a failed open per link) stay. Those not taken in the last limit/2
            // takes go in one pass; only when that leaves too many are the rest sorted (a sort
            // each time was 5 % of a rooted listing's user time, issue 9).
            let cutoff = uses - Self.limit / 2
            let stale = entries.compactMap { $0.value.users == 0 && $0.value.lastUse <= cutoff ? ($0.key, $0.value.fd) : nil }
            for (key, fd) in stale {
                closing.append(fd)
                entries[key] = nil
            }
            if entries.count > Self.limit / 2 {
                let idle = entries.filter { $0.value.users == 0 }.sorted { $0.value.lastUse < $1.value.lastUse }
                for (key, entry) in idle.prefix(entries.count - Self.limit / 2) {
                    closing.append(entry.fd)
                    entries[key] = nil
                }
            }
        }
        uses += 1
        entries[directory] = Entry(fd: fd, users: 1, regular: regular, lastUse: uses, exact: exact)
        return (fd, regular, closing)
    }

    /// Gives back a descriptor `take` or `insert` returned.
    mutating func give(_ directory: String) {
        guard let index = locate(directory) else { return }
        entries.values[index].users -= 1
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
    /// Entries in `bytes`. A look-up is a scan: worth it for a device's directory (a few dozen
    /// entries), not for a class directory of a thousand links (`isSmall`).
    let count: Int

    /// Batches `getdents64` returned.
    init(batch: [UInt8]) {
        bytes = batch
        count = Self.entries(batch)
    }

    /// One `getdents64` on `fd` (a directory opened for reading, not yet read).
    init?(fd: Int32) {
        var failed = false
        let batch = [UInt8](unsafeUninitializedCapacity: 16 * 1024) { buffer, count in
            let n = rdmasys_getdents64(fd, buffer.baseAddress, UInt(buffer.count))
            if n < 0 { failed = true; count = 0 } else { count = Int(n) }
        }
        guard !failed else { return nil }
        self.init(batch: batch)
    }

    /// Few enough entries that scanning them costs less than a system call.
    var isSmall: Bool { count <= 64 }

    /// Whether the batch lists `name` as a regular file.
    func contains(_ name: String) -> Bool { type(of: name) == UInt8(RDMASYS_DT_REG) }

    /// `name`'s `d_type` in the batch; nil when the batch does not list it.
    func type(of name: String) -> UInt8? {
        var name = name
        return name.withUTF8 { target in
            bytes.withUnsafeBufferPointer { b in
                var found: UInt8?
                Self.walk(b) { start, end, type in
                    // The name, then its NUL, within the record; compared with memcmp.
                    guard end - start > target.count, b[start + target.count] == 0,
                          target.isEmpty || memcmp(b.baseAddress! + start, target.baseAddress!, target.count) == 0 else { return true }
                    found = type
                    return false
                }
                return found
            }
        }
    }

    private static func entries(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { b in
            var n = 0
            walk(b) { _, _, _ in n += 1; return true }
            return n
        }
    }

    /// Calls `body(nameStart, recordEnd, d_type)` for each record until it returns false.
    private static func walk(_ b: UnsafeBufferPointer<UInt8>, _ body: (Int, Int, UInt8) -> Bool) {
        let reclenAt = Int(RDMASYS_DIRENT64_RECLEN_OFFSET), typeAt = Int(RDMASYS_DIRENT64_TYPE_OFFSET)
        let nameAt = Int(RDMASYS_DIRENT64_NAME_OFFSET)
        var offset = 0
        while offset + nameAt <= b.count {
            let length = Int(b[offset + reclenAt]) | Int(b[offset + reclenAt + 1]) << 8
            guard length > 0, offset + length <= b.count else { return }
            guard body(offset + nameAt, offset + length, b[offset + typeAt]) else { return }
            offset += length
        }
    }
}
