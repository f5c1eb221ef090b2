# SPDX-License-Identifier: ISC
# Torture messages over UDP: a sender that prints what comes back, and a
# sink that stands for the hosts the proxy forwards to.
#
#   python3 torture.py [-w] [-p] [-t SEC] [-c DIR] SRC DST PORT FILE...
#
# For each FILE, from a fresh socket on SRC: send its bytes exactly (-w: in
# the RFC 5118 wire form), wait up to SEC (default 0.5) for a final answer
# and print one line "NAME OUTCOME ALIVE STATUS-LINE".  OUTCOME is the
# status code of the first final response (or of a provisional one when no
# final came); else "fwd" when the sink's directory DIR (-c) got new
# datagrams meanwhile (they are moved to DIR/NAME.N); else "none".  With
# -p, ALIVE says whether an OPTIONS to DST itself, sent after the file, got
# its 200 within a second ("alive", else "dead"); without, it is "-".
#
#   python3 torture.py -S DIR SEC ADDR PORT [ADDR PORT...]
#
# The sink: receive on each ADDR:PORT for at most SEC seconds and store each
# datagram as a file of DIR.

import os
import select
import socket
import sys
import time

import sipmsg


def wireform(raw):
    """rfc5118/index.md: LF -> CRLF, end the header section, set
    Content-Length to the body size; nothing else."""
    sep = raw.find(b"\n\n")
    if sep == -1:
        head, body = raw, b""
    else:
        head, body = raw[:sep + 1], raw[sep + 2:]
    head = head.replace(b"\n", b"\r\n")
    if not head.endswith(b"\r\n"):
        head += b"\r\n"
    body = body.replace(b"\n", b"\r\n")
    lines = []
    for line in head.split(b"\r\n")[:-1]:
        if line.lower().startswith(b"content-length:"):
            line = b"Content-Length: %d" % len(body)
        lines.append(line + b"\r\n")
    return b"".join(lines) + b"\r\n" + body


def status(data):
    """(the status code or None, the first line)."""
    return sipmsg.status(data), data.split(b"\n", 1)[0].rstrip(b"\r")


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def one(src, dst, port, payload, wait):
    s = socket.socket(family(dst), socket.SOCK_DGRAM)
    try:
        s.bind((src, 0))
        s.sendto(payload, (dst, port))
        end = time.monotonic() + wait
        got = None
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                data = s.recv(65535)
            except socket.timeout:
                break
            except ConnectionRefusedError:
                continue
            code, line = status(data)
            if code is None:
                continue
            if got is None or got[0] < 200:
                got = (code, line)
            if code >= 200:
                break
        return got
    finally:
        s.close()


PROBE = ("OPTIONS sip:%(dst)s:%(port)d SIP/2.0\r\n"
         "Via: SIP/2.0/UDP %(src)s;branch=z9hG4bKprobe%(n)d\r\n"
         "Max-Forwards: 70\r\n"
         "To: <sip:%(dst)s:%(port)d>\r\n"
         "From: <sip:probe@%(src)s>;tag=p%(n)d\r\n"
         "Call-ID: probe%(n)d@%(src)s\r\n"
         "CSeq: 1 OPTIONS\r\n"
         "Content-Length: 0\r\n\r\n")


def hostpart(addr):
    return "[%s]" % addr if ":" in addr else addr


def alive(src, dst, port, n):
    msg = PROBE % {"src": hostpart(src), "dst": hostpart(dst), "port": port,
                   "n": n}
    got = one(src, dst, port, msg.encode(), 1.0)
    return got is not None and got[0] == 200


def captured(cdir):
    if cdir is None:
        return set()
    return set(n for n in os.listdir(cdir) if n.startswith("dg"))


def send(argv):
    wire, probe, wait, cdir = False, False, 0.5, None
    while argv and argv[0].startswith("-"):
        if argv[0] == "-w":
            wire = True
            argv = argv[1:]
        elif argv[0] == "-p":
            probe = True
            argv = argv[1:]
        elif argv[0] == "-t" and len(argv) > 1:
            wait = float(argv[1])
            argv = argv[2:]
        elif argv[0] == "-c" and len(argv) > 1:
            cdir = argv[1]
            argv = argv[2:]
        else:
            break
    if len(argv) < 4:
        sys.stderr.write("usage: torture.py [-w] [-p] [-t sec] [-c dir] "
                         "src dst port file...\n")
        return 2
    src, dst, port = argv[0], argv[1], int(argv[2])
    for seq, path in enumerate(argv[3:]):
        name = os.path.basename(path)
        with open(path, "rb") as f:
            raw = f.read()
        before = captured(cdir)
        got = one(src, dst, port, wireform(raw) if wire else raw, wait)
        new = sorted(captured(cdir) - before)
        for i, n in enumerate(new):
            os.rename(os.path.join(cdir, n),
                      os.path.join(cdir, "%s.%d" % (name, i)))
        live = "-"
        if probe:
            live = "alive" if alive(src, dst, port, seq) else "dead"
        if got is not None:
            line = got[1].decode("ascii", "backslashreplace")
            print("%s %d %s %s" % (name, got[0], live, line))
        elif new:
            print("%s fwd %s %d datagram(s)" % (name, live, len(new)))
        else:
            print("%s none %s -" % (name, live))
        sys.stdout.flush()
    return 0


def sink(argv):
    if len(argv) < 4 or len(argv) % 2 != 0:
        sys.stderr.write("usage: torture.py -S dir sec addr port...\n")
        return 2
    cdir, life = argv[0], float(argv[1])
    socks = []
    for i in range(2, len(argv), 2):
        s = socket.socket(family(argv[i]), socket.SOCK_DGRAM)
        s.bind((argv[i], int(argv[i + 1])))
        socks.append(s)
    end = time.monotonic() + life
    n = 0
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select(socks, [], [], left)
        for s in ready:
            data = s.recv(65535)
            n += 1
            tmp = os.path.join(cdir, ".tmp%d" % n)
            with open(tmp, "wb") as f:
                f.write(data)
            os.rename(tmp, os.path.join(cdir, "dg%06d" % n))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "-S":
        sys.exit(sink(sys.argv[2:]))
    sys.exit(send(sys.argv[1:]))
