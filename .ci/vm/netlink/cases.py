#!/usr/bin/env python3
"""Prints the nlprobe argument list (LABEL HEX pairs) for capture.sh: every NETLINK_RDMA request
whose real-kernel answer the emulator's golden tests pin. Requests are built by hand here (not by
rdmactl's codec) so a codec bug cannot shape its own reference."""
import struct

REQUEST, MULTI, ACK, DUMP = 0x1, 0x2, 0x4, 0x300

def attr(t, data):
    a = struct.pack("<HH", 4 + len(data), t) + data
    return a + b"\0" * (-len(a) % 4)

def u32(t, v): return attr(t, struct.pack("<I", v))
def s(t, text): return attr(t, text.encode() + b"\0")

def msg(op, flags, seq, *attrs, client=5, raw_type=None):
    payload = b"".join(attrs)
    t = raw_type if raw_type is not None else (client << 10) + op
    return struct.pack("<IHHII", 16 + len(payload), t, flags, seq, 0) + payload

GET, PORT_GET, SYS_GET, CHARDEV = 1, 5, 6, 15
DEV, NAME, PORT, TYPE = 1, 2, 3, 69
cases = [
    ("dump", msg(GET, REQUEST | DUMP, 1)),
    ("dump-ack", msg(GET, REQUEST | DUMP | ACK, 2)),
    ("get-dev0", msg(GET, REQUEST, 3, u32(DEV, 0))),
    ("get-dev0-ack", msg(GET, REQUEST | ACK, 4, u32(DEV, 0))),
    ("get-noindex", msg(GET, REQUEST, 5)),
    ("get-dev7", msg(GET, REQUEST, 6, u32(DEV, 7))),
    ("chardev-uverbs", msg(CHARDEV, REQUEST, 7, u32(DEV, 0), s(TYPE, "uverbs"))),
    ("chardev-uverbs-ack", msg(CHARDEV, REQUEST | ACK, 8, u32(DEV, 0), s(TYPE, "uverbs"))),
    ("chardev-umad-p1", msg(CHARDEV, REQUEST, 9, u32(DEV, 0), s(TYPE, "umad"), u32(PORT, 1))),
    ("chardev-issm-p1", msg(CHARDEV, REQUEST, 10, u32(DEV, 0), s(TYPE, "issm"), u32(PORT, 1))),
    ("chardev-rdma_cm", msg(CHARDEV, REQUEST, 11, s(TYPE, "rdma_cm"))),
    ("chardev-rdma_cm-dev0", msg(CHARDEV, REQUEST, 12, u32(DEV, 0), s(TYPE, "rdma_cm"))),
    ("chardev-uverbs-port1", msg(CHARDEV, REQUEST, 13, u32(DEV, 0), s(TYPE, "uverbs"), u32(PORT, 1))),
    ("chardev-umad-noport", msg(CHARDEV, REQUEST, 14, u32(DEV, 0), s(TYPE, "umad"))),
    ("chardev-uverbs-nodev", msg(CHARDEV, REQUEST, 15, s(TYPE, "uverbs"))),
    ("chardev-umad-nodev", msg(CHARDEV, REQUEST, 16, s(TYPE, "umad"))),
    ("chardev-unknown", msg(CHARDEV, REQUEST, 17, u32(DEV, 0), s(TYPE, "psm2.intel.com"))),
    ("chardev-name31", msg(CHARDEV, REQUEST, 18, u32(DEV, 0), s(TYPE, "a" * 31))),
    ("chardev-name32", msg(CHARDEV, REQUEST, 19, u32(DEV, 0), s(TYPE, "a" * 32))),
    ("chardev-name33", msg(CHARDEV, REQUEST, 20, u32(DEV, 0), s(TYPE, "a" * 33))),
    ("chardev-uverbs-pad-name32", msg(CHARDEV, REQUEST, 21, u32(DEV, 0), s(TYPE, "uverbs" + "x" * 26))),
    ("chardev-notype", msg(CHARDEV, REQUEST, 22, u32(DEV, 0))),
    ("chardev-dev7", msg(CHARDEV, REQUEST, 23, u32(DEV, 7), s(TYPE, "uverbs"))),
    ("chardev-umad-p2", msg(CHARDEV, REQUEST, 24, u32(DEV, 0), s(TYPE, "umad"), u32(PORT, 2))),
    ("chardev-umad-p0", msg(CHARDEV, REQUEST, 25, u32(DEV, 0), s(TYPE, "umad"), u32(PORT, 0))),
    ("chardev-port-nodev", msg(CHARDEV, REQUEST, 26, s(TYPE, "rdma_cm"), u32(PORT, 1))),
    ("chardev-no-nul", msg(CHARDEV, REQUEST, 27, u32(DEV, 0), attr(TYPE, b"uverbs"))),
    ("chardev-empty-name", msg(CHARDEV, REQUEST, 28, u32(DEV, 0), attr(TYPE, b"\0"))),
    ("chardev-unknown-attr200", msg(CHARDEV, REQUEST, 29, u32(DEV, 0), s(TYPE, "uverbs"), u32(200, 1))),
    ("chardev-attr0", msg(CHARDEV, REQUEST, 30, u32(DEV, 0), s(TYPE, "uverbs"), u32(0, 1))),
    ("chardev-devindex-short", msg(CHARDEV, REQUEST, 31, attr(DEV, b"\0\0"), s(TYPE, "uverbs"))),
    ("chardev-devindex-long", msg(CHARDEV, REQUEST, 32, attr(DEV, b"\0" * 8), s(TYPE, "uverbs"))),
    ("chardev-dump", msg(CHARDEV, REQUEST | DUMP, 33, u32(DEV, 0), s(TYPE, "uverbs"))),
    ("chardev-trailing", msg(CHARDEV, REQUEST, 34, u32(DEV, 0), s(TYPE, "uverbs")) [:0] +
        struct.pack("<IHHII", 16 + 20 + 2, 0x140f, REQUEST, 34, 0) + u32(DEV, 0) + s(TYPE, "uverbs") + b"\1\1"),
    ("chardev-dup-type", msg(CHARDEV, REQUEST, 35, u32(DEV, 0), s(TYPE, "foo"), s(TYPE, "uverbs"))),
    ("sys-get", msg(SYS_GET, REQUEST, 36)),
    ("sys-get-ack", msg(SYS_GET, REQUEST | ACK, 37)),
    ("sys-get-dump", msg(SYS_GET, REQUEST | DUMP, 38)),
    ("no-request-flag", msg(GET, 0, 39, u32(DEV, 0))),
    ("no-request-flag-ack", msg(GET, ACK, 40, u32(DEV, 0))),
    ("noop-ack", msg(0, REQUEST | ACK, 41, raw_type=1)),
    ("type-0x0f-ack", msg(0, REQUEST | ACK, 42, raw_type=0x0f)),
    ("op0", msg(0, REQUEST, 43)),
    ("op8", msg(8, REQUEST, 44)),
    ("op31", msg(31, REQUEST, 45)),
    ("op63", msg(63, REQUEST, 46)),
    ("client6", msg(1, REQUEST, 47, client=6)),
    ("client63", msg(1, REQUEST, 48, client=63)),
    ("short-len", struct.pack("<IHHII", 40, 0x1401, REQUEST | DUMP, 49, 0)),
    ("len-below-hdr", struct.pack("<IHHII", 8, 0x1401, REQUEST | DUMP, 50, 0)),
    ("two-messages", msg(SYS_GET, REQUEST, 51) + msg(CHARDEV, REQUEST, 52, s(TYPE, "rdma_cm"))),
    ("port-get", msg(PORT_GET, REQUEST, 53, u32(DEV, 0), u32(PORT, 1))),
    ("set-op2", msg(2, REQUEST, 54, u32(DEV, 0))),
    ("pid-nonzero", struct.pack("<IHHII", 16, 0x1406, REQUEST, 55, 0x12345678)),
    # GET doit parses liberally (nlmsg_parse_deprecated), SYS_GET strictly.
    ("get-dev0-attr200", msg(GET, REQUEST, 56, u32(DEV, 0), u32(200, 1))),
    ("get-dev0-trailing", struct.pack("<IHHII", 16 + 8 + 2, 0x1401, REQUEST, 57, 0) + u32(DEV, 0) + b"\1\1"),
    ("get-devindex-long", msg(GET, REQUEST, 58, attr(DEV, b"\0" * 8))),
    ("get-devindex-short", msg(GET, REQUEST, 59, attr(DEV, b"\0\0"))),
    ("sys-get-attr200", msg(SYS_GET, REQUEST, 60, u32(200, 1))),
    ("sys-get-devindex-short", msg(SYS_GET, REQUEST, 61, attr(DEV, b"\0\0"))),
    ("sys-get-type-overlong", msg(SYS_GET, REQUEST, 62, attr(TYPE, b"abc\0" + b"x" * 40))),
    ("chardev-type-overlong", msg(CHARDEV, REQUEST, 63, u32(DEV, 0), attr(TYPE, b"uverbs\0" + b"x" * 40))),
]
print(" ".join(f"{label} {data.hex()}" for label, data in cases))
