import ArgumentParser
import RdmaEmulator
import RdmaKit

/// `rdmactl doctor` (DESIGN §1, §6): which cause of "No IB devices found" holds, and the
/// settings verbs need once a device is found. The logic is RdmaKit's `Doctor`; this file picks
/// the caller's identity and environment and renders the report.
struct DoctorCommand: ParsableCommand, RdmactlRunnable {
    static let name = "doctor"
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Diagnose why RDMA devices are not usable here (\"No IB devices found\").",
        discussion: """
        Findings have a severity — blocker, warning, info — a code, a message and a hint. One \
        finding per cause of libibverbs' "No IB devices found": no kernel support \
        (NO_RDMA_SUPPORT, NO_UVERBS), no device (NO_DEVICES), no user-space provider \
        (NO_PROVIDER, NO_PROVIDER_LIBRARY: /etc/libibverbs.d, the provider directory, \
        RDMAV_DRIVERS/IBV_DRIVERS, matched as rdma-core matches), ABI out of range \
        (CLASS_ABI_OUT_OF_RANGE, DEVICE_ABI_OUT_OF_RANGE), uverbs node missing or wrong \
        (NODE_MISSING, NODE_NOT_CHAR, NODE_MISMATCH), no permission (NODE_NOT_OPENABLE, \
        CGROUP_DENIES_NODE); plus the RDMA netns mode and copy-on-fork, RLIMIT_MEMLOCK and the \
        device cgroup. Nothing is opened: node access is predicted.

        Only blockers change the exit status; the most actionable decides: 77 (permission) over \
        76 (ABI) over 69 (no support, no device, no provider, node missing). 0 when nothing blocks.
        """)

    @OptionGroup var globals: GlobalOptions

    func execute(_ run: inout CommandRun) throws(RdmaError) {
        let kernel = try run.openKernel()
        // The emulated kernel serves its own user (--emulated-user); elsewhere, the caller.
        let credentials = (kernel as? EmulatedKernel)?.credentials ?? run.context.credentials
        let report = Doctor(kernel: kernel, environment: run.context.environment, credentials: credentials,
                            source: run.selection!.source).run()
        run.warnings += report.warnings
        if let source = report.source { run.sourceName = source.rawValue }
        run.data = report.json
        run.text = DoctorView.render(report, banner: run.banner)
        if let deciding = report.deciding {
            let blockers = report.count(.blocker)
            throw RdmaError(deciding.code, exit: deciding.exitCode ?? .unavailable,
                            (blockers > 1 ? "\(blockers) blockers; deciding: " : "") + deciding.message, hint: deciding.hint)
        }
    }
}

/// The text report: one line per finding, its hint below, a verdict line.
enum DoctorView {
    static func render(_ report: DoctorReport, banner: String) -> String {
        var out = banner.isEmpty ? "" : banner + "\n"
        for f in report.findings {
            let label = f.severity.rawValue.uppercased()
            out += label + String(repeating: " ", count: 8 - label.count) + f.code + ": " + terminalSafe(f.message) + "\n"
            if let hint = f.hint { out += "        hint: " + terminalSafe(hint) + "\n" }
        }
        let counts = DoctorFinding.Severity.allCases.map { s in
            "\(report.count(s)) \(s.rawValue)\(report.count(s) == 1 || s == .info ? "" : "s")"
        }
            .joined(separator: ", ")
        out += report.deciding == nil
            ? "verdict: ok (\(counts))\n"
            : "verdict: blocked, exit \(report.exitCode.rawValue) (\(counts))\n"
        return out
    }
}
