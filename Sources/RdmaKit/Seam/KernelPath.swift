/// Lexical path arithmetic for kernel paths ("/sys/class/infiniband/hfi1_0"). No I/O: the seam
/// implementations use it to resolve a link target against its directory inside a root.
public enum KernelPath {
    /// `component` below `base` ("/sys/class/infiniband" and "hfi1_0"), or `component` itself
    /// when it is absolute. Made in one allocation: a `base + "/" + component` chain grows its
    /// string twice, 450–650 instructions a path, and discovery joins one for every port and
    /// class device (callgrind, issue 9).
    public static func join(_ base: String, _ component: String) -> String {
        // The bytes: "/" and a combining mark is one Character that is not "/" (see below).
        if component.utf8.first == slash { return component }
        var base = base, component = component
        return base.withUTF8 { b in
            component.withUTF8 { c in
                let separator = b.last == slash ? 0 : 1
                return String(unsafeUninitializedCapacity: b.count + separator + c.count) { out in
                    var i = 0
                    for byte in b { out[i] = byte; i += 1 }
                    if separator == 1 { out[i] = slash; i += 1 }
                    for byte in c { out[i] = byte; i += 1 }
                    return i
                }
            }
        }
    }

    /// Whether `path` is `top` ("/sys") or lies below it ("/sys/class/…"), compared on the
    /// bytes: the rooted kernel asks this of every path it maps, and `String.hasPrefix`
    /// compares Characters (Docs/performance.md).
    public static func isWithin(_ path: String, _ top: StaticString) -> Bool {
        var path = path
        return path.withUTF8 { b in
            let n = top.utf8CodeUnitCount
            return b.hasBytes(top) && (b.count == n || b[n] == slash)
        }
    }

    // basename/dirname scan the UTF-8 bytes for the last "/" instead of splitting or walking
    // Characters: the emulator builds its whole tree through them (a split per node was most of
    // `--emulated` start-up), and a live listing calls them for every attribute and link, where
    // Character indexing cost 5,000 instructions a call (Docs/performance.md). Bytes are also
    // what the kernel splits on: a name may begin with a combining mark (sysfs names are bytes),
    // and "/" followed by one is a single Character that is not "/" — fuzz-emulator-nldev found
    // a device renamed to "\u{7AF}…" filed under the wrong directory (Docs/security.md). The
    // pieces are decoded from the byte slices: a String subscript would round a UTF-8 index
    // inside a Character down to the Character's start, "/" included.
    public static func basename(_ path: String) -> String {
        var path = path
        return path.withUTF8 { b in
            var end = b.count
            while end > 0, b[end - 1] == slash { end -= 1 }
            guard end > 0 else { return "/" }
            var start = end
            while start > 0, b[start - 1] != slash { start -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
        }
    }

    public static func dirname(_ path: String) -> String {
        var path = path
        return path.withUTF8 { b in
            var end = b.count
            while end > 0, b[end - 1] == slash { end -= 1 }
            var afterSlash = end
            while afterSlash > 0, b[afterSlash - 1] != slash { afterSlash -= 1 }
            guard afterSlash > 0 else { return "/" }
            var cut = afterSlash - 1
            while cut > 0, b[cut - 1] == slash { cut -= 1 }
            if cut == 0 { return "/" }
            let head = String(decoding: UnsafeBufferPointer(rebasing: b[0..<cut]), as: UTF8.self)
            return b[0] == slash ? head : "/" + head
        }
    }

    private static let slash = UInt8(ascii: "/")
    private static let dot = UInt8(ascii: ".")

    /// Resolves `target` (a link's contents) against `directory` and removes "." and "..".
    /// Returns nil when ".." would climb above "/" — for a rooted tree, above the root.
    /// Works on the UTF-8 bytes in one buffer: discovery resolves two links per device, and
    /// splitting into substrings was a fifth of a listing's instructions (Docs/performance.md).
    public static func resolve(_ target: String, against directory: String) -> String? {
        var target = target, directory = directory
        let absolute = target.utf8.first == slash
        // Every component written is preceded by one "/" that stands for at least one separator
        // of the input, except the first of each path walked when it has no leading "/": the
        // input's bytes plus two.
        let capacity = (absolute ? 0 : directory.utf8.count) + target.utf8.count + 2
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { out -> String? in
            var length = 0
            if !absolute { guard directory.withUTF8({ walk($0, into: out, length: &length) }) else { return nil } }
            guard target.withUTF8({ walk($0, into: out, length: &length) }) else { return nil }
            return length == 0 ? "/" : String(decoding: UnsafeBufferPointer(rebasing: out[0..<length]), as: UTF8.self)
        }
    }

    /// Appends the components of `path` to `out[0..<length]`, folding "." and "..": false when
    /// ".." leaves "/". A function of its own with `length` inout, not a closure capturing it:
    /// a captured variable is checked for exclusive access at run time on every use (a third
    /// of this walk's cost, issue 9).
    private static func walk(_ path: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>,
                             length: inout Int) -> Bool {
        var i = 0
        let n = path.count
        while i < n {
            while i < n, path[i] == slash { i += 1 }
            guard i < n else { break }
            var end = i
            while end < n, path[end] != slash { end += 1 }
            let count = end - i
            if count == 1, path[i] == 0x2e {
                // "."
            } else if count == 2, path[i] == 0x2e, path[i + 1] == 0x2e {
                guard length > 0 else { return false }
                // Back to the last "/" written (out[0] is one).
                length -= 1
                while out[length] != slash { length -= 1 }
            } else {
                out[length] = slash
                (out.baseAddress! + length + 1).update(from: path.baseAddress! + i, count: count)
                length += count + 1
            }
            i = end
        }
        return true
    }

    /// Whether a directory-entry name is safe to join (no "/", not "." or "..", not empty).
    public static func isPlainName(_ name: String) -> Bool {
        // The bytes, not Characters: "/" followed by a combining mark is one Character. On the
        // contiguous buffer: UTF8View.contains stepped one index at a time, and this runs for
        // every attribute a rooted tree reads (issue 9).
        var name = name
        return name.withUTF8 { b in
            guard isPlainComponent(b) else { return false }
            for byte in b where byte == slash { return false }
            return true
        }
    }

    /// Plain names joined by single "/"s, no NUL: a relative path that only goes down from where
    /// it starts (a batch's attribute names, a port's place below its device).
    public static func isPlainPath(_ path: some StringProtocol) -> Bool {
        var path = String(path)
        return path.withUTF8 { b in
            guard !b.contains(0) else { return false }
            var start = 0
            for i in 0...b.count where i == b.count || b[i] == slash {
                guard isPlainComponent(UnsafeBufferPointer(rebasing: b[start..<i])) else { return false }
                start = i + 1
            }
            return true
        }
    }

    /// One component of a path, between its "/"s: not empty, not "." or "..".
    public static func isPlainComponent(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        !b.isEmpty && !(b.count == 1 && b[0] == dot) && !(b.count == 2 && b[0] == dot && b[1] == dot)
    }
}
