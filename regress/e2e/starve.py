# SPDX-License-Identifier: ISC
# Floods for starve.sh: many idle TCP connections, or requests whose next
# hop never resolves.
#
#   python3 starve.py tcp DST SECONDS PER SRC...
#   Opens PER connections from each SRC to DST (ip:port) and sends
#   nothing.  After 2 s prints "open=N closed=N connecting=N" (as the
#   attacker sees them) and "ready"; then waits until all are closed or
#   SECONDS have passed and prints "closed_after=S" (when the last of the
#   connections open at 2 s closed, from the start) or "still_open=N".
#
#   python3 starve.py dns DST COUNT DOMAIN SRC...
#   Sends COUNT INVITEs over UDP to DST, 500 a second, from the SRCs in
#   turn, each for a new name under DOMAIN; counts the final answers that
#   come within 1.5 s of the last: "sent=N 503=N other=N".
import resource
import selectors
import socket
import sys
import time


def family(a):
    return socket.AF_INET6 if ":" in a else socket.AF_INET


def hostport(s):
    h, p = s.rsplit(":", 1)
    return h.strip("[]"), int(p)


def tcp(dst, seconds, per, srcs):
    lim = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (lim[1], lim[1]))
    dh, dp = hostport(dst)
    sel = selectors.DefaultSelector()
    state = {}
    t0 = time.monotonic()
    for src in srcs:
        for _ in range(per):
            s = socket.socket(family(src), socket.SOCK_STREAM)
            s.setblocking(False)
            s.bind((src, 0))
            s.connect_ex((dh, dp))
            state[s] = "connecting"
            sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    last_close = None

    def poll(until):
        nonlocal last_close
        while time.monotonic() < until:
            for key, ev in sel.select(0.05):
                s = key.fileobj
                if state[s] == "connecting" and ev & selectors.EVENT_WRITE:
                    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    state[s] = "closed" if err else "open"
                    if err:
                        sel.unregister(s)
                        continue
                    sel.modify(s, selectors.EVENT_READ)
                if ev & selectors.EVENT_READ:
                    try:
                        if s.recv(4096) != b"":
                            continue
                    except OSError:
                        pass
                    state[s] = "closed"
                    last_close = time.monotonic()
                    sel.unregister(s)
            if until - t0 > 2 and all(v == "closed" for v in state.values()):
                return

    poll(t0 + 2)
    at2 = [s for s, v in state.items() if v == "open"]
    counts = {k: sum(1 for v in state.values() if v == k)
              for k in ("open", "closed", "connecting")}
    print("open=%(open)d closed=%(closed)d connecting=%(connecting)d" %
          counts)
    print("ready", flush=True)
    poll(t0 + seconds)
    left = sum(1 for s in at2 if state[s] != "closed")
    if left:
        print("still_open=%d" % left)
    else:
        print("closed_after=%.1f" % ((last_close or t0) - t0))


def dns(dst, count, domain, srcs):
    dh, dp = hostport(dst)
    socks = []
    for src in srcs:
        s = socket.socket(family(src), socket.SOCK_DGRAM)
        s.bind((src, 5090))
        s.setblocking(False)
        socks.append((s, src))
    sel = selectors.DefaultSelector()
    for s, _ in socks:
        sel.register(s, selectors.EVENT_READ)
    got = {"503": 0, "other": 0}

    def drain(t):
        for key, _ in sel.select(t):
            try:
                d = key.fileobj.recv(65535)
            except OSError:
                continue
            code = d.split(b" ", 2)[1].decode() if d.startswith(
                b"SIP/2.0 ") else ""
            if code.startswith("1"):
                continue
            got["503" if code == "503" else "other"] += 1

    for i in range(count):
        s, src = socks[i % len(socks)]
        h = "[%s]" % src if ":" in src else src
        m = ("INVITE sip:u%d@n%d.%s SIP/2.0\r\n"
             "Via: SIP/2.0/UDP %s:5090;branch=z9hG4bKstarve%d\r\n"
             "Max-Forwards: 70\r\n"
             "From: <sip:flood@%s>;tag=s%d\r\n"
             "To: <sip:u%d@n%d.%s>\r\n"
             "Call-ID: starve-%d@%s\r\n"
             "CSeq: 1 INVITE\r\n"
             "Contact: <sip:flood@%s:5090>\r\n"
             "Content-Length: 0\r\n\r\n" % (i, i, domain, h, i, h, i, i, i,
                                             domain, i, h, h))
        s.sendto(m.encode(), (dh, dp))
        drain(0.002)	# paced: a burst would overflow socket buffers
    end = time.monotonic() + 1.5
    while time.monotonic() < end:
        drain(0.1)
    print("sent=%d 503=%d other=%d" % (count, got["503"], got["other"]))


if sys.argv[1] == "tcp":
    tcp(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5:])
else:
    dns(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:])
