import Testing
import RdmaKit

/// The engines' own lines (srun, clush, pdsh) name a node that failed and why (issue 11: a node
/// that fails to launch must appear as such). Lines as the engines print them.
@Suite("engine messages")
struct EngineMessageTests {
    @Test(arguments: [
        ("srun: error: Task launch for StepId=12.0 failed on node node4: Communication connection failure",
         EngineMessage.failed(host: "node4", reason: "srun: task launch failed: Communication connection failure")),
        ("srun: error: node2: task 1: Exited with exit code 69", .exited(host: "node2", status: 69)),
        ("srun: error: node3: task 2: Killed", .failed(host: "node3", reason: "srun: Killed")),
        ("srun: error: Unable to allocate resources: Requested nodes are busy",
         .engine("srun: error: Unable to allocate resources: Requested nodes are busy")),
        ("clush: node4: exited with exit code 255", .exited(host: "node4", status: 255)),
        ("clush: node4: command timeout", .failed(host: "node4", reason: "clush: command timeout")),
        ("clush: error: no such option: --bogus", .engine("clush: error: no such option: --bogus")),
        ("pdsh@login1: node4: ssh exited with exit code 255", .exited(host: "node4", status: 255)),
        ("pdsh@login1: node4: connect: Connection refused", .failed(host: "node4", reason: "pdsh: connect: Connection refused")),
    ])
    func parses(_ line: String, _ expected: EngineMessage) {
        #expect(EngineMessage.parse(line[...]) == expected)
    }

    @Test(arguments: ["node1: {\"schema\": \"rdmactl/1\"}", "{\"schema\": 1}", "rdmactl: note: granted"])
    func nodeOutputIsNotAnEngineLine(_ line: String) {
        #expect(EngineMessage.parse(line[...]) == nil)
    }
}
