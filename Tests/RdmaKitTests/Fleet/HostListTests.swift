import Testing
import RdmaKit

/// Host lists as Slurm (`scontrol show hostnames`, hostlist.c) and ClusterShell (nodeset(1))
/// write them (issue 11: `node[1-3,7]`).
@Suite("host lists: fold and expand")
struct HostListTests {
    @Test(arguments: [
        (["node1", "node2", "node3", "node7"], "node[1-3,7]"),
        (["node7"], "node7"),
        (["node10", "node2", "node1"], "node[1-2,10]"),
        (["node01", "node02", "node03"], "node[01-03]"),
        (["node09", "node10"], "node[09-10]"),
        (["login1", "node2", "node3", "hub"], "hub,login1,node[2-3]"),
        (["node1", "node1", "node2"], "node[1-2]"),
        (["rack1-n1", "rack1-n2"], "rack1-n[1-2]"),
        (["n1-ib", "n2-ib"], "n[1-2]-ib"),
    ])
    func folds(_ names: [String], _ folded: String) {
        #expect(HostList.fold(names) == folded)
    }

    @Test func expandsWhatItFolds() throws {
        #expect(try HostList.expand("node[1-3,7],login1") == ["node1", "node2", "node3", "node7", "login1"])
        #expect(try HostList.expand("cn[08-10]") == ["cn08", "cn09", "cn10"])
        #expect(try HostList.expand("node1 node2") == ["node1", "node2"])
        let names = (1...40).map { "c\($0)" } + ["x9"]
        #expect(try HostList.expand(HostList.fold(names)).sorted() == names.sorted())
    }

    @Test(arguments: ["node[1-", "node[3-1]", "node[a-b]", "node]1[", "a[1-2]b[1-2]"])
    func refusesBadLists(_ text: String) {
        #expect(throws: HostList.Failure.self) { try HostList.expand(text) }
    }
}
