#!/bin/bash
# Installs every Debian package rdmactl's build, tests and CI use: the list is .ci/packages.txt
# (one source; .ci/check-deps.sh proves it complete). With no argument, every stage; with stage
# names (build test ci vm kernel bench), only those. Nothing is assumed to be there already: a package the
# list names is installed unless dpkg says it is.
set -euo pipefail
cd "$(dirname "$0")/.."
stages=" ${*:-build test ci vm kernel bench} "
missing=""
while read -r pkg stage _; do
    case "$pkg" in ''|'#'*) continue ;; esac
    [[ "$stages" == *" $stage "* ]] || continue
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing="$missing $pkg"
done < .ci/packages.txt
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing" >&2
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
# --no-install-recommends: what a package only recommends (libibverbs1 → ibverbs-providers) is
# listed by name in .ci/packages.txt when something uses it.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
