/// Natural order for device names: `hfi1_2` before `hfi1_10` (DESIGN §3), digits compared as
/// numbers, everything else byte-wise, so the order is the same on every locale. Compares the
/// strings' own UTF-8 storage: sorting a thousand names must not copy them 20,000 times.
public func naturalLess(_ a: String, _ b: String) -> Bool {
    var a = a, b = b
    return a.withUTF8 { x in b.withUTF8 { y in naturalLess(x, y) } }
}

/// `items` sorted by `key` in natural order, each key's bytes taken once (a thousand class
/// devices sort with ten thousand comparisons; copying both names out for each was most of
/// the sort). Names that are one prefix and a trailing number — nearly all of them: hfi1_7,
/// uverbs7, umad7 — are compared by that number when their prefixes are equal, which is what
/// the byte-wise natural comparison concludes, without walking the bytes again.
public func naturalSorted<T>(_ items: [T], by key: (T) -> String) -> [T] {
    let keyed = items.map { NaturalKey(Array(key($0).utf8), item: $0) }
    return keyed.sorted { a, b in
        if let x = a.number, let y = b.number, a.prefixLength == b.prefixLength,
           a.bytes.prefix(a.prefixLength).elementsEqual(b.bytes.prefix(b.prefixLength)) {
            // naturalLess: digits compared as numbers, then the shorter run (fewer leading zeros) first.
            return x != y ? x < y : a.bytes.count - a.prefixLength < b.bytes.count - b.prefixLength
        }
        return a.bytes.withUnsafeBufferPointer { x in b.bytes.withUnsafeBufferPointer { y in naturalLess(x, y) } }
    }.map(\.item)
}

/// A name's bytes, and — when it ends in a run of at most 18 digits after a non-digit prefix —
/// the prefix length and the run's value.
private struct NaturalKey<T> {
    let bytes: [UInt8]
    let item: T
    var prefixLength = 0
    var number: UInt64?

    init(_ bytes: [UInt8], item: T) {
        self.bytes = bytes; self.item = item
        var start = bytes.count
        while start > 0, isDigit(bytes[start - 1]) { start -= 1 }
        let run = bytes.count - start
        guard run > 0, run <= 18, start > 0 else { return }
        var value: UInt64 = 0
        for c in bytes[start...] { value = value * 10 + UInt64(c - 0x30) }
        prefixLength = start
        number = value
    }
}

public func naturalSorted(_ names: [String]) -> [String] { naturalSorted(names) { $0 } }

private func naturalLess(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0, j = 0
    while i < x.count && j < y.count {
        if isDigit(x[i]) && isDigit(y[j]) {
            let si = i, sj = j
            while i < x.count && isDigit(x[i]) { i += 1 }
            while j < y.count && isDigit(y[j]) { j += 1 }
            var zi = si, zj = sj
            while zi < i && x[zi] == 0x30 { zi += 1 }
            while zj < j && y[zj] == 0x30 { zj += 1 }
            if i - zi != j - zj { return i - zi < j - zj }
            var k = 0
            while k < i - zi {
                if x[zi + k] != y[zj + k] { return x[zi + k] < y[zj + k] }
                k += 1
            }
            if i - si != j - sj { return i - si < j - sj }
        } else {
            if x[i] != y[j] { return x[i] < y[j] }
            i += 1; j += 1
        }
    }
    return x.count - i < y.count - j
}

private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
