#!/usr/bin/env python3
"""The table Scripts/bench.sh prints, and the goals of issue 9 checked against it.

usage: Scripts/bench-report.py RESULTS_DIR "0 1 16 256 1024"
Exit 0 when every goal holds, 1 when one is missed (marked MISS), so the benchmark can gate.
"""
import glob
import json
import os
import re
import sys

results, sizes = sys.argv[1], [int(s) for s in sys.argv[2].split()]


def wall(name, n):
    try:
        return json.load(open(f"{results}/{name}.{n}.hyperfine.json"))["results"][0]["mean"] * 1000
    except (OSError, KeyError, IndexError, ValueError):
        return None


def cpu(name, n):
    """Mean user and system time, ms (hyperfine): where a command's wall time goes on 2 cores."""
    try:
        r = json.load(open(f"{results}/{name}.{n}.hyperfine.json"))["results"][0]
        return r["user"] * 1000, r["system"] * 1000
    except (OSError, KeyError, IndexError, ValueError):
        return None, None


def syscalls(name, n):
    try:
        text = open(f"{results}/{name}.{n}.strace").read()
    except OSError:
        return None
    m = re.search(r"^[\d.]+\s+[\d.]+\s+\d*\s*(\d+)\s+(\d+)?\s*total$", text, re.M)
    if not m:
        m = re.search(r"\s(\d+)\s+(?:\d+\s+)?total\s*$", text, re.M)
    return int(m.group(1)) if m else None


def instructions(name, n):
    total = 0
    try:
        for line in open(f"{results}/{name}.{n}.callgrind"):
            m = re.search(r"Collected : (\d+)", line)
            if m:
                total += int(m.group(1))
    except OSError:
        return None
    return total or None


def rss(name, n):
    try:
        return int(open(f"{results}/{name}.{n}.rss").read().split()[-1]) / 1024
    except (OSError, ValueError, IndexError):
        return None


def f(v, fmt):
    return "-" if v is None else fmt % v


rows = []
for n in sizes:
    names = ["version", "list", "version-dynamic", "list-dynamic", "ibv_devices"] if n == 0 else \
        ["list", "list-json", "show", "open-ops", "live-list", "ibv_devices", "ibstat"]
    for name in names:
        rows.append((n, name, wall(name, n), syscalls(name, n), instructions(name, n), rss(name, n)))

ref = {(n, name): w for n, name, w, *_ in rows}
try:
    filesystem = open(f"{results}/filesystem").read().strip()
except OSError:
    filesystem = "disk"
print()
described = {"tmpfs": "tmpfs mounted nodev (attributes opened without a look first)",
             "tmpfs-dev": "tmpfs without nodev (each attribute looked at before it is opened)"}
print(f"Trees on {described.get(filesystem, filesystem)}.")
print()
print("| devices | command | wall ms | vs ibv_devices | vs ibstat | user ms | sys ms | syscalls | per device | instructions | max RSS MiB |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for n, name, w, sc, ins, mem in rows:
    user, system = cpu(name, n)
    if w is None and sc is None:
        continue
    label = {"list": "rdmactl --root T list", "list-json": "rdmactl --root T list --json",
             "show": "rdmactl --root T show hfi1_0", "open-ops": "rdmactl --root T open-ops psm2.intel.com --dry-run",
             "live-list": "rdmactl list --source sysfs (bound /sys)", "version": "rdmactl --version",
             "version-dynamic": "rdmactl --version (dynamic build)", "list-dynamic": "rdmactl --root T list (dynamic build)",
             "ibv_devices": "SYSFS_PATH=T/sys ibv_devices", "ibstat": "ibstat (bound /sys)"}[name]
    vi = ref.get((n, "ibv_devices"))
    vs = ref.get((n, "ibstat"))
    print(f"| {n} | {label} | {f(w, '%.1f')} | {f(w / vi if w and vi else None, '%.2f×')} | "
          f"{f(w / vs if w and vs else None, '%.2f×')} | {f(user, '%.1f')} | {f(system, '%.1f')} | {f(sc, '%d')} | "
          f"{f(sc / n if sc and n else None, '%.1f')} | {f(ins, '%d')} | {f(mem, '%.1f')} |")

goals = []


def goal(text, value, limit):
    ok = value is not None and value <= limit
    goals.append(ok)
    print(f"{'ok  ' if ok else 'MISS'} {text}: {f(value, '%.2f')} (limit {limit})")


big = max(sizes)
print()
goal(f"list at {big} devices / ibv_devices", (ref.get((big, "list")) or 0) / (ref.get((big, "ibv_devices")) or 1) or None, 1.0)
goal(f"list --json at {big} devices / ibstat", (ref.get((big, "list-json")) or 0) / (ref.get((big, "ibstat")) or 1) or None, 0.5)
if 256 in sizes and 1024 in sizes:
    mine = (ref.get((1024, "list")) or 0) - (ref.get((256, "list")) or 0)
    theirs = (ref.get((1024, "ibv_devices")) or 0) - (ref.get((256, "ibv_devices")) or 0)
    goal("list's slope 256→1,024 / ibv_devices's", mine / theirs if theirs > 0 else None, 1.0)
# The list goal measured the other way (bench-paired.py): alternating pairs, medians. Shown,
# not a verdict: the goals keep hyperfine's means, as the table does.
def paired_line(path, what):
    try:
        paired = json.load(open(path))
    except OSError:
        return
    mine, theirs = paired["commands"]
    print(f"info {what}, {paired['runs']} alternating pairs: "
          f"median wall {mine['wall']['median']:.1f} / {theirs['wall']['median']:.1f} ms = "
          f"{mine['wall']['median'] / theirs['wall']['median']:.2f} "
          f"(quartiles {mine['wall']['p25']:.1f}–{mine['wall']['p75']:.1f} / {theirs['wall']['p25']:.1f}–{theirs['wall']['p75']:.1f}); "
          f"median CPU {mine['cpu']['median']:.1f} / {theirs['cpu']['median']:.1f} ms")


for n in sizes:
    paired_line(f"{results}/paired.{n}.json", f"list at {n} devices / ibv_devices")
# The list --json goal the same way (largest tree only).
paired_line(f"{results}/paired-json.{big}.json", f"list --json at {big} devices / ibstat")
# The syscall floor (syscall-floor.py): each command's file syscalls replayed from C on its
# threads, medians of 10. What a command takes beyond it is its own user space.
floors = {}
for name in ("list", "list-json", "ibv_devices", "ibstat"):
    try:
        floors[name] = json.load(open(f"{results}/floor.{name}.{big}.json"))
    except OSError:
        pass
if floors:
    print(f"info syscall floor at {big} devices (the same file syscalls replayed from C on the same threads; "
          f"median wall ms, the command's own hyperfine mean in brackets): "
          + ", ".join(f"{name} {fl['wall_ms']:.1f} ({f(ref.get((big, name)), '%.1f')}) for {int(fl['ops'])} syscalls"
                      for name, fl in floors.items()))
    if "list-json" in floors and ref.get((big, "ibstat")):
        print(f"info list --json ≤ 0.5× ibstat means ≤ {ref[(big, 'ibstat')] / 2:.1f} ms; its syscalls alone, on its own "
              f"threads, take {floors['list-json']['wall_ms']:.1f} ms"
              + (f" (ibstat's alone {floors['ibstat']['wall_ms']:.1f}: a floor ratio of "
                 f"{floors['list-json']['wall_ms'] / floors['ibstat']['wall_ms']:.2f})" if "ibstat" in floors else ""))
base = ref.get((0, "ibv_devices"))
for name in ("version", "list"):
    goal(f"start-up: {name} on the empty tree / ibv_devices", (ref.get((0, name)) or 0) / base if base else None, 2.0)
mem = rss("list-json", big)
if mem is not None:
    goal(f"max RSS of list --json at {big} devices, MiB", mem, 64.0)
try:
    m = re.search(r"negotiations: (\d+) in (\d+) ms", open(f"{results}/negotiate.txt").read())
    per_thousand = int(m.group(2)) * 1000 / int(m.group(1)) if m else None
except OSError:
    per_thousand = None
goal("emulator: 1,000 open-ops negotiations in one process, ms", per_thousand, 1000.0)
sys.exit(0 if all(goals) else 1)
