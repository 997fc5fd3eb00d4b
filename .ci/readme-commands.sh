#!/bin/bash
# Runs the README's first quick-start command exactly as written (install + rdmactl --emulated
# list) and checks a new user sees hfi1_0 and qib0. The second command (swift test) is the test
# stage of .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=$(awk '/^## Quick start/{q=1} q && /^    /{sub(/^    /,""); print; exit}' README.md)
echo "\$ $cmd"
out=$(bash -c "$cmd" 2>/dev/null)
echo "$out"
grep -q '^hfi1_0 ' <<<"$out" && grep -q '^qib0 ' <<<"$out" || { echo "README command did not list hfi1_0 and qib0"; exit 1; }
