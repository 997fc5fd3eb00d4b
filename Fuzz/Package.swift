// swift-tools-version:6.0
// libFuzzer targets for rdmactl's decoders (issue 10). A separate package because each target
// is an executable without a main() of its own: `swiftc -sanitize=fuzzer` links libFuzzer's.
// Build and run through Scripts/fuzz.sh, never with a plain `swift build`.
import PackageDescription

let targets = ["fuzz-netlink", "fuzz-sysfs", "fuzz-manifest", "fuzz-arguments",
               "fuzz-emulator-files", "fuzz-emulator-nldev"]

let package = Package(
    name: "rdmactl-fuzz",
    dependencies: [.package(name: "rdmactl", path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: [
            "CFuzzDriver",
            .product(name: "RdmaKit", package: "rdmactl"),
            .product(name: "RdmaEmulator", package: "rdmactl"),
            .product(name: "RdmaCommands", package: "rdmactl"),
        ]),
    ] + targets.map { .executableTarget(name: $0, dependencies: ["FuzzSupport"]) }
)
