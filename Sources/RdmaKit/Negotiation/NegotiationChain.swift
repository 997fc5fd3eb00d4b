/// The ordered candidates of one negotiation (DESIGN §4 "The chain"): the request; the
/// catalogue's older majors of the same name; the cross-name fallbacks; `--fallback` entries in
/// order; duplicates removed. `--no-fallback` keeps the request alone.
public struct NegotiationChain: Sendable, Equatable {
    public var request: FacetRequest
    public var candidates: [FacetCandidate]
    /// `--no-fallback` was given (a refusal's hint may suggest dropping it).
    public var noFallback: Bool

    /// `crossName: false` keeps the requested name's own majors only (what `facets --probe`
    /// asks: which version of this name does the kernel offer?).
    public init(request: FacetRequest, fallbacks: [FacetRequest] = [], noFallback: Bool = false,
                crossName: Bool = true, catalogue: FacetCatalogue = .standard) {
        self.request = request
        self.noFallback = noFallback
        var list: [FacetCandidate] = []
        func add(_ c: FacetCandidate) { if !list.contains(where: { $0.sameTarget(c) }) { list.append(c) } }

        add(Self.candidate(for: request, origin: .request, catalogue: catalogue))
        if !noFallback {
            if let entry = catalogue.entry(named: request.name) {
                // Older majors: those below the one asked for (a bare name asks the newest); a
                // major the catalogue does not have has none.
                let asked = list[0].major ?? Int.max
                for major in entry.majors where major < asked && entry.majors.contains(asked) {
                    add(FacetCandidate(name: entry.name, major: major, minMinor: 0, origin: .olderMajor))
                }
                // A major above every catalogued one has no older entries but keeps these.
                for fallback in entry.fallbacks where crossName {
                    add(FacetCandidate(name: fallback.name, major: fallback.major, minMinor: 0, origin: .crossName))
                }
            }
            for extra in fallbacks {
                add(Self.candidate(for: extra, origin: .userFallback, catalogue: catalogue))
            }
        }
        candidates = list
    }

    /// A request as a candidate: a bare catalogued name means its newest major; a per-device
    /// facet (uverbs) and an unknown bare name have no fixed major unless one was asked.
    static func candidate(for request: FacetRequest, origin: CandidateOrigin, catalogue: FacetCatalogue) -> FacetCandidate {
        let entry = catalogue.entry(named: request.name)
        let major: Int?
        if let asked = request.major {
            major = asked
        } else if let entry {
            major = entry.majors.first
        } else {
            major = nil   // asked at major 0 by the driver-ops ioctl (FacetRequest.major)
        }
        return FacetCandidate(name: request.name, major: major, minMinor: request.minMinor ?? 0, origin: origin)
    }
}
