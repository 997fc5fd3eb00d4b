/// The `data` of an `open-ops` envelope (Docs/json-schema.md "open-ops"): request, chain,
/// trace, grant, handshake, outcome — the same keys for every outcome.
extension NegotiationResult {
    /// `outcome` is the final one (a failed handshake's, `NegotiationOutcome.afterHandshake`).
    public func json(handshake: HandshakeReport?, handshakeRequested: Bool, released: Bool,
                     outcome: NegotiationOutcome) -> JSONValue {
        var d = JSONObjectBuilder()
        d.add("request", chain.request.json)
        d.add("chain", .array(chain.candidates.map(\.json)))
        d.add("trace", .array(attempts.enumerated().map { $0.element.json(step: $0.offset + 1) }))
        d.add("grant", grant.map(\.json) ?? .null)
        if handshakeRequested {
            d.add("handshake", handshake.map(\.json) ?? .object([("applicable", .bool(false))]))
        } else {
            d.add("handshake", .null)
        }
        var o = JSONObjectBuilder()
        o.add("exit_code", Int(outcome.exitCode.rawValue))
        o.add("code", outcome.code)
        o.add("granted", grant != nil)
        o.add("fallback", grant?.fallback ?? false)
        o.add("released", released)
        o.add("message", outcome.message)
        d.add("outcome", o.value)
        return d.value
    }
}

extension FacetRequest {
    var json: JSONValue {
        var o = JSONObjectBuilder()
        o.add("text", description)
        o.add("name", name.rawValue)
        o.add("major", major)
        o.add("min_minor", minMinor)
        return o.value
    }
}

extension FacetCandidate {
    var json: JSONValue {
        var o = JSONObjectBuilder()
        o.add("facet", name.rawValue)
        o.add("major", major)
        o.add("min_minor", minMinor)
        o.add("origin", origin.rawValue)
        return o.value
    }
}

extension NegotiationAttempt {
    func json(step: Int) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("step", step)
        o.add("candidate", candidate.description)
        o.add("device", device)
        o.add("port", port)
        o.add("transport", transport.rawValue)
        o.add("node", node)
        o.add("outcome", outcome.rawValue)
        o.add("errno", errno.map { Int($0.rawValue) })
        o.add("errno_name", errno?.name)
        o.add("offered_major", offeredMajor)
        o.add("offered_minor", offeredMinor)
        o.add("reason", reason)
        return o.value
    }
}

extension FacetGrant {
    public var json: JSONValue {
        var o = JSONObjectBuilder()
        o.add("facet", facet.rawValue)
        o.add("device", device)
        o.add("port", port)
        o.add("major", major)
        o.add("minor", minor)
        o.add("minor_known", minor != nil)
        o.add("transport", transport.rawValue)
        o.add("node", node)
        o.add("fallback", fallback)
        o.add("candidate", candidate.description)
        return o.value
    }
}

extension HandshakeReport {
    public var json: JSONValue {
        var o = JSONObjectBuilder()
        o.add("applicable", true)
        o.add("kind", kind.rawValue)
        o.add("ok", succeeded)
        o.add("steps", .array(steps.map { s in
            var st = JSONObjectBuilder()
            st.add("operation", s.operation)
            st.add("call", s.call)
            st.add("result", s.result)
            st.add("errno", s.errno.map { Int($0.rawValue) })
            st.add("errno_name", s.errno?.name)
            return st.value
        }))
        o.add("context", context)
        o.add("subcontext", subcontext)
        o.add("unit", unit)
        o.add("port", port)
        o.add("sw_version", swVersion.map { "0x" + hex(UInt64($0), width: 8) })
        o.add("sw_minor", swMinor)
        return o.value
    }
}
