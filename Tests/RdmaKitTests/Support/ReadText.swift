import Foundation

/// A whole file as text, "" when it cannot be read. Read through FileHandle, not
/// `String(contentsOfFile:)`/`Data(contentsOf:)`: on this toolchain FoundationEssentials'
/// `readBytesFromFile` leaks a 4 KiB buffer for every empty file it reads, which LeakSanitizer
/// reports under `swift test --sanitize=address` (issue 10; Docs/security.md). The helpers that
/// read a spawned tool's often-empty stderr use this.
func readText(atPath path: String) -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
    defer { try? handle.close() }
    return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
}
