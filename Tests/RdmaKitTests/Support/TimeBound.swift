import Foundation

/// A wall-time bound for a test that proves "nothing hangs". Under a sanitizer (`swift test
/// --sanitize=thread|address`, .ci/sanitizers.sh) the same work runs several times slower and
/// the cooperative pool waits longer for a thread, so the script sets RDMACTL_TEST_TIME_SCALE
/// (an integer factor) and every bound stretches by it: a hang still fails, slowness does not.
func timeBound(_ bound: Duration) -> Duration {
    let scale = ProcessInfo.processInfo.environment["RDMACTL_TEST_TIME_SCALE"].flatMap(Int.init) ?? 1
    return bound * max(scale, 1)
}
