/// Byte comparisons for the hot paths that parse names on their UTF-8 (paths, uevent lines):
/// a loop over raw buffers, not `elementsEqual` over collection views, which walked
/// `String.UTF8View` one index at a time (issue 9's profiles).
extension UnsafeBufferPointer<UInt8> {
    /// Whether the bytes from `offset` begin with `other`.
    @inline(__always)
    func hasBytes(_ other: UnsafeBufferPointer<UInt8>, at offset: Int = 0) -> Bool {
        guard offset >= 0, count - offset >= other.count else { return false }
        var i = 0
        while i < other.count {
            if self[offset + i] != other[i] { return false }
            i += 1
        }
        return true
    }

    @inline(__always)
    func hasBytes(_ other: StaticString, at offset: Int = 0) -> Bool {
        hasBytes(UnsafeBufferPointer(start: other.utf8Start, count: other.utf8CodeUnitCount), at: offset)
    }
}

extension String {
    /// `hasPrefix` on the UTF-8 bytes. `String.hasPrefix` compares Characters (grapheme
    /// breaking on both sides): in the loops over a class directory's thousands of names that
    /// was the larger part of the serial work between discovery's passes (issue 9). Kernel
    /// names are bytes, so bytes are also the right comparison.
    func hasBytePrefix(_ prefix: StaticString) -> Bool {
        var s = self
        return s.withUTF8 { $0.hasBytes(prefix) }
    }
}
