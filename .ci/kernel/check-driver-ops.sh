#!/bin/bash
# Kernel stage (issue 12): rdmactl against a real RDMA_GET_DRIVER_OPS_FD, in the soft-RoCE VM.
#
# usage: .ci/kernel/check-driver-ops.sh PATH/TO/rdmactl
#
# Runs kernel/checkpatch.sh (the series, checkpatch --strict), builds (kernel/build.sh, cached) the
# patched ib_uverbs.ko and the test-only modules against the
# VM's own kernel (linux-image-6.1.0-57-amd64, pinned with VM_KERNEL_PKG), compiles
# kernel/test/driver_ops_probe, boots the VM ONCE and runs in the guest:
#   ./load.sh                                   swap ib_uverbs, stock rdma_rxe/rdma_ucm, demo on rxe0
#   rdmactl open-ops demo.example.com --device rxe0 --json            as root and as nobody
#   rdmactl open-ops demo.example.com@2 --device rxe0 --no-fallback --json
#   rdmactl open-ops psm2.intel.com --json
#   driver_ops_probe grant ...                  the descriptor: fstat, /proc/self/fd link, read(), mmap()
#   driver_ops_probe rows kernel/differential/rows.tsv /dev/infiniband/uverbs0   (as root)
#   driver_ops_probe grant/remove on dotest0    the test ib_device: grant, then unplug it
#   driver_ops_probe remove ...                 rxe0 deleted while a facet fd is open
#   dmesg                                       no BUG/WARNING/Oops
# then checks on the host (python3):
#   root and nobody: exit 0, grant demo.example.com 1.2 on rxe0 over driver-ops-ioctl, no fallback,
#     and the trace's first driver-ops row is ENODEV offering 1.2 (asked at major 0, the name is not
#     catalogued), the second the grant;
#   @2 --no-fallback: exit 76, ENODEV with offered 1.2;  psm2.intel.com: exit 69 and the driver-ops
#     row is EOPNOTSUPP (a kernel without the ioctl answers ENOTTY: that is what changed);
#   the descriptor: an anonymous inode (file type 0) named anon_inode:demo.example.com whose read()
#     is "demo.example.com 1.2 on rxe0", and whose first page, mapped, holds that text, for root and
#     nobody;
#   every row of rows.tsv: the kernel's outcome equals kernel/differential/expected.txt (Docs/ABI.md);
#   removal, twice, each with a facet fd, a mapping of it (read before the removal, and a fork copy
#     in a child) and its uverbs fd open: the facet fd answers EIO to read, ioctl and a new mmap,
#     POLLERR to poll, close 0, and a new request on the uverbs fd EIO; the mapping is zapped:
#     touching it, or the child's copy, raises SIGBUS (Docs/kernel-prototype.md §4); munmap 0 —
#     rxe0 (`rdma link delete`, no disassociate_ucontext): at once, while the removal itself waits
#       for the uverbs fd; it finishes after that fd closes;
#     dotest0 (test-only ib_device with disassociate_ucontext, unplugged through its module
#       parameter): the removal finishes at once; the module then unloads (no reference left).
#
# Exit: 0 all checks pass; 1 a check failed (printed); 2 usage or missing tools;
#       125 the VM did not report a status (boot failure), twice.
# Budget: kernel/build.sh warm ~1 s (cold: download ~150 MB + unpack ~15 s + build ~30 s on 2 cores);
#         one boot ~15-20 s under TCG.
# Environment: RUN_IN_VM (path of run-in-vm.sh), CHECK_DRIVER_OPS_KEEP=DIR (keep the transcript),
#              KERNEL_ABI (default 6.1.0-57; pins both kernel/build.sh and the VM kernel package).
# kernel-packages: gcc make libc6-dev libelf1 git xz-utils perl
set -uo pipefail

[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: $0 PATH/TO/rdmactl" >&2; exit 2; }
BIN=$1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUN=${RUN_IN_VM:-}
if [ -z "$RUN" ]; then
    for c in "$REPO/../shared/vm/run-in-vm.sh" /work/shared/vm/run-in-vm.sh; do
        [ -x "$c" ] && { RUN=$c; break; }
    done
fi
[ -n "$RUN" ] && [ -x "$RUN" ] || { echo "check-driver-ops: run-in-vm.sh not found (set RUN_IN_VM)" >&2; exit 2; }
for t in python3 gcc make; do
    command -v $t >/dev/null || { echo "check-driver-ops: $t is required (.ci/install-deps.sh kernel)" >&2; exit 2; }
done

t0=$(date +%s)
OUT=$("$REPO/kernel/build.sh" -q) || { echo "check-driver-ops: kernel/build.sh failed" >&2; exit 1; }
echo "check-driver-ops: modules in $OUT ($(( $(date +%s) - t0 ))s)"
"$REPO/kernel/checkpatch.sh" || { echo "check-driver-ops: the series is not checkpatch --strict clean" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/check-driver-ops.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/vm"
cp "$OUT"/*.ko "$OUT"/load.sh "$TMP/vm/"
cp "$REPO/kernel/differential/rows.tsv" "$TMP/vm/"
cp -L "$BIN" "$TMP/vm/rdmactl" && chmod 755 "$TMP/vm/rdmactl"
gcc -O2 -Wall -Werror -o "$TMP/vm/driver_ops_probe" "$REPO/kernel/test/driver_ops_probe.c" \
    || { echo "check-driver-ops: driver_ops_probe does not compile" >&2; exit 1; }
chmod -R a+rX "$TMP/vm"

cat > "$TMP/vm/guest.sh" <<'EOF'
sec() {
    name=$1; shift
    echo "@@@kernel BEGIN $name"
    "$@" 2>/tmp/sec.err
    rc=$?
    echo
    echo "@@@kernel END $name rc=$rc"
    echo "@@@kernel BEGIN $name.stderr"
    cat /tmp/sec.err
    echo
    echo "@@@kernel END $name.stderr rc=0"
}
sec load bash ./load.sh rxe0
sec oo-root ./rdmactl open-ops demo.example.com --device rxe0 --json
sec oo-nobody su -s /bin/sh nobody -c './rdmactl open-ops demo.example.com --device rxe0 --json'
sec oo-major2 ./rdmactl open-ops demo.example.com@2 --device rxe0 --no-fallback --json
sec oo-psm2 ./rdmactl open-ops psm2.intel.com --json
sec probe-root ./driver_ops_probe grant /dev/infiniband/uverbs0 demo.example.com 1 2
sec probe-nobody su -s /bin/sh nobody -c './driver_ops_probe grant /dev/infiniband/uverbs0 demo.example.com 1 2'
sec rows ./driver_ops_probe rows rows.tsv /dev/infiniband/uverbs0
testdev_node() {
    for u in /sys/class/infiniband_verbs/uverbs*; do
        [ "$(cat "$u/ibdev" 2>/dev/null)" = dotest0 ] && echo "/dev/infiniband/${u##*/}"
    done
}
TNODE=$(testdev_node)
sec testdev-probe ./driver_ops_probe grant "$TNODE" demo.example.com 1 2
sec testdev-remove ./driver_ops_probe remove "$TNODE" demo.example.com 1 'echo 1 > /sys/module/rdma_driver_ops_testdev/parameters/unplug'
sec testdev-after sh -c 'ls /sys/class/infiniband; rmmod rdma_driver_ops_testdev && echo rmmod ok'
sec remove ./driver_ops_probe remove /dev/infiniband/uverbs0 demo.example.com 1 'rdma link delete rxe0'
sec dmesg sh -c 'dmesg | grep -E "BUG|WARNING|Oops|Call Trace|disagrees about version|Unknown symbol" ; true'
sec uname uname -r
EOF

run_vm() {
    VM_KERNEL_PKG=linux-image-${KERNEL_ABI:-6.1.0-57}-amd64 "$RUN" -t 240 -d "$TMP/vm" 'sh ./guest.sh' > "$TMP/out" 2> "$TMP/err"
}
t1=$(date +%s)
run_vm; rc=$?
if [ $rc = 125 ]; then echo "check-driver-ops: VM reported no status; retrying once" >&2; run_vm; rc=$?; fi
echo "check-driver-ops: VM boot and guest run $(( $(date +%s) - t1 ))s (run-in-vm exit $rc)"
[ -n "${CHECK_DRIVER_OPS_KEEP:-}" ] && { mkdir -p "$CHECK_DRIVER_OPS_KEEP"; cp "$TMP/out" "$TMP/err" "$CHECK_DRIVER_OPS_KEEP/"; }
if [ $rc = 125 ]; then cat "$TMP/err" >&2; exit 125; fi

python3 - "$TMP/out" "$REPO/kernel/differential/expected.txt" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
secs, rcs = {}, {}
for m in re.finditer(r'@@@kernel BEGIN (\S+)\n(.*?)\n?@@@kernel END \1 rc=(\d+)', text, re.S):
    secs[m.group(1)] = m.group(2); rcs[m.group(1)] = int(m.group(3))
fails = []
def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok: fails.append(what)

check(rcs.get('load') == 0, "load.sh swaps ib_uverbs and loads the demo (%s)" % secs.get('load', '').strip().splitlines()[-1:])
if rcs.get('load') != 0:
    print(secs.get('load.stderr', '')); sys.exit(1)

def oo(name):
    try: return json.loads(secs[name])
    except Exception as e:
        print(secs.get(name, '')[:2000], secs.get(name + '.stderr', '')[:2000]); return None

for who in ('root', 'nobody'):
    d = oo('oo-' + who)
    g = d and d['data']['grant']
    check(rcs.get('oo-' + who) == 0 and g is not None and g.get('facet') == 'demo.example.com' and g.get('device') == 'rxe0'
          and g.get('major') == 1 and g.get('minor') == 2 and g.get('transport') == 'driver-ops-ioctl' and not g.get('fallback'),
          f"{who}: open-ops demo.example.com --device rxe0 granted 1.2 over the driver-ops ioctl (exit {rcs.get('oo-' + who)}, grant {g})")
    ops = [(s['outcome'], s.get('errno_name')) for s in (d['data']['trace'] if d else []) if s['transport'] == 'driver-ops-ioctl']
    check(ops[:2] == [('version-mismatch', 'ENODEV'), ('granted', None)], f"{who}: trace ENODEV at major 0, then the grant ({ops})")

d = oo('oo-major2')
ops = [s for s in (d['data']['trace'] if d else []) if s['transport'] == 'driver-ops-ioctl']
check(rcs.get('oo-major2') == 76 and ops and ops[0].get('errno_name') == 'ENODEV',
      f"demo.example.com@2 --no-fallback → 76 with ENODEV (exit {rcs.get('oo-major2')}; {[(s['outcome'], s.get('errno_name'), s.get('reason')) for s in ops]})")
d = oo('oo-psm2')
ops = [s for s in (d['data']['trace'] if d else []) if s['transport'] == 'driver-ops-ioctl']
check(rcs.get('oo-psm2') == 69 and ops and all(s.get('errno_name') == 'EOPNOTSUPP' for s in ops),
      f"psm2.intel.com → 69 with EOPNOTSUPP, not ENOTTY (exit {rcs.get('oo-psm2')}; {[(s['candidate'], s['outcome'], s.get('errno_name')) for s in ops]})")

for who in ('root', 'nobody'):
    p = secs.get('probe-' + who, '')
    check('ret=fd errno=0 offered=1.2' in p and 'fstat: type=0 ' in p and 'link: anon_inode:demo.example.com' in p
          and 'read: 29 demo.example.com 1.2 on rxe0' in p and 'read again: 0' in p and 'cloexec: 1' in p
          and 'mmap: ok' in p and 'mapped: text demo.example.com 1.2 on rxe0' in p and 'munmap: 0' in p,
          f"{who}: the descriptor is anon_inode:demo.example.com, read() and its mapping answer the demo's text\n" + p)

exp = {}
for line in open(sys.argv[2]):
    if line.startswith('#') or not line.strip(): continue
    k, v = line.rstrip('\n').split('\t', 1); exp[k] = v
got = dict(l.split('\t', 1) for l in secs.get('rows', '').splitlines() if '\t' in l)
bad = [(k, exp[k], got.get(k)) for k in exp if got.get(k) != exp[k]]
for k, e, g in bad: print(f"     row {k!r}: expected {e!r}, kernel {g!r}")
check(not bad and len(got) == len(exp), f"differential rows: the kernel matches expected.txt in {len(exp) - len(bad)}/{len(exp)} rows")

# Docs/ABI.md §5: after removal read, ioctl and mmap answer EIO, poll EPOLLERR, close succeeds;
# DESIGN §5 proposed: mappings zapped (the series: a touch raises SIGBUS, fork copies included)
revoked = ('request after removal: ret=-1 errno=EIO', 'facet read: -1 EIO', 'facet ioctl: -1 EIO',
           'facet poll: 1 revents=POLLERR', 'mapped after removal: SIGBUS', 'fork copy after removal: SIGBUS',
           'mmap after removal: -1 EIO', 'munmap after removal: 0', 'facet close: 0', 'removal exit: 0')
def mapped(dev):
    return ('mmap before removal: ok', f'mapped before removal: text demo.example.com 1.2 on {dev}',
            f'fork copy before removal: text demo.example.com 1.2 on {dev}')
r = secs.get('remove', '')
for want in ('removal with uverbs open: waiting',) + mapped('rxe0') + revoked:
    check(want in r, "rxe0 removal (no disassociate_ucontext): " + want)
print(r)
p = secs.get('testdev-probe', '')
check('ret=fd errno=0 offered=1.2' in p and 'read: 32 demo.example.com 1.2 on dotest0' in p
      and 'mapped: text demo.example.com 1.2 on dotest0' in p,
      "dotest0 (test ib_device) grants demo.example.com 1.2\n" + p)
r = secs.get('testdev-remove', '')
for want in ('removal with uverbs open: finished',) + mapped('dotest0') + revoked:
    check(want in r, "dotest0 removal (disassociate_ucontext): " + want)
print(r)
a = secs.get('testdev-after', '')
check('dotest0' not in a and 'rmmod ok' in a, "dotest0 gone and its module unloads (no reference left): " + a.replace(chr(10), ' '))
check(secs.get('dmesg', '').strip() == '', "dmesg has no BUG/WARNING/Oops/symbol errors: " + secs.get('dmesg', '').strip()[:500])
print("guest kernel:", secs.get('uname', '').strip())
sys.exit(1 if fails else 0)
PY
rc=$?
[ $rc = 0 ] || { [ -n "${CHECK_DRIVER_OPS_KEEP:-}" ] || { mkdir -p /tmp/check-driver-ops.last; cp "$TMP/out" "$TMP/err" /tmp/check-driver-ops.last/; echo "transcript: /tmp/check-driver-ops.last" >&2; }; }
echo "check-driver-ops: $(( $(date +%s) - t0 ))s in all"
exit $rc
