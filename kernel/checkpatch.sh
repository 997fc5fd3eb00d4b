#!/bin/bash
# Run the kernel's scripts/checkpatch.pl --strict on every patch of kernel/patches (the cover letter
# excluded), from the linux-source subset kernel/build.sh unpacked (run kernel/build.sh first).
#
# usage: kernel/checkpatch.sh
# Patches are fed on stdin: checkpatch checks a git-tracked path as a source file, not as a patch.
# The one warning allowed is FILE_PATH_CHANGES ("does MAINTAINERS need updating?") for the two
# new files, which MAINTAINERS' INFINIBAND SUBSYSTEM entry already covers (F: drivers/infiniband/,
# F: include/rdma/).
# Exit: 0 clean; 1 an error, check or other warning (printed); 2 checkpatch.pl not found.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${RDMACTL_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rdmactl-kernel}
CP=$CACHE/src-${KERNEL_PKG_VERSION:-6.1.192-3}/scripts/checkpatch.pl
[ -f "$CP" ] || { echo "checkpatch: $CP not found (run kernel/build.sh)" >&2; exit 2; }
fail=0
for p in "$HERE"/patches/0*.patch; do
    case $p in */0000-*) continue ;; esac
    out=$(perl "$CP" --strict --no-tree --show-types - < "$p" 2>&1 || true)
    total=$(grep '^total:' <<<"$out")
    other=$(grep -E '^(ERROR|WARNING|CHECK):' <<<"$out" | grep -v '^WARNING:FILE_PATH_CHANGES:' || true)
    echo "checkpatch: $(basename "$p"): $total"
    if [ -n "$other" ]; then echo "$out"; fail=1; fi
done
exit $fail
