import RdmaKit

/// `open-ops` as text: the grant (or the refusal) first, then — with --explain — the chain and
/// every attempt with its reason, so the output reads as the story of what was tried and why.
enum NegotiationView {
    static func render(_ r: NegotiationResult, handshake: HandshakeReport?, handshakeRequested: Bool,
                       explain: Bool, dryRun: Bool) -> String {
        var out = ""
        if explain {
            out += "request: \(r.chain.request)\n"
            out += "chain (tried in this order):\n"
            for (i, c) in r.chain.candidates.enumerated() {
                out += "  \(i + 1). \(c.description)  (\(originText(c.origin)))\n"
            }
            out += "trace:\n"
            var table = TextTable(headers: ["  #", "CANDIDATE", "DEVICE", "TRANSPORT", "NODE", "OUTCOME", "ERRNO"])
            for (i, a) in r.attempts.enumerated() {
                table.append(["  \(i + 1)", a.candidate.description,
                                   (a.device ?? "-") + (a.port.map { "/\($0)" } ?? ""),
                                   a.transport.rawValue, a.node ?? "-", a.outcome.rawValue,
                                   a.errno.map { "\($0.name) (\($0.rawValue))" } ?? "-"])
            }
            out += table.render()
            out += "why:\n"
            for (i, a) in r.attempts.enumerated() { out += "  \(i + 1). \(a.reason)\n" }
        }
        if dryRun {
            out += "dry run: nothing was opened\n"
            return out
        }
        if let g = r.grant {
            let at = (g.device ?? "the system") + (g.port.map { "/\($0)" } ?? "")
            out += "granted: \(g.facet) \(g.versionText) on \(at) via \(g.transport.rawValue)"
                + (g.node.map { " (\($0))" } ?? "") + "\n"
            if g.fallback {
                out += "FALLBACK: \(g.facet) was granted, not \(r.chain.request.name): a program built for \(r.chain.request.name) cannot use it\n"
            }
        } else {
            out += "not granted: \(r.outcome.message) (exit \(r.outcome.exitCode.rawValue))\n"
        }
        if handshakeRequested, r.grant != nil {
            if let h = handshake {
                let steps = h.steps.map { s in "\(s.operation) → " + (s.errno.map { "\($0.name)" } ?? "\(s.result ?? 0)") }
                out += "handshake (\(h.kind.rawValue)): " + steps.joined(separator: ", ") + "\n"
                if h.succeeded {
                    var facts: [String] = []
                    if let c = h.context { facts.append("context \(c)") }
                    if let s = h.subcontext { facts.append("subcontext \(s)") }
                    if let u = h.unit { facts.append("unit \(u)") }
                    if let p = h.port { facts.append("port \(p)") }
                    if let v = h.swVersion {
                        facts.append("sw_version 0x\(hex(UInt64(v), width: 8)) (\((v >> 16) & 0x7fff).\(v & 0xffff))")
                    }
                    out += "  " + facts.joined(separator: ", ") + "\n"
                }
            } else {
                out += "handshake: not applicable (\(r.grant!.facet) has no driver exchange)\n"
            }
        }
        if r.grant != nil { out += "released: everything opened was closed\n" }
        return out
    }

    static func originText(_ o: CandidateOrigin) -> String {
        switch o {
        case .request: return "the request"
        case .olderMajor: return "an older major of the same name"
        case .crossName: return "cross-name fallback from the catalogue"
        case .userFallback: return "--fallback"
        }
    }
}
