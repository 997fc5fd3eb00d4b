/// Natural order for device names: `hfi1_2` before `hfi1_10` (DESIGN §3), digits compared as
/// numbers, everything else byte-wise, so the order is the same on every locale.
public func naturalLess(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    var i = 0, j = 0
    while i < x.count && j < y.count {
        if isDigit(x[i]) && isDigit(y[j]) {
            let si = i, sj = j
            while i < x.count && isDigit(x[i]) { i += 1 }
            while j < y.count && isDigit(y[j]) { j += 1 }
            let nx = x[si..<i].drop { $0 == 0x30 }, ny = y[sj..<j].drop { $0 == 0x30 }
            if nx.count != ny.count { return nx.count < ny.count }
            if !nx.elementsEqual(ny) { return nx.lexicographicallyPrecedes(ny) }
            if i - si != j - sj { return i - si < j - sj }
        } else {
            if x[i] != y[j] { return x[i] < y[j] }
            i += 1; j += 1
        }
    }
    return x.count - i < y.count - j
}

private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
