// Issue 9's emulator goal: 1,000 `open-ops psm2.intel.com` negotiations in one process in under
// one second. Discovery runs once (as a long-lived library user would keep its device list);
// each negotiation then plans the chain, opens uverbs, sends RDMA_GET_DRIVER_OPS_FD, takes the
// grant and releases it — the work `open-ops` does after discovery, minus printing.
//
// usage: rdmactl-bench-negotiate [COUNT]   (default 1000; exit 1 when over one second per
//                                           1,000 or when any negotiation is not granted)
import Glibc
import RdmaEmulator
import RdmaKit

let count = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 1000
let kernel = EmulatedKernel(devices: .default, profile: .proposed, credentials: Credentials(uid: 0, gid: 0))
var granted = 0
var failure: String?
let elapsed = ContinuousClock().measure {
    do {
        let found = try Discovery(kernel: kernel).run(source: .emulated, detail: .negotiation)
        let chain = NegotiationChain(request: try FacetRequest(parsing: "psm2.intel.com"))
        let negotiator = Negotiator(kernel: kernel)
        for _ in 0..<count {
            let result = negotiator.run(chain, devices: found.devices, madClassABI: found.madClassABI)
            if let opened = result.opened {
                granted += 1
                opened.release()
            }
        }
    } catch {
        failure = "\(error)"
    }
}
let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
let budget = Double(count) // 1 ms per negotiation: 1,000 in one second
print("negotiations: \(count) in \(Int(ms.rounded())) ms (\(Int((ms * 1000 / Double(max(count, 1))).rounded())) µs each), granted \(granted)"
      + (failure.map { ", failed: \($0)" } ?? ""))
if failure != nil || granted != count || ms > budget { exit(1) }
