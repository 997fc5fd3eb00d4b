#!/bin/bash
# Captures the real kernel's NETLINK_RDMA answers (nldev) in the soft-RoCE VM, for the golden
# fixtures under Tests/RdmaKitTests/Fixtures/netlink/.
#
# usage: .ci/vm/netlink/capture.sh OUT.txt
#
# Builds nlprobe.c on the host, boots the shared VM once (run-in-vm.sh: Debian 6.1, rdma_rxe,
# rxe0 on dummy0) and runs every request of cases.py as root, a few as `nobody`, and prints the
# sysfs dev numbers the replies must agree with. Output lines: "REQ label hex", "REP label hex",
# "END label how", "SYSFS path value", "UNAME release". Retries only a boot failure (exit 125).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUT.txt" >&2; exit 2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUN=${RUN_IN_VM:-/work/shared/vm/run-in-vm.sh}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nlcapture.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
gcc -O2 -Wall -o "$TMP/nlprobe" "$HERE/nlprobe.c"
python3 "$HERE/cases.py" > "$TMP/args"
cat > "$TMP/guest.sh" <<'G'
for f in /sys/class/infiniband_verbs/uverbs*/dev /sys/class/infiniband_mad/*/dev /sys/class/misc/rdma_cm/dev \
         /sys/class/infiniband_verbs/uverbs*/abi_version /sys/class/infiniband_mad/abi_version; do
    [ -e "$f" ] && echo "SYSFS $f $(cat "$f")"
done
echo "UNAME $(uname -r)"
./nlprobe $(cat args)
U=$(sed -n 's/.*\(chardev-uverbs [0-9a-f]*\).*/\1/p' args | sed 's/^chardev-uverbs/user-chardev-uverbs/')
S=$(sed -n 's/.*\(set-op2 [0-9a-f]*\).*/\1/p' args | sed 's/^set-op2/user-set-op2/')
chmod 755 /host /host/nlprobe 2>/dev/null
su -s /bin/sh nobody -c "/host/nlprobe $U $S"
G
attempt=0
while :; do
    attempt=$((attempt + 1))
    set +e
    "$RUN" -t 120 -d "$TMP" 'sh ./guest.sh' > "$TMP/out" 2> "$TMP/err"
    rc=$?
    set -e
    [ $rc -eq 125 ] && [ $attempt -lt 3 ] && continue
    break
done
[ $rc -eq 0 ] || { cat "$TMP/err" >&2; echo "capture: VM exit $rc" >&2; exit 1; }
{
    echo "# NETLINK_RDMA requests of .ci/vm/netlink/cases.py and the real kernel's answers, captured by"
    echo "# .ci/vm/netlink/capture.sh (nlprobe.c) in the rdmactl test VM (rdma_rxe rxe0 on dummy0)."
    echo "# REQ label hex: the request sent (one socket each). REP label hex: one reply message."
    echo "# END label done|error|timeout: how receiving ended (timeout: nothing more within 1 s)."
    echo "# user-*: sent as user nobody. SYSFS: dev numbers the replies must agree with."
    cat "$TMP/out"
} > "$1"
grep -c '^END ' "$1" >&2
