#!/bin/bash
# A real 4-node Slurm cluster on one machine, for rdmactl fleet's CI stage (issue 11). No systemd,
# nothing in /etc, every file under one scratch directory:
#   - one munged with its own key and socket (munged(8) --key-file, --socket; Slurm reaches it
#     through AuthInfo=socket=…, slurm.conf(5));
#   - slurmctld in a "hub" network + UTS namespace holding a bridge (10.211.0.1/24);
#   - one slurmd per node in its own network *and* UTS namespace: its own hostname (node1…) and a
#     veth address on the bridge (10.211.0.11…). Slurm resolves with AI_ADDRCONFIG, so a
#     namespace with only loopback fails ("Unable to resolve 127.0.0.1"): each gets a veth;
#   - plugins that work without systemd or cgroups: ProctrackType=proctrack/linuxproc,
#     TaskPlugin=task/none, JobAcctGatherType=jobacct_gather/none, SelectType=select/linear.
# Namespaces are kept as bind-mounted nsfs files in the scratch directory (unshare(1) --net=FILE
# --uts=FILE), not in /run/netns, so two clusters on one machine never collide.
#
#   - with `up SCRATCH ssh`, one sshd per node namespace too (for clush and pdsh), each in a private
#     mount namespace with a tmpfs on /run (sshd insists on /run/sshd; the host's is not touched),
#     keys and config under SCRATCH/ssh; clients use `ssh -F SCRATCH/ssh/ssh_config`, which also
#     maps node1… to their addresses (no /etc/hosts).
#
# usage: cluster.sh up SCRATCH [ssh]  start munged, slurmctld, 4 slurmd (and sshd); wait until idle
#        cluster.sh down SCRATCH      stop everything, remove namespaces and SCRATCH
#        cluster.sh hub SCRATCH CMD…  run CMD in the hub namespace with SLURM_CONF set
#        cluster.sh kill-node SCRATCH NODE   kill one node's slurmd and sshd (the broken node)
# packages: munge slurm-wlm iproute2 util-linux openssh-server openssh-client
set -euo pipefail
NODES="node1 node2 node3 node4"
SUBNET=10.211.0

ns() { echo "$S/ns/$1"; }
in_ns() {   # in_ns NAME CMD…: run CMD in NAME's network and UTS namespaces
    local n=$1; shift
    nsenter --net="$(ns "$n").net" --uts="$(ns "$n").uts" "$@"
}
addr() { case $1 in hub) echo "$SUBNET.1" ;; node*) echo "$SUBNET.$((10 + ${1#node}))" ;; esac; }
log() { echo "cluster: $*" >&2; }

# A persistent namespace pair: unshare binds the new namespaces onto the two files.
make_ns() {
    local n=$1 f; f=$(ns "$n")
    touch "$f.net" "$f.uts"
    unshare --net="$f.net" --uts="$f.uts" hostname "$n"
    in_ns "$n" ip link set lo up
}

write_conf() {
    mkdir -p "$S/slurm/state" "$S/slurm/log" "$S/slurm/spool"
    {
        echo "# rdmactl CI cluster (.ci/fleet/cluster.sh); see slurm.conf(5)"
        echo "ClusterName=rdmactl"
        echo "SlurmctldHost=hub($(addr hub))"
        echo "SlurmUser=root"
        echo "SlurmdUser=root"
        echo "AuthType=auth/munge"
        echo "CredType=cred/munge"
        echo "AuthInfo=socket=$S/munge/munge.socket"
        echo "StateSaveLocation=$S/slurm/state"
        echo "SlurmdSpoolDir=$S/slurm/spool/%n"
        echo "SlurmctldPidFile=$S/slurm/slurmctld.pid"
        echo "SlurmdPidFile=$S/slurm/slurmd-%n.pid"
        echo "SlurmctldLogFile=$S/slurm/log/slurmctld.log"
        echo "SlurmdLogFile=$S/slurm/log/slurmd-%n.log"
        echo "ProctrackType=proctrack/linuxproc"
        echo "TaskPlugin=task/none"
        echo "JobAcctGatherType=jobacct_gather/none"
        echo "AccountingStorageType=accounting_storage/none"
        echo "JobCompType=jobcomp/none"
        echo "SelectType=select/linear"
        echo "SchedulerType=sched/builtin"
        echo "MpiDefault=none"
        echo "SwitchType=switch/none"
        echo "ReturnToService=2"
        # A node whose slurmd dies stays "up" to slurmctld this long: srun then names it as a
        # launch failure instead of waiting for it (the broken node of the CI stage).
        echo "SlurmdTimeout=300"
        echo "MessageTimeout=5"
        for n in $NODES; do
            echo "NodeName=$n NodeAddr=$(addr "$n") CPUs=1 RealMemory=64 State=UNKNOWN"
        done
        echo "PartitionName=all Nodes=ALL Default=YES MaxTime=INFINITE State=UP"
    } > "$S/slurm/slurm.conf"
}

start_munge() {
    mkdir -p "$S/munge"; chmod 0700 "$S/munge"
    dd if=/dev/urandom of="$S/munge/munge.key" bs=1024 count=1 status=none
    chmod 0400 "$S/munge/munge.key"
    munged --force --socket="$S/munge/munge.socket" --key-file="$S/munge/munge.key" \
        --pid-file="$S/munge/munged.pid" --log-file="$S/munge/munged.log" --seed-file="$S/munge/munged.seed"
}

start_ssh() {
    local n
    mkdir -p "$S/ssh"; chmod 0700 "$S/ssh"
    ssh-keygen -q -t ed25519 -N '' -f "$S/ssh/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$S/ssh/id"
    cp "$S/ssh/id.pub" "$S/ssh/authorized_keys"
    printf '%s\n' "HostKey $S/ssh/host_key" "AuthorizedKeysFile $S/ssh/authorized_keys" \
        "PermitRootLogin prohibit-password" "PasswordAuthentication no" "KbdInteractiveAuthentication no" \
        "UsePAM no" "StrictModes no" "PrintMotd no" > "$S/ssh/sshd_config"
    {
        printf '%s\n' "Host node*" "    User root" "    IdentityFile $S/ssh/id" "    IdentitiesOnly yes" \
            "    UserKnownHostsFile /dev/null" "    StrictHostKeyChecking no" "    LogLevel ERROR" \
            "    BatchMode yes" "    ConnectTimeout 5"
        for n in $NODES; do printf '%s\n' "Host $n" "    HostName $(addr "$n")"; done
    } > "$S/ssh/ssh_config"
    for n in $NODES; do
        in_ns "$n" unshare --mount --propagation private sh -c \
            "mount -t tmpfs tmpfs /run && mkdir -m 0755 /run/sshd && exec /usr/sbin/sshd -f '$S/ssh/sshd_config' -o 'PidFile=$S/ssh/sshd-$n.pid' -o 'ListenAddress=$(addr "$n")'"
    done
}

up() {
    mkdir -p "$S/ns"
    start_munge
    write_conf
    make_ns hub
    in_ns hub ip link add br0 type bridge
    in_ns hub ip addr add "$(addr hub)/24" dev br0
    in_ns hub ip link set br0 up
    for n in $NODES; do
        make_ns "$n"
        # The veth's node end is created inside the node's namespace; its peer goes to the hub.
        in_ns "$n" ip link add eth0 type veth peer name "v-$n" netns "$(ns hub).net"
        in_ns "$n" ip addr add "$(addr "$n")/24" dev eth0
        in_ns "$n" ip link set eth0 up
        in_ns hub ip link set "v-$n" master br0 up
    done
    [ "${1:-}" = ssh ] && start_ssh
    export SLURM_CONF="$S/slurm/slurm.conf"
    in_ns hub slurmctld -i
    for n in $NODES; do in_ns "$n" slurmd -N "$n"; done
    # Registered and idle: sinfo's states (sinfo(1) %t) for all four.
    local i
    for i in $(seq 1 100); do
        if [ "$(in_ns hub sinfo -h -N -o '%N %t' 2>/dev/null | grep -c ' idle$')" = 4 ]; then
            log "4 nodes idle after $((i / 10)).$((i % 10))s"; return 0
        fi
        sleep 0.1
    done
    log "nodes did not come up:"; in_ns hub sinfo -N >&2 || true
    tail -5 "$S"/slurm/log/*.log >&2 || true
    return 1
}

# A daemon is dead when its pid is gone or is a zombie (state Z in /proc/PID/stat): a daemon we
# did not reap would otherwise look alive forever.
alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

stop_pidfile() {
    local f=$1 pid i
    [ -s "$f" ] || return 0
    pid=$(cat "$f")
    alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 1 50); do alive "$pid" || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}

kill_node() {
    [ -s "$S/ssh/sshd-$1.pid" ] && stop_pidfile "$S/ssh/sshd-$1.pid"
    local pidf="$S/slurm/slurmd-$1.pid"
    kill -KILL "$(cat "$pidf")"
    local i; for i in $(seq 1 50); do alive "$(cat "$pidf")" || return 0; sleep 0.1; done
    return 1
}

down() {
    [ -d "$S" ] || return 0
    for n in $NODES; do stop_pidfile "$S/slurm/slurmd-$n.pid"; stop_pidfile "$S/ssh/sshd-$n.pid"; done
    stop_pidfile "$S/slurm/slurmctld.pid"
    stop_pidfile "$S/munge/munged.pid"
    # The namespaces live as long as their nsfs bind mounts: unmount them.
    local f
    for f in "$S"/ns/*.net "$S"/ns/*.uts; do
        [ -e "$f" ] || continue
        umount "$f" 2>/dev/null || true
    done
    rm -rf "$S"
}

cmd=${1:-}; S=${2:-}
[ -n "$cmd" ] && [ -n "$S" ] || { sed -n '2,27p' "$0"; exit 2; }
case $cmd in
    up) up "${3:-}" ;;
    down) down ;;
    hub) shift 2; export SLURM_CONF="$S/slurm/slurm.conf"; in_ns hub "$@" ;;
    kill-node) kill_node "$3" ;;
    *) sed -n '2,27p' "$0"; exit 2 ;;
esac
