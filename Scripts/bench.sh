#!/bin/bash
# Measures `rdmactl list` the way this project measures speed: syscalls (strace -c), instructions
# (callgrind, repeatable) and wall time (hyperfine when installed). Not a test: numbers for notes.
# usage: Scripts/bench.sh [SET]   (default hfi1:8,qib:8, exported with snapshot and read with --root)
set -euo pipefail
cd "$(dirname "$0")/.."
SET=${1:-hfi1:8,qib:8}
swift build -c release >/dev/null 2>&1
BIN=.build/release/rdmactl
TREE=$(mktemp -d)/tree
trap 'rm -rf "$(dirname "$TREE")"' EXIT
"$BIN" --emulated-set "$SET" snapshot "$TREE" >/dev/null
for args in "list" "list --json"; do
    echo "== rdmactl --root TREE $args   ($SET)"
    strace -f -c -o /tmp/bench-strace.txt "$BIN" --root "$TREE" $args >/dev/null
    awk 'NR>2 && $NF ~ /^(openat2|read|readlinkat|newfstatat|getdents64|close)$/ {printf "  %-12s %s\n", $NF, $(NF-2) ~ /^[0-9]+$/ && NF==6 ? $(NF-2) : $4}' /tmp/bench-strace.txt
    if command -v valgrind >/dev/null; then
        valgrind --tool=callgrind --callgrind-out-file=/tmp/bench.cg "$BIN" --root "$TREE" $args >/dev/null 2>/tmp/bench-cg.txt || true
        grep -o 'Collected : [0-9]*' /tmp/bench-cg.txt | sed 's/Collected :/  instructions:/' || true
    fi
    if command -v hyperfine >/dev/null; then
        hyperfine -N --warmup 3 --runs 30 "$BIN --root $TREE $args" 2>/dev/null | grep -E 'Time|Range'
    fi
done
echo "== rdmactl --emulated-set $SET list --json"
valgrind --tool=callgrind --callgrind-out-file=/tmp/bench.cg "$BIN" --emulated-set "$SET" list --json >/dev/null 2>/tmp/bench-cg.txt
grep -o 'Collected : [0-9]*' /tmp/bench-cg.txt | sed 's/Collected :/  instructions:/' || true
