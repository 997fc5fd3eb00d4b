#!/bin/bash
# Generated files must match what the parser generates now: completions/ and Docs/rdmactl.1.
# usage: .ci/check-generated.sh PATH/TO/rdmactl [--update]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$1; UPDATE=${2:-}
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for shell in bash zsh fish; do
    want=completions/rdmactl.$shell
    "$BIN" --generate-completion-script "$shell" > "$tmp/completion.$shell"
    if [ "$UPDATE" = --update ]; then cp "$tmp/completion.$shell" "$want"; continue; fi
    cmp -s "$tmp/completion.$shell" "$want" || { echo "stale: $want (run .ci/check-generated.sh $BIN --update)"; fail=1; }
done
# The man page comes from ArgumentParser's generate-manual plugin (.ci/gen-manpage.sh).
if [ "$UPDATE" = --update ]; then
    .ci/gen-manpage.sh Docs/rdmactl.1
else
    .ci/gen-manpage.sh "$tmp/rdmactl.1"
    cmp -s "$tmp/rdmactl.1" Docs/rdmactl.1 || { echo "stale: Docs/rdmactl.1 (run .ci/check-generated.sh $BIN --update)"; diff "$tmp/rdmactl.1" Docs/rdmactl.1 | head -20; fail=1; }
fi
[ $fail = 0 ] && echo "generated files fresh"
exit $fail
