#!/usr/bin/env python3
"""Writes a system root (sys/, dev/, rdmactl-snapshot.json) with N hfi1-like devices, for
Scripts/bench.sh: what a host with hundreds of adapters or SR-IOV functions looks like to
rdmactl, libibverbs (SYSFS_PATH) and ibstat (bound over /sys).

usage: Scripts/bench-tree.py TEMPLATE OUT N

TEMPLATE is a snapshot of one emulated hfi1 (`rdmactl --emulated-set hfi1 snapshot T`): its
PCI function directory is cloned N times with the per-device names and numbers rewritten the
way the kernel numbers them — hfi1_<i> (hfi1 init.c), uverbs<i> (uverbs_main.c, minor 192+i
in the fixed range), umad<i>/issm<i> (user_mad.c, minors i and 64+i), /dev/hfi1_<i> (device.c,
minor i) — and a distinct PCI address, node GUID and system image GUID per device. Minors
past the kernel's fixed ranges are kept contiguous: the benchmark needs distinct, consistent
numbers (sysfs `dev` = the manifest's node), not the dynamic major a real kernel would use.
An N of 0 gives an empty tree (class directories, no devices): start-up cost.
"""
import json
import os
import shutil
import stat
import sys

TEMPLATE_PCI = "sys/devices/pci0000:80/0000:80:03.0/0000:81:00.0"


def pci_address(i):
    # 32 devices x 8 functions per bus from bus 0x81 up: 1,024 devices need buses 0x81..0x84.
    return "0000:%02x:%02x.%d" % (0x81 + i // 256, (i // 8) % 32, i % 8)


def guid(i):
    v = 0x0011750101790000 + i
    h = "%016x" % v
    return ":".join(h[k:k + 4] for k in range(0, 16, 4))


def make_node(path, node):
    """A real character node when run as root (the tree is bound over /dev, so the live code
    path sees what a real /dev holds), else a placeholder file as snapshots write them."""
    if os.geteuid() == 0:
        os.mknod(path, int(node["mode"], 8) | stat.S_IFCHR, os.makedev(node["major"], node["minor"]))
        os.chmod(path, int(node["mode"], 8))
    else:
        open(path, "w").close()


def rewrite(path, old, new):
    with open(path) as f:
        text = f.read()
    for a, b in zip(old, new):
        text = text.replace(a, b)
    with open(path, "w") as f:
        f.write(text)


def main():
    template, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    manifest = json.load(open(os.path.join(template, "rdmactl-snapshot.json")))
    tnodes = {node["path"]: node for node in manifest["nodes"]}
    nodes = [tnodes["/dev/infiniband/rdma_cm"]]
    for d in ("sys/class/infiniband", "sys/class/infiniband_verbs", "sys/class/infiniband_mad",
              "sys/class/hfi1_user", "sys/class/misc", "sys/devices/virtual/hfi1_user", "dev/infiniband"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    for f in ("sys/class/infiniband_verbs/abi_version", "sys/class/infiniband_mad/abi_version"):
        shutil.copy(os.path.join(template, f), os.path.join(out, f))
    shutil.copytree(os.path.join(template, "sys/devices/virtual/misc"), os.path.join(out, "sys/devices/virtual/misc"),
                    symlinks=True)
    os.symlink("../../devices/virtual/misc/rdma_cm", os.path.join(out, "sys/class/misc/rdma_cm"))
    make_node(os.path.join(out, "dev/infiniband/rdma_cm"), tnodes["/dev/infiniband/rdma_cm"])

    for i in range(n):
        addr = pci_address(i)
        parent = "sys/devices/pci0000:80/0000:80:03.0/" + addr
        dst = os.path.join(out, parent)
        shutil.copytree(os.path.join(template, TEMPLATE_PCI), dst, symlinks=True)
        renames = [("infiniband/hfi1_0", "infiniband/hfi1_%d" % i),
                   ("infiniband_verbs/uverbs0", "infiniband_verbs/uverbs%d" % i),
                   ("infiniband_mad/umad0", "infiniband_mad/umad%d" % i),
                   ("infiniband_mad/issm0", "infiniband_mad/issm%d" % i)]
        for a, b in renames:
            if a != b:
                os.rename(os.path.join(dst, a), os.path.join(dst, b))
        ib = os.path.join(dst, "infiniband/hfi1_%d" % i)
        for f in ("node_guid", "sys_image_guid"):
            with open(os.path.join(ib, f), "w") as fh:
                fh.write(guid(i) + "\n")
        rewrite(os.path.join(ib, "uevent"), ["NAME=hfi1_0"], ["NAME=hfi1_%d" % i])
        for cls, name, minor in (("infiniband_verbs", "uverbs%d" % i, 192 + i),
                                 ("infiniband_mad", "umad%d" % i, i),
                                 ("infiniband_mad", "issm%d" % i, 64 + i + (i // 64) * 64)):
            cdir = os.path.join(dst, cls, name)
            rewrite(os.path.join(cdir, "ibdev"), ["hfi1_0"], ["hfi1_%d" % i])
            with open(os.path.join(cdir, "dev"), "w") as fh:
                fh.write("231:%d\n" % minor)
            base = name.rstrip("0123456789")
            rewrite(os.path.join(cdir, "uevent"), ["MINOR=%d" % {"uverbs": 192, "umad": 0, "issm": 64}[base],
                                                   "DEVNAME=infiniband/%s0" % base],
                    ["MINOR=%d" % minor, "DEVNAME=infiniband/%s" % name])
            os.symlink("../../devices/pci0000:80/0000:80:03.0/%s/%s/%s" % (addr, cls, name),
                       os.path.join(out, "sys/class", cls, name))
            path = "/dev/infiniband/" + name
            node = dict(tnodes["/dev/infiniband/%s0" % base], path=path, minor=minor)
            make_node(os.path.join(out, path[1:]), node)
            nodes.append(node)
        os.symlink("../../devices/pci0000:80/0000:80:03.0/%s/infiniband/hfi1_%d" % (addr, i),
                   os.path.join(out, "sys/class/infiniband/hfi1_%d" % i))
        # The driver's own node: /dev/hfi1_<i>, class hfi1_user (virtual).
        udir = os.path.join(out, "sys/devices/virtual/hfi1_user/hfi1_%d" % i)
        shutil.copytree(os.path.join(template, "sys/devices/virtual/hfi1_user/hfi1_0"), udir, symlinks=True)
        with open(os.path.join(udir, "dev"), "w") as fh:
            fh.write("246:%d\n" % i)
        rewrite(os.path.join(udir, "uevent"), ["MINOR=0", "DEVNAME=hfi1_0"], ["MINOR=%d" % i, "DEVNAME=hfi1_%d" % i])
        os.symlink("../../devices/virtual/hfi1_user/hfi1_%d" % i, os.path.join(out, "sys/class/hfi1_user/hfi1_%d" % i))
        node = dict(tnodes["/dev/hfi1_0"], path="/dev/hfi1_%d" % i, minor=i)
        make_node(os.path.join(out, "dev/hfi1_%d" % i), node)
        nodes.append(node)

    manifest["nodes"] = sorted(nodes, key=lambda node: node["path"])
    manifest["captured_from"] = "Scripts/bench-tree.py (%d hfi1-like devices)" % n
    manifest.pop("netlink_devices", None)
    with open(os.path.join(out, "rdmactl-snapshot.json"), "w") as fh:
        json.dump(manifest, fh, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
