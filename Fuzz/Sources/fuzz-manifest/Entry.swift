import FuzzSupport
@_spi(Testing) import RdmaKit

/// The snapshot manifest (`rdmactl-snapshot.json` in a `--root` tree; RdmaKit/Snapshot): any
/// bytes decode to a manifest or to nil, never a trap; a manifest that decodes re-encodes to
/// bytes that decode to the same manifest (what `snapshot` writes, `--root` reads back); and the
/// pull decoder (`decode`, no tree) answers exactly as the tree decoder it replaced.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(data, count)
    let decoded = SnapshotManifest.decode(input.bytes)
    invariant(decoded == SnapshotManifest.decodeThroughTree(input.bytes), "the pull and tree decoders disagree")
    guard let manifest = decoded else { return 0 }
    let again = SnapshotManifest.decode(manifest.encoded())
    invariant(again == manifest, "a decoded manifest does not survive encode → decode")
    return 0
}

/// SwiftPM's entry point for this executable (see CFuzzDriver.h).
@_cdecl("fuzz_manifest_main")
public func fuzz_manifestMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzManifest)
}
