#!/usr/bin/env python3
"""Writes the committed seed corpus (Fuzz/Corpus/TARGET/) from the project's fixtures, so every
seed says where it came from: the VM's netlink captures (Tests/RdmaKitTests/Fixtures/netlink,
.ci/vm/captures), the emulated kernel's sysfs values, a snapshot manifest, the README's command
lines, and hand-written emulator programs in the harness's encoding (Fuzz/Sources/*/Entry.swift).
Run from anywhere: python3 Fuzz/seeds.py. Seeds are named by content, so a rerun is a no-op."""
import hashlib, os, re, struct, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
corpus = os.path.join(here, "Corpus")

def put(target, data, label):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    name = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:40]
    with open(os.path.join(d, f"{name}-{hashlib.sha1(data).hexdigest()[:8]}"), "wb") as f:
        f.write(data)

def u16(n): return struct.pack("<H", n)

def chunk(data):  # FuzzInput.chunk: a u16 length, then the bytes
    return u16(len(data)) + data

# netlink replies (fuzz-netlink: first byte = parts-1; parts before the last are chunks).
fx = os.path.join(root, "Tests/RdmaKitTests/Fixtures/netlink")
requests = []
for name in ("ibv-devices.hex", "rdma-dev-show.hex", "rdma-sys-show.hex"):
    recv = []
    for line in open(os.path.join(fx, name)):
        kind, _, hexdata = line.strip().partition(" ")
        if kind == "RECV": recv.append(bytes.fromhex(hexdata))
        if kind == "SEND": requests.append((name, bytes.fromhex(hexdata)))
    for i, r in enumerate(recv): put("fuzz-netlink", b"\x00" + r, f"{name}-recv{i}")
    if len(recv) >= 2:
        put("fuzz-netlink", bytes([min(len(recv), 4) - 1]) + b"".join(chunk(r) for r in recv[:3]) + recv[min(len(recv), 4) - 1],
            f"{name}-all")
reps = {}
for line in open(os.path.join(fx, "nldev-rxe0-6.1.txt")):
    parts = line.split()
    if len(parts) == 3 and parts[0] == "REQ": requests.append((parts[1], bytes.fromhex(parts[2])))
    if len(parts) == 3 and parts[0] == "REP": reps.setdefault(parts[1], []).append(bytes.fromhex(parts[2]))
for label, msgs in reps.items():
    put("fuzz-netlink", b"\x00" + b"".join(msgs), f"rep-{label}")

# nldev requests to the emulator (fuzz-emulator-nldev: first byte = profile).
for label, req in requests:
    for profile in (0, 1, 2):
        put("fuzz-emulator-nldev", bytes([profile]) + req, f"{label}-p{profile}")

# sysfs values (fuzz-sysfs: a chunk of text, then overlay edits; none here).
for text in ["0011:7501:0179:e4a0\n", "fe80:0000:0000:0000:0011:7501:0179:e4a0\n", "4: ACTIVE\n",
             "1: DOWN\n", "5: LinkUp\n", "2: Polling\n", "100 Gb/sec (4X EDR)\n", "40 Gb/sec (4X QDR)\n",
             "2.5 Gb/sec (1X SDR)\n", "231:192\n", "6\n", "2\n",
             "MAJOR=231\nMINOR=192\nDEVNAME=infiniband/uverbs0\n", "NAME=hfi1_0\n"]:
    put("fuzz-sysfs", chunk(text.encode()) + b"\x00", text)
# ...and one edit of each kind: the first file, link and directory of the walk.
put("fuzz-sysfs", chunk(b"") + b"\x03\x00\x00" + chunk(b"4: ACTIVE\n") + b"\x02\x00" + chunk(b"../../x") +
    b"\x03\x00" + chunk(b"hfi1_0/qib0"), "three-edits")

# snapshot manifest: what `rdmactl --emulated snapshot` writes (Tests' golden, if present).
for dirpath, _, files in os.walk(os.path.join(root, "Tests/RdmaKitTests/Fixtures")):
    for f in files:
        if f == "rdmactl-snapshot.json":
            put("fuzz-manifest", open(os.path.join(dirpath, f), "rb").read(), dirpath.split("Fixtures/")[-1])
put("fuzz-manifest", b'{"schema":"rdmactl-snapshot/1"}', "schema-only")
# ...and the manifest the built rdmactl writes for each profile's default set, when it is built.
import subprocess, tempfile
binary = os.path.join(root, ".build/debug/rdmactl")
if os.access(binary, os.X_OK):
    for profile in ("proposed", "mainline", "legacy"):
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([binary, "--emulated-set", "all", "--profile", profile, "snapshot", tmp + "/s"], check=True,
                           stdout=subprocess.DEVNULL)
            put("fuzz-manifest", open(tmp + "/s/rdmactl-snapshot.json", "rb").read(), f"emulated-{profile}")

# command lines (fuzz-arguments: argv words separated by NUL).
for line in ["--emulated list", "--emulated list --json", "--emulated show hfi1_0/1 --json",
             "--emulated facets --probe", "--emulated open-ops psm2.intel.com --handshake",
             "--emulated --profile mainline open-ops psm.intel.com@1.13 --device qib0/1 --explain",
             "--emulated-set hfi1:3,qib:2 list", "--emulated-set none doctor --json",
             "--emulated --emulated-user 1000:1000 open-ops uverbs --fallback",
             "--emulated monitor --count 2 --emulated-hotplug unplug hfi1_0@0.1s,replug hfi1_0@0.5s",
             "--emulated --emulated-hotplug rename hfi1_0 opa0 list", "--root /nonexistent list",
             "--emulated snapshot -", "--help", "--version", "--emulated open-ops psm2.intel.com@7.1 --dry-run"]:
    put("fuzz-arguments", line.replace(" ", "\0").encode(), line)

# emulator programs (fuzz-emulator-files: profile, credentials, then ops; see its Entry.swift).
def prog(profile, ops): return bytes([profile, 0]) + b"".join(ops)
OPEN = lambda node, rw=True: bytes([0, 0, node, 0 if rw else 1])
IOCTL = lambda req, data: bytes([2, 0, req, 1]) + chunk(data)      # request from the table; buffer
WRITE = lambda data: bytes([3, 0]) + chunk(data) + b"\x01"
DRVOPS = lambda data: bytes([5, 0, 1, 1]) + chunk(data)
CLOSE = bytes([7, 0])
user_info = struct.pack("<IHHBB16s2x", (6 << 16) | 3, 0, 0, 0, 0, b"")[:28].ljust(28, b"\0")
for p in (0, 1, 2):
    put("fuzz-emulator-files", prog(p, [OPEN(0), IOCTL(0, user_info), IOCTL(1, b"\0" * 40), CLOSE]), f"hfi1-assign-p{p}")
    put("fuzz-emulator-files", prog(p, [OPEN(2), WRITE(struct.pack("<II", 1, (1 << 16) | 13) + b"\0" * 24)]), f"qib-assign-p{p}")
    put("fuzz-emulator-files", prog(p, [OPEN(4), DRVOPS(b"psm2.intel.com".ljust(64, b"\0"))]), f"driver-ops-p{p}")
    put("fuzz-emulator-files", prog(p, [OPEN(0), WRITE(struct.pack("<IIQ", 1, 28, 0))]), f"hfi1-write-p{p}")
    put("fuzz-emulator-files", prog(p, [OPEN(6), IOCTL(14, b"\0" * 28), OPEN(7), OPEN(8)]), f"umad-issm-cm-p{p}")
print("seeds written under", corpus)
