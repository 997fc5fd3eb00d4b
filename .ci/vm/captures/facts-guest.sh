#!/bin/sh
s() { echo; echo "=== $1 ==="; }
s 'uname -r'; uname -r
s 'rdma -j dev show'; rdma -j dev show 2>&1
s 'rdma -j link show'; rdma -j link show 2>&1
s 'rdma -d dev show'; rdma -d dev show 2>&1
s 'rdma -j -d link show'; rdma -j -d link show 2>&1
s 'rdma -j -d dev show'; rdma -j -d dev show 2>&1
s 'rdma -d link show'; rdma -d link show 2>&1
s 'rdma -p -j -d dev show'; rdma -p -j -d dev show 2>&1
s 'rdma -p -j -d link show'; rdma -p -j -d link show 2>&1
s 'rdma -V'; rdma -V 2>&1
for d in /sys/class/infiniband/ /sys/class/infiniband_verbs/ /sys/class/infiniband_mad/ /sys/class/infiniband/rxe0/ /sys/class/infiniband/rxe0/ports/1/; do
  s "ls -la $d"; ls -la $d 2>&1
done
s 'ls /sys/class/infiniband/rxe0/ports/1/gid_attrs/ndevs | head'; ls /sys/class/infiniband/rxe0/ports/1/gid_attrs/ndevs | head
s 'ls -la /sys/class/infiniband/rxe0/ports/1/gids | head'; ls /sys/class/infiniband/rxe0/ports/1/gids | head
s 'sysfs files of rxe0 and port 1'
for f in /sys/class/infiniband/rxe0/* /sys/class/infiniband/rxe0/ports/1/*; do [ -f "$f" ] && { echo "--- $f"; cat "$f" 2>&1 | head -3; }; done
s 'ls -la /sys/class/infiniband/rxe0/device (readlink)'; readlink /sys/class/infiniband/rxe0/device 2>&1; readlink -f /sys/class/infiniband/rxe0/device 2>&1
s 'ls -la /sys/class/infiniband/rxe0/parent'; ls -la /sys/class/infiniband/rxe0/parent 2>&1 | head
for f in ibdev abi_version dev uevent; do s "cat /sys/class/infiniband_verbs/uverbs0/$f"; cat /sys/class/infiniband_verbs/uverbs0/$f 2>&1; done
s 'cat /sys/class/infiniband_verbs/abi_version'; cat /sys/class/infiniband_verbs/abi_version 2>&1
s 'ls -la /sys/class/infiniband_verbs/uverbs0/'; ls -la /sys/class/infiniband_verbs/uverbs0/ 2>&1
s 'readlink /sys/class/infiniband_verbs/uverbs0'; readlink /sys/class/infiniband_verbs/uverbs0
s 'readlink -f /sys/class/infiniband_verbs/uverbs0/device'; readlink -f /sys/class/infiniband_verbs/uverbs0/device 2>&1
for f in ibdev port dev uevent; do s "cat /sys/class/infiniband_mad/umad0/$f"; cat /sys/class/infiniband_mad/umad0/$f 2>&1; done
s 'cat /sys/class/infiniband_mad/abi_version'; cat /sys/class/infiniband_mad/abi_version 2>&1
s 'readlink /sys/class/infiniband_mad/umad0'; readlink /sys/class/infiniband_mad/umad0
s 'ls -la /sys/class/infiniband_mad/umad0/'; ls -la /sys/class/infiniband_mad/umad0/ 2>&1
for f in ibdev port dev uevent; do s "cat /sys/class/infiniband_mad/issm0/$f"; cat /sys/class/infiniband_mad/issm0/$f 2>&1; done
s 'readlink /sys/class/infiniband_mad/issm0'; readlink /sys/class/infiniband_mad/issm0
s 'cat /sys/class/infiniband/rxe0/uevent'; cat /sys/class/infiniband/rxe0/uevent
s 'readlink -f /sys/class/infiniband/rxe0'; readlink -f /sys/class/infiniband/rxe0
s 'readlink /sys/class/infiniband/rxe0'; readlink /sys/class/infiniband/rxe0
s 'cat gids/0 ndevs/0 ndevs/1 types/0'
cat /sys/class/infiniband/rxe0/ports/1/gids/0 /sys/class/infiniband/rxe0/ports/1/gid_attrs/ndevs/0 /sys/class/infiniband/rxe0/ports/1/gid_attrs/ndevs/1; cat /sys/class/infiniband/rxe0/ports/1/gid_attrs/types/0
s 'gids 0..3 with ndevs/types'
for i in 0 1 2 3; do echo "$i $(cat /sys/class/infiniband/rxe0/ports/1/gids/$i 2>&1) $(cat /sys/class/infiniband/rxe0/ports/1/gid_attrs/ndevs/$i 2>&1) $(cat /sys/class/infiniband/rxe0/ports/1/gid_attrs/types/$i 2>&1)"; done
s 'ls -la /dev/infiniband/'; ls -la /dev/infiniband/
s 'stat /dev/infiniband/*'; stat -c '%n %F %t:%T %a %u:%g' /dev/infiniband/*
s 'cat /sys/class/misc/rdma_cm/abi_version /sys/class/misc/rdma_cm/dev'; cat /sys/class/misc/rdma_cm/abi_version /sys/class/misc/rdma_cm/dev
s 'cat /sys/class/misc/rdma_cm/uevent'; cat /sys/class/misc/rdma_cm/uevent 2>&1
s 'ls /sys/class/net/; cat /sys/class/net/dummy0/address'; ls /sys/class/net/; cat /sys/class/net/dummy0/address
s 'cat /sys/class/net/dummy0/ifindex operstate mtu'; cat /sys/class/net/dummy0/ifindex /sys/class/net/dummy0/operstate /sys/class/net/dummy0/mtu
s 'ibv_devices'; ibv_devices 2>&1
s 'ibv_devinfo -v'; ibv_devinfo -v 2>&1
s 'strace rdma dev show'
strace -f -xx -s 4096 -e trace=socket,sendmsg,recvmsg,sendto,recvfrom rdma dev show 2>/tmp/st1; cat /tmp/st1
s 'strace rdma link show'
strace -f -xx -s 4096 -e trace=socket,sendmsg,recvmsg,sendto,recvfrom rdma link show 2>/tmp/st2; cat /tmp/st2
s 'strace rdma -d dev show'
strace -f -xx -s 4096 -e trace=socket,sendmsg,recvmsg,sendto,recvfrom rdma -d dev show 2>/tmp/st3; cat /tmp/st3
s 'strace rdma -j -d link show'
strace -f -xx -s 4096 -e trace=socket,sendmsg,recvmsg,sendto,recvfrom rdma -j -d link show 2>/tmp/st4; cat /tmp/st4
s 'END'
