#!/bin/bash
# Runs the README's first quick-start command exactly as written (install + the emulated open-ops
# flow) and checks a new user sees the grant DESIGN §4's first worked example describes:
# psm2.intel.com 6.3 (HFI1_USER_SWMAJOR/MINOR) on hfi1_0 through the driver-ops ioctl, and a
# handshake. The second command (swift test) is the test stage of .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=$(awk '/^## Quick start/{q=1} q && /^    /{sub(/^    /,""); print; exit}' README.md)
echo "\$ $cmd"
out=$(bash -c "$cmd" 2>/dev/null)
echo "$out"
grep -q '^granted: psm2.intel.com 6.3 on hfi1_0 via driver-ops-ioctl' <<<"$out" \
  && grep -q '^handshake (hfi1-ioctl): GET_VERS → 0, ASSIGN_CTXT → 0' <<<"$out" \
  || { echo "README command did not grant psm2.intel.com 6.3 on hfi1_0 with a handshake"; exit 1; }
