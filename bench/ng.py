#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""bench: drive rtpengine over its ng control protocol (bencode over UDP).

   ng.py ADDR:PORT setup N LANIP LPORT0 WANIP WPORT0 CALLSFILE
   ng.py ADDR:PORT teardown N

setup offers N calls as the LAN end (LANIP, LPORT0 + 2i) and answers them
as the WAN end (WANIP, WPORT0 + 2i); the calls file gets one line a call,
"lport lrelayport wport wrelayport", as rtpblast reads it.
"""

import os
import re
import socket
import sys
import time


def benc(v):
    if isinstance(v, int):
        return b"i%de" % v
    if isinstance(v, str):
        v = v.encode()
    if isinstance(v, bytes):
        return b"%d:%s" % (len(v), v)
    if isinstance(v, list):
        return b"l" + b"".join(benc(x) for x in v) + b"e"
    if isinstance(v, dict):
        return b"d" + b"".join(benc(k) + benc(v[k]) for k in sorted(v)) + \
            b"e"
    raise TypeError(type(v))


def bdec(b, i=0):
    """Decode one value at b[i:]; return (value, next index)."""
    c = b[i:i + 1]
    if c == b"i":
        j = b.index(b"e", i)
        return int(b[i + 1:j]), j + 1
    if c == b"l":
        out, i = [], i + 1
        while b[i:i + 1] != b"e":
            v, i = bdec(b, i)
            out.append(v)
        return out, i + 1
    if c == b"d":
        out, i = {}, i + 1
        while b[i:i + 1] != b"e":
            k, i = bdec(b, i)
            v, i = bdec(b, i)
            out[k.decode()] = v
        return out, i + 1
    if c.isdigit():
        j = b.index(b":", i)
        n = int(b[i:j])
        return b[j + 1:j + 1 + n], j + 1 + n
    raise ValueError("bad bencode at %d" % i)


_seq = [0]


class Ng:
    def __init__(self, addr, timeout=2.0):
        host, port = addr.rsplit(":", 1)
        self.dst = (host, int(port))
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.settimeout(timeout)
        # rtpengine answers a cookie it has seen from its cache.
        self.tag = os.urandom(4).hex()

    def cmd(self, d, tries=3):
        for _ in range(tries):
            _seq[0] += 1
            cookie = ("%s_%d" % (self.tag, _seq[0])).encode()
            self.s.sendto(cookie + b" " + benc(d), self.dst)
            try:
                while True:
                    r = self.s.recv(65536)
                    c, _, body = r.partition(b" ")
                    if c == cookie:
                        v, _ = bdec(body)
                        return v
            except socket.timeout:
                continue
        raise RuntimeError("rtpengine: no answer to %s" % d.get("command"))

    def close(self):
        self.s.close()


def sdp(ip, port):
    return ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
            % (ip, ip, port))


def media_port(r):
    if r.get("result") != b"ok":
        raise RuntimeError("rtpengine: %r" % r.get("error-reason",
                                                   r.get("result")))
    m = re.search(rb"^m=audio (\d+)", r["sdp"], re.M)
    if not m:
        raise RuntimeError("rtpengine: no m= line in %r" % r["sdp"])
    return int(m.group(1))


def setup(ng, n, lanip, lport0, wanip, wport0, tag="b"):
    """Offer and answer n calls; return [(lport, lrelay, wport, wrelay)]."""
    calls = []
    for i in range(n):
        cid = "%s-%d" % (tag, i)
        lp, wp = lport0 + 2 * i, wport0 + 2 * i
        common = {"call-id": cid, "from-tag": "f%d" % i,
                  "replace": ["origin", "session-connection"],
                  "ICE": "remove"}
        o = dict(common, command="offer", sdp=sdp(lanip, lp),
                 direction=["internal", "external"])
        wrelay = media_port(ng.cmd(o))
        a = dict(common, command="answer", sdp=sdp(wanip, wp),
                 **{"to-tag": "t%d" % i})
        lrelay = media_port(ng.cmd(a))
        calls.append((lp, lrelay, wp, wrelay))
    return calls


def teardown(ng, n, tag="b"):
    for i in range(n):
        ng.cmd({"command": "delete", "call-id": "%s-%d" % (tag, i),
                "from-tag": "f%d" % i})


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    ng = Ng(argv[1])
    if argv[2] == "setup" and len(argv) == 9:
        t = time.monotonic()
        calls = setup(ng, int(argv[3]), argv[4], int(argv[5]), argv[6],
                      int(argv[7]))
        with open(argv[8], "w") as f:
            for c in calls:
                f.write("%d %d %d %d\n" % c)
        print("ng setup calls=%d seconds=%.3f" % (len(calls),
                                                   time.monotonic() - t))
    elif argv[2] == "teardown":
        teardown(ng, int(argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
