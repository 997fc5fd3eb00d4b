/// Runs a negotiation (DESIGN §4 "Running it") above the seam: for each candidate of the
/// chain, each device (natural order, or the one asked for), each transport the catalogue lists
/// for that candidate's version, one attempt — recorded whatever it comes to. The first success
/// is the grant; it is final. The same code runs on the emulator and on a real kernel.
///
///     let devices = try Discovery(kernel: k).run(source: .auto, detail: .negotiation).devices
///     let chain = NegotiationChain(request: try FacetRequest(parsing: "psm2.intel.com"))
///     let result = Negotiator(kernel: k).run(chain, devices: devices)
///     if let opened = result.opened { defer { opened.release() } … }
public struct Negotiator: Sendable {
    public let kernel: any Kernel
    public let catalogue: FacetCatalogue

    public init(kernel: any Kernel, catalogue: FacetCatalogue = .standard) {
        self.kernel = kernel; self.catalogue = catalogue
    }

    /// What the caller restricts the run to.
    public struct Scope: Sendable, Equatable {
        /// `--device DEV[/PORT]`: only this device, and this port for per-port facets.
        public var device: String?
        public var port: Int?
        /// Plan only: record what would be tried, open nothing (`--dry-run`, `--root`).
        public var dryRun: Bool
        public init(device: String? = nil, port: Int? = nil, dryRun: Bool = false) {
            self.device = device; self.port = port; self.dryRun = dryRun
        }
    }

    /// `madClassABI` is discovery's `class/infiniband_mad/abi_version`, for umad/issm over sysfs.
    public func run(_ chain: NegotiationChain, devices: [RdmaDevice], madClassABI: Int? = nil,
                    scope: Scope = Scope()) -> NegotiationResult {
        var run = NegotiationRun(kernel: kernel, catalogue: catalogue, dryRun: scope.dryRun, madClassABI: madClassABI)
        let targets = scope.device.map { name in devices.filter { $0.name.value == name } } ?? devices
        for candidate in chain.candidates {
            if let opened = run.attempt(candidate, devices: targets, port: scope.port, requested: chain.request.name) {
                return NegotiationResult(chain: chain, attempts: run.attempts, opened: opened,
                                         outcome: NegotiationOutcome(exitCode: .ok, code: "GRANTED",
                                                                     message: "granted", hint: nil))
            }
        }
        return NegotiationResult(chain: chain, attempts: run.attempts, opened: nil,
                                 outcome: run.refusal(chain, dryRun: scope.dryRun))
    }
}

/// A negotiation's trace, grant and outcome.
public struct NegotiationResult: Sendable {
    public var chain: NegotiationChain
    public var attempts: [NegotiationAttempt]
    /// The granted handle, owned by the caller (release it).
    public var opened: OpenedFacet?
    public var outcome: NegotiationOutcome
    public var grant: FacetGrant? { opened?.grant }
}
