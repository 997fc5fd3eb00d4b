#!/bin/bash
# gather's throughput (issue 11: 10,000 envelopes in under one second). Not a test: a measurement
# with a goal, on the release binary.
#
# usage: Scripts/bench-gather.sh [-n HOSTS] [-r RUNS] [-b BIN]
#   -n HOSTS  envelopes per input (default 10000)
#   -r RUNS   hyperfine runs (default 10)
#   -b BIN    the rdmactl to measure (default: a fresh `swift build -c release`)
#
# The inputs are made from real envelopes — open-ops on four emulated node kinds (hfi1 granted,
# qib fallback, qib refused as a user, legacy ABI mismatch) — copied to HOSTS hosts with their
# names rewritten, in the three shapes gather reads: a directory of per-node files (srun -o
# %N.json), one NDJSON file, and a clush-prefixed stream on stdin ("node17: {…}").
#
# bench-packages: hyperfine python3
# Exit: 0 every shape under one second; 1 a shape missed it; 2 usage or a missing tool.
set -euo pipefail
cd "$(dirname "$0")/.."
N=10000 RUNS=10 BIN=
while getopts "n:r:b:h" o; do
    case $o in n) N=$OPTARG ;; r) RUNS=$OPTARG ;; b) BIN=$OPTARG ;; *) sed -n '2,16p' "$0"; exit 2 ;; esac
done
command -v hyperfine >/dev/null || { echo "bench-gather: hyperfine is missing (.ci/install-deps.sh bench)" >&2; exit 2; }
if [ -z "$BIN" ]; then
    swift build -c release --product rdmactl >/dev/null
    BIN=$PWD/.build/release/rdmactl
fi
BIN=$(readlink -f "$BIN")
OUT=$(mktemp -d "${TMPDIR:-/tmp}/rdmactl-bench-gather.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

# Four kinds of node, one envelope each, with a placeholder host name.
kinds=(
    "--emulated open-ops psm2.intel.com"
    "--emulated-set qib open-ops psm2.intel.com"
    "--emulated-set qib --profile mainline --emulated-user 1000 open-ops psm2.intel.com"
    "--emulated-set hfi1 --profile legacy open-ops psm2.intel.com@6 --no-fallback"
)
for k in "${!kinds[@]}"; do
    # shellcheck disable=SC2086
    SLURMD_NODENAME=HOSTNAME_PLACEHOLDER "$BIN" ${kinds[$k]} --json > "$OUT/kind$k.json" 2>/dev/null || true
done
# 90% of nodes are the first kind; the rest spread over the others (a realistic fleet).
mkdir -p "$OUT/dir"
awk -v n="$N" -v out="$OUT" '
    BEGIN { k = -1 } FNR == 1 { k++ } { tmpl[k] = $0 }
    END {
        for (i = 1; i <= n; i++) {
            k = (i % 10 == 0) ? 1 + (i / 10) % 3 : 0
            line = tmpl[k]; gsub(/HOSTNAME_PLACEHOLDER/, "node" i, line)
            print line > (out "/dir/node" i ".json"); close(out "/dir/node" i ".json")
            print line > (out "/all.ndjson")
            print "node" i ": " line > (out "/clush.txt")
        }
    }' "$OUT"/kind0.json "$OUT"/kind1.json "$OUT"/kind2.json "$OUT"/kind3.json
echo "bench-gather: rdmactl $("$BIN" --version) ($BIN); $N envelopes, $(du -sh "$OUT/all.ndjson" | cut -f1) as NDJSON"

# gather exits with the worst status (77 here): -i tells hyperfine that is expected.
hyperfine -i -w 2 -r "$RUNS" --export-json "$OUT/results.json" \
    -n "dir ($N files)" "$BIN gather $OUT/dir" \
    -n "ndjson file" "$BIN gather $OUT/all.ndjson" \
    -n "json, ndjson file" "$BIN gather --json $OUT/all.ndjson" \
    -n "clush stream (stdin)" "$BIN gather - < $OUT/clush.txt" >&2
fail=0
while read -r name mean; do
    verdict=ok; awk -v m="$mean" 'BEGIN { exit !(m < 1.0) }' || { verdict="MISSED (goal < 1 s)"; fail=1; }
    printf '%-24s %8.3f s  %s\n' "$name" "$mean" "$verdict"
done < <(python3 -c 'import json,sys; [print(r["command"].replace(" ", "_"), r["mean"]) for r in json.load(open(sys.argv[1]))["results"]]' "$OUT/results.json")
exit $fail
