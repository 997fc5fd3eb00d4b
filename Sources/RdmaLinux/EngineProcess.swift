import Glibc
import RdmaKit

/// Spawns a cluster engine (srun, clush, pdsh) for `rdmactl fleet` and collects its output. The
/// only process rdmactl starts; it runs here, and the engine does the remote part (issue 11).
/// posix_spawnp(3) with stdin from /dev/null (an engine must not eat ours: srun forwards stdin
/// to task 0), stdout and stderr into pipes drained together with poll(2), so neither fills
/// and blocks the engine.
public enum EngineProcess {
    public static func run(_ invocation: EngineInvocation) throws(RdmaError) -> EngineOutcome {
        guard let program = invocation.argv.first else {
            throw RdmaError("INTERNAL", exit: .internalError, "empty engine command")
        }
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        // pipe2 needs _GNU_SOURCE, which Glibc's module does not define: pipe + FD_CLOEXEC (the
        // dup2 file actions give the child its own, inheritable copies).
        guard pipe(&outPipe) == 0 else { throw osError("pipe") }
        guard pipe(&errPipe) == 0 else {
            let e = errno; close(outPipe[0]); close(outPipe[1]); throw osError("pipe", e)
        }
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)

        var env = currentEnvironment()
        for (k, v) in invocation.environment { env[k] = v }
        let envStrings = env.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let rc = withCStrings(invocation.argv) { argv in
            withCStrings(envStrings) { envp in posix_spawnp(&pid, program, &actions, nil, argv, envp) }
        }
        close(outPipe[1]); close(errPipe[1])
        guard rc == 0 else {
            close(outPipe[0]); close(errPipe[0])
            if rc == ENOENT {
                throw RdmaError("ENGINE_NOT_FOUND", exit: .unavailable, errno: Errno(rawValue: rc),
                                "\(program): not found on PATH",
                                hint: "install the engine here (slurm-client, clustershell or pdsh), or pass --engine PATH")
            }
            throw osError("posix_spawnp \(program)", rc)
        }
        var out: [UInt8] = [], err: [UInt8] = []
        drain(outPipe[0], errPipe[0], &out, &err)
        close(outPipe[0]); close(errPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { throw osError("waitpid") }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import (function-like macros).
        let signal = status & 0x7f
        if signal == 0 { return EngineOutcome(status: (status >> 8) & 0xff, stdout: out, stderr: err) }
        return EngineOutcome(status: nil, signal: signal, stdout: out, stderr: err)
    }

    private static func drain(_ a: Int32, _ b: Int32, _ outA: inout [UInt8], _ outB: inout [UInt8]) {
        var fds = [pollfd(fd: a, events: Int16(POLLIN), revents: 0), pollfd(fd: b, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while fds.contains(where: { $0.fd >= 0 }) {
            let n = poll(&fds, nfds_t(fds.count), -1)
            if n < 0 { if errno == EINTR { continue }; return }
            for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
                let got = buffer.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if got > 0 {
                    if i == 0 { outA += buffer[0..<got] } else { outB += buffer[0..<got] }
                } else if got == 0 || (errno != EINTR && errno != EAGAIN) {
                    fds[i].fd = -1
                }
            }
        }
    }

    private static func currentEnvironment() -> [String: String] {
        var env: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return env
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for p in pointers { free(p) } }
        return body(pointers)
    }

    private static func osError(_ what: String, _ e: Int32 = errno) -> RdmaError {
        RdmaError("OS_ERROR", exit: .osError, errno: Errno(rawValue: e), "\(what): \(Errno(rawValue: e).message)")
    }
}

extension Host {
    /// Standard input, read to its end (`gather -`).
    public static func readStdin() -> [UInt8] {
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n > 0 { all += buffer[0..<n]; continue }
            if n < 0 && errno == EINTR { continue }
            return all
        }
    }
}
