/// Host lists folded and expanded the way Slurm and ClusterShell write them: `node[1-3,7]`,
/// `cn[08-10]`, several groups joined by commas (`scontrol show hostnames`, slurm
/// `src/common/hostlist.c`; ClusterShell `NodeSet`/`RangeSet`, nodeset(1) --fold/--expand).
/// Folding works on the last run of digits in a name, as Slurm's hostlist does; zero padding is
/// kept (`node01,node02` → `node[01-02]`, and `node09,node10` → `node[09-10]` like ClusterShell).
public enum HostList {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var text: String
        public var reason: String
        public var description: String { "bad host list \"\(text)\": \(reason)" }
    }

    /// `node1,node2,node3,node7` → `node[1-3,7]`. Duplicates are folded once; the order is
    /// natural (`node2` before `node10`).
    public static func fold(_ names: [String]) -> String {
        struct Key: Hashable { var prefix: String; var suffix: String; var width: Int }
        var plain: Set<String> = []
        var groups: [Key: Set<Int>] = [:]
        var loose: [(prefix: String, suffix: String, digits: Substring)] = []
        for name in Set(names) {
            guard let (prefix, digits, suffix) = split(name), let n = Int(digits), digits.count <= 18 else {
                plain.insert(name); continue
            }
            if digits.count > 1 && digits.first == "0" {
                groups[Key(prefix: prefix, suffix: suffix, width: digits.count), default: []].insert(n)
            } else {
                loose.append((prefix, suffix, digits))
            }
        }
        // An unpadded number as wide as a padded group of the same prefix joins it (node09,node10).
        for (prefix, suffix, digits) in loose {
            let padded = Key(prefix: prefix, suffix: suffix, width: digits.count)
            let key = groups[padded] != nil ? padded : Key(prefix: prefix, suffix: suffix, width: 0)
            groups[key, default: []].insert(Int(digits)!)
        }
        var parts: [(sortKey: String, text: String)] = plain.map { ($0, $0) }
        for (key, numbers) in groups {
            let sorted = numbers.sorted()
            func pad(_ n: Int) -> String {
                let s = String(n)
                return key.width > s.count ? String(repeating: "0", count: key.width - s.count) + s : s
            }
            if sorted.count == 1 {
                let name = key.prefix + pad(sorted[0]) + key.suffix
                parts.append((name, name)); continue
            }
            var ranges: [String] = []
            var i = 0
            while i < sorted.count {
                var j = i
                while j + 1 < sorted.count, sorted[j + 1] == sorted[j] + 1 { j += 1 }
                ranges.append(i == j ? pad(sorted[i]) : pad(sorted[i]) + "-" + pad(sorted[j]))
                i = j + 1
            }
            parts.append((key.prefix + pad(sorted[0]) + key.suffix,
                          key.prefix + "[" + ranges.joined(separator: ",") + "]" + key.suffix))
        }
        return parts.sorted { naturalLess($0.sortKey, $1.sortKey) }.map(\.text).joined(separator: ",")
    }

    /// `node[1-3,7],login1` → `node1 node2 node3 node7 login1`, in the order written. Brackets
    /// may appear once per name; a range keeps the padding of its first bound (`[08-10]`).
    public static func expand(_ text: String) throws(Failure) -> [String] {
        var names: [String] = []
        var seen: Set<String> = []
        for item in try splitTopLevel(text) {
            for name in try expandOne(item, in: text) where seen.insert(name).inserted { names.append(name) }
        }
        return names
    }

    /// Splits on commas outside brackets.
    private static func splitTopLevel(_ text: String) throws(Failure) -> [Substring] {
        var items: [Substring] = []
        var depth = 0
        var start = text.startIndex
        for i in text.indices {
            switch text[i] {
            case "[": depth += 1; if depth > 1 { throw Failure(text: text, reason: "nested brackets") }
            case "]": depth -= 1; if depth < 0 { throw Failure(text: text, reason: "unbalanced ']'") }
            case "," where depth == 0, " " where depth == 0:
                if start < i { items.append(text[start..<i]) }
                start = text.index(after: i)
            default: break
            }
        }
        guard depth == 0 else { throw Failure(text: text, reason: "unbalanced '['") }
        if start < text.endIndex { items.append(text[start...]) }
        return items
    }

    private static func expandOne(_ item: Substring, in text: String) throws(Failure) -> [String] {
        guard let open = item.firstIndex(of: "[") else { return [String(item)] }
        guard let close = item[open...].firstIndex(of: "]") else { throw Failure(text: text, reason: "unbalanced '['") }
        let prefix = item[..<open], suffix = item[item.index(after: close)...]
        guard !suffix.contains("[") else { throw Failure(text: text, reason: "only one bracket group per name is supported") }
        var names: [String] = []
        for range in item[item.index(after: open)..<close].split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), bounds.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                  let lo = Int(bounds[0]), let hi = Int(bounds[bounds.count - 1]), lo <= hi, hi - lo < 100_000 else {
                throw Failure(text: text, reason: "bad range \"\(range)\"")
            }
            let width = bounds[0].count > 1 && bounds[0].first == "0" ? bounds[0].count : 0
            for n in lo...hi {
                let s = String(n)
                names.append(prefix + (width > s.count ? String(repeating: "0", count: width - s.count) : "") + s + suffix)
            }
        }
        return names
    }

    /// (prefix, digits, suffix) around the last run of digits; nil when the name has none.
    static func split(_ name: String) -> (String, Substring, String)? {
        guard let last = name.lastIndex(where: { $0.isASCII && $0.isNumber }) else { return nil }
        var first = last
        while first > name.startIndex {
            let before = name.index(before: first)
            guard name[before].isASCII && name[before].isNumber else { break }
            first = before
        }
        let afterLast = name.index(after: last)
        return (String(name[..<first]), name[first..<afterLast], String(name[afterLast...]))
    }
}
