import CRdmaABI
import RdmaKit

/// Path resolution over the emulated tree, as fs/namei.c does it: components left to right,
/// "." skipped, ".." to the physical parent (after a link, the parent of where the link led),
/// symbolic links expanded in place, at most 40 of them (MAXSYMLINKS) before ELOOP, ENOTDIR when
/// a non-directory has components after it, ENOENT for a missing component. ".." at "/" stays at
/// "/", so no path or link can leave the tree.
extension Tree {
    static let maxSymlinkHops = Int(RDMAABI_MAXSYMLINKS)

    /// The canonical path of the entry `path` names. `followLast: false` is lstat/readlink
    /// semantics: a link in the last component is returned, not followed.
    func resolve(_ path: String, followLast: Bool = true) throws(KernelError) -> String {
        // Fast path: a key of `entries` is already resolved — keys are in canonical form and
        // every proper prefix of a key is a directory key (Tree.insert and Tree.move check the
        // form; insert makes parents; remove and move take subtrees whole), so the walk below
        // would meet no link, "." or ".." before the last component and end where it started.
        if let entry = entries[path] {
            guard case .symlink = entry.kind, followLast else { return path }
        }
        guard path.utf8.first == 0x2f else { throw KernelError(.ENOENT, .other("not an absolute path: \(path)")) }
        // A trailing slash means "a directory", and follows a final link (path_lookupat).
        let mustBeDirectory = path.utf8.count > 1 && path.utf8.last == 0x2f
        let follow = followLast || mustBeDirectory
        // Components split on the "/" scalar, not the Character: "/" followed by a combining
        // mark is one Character (a device renamed to "\u{7AF}…", found by fuzz-emulator-nldev).
        var pending: [Substring.UnicodeScalarView] = path.unicodeScalars.split(separator: "/").reversed()
        // The canonical path so far, grown a component at a time ("" is "/").
        var current = ""
        var hops = 0
        while let component = pending.popLast() {
            if component.elementsEqual(".".unicodeScalars) { continue }
            if component.elementsEqual("..".unicodeScalars) {
                if let slash = current.unicodeScalars.lastIndex(of: "/") { current.unicodeScalars.removeSubrange(slash...) }
                continue
            }
            let candidate = current + "/" + String(component)
            guard let entry = entries[candidate] else { throw KernelError(.ENOENT) }
            let isLast = pending.isEmpty
            switch entry.kind {
            case .directory:
                current = candidate
            case .symlink(let contents):
                if isLast && !follow {
                    current = candidate
                    break
                }
                hops += 1
                if hops > Tree.maxSymlinkHops { throw KernelError(.ELOOP) }
                if contents.utf8.first == 0x2f { current = "" }
                pending.append(contentsOf: contents.unicodeScalars.split(separator: "/").reversed())
            case .file, .characterDevice:
                if !isLast { throw KernelError(.ENOTDIR) }
                current = candidate
            }
        }
        let resolved = current.isEmpty ? "/" : current
        if mustBeDirectory, entries[resolved]?.isDirectory != true { throw KernelError(.ENOTDIR) }
        return resolved
    }

    /// "/a/b": absolute, no empty, "." or ".." component, no trailing slash ("/" itself is not).
    static func isCanonicalForm(_ path: String) -> Bool {
        var bytes = path.utf8.makeIterator()
        guard bytes.next() == UInt8(ascii: "/") else { return false }
        var length = 0, onlyDots = true
        while let byte = bytes.next() {
            if byte == UInt8(ascii: "/") {
                if length == 0 || (onlyDots && length <= 2) { return false }
                length = 0; onlyDots = true
            } else {
                length += 1
                if byte != UInt8(ascii: ".") { onlyDots = false }
            }
        }
        return length > 0 && !(onlyDots && length <= 2)
    }

    /// The entry `path` names, following links.
    func lookup(_ path: String, followLast: Bool = true) throws(KernelError) -> (path: String, entry: Entry) {
        let resolved = try resolve(path, followLast: followLast)
        return (resolved, entries[resolved]!)
    }

    /// The entry for the last component itself (lstat): the parent is resolved with links
    /// followed, the last component is not. Returns the canonical parent too.
    func lookupNoFollow(_ path: String) throws(KernelError) -> (parent: String, entry: Entry) {
        guard path.utf8.first == 0x2f else { throw KernelError(.ENOENT, .other("not an absolute path: \(path)")) }
        if path.utf8.allSatisfy({ $0 == 0x2f }) { return ("/", entries["/"]!) }
        let name = KernelPath.basename(path)
        let parent = try resolve(KernelPath.dirname(path))
        guard entries[parent]?.isDirectory == true else { throw KernelError(.ENOTDIR) }
        if name == "." || name == ".." {
            let resolved = try resolve(path)
            return (KernelPath.dirname(resolved), entries[resolved]!)
        }
        guard let entry = entries[KernelPath.join(parent, name)] else { throw KernelError(.ENOENT) }
        return (parent, entry)
    }
}
