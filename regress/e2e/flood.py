# SPDX-License-Identifier: ISC
# Load for the flood and soak tests: SIP floods, a sink, a WAN peer that
# answers everything, and LAN phones that place calls with media.
#
#   python3 flood.py send KIND SRC DST [-r RATE] [-s SECONDS] [-n COUNT]
#	[-f FIRST] [-u URI] [-t] [-l LINGER]
#	KIND register	REGISTERs (from the WAN: each gets a 403)
#	     invite	INVITEs for numbers nobody registered (a scanner)
#	     sdp300	INVITEs whose SDP has 300 m= lines
#	     big	an INVITE as large as one IPv4 datagram allows
#	     vias	an INVITE with 5,000 Via values (as many as fit: -t
#			sends all 5,000 over TCP instead)
#	     hold	INVITEs that are never answered: each holds a relay
#	     cancel	a CANCEL for each INVITE "hold" sent (same -f, -n)
#   Sends to DST (ip:port) from SRC (ip:port), at RATE a second for at most
#   SECONDS or COUNT messages, numbered from FIRST; -u is the Request-URI
#   of INVITEs.  Counts the answers until LINGER seconds (0.5) after the
#   last, prints "sent=N ... answers=CODE:N,..." and exits 0.
#
#   python3 flood.py sink ADDR:PORT SECONDS
#   Reads and drops datagrams for SECONDS; prints "received=N".
#
#   python3 flood.py wan IP SECONDS
#   The provider, stateless: a registrar on IP:5060 that grants what it is
#   asked, a callee on IP:5070 that answers every INVITE with 200 and media
#   on IP:40000, where every RTP packet is sent back to where it came from.
#   Runs for SECONDS or until SIGTERM; prints its counters.
#
#   python3 flood.py phones IP PROXY [-c CALLS] [-g REGS] [-C CONC]
#	[-G REGCONC] [-k PACKETS] [-P USERS] [-u URI] [-q]
#	[-m FILE -p PID,...]
#   LAN phones on IP (SIP on :5062, RTP on :20000) that place CALLS calls
#   to URI (sip:wan@uas.test) through PROXY (ip:port), each with PACKETS RTP packets
#   that must come back byte for byte through both relay legs, and REGS
#   REGISTERs of USERS users@sip.test (every other round an unregister).
#   At most CONC calls and REGCONC registrations at once.  Prints progress
#   lines (unless -q) and a summary; exits 0 only if every call and every
#   registration succeeded.  -m: every half second, a line "ms calls
#   kB..." in FILE: time, calls done, and the resident memory of each -p
#   PID.
#
# Nothing is sent anywhere but to the addresses given, and media back to
# where it came from.

import argparse
import hashlib
import os
import select
import signal
import socket
import struct
import sys
import time

from sipmsg import CRLF, build, parse, status

T1 = 0.5
RTP_HDR = 12
RTP_PAYLOAD = 160
WAN_MEDIA_PORT = 40000
PHONE_SIP_PORT = 5062
PHONE_RTP_PORT = 20000
UDP4_MAX = 65507		# the payload of a 65,535-byte IPv4 datagram
VIAS = 5000


def hostport(s):
    host, port = s.rsplit(":", 1)
    return host.strip("[]"), int(port)


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def sdp(ip, ports):
    lines = ["v=0", "o=- 1 1 IN IP4 %s" % ip, "s=-", "c=IN IP4 %s" % ip,
             "t=0 0"]
    for p in ports:
        lines += ["m=audio %d RTP/AVP 0" % p, "a=rtpmap:0 PCMU/8000"]
    return (CRLF.join(lines) + CRLF).encode()


def sdp_media(body):
    """(address, first audio port) of an SDP body, or (None, None)."""
    addr = port = None
    for line in body.split("\r\n"):
        if line.startswith("c=IN IP4 ") and addr is None:
            addr = line[9:].strip()
        elif line.startswith("m=audio ") and port is None:
            try:
                port = int(line.split()[1])
            except (IndexError, ValueError):
                return None, None
    return addr, port


# --- send: floods of crafted messages ---------------------------------

def invite(src, dst, n, uri, body, extra=()):
    sip, sport = src
    return build([
        "INVITE %s SIP/2.0" % uri,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-fl%d-%d;rport" %
        (sip, sport, os.getpid(), n),
        "Max-Forwards: 70",
        "From: <sip:flood@%s>;tag=fl%d" % (sip, n),
        "To: <%s>" % uri,
        "Call-ID: flood-%d-%d@%s" % (os.getpid(), n, sip),
        "CSeq: 1 INVITE",
        "Contact: <sip:flood@%s:%d>" % (sip, sport),
        "User-Agent: flood",
    ] + list(extra) + ["Content-Type: application/sdp"], body)


def gen_register(src, dst, n, a):
    sip, sport = src
    return build([
        "REGISTER sip:%s SIP/2.0" % dst[0],
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-rg%d-%d;rport" %
        (sip, sport, os.getpid(), n),
        "Max-Forwards: 70",
        "From: <sip:scan%d@%s>;tag=rg%d" % (n, dst[0], n),
        "To: <sip:scan%d@%s>" % (n, dst[0]),
        "Call-ID: reg-%d-%d@%s" % (os.getpid(), n, sip),
        "CSeq: 1 REGISTER",
        "Contact: <sip:scan%d@%s:%d>" % (n, sip, sport),
        "Expires: 3600",
        "User-Agent: friendly-scanner",
    ])


def gen_invite(src, dst, n, a):
    uri = a.uri or "sip:%d@%s" % (100 + n, dst[0])
    return invite(src, dst, n, uri, sdp(src[0], [30000 + 2 * (n % 1000)]))


def gen_sdp300(src, dst, n, a):
    uri = a.uri or "sip:wan@%s:%d" % dst
    ports = [30000 + 2 * i for i in range(300)]
    return invite(src, dst, n, uri, sdp(src[0], ports))


def gen_big(src, dst, n, a):
    """An INVITE padded with headers to exactly UDP4_MAX bytes."""
    uri = a.uri or "sip:wan@%s:%d" % dst
    body = sdp(src[0], [30000])
    base = len(invite(src, dst, n, uri, body))
    pad = []
    left = UDP4_MAX - base
    while left > 0:
        # "X-Pad: " + value + CRLF; a value of at least one character.
        v = min(left - 9, 1000)
        if v < 1:
            # Too little left for one more header: lengthen the last one.
            pad[-1] += "x" * left
            break
        pad.append("X-Pad: " + "x" * v)
        left -= v + 9
    m = invite(src, dst, n, uri, body, pad)
    assert len(m) == UDP4_MAX, len(m)
    return m


def via_lines(src, n, count):
    vals = ["SIP/2.0/UDP %s:%d;branch=z9hG4bK-v%d-%d;rport" %
            (src[0], src[1], os.getpid(), n)]
    vals += ["SIP/2.0/UDP a"] * (count - 1)
    lines = []
    for i in range(0, count, 200):
        lines.append("v:" + ",".join(vals[i:i + 200]))
    return lines


def vias_msg(src, dst, n, a, count):
    uri = a.uri or "sip:wan@%s:%d" % dst
    sip, sport = src
    return build(["INVITE %s SIP/2.0" % uri] + via_lines(src, n, count) + [
        "Max-Forwards: 70",
        "From: <sip:flood@%s>;tag=v%d" % (sip, n),
        "To: <%s>" % uri,
        "Call-ID: vias-%d-%d@%s" % (os.getpid(), n, sip),
        "CSeq: 1 INVITE",
        "Contact: <sip:flood@%s:%d>" % (sip, sport),
    ])


def gen_vias(src, dst, n, a):
    """As many of the 5,000 Via values as fit in one datagram."""
    lo, hi = 1, VIAS
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(vias_msg(src, dst, n, a, mid)) <= UDP4_MAX:
            lo = mid
        else:
            hi = mid - 1
    a.vias = lo
    return vias_msg(src, dst, n, a, lo)


def hold_callid(n):
    return "hold-%d@flood" % n


def gen_hold(src, dst, n, a):
    sip, sport = src
    uri = a.uri or "sip:wan@%s:%d" % dst
    return build([
        "INVITE %s SIP/2.0" % uri,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-hold%d;rport" % (sip, sport, n),
        "Max-Forwards: 70",
        "From: <sip:phone1@sip.test>;tag=h%d" % n,
        "To: <%s>" % uri,
        "Call-ID: %s" % hold_callid(n),
        "CSeq: 1 INVITE",
        "Contact: <sip:phone1@%s:%d>" % (sip, sport),
        "Content-Type: application/sdp",
    ], sdp(sip, [31000 + 2 * n]))


def gen_cancel(src, dst, n, a):
    """RFC 3261 §9.1: the INVITE's Request-URI, Call-ID, From, To, top Via."""
    sip, sport = src
    uri = a.uri or "sip:wan@%s:%d" % dst
    return build([
        "CANCEL %s SIP/2.0" % uri,
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-hold%d;rport" % (sip, sport, n),
        "Max-Forwards: 70",
        "From: <sip:phone1@sip.test>;tag=h%d" % n,
        "To: <%s>" % uri,
        "Call-ID: %s" % hold_callid(n),
        "CSeq: 1 CANCEL",
    ])


GEN = {"register": gen_register, "invite": gen_invite, "sdp300": gen_sdp300,
       "big": gen_big, "vias": gen_vias, "hold": gen_hold,
       "cancel": gen_cancel}


def count_answers(s, answers):
    while True:
        try:
            data = s.recv(65535)
        except (BlockingIOError, ConnectionRefusedError):
            return
        st = status(data.split(b"\r\n", 1)[0].decode("latin-1"))
        key = str(st) if st is not None else "other"
        answers[key] = answers.get(key, 0) + 1


def send_tcp(src, dst, a):
    """All 5,000 Via values on one TCP connection; what comes back."""
    s = socket.socket(family(dst[0]), socket.SOCK_STREAM)
    s.settimeout(3)
    s.bind((src[0], 0))
    got = b""
    try:
        s.connect(dst)
        s.sendall(vias_msg((src[0], s.getsockname()[1]), dst, 0, a, VIAS))
        while True:
            d = s.recv(65536)
            if not d:
                break
            got += d
    except (OSError, socket.timeout):
        pass
    s.close()
    first = got.split(b"\r\n", 1)[0].decode("latin-1")
    print("sent=1 vias=%d tcp answer=%s" % (VIAS, first or "none"))
    return 0


def cmd_send(a):
    src = hostport(a.src)
    dst = hostport(a.dst)
    if a.kind == "vias" and a.tcp:
        return send_tcp(src, dst, a)
    s = socket.socket(family(dst[0]), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    s.bind(src)
    s.setblocking(False)
    gen = GEN[a.kind]
    answers = {}
    start = time.monotonic()
    end = start + a.seconds
    sent = errors = 0
    cache = {}
    while sent < a.count and time.monotonic() < end:
        due = start + sent / a.rate
        now = time.monotonic()
        if due > now:
            select.select([s], [], [], due - now)
            count_answers(s, answers)
            continue
        n = a.first + sent
        # The largest are the same bytes each time.
        if a.kind in ("big", "vias"):
            if a.kind not in cache:
                cache[a.kind] = gen(src, dst, n, a)
            msg = cache[a.kind]
        else:
            msg = gen(src, dst, n, a)
        try:
            s.sendto(msg, dst)
        except (BlockingIOError, ConnectionRefusedError):
            errors += 1
        sent += 1
    # Answers still on their way.
    tail = time.monotonic() + a.linger
    while time.monotonic() < tail:
        select.select([s], [], [], max(0, tail - time.monotonic()))
        count_answers(s, answers)
    extra = " vias=%d" % a.vias if a.kind == "vias" else ""
    print("sent=%d errors=%d bytes=%d%s answers=%s" % (sent, errors,
          len(msg) if sent else 0, extra,
          ",".join("%s:%d" % kv for kv in sorted(answers.items())) or "none"))
    return 0


# --- sink -------------------------------------------------------------

def cmd_sink(a):
    host, port = hostport(a.addr)
    s = socket.socket(family(host), socket.SOCK_DGRAM)
    s.bind((host, port))
    end = time.monotonic() + a.seconds
    n = 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *x: stop.append(1))
    while not stop and time.monotonic() < end:
        r, _, _ = select.select([s], [], [], 0.2)
        if r:
            s.recv(65535)
            n += 1
    print("received=%d" % n)
    return 0


# --- wan: registrar, callee and media echo ----------------------------

def reply(start_hdrs, code, reason, extra=(), body=b"", tag=None):
    _, h, _ = start_hdrs
    lines = ["SIP/2.0 %d %s" % (code, reason)]
    lines += ["Via: %s" % v for v in h.get("via", [])]
    lines += ["Record-Route: %s" % v for v in h.get("record-route", [])]
    lines += ["From: %s" % h.get("from", [""])[0]]
    to = h.get("to", [""])[0]
    if tag is not None and ";tag=" not in to:
        to += ";tag=" + tag
    lines += ["To: %s" % to, "Call-ID: %s" % h.get("call-id", [""])[0],
              "CSeq: %s" % h.get("cseq", [""])[0]]
    lines += list(extra)
    if body:
        lines.append("Content-Type: application/sdp")
    return build(lines, body)


def cmd_wan(a):
    ip = a.ip
    reg = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    reg.bind((ip, 5060))
    uas = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    uas.bind((ip, 5070))
    rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rtp.bind((ip, WAN_MEDIA_PORT))
    for s in (reg, uas, rtp):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        s.setblocking(False)
    c = {"register": 0, "invite": 0, "ack": 0, "bye": 0, "other": 0,
         "rtp": 0}
    stop = []
    signal.signal(signal.SIGTERM, lambda *x: stop.append(1))
    end = time.monotonic() + a.seconds
    answer = sdp(ip, [WAN_MEDIA_PORT])
    while not stop and time.monotonic() < end:
        try:
            r, _, _ = select.select([reg, uas, rtp], [], [], 0.2)
        except InterruptedError:
            continue
        for s in r:
            for _ in range(256):
                try:
                    data, src = s.recvfrom(65535)
                except (BlockingIOError, ConnectionRefusedError):
                    break
                if s is rtp:
                    c["rtp"] += 1
                    rtp.sendto(data, src)
                    continue
                m = parse(data)
                if m is None or status(m[0]) is not None:
                    c["other"] += 1
                    continue
                method = m[0].split(" ", 1)[0]
                tag = "w%x" % (hash(m[1].get("call-id", [""])[0]) &
                               0xffffffff)
                if method == "REGISTER":
                    c["register"] += 1
                    ct = m[1].get("contact", [])
                    ex = m[1].get("expires", ["3600"])[0]
                    extra = ["Contact: %s;expires=%s" % (v, ex) for v in ct
                             if v != "*"]
                    s.sendto(reply(m, 200, "OK", extra, tag=tag), src)
                elif method == "INVITE":
                    c["invite"] += 1
                    extra = ["Contact: <sip:wan@%s:5070>" % ip]
                    s.sendto(reply(m, 200, "OK", extra, answer, tag), src)
                elif method == "ACK":
                    c["ack"] += 1
                elif method in ("BYE", "CANCEL", "OPTIONS"):
                    c["bye" if method == "BYE" else "other"] += 1
                    s.sendto(reply(m, 200, "OK", tag=tag), src)
                else:
                    c["other"] += 1
    print("wan: " + " ".join("%s=%d" % kv for kv in sorted(c.items())))
    sys.stdout.flush()
    return 0


# --- phones: calls with media and registrations -----------------------

def rtp_packet(ssrc, seq):
    """RFC 3550 §5.1 header, PT 0; a payload that depends on ssrc and seq."""
    hdr = struct.pack("!BBHII", 0x80, 0, seq, seq * 160, ssrc)
    d = hashlib.blake2b(hdr, digest_size=64).digest()
    return hdr + (d * (RTP_PAYLOAD // 64 + 1))[:RTP_PAYLOAD]


class Txn:
    """A request sent over UDP: retransmitted (RFC 3261 §17.1) until done."""

    def __init__(self, ph, data):
        self.ph = ph
        self.data = data
        self.interval = T1
        self.sent = time.monotonic()
        ph.send(data)

    def due(self):
        return self.sent + self.interval

    def tick(self, now):
        if now >= self.due():
            self.ph.send(self.data)
            self.sent = now
            self.interval = min(self.interval * 2, 4.0)


class Call:
    def __init__(self, ph, n):
        self.ph = ph
        self.n = n
        self.ssrc = 0x10000 + n
        self.cid = "soak-%d-%d@%s" % (os.getpid(), n, ph.ip)
        self.tag = "c%d" % n
        self.state = "inviting"
        self.port = None
        self.route = []
        self.target = None
        self.to = None
        self.got = set()
        self.bad = 0
        self.sent_rtp = 0
        self.next_rtp = 0
        self.started = time.monotonic()
        self.deadline = self.started + 20
        self.txn = Txn(ph, self.request("INVITE", 1, ph.uri,
                                        sdp(ph.ip, [PHONE_RTP_PORT])))

    def request(self, method, cseq, uri, body=b"", extra=()):
        ph = self.ph
        lines = ["%s %s SIP/2.0" % (method, uri),
                 "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-%s-%d-%s;rport" %
                 (ph.ip, ph.port, self.tag, cseq, method.lower()),
                 "Max-Forwards: 70"]
        lines += ["Route: %s" % r for r in self.route]
        lines += ["From: <sip:phone1@sip.test>;tag=%s" % self.tag,
                  "To: %s" % (self.to or "<%s>" % ph.uri),
                  "Call-ID: %s" % self.cid,
                  "CSeq: %d %s" % (cseq, method),
                  "Contact: <sip:phone1@%s:%d>" % (ph.ip, ph.port)]
        lines += list(extra)
        if body:
            lines.append("Content-Type: application/sdp")
        return build(lines, body)

    def response(self, st, m):
        _, h, body = m
        method = h.get("cseq", ["0 X"])[0].split()[-1]
        if method == "INVITE" and self.state in ("inviting", "talking"):
            if st < 200:
                return
            if st >= 300:
                return self.finish("INVITE got %d" % st)
            if self.state == "inviting":
                addr, port = sdp_media(body)
                if addr != self.ph.proxy[0] or not port:
                    return self.finish("answer names %s:%s" % (addr, port))
                self.port = port
                self.to = h.get("to", [""])[0]
                ct = h.get("contact", [""])[0]
                self.target = ct[ct.find("<") + 1:ct.find(">")] \
                    if "<" in ct else ct.split(";")[0]
                self.route = list(reversed(h.get("record-route", [])))
                self.state = "talking"
                self.txn = None
                self.next_rtp = time.monotonic()
            # 200 (or its retransmission): ACK it (RFC 3261 §13.2.2.4).
            self.ph.send(self.request("ACK", 1, self.target))
        elif method == "BYE" and self.state == "bye" and st >= 200:
            if st >= 300:
                return self.finish("BYE got %d" % st)
            self.finish(None)

    def rtp(self, data):
        if len(data) < RTP_HDR:
            self.bad += 1
            return
        seq = struct.unpack("!H", data[2:4])[0]
        if seq in self.got or seq >= self.ph.packets or \
                data != rtp_packet(self.ssrc, seq):
            self.bad += 1
            return
        self.got.add(seq)

    def tick(self, now):
        if now > self.deadline:
            return self.finish("timed out in state %s (%d/%d rtp back)" %
                               (self.state, len(self.got), self.ph.packets))
        if self.txn is not None:
            self.txn.tick(now)
        if self.state != "talking":
            return
        while self.sent_rtp < self.ph.packets and now >= self.next_rtp:
            self.ph.rtp.sendto(rtp_packet(self.ssrc, self.sent_rtp),
                               (self.ph.proxy[0], self.port))
            self.ph.rtp_sent += 1
            self.sent_rtp += 1
            self.next_rtp += 0.02
        done = len(self.got) == self.ph.packets
        if done or (self.sent_rtp == self.ph.packets and
                    now > self.next_rtp + 2.0):
            if not done:
                return self.finish("%d of %d rtp packets came back" %
                                   (len(self.got), self.ph.packets))
            self.state = "bye"
            self.txn = Txn(self.ph, self.request("BYE", 2, self.target))

    def finish(self, error):
        self.state = "done"
        self.txn = None
        self.ph.call_done(self, error)


def reg_callid(ph, n):
    return "reg-%d-u%d@%s" % (os.getpid(), n % ph.users, ph.ip)


class Reg:
    def __init__(self, ph, n):
        self.ph = ph
        self.n = n
        self.user = "u%d" % (n % ph.users)
        self.expires = 0 if (n // ph.users) % 2 else 120
        self.cid = reg_callid(ph, n)
        self.contact = "sip:%s@%s:%d" % (self.user, ph.ip, ph.port)
        self.started = time.monotonic()
        self.deadline = self.started + 20
        self.state = "sent"
        self.txn = Txn(ph, build([
            "REGISTER sip:sip.test SIP/2.0",
            "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-r%d;rport" %
            (ph.ip, ph.port, n),
            "Max-Forwards: 70",
            "From: <sip:%s@sip.test>;tag=r%d" % (self.user, n),
            "To: <sip:%s@sip.test>" % self.user,
            "Call-ID: %s" % self.cid,
            "CSeq: %d REGISTER" % (n + 1),
            "Contact: <%s>" % self.contact,
            "Expires: %d" % self.expires,
            "User-Agent: soak-phone",
        ]))

    def response(self, st, m):
        if st < 200 or self.state == "done":
            return
        if st >= 300:
            return self.finish("REGISTER got %d" % st)
        cts = m[1].get("contact", [])
        if self.expires and not any(self.contact in c for c in cts):
            return self.finish("200 lists %s, not %s" % (cts, self.contact))
        self.finish(None)

    def tick(self, now):
        if now > self.deadline:
            return self.finish("REGISTER timed out")
        if self.txn is not None:
            self.txn.tick(now)

    def finish(self, error):
        self.state = "done"
        self.txn = None
        self.ph.reg_done(self, error)


class Phones:
    def __init__(self, a):
        self.ip = a.ip
        self.port = PHONE_SIP_PORT
        self.proxy = hostport(a.proxy)
        self.packets = a.packets
        self.users = a.users
        self.uri = a.uri
        self.quiet = a.quiet
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind((self.ip, self.port))
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind((self.ip, PHONE_RTP_PORT))
        for s in (self.sip, self.rtp):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            s.setblocking(False)
        self.calls = {}		# Call-ID -> Call
        self.bycallport = {}	# relay port -> Call
        self.regs = {}		# Call-ID -> Reg
        self.ncalls, self.nregs = a.calls, a.regs
        self.conc, self.regconc = a.conc, a.regconc
        self.started_calls = self.started_regs = 0
        self.ok_calls = self.ok_regs = 0
        self.errors = []
        self.rtp_sent = self.rtp_stray = 0
        self.setup = []
        self.mem = open(a.mem, "w") if a.mem else None
        self.pids = a.pids.split(",") if a.pids else []
        self.next_mem = 0

    def sample(self, now, t0):
        kb = []
        for pid in self.pids:
            v = 0
            try:
                with open("/proc/%s/status" % pid) as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            v = int(line.split()[1])
            except OSError:
                pass
            kb.append(str(v))
        self.mem.write("%d %d %s\n" % ((now - t0) * 1000,
                       self.ok_calls + len(self.errors), " ".join(kb)))
        self.mem.flush()
        self.next_mem = now + 0.5

    def send(self, data):
        try:
            self.sip.sendto(data, self.proxy)
        except (BlockingIOError, ConnectionRefusedError):
            pass

    def call_done(self, c, error):
        del self.calls[c.cid]
        if c.port is not None:
            self.bycallport.pop(c.port, None)
        if error is None:
            self.ok_calls += 1
        else:
            self.errors.append("call %d: %s" % (c.n, error))
        self.setup.append(time.monotonic() - c.started)

    def reg_done(self, r, error):
        del self.regs[r.cid]
        if error is None:
            self.ok_regs += 1
        else:
            self.errors.append("register %d (%s): %s" % (r.n, r.user, error))

    def on_sip(self, data):
        m = parse(data)
        if m is None:
            return
        st = status(m[0])
        cid = m[1].get("call-id", [""])[0]
        if st is None:
            # A request for a phone: nothing here expects one.
            return
        if cid in self.calls:
            c = self.calls[cid]
            before = c.state
            c.response(st, m)
            if before == "inviting" and c.state == "talking":
                self.bycallport[c.port] = c
        elif cid in self.regs:
            self.regs[cid].response(st, m)

    def on_rtp(self, data, src):
        c = self.bycallport.get(src[1])
        if c is None or src[0] != self.proxy[0]:
            self.rtp_stray += 1
            return
        c.rtp(data)

    def run(self):
        t0 = time.monotonic()
        last = t0
        while True:
            while len(self.calls) < self.conc and \
                    self.started_calls < self.ncalls:
                c = Call(self, self.started_calls)
                self.calls[c.cid] = c
                self.started_calls += 1
            # Registrations of one user never overlap: their CSeqs would.
            while len(self.regs) < self.regconc and \
                    self.started_regs < self.nregs:
                if reg_callid(self, self.started_regs) in self.regs:
                    break
                r = Reg(self, self.started_regs)
                self.regs[r.cid] = r
                self.started_regs += 1
            if self.mem and time.monotonic() >= self.next_mem:
                self.sample(time.monotonic(), t0)
            if not self.calls and not self.regs:
                break
            r, _, _ = select.select([self.sip, self.rtp], [], [], 0.01)
            for s in r:
                for _ in range(512):
                    try:
                        data, src = s.recvfrom(65535)
                    except (BlockingIOError, ConnectionRefusedError):
                        break
                    if s is self.sip:
                        self.on_sip(data)
                    else:
                        self.on_rtp(data, src)
            now = time.monotonic()
            for c in list(self.calls.values()):
                c.tick(now)
            for g in list(self.regs.values()):
                g.tick(now)
            if not self.quiet and now - last >= 10:
                last = now
                print("# %4.0f s: calls %d/%d ok, registrations %d/%d ok, "
                      "%d errors" % (now - t0, self.ok_calls, self.ncalls,
                                     self.ok_regs, self.nregs,
                                     len(self.errors)))
                sys.stdout.flush()
        el = time.monotonic() - t0
        if self.mem:
            self.sample(time.monotonic(), t0)
        self.setup.sort()
        p50 = self.setup[len(self.setup) // 2] if self.setup else 0
        p99 = self.setup[len(self.setup) * 99 // 100] if self.setup else 0
        print("calls=%d/%d registrations=%d/%d rtp_sent=%d rtp_stray=%d "
              "seconds=%.1f call_p50_ms=%.0f call_p99_ms=%.0f" %
              (self.ok_calls, self.ncalls, self.ok_regs, self.nregs,
               self.rtp_sent, self.rtp_stray, el, p50 * 1000, p99 * 1000))
        for e in self.errors[:20]:
            print("# error: " + e)
        if len(self.errors) > 20:
            print("# ... %d errors in all" % len(self.errors))
        return 0 if not self.errors and self.ok_calls == self.ncalls and \
            self.ok_regs == self.nregs else 1


def cmd_phones(a):
    return Phones(a).run()


def main():
    p = argparse.ArgumentParser(prog="flood.py")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("kind", choices=sorted(GEN))
    s.add_argument("src")
    s.add_argument("dst")
    s.add_argument("-r", "--rate", type=float, default=100)
    s.add_argument("-s", "--seconds", type=float, default=5)
    s.add_argument("-n", "--count", type=int, default=1 << 30)
    s.add_argument("-f", "--first", type=int, default=0)
    s.add_argument("-u", "--uri")
    s.add_argument("-t", "--tcp", action="store_true")
    s.add_argument("-l", "--linger", type=float, default=0.5)
    s.set_defaults(vias=0)
    k = sub.add_parser("sink")
    k.add_argument("addr")
    k.add_argument("seconds", type=float)
    w = sub.add_parser("wan")
    w.add_argument("ip")
    w.add_argument("seconds", type=float)
    h = sub.add_parser("phones")
    h.add_argument("ip")
    h.add_argument("proxy")
    h.add_argument("-c", "--calls", type=int, default=10)
    h.add_argument("-g", "--regs", type=int, default=0)
    h.add_argument("-C", "--conc", type=int, default=10)
    h.add_argument("-G", "--regconc", type=int, default=10)
    h.add_argument("-k", "--packets", type=int, default=10)
    h.add_argument("-P", "--users", type=int, default=100)
    h.add_argument("-u", "--uri", default="sip:wan@uas.test")
    h.add_argument("-q", "--quiet", action="store_true")
    h.add_argument("-m", "--mem")
    h.add_argument("-p", "--pids")
    a = p.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    return {"send": cmd_send, "sink": cmd_sink, "wan": cmd_wan,
            "phones": cmd_phones}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
