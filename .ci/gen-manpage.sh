#!/bin/bash
# Generates Docs/rdmactl.1 from the argument parser (swift-argument-parser's generate-manual
# plugin), with its generic EXIT STATUS replaced by Docs/exit-status.mdoc.
# usage: .ci/gen-manpage.sh OUTFILE
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
swift package --allow-writing-to-directory "$tmp" generate-manual --date 2026-11-26 --section 1 \
    --authors "the rdmactl developers" --output-directory "$tmp" >/dev/null 2>&1 \
    || swift package --allow-writing-to-directory "$tmp" generate-manual --date 2026-11-26 --section 1 \
    --authors "the rdmactl developers" --output-directory "$tmp"
python3 - "$tmp/rdmactl.1" Docs/exit-status.mdoc "$OUT" <<'PY'
import sys
page, snippet, out = sys.argv[1:]
text = open(page).read()
start = text.index('.Sh "EXIT STATUS"')
end = text.index('.Sh AUTHORS')
open(out, 'w').write(text[:start] + open(snippet).read() + text[end:])
PY
