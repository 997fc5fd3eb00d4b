#!/bin/bash
# Regenerate kernel/patches/ from a git tree holding the series on top of the unpacked
# linux-source subset (the developer's tree; kernel/build.sh never needs it).
#
# usage: kernel/format-patches.sh GIT_TREE BASE_COMMIT
# The cover letter's subject and body come from kernel/cover.txt (first line: subject).
# Exit: 0 written; 1 git format-patch failed; 2 usage.
set -euo pipefail
[ $# -eq 2 ] && [ -d "$1" ] || { echo "usage: $0 GIT_TREE BASE_COMMIT" >&2; exit 2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rm -f "$HERE"/patches/*.patch
git -C "$1" format-patch -q --cover-letter -o "$HERE/patches" "$2..HEAD"
python3 - "$HERE/patches/0000-cover-letter.patch" "$HERE/cover.txt" <<'PY'
import sys
p, c = sys.argv[1], open(sys.argv[2]).read().split('\n', 1)
s = open(p).read()
s = s.replace('*** SUBJECT HERE ***', c[0].strip()).replace('*** BLURB HERE ***', c[1].strip())
open(p, 'w').write(s)
PY
ls "$HERE"/patches
