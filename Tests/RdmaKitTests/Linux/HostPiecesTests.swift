import Foundation
import Testing
@testable import RdmaLinux
import Glibc

/// `Host.writeStdout(pieces:)`: an output's pieces written with writev, several calls' worth,
/// land in the file in order, byte for byte, empty pieces and all (issue 9).
@Suite("Output written in pieces")
struct HostPiecesTests {
    @Test func piecesLandInOrder() throws {
        let tree = TempTree("pieces")
        let path = tree.path + "/out"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        try #require(fd >= 0)
        var pieces: [[UInt8]] = []
        for i in 0..<(Host.piecesPerWrite * 2 + 37) {
            pieces.append(i % 7 == 0 ? [] : Array("piece \(i) ".utf8) + [UInt8](repeating: UInt8(i % 251), count: i % 300))
        }
        Host.write(pieces, to: fd)
        close(fd)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Array(written) == Array(pieces.joined()))
    }
}
