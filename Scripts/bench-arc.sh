#!/usr/bin/env bash
# How much reference counting one rdmactl command does, and on which objects the threads meet
# (issue 9; Docs/performance.md, "How far the goals are"). Not a test: a count to read beside
# callgrind's instructions. Like callgrind it is exact and the same from run to run, where wall
# and CPU time on a shared 2-core host move by more than the effects being looked for.
#
#   sudo Scripts/bench-arc.sh BINARY [ARGS...]     e.g. Scripts/bench-arc.sh rdmactl --root T list --json
#
# Puts uprobes on swift_retain/swift_release/swift_bridgeObjectRetain/swift_bridgeObjectRelease
# of BINARY (a build that links the Swift runtime statically, as Scripts/build-release.sh makes;
# for a dynamic build the probes would go on libswiftCore.so), records one run with `perf`, and
# prints: calls per entry point; calls on heap objects (tagged pointers — small strings, bridge
# tags — and nil cost no atomic and are left out); and the heap objects retained or released
# from more than one thread, most touched first — where two cores write one cache line (an
# object shared by the discovery threads: the kernel, the manifest, a static table), each such
# atomic costs a cache-line transfer. Needs root (uprobes) and perf.
# bench-packages: linux-perf python3
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BINARY [ARGS...]" >&2; exit 2; }
BIN=$(readlink -f "$(command -v "$1")"); shift
WORK=$(mktemp -d)
trap 'perf probe -q -d "probe_arc:*" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
perf probe -q -d "probe_arc:*" >/dev/null 2>&1 || true
for f in swift_retain swift_release swift_bridgeObjectRetain swift_bridgeObjectRelease; do
    perf probe -q -x "$BIN" "probe_arc:$f=$f obj=%di:u64" >/dev/null
done
perf record -q -o "$WORK/arc.data" -e 'probe_arc:*' -- "$BIN" "$@" >/dev/null 2>"$WORK/stderr" || true
perf script -i "$WORK/arc.data" -F tid,event,trace > "$WORK/arc.txt" 2>/dev/null
python3 - "$WORK/arc.txt" <<'EOF'
import collections, sys
calls = collections.Counter()
heap = collections.defaultdict(collections.Counter)
for line in open(sys.argv[1]):
    fields = line.split()
    if len(fields) < 3 or "obj=" not in fields[-1]:
        continue
    tid, event, obj = fields[0], fields[1].rstrip(":").split(":")[-1], int(fields[-1].split("=")[1])
    calls[event] += 1
    if obj == 0 or obj >> 56:      # nil, or a tagged value (no atomic)
        continue
    heap[obj][tid] += 1
print("calls:", ", ".join(f"{k} {v:,}" for k, v in sorted(calls.items())), f"(total {sum(calls.values()):,})")
on_heap = sum(sum(c.values()) for c in heap.values())
shared = [(sum(c.values()), o, c) for o, c in heap.items() if len(c) > 1]
shared.sort(reverse=True)
print(f"on heap objects: {on_heap:,} on {len(heap):,} objects; "
      f"{sum(s[0] for s in shared):,} on {len(shared):,} objects touched by more than one thread")
print("most touched of those (object: calls by thread):")
for n, o, c in shared[:12]:
    print(f"  {o:#x}: {n:,}  " + ", ".join(f"{t} {k:,}" for t, k in c.most_common()))
EOF
