#!/bin/bash
# Installs every Debian package rdmactl's build, tests and CI use: the list is .ci/packages.txt
# (one source; .ci/check-deps.sh proves it complete). With no argument, every stage; with stage
# names (build test ci vm kernel bench fleet), only those. Nothing is assumed to be there already: a package the
# list names is installed unless dpkg says it is.
set -euo pipefail
cd "$(dirname "$0")/.."
stages=" ${*:-build test ci vm kernel bench fleet} "
missing=""
while read -r pkg stage _; do
    case "$pkg" in ''|'#'*) continue ;; esac
    [[ "$stages" == *" $stage "* ]] || continue
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing="$missing $pkg"
done < .ci/packages.txt
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing" >&2
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
# No package may start a daemon (munge, slurmctld, slurmd and sshd would, on a machine without
# systemd): invoke-rc.d asks /usr/sbin/policy-rc.d, and 101 means "action forbidden"
# (/usr/share/doc/init-system-helpers/README.policy-rc.d.gz). An existing one is left alone.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# rdmactl .ci/install-deps.sh: no daemon starts during installs\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 0755 /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq
# --no-install-recommends: what a package only recommends (libibverbs1 → ibverbs-providers) is
# listed by name in .ci/packages.txt when something uses it.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
