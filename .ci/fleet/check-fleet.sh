#!/bin/bash
# CI stage (issue 11): a real 4-node Slurm cluster (.ci/fleet/cluster.sh), one node broken on
# purpose, and `rdmactl fleet --via slurm -N4 -- open-ops psm2.intel.com` must group the nodes
# by verdict and name the broken one; then the same through ClusterShell and pdsh over ssh (an
# sshd per node namespace). Each node runs rdmactl through node-rdmactl.sh, which picks
# an emulated device set and kernel profile by node name:
#   node1  hfi1      proposed   psm2.intel.com 6.3 through the driver-ops ioctl
#   node2  hfi1,qib  proposed   the same verdict with another device set (grouped with node1)
#   node3  qib       mainline   no psm2: the fallback psm.intel.com 1 through /dev/ipath0
#   node4  hfi1      legacy     broken: its slurmd and sshd are killed before the runs
# The stage has a fixed budget (printed; the cluster is torn down on any exit, timeout included).
#
# usage: .ci/fleet/check-fleet.sh RDMACTL      (root: namespaces, munged, slurmd)
# packages: munge slurm-wlm iproute2 util-linux jq clustershell pdsh openssh-server openssh-client
set -euo pipefail
BUDGET=${FLEET_BUDGET:-120}
if [ -z "${FLEET_UNDER_BUDGET:-}" ]; then
    echo "fleet stage: budget ${BUDGET}s"
    FLEET_UNDER_BUDGET=1 exec timeout --kill-after=10 "$BUDGET" "$0" "$@"
fi
here=$(cd "$(dirname "$0")" && pwd)
bin=$(readlink -f "${1:?usage: check-fleet.sh RDMACTL}")
[ "$(id -u)" = 0 ] || { echo "check-fleet: needs root (network and UTS namespaces, slurmd)" >&2; exit 2; }
S=$(mktemp -d /tmp/rdmactl-fleet.XXXXXX)
chmod 0755 "$S"
start=$(date +%s%N)
ms() { echo "$(( ($(date +%s%N) - start) / 1000000 ))ms"; }
# Tear down on every exit, a timeout's SIGTERM included.
trap '"$here/cluster.sh" down "$S"; echo "fleet stage: cluster torn down ($(ms))"' EXIT
trap 'echo "fleet stage: over budget or interrupted" >&2; exit 124' TERM INT
fail() { echo "check-fleet: FAIL: $*" >&2; echo "--- slurm logs" >&2; tail -n 5 "$S"/slurm/log/*.log >&2 || true; exit 1; }

# The nodes' rdmactl: this build, with an emulated kernel chosen by node name.
mkdir -p "$S/bin"
sed "s|@RDMACTL@|$bin|" "$here/node-rdmactl.sh" > "$S/bin/rdmactl"
chmod 0755 "$S/bin/rdmactl"

"$here/cluster.sh" up "$S" ssh
echo "cluster up (slurm and sshd): $(ms)"
"$here/cluster.sh" kill-node "$S" node4
echo "node4's slurmd and sshd killed: $(ms)"

# srun's per-node files go to a directory every node sees (here, one file system for all).
cd "$S"
rc=0
"$here/cluster.sh" hub "$S" "$bin" fleet --via slurm -N4 --rdmactl "$S/bin/rdmactl" --output-dir "$S/out" --keep \
    --json -- open-ops psm2.intel.com > fleet.json 2> fleet.err || rc=$?
echo "fleet --via slurm -N4: exit $rc ($(ms))"
jq -r '.data.engine.command_line' fleet.json
"$bin" gather --expect 'node[1-4]' "$S/out" || true     # the text report, for the log

# The assertions come from issue 11 and DESIGN §6, not from this output.
# check ENGINE FILE RC REASON: the groups, the outlier, the broken node and the exit status.
check() {
    local via=$1 f=$2 rc=$3 reason=$4
    j() { jq -er "$1" "$f"; }
    [ "$rc" = 66 ] || fail "$via: exit $rc, expected 66 (the worst outcome: node4 gave no answer)"
    [ "$(j '.error.code')" = NO_ANSWER ] || fail "$via: error.code is not NO_ANSWER"
    [ "$(j '.data.engine.via')" = "$via" ] || fail "$via: engine.via"
    [ "$(j '.data.engine.exit_status != 0')" = true ] || fail "$via: the engine's own failure (node4) is not reported"
    [ "$(j '.data.gather.hosts')" = 4 ] || fail "$via: hosts != 4"
    [ "$(j '.data.gather.groups | length')" = 2 ] || fail "$via: expected two groups: node[1-2] and node3"
    [ "$(j '.data.gather.groups[0].hosts')" = 'node[1-2]' ] || fail "$via: largest group is not node[1-2]"
    [ "$(j '.data.gather.groups[0].majority')" = true ] || fail "$via: group 1 is not the majority"
    [ "$(j '.data.gather.groups[0].verdict.data.grant | "\(.facet) \(.major).\(.minor) \(.transport)"')" = "psm2.intel.com 6.3 driver-ops-ioctl" ] \
        || fail "$via: node[1-2] were not granted psm2.intel.com 6.3 through the driver-ops ioctl"
    [ "$(j '.data.gather.groups[1].hosts')" = node3 ] || fail "$via: the outlier group is not node3"
    [ "$(j '.data.gather.groups[1].verdict.data.grant | "\(.facet) \(.fallback) \(.node)"')" = "psm.intel.com true /dev/ipath0" ] \
        || fail "$via: node3 was not granted the fallback psm.intel.com through /dev/ipath0"
    j '.data.gather.groups[1].differs[] | select(.path == "data.grant.facet" and .majority == "psm2.intel.com" and .value == "psm.intel.com")' >/dev/null \
        || fail "$via: node3's difference from the majority does not name data.grant.facet"
    [ "$(j '.data.gather.no_answer | map(.host) | join(",")')" = node4 ] || fail "$via: node4 is not named as giving no answer"
    j ".data.gather.no_answer[0].reason | test(\"$reason\")" >/dev/null || fail "$via: node4's reason does not say '$reason'"
    [ "$(j '.data.gather.exit_codes | map("\(.exit_code):\(.count):\(.hosts)") | join(" ")')" = "66:1:node4 0:3:node[1-3]" ] \
        || fail "$via: exit_codes is not 66×node4, 0×node[1-3]"
    echo "fleet --via $via: grouped node[1-2] | node3, node4 no answer ($(jq -r '.data.gather.no_answer[0].reason' "$f")), exit $rc"
}
check slurm fleet.json "$rc" "launch failed"
# gather over srun's files alone agrees, given the hosts it should expect.
rc=0; "$bin" gather --expect 'node[1-4]' --json "$S/out" > gather.json || rc=$?
[ "$rc" = 66 ] || fail "gather DIR: exit $rc, expected 66"
[ "$(jq -r '[.data.groups[].hosts] | join(" ")' gather.json)" = "node[1-2] node3" ] || fail "gather DIR groups"

# Inside an allocation (Docs/fleet.md §1): no -N or -w, so srun runs on every allocated node and
# fleet expects exactly SLURM_JOB_NODELIST. The three live nodes answer; exit 0.
rc=0
"$here/cluster.sh" hub "$S" salloc --immediate=10 -N3 -w 'node[1-3]' "$bin" fleet --via slurm --rdmactl "$S/bin/rdmactl" \
    --output-dir "$S/alloc" --json -- open-ops psm2.intel.com > alloc.json 2> alloc.err || rc=$?
[ "$rc" = 0 ] || { cat alloc.err >&2; fail "inside an allocation: exit $rc, expected 0"; }
[ "$(jq -r '[.data.gather.groups[].hosts] | join(" ")' alloc.json)" = "node[1-2] node3" ] || fail "inside an allocation: groups"
[ "$(jq -r '.data.gather.hosts' alloc.json)" = 3 ] || fail "inside an allocation: hosts != 3"
echo "fleet --via slurm inside salloc -N3: grouped node[1-2] | node3, exit 0 ($(ms))"

# ClusterShell and pdsh over ssh, from the hub: the same verdicts, node4 unreachable.
ssh_cfg="$S/ssh/ssh_config"
rc=0
"$here/cluster.sh" hub "$S" "$bin" fleet --via clush -w 'node[1-4]' -o "-F $ssh_cfg" --rdmactl "$S/bin/rdmactl" \
    --json -- open-ops psm2.intel.com > clush.json 2> clush.err || rc=$?
echo "$(jq -r '.data.engine.command_line' clush.json) ($(ms))"
check clush clush.json "$rc" "Connection refused"
rc=0
PDSH_SSH_ARGS_APPEND="-F $ssh_cfg" "$here/cluster.sh" hub "$S" "$bin" fleet --via pdsh -R ssh -w 'node[1-4]' \
    --rdmactl "$S/bin/rdmactl" --json -- open-ops psm2.intel.com > pdsh.json 2> pdsh.err || rc=$?
echo "$(jq -r '.data.engine.command_line' pdsh.json) ($(ms))"
check pdsh pdsh.json "$rc" "Connection refused"
echo "fleet stage: ok ($(ms))"
