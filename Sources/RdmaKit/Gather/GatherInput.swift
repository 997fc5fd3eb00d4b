/// Collects per-host answers for `gather` from what cluster tools leave behind (issue 11):
/// one file per node (`srun -o DIR/%N.json`, with `%N.err` beside it), or a stream whose lines
/// are prefixed the way `srun -l` (`0: `), `clush` and `pdsh` (`node1: `) prefix them, or plain
/// NDJSON / concatenated envelopes. Every `rdmactl/1` envelope names its host, so an unprefixed
/// stream is enough; a prefix or a file name is what names a node that said nothing usable.
public struct GatherInput {
    /// One host's contribution.
    public enum Answer: Sendable {
        case envelope(JSONValue, exitCode: Int32)
        case silent(String)
        case bad(String)
    }

    private(set) var answers: [String: Answer] = [:]
    private(set) var order: [String] = []
    /// Per host: what the engine (or the node's stderr) said, the first line kept.
    private(set) var notes: [String: String] = [:]
    private(set) var engineExits: [String: Int32] = [:]
    public private(set) var engineMessages: [String] = []
    public private(set) var warnings: [String] = []
    private var expected: [String] = []
    /// What a silent host with nothing better to say is reported with (`fleet`: the engine's status).
    public var silentDefault = "no output"

    public init() {}

    /// Hosts that must answer (`--expect node[1-4]`): a missing one is listed as silent.
    public mutating func expect(_ hosts: [String]) { expected += hosts }

    /// One node's output file (the file name names the node), and its stderr file if any.
    public mutating func addFile(host: String, bytes: [UInt8], stderr: [UInt8]?) {
        if let stderr { addStream(stderr, name: host + ".err", isStderr: true, defaultHost: host) }
        var reader = JSONReader(bytes)
        guard !reader.atEnd else {
            record(host, .silent(notes[host] ?? "empty output file"), from: host); return
        }
        do {
            let doc = try reader.next()!
            record(host, Self.answer(doc), from: host)
            if !reader.atEnd { warnings.append("\(host): more than one document in its file; the first was used") }
        } catch {
            record(host, .bad("not JSON (\(error)): " + Self.snippet(bytes)), from: host)
        }
    }

    /// A stream (a FILE or stdin, or an engine's stdout/stderr). On stderr, a node's prefixed
    /// lines are notes (the reason it is silent, if it is), not answers.
    public mutating func addStream(_ bytes: [UInt8], name: String, isStderr: Bool = false, defaultHost: String? = nil) {
        var unlabeled: [UInt8] = []
        var labeled: [String: [UInt8]] = [:]
        var labelOrder: [String] = []
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0a { end += 1 }
            let lineBytes = bytes[start..<end]
            start = end + 1
            // Fast path: a line that starts a JSON document or continues one is not a message.
            // (srun -l pads its labels with spaces, so a leading space is not on this path.)
            if let first = lineBytes.first, first == UInt8(ascii: "{") || first == UInt8(ascii: "}")
                || first == UInt8(ascii: "]") || first == UInt8(ascii: "\"") {
                if isStderr, let host = defaultHost { note(host, String(decoding: lineBytes, as: UTF8.self)) } else {
                    unlabeled.append(contentsOf: lineBytes); unlabeled.append(0x0a)
                }
                continue
            }
            // A node's labelled JSON line (clush, pdsh, srun -l): found on the bytes, no String made.
            if !isStderr, let (label, restStart) = Self.bytePrefix(lineBytes),
               restStart < lineBytes.endIndex, lineBytes[restStart] == UInt8(ascii: "{") || lineBytes[restStart] == UInt8(ascii: " ")
                || lineBytes[restStart] == UInt8(ascii: "}") || lineBytes[restStart] == UInt8(ascii: "\"") || lineBytes[restStart] == UInt8(ascii: "]") {
                if labeled[label] == nil { labelOrder.append(label) }
                labeled[label, default: []].append(contentsOf: lineBytes[restStart...])
                labeled[label]!.append(0x0a)
                continue
            }
            let line = String(decoding: lineBytes, as: UTF8.self)
            if line.allSatisfy(\.isWhitespace) { continue }
            if line.hasPrefix("rdmactl: ") {
                // rdmactl's own diagnostics (a run without --json, a note): not a host label.
                if isStderr, let host = defaultHost { note(host, line) } else { engineMessages.append(line) }
                continue
            }
            if let message = EngineMessage.parse(line[...]) {
                switch message {
                case .exited(let host, let status): engineExits[host] = status
                case .failed(let host, let reason): note(host, reason, engine: true)
                case .engine(let text): engineMessages.append(text)
                }
                continue
            }
            if isStderr, let host = defaultHost { note(host, line); continue }
            if let (label, rest) = Self.prefix(line) {
                if isStderr { note(label, String(rest)); continue }
                if labeled[label] == nil { labelOrder.append(label) }
                labeled[label, default: []].append(contentsOf: Array(rest.utf8) + [0x0a])
                continue
            }
            if isStderr { engineMessages.append(line); continue }
            unlabeled.append(contentsOf: lineBytes); unlabeled.append(0x0a)
        }
        if !unlabeled.isEmpty { addDocuments(unlabeled, label: nil, name: name) }
        for label in labelOrder { addDocuments(labeled[label]!, label: label, name: name) }
    }

    /// A labelled buffer is one host's (or, for `srun -l`'s numeric labels, one task's) output.
    private mutating func addDocuments(_ bytes: [UInt8], label: String?, name: String) {
        let labelIsHost = label.map { !$0.allSatisfy(\.isNumber) } ?? false
        let who = label.map { labelIsHost ? $0 : "task \($0)" } ?? name
        guard bytes.contains(UInt8(ascii: "{")) else {
            if labelIsHost, let label { note(label, Self.snippet(bytes)); ensureSilent(label) }
            else { record(who, .silent(Self.snippet(bytes)), from: name) }
            return
        }
        var reader = JSONReader(bytes)
        while !reader.atEnd {
            let at = reader.offset
            do {
                guard let doc = try reader.next() else { break }
                let answer = Self.answer(doc)
                let host = labelIsHost ? label! : (Self.host(of: doc) ?? who)
                record(host, answer, from: name)
            } catch {
                let line = bytes[..<min(at, bytes.count)].filter { $0 == 0x0a }.count + 1
                let host = labelIsHost ? label! : "\(who) (document at line \(line))"
                record(host, .bad("not JSON (\(error)): " + Self.snippet(Array(bytes[min(at, bytes.count)...]))), from: name)
                reader.skipLine()
            }
        }
    }

    private mutating func record(_ host: String, _ answer: Answer, from source: String) {
        if let existing = answers[host] {
            switch (existing, answer) {
            case (.silent, _): answers[host] = answer; return
            case (_, .silent): return
            default:
                warnings.append("\(host) answered more than once (\(source)); the first answer is kept"); return
            }
        }
        answers[host] = answer; order.append(host)
    }

    private mutating func note(_ host: String, _ text: String, engine: Bool = false) {
        let t = text.trimmingSpaces
        guard !t.isEmpty else { return }
        // An engine's failure line beats the node's own stderr chatter as the reason.
        if notes[host] == nil || engine { notes[host] = String(t.prefix(200)) }
        if engine { ensureSilent(host) }
    }

    private mutating func ensureSilent(_ host: String) {
        if answers[host] == nil { answers[host] = .silent(""); order.append(host) }
    }

    /// The answers, with what the engine said about the silent ones and the expected hosts that
    /// never appeared.
    public func collected() -> [(host: String, answer: Answer)] {
        var out: [(String, Answer)] = []
        var seen: Set<String> = []
        for host in order {
            seen.insert(host)
            guard case .silent(let reason)? = answers[host] else { out.append((host, answers[host]!)); continue }
            out.append((host, .silent(silentReason(host, reason))))
        }
        // The engine named a node (an exit status) that sent nothing at all.
        for (host, _) in engineExits.sorted(by: { naturalLess($0.key, $1.key) }) where !seen.contains(host) {
            seen.insert(host); out.append((host, .silent(silentReason(host, ""))))
        }
        for host in expected where !seen.contains(host) {
            seen.insert(host); out.append((host, .silent(silentReason(host, ""))))
        }
        return out
    }

    private func silentReason(_ host: String, _ reason: String) -> String {
        var parts: [String] = []
        if let note = notes[host] { parts.append(note) } else if !reason.isEmpty { parts.append(reason) }
        if let status = engineExits[host] { parts.append("exit status \(status)") }
        return parts.isEmpty ? silentDefault : parts.joined(separator: "; ")
    }

    static func answer(_ doc: JSONValue) -> Answer {
        guard case .object = doc, doc["schema"] != nil else { return .bad("not an rdmactl envelope: " + Verdict.compact(doc)) }
        guard doc["schema"] == .string("rdmactl/1") else {
            return .bad("schema \(doc["schema"].map(Verdict.compact) ?? "?"), not rdmactl/1 (a newer rdmactl?)")
        }
        var exit: Int32 = 0
        if let error = doc["error"], case .object = error {
            exit = error["exit_code"]?.intText.flatMap { Int32($0) } ?? ExitCode.internalError.rawValue
        }
        return .envelope(doc, exitCode: exit)
    }

    /// The envelope's own name for its host: the Slurm node name, else the hostname.
    static func host(of doc: JSONValue) -> String? {
        doc["host"]?["slurm_node"]?.stringValue ?? doc["host"]?["hostname"]?.stringValue
    }

    /// `node1: rest`, ` 0: rest` (srun -l pads task numbers), `node1:` alone. The label is a
    /// host name's characters only, so a JSON line (`  "schema": …`) is never taken for one.
    static func prefix(_ line: String) -> (String, Substring)? {
        let trimmed = line.drop { $0 == " " }
        guard let colon = trimmed.firstIndex(of: ":") else { return nil }
        let label = trimmed[..<colon]
        guard !label.isEmpty, label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }),
              label.first!.isLetter || label.first!.isNumber else { return nil }
        let rest = trimmed[trimmed.index(after: colon)...]
        guard rest.isEmpty || rest.first == " " else { return nil }
        return (String(label), rest.dropFirst(rest.isEmpty ? 0 : 1))
    }

    /// `prefix` on bytes: the label and where the rest starts.
    static func bytePrefix(_ line: ArraySlice<UInt8>) -> (String, Int)? {
        var i = line.startIndex
        while i < line.endIndex, line[i] == 0x20 { i += 1 }
        let start = i
        while i < line.endIndex {
            let b = line[i]
            let ok = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
            if !ok { break }
            i += 1
        }
        guard i > start, i < line.endIndex, line[i] == UInt8(ascii: ":"),
              line[start] != UInt8(ascii: "."), line[start] != UInt8(ascii: "_"), line[start] != UInt8(ascii: "-") else { return nil }
        let label = String(decoding: line[start..<i], as: UTF8.self)
        i += 1
        if i < line.endIndex, line[i] == 0x20 { i += 1 }
        return (label, i)
    }

    static func snippet(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(400), as: UTF8.self)
        let first = text.split(whereSeparator: \.isNewline).first { !$0.trimmingSpaces.isEmpty }.map { String($0.trimmingSpaces) } ?? ""
        return first.count > 120 ? String(first.prefix(117)) + "…" : first
    }
}

extension StringProtocol {
    var trimmingSpaces: Substring {
        // Character.isWhitespace: "\r\n" (ssh's line end under pdsh) is one Character.
        let s = self[...].drop { $0.isWhitespace }
        var end = s.endIndex
        while end > s.startIndex, s[s.index(before: end)].isWhitespace { end = s.index(before: end) }
        return Substring(s[..<end])
    }
}
