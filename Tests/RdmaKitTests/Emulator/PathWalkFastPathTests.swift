import RdmaKit
@testable import RdmaEmulator
import Testing

// Tree.resolve answers a path that is already a key of the tree at once (a fast path the fuzz
// harnesses needed: Docs/security.md, "Speed"). It must answer exactly what the component walk
// answers: checked for every entry of every profile's tree, against the same path spelled with
// a "." component (which the fast path does not take).

@Suite struct PathWalkFastPathTests {
    @Test func canonicalForm() {
        for path in ["/a", "/a/b", "/sys/class/infiniband", "/a/.b", "/a/...", "/a/b.c", "/..a"] {
            #expect(Tree.isCanonicalForm(path), "\(path)")
        }
        for path in ["", "/", "a", "a/b", "/a/", "//a", "/a//b", "/./a", "/a/.", "/a/..", "/a/../b", "/.", "/.."] {
            #expect(!Tree.isCanonicalForm(path), "\(path)")
        }
    }

    @Test(arguments: Profile.allCases)
    func everyKeyResolvesAsTheWalkDoes(_ profile: Profile) {
        let kernel = EmulatedKernel(devices: .default, profile: profile, credentials: Credentials(uid: 0, gid: 0))
        let mismatches: [String] = kernel.withState { state in
            func answer(_ path: String, _ follow: Bool) -> String {
                do { return try state.tree.resolve(path, followLast: follow) } catch { return "error \(error.errno)" }
            }
            var found: [String] = []
            for key in state.tree.entries.keys where key != "/" {
                let parent = KernelPath.dirname(key), name = KernelPath.basename(key)
                let walked = (parent == "/" ? "" : parent) + "/./" + name
                for follow in [true, false] where answer(key, follow) != answer(walked, follow) {
                    found.append("\(key) (followLast: \(follow)): \(answer(key, follow)) ≠ \(answer(walked, follow))")
                }
            }
            return found
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }
}
