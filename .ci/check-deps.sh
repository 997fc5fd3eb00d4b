#!/bin/bash
# Proves .ci/packages.txt complete, after .ci/install-deps.sh ran (issue 6: a green run on a used
# machine proves nothing about a fresh one). Derives what the project relies on from the files
# that rely on it, and fails naming the package when:
#   - Package.swift names an apt provider (or uses pkgConfig:) that the list lacks;
#   - a test calls HostPackage.require("NAME") for a NAME the list lacks;
#   - ../shared/vm/build-base.sh installs a host package the list lacks (the VM stage uses it);
#   - .ci/kernel/check-driver-ops.sh's "# kernel-packages:" line names one the list lacks;
#   - a Scripts/bench*.sh "# bench-packages:", Scripts/build-release.sh or .ci/fleet/*.sh
#     "# packages:" line names one;
#   - a listed package is not installed, or a probe file of it is missing;
#   - a listed package is used by nothing derivable (a stale entry nobody would notice removing).
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
bad() { echo "check-deps: $*" >&2; fail=1; }

declare -A listed=() probes=()
while read -r pkg stage probe _; do
    case "$pkg" in ''|'#'*) continue ;; esac
    listed[$pkg]=$stage; probes[$pkg]=$probe
done < .ci/packages.txt

declare -A used=()
# build: the system library's apt providers, and pkg-config for any pkgConfig: target.
for p in $(grep -o '\.apt(\[[^]]*\])' Package.swift | grep -o '"[^"]*"' | tr -d '"'); do used[$p]="Package.swift"; done
grep -q 'pkgConfig:' Package.swift && used[pkg-config]="Package.swift"
grep -rq '#include <rdma/' Sources/CRdmaABI && used[linux-libc-dev]="Sources/CRdmaABI (UAPI headers)"
# tests: HostPackage.require("NAME") calls.
for p in $(grep -rhoE 'HostPackage\.require\("[a-z0-9.+-]+"' Tests | grep -oE '"[^"]+"' | tr -d '"' | sort -u); do
    used[$p]="${used[$p]:-}${used[$p]:+, }Tests"
done
# ci: what the CI scripts run.
grep -rlq 'python3' .ci/*.sh .ci/vm/*.sh .ci/kernel/*.sh .ci/fleet/*.sh && used[python3]="${used[python3]:-}${used[python3]:+, }.ci scripts"
# kernel: the packages the kernel stage names on its "# kernel-packages:" line (the kernel build
# needs a C compiler, make and kbuild's objtool library; the Debian kernel packages themselves are
# apt-get downloaded into a cache by kernel/build.sh, never installed).
for p in $(sed -n 's/^# kernel-packages: //p' .ci/kernel/check-driver-ops.sh); do used[$p]="${used[$p]:-}${used[$p]:+, }.ci/kernel/check-driver-ops.sh"; done
# bench: the packages each Scripts/bench*.sh names on its "# bench-packages:" line.
for f in Scripts/bench*.sh; do
    for p in $(sed -n 's/^# bench-packages: //p' "$f"); do used[$p]="${used[$p]:-}${used[$p]:+, }$f"; done
done
# release: the packages the release build names on its "# packages:" line (libstdc++.a).
for p in $(sed -n 's/^# packages: //p' Scripts/build-release.sh); do used[$p]="${used[$p]:-}${used[$p]:+, }Scripts/build-release.sh"; done
# fleet: the packages each .ci/fleet script names on its "# packages:" line (the Slurm cluster).
for f in .ci/fleet/*.sh; do
    for p in $(sed -n 's/^# packages: //p' "$f"); do used[$p]="${used[$p]:-}${used[$p]:+, }$f"; done
done
# vm: the shared VM builder's host packages.
# CI lays shared/ beside the clone; a developer's checkout may sit elsewhere (as check-rxe.sh finds it).
vm=""
for c in ../shared/vm/build-base.sh /work/shared/vm/build-base.sh; do [ -f "$c" ] && { vm=$c; break; }; done
if [ -n "$vm" ]; then
    for p in $(sed -n 's/^HOST_PKGS="\(.*\)"/\1/p' "$vm"); do used[$p]="${used[$p]:-}${used[$p]:+, }$vm"; done
else
    bad "../shared/vm/build-base.sh is missing: cannot derive the VM stage's packages"
fi

for p in "${!used[@]}"; do
    [ -n "${listed[$p]:-}" ] || bad "$p is used by ${used[$p]} but .ci/packages.txt does not list it: add it"
done
for p in "${!listed[@]}"; do
    [ -n "${used[$p]:-}" ] || bad "$p is listed in .ci/packages.txt but nothing derivable uses it: remove it, or call HostPackage.require(\"$p\") where a test needs it"
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' \
        || bad "$p is not installed: run .ci/install-deps.sh (apt-get install $p)"
    IFS=, read -ra files <<<"${probes[$p]}"
    for f in "${files[@]}"; do [ -e "$f" ] || bad "$f is missing: it comes from $p (apt-get install $p)"; done
done
[ $fail = 0 ] && echo "check-deps: ${#listed[@]} packages listed, each used, installed and probed"
exit $fail
