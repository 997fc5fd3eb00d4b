/// The rdma-core installation libibverbs would load providers from, read the way
/// libibverbs/dynamic_driver.c reads it:
///
/// * `read_config`: every regular file in IBV_CONFIG_DIR (/etc/libibverbs.d) — whatever its name
///   — is read line by line; a line `driver NAME` adds NAME (other directives are warned about
///   and ignored; blank lines and `#` comments skipped).
/// * `load_drivers`: when not setuid, `RDMAV_DRIVERS` — else `IBV_DRIVERS` — adds more names,
///   split on ':' and ';', loaded *in addition to* the configured ones.
/// * `load_driver`: NAME beginning with '/' is dlopened as NAME + "-rdmav<PABI>.so"; otherwise
///   `VERBS_PROVIDER_DIR/lib<NAME>-rdmav<PABI>.so`, then `lib<NAME>-rdmav<PABI>.so` on the
///   library search path. PABI is libibverbs' private ABI (CMakeLists.txt
///   IBVERBS_PABI_VERSION, 34 in rdma-core 44, 65 at the snapshot read): every provider of one
///   build carries the same number, so the number most libraries in the provider directory
///   carry is taken as the installed libibverbs' own.
public struct VerbsInstallation: Sendable, Equatable {
    /// A provider name and where it came from.
    public struct Configured: Sendable, Equatable {
        public var name: String
        /// The `.driver` file, or "RDMAV_DRIVERS"/"IBV_DRIVERS".
        public var origin: String
    }

    /// Whether /etc/libibverbs.d exists (nil: it could not be read for another reason).
    public var configDirectoryPresent: Bool
    public var configured: [Configured] = []
    /// Config-file lines libibverbs would warn about ("ignoring bad config directive").
    public var badDirectives: [String] = []
    /// The first provider directory that exists, and the provider libraries in it by name.
    public var providerDirectory: String?
    public var libraries: [String: [Int]] = [:]
    /// The PABI most libraries in the provider directory carry.
    public var providerABI: Int?

    /// Reads the installation through the seam; `environment` is the caller's (RDMAV_DRIVERS,
    /// IBV_DRIVERS). rdmactl is never setuid, so the environment is always honoured.
    public static func read(_ kernel: any Kernel, environment: [String: String]) -> VerbsInstallation {
        var install = VerbsInstallation(configDirectoryPresent: false)
        let dir = UserSpacePaths.configDirectory
        if let names = try? kernel.listDirectory(dir) {
            install.configDirectoryPresent = true
            for file in names.sorted() {
                // read_config stats every entry and reads regular files only; readAttribute
                // refuses anything else (a directory, a FIFO) the same way.
                guard let bytes = try? kernel.readAttribute(dir + "/" + file) else { continue }
                let (names, bad) = parseConfig(SysfsText(bytes: bytes).value)
                install.configured += names.map { Configured(name: $0, origin: dir + "/" + file) }
                install.badDirectives += bad.map { "\(dir)/\(file): \($0)" }
            }
        }
        let variable = environment["RDMAV_DRIVERS"] != nil ? "RDMAV_DRIVERS" : environment["IBV_DRIVERS"] != nil ? "IBV_DRIVERS" : nil
        if let variable, let list = environment[variable] {
            for name in list.split(whereSeparator: { $0 == ":" || $0 == ";" }) {
                install.configured.insert(Configured(name: String(name), origin: variable), at: 0)
            }
        }
        for candidate in UserSpacePaths.providerDirectories {
            guard let files = try? kernel.listDirectory(candidate) else { continue }
            install.providerDirectory = candidate
            for file in files {
                if let (name, pabi) = parseLibraryName(file) { install.libraries[name, default: []].append(pabi) }
            }
            var counts: [Int: Int] = [:]
            for pabis in install.libraries.values { for p in pabis { counts[p, default: 0] += 1 } }
            install.providerABI = counts.max { ($0.value, $0.key) < ($1.value, $1.key) }?.key
            break
        }
        return install
    }

    /// `read_config_file`: ("driver NAME" names, bad directives).
    static func parseConfig(_ text: String) -> ([String], [String]) {
        var names: [String] = [], bad: [String] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.first == "driver", fields.count >= 2 {
                names.append(String(fields[1]))
            } else {
                bad.append(String(fields.first ?? ""))
            }
        }
        return (names, bad)
    }

    /// "libhfi1verbs-rdmav34.so" → ("hfi1verbs", 34).
    static func parseLibraryName(_ file: String) -> (String, Int)? {
        guard file.hasPrefix("lib"), file.hasSuffix(".so") else { return nil }
        let stem = file.dropFirst(3).dropLast(3)
        let marker = "-rdmav"
        var cut: Substring.Index?
        var i = stem.startIndex
        while i < stem.endIndex {
            if stem[i...].hasPrefix(marker) { cut = i }
            i = stem.index(after: i)
        }
        guard let cut, cut > stem.startIndex,
              let pabi = Int(stem[stem.index(cut, offsetBy: marker.count)...]) else { return nil }
        return (String(stem[..<cut]), pabi)
    }

    /// Where libibverbs finds it, if this installation has it: the provider directory's
    /// `lib<NAME>-rdmav<PABI>.so`; an absolute NAME is outside what rdmactl reads.
    public func libraryPath(for name: String) -> String? {
        guard let dir = providerDirectory, let pabis = libraries[name] else { return nil }
        let pabi = providerABI.flatMap { pabis.contains($0) ? $0 : nil } ?? pabis.max()!
        return "\(dir)/lib\(name)-rdmav\(pabi).so"
    }

    /// Whether the library carries another PABI than the rest of the installation (a leftover
    /// of another rdma-core release: libibverbs looks for its own number only).
    public func libraryHasForeignABI(_ name: String) -> Bool {
        guard let providerABI, let pabis = libraries[name] else { return false }
        return !pabis.contains(providerABI)
    }

    public func configuration(for name: String) -> Configured? { configured.first { $0.name == name } }
}
