#!/bin/bash
# VM stage: does `rdmactl --source netlink` see the soft-RoCE device (rxe0) as the kernel's nldev
# and iproute2's `rdma` do?
#
# usage: .ci/vm/netlink/check-netlink.sh PATH/TO/rdmactl
#
# Boots the shared test VM once (run-in-vm.sh: Debian 6.1, rdma_rxe, rxe0 on dummy0) and runs
#   ./rdmactl --source netlink list --json      ./rdmactl --source netlink show rxe0 --json
#   rdma -j dev show                            (iproute2, the reference for ifindex and node_guid)
# then checks on the host (python3): envelope (schema, source "netlink", ok), device set = rdma's,
# ifindex = rdma's ifindex (0), driver "rdma_rxe" with driver_source "netlink" (rxe0 has no
# `device` link, so only UVERBS_DRIVER_ID 14 of GET_CHARDEV can name it), node_guid and node_type.
# Exit: 0 agree; 1 a disagreement; 2 usage; 125 the VM failed to report a status 3 times.
set -uo pipefail
[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: $0 PATH/TO/rdmactl" >&2; exit 2; }
RUN=${RUN_IN_VM:-/work/shared/vm/run-in-vm.sh}
[ -x "$RUN" ] || { echo "check-netlink: run-in-vm.sh not found (set RUN_IN_VM)" >&2; exit 2; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/check-netlink.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/vm"
cp -L "$1" "$TMP/vm/rdmactl" && chmod 755 "$TMP/vm/rdmactl"
cat > "$TMP/vm/guest.sh" <<'G'
sec() {
    name=$1; shift
    echo "@@@ BEGIN $name"
    "$@" 2>/tmp/err
    echo
    echo "@@@ END $name rc=$?"
    echo "@@@ BEGIN $name.stderr"; cat /tmp/err; echo; echo "@@@ END $name.stderr rc=0"
}
sec list ./rdmactl --source netlink list --json
sec show ./rdmactl --source netlink show rxe0 --json
sec rdma rdma -j dev show
exit 0
G
attempt=0
while :; do
    attempt=$((attempt + 1))
    "$RUN" -t 300 -d "$TMP/vm" 'sh ./guest.sh' > "$TMP/out.txt" 2> "$TMP/err.txt"
    RC=$?
    [ "$RC" = 125 ] && [ "$attempt" -lt 3 ] && continue
    break
done
[ "$RC" = 125 ] && { tail -40 "$TMP/err.txt" >&2; exit 125; }
python3 - "$TMP/out.txt" <<'PY'
import json, re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
sec, rc, cur, buf = {}, {}, None, []
for line in text.split("\n"):
    m = re.match(r"^@@@ (BEGIN|END) (\S+)(?: rc=(\d+))?$", line)
    if m and m.group(1) == "BEGIN":
        cur, buf = m.group(2), []
    elif m and cur == m.group(2):
        sec[cur], rc[cur], cur = "\n".join(buf).strip(), int(m.group(3)), None
    elif cur is not None:
        buf.append(line)
failed = 0
def check(label, ok, detail=""):
    global failed
    print(("  ok   " if ok else "  FAIL ") + label + ("" if ok else f": {detail}"))
    failed += 0 if ok else 1
    return ok
def load(name):
    try:
        return json.loads(sec[name])
    except Exception as e:
        check(f"[{name}] JSON", False, f"{e}; stdout {sec.get(name, '')[:1500]!r}; stderr {sec.get(name + '.stderr', '')[:1500]!r}")
        return None
ref = {d["ifname"]: d for d in (load("rdma") or [])}
check("[rdma] reference lists rxe0", "rxe0" in ref, json.dumps(ref))
for name in ("list", "show"):
    env = load(name)
    if env is None:
        continue
    check(f"[{name}] exit 0", rc[name] == 0, sec.get(name + ".stderr", ""))
    check(f"[{name}] schema/source/ok", (env.get("schema"), env.get("source"), env.get("ok")) == ("rdmactl/1", "netlink", True),
          json.dumps({k: env.get(k) for k in ("schema", "source", "ok", "error")}))
    data = env.get("data") or {}
    devs = data.get("devices") if "devices" in data else [data.get("device", data)]
    mine = {d.get("ifname"): d for d in devs if isinstance(d, dict)}
    if name == "list":
        check("[list] device set", sorted(mine) == sorted(ref), f"{sorted(mine)} vs {sorted(ref)}")
    d = mine.get("rxe0")
    if not check(f"[{name}] rxe0 present", d is not None, json.dumps(data)[:1500]):
        continue
    r = ref.get("rxe0", {})
    for key, want in (("ifindex", r.get("ifindex")), ("node_guid", r.get("node_guid")), ("node_type", r.get("node_type")),
                      ("driver", "rdma_rxe"), ("driver_source", "netlink")):
        check(f"[{name}] rxe0 {key} = {json.dumps(want)}", d.get(key) == want, f"got {json.dumps(d.get(key))}")
    if env.get("warnings"):
        print(f"  note [{name}] warnings: {json.dumps(env['warnings'])}")
print(f"check-netlink: {'FAILED' if failed else 'all agree'}")
sys.exit(1 if failed else 0)
PY
