#!/bin/bash
# The listing benchmark (issue 9; Docs/performance.md). Not a test: a table with ratios against
# rdma-core's own tools on the same trees, and an exit status that says whether the goals hold.
#
# usage: Scripts/bench.sh [-s "1 16 256 1024"] [-r RUNS] [-q] [-b BIN] [-d DYNBIN] [-o DIR] [-F tmpfs|tmpfs-dev|disk]
#   -s SIZES  tree sizes (hfi1-like devices per tree); 0 = the empty tree is always measured too
#   -r RUNS   hyperfine runs per command (default 20; fewer on the largest tree)
#   -q        quick: wall time only (no strace, callgrind or RSS)
#   -b BIN    the rdmactl to measure (default: the release artifact, a fresh
#             Scripts/build-release.sh in .build-static)
#   -d DYNBIN the dynamically linked build, measured for start-up only (default: a fresh
#             `swift build -c release` when -b is not given; "-" to skip)
#   -o DIR    keep the trees and raw results in DIR (default: a temporary directory)
#   -F FS     where the trees live: tmpfs (default; a file system in memory, as sysfs is —
#             the trees are made again each run — mounted nodev as systemd mounts sysfs, so
#             rdmactl opens attributes without a look first), tmpfs-dev (the same without nodev:
#             each attribute looked at before it is opened) or disk (DIR's own file system,
#             e.g. ext4, whose directory reads and atime updates sysfs does not have;
#             Docs/performance.md)
#
# For each tree T (Scripts/bench-tree.py: N hfi1-like devices cloned from an emulated snapshot),
# inside a private mount namespace with T/sys bound over /sys and T/dev over /dev (libibverbs
# stats /dev/infiniband/uverbsN itself, ABI-FACTS §6.1), it measures
#   rdmactl --root T list | list --json | show hfi1_0 | open-ops psm2.intel.com --dry-run
#   rdmactl list --source sysfs              (the live code path, reading the bound /sys)
#   SYSFS_PATH=T/sys ibv_devices             (rdma-core: libibverbs' sysfs enumeration)
#   ibstat                                   (infiniband-diags: every port of every device)
# and, on the emulator, 1,000 open-ops negotiations in one process (rdmactl-bench-negotiate).
# as wall time (hyperfine mean), syscalls (strace -f -c), instructions (callgrind: repeatable on
# a noisy machine) and max RSS (GNU time), and start-up (`--version`, `list` on the empty tree);
# on the trees of 256 devices and more, `list` and `ibv_devices` once more in PAIRED (default 40)
# alternating pairs, fork to exit (Scripts/bench-paired.py), on the largest tree `list --json`
# and `ibstat` likewise in PAIRED/2 pairs, and on the largest tree the syscall
# floor of list, list --json, ibv_devices and ibstat (Scripts/syscall-floor.py: their file
# syscalls replayed from C), both reported beside the goals.
# Needs root (unshare -m), hyperfine, strace, valgrind, time, ibverbs-utils, infiniband-diags,
# ibverbs-providers (libibverbs drops hfi1 devices without the hfi1verbs provider), python3 and
# a C compiler (the Swift toolchain's clang; libc6-dev's headers).
#
# bench-packages: hyperfine valgrind time strace util-linux binutils ibverbs-utils infiniband-diags ibverbs-providers python3 libc6-dev
# Exit: 0 every goal met; 1 a goal missed (the table marks it); 2 usage or a missing tool.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="1 16 256 1024" RUNS=20 QUICK=0 BIN= DYNBIN= OUT= FS=tmpfs
while getopts "s:r:qb:d:o:F:h" o; do
    case $o in
        s) SIZES=$OPTARG ;; r) RUNS=$OPTARG ;; q) QUICK=1 ;; b) BIN=$OPTARG ;; d) DYNBIN=$OPTARG ;; o) OUT=$OPTARG ;;
        F) FS=$OPTARG ;;
        *) sed -n '2,29p' "$0"; exit 2 ;;
    esac
done
case $FS in tmpfs|tmpfs-dev|disk) ;; *) echo "bench: -F takes tmpfs, tmpfs-dev or disk" >&2; exit 2 ;; esac
for tool in hyperfine unshare python3 ibv_devices ibstat; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (.ci/install-deps.sh bench)" >&2; exit 2; }
done
if [ "$QUICK" = 0 ]; then
    for tool in strace valgrind /usr/bin/time; do
        command -v "$tool" >/dev/null || { echo "bench: $tool is missing (.ci/install-deps.sh bench)" >&2; exit 2; }
    done
fi
[ "$(id -u)" = 0 ] || { echo "bench: needs root (a private mount namespace binds each tree over /sys and /dev)" >&2; exit 2; }
if [ -z "$BIN" ]; then
    # The release artifact (.ci/run's "release artifact" stage) is what users run; its own
    # scratch path, so the debug and dynamic builds in .build are left alone.
    Scripts/build-release.sh --scratch-path .build-static --product rdmactl >/dev/null
    BIN=$PWD/.build-static/release/rdmactl
    if [ -z "$DYNBIN" ]; then
        swift build -c release --product rdmactl >/dev/null
        DYNBIN=$PWD/.build/release/rdmactl
    fi
fi
BIN=$(readlink -f "$BIN")
[ "$DYNBIN" = - ] && DYNBIN=
[ -n "$DYNBIN" ] && DYNBIN=$(readlink -f "$DYNBIN")
cleanup=()
trap 'for c in "${cleanup[@]}"; do eval "$c"; done' EXIT
if [ -z "$OUT" ]; then OUT=$(mktemp -d "${TMPDIR:-/tmp}/rdmactl-bench.XXXXXX"); cleanup+=("rm -rf '$OUT'"); fi
mkdir -p "$OUT/results"
# The trees: under $OUT on disk, or on a tmpfs mounted for this run (sysfs is in memory: no
# block cache, no journal, no htree directories; both rdmactl and rdma-core read the same tree).
TREES=$OUT
if [ "$FS" != disk ]; then
    TREES=$OUT/$FS
    mkdir -p "$TREES"
    # nodev: what systemd mounts sysfs with (MS_NOSUID|MS_NOEXEC|MS_NODEV, src/shared/mount-setup.c);
    # no device node on the mount can be opened, and rdmactl then skips the look before each
    # attribute's open (Docs/performance.md).
    mount -t tmpfs -o size=4g,mode=0755$([ "$FS" = tmpfs ] && echo ,nodev) rdmactl-bench "$TREES"
    cleanup=("umount '$TREES'; rmdir '$TREES'" "${cleanup[@]}")
fi
strip --strip-debug -o "$OUT/rdmactl.nodebug" "$BIN"
[ -n "$DYNBIN" ] && strip --strip-debug -o "$OUT/rdmactl-dynamic.nodebug" "$DYNBIN"
echo "bench: rdmactl $("$BIN" --version) ($BIN); trees on $FS in $TREES, results in $OUT/results"

[ -d "$TREES/template" ] || "$BIN" --emulated-set hfi1 snapshot "$TREES/template" >/dev/null
for n in 0 $SIZES; do
    [ -d "$TREES/tree-$n" ] || python3 Scripts/bench-tree.py "$TREES/template" "$TREES/tree-$n" "$n"
done
echo "$FS" > "$OUT/results/filesystem"

# One namespace per tree; inside it every command sees the tree as the live /sys and /dev.
measure() {   # measure NAME N RUNS -- COMMAND...  (runs inside the namespace)
    local name=$1 n=$2 runs=$3; shift 4
    local base="$OUT/results/$name.$n"
    hyperfine -N --warmup 2 --runs "$runs" --export-json "$base.hyperfine.json" -- "$(printf '%q ' "$@")" >/dev/null 2>&1 \
        || hyperfine -N --warmup 2 --runs "$runs" -i --export-json "$base.hyperfine.json" -- "$(printf '%q ' "$@")" >/dev/null 2>&1 || true
    if [ "$QUICK" = 0 ]; then
        strace -f -c -o "$base.strace" "$@" >/dev/null 2>&1 || true
        # valgrind 3.19 cannot read the DWARF 5 this toolchain writes ("unhandled dwarf2 abbrev
        # form"): count instructions on a copy without debug info (same code).
        local cg=("$@")
        [ "${cg[0]}" = "$BIN" ] && cg[0]=$OUT/rdmactl.nodebug
        [ -n "$DYNBIN" ] && [ "${cg[0]}" = "$DYNBIN" ] && cg[0]=$OUT/rdmactl-dynamic.nodebug
        valgrind --tool=callgrind --trace-children=yes --callgrind-out-file=/dev/null "${cg[@]}" >/dev/null 2> "$base.callgrind" || true
        /usr/bin/time -f %M -o "$base.rss" "$@" >/dev/null 2>&1 || true
    fi
}
export -f measure
REPO=$PWD PAIRED=${PAIRED:-40} BIGGEST=$(printf '%s\n' $SIZES | sort -n | tail -1)
export OUT QUICK BIN DYNBIN REPO PAIRED BIGGEST

for n in 0 $SIZES; do
    T=$TREES/tree-$n
    runs=$RUNS
    [ "$n" -ge 1024 ] && runs=$(( RUNS < 10 ? RUNS : 10 ))
    echo "bench: tree of $n device(s): $runs runs per command"
    unshare -m --propagation private bash -euo pipefail -c '
        T=$1 n=$2 runs=$3
        mount --bind "$T/sys" /sys
        # The real /dev/null inside the bound /dev: hyperfine sends output there, and so do the
        # redirections below. Without it, a plain file of that name in the tree took the output
        # of every run (a tmpfs write per run, a cost of the harness and not of the tools).
        [ -e "$T/dev/null" ] || touch "$T/dev/null"
        mount --bind /dev/null "$T/dev/null"
        mount --rbind "$T/dev" /dev
        if [ "$n" = 0 ]; then
            measure version 0 "$runs" -- "$BIN" --version
            measure list 0 "$runs" -- "$BIN" --root "$T" list
            measure ibv_devices 0 "$runs" -- env SYSFS_PATH="$T/sys" ibv_devices
            if [ -n "$DYNBIN" ]; then
                measure version-dynamic 0 "$runs" -- "$DYNBIN" --version
                measure list-dynamic 0 "$runs" -- "$DYNBIN" --root "$T" list
            fi
            exit 0
        fi
        measure list "$n" "$runs" -- "$BIN" --root "$T" list
        measure list-json "$n" "$runs" -- "$BIN" --root "$T" list --json
        measure show "$n" "$runs" -- "$BIN" --root "$T" show hfi1_0
        measure open-ops "$n" "$runs" -- "$BIN" --root "$T" open-ops psm2.intel.com --dry-run
        measure live-list "$n" "$runs" -- "$BIN" list --source sysfs
        measure ibv_devices "$n" "$runs" -- env SYSFS_PATH="$T/sys" ibv_devices
        measure ibstat "$n" "$runs" -- ibstat
        # The list goal again, the two commands alternating (Scripts/bench-paired.py: a drift
        # of the host between hyperfine series moved this ratio by a quarter run to run).
        if [ "$n" -ge 256 ]; then
            python3 "$REPO/Scripts/bench-paired.py" "$PAIRED" "$OUT/results/paired.$n.json" \
                -- "$BIN" --root "$T" list -- env SYSFS_PATH="$T/sys" ibv_devices
        fi
        # And the list --json goal, on the largest tree: half as many pairs (ibstat takes 0.2 s).
        if [ "$n" = "$BIGGEST" ] && [ "$n" -ge 256 ]; then
            python3 "$REPO/Scripts/bench-paired.py" "$(( (PAIRED + 1) / 2 ))" "$OUT/results/paired-json.$n.json" \
                -- "$BIN" --root "$T" list --json -- ibstat
        fi
        # How close each command comes to its syscalls alone (Scripts/syscall-floor.py: the
        # same file syscalls replayed from C on the same threads), on the largest tree.
        if [ "$QUICK" = 0 ] && [ "$n" = "$BIGGEST" ]; then
            for c in "list:$BIN --root $T list" "list-json:$BIN --root $T list --json" \
                     "ibv_devices:env SYSFS_PATH=$T/sys ibv_devices" "ibstat:ibstat"; do
                # shellcheck disable=SC2086 # the command is split on spaces, as written above
                python3 "$REPO/Scripts/syscall-floor.py" 10 "$OUT/results/floor.${c%%:*}.$n.json" -- ${c#*:} >/dev/null
            done
        fi
    ' bench "$T" "$n" "$runs"
done

# The emulator: 1,000 negotiations in one process (Benchmarks/NegotiateInProcess).
swift build -c release --product rdmactl-bench-negotiate >/dev/null
.build/release/rdmactl-bench-negotiate 1000 > "$OUT/results/negotiate.txt" || true
cat "$OUT/results/negotiate.txt"

python3 Scripts/bench-report.py "$OUT/results" "0 $SIZES"
