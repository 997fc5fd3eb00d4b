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
/// the byte-wise natural comparison concludes, without walking the bytes again. Equal prefixes
/// are known by a number given to each distinct prefix, and the sort moves indices, not keys
/// (issue 9: the sorts were 7 % of `list`'s instructions, on one thread).
public func naturalSorted<T>(_ items: [T], by key: (T) -> String) -> [T] {
    // A device's ports/ (one entry, usually) is sorted too: nothing to order, nothing to build.
    guard items.count > 1 else { return items }
    let bytes = items.map { Array(key($0).utf8) }
    var prefixes: [ArraySlice<UInt8>] = []
    let keys = bytes.map { name -> NaturalKey in
        var k = NaturalKey(name)
        guard k.hasNumber else { return k }
        // A handful of distinct prefixes in a listing (hfi1_, qib, uverbs, umad, issm): found
        // by a scan. Past 16 a new prefix gets no number, and its names take the full comparison.
        let prefix = name[..<Int(k.prefixLength)]
        if let id = prefixes.firstIndex(of: prefix) {
            k.prefixID = Int32(id)
        } else if prefixes.count < 16 {
            k.prefixID = Int32(prefixes.count)
            prefixes.append(prefix)
        }
        return k
    }
    let order = keys.withUnsafeBufferPointer { keys in
        Array(keys.indices).sorted { i, j in
            let a = keys[i], b = keys[j]
            if a.prefixID >= 0, a.prefixID == b.prefixID {
                // naturalLess: digits compared as numbers, then the shorter run (fewer leading zeros) first.
                return a.number != b.number ? a.number < b.number : a.run < b.run
            }
            return bytes[i].withUnsafeBufferPointer { x in bytes[j].withUnsafeBufferPointer { y in naturalLess(x, y) } }
        }
    }
    return order.map { items[$0] }
}

/// Of a name that ends in a run of at most 18 digits after a non-digit prefix: the prefix's
/// length, a number naming the prefix among the names sorted (-1: none), the run's length and
/// value. Plain values, so the sort's comparisons touch no reference counts.
private struct NaturalKey {
    var prefixLength: Int32 = 0
    var prefixID: Int32 = -1
    var run: Int32 = 0
    var number: UInt64 = 0

    init(_ bytes: [UInt8]) {
        var start = bytes.count
        while start > 0, isDigit(bytes[start - 1]) { start -= 1 }
        let run = bytes.count - start
        guard run > 0, run <= 18, start > 0 else { return }
        var value: UInt64 = 0
        for c in bytes[start...] { value = value * 10 + UInt64(c - 0x30) }
        prefixLength = Int32(start)
        self.run = Int32(run)
        number = value
    }

    /// Whether the name has the prefix-and-number form.
    var hasNumber: Bool { run > 0 }
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
