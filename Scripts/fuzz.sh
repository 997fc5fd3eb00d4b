#!/bin/bash
# libFuzzer targets for rdmactl's decoders (issue 10; Docs/security.md says what each covers).
#   Scripts/fuzz.sh --list               the targets, one a line
#   Scripts/fuzz.sh --build              build them all (swiftc -sanitize=fuzzer,address)
#   Scripts/fuzz.sh TARGET [SECONDS]     build, then fuzz TARGET for SECONDS (default 60) from its
#                                        committed seeds (Fuzz/Corpus/TARGET); exits non-zero on a
#                                        crash, a leak, a timeout or an out-of-memory, leaving the
#                                        input and libFuzzer's log in .build-fuzz/findings/TARGET/
#   Scripts/fuzz.sh --replay TARGET FILE…  run inputs once each (a crash's reproducer)
#   Scripts/fuzz.sh --totals             Fuzz/ledger.tsv summed per target, as a Markdown table
# Every run appends a line (date, target, seconds, inputs, result) to Fuzz/ledger.tsv, or to
# $FUZZ_LEDGER (CI: .build-fuzz/ci-ledger.tsv): the running total Docs/security.md reports.
# Inputs libFuzzer finds go to .build-fuzz/corpus/TARGET, not the committed seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-fuzz
targets() { sed -n 's/^let targets = \[\(.*\)/\1/p; /^               "/p' Fuzz/Package.swift | grep -o '"fuzz-[a-z-]*"' | tr -d '"'; }

build() {
    # Release: libFuzzer needs executions per second; ASan stays on. -parse-as-library: the
    # targets have no main (libFuzzer's is linked). C targets get ASan too, so the pthread lock
    # and the UAPI shim are checked.
    # SwiftPM rescans the sources of this package, not of the rdmactl package it depends on: a
    # file added to ../Sources after the last build was not compiled in ("cannot find
    # JSONFragment"). A stale build manifest is made again; compiling stays incremental.
    if [ -f "$scratch/release.yaml" ] && [ -n "$(find Sources -newer "$scratch/release.yaml" -print -quit)" ]; then
        rm -f "$scratch/release.yaml"
    fi
    swift build --package-path Fuzz --scratch-path "$scratch" -c release \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
        -Xcc -fsanitize=fuzzer-no-link,address 2>&1 | grep -E 'error|warning: unre|Compiling|Build' | grep -v '^\[' | tail -3
}

case "${1:-}" in
    --list) targets; exit 0 ;;
    --build) build; exit 0 ;;
    --totals)
        echo "| target | runs | seconds | inputs | ≥ 10 M | failed runs |"
        echo "|---|---|---|---|---|---|"
        for t in $(targets); do
            awk -F'\t' -v t="$t" '$2 == t { n++; s += $3; i += $4; if ($5 != "ok") f++ }
                END { printf "| `%s` | %d | %d | %d | %s | %d |\n", t, n, s, i, (i >= 10000000 ? "yes" : "no"), f }' Fuzz/ledger.tsv
        done
        exit 0 ;;
    --replay)
        shift; t=$1; shift
        exec env SWIFT_BACKTRACE=enable=no "$scratch/release/$t" -runs=1 "$@" ;;
    ''|-*) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;;
esac

target=$1; seconds=${2:-60}
targets | grep -qx -- "$target" || { echo "fuzz.sh: no target '$target' (Scripts/fuzz.sh --list)" >&2; exit 64; }
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a whole number" >&2; exit 64; }
build
# Not $scratch/artifacts: that is SwiftPM's own directory (binary artifacts, by package), and a
# build started by the next run deleted two timeouts' inputs found there.
work="$scratch/corpus/$target"; artifacts="$scratch/findings/$target"
mkdir -p "$work" "$artifacts"
log=$(mktemp)
started=$(date +%s)
set +e
# SWIFT_BACKTRACE=enable=no: Swift's crash handler would otherwise wait on its backtracer
# before libFuzzer sees the signal. -timeout: one input taking 10 s is a hang (a finding).
# detect_leaks: LeakSanitizer runs at exit and on each -runs batch; a leak fails the run.
# malloc_context_size=5: ASan records 5 frames per malloc and free instead of 30 — finds the
# same errors, ~20% more inputs/s (unwinding and the stack depot were a quarter of each input;
# Docs/security.md). --replay keeps the full 30 frames for reading a reproducer's report.
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=1:malloc_context_size=5 \
    "$scratch/release/$target" "$work" "Fuzz/Corpus/$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1
rc=$?
set -e
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
elapsed=$(( $(date +%s) - started ))
result=ok; [ $rc = 0 ] || result="failed($rc)"
printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$target" "$elapsed" "${runs:-0}" "$result" >> "${FUZZ_LEDGER:-Fuzz/ledger.tsv}"
grep -E '^#[0-9]+ *(DONE|INITED)|ERROR|SUMMARY|invariant|Fatal error|Test unit written|^stat::number_of_executed_units' "$log" | tail -12
# A failed run keeps libFuzzer's whole log (the input in hex, every stack) beside its input.
if [ $rc = 0 ]; then rm -f "$log"; else mv "$log" "$artifacts/log-$(date -u +%Y%m%dT%H%M%SZ).txt"; fi
echo "fuzz.sh: $target ran ${runs:-0} inputs in ${elapsed}s: $result"
exit $rc
