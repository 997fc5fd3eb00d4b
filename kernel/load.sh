#!/bin/bash
# Swap the patched ib_uverbs in and load the driver-ops demo, inside the test VM (as root).
#
# usage: ./load.sh [DEVICE]        run from the directory kernel/build.sh printed
#   DEVICE   the rxe device to re-create and offer demo.example.com on (default rxe0)
#
# rdma_rxe and rdma_ucm depend on ib_uverbs, so the swap is: note DEVICE's netdev, delete DEVICE,
# remove rdma_ucm, rdma_rxe, ib_uverbs; insert ./ib_uverbs.ko, then the stock rdma_rxe and
# rdma_ucm (their symbol CRCs match the patched module's: the series changes no exported type);
# re-add DEVICE on the same netdev; insert ./rdma_driver_ops_demo.ko device=DEVICE, then
# ./rdma_driver_ops_testdev.ko (ib_device dotest0, with disassociate_ucontext, offering the same facet).
# The guest enforces no signatures, so the unsigned modules load and taint the kernel (O, E).
#
# Exit: 0 swapped and loaded (the last line names the modules and DEVICE's uverbs node);
#       1 a step failed (the step is named on stderr); 2 usage.
set -euo pipefail

DEV=${1:-rxe0}
[ $# -le 1 ] || { echo "usage: $0 [DEVICE]" >&2; exit 2; }
cd "$(dirname "$0")"
fail() { echo "load.sh: $*" >&2; exit 1; }
for ko in ib_uverbs.ko rdma_driver_ops_demo.ko rdma_driver_ops_testdev.ko; do [ -f "$ko" ] || fail "$ko is missing"; done

ndev_file=/sys/class/infiniband/$DEV/ports/1/gid_attrs/ndevs/0
[ -r "$ndev_file" ] || fail "$DEV has no netdev ($ndev_file)"
NETDEV=$(cat "$ndev_file")

rdma link delete "$DEV" || fail "rdma link delete $DEV"
for m in rdma_ucm rdma_rxe ib_uverbs; do
    if [ -d "/sys/module/$m" ]; then rmmod "$m" || fail "rmmod $m"; fi
done
insmod ./ib_uverbs.ko || fail "insmod ./ib_uverbs.ko"
modprobe rdma_rxe || fail "modprobe rdma_rxe (stock) against the patched ib_uverbs"
modprobe rdma_ucm || fail "modprobe rdma_ucm (stock) against the patched ib_uverbs"
rdma link add "$DEV" type rxe netdev "$NETDEV" || fail "rdma link add $DEV type rxe netdev $NETDEV"
insmod ./rdma_driver_ops_demo.ko device="$DEV" || fail "insmod ./rdma_driver_ops_demo.ko device=$DEV"
insmod ./rdma_driver_ops_testdev.ko || fail "insmod ./rdma_driver_ops_testdev.ko"
[ -d /sys/class/infiniband/dotest0 ] || fail "the test device dotest0 did not appear"

grep -qw rdma_register_driver_ops /proc/kallsyms || fail "the loaded ib_uverbs exports no rdma_register_driver_ops"
node=
for u in /sys/class/infiniband_verbs/uverbs*; do
    [ "$(cat "$u/ibdev" 2>/dev/null)" = "$DEV" ] && node=/dev/infiniband/${u##*/}
done
[ -n "$node" ] && [ -c "$node" ] || fail "$DEV has no uverbs node"
echo "load.sh: ib_uverbs (patched, taint $(cat /sys/module/ib_uverbs/taint)), rdma_rxe, rdma_ucm (stock), rdma_driver_ops_demo on $DEV ($node, netdev $NETDEV), rdma_driver_ops_testdev (dotest0)"
