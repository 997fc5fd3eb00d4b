#!/bin/bash
# Issue 10: the test suite under the thread and the address sanitizer, then every libFuzzer
# target for a short fixed budget. Each stage prints its budget and its elapsed time; the whole
# must stay far inside .ci/run's 90-minute limit on a 2-core machine (measured: Docs/security.md).
#   .ci/sanitizers.sh [thread] [address] [fuzz]     (default: all three)
# Builds go to their own scratch paths (.build-tsan, .build-asan, .build-fuzz) so the plain
# debug build CI tests and ships is never rebuilt with sanitizer flags.
set -euo pipefail
cd "$(dirname "$0")/.."
stages=" ${*:-thread address fuzz} "
# Per fuzz target, seconds. 6 targets: 3 minutes of fuzzing per submission; the ledger
# (Fuzz/ledger.tsv) accumulates the total each target has run.
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
# CI runs are counted apart from the committed ledger, so a CI run leaves the tree clean.
export FUZZ_LEDGER=${FUZZ_LEDGER:-.build-fuzz/ci-ledger.tsv}
# Sanitized code runs several times slower; tests' "nothing hangs" bounds stretch by this.
export RDMACTL_TEST_TIME_SCALE=${RDMACTL_TEST_TIME_SCALE:-4}
export RDMACTL_REQUIRE_NAMESPACE_TESTS=${RDMACTL_REQUIRE_NAMESPACE_TESTS:-1}
fail=0

timed() {   # timed NAME BUDGET_SECONDS COMMAND…: runs COMMAND, prints elapsed against the budget
    local name=$1 budget=$2; shift 2
    local t0; t0=$(date +%s)
    echo "--- $name (budget ${budget}s)"
    local rc=0
    "$@" || rc=$?
    local took=$(( $(date +%s) - t0 ))
    echo "--- $name: ${took}s of ${budget}s$([ $rc = 0 ] && echo ", ok" || echo ", FAILED ($rc)")"
    [ $took -le $budget ] || echo "--- $name went over its budget: raise it in .ci/sanitizers.sh only with a measurement"
    return $rc
}

sanitized_tests() {   # sanitized_tests thread|address
    local kind=$1 scratch=.build-${1:0:1}san log
    swift build --build-tests --sanitize="$kind" --scratch-path "$scratch" 2>&1 | grep -E 'error:|Build complete' | tail -3
    log=$(mktemp)
    local rc=0
    # halt_on_error=0 for TSan: report every race in one run instead of the first.
    # --disable-xctest: the suite is Swift Testing only; XCTest's empty runner leaks its own
    # suite objects at exit (libXCTest XCTMainMisc, 368 bytes), a report about no test of ours.
    # LSAN suppressions: .ci/lsan.supp, each with its reason and reproducer.
    TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1" \
    ASAN_OPTIONS="detect_leaks=1" LSAN_OPTIONS="suppressions=$PWD/.ci/lsan.supp print_suppressions=0" \
        swift test --skip-build --disable-xctest --sanitize="$kind" --scratch-path "$scratch" >"$log" 2>&1 || rc=$?
    grep -E '✘|Test run with|SUMMARY: (Thread|Address|Leak)Sanitizer|ThreadSanitizer: reported' "$log" | tail -40
    local reports; reports=$(grep -cE '^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: (Address|Leak)Sanitizer)' "$log" || true)
    echo "$kind sanitizer: $reports reports"
    # A report is only useful with its stack: print each one's first lines.
    if [ "$reports" != 0 ]; then
        grep -A24 -E '^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: (Address|Leak)Sanitizer)' "$log" | cut -c1-220 | head -120
    fi
    rm -f "$log"
    [ $rc = 0 ] && [ "$reports" = 0 ]
}

if [[ "$stages" == *" thread "* ]]; then
    timed "swift test --sanitize=thread" 600 sanitized_tests thread || fail=1
fi
if [[ "$stages" == *" address "* ]]; then
    timed "swift test --sanitize=address" 600 sanitized_tests address || fail=1
fi
if [[ "$stages" == *" fuzz "* ]]; then
    timed "build the fuzz targets (-sanitize=fuzzer,address)" 600 Scripts/fuzz.sh --build || fail=1
    for target in $(Scripts/fuzz.sh --list); do
        timed "fuzz $target" $(( FUZZ_SECONDS + 30 )) Scripts/fuzz.sh "$target" "$FUZZ_SECONDS" || fail=1
    done
fi
exit $fail
