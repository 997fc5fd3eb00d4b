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
    }

    /// Bounded: a listing visits a handful of directories per device, one device after another.
    static let limit = 64

    private(set) var entries: [String: Entry] = [:]

    /// The cached descriptor of `directory`, taken for use; nil when it is not cached.
    mutating func take(_ directory: String) -> Int32? {
        guard var entry = entries[directory] else { return nil }
        entry.users += 1
        entries[directory] = entry
        return entry.fd
    }

    /// Caches `fd` for `directory`, taken for use. When another thread cached the directory
    /// first, that descriptor is taken instead and `fd` is returned in `surplus` to be closed.
    /// Returns the descriptors evicted to make room (idle ones only), to be closed too.
    mutating func insert(_ directory: String, fd: Int32) -> (fd: Int32, close: [Int32]) {
        if let existing = take(directory) { return (existing, [fd]) }
        var closing: [Int32] = []
        if entries.count >= Self.limit {
            for (key, entry) in entries where entry.users == 0 {
                closing.append(entry.fd)
                entries[key] = nil
            }
        }
        entries[directory] = Entry(fd: fd, users: 1)
        return (fd, closing)
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
