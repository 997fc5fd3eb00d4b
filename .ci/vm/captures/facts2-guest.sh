#!/bin/sh
s() { echo; echo "=== $1 ==="; }
for c in "dev show" "link show" "-j -d dev show" "-j -d link show"; do
  s "strace hexdump: rdma $c"
  strace -f -xx -s 4096 -e trace=socket,sendto,recvmsg -e write=all -e read=all rdma $c 2>/tmp/st; cat /tmp/st
done
s 'END'
