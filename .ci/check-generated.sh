#!/bin/bash
# Generated files must match what the parser generates now: completions/ and Docs/rdmactl.1.
# usage: .ci/check-generated.sh PATH/TO/rdmactl [--update]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$1; UPDATE=${2:-}
fail=0
for shell in bash zsh fish; do
    want=completions/rdmactl.$shell
    "$BIN" --generate-completion-script "$shell" > "/tmp/rdmactl-completion.$shell"
    if [ "$UPDATE" = --update ]; then cp "/tmp/rdmactl-completion.$shell" "$want"; continue; fi
    cmp -s "/tmp/rdmactl-completion.$shell" "$want" || { echo "stale: $want (run .ci/check-generated.sh $BIN --update)"; fail=1; }
done
# The man page comes from ArgumentParser's generate-manual plugin; its date line is pinned.
if [ "$UPDATE" = --update ] || [ -n "${CHECK_MAN:-1}" ]; then
    out=$(mktemp -d)
    swift package --allow-writing-to-directory "$out" generate-manual --multi-page=false --date 2026-11-26 \
        --section 1 --authors "the rdmactl developers" --output-directory "$out" >/dev/null 2>&1 || { echo "generate-manual failed"; exit 1; }
    if [ "$UPDATE" = --update ]; then cp "$out/rdmactl.1" Docs/rdmactl.1
    else cmp -s "$out/rdmactl.1" Docs/rdmactl.1 || { echo "stale: Docs/rdmactl.1 (run .ci/check-generated.sh $BIN --update)"; fail=1; }
    fi
    rm -rf "$out"
fi
[ $fail = 0 ] && echo "generated files fresh"
exit $fail
