#!/bin/bash
# VM stage: does rdmactl see the same soft-RoCE device (rxe0) as iproute2's `rdma`?
#
# usage: .ci/vm/check-rxe.sh PATH/TO/rdmactl
#
# Boots the shared test VM (run-in-vm.sh: Debian kernel, rdma_rxe, rxe0 on dummy0) ONCE and runs in the guest
#   ./rdmactl --source sysfs list --json
#   ./rdmactl --source udev  list --json      (no udevd in the guest: libudev enumerates sysfs)
#   ./rdmactl --source netlink list --json    (RDMA netlink: ifindex and driver id too)
#   ./rdmactl list --json                     (auto: must pick netlink on this kernel)
#   rdma -j dev show ; rdma -j link show     (iproute2 6.1, the reference)
#   cat /sys/class/infiniband/*/ports/*/link_layer   (reference for link_layer: `rdma -j link` omits it)
# then compares, on the host (python3), for every device rdma reports (rxe0) and each rdmactl source:
#   envelope (schema rdmactl/1, command list, source, ok true, error null), device set,
#   ifname, node_guid, node_type, and per port: state, physical_state, link_layer, netdev.
# Values must match rdma -j byte for byte: node_type "ca", state "ACTIVE", physical_state "LINK_UP",
# node_guid "0000:00ff:fe00:0001", netdev "dummy0"; link_layer "Ethernet" (sysfs spelling).
# Then, all in the same boot (issue 8), each against the kernel or rdma-core, not rdmactl itself:
#   every source and a snapshot replayed with --root: driver rdma_rxe, ifindex, identity agree; the
#     snapshot copied to a nodev tmpfs (read without a look first) answers the same, and /sys read
#     as a SYSFS_PATH-style root (sysfs: also without a look) gives --source sysfs's devices and ports;
#   open-ops uverbs/umad/rdma_cm through GET_CHARDEV (ABI = sysfs abi_version), psm2 → 69 with the
#     real uverbs fd's ENOTTY, as nobody umad → 77 and uverbs → 0;
#   show rxe0/1 (three sources) against ibv_devinfo -v (GID table and types, sm_sl, cap_mask,
#     width/speed) and rdma -j -d link (netdev, netdev_index);
#   monitor --count 2 --json around `rdma link add/delete rxe1` (ready, add, remove; exits by
#     itself), and a rename (`rdma dev set rxe1 name roce7`);
#   doctor healthy (0), then after each break — uverbs0 removed (69, ibv_devices drops rxe0 too),
#     uverbs0 0600 as nobody (77), rxe.driver removed (69, ibv_devices empty), rxe0 deleted (69) —
#     and list's NODE_MISSING / NODE_NOT_OPENABLE warnings (--strict → 65).
# Removal under load (issue 10): a background loop of 200 `open-ops uverbs --device rxe0 --json`, each
#   under coreutils' timeout (copied from the host: 124/137 = hung); once 20 have run, rxe0 is
#   deleted and re-added (`rdma link delete/add`) 25 times, about every 2.5 s, so that removals land
#   at random points of runs, then deleted for good. No run crashes (status >= 128, "Fatal error")
#   or hangs; every status is one that Docs/exit-codes.md gives open-ops (0 granted; 66 no such
#   device; 69, 75, 76, 77 refusals); each stdout is one rdmactl/1 envelope whose error.exit_code
#   is that status; grants before the first deletion and between re-adds, refusals (66/69) after
#   the last; every delete and add exits 0 inside the loop; dmesg stays clean. rxe0 stays deleted:
#   the last doctor check wants no device.
#
# Exit: 0 all comparisons agree; 1 a disagreement (diff printed); 2 usage;
#       125 the VM failed to report a status twice in a row (run-in-vm.sh exit 125: a boot failure, retried once).
# Environment: RUN_IN_VM (path of run-in-vm.sh), CHECK_RXE_TIMEOUT (VM timeout, s, default 600: the removal-under-load loop alone takes 2-4 min under TCG),
#              CHECK_RXE_KEEP=DIR (keep the guest transcript in DIR; by default it is kept only on failure).
set -uo pipefail

[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: $0 PATH/TO/rdmactl" >&2; exit 2; }
BIN=$1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUN=${RUN_IN_VM:-}
if [ -z "$RUN" ]; then
    for c in "$HERE/../../../shared/vm/run-in-vm.sh" /work/shared/vm/run-in-vm.sh; do
        [ -x "$c" ] && { RUN=$c; break; }
    done
fi
[ -n "$RUN" ] && [ -x "$RUN" ] || { echo "check-rxe: run-in-vm.sh not found (set RUN_IN_VM)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "check-rxe: python3 is required on the host" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/check-rxe.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/vm"
cp -L "$BIN" "$TMP/vm/rdmactl" && chmod 755 "$TMP/vm/rdmactl"
# coreutils' timeout: 124 when it had to stop the command (busybox's cannot tell a hang from a signal)
cp -L "$(command -v timeout)" "$TMP/vm/timeout" || { echo "check-rxe: coreutils timeout is required on the host" >&2; exit 2; }

# ------------------------------------------------------------------ guest side (dash)
# Every section: a BEGIN line, the command's stdout, an END line with its exit status; stderr gets its
# own section so stdout stays pure JSON.
cat > "$TMP/vm/guest.sh" <<'EOF'
sec() {
    name=$1; shift
    echo "@@@check-rxe BEGIN $name"
    "$@" 2>/tmp/check-rxe.err
    rc=$?
    echo
    echo "@@@check-rxe END $name rc=$rc"
    echo "@@@check-rxe BEGIN $name.stderr"
    cat /tmp/check-rxe.err
    echo
    echo "@@@check-rxe END $name.stderr rc=0"
}
linklayers() {
    for p in /sys/class/infiniband/*/ports/*; do
        [ -e "$p/link_layer" ] || continue
        d=${p%/ports/*}; d=${d##*/}
        echo "$d ${p##*/} $(cat "$p/link_layer")"
    done
}
sec sysfs ./rdmactl --source sysfs list --json
sec udev ./rdmactl --source udev list --json
sec netlink ./rdmactl --source netlink list --json
sec auto ./rdmactl list --json
# one device, one answer: a snapshot keeps what netlink said, --root replays it.
sec snapshot ./rdmactl snapshot /tmp/rxe-snap
sec root ./rdmactl --root /tmp/rxe-snap list --json
# The same tree where no device node can be opened (nodev: attributes opened without a look), and
# the kernel's own sysfs as a SYSFS_PATH-style root (sysfs holds no device nodes: the same way).
sec root-nodev sh -c 'mkdir -p /tmp/nodev && mount -t tmpfs -o nodev rdmactl-nodev /tmp/nodev && cp -a /tmp/rxe-snap /tmp/nodev/snap && ./rdmactl --root /tmp/nodev/snap list --json'
sec root-sys ./rdmactl --root /sys list --json
sec rdma-dev rdma -j dev show
sec rdma-link rdma -j link show
sec link-layer linklayers
sec uname uname -r
# open-ops on a real kernel (issue 7's client code, unchanged): GET_CHARDEV, the node it names
# opened and checked by st_rdev; the driver-ops ioctl answers ENOTTY on a real uverbs fd.
sec oo-uverbs ./rdmactl open-ops uverbs --device rxe0 --json
sec oo-umad ./rdmactl open-ops umad --device rxe0/1 --json
sec oo-rdmacm ./rdmactl open-ops rdma_cm --json
sec oo-psm2 ./rdmactl open-ops psm2.intel.com --json
sec oo-nobody-uverbs su -s /bin/sh nobody -c './rdmactl open-ops uverbs --device rxe0 --json'
sec oo-nobody-umad su -s /bin/sh nobody -c './rdmactl open-ops umad --device rxe0/1 --json'
sec abi-uverbs cat /sys/class/infiniband_verbs/uverbs0/abi_version
sec abi-rdmacm cat /sys/class/misc/rdma_cm/abi_version
sec dev-nodes sh -c 'for n in uverbs0 umad0 rdma_cm; do echo "$n $(stat -c "%t:%T %a" /dev/infiniband/$n)"; done'
# show parity (issue 8): one port as rdmactl shows it, and the tools it must agree with.
sec show-port ./rdmactl show rxe0/1 --json
sec show-port-netlink ./rdmactl --source netlink show rxe0/1 --json
sec show-port-sysfs ./rdmactl --source sysfs show rxe0/1 --json
sec devinfo ibv_devinfo -v -d rxe0
sec show-dev ./rdmactl show rxe0 --json
sec rdma-sys rdma sys show
sec rdma-link-d rdma -j -d link show rxe0/1
sec ndev-ifindex sh -c 'cat /sys/class/net/$(cat /sys/class/infiniband/rxe0/ports/1/gid_attrs/ndevs/0)/ifindex'
# monitor (issue 8): started before `rdma link add/delete`, it must print ready + add + remove and
# exit by itself (--count 2); a watchdog records a hang instead of hanging the stage.
watch_monitor() {   # watch_monitor OUT COUNT: run monitor in the background, wait for its ready line
    ./rdmactl monitor --count "$2" --json > "$1" 2>"$1.err" &
    mon=$!
    ( sleep 60; kill $mon 2>/dev/null && echo fired > "$1.watchdog" ) &
    wd=$!
    i=0; while [ ! -s "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
}
finish_monitor() {  # finish_monitor OUT
    wait $mon; echo $? > "$1.rc"
    kill $wd 2>/dev/null
}
ip link add dummy1 type dummy && ip link set dummy1 up
watch_monitor /tmp/mon1 2
rdma link add rxe1 type rxe netdev dummy1
sleep 1
rdma link delete rxe1
finish_monitor /tmp/mon1
sec monitor sh -c 'cat /tmp/mon1; exit $(cat /tmp/mon1.rc)'
sec monitor-hang sh -c 'cat /tmp/mon1.watchdog /tmp/mon1.err 2>/dev/null; true'
# rename: the kernel's `move` uevent (core/device.c ib_device_rename → device_rename).
watch_monitor /tmp/mon2 3
rdma link add rxe1 type rxe netdev dummy1
rdma dev set rxe1 name roce7
sleep 1
rdma link delete roce7
finish_monitor /tmp/mon2
sec monitor-rename sh -c 'cat /tmp/mon2; exit $(cat /tmp/mon2.rc)'
sec udevd sh -c '[ -e /run/udev/control ] && echo udev || echo kernel'
# Listing findings and doctor, healthy and after each break (last: the breaks end with rxe0 deleted).
sec doctor ./rdmactl doctor --json
sec ibv-devices ibv_devices
mv /dev/infiniband/uverbs0 /tmp/uverbs0
sec list-no-node ./rdmactl list --json
sec list-no-node-strict ./rdmactl list --strict --json
sec doctor-no-node ./rdmactl doctor --json
sec ibv-devices-no-node ibv_devices
mv /tmp/uverbs0 /dev/infiniband/uverbs0
chmod 0600 /dev/infiniband/uverbs0
sec list-0600-nobody su -s /bin/sh nobody -c './rdmactl list --json'
sec doctor-0600-nobody su -s /bin/sh nobody -c './rdmactl doctor --json'
chmod 0666 /dev/infiniband/uverbs0
mv /etc/libibverbs.d/rxe.driver /tmp/rxe.driver
sec doctor-no-provider ./rdmactl doctor --json
sec ibv-devices-no-provider ibv_devices
mv /tmp/rxe.driver /etc/libibverbs.d/rxe.driver
# Removal under load (issue 10): rxe0 is deleted and re-added while open-ops runs in a loop, then
# deleted for good.
race_loop() {
    i=0
    while [ $i -lt 200 ]; do
        ./timeout -k 5 30 ./rdmactl open-ops uverbs --device rxe0 --json > /tmp/race/$i.out 2> /tmp/race/$i.err
        echo "$i $?" >> /tmp/race/status
        i=$((i + 1))
    done
}
race_done() { if [ -f /tmp/race/status ]; then wc -l < /tmp/race/status; else echo 0; fi; }
race_delete() {   # race_delete LABEL: delete rxe0, note the runs finished before and after
    s=$(race_done)
    ./timeout -k 5 120 rdma link delete rxe0 2>> /tmp/race/cycle.err
    echo "$1 delete rc=$? runs=$s-$(race_done)" >> /tmp/race/cycle
}
mkdir -p /tmp/race
RACE_NETDEV=$(cat /sys/class/infiniband/rxe0/ports/1/gid_attrs/ndevs/0)
dmesg > /tmp/race/dmesg.before
t0=$(date +%s)
race_loop &
loop=$!
n=0; while [ "$(race_done)" -lt 20 ] && [ $n -lt 1200 ]; do sleep 0.1; n=$((n + 1)); done
c=0
while [ $c -lt 25 ] && [ "$(race_done)" -lt 150 ]; do
    race_delete "cycle $c"
    sleep 1
    ./timeout -k 5 60 rdma link add rxe0 type rxe netdev "$RACE_NETDEV" 2>> /tmp/race/cycle.err
    echo "cycle $c add rc=$? runs=$(race_done)" >> /tmp/race/cycle
    sleep 1.5
    c=$((c + 1))
done
race_delete final
wait $loop
echo "seconds $(( $(date +%s) - t0 ))" >> /tmp/race/cycle
sec race-cycle sh -c 'cat /tmp/race/cycle /tmp/race/cycle.err'
sec race-status cat /tmp/race/status
sec race-outputs sh -c 'i=0; while [ $i -lt 200 ]; do echo "### $i"; cat /tmp/race/$i.out 2>/dev/null; echo; echo "### $i stderr"; cat /tmp/race/$i.err 2>/dev/null; echo; i=$((i + 1)); done'
sec race-dmesg sh -c 'dmesg | tail -n +$(( $(wc -l < /tmp/race/dmesg.before) + 1 )) | grep -E "BUG|WARNING|Oops|Call Trace|hung_task|blocked for more than" ; true'
sec race-devices ls /sys/class/infiniband
sec doctor-no-device ./rdmactl doctor --json
exit 0
EOF

# ------------------------------------------------------------------ boot (retry only on 125)
VMT0=$(date +%s.%N)
attempt=0
while :; do
    attempt=$((attempt + 1))
    T0=$(date +%s.%N)
    "$RUN" -t "${CHECK_RXE_TIMEOUT:-600}" -d "$TMP/vm" 'sh ./guest.sh' > "$TMP/out.txt" 2> "$TMP/err.txt"
    RC=$?
    T1=$(date +%s.%N)
    printf 'check-rxe: VM attempt %d: run-in-vm.sh exit %d after %.1f s\n' "$attempt" "$RC" "$(awk -v a="$T0" -v b="$T1" 'BEGIN{print b-a}')"
    [ "$RC" = 125 ] && [ "$attempt" -lt 2 ] && { echo "check-rxe: VM reported no status; retrying" >&2; tail -5 "$TMP/err.txt" >&2; continue; }
    break
done
printf 'check-rxe: elapsed VM time %.1f s (%d boot(s))\n' "$(awk -v a="$VMT0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')" "$attempt"
if [ "$RC" = 125 ]; then
    echo "check-rxe: the VM failed $attempt times; last console log:" >&2
    tail -40 "$TMP/err.txt" >&2
    exit 125
fi
[ "$RC" = 0 ] || { echo "check-rxe: run-in-vm.sh exited $RC; stderr:" >&2; cat "$TMP/err.txt" >&2; }

# ------------------------------------------------------------------ host side comparison
python3 - "$TMP/out.txt" <<'PY'
import json, re, sys

text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
sections, rcs = {}, {}
cur, buf = None, []
for line in text.split("\n"):
    m = re.match(r"^@@@check-rxe (BEGIN|END) (\S+)(?: rc=(\d+))?$", line)
    if m and m.group(1) == "BEGIN":
        cur, buf = m.group(2), []
    elif m and cur == m.group(2):
        sections[cur] = "\n".join(buf[:-1] if buf and buf[-1] == "" else buf)
        rcs[cur] = int(m.group(3))
        cur = None
    elif cur is not None:
        buf.append(line)

passed, failed = 0, 0
def check(label, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"  ok   {label}")
    else:
        failed += 1
        print(f"  FAIL {label}" + (f": {detail}" if detail else ""))
    return ok

def fmt(v):
    return json.dumps(v, ensure_ascii=False)

def section_json(name):
    if name not in sections:
        check(f"[{name}] section present in guest output", False, "missing (guest script did not run?)")
        return None
    raw = sections[name]
    err = sections.get(name + ".stderr", "").strip()
    if not check(f"[{name}] exit status 0", rcs[name] == 0, f"exit {rcs[name]}; stderr: {err[:2000]!r}"):
        pass
    try:
        return json.loads(raw)
    except Exception as e:
        check(f"[{name}] stdout is JSON", False, f"{e}; stdout: {raw[:2000]!r}; stderr: {err[:2000]!r}")
        return None

print("check-rxe: kernel " + sections.get("uname", "?").strip())

# ---- reference: rdma -j (iproute2) + sysfs link_layer
rdev, rlink = section_json("rdma-dev"), section_json("rdma-link")
if rdev is None or rlink is None:
    print("check-rxe: the reference (rdma -j) is unusable; guest output follows", file=sys.stderr)
    print(text, file=sys.stderr)
    print(f"check-rxe: {passed} passed, {failed} failed")
    sys.exit(1)
ll = {}
for line in sections.get("link-layer", "").splitlines():
    parts = line.split(" ", 2)
    if len(parts) == 3:
        ll[(parts[0], int(parts[1]))] = parts[2]

ref = {}
for d in rdev:
    ref[d["ifname"]] = {"ifname": d["ifname"], "ifindex": d.get("ifindex"), "node_guid": d.get("node_guid"),
                        "node_type": d.get("node_type"), "ports": {}}
for p in rlink:
    dev = ref.setdefault(p["ifname"], {"ifname": p["ifname"], "ports": {}})
    dev["ports"][p["port"]] = {"state": p.get("state"), "physical_state": p.get("physical_state"),
                               "link_layer": ll.get((p["ifname"], p["port"])), "netdev": p.get("netdev")}
check("[rdma] reference lists rxe0 with port 1", "rxe0" in ref and 1 in ref["rxe0"]["ports"],
      f"rdma -j dev: {fmt(rdev)} link: {fmt(rlink)}")
print("check-rxe: reference " + fmt(ref))

# ---- rdmactl: key spellings are iproute2's; a few fallbacks keep the check useful while the contract settles
def get(obj, *keys):
    for k in keys:
        if isinstance(obj, dict) and k in obj:
            return obj[k]
    return None

def netdev_name(v):
    if isinstance(v, dict):
        return get(v, "ifname", "name")
    return v

check("[snapshot] captured", rcs.get("snapshot") == 0, sections.get("snapshot.stderr", "")[:1000])
for src in ("sysfs", "udev", "netlink", "auto", "root", "root-nodev"):
    print(f"check-rxe: --source {src}")
    env = section_json(src)
    if env is None:
        continue
    # One device, one answer (issue 8): rxe has no `device` link, so only netlink's UVERBS_DRIVER_ID
    # (RDMA_DRIVER_RXE = 14, ABI-FACTS §11) names the driver; every source must give it and the
    # index rdma -j gives, and the identity built on them.
    for d in get(env.get("data") or {}, "devices") or []:
        if get(d, "ifname") in ref:
            check(f"[{src}] {get(d, 'ifname')}.ifindex", d.get("ifindex") == ref[get(d, "ifname")].get("ifindex"),
                  f"got {fmt(d.get('ifindex'))}, want {fmt(ref[get(d, 'ifname')].get('ifindex'))}")
            check(f"[{src}] {get(d, 'ifname')}.driver", d.get("driver") == "rdma_rxe" and d.get("driver_id") in (14, None),
                  f"got {fmt(d.get('driver'))} ({fmt(d.get('driver_source'))}, id {fmt(d.get('driver_id'))})")
            check(f"[{src}] {get(d, 'ifname')}.identity", d.get("identity") == "rdma_rxe@netdev:dummy0",
                  f"got {fmt(d.get('identity'))}")
    if src == "auto":
        # auto = netlink where the kernel has it (DESIGN §3).
        check("[auto] resolves to netlink", env.get("source") == "netlink", f"got {fmt(env.get('source'))}")
        env = dict(env, source="auto")
    if src in ("root", "root-nodev"):
        # a tree on disk is read as sysfs; its netlink facts come from the snapshot's record.
        check(f"[{src}] reads the tree as sysfs", env.get("source") == "sysfs", f"got {fmt(env.get('source'))}")
        env = dict(env, source=src)
    check(f"[{src}] schema", env.get("schema") == "rdmactl/1", f"got {fmt(env.get('schema'))}, want \"rdmactl/1\"")
    check(f"[{src}] command", env.get("command") == "list", f"got {fmt(env.get('command'))}, want \"list\"")
    check(f"[{src}] source", env.get("source") == src, f"got {fmt(env.get('source'))}, want {fmt(src)}")
    check(f"[{src}] ok", env.get("ok") is True and env.get("error") is None,
          f"ok={fmt(env.get('ok'))} error={fmt(env.get('error'))}")
    if env.get("warnings"):
        print(f"  note [{src}] warnings: {fmt(env.get('warnings'))}")
    devs = get(env.get("data") or {}, "devices")
    if not check(f"[{src}] data.devices is a list", isinstance(devs, list), f"data: {fmt(env.get('data'))[:2000]}"):
        continue
    mine = {get(d, "ifname", "name"): d for d in devs if isinstance(d, dict)}
    check(f"[{src}] device set", sorted(map(str, mine)) == sorted(ref),
          f"rdmactl {sorted(map(str, mine))} vs rdma {sorted(ref)}")
    for name, rd in sorted(ref.items()):
        d = mine.get(name)
        if not check(f"[{src}] {name} present", d is not None, f"rdmactl devices: {sorted(map(str, mine))}"):
            continue
        for key in ("node_guid", "node_type"):
            got, want = d.get(key), rd.get(key)
            check(f"[{src}] {name}.{key}", got == want, f"rdmactl {fmt(got)} != rdma {fmt(want)}")
        ports = d.get("ports")
        if not isinstance(ports, list):
            check(f"[{src}] {name}.ports is a list", False, f"got {fmt(ports)}")
            continue
        myports = {get(p, "port", "index", "port_index"): p for p in ports if isinstance(p, dict)}
        check(f"[{src}] {name} port set", sorted(map(str, myports)) == sorted(map(str, rd["ports"])),
              f"rdmactl {sorted(map(str, myports))} vs rdma {sorted(rd['ports'])}")
        for pn, rp in sorted(rd["ports"].items()):
            p = myports.get(pn)
            if not check(f"[{src}] {name}/{pn} present", p is not None, f"ports: {fmt(ports)[:1000]}"):
                continue
            for key in ("state", "physical_state", "link_layer", "netdev"):
                got = netdev_name(p.get(key)) if key == "netdev" else p.get(key)
                want = rp.get(key)
                check(f"[{src}] {name}/{pn}.{key}", got == want, f"rdmactl {fmt(got)} != rdma {fmt(want)}")

# ---- /sys itself as a SYSFS_PATH-style root: no netlink and no snapshot record behind it, so no
# driver for rxe (it has no device link); its devices, GUIDs, node types and ports are rdma's.
print("check-rxe: --root /sys")
env = section_json("root-sys")
if env is not None:
    check("[root-sys] ok", env.get("ok") is True and env.get("source") == "sysfs",
          f"ok={fmt(env.get('ok'))} source={fmt(env.get('source'))} error={fmt(env.get('error'))}")
    devs = {get(d, "ifname", "name"): d for d in (get(env.get("data") or {}, "devices") or []) if isinstance(d, dict)}
    check("[root-sys] device set", sorted(map(str, devs)) == sorted(ref), f"rdmactl {sorted(map(str, devs))} vs rdma {sorted(ref)}")
    for name, rd in sorted(ref.items()):
        d = devs.get(name)
        if d is None:
            continue
        for key in ("node_guid", "node_type"):
            check(f"[root-sys] {name}.{key}", d.get(key) == rd.get(key), f"rdmactl {fmt(d.get(key))} != rdma {fmt(rd.get(key))}")
        myports = {get(q, "port", "index", "port_index"): q for q in d.get("ports") or [] if isinstance(q, dict)}
        for pn, rp in sorted(rd["ports"].items()):
            q = myports.get(pn) or {}
            for key in ("state", "physical_state", "link_layer"):
                check(f"[root-sys] {name}/{pn}.{key}", q.get(key) == rp.get(key), f"rdmactl {fmt(q.get(key))} != rdma {fmt(rp.get(key))}")

# ---- open-ops on the real kernel: expectations from the kernel itself (sysfs abi_version, the
# node's st_rdev and mode) and DESIGN §4/§6 exit codes, not from rdmactl.
def abi(name):
    try:
        return int(sections.get(name, "").strip())
    except ValueError:
        check(f"[{name}] readable", False, repr(sections.get(name)))
        return None
nodes = {}
for line in sections.get("dev-nodes", "").splitlines():
    n, dev, mode = line.split()
    ma, mi = dev.split(":")
    nodes[n] = (int(ma, 16), int(mi, 16), mode)

def open_ops(name, want_rc):
    raw = sections.get(name)
    if not check(f"[{name}] section present", raw is not None):
        return None
    err = sections.get(name + ".stderr", "").strip()
    check(f"[{name}] exit {want_rc}", rcs[name] == want_rc, f"exit {rcs[name]}; stderr {err[:1000]!r}; stdout {raw[:2000]!r}")
    try:
        env = json.loads(raw)
    except Exception as e:
        check(f"[{name}] stdout is one JSON document", False, f"{e}: {raw[:2000]!r}")
        return None
    check(f"[{name}] envelope command open-ops", env.get("command") == "open-ops")
    check(f"[{name}] data.outcome.exit_code = exit status", (env.get("data") or {}).get("outcome", {}).get("exit_code") == want_rc)
    return env.get("data") or {}

for name, node, abi_name in (("oo-uverbs", "uverbs0", "abi-uverbs"), ("oo-umad", "umad0", None),
                             ("oo-rdmacm", "rdma_cm", "abi-rdmacm"), ("oo-nobody-uverbs", "uverbs0", "abi-uverbs")):
    data = open_ops(name, 0)
    g = (data or {}).get("grant") or {}
    check(f"[{name}] granted through GET_CHARDEV", g.get("transport") == "netlink-get-chardev", fmt(g))
    check(f"[{name}] node /dev/infiniband/{node}", g.get("node") == f"/dev/infiniband/{node}", fmt(g))
    want = abi(abi_name) if abi_name else 5   # umad: IB_USER_MAD_ABI_VERSION (ABI-FACTS §1.4)
    check(f"[{name}] ABI {want} (sysfs)", g.get("major") == want, fmt(g))
    check(f"[{name}] released", (data or {}).get("outcome", {}).get("released") is True)
    check(f"[{name}] node {node} exists for the st_rdev check", node in nodes, fmt(nodes))

data = open_ops("oo-psm2", 69)   # rxe offers no PSM facet: nothing offers it
trace = (data or {}).get("trace") or []
check("[oo-psm2] the real uverbs fd answers the driver-ops ioctl with ENOTTY",
      any(t.get("transport") == "driver-ops-ioctl" and t.get("errno_name") == "ENOTTY"
          and t.get("node") == "/dev/infiniband/uverbs0" for t in trace), fmt(trace)[:2000])
check("[oo-psm2] then the transport is skipped, not retried",
      all(t.get("outcome") == "skipped" for t in trace if t.get("transport") == "driver-ops-ioctl")
      or sum(1 for t in trace if t.get("transport") == "driver-ops-ioctl" and t.get("errno_name") == "ENOTTY") == 1, fmt(trace)[:2000])
data = open_ops("oo-nobody-umad", 77)   # umad0 is 0600 root:root (devtmpfs default, ABI-FACTS §1.4)
check("[oo-nobody-umad] umad0 is 0600 in the guest", nodes.get("umad0", (0, 0, ""))[2] == "600", fmt(nodes))

# ---- show parity (issue 8): rdmactl show rxe0/1 --json against ibv_devinfo -v (GID table, types,
# sm_sl, port_cap_flags, active_width/speed) and rdma -j -d link show (netdev, netdev_index, caps).
import ipaddress
def devinfo_port1(text):
    """ibv_devinfo -v: the port 1 block's 'key: value' lines and its GID[%3d] lines (devinfo.c)."""
    fields, gids, port = {}, {}, None
    for line in text.splitlines():
        s = line.strip()
        m = re.match(r"^port:\s+(\d+)$", s)
        if m:
            port = int(m.group(1)); continue
        if port != 1:
            continue
        m = re.match(r"^GID\[\s*(\d+)\]:\s+(\S+?)(?:, (.+))?$", s)
        if m:
            gids[int(m.group(1))] = (m.group(2), m.group(3)); continue
        m = re.match(r"^([a-z_0-9]+):\s+(.*)$", s)
        if m:
            fields[m.group(1)] = m.group(2)
    return fields, gids

dfields, dgids = devinfo_port1(sections.get("devinfo", ""))
check("[devinfo] ibv_devinfo -v ran and printed port 1 with GIDs", rcs.get("devinfo") == 0 and bool(dgids),
      repr(sections.get("devinfo", ""))[:2000])
rlinkd = section_json("rdma-link-d")
rl = (rlinkd or [{}])[0] if isinstance(rlinkd, list) else {}
try:
    ifindex = int(sections.get("ndev-ifindex", "").strip())
except ValueError:
    ifindex = None
for name in ("show-port", "show-port-netlink", "show-port-sysfs"):
    env = section_json(name)
    if env is None:
        continue
    p = env.get("data") or {}
    check(f"[{name}] ok, command show", env.get("ok") is True and env.get("command") == "show", fmt(env.get("error")))
    gids = {g.get("index"): g for g in p.get("gids") or []}
    check(f"[{name}] GID indices = ibv_devinfo's", sorted(gids) == sorted(dgids), f"rdmactl {sorted(gids)} devinfo {sorted(dgids)}")
    for i, (addr, typ) in sorted(dgids.items()):
        g = gids.get(i) or {}
        try:
            same = ipaddress.IPv6Address(g.get("gid", "")) == ipaddress.IPv6Address(addr)
        except ValueError:
            same = False
        check(f"[{name}] GID[{i}] address", same, f"rdmactl {fmt(g.get('gid'))} devinfo {addr!r}")
        # devinfo adds the type on Ethernet only ("RoCE v1"/"RoCE v2"); rdmactl says "IB" on IB.
        check(f"[{name}] GID[{i}] type", g.get("type") == (typ or "IB"), f"rdmactl {fmt(g.get('type'))} devinfo {typ!r}")
        check(f"[{name}] GID[{i}] netdev", g.get("netdev") == rl.get("netdev"), f"rdmactl {fmt(g.get('netdev'))} rdma {fmt(rl.get('netdev'))}")
    check(f"[{name}] GID[1] is the IPv4-mapped RoCE v2 GID",
          (gids.get(1) or {}).get("type") == "RoCE v2"
          and ipaddress.IPv6Address((gids.get(1) or {}).get("gid", "::")).ipv4_mapped is not None, fmt(gids.get(1)))
    check(f"[{name}] sm_sl", str(p.get("sm_sl")) == dfields.get("sm_sl"), f"rdmactl {fmt(p.get('sm_sl'))} devinfo {dfields.get('sm_sl')!r}")
    check(f"[{name}] cap_mask", p.get("cap_mask") == dfields.get("port_cap_flags"),
          f"rdmactl {fmt(p.get('cap_mask'))} devinfo {dfields.get('port_cap_flags')!r}")
    check(f"[{name}] active_width", p.get("active_width") == (dfields.get("active_width") or "").split(" ")[0],
          f"rdmactl {fmt(p.get('active_width'))} devinfo {dfields.get('active_width')!r}")
    check(f"[{name}] active_speed", p.get("active_speed") == (dfields.get("active_speed") or "").split(" (")[0],
          f"rdmactl {fmt(p.get('active_speed'))} devinfo {dfields.get('active_speed')!r}")
    check(f"[{name}] netdev = rdma link's", p.get("netdev") == rl.get("netdev"), f"rdmactl {fmt(p.get('netdev'))} rdma {fmt(rl.get('netdev'))}")
    check(f"[{name}] netdev_index = rdma link's", p.get("netdev_index") == rl.get("netdev_index") == ifindex,
          f"rdmactl {fmt(p.get('netdev_index'))} rdma {fmt(rl.get('netdev_index'))} sysfs {ifindex}")
    if "caps" in rl:   # nldev sends CAP_FLAGS for IB ports only: absent on rxe
        check(f"[{name}] caps = rdma link's", p.get("caps") == rl.get("caps"), f"rdmactl {fmt(p.get('caps'))} rdma {fmt(rl.get('caps'))}")

# rdma system settings: show rxe0 against `rdma -j sys show` (iproute2 rdma/sys.c: netns, copy-on-fork).
# iproute2 6.1's `sys show` ignores -j and prints "netns shared copy-on-fork on": key/value words.
env = section_json("show-dev")
words = sections.get("rdma-sys", "").split()
rsys = dict(zip(words[0::2], words[1::2]))
mine = ((env or {}).get("data") or {}).get("rdma_system") or {}
check("[rdma-sys] reference has netns", "netns" in rsys, repr(sections.get("rdma-sys")))
check("[show-dev] rdma_system.netns = rdma sys's", mine.get("netns") == rsys.get("netns"), f"rdmactl {fmt(mine)} rdma {fmt(rsys)}")
if "copy-on-fork" in rsys:
    check("[show-dev] rdma_system.copy_on_fork = rdma sys's", mine.get("copy_on_fork") == (rsys.get("copy-on-fork") == "on"),
          f"rdmactl {fmt(mine)} rdma {fmt(rsys)}")

# ---- listing findings and doctor (issue 8): each break gives the cause the kernel and rdma-core
# make of it — libibverbs drops a device whose node is missing (init.c stat) or that no provider
# matches (try_drivers); a 0600 node is EACCES for others (ABI-FACTS §7); no device, no list.
def envelope(name, want_rc):
    raw = sections.get(name)
    if not check(f"[{name}] section present", raw is not None):
        return {}
    err = sections.get(name + ".stderr", "").strip()
    check(f"[{name}] exit {want_rc}", rcs[name] == want_rc, f"exit {rcs[name]}; stderr {err[:800]!r}; stdout {raw[:1500]!r}")
    try:
        return json.loads(raw)
    except Exception as e:
        check(f"[{name}] stdout is one JSON document", False, f"{e}: {raw[:1500]!r}")
        return {}

def codes(env):
    return [w.get("code") for w in env.get("warnings") or []]

def ibv_lists_rxe0(name):
    return any(line.split()[0] == "rxe0" for line in sections.get(name, "").splitlines()[2:] if line.split())

env = envelope("doctor", 0)
check("[doctor] verdict ok, no blockers", (env.get("data") or {}).get("verdict") == "ok"
      and (env.get("data") or {}).get("counts", {}).get("blocker") == 0, fmt(env.get("data"))[:1500])
check("[doctor] names rxe0's provider (rdma-core's rxe)",
      any(f.get("code") == "PROVIDER" and "rxe" in f.get("message", "") for f in (env.get("data") or {}).get("findings", [])),
      fmt(env.get("data"))[:1500])
check("[ibv-devices] reference lists rxe0", ibv_lists_rxe0("ibv-devices"), sections.get("ibv-devices", ""))
env = envelope("list-no-node", 0)
check("[list-no-node] warns NODE_MISSING with a hint",
      any(w.get("code") == "NODE_MISSING" and w.get("hint") for w in env.get("warnings") or []), fmt(env.get("warnings")))
envelope("list-no-node-strict", 65)
env = envelope("doctor-no-node", 69)
check("[doctor-no-node] blocker NODE_MISSING", (env.get("error") or {}).get("code") == "NODE_MISSING", fmt(env.get("error")))
check("[ibv-devices-no-node] libibverbs drops rxe0 too", not ibv_lists_rxe0("ibv-devices-no-node"), sections.get("ibv-devices-no-node", ""))
env = envelope("list-0600-nobody", 0)
check("[list-0600-nobody] warns NODE_NOT_OPENABLE", "NODE_NOT_OPENABLE" in codes(env), fmt(env.get("warnings")))
env = envelope("doctor-0600-nobody", 77)
check("[doctor-0600-nobody] blocker NODE_NOT_OPENABLE", (env.get("error") or {}).get("code") == "NODE_NOT_OPENABLE", fmt(env.get("error")))
env = envelope("doctor-no-provider", 69)
check("[doctor-no-provider] blocker NO_PROVIDER", (env.get("error") or {}).get("code") == "NO_PROVIDER", fmt(env.get("error")))
check("[ibv-devices-no-provider] libibverbs lists nothing either", not ibv_lists_rxe0("ibv-devices-no-provider"),
      sections.get("ibv-devices-no-provider", ""))
env = envelope("doctor-no-device", 69)
check("[doctor-no-device] blocker NO_DEVICES", (env.get("error") or {}).get("code") == "NO_DEVICES", fmt(env.get("error")))

# ---- removal under load (issue 10): `rdma link delete rxe0` amid 200 `open-ops uverbs --device rxe0`.
# Allowed statuses: Docs/exit-codes.md for open-ops — 0 granted, 66 NO_SUCH_DEVICE, and the
# refusals 77 > 76 > 75 > 69 (DESIGN §4); 124/137 are coreutils timeout's "it hung".
RACE_OK = {0, 66, 69, 75, 76, 77}
runs = [l.split() for l in sections.get("race-status", "").splitlines() if l.strip()]
codes = [int(r[1]) for r in runs if len(r) == 2]
check("[race] 200 runs of open-ops uverbs --device rxe0 finished", len(codes) == 200 and
      [int(r[0]) for r in runs] == list(range(200)), f"{len(runs)} runs: {runs[-3:]}")
hung = [i for i, c in enumerate(codes) if c in (124, 137)]
check("[race] no run hung (timeout 30 s each)", not hung, f"runs {hung}")
crashed = [(i, c) for i, c in enumerate(codes) if c >= 128 and c != 137]
check("[race] no run died by a signal (status >= 128)", not crashed, f"{crashed}")
check("[race] every status is documented for open-ops (0, 66, 69, 75, 76, 77)",
      set(codes) <= RACE_OK, f"statuses {sorted(set(codes))}")
cyc = sections.get("race-cycle", "")
dels = [(m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4)))
        for m in re.finditer(r"^(cycle \d+|final) delete rc=(\d+) runs=(\d+)-(\d+)$", cyc, re.M)]
adds = [int(m.group(1)) for m in re.finditer(r"^cycle \d+ add rc=(\d+) runs=\d+$", cyc, re.M)]
check("[race] rxe0 deleted and re-added at least 10 times inside the loop, then deleted; every delete and add exit 0",
      len(dels) >= 11 and len(adds) == len(dels) - 1 and dels[-1][0] == "final"
      and all(d[1] == 0 for d in dels) and all(a == 0 for a in adds)
      and dels[0][2] >= 20 and dels[-1][3] < 199, cyc[:3000])
first, last = (dels[0][2], dels[-1][3]) if dels else (0, 200)
check("[race] granted (0) before the first deletion", codes[:first] and all(c == 0 for c in codes[:first]), f"{codes[:first]}")
check("[race] granted again between re-adds", 0 in codes[first:last], f"{codes[first:last]}")
# Run `last` was in flight when the final delete returned: it may have opened uverbs0 and been
# granted before the unregistration, and written its status after. Only the runs from last + 1
# started after rxe0 was gone (CI stop 16 saw exactly this: [0, 66, 66, ...]).
after = codes[last + 1:]
check("[race] refused (66 or 69) by every run started after the last deletion", after and all(c in (66, 69) for c in after),
      f"in flight {codes[last:last + 1]}, after {after}")
check("[race] rxe0 is gone", "rxe0" not in sections.get("race-devices", ""), sections.get("race-devices", ""))
outs, cur = {}, None
for line in sections.get("race-outputs", "").split("\n"):
    m = re.match(r"^### (\d+)( stderr)?$", line)
    if m:
        cur = (int(m.group(1)), bool(m.group(2))); outs[cur] = []
    elif cur is not None:
        outs[cur].append(line)
bad, fatal = [], []
for i, c in enumerate(codes):
    err = "\n".join(outs.get((i, True), []))
    if "Fatal error" in err or "panic" in err.lower():
        fatal.append((i, err[:300]))
    try:
        env = json.loads("\n".join(outs.get((i, False), [])))
        good = (env.get("schema") == "rdmactl/1" and env.get("command") == "open-ops" and env.get("ok") == (c == 0)
                and (c == 0 and env.get("error") is None or (env.get("error") or {}).get("exit_code") == c))
    except Exception as e:
        env, good = str(e), False
    if not good:
        bad.append((i, c, str(env)[:300]))
check("[race] no 'Fatal error' on any run's stderr", not fatal, f"{fatal[:3]}")
check("[race] each stdout is one rdmactl/1 open-ops envelope whose error.exit_code is the status",
      not bad, f"{len(bad)} bad, first {bad[:2]}")
seen = sorted({(json.loads("\n".join(outs[(i, False)])).get("error") or {}).get("code", "GRANTED")
               for i in range(len(codes)) if (i, False) in outs and i not in {x[0] for x in bad}})
print("  info [race] statuses " + ", ".join(f"{c}: {codes.count(c)}" for c in sorted(set(codes)))
      + "; codes " + ", ".join(seen) + f"; {len(dels)} deletions between runs {first} and {last}")
check("[race] dmesg has no BUG/WARNING/Oops/hung task during the race", sections.get("race-dmesg", "").strip() == "",
      sections.get("race-dmesg", "")[:1500])

# ---- monitor (issue 8): the events the kernel sent for `rdma link add/delete` and a rename
# (ABI-FACTS §8; rename = kobject_rename's `move`), one NDJSON envelope each, ready first.
def ndjson(name, want_rc):
    raw = sections.get(name, "")
    check(f"[{name}] exit {want_rc}", rcs.get(name) == want_rc, f"exit {rcs.get(name)}: {raw[:1500]!r}")
    out = []
    for line in raw.splitlines():
        if line.strip():
            try:
                out.append(json.loads(line))
            except Exception as e:
                check(f"[{name}] every line is one JSON envelope", False, f"{e}: {line[:500]!r}")
    check(f"[{name}] every line is an rdmactl/1 monitor envelope",
          all(e.get("schema") == "rdmactl/1" and e.get("command") == "monitor" for e in out), fmt(out)[:1500])
    return [e.get("data") or {} for e in out]

want_source = sections.get("udevd", "").strip()
ev = ndjson("monitor", 0)
check("[monitor] exited by itself (no watchdog)", "fired" not in sections.get("monitor-hang", ""), sections.get("monitor-hang", ""))
check("[monitor] ready, add rxe1, remove rxe1", [(e.get("event"), e.get("device")) for e in ev]
      == [("ready", None), ("add", "rxe1"), ("remove", "rxe1")], fmt(ev)[:2000])
if ev:
    check(f"[monitor] ready names its source ({want_source}) and sees rxe0",
          ev[0].get("source") == want_source and "rxe0" in (ev[0].get("devices") or []), fmt(ev[0]))
if len(ev) == 3:
    for e in ev[1:]:
        check(f"[monitor] {e.get('event')} rxe1 carries its uverbs node",
              any(c.get("subsystem") == "infiniband_verbs" for c in e.get("char_devices") or []), fmt(e)[:1500])
ev = ndjson("monitor-rename", 0)
check("[monitor-rename] add rxe1, rename rxe1 -> roce7, remove roce7",
      [(e.get("event"), e.get("device"), e.get("old_device")) for e in ev[1:]]
      == [("add", "rxe1", None), ("rename", "roce7", "rxe1"), ("remove", "roce7", None)], fmt(ev)[:2000])

print(f"check-rxe: {passed} passed, {failed} failed")
if failed:
    print("check-rxe: guest transcript:\n" + text, file=sys.stderr)
sys.exit(1 if failed else 0)
PY
PRC=$?
if [ -n "${CHECK_RXE_KEEP:-}" ] || [ "$PRC" != 0 ]; then
    KEEP=${CHECK_RXE_KEEP:-${TMPDIR:-/tmp}}
    mkdir -p "$KEEP" && cp "$TMP/out.txt" "$KEEP/check-rxe-guest.$$.txt" && cp "$TMP/err.txt" "$KEEP/check-rxe-stderr.$$.txt" \
        && echo "check-rxe: guest transcript kept in $KEEP/check-rxe-guest.$$.txt (stderr: check-rxe-stderr.$$.txt)"
fi
exit "$PRC"
