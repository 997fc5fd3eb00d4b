#!/usr/bin/env python3
"""Turns an `strace -xx -e write=all -e read=all` transcript of NETLINK_RDMA traffic into the
fixture format of Tests/RdmaKitTests/Fixtures/netlink: one "SEND hex" line per sendto/sendmsg
buffer and one "RECV hex" line per recvmsg buffer (a RECV buffer may hold several messages).
'#' lines of the input are kept as comments; everything else is dropped.
usage: strace2hex.py < transcript > fixture.hex"""
import re, sys

out, kind, data = [], None, []

def flush():
    global kind, data
    if kind and data:
        out.append(f"{kind} {bytes(data).hex()}")
    kind, data = None, []

for line in sys.stdin:
    if line.startswith("#"):
        out.append(line.rstrip("\n"))
    elif re.match(r"(sendto|sendmsg)\(", line):
        flush(); kind = "SEND"
    elif re.match(r"(recvmsg|recvfrom)\(", line):
        flush(); kind = "RECV"
    elif kind and (m := re.match(r" \| [0-9a-f]{5}  ((?:[0-9a-f]{2} {1,2}){1,16})", line)):
        data += bytes.fromhex(m.group(1).replace(" ", ""))
    elif not line.startswith(" * "):
        flush()
flush()
print("\n".join(out))
