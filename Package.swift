// swift-tools-version:6.0
// rdmactl: Linux RDMA device discovery and driver-ABI negotiation.
// Layering (Docs/ARCHITECTURE in DESIGN §2): C shims at the bottom, RdmaKit holds the kernel
// seam and everything above it, RdmaLinux and RdmaEmulator implement the seam, RdmaCommands is
// the CLI as a library, rdmactl is one file.
import PackageDescription

let package = Package(
    name: "rdmactl",
    products: [
        .executable(name: "rdmactl", targets: ["rdmactl"]),
        .library(name: "RdmaKit", targets: ["RdmaKit"]),
        // For the libFuzzer package in Fuzz/ (a separate package: its executables have no
        // main() of their own, libFuzzer's is linked in, so a plain `swift build` here must
        // not build them).
        .library(name: "RdmaEmulator", targets: ["RdmaEmulator", "CRdmaABI"]),
        .library(name: "RdmaCommands", targets: ["RdmaCommands"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CUdev",
            pkgConfig: "libudev",
            providers: [.apt(["libudev-dev"])]),
        .target(name: "CRdmaABI"),
        // libc wrappers (openat2, ioctl, open flags): below the seam only.
        .target(name: "CRdmaSys"),
        // A pthread mutex the thread sanitizer sees (Synchronization.Mutex's futex it does not);
        // its header includes nothing, so importing it above the seam reaches no libc.
        .target(name: "CRdmaLock"),
        .target(name: "RdmaKit", dependencies: ["CRdmaABI", "CRdmaLock"]),
        .target(name: "RdmaLinux", dependencies: ["RdmaKit", "CUdev", "CRdmaABI", "CRdmaSys"]),
        .target(name: "RdmaEmulator", dependencies: ["RdmaKit", "CRdmaABI"]),
        .target(
            name: "RdmaCommands",
            dependencies: [
                "RdmaKit", "RdmaLinux", "RdmaEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "rdmactl", dependencies: ["RdmaCommands"]),
        // Scripts/bench.sh: 1,000 negotiations in one process against the emulator (issue 9).
        .executableTarget(name: "rdmactl-bench-negotiate", dependencies: ["RdmaKit", "RdmaEmulator"],
                          path: "Benchmarks/NegotiateInProcess"),
        .testTarget(
            name: "RdmaKitTests",
            dependencies: ["RdmaKit", "RdmaLinux", "RdmaEmulator", "RdmaCommands", "CRdmaABI", "CRdmaSys"],
            resources: [.copy("Fixtures")]),
    ]
)
