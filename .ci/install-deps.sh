#!/bin/bash
# What rdmactl's build and tests need beyond the Swift toolchain (one list, used by README and CI):
#   libudev-dev, pkg-config   the CUdev system library
#   ibverbs-utils, infiniband-diags, rdma-core   real clients the emulated tree is checked against
#   strace                    proves --help/--version touch nothing under /sys or /dev
#   python3                   .ci scripts compare JSON and splice the man page
#   util-linux (unshare, mount) is part of Debian's base system
set -euo pipefail
PKGS="libudev-dev pkg-config ibverbs-utils infiniband-diags rdma-core strace"
missing=""
command -v python3 >/dev/null || missing=" python3"
for p in $PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"; done
[ -z "$missing" ] && exit 0
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
