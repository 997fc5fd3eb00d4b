#!/bin/bash
# Build the patched ib_uverbs.ko (kernel/patches/) and the test-only modules (kernel/demo/: the
# facet demo for rxe0 and a minimal ib_device with disassociate_ucontext) out of tree, against the
# exact Debian kernel the test VM boots.
#
# usage: kernel/build.sh [-q]
#   -q   print nothing but the output directory
#
# What it does (Docs/kernel-prototype.md):
#   1. apt-get download (never install: installing would upgrade linux-libc-dev, which the
#      project's header scans read) the pinned packages into $CACHE/debs:
#        linux-headers-$KABI-amd64, linux-headers-$KABI-common, linux-kbuild-6.1, linux-source-6.1
#   2. dpkg-deb -x the headers and kbuild into $CACHE/root-$KVER and point the headers' top
#      Makefile (which includes the common headers by absolute path) at the unpacked copy;
#      untar only the RDMA subset of linux-source (drivers/infiniband/{core,sw/rxe},
#      include/rdma, include/uapi/rdma, scripts/checkpatch.pl + its data) into $CACHE/src-$KVER
#   3. copy that subset, apply kernel/patches/0*.patch (the cover letter excluded) with git apply,
#      and build ib_uverbs.ko with the object list of the patched drivers/infiniband/core/Makefile
#      (ib_uverbs-y plus the umem objects the .config enables) and the demo module, in one M= dir;
#      the patched headers come first on the include path (NOSTDINC_FLAGS, as backports does)
#   4. print the output directory: ib_uverbs.ko, rdma_driver_ops_demo.ko, rdma_driver_ops_testdev.ko,
#      load.sh, versions.txt
# The output directory is keyed by a hash of the patches, the demo and this script: a warm run
# with nothing changed only checks the cache (about a second).
#
# Exit: 0 built (or cached); 1 a download, unpack, patch or compile step failed; 2 usage.
# Environment: RDMACTL_KERNEL_CACHE (default ~/.cache/rdmactl-kernel),
#              KERNEL_PKG_VERSION (default 6.1.192-3), KERNEL_ABI (default 6.1.0-57): must match
#              the VM's VM_KERNEL_PKG=linux-image-$KERNEL_ABI-amd64;
#              JOBS (make -j, default 2).
set -euo pipefail

QUIET=0
while getopts "qh" o; do
    case $o in
        q) QUIET=1 ;;
        h) sed -n '2,30p' "$0"; exit 0 ;;
        *) echo "usage: $0 [-q]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || { echo "usage: $0 [-q]" >&2; exit 2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${RDMACTL_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rdmactl-kernel}
KVER=${KERNEL_PKG_VERSION:-6.1.192-3}
KABI=${KERNEL_ABI:-6.1.0-57}
JOBS=${JOBS:-2}
log() { [ "$QUIET" = 1 ] || echo "kernel/build: $*" >&2; }
die() { echo "kernel/build: $*" >&2; exit 1; }

PKGS="linux-headers-$KABI-amd64 linux-headers-$KABI-common linux-kbuild-6.1 linux-source-6.1"
mkdir -p "$CACHE/debs"
exec 9> "$CACHE/.lock"
flock 9

# ------------------------------------------------------------------ output cache
patches=$(ls "$HERE"/patches/0*.patch | grep -v '/0000-')
[ -n "$patches" ] || die "no patches in $HERE/patches"
KEY=$(cat "$0" "$HERE/load.sh" $patches "$HERE"/demo/*.c | sha256sum | cut -c1-16)
OUT=$CACHE/out/$KABI-$KEY
if [ -f "$OUT/.done" ]; then
    log "cached: $OUT"
    echo "$OUT"
    exit 0
fi

# ------------------------------------------------------------------ 1. download
for p in $PKGS; do
    ls "$CACHE"/debs/"${p}_${KVER}"_*.deb >/dev/null 2>&1 && continue
    log "downloading $p=$KVER"
    (cd "$CACHE/debs" && apt-get -q -o APT::Sandbox::User=root download "$p=$KVER" >&2) \
        || { apt-get update -qq; (cd "$CACHE/debs" && apt-get -q -o APT::Sandbox::User=root download "$p=$KVER" >&2); } \
        || die "apt-get download $p=$KVER failed"
done
deb() { ls "$CACHE"/debs/"${1}_${KVER}"_*.deb | head -1; }

# ------------------------------------------------------------------ 2. unpack
ROOT=$CACHE/root-$KVER
KDIR=$ROOT/usr/src/linux-headers-$KABI-amd64
if [ ! -f "$ROOT/.done" ]; then
    log "unpacking headers and kbuild into $ROOT"
    rm -rf "$ROOT"; mkdir -p "$ROOT"
    for p in linux-headers-$KABI-amd64 linux-headers-$KABI-common linux-kbuild-6.1; do
        dpkg-deb -x "$(deb "$p")" "$ROOT"
    done
    grep -q "^include /usr/src/linux-headers-$KABI-common/Makefile" "$KDIR/Makefile" \
        || die "$KDIR/Makefile does not include the common headers as expected"
    sed -i "s#^include /usr/src/linux-headers-$KABI-common/Makefile#include $ROOT/usr/src/linux-headers-$KABI-common/Makefile#" "$KDIR/Makefile"
    touch "$ROOT/.done"
fi
SRC=$CACHE/src-$KVER
if [ ! -f "$SRC/.done" ]; then
    log "unpacking the RDMA subset of linux-source-6.1 into $SRC"
    rm -rf "$SRC" "$CACHE/tmp-source"; mkdir -p "$SRC" "$CACHE/tmp-source"
    dpkg-deb --fsys-tarfile "$(deb linux-source-6.1)" \
        | tar -x -C "$CACHE/tmp-source" ./usr/src/linux-source-6.1.tar.xz
    tar -xJf "$CACHE/tmp-source/usr/src/linux-source-6.1.tar.xz" -C "$SRC" --strip-components=1 \
        --wildcards 'linux-source-6.1/drivers/infiniband/core/*' 'linux-source-6.1/drivers/infiniband/sw/rxe/*' \
        'linux-source-6.1/include/rdma/*' 'linux-source-6.1/include/uapi/rdma/*' \
        'linux-source-6.1/scripts/checkpatch.pl' 'linux-source-6.1/scripts/spelling.txt' \
        'linux-source-6.1/scripts/const_structs.checkpatch'
    rm -rf "$CACHE/tmp-source"
    touch "$SRC/.done"
fi

# ------------------------------------------------------------------ 3. patch and build
BUILD=$CACHE/build
rm -rf "$BUILD"; mkdir -p "$BUILD"
cp -a "$SRC" "$BUILD/tree"
rm -f "$BUILD/tree/.done"
for p in $patches; do
    log "applying $(basename "$p")"
    (cd "$BUILD/tree" && git apply --whitespace=error-all "$p") || die "$(basename "$p") does not apply"
done
M=$BUILD/mod
mkdir -p "$M"
cp "$BUILD"/tree/drivers/infiniband/core/*.[ch] "$M"/
cp "$HERE"/demo/*.c "$M"/
{
    echo "# generated by kernel/build.sh from the patched drivers/infiniband/core/Makefile"
    echo "NOSTDINC_FLAGS := -I$BUILD/tree/include -I$BUILD/tree/include/uapi \$(NOSTDINC_FLAGS)"
    echo "obj-m := ib_uverbs.o rdma_driver_ops_demo.o rdma_driver_ops_testdev.o"
    sed -n '/^ib_uverbs-y/,/[^\\]$/p' "$BUILD/tree/drivers/infiniband/core/Makefile"
    grep '^ib_uverbs-\$(CONFIG_' "$BUILD/tree/drivers/infiniband/core/Makefile"
} > "$M/Kbuild"
log "building in $M"
if [ "$QUIET" = 1 ]; then
    make -s -C "$KDIR" M="$M" -j"$JOBS" modules >"$BUILD/make.log" 2>&1 || { cat "$BUILD/make.log" >&2; die "make failed"; }
else
    make -C "$KDIR" M="$M" -j"$JOBS" modules 2>&1 | tee "$BUILD/make.log" | grep -vE '^  (CC|LD|MODPOST|BTF)|Skipping BTF' >&2 \
        || true
fi
grep -qE 'error:|Error [0-9]' "$BUILD/make.log" && die "make failed (see $BUILD/make.log)"
grep -E 'warning:' "$BUILD/make.log" >&2 && die "the build has warnings (see $BUILD/make.log)"
for ko in ib_uverbs.ko rdma_driver_ops_demo.ko rdma_driver_ops_testdev.ko; do [ -f "$M/$ko" ] || die "$ko was not built"; done

rm -rf "$OUT"; mkdir -p "$OUT"
cp "$M"/ib_uverbs.ko "$M"/rdma_driver_ops_demo.ko "$M"/rdma_driver_ops_testdev.ko "$HERE"/load.sh "$OUT"/
{
    echo "kernel $KABI-amd64 (Debian $KVER)"
    /usr/sbin/modinfo -F vermagic "$M/ib_uverbs.ko" | sed 's/^/vermagic /'
    echo "patches $(for p in $patches; do basename "$p"; done | tr '\n' ' ')"
} > "$OUT/versions.txt"
touch "$OUT/.done"
log "built: $OUT"
echo "$OUT"
