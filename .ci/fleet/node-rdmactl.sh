#!/bin/sh
# rdmactl as the CI cluster's nodes run it (.ci/fleet/check-fleet.sh): the emulated kernel is
# chosen by node name, through the environment rdmactl reads (DESIGN §6: RDMACTL_EMULATE,
# RDMACTL_PROFILE). Slurm sets SLURMD_NODENAME; clush and pdsh reach the node's own hostname.
node=${SLURMD_NODENAME:-$(hostname)}
case $node in
    node1) RDMACTL_EMULATE=hfi1      RDMACTL_PROFILE=proposed ;;
    node2) RDMACTL_EMULATE=hfi1,qib  RDMACTL_PROFILE=proposed ;;
    node3) RDMACTL_EMULATE=qib       RDMACTL_PROFILE=mainline ;;
    *)     RDMACTL_EMULATE=hfi1      RDMACTL_PROFILE=legacy ;;
esac
export RDMACTL_EMULATE RDMACTL_PROFILE
exec @RDMACTL@ "$@"
