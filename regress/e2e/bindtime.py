# SPDX-License-Identifier: ISC
# How long siproxd takes to serve on addresses once they are there (run in
# the firewall's namespace, started before the addresses come): the time
# rtnetlink announces the last of the addresses (RTM_NEWADDR), and the
# time a UDP socket is bound on each ADDR:PORT (/proc/net/udp, looked at
# every 5 ms by this one process, so that the measurement does not wait
# on fork and exec on a loaded machine).  Prints "ready" once listening,
# then "addr=EPOCH bound=EPOCH" (wall clock, seconds).
#   python3 bindtime.py TIMEOUT ADDR:PORT...
import socket
import struct
import sys
import time

RTMGRP_IPV4_IFADDR = 0x10
RTM_NEWADDR = 20
IFA_LOCAL = 2

timeout = float(sys.argv[1])
want = [a.rsplit(":", 1) for a in sys.argv[2:]]
deadline = time.monotonic() + timeout

nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
nl.bind((0, RTMGRP_IPV4_IFADDR))
print("ready", flush=True)


def new_addrs(buf):
    """The IPv4 addresses RTM_NEWADDR messages in buf announce."""
    off = 0
    while off + 16 <= len(buf):
        ln, typ = struct.unpack_from("=IH", buf, off)
        if ln < 16 or off + ln > len(buf):
            return
        if typ == RTM_NEWADDR:
            a = off + 16 + 8            # nlmsghdr, ifaddrmsg
            while a + 4 <= off + ln:
                alen, atyp = struct.unpack_from("=HH", buf, a)
                if alen < 4:
                    break
                if atyp == IFA_LOCAL and alen == 8:
                    yield socket.inet_ntoa(buf[a + 4:a + 8])
                a += (alen + 3) & ~3
        off += (ln + 3) & ~3


def proc_key(addr, port):
    h = struct.unpack("<I", socket.inet_aton(addr))[0]
    return "%08X:%04X" % (h, int(port))


seen = set()
nl.settimeout(0.1)
while seen != {a for a, _ in want}:
    if time.monotonic() > deadline:
        sys.exit("no address")
    try:
        seen.update(a for a in new_addrs(nl.recv(65536))
                    if a in {w for w, _ in want})
    except socket.timeout:
        pass
t_addr = time.time()

keys = {proc_key(a, p) for a, p in want}
while True:
    with open("/proc/net/udp") as f:
        bound = {line.split()[1] for line in f.readlines()[1:]}
    if keys <= bound:
        break
    if time.monotonic() > deadline:
        sys.exit("not bound")
    time.sleep(0.005)
print("addr=%.3f bound=%.3f" % (t_addr, time.time()), flush=True)
