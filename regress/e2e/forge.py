# SPDX-License-Identifier: ISC
# Made-up SIP responses and the hosts that must never see them (forge.sh).
#
#   forge.py sink ADDR PORT SECONDS
#       count UDP datagrams and TCP connections to ADDR:PORT; prints
#       "udp=N tcp=N" at the end
#   forge.py send udp|tcp SRC DST PORT KIND [COUNT]
#       send COUNT (1) made-up responses of KIND (see KINDS) from SRC to
#       DST:PORT
#   forge.py phone ADDR PORT honest|reflect|wanside|sdp SECONDS
#       a LAN phone: registers with siproxd itself, answers the first
#       OPTIONS with 200, its Vias as they came (honest), with the
#       second pointed at 203.0.113.50:5099 (reflect), as they came but
#       to siproxd's WAN address (wanside), or with an SDP of ten
#       streams that answers no offer (sdp)
#   forge.py ask SRC PORT SECONDS [USER]
#       a WAN host: OPTIONS to USER (phone9) through siproxd; prints
#       "answered" or "silent"
#   forge.py register SRC PORT USER CONTACT [EXPIRES]
#       a LAN host: REGISTER for USER@sip.test with Contact CONTACT
#       (host:port) and Expires EXPIRES (300) through siproxd; prints
#       the status line that comes back, or "no answer"
#   forge.py spray SRC DST LOW HIGH SECONDS
#       a third host: RTP (SSRC 0xbadbad00, as rtptool inject) from SRC
#       to every port of DST from LOW to HIGH, each every 20 ms
#   forge.py registrar 200|401|403|silent SECONDS
#       the provider's registrar on 203.0.113.2:5060: answers the first
#       REGISTER so (200 echoes the Contact with the REGISTER's Expires,
#       300 if none) and ends, or answers none
#       for SECONDS
# Every address is one the test's namespaces own.

import socket
import struct
import sys
import time

from sipmsg import build

SDP_STREAMS = 10


def fake_branch(side):
    # What the old code took for ours: the mark, a side, "p", 16 hex, a dot.
    return "z9hG4bKsxd%dp%s.anything" % (side, "0123456789abcdef")


def sdp(n, addr="203.0.113.2"):
    body = ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\n"
            "c=IN IP4 %s\r\nt=0 0\r\n" % (addr, addr))
    for i in range(n):
        body += "m=audio %d RTP/AVP 0\r\n" % (30000 + 2 * i)
    return body


def response(side, nextvia, body=None, method="OPTIONS"):
    lines = ["SIP/2.0 200 OK",
             "Via: SIP/2.0/UDP 203.0.113.1:5060;branch=%s" % fake_branch(side),
             "Via: %s" % nextvia,
             "From: <sip:a@sip.test>;tag=f1",
             "To: <sip:b@sip.test>;tag=t1",
             "Call-ID: forged-%s@203.0.113.2" % method,
             "CSeq: 1 %s" % method,
             "Contact: <sip:b@203.0.113.2:5099>"]
    if body is None:
        return build(lines)
    return build(lines + ["Content-Type: application/sdp"], body)


# Each: a response whose next Via names a place it must never go.
KINDS = {
    "lan": lambda: response(0, "SIP/2.0/UDP 10.0.0.2:5099;branch=z9hG4bKx1"),
    "loopback": lambda: response(0, "SIP/2.0/UDP 10.0.0.2:5099;"
                                 "branch=z9hG4bKx2;received=127.0.0.1;"
                                 "rport=5099"),
    "reflect": lambda: response(1, "SIP/2.0/UDP 203.0.113.50:5099;"
                                "branch=z9hG4bKx3"),
    "lantcp": lambda: response(0, "SIP/2.0/TCP 10.0.0.2:5099;"
                               "branch=z9hG4bKx4"),
    "sdp": lambda: response(0, "SIP/2.0/UDP 10.0.0.2:5099;branch=z9hG4bKx5",
                            sdp(SDP_STREAMS), "INVITE"),
}


def sink(addr, port, secs):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((addr, port))
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind((addr, port))
    t.listen(16)
    u.setblocking(False)
    t.setblocking(False)
    nu = nt = 0
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            u.recv(65536)
            nu += 1
        except BlockingIOError:
            pass
        try:
            c, _ = t.accept()
            c.close()
            nt += 1
        except BlockingIOError:
            pass
        time.sleep(0.01)
    print("udp=%d tcp=%d" % (nu, nt))


def send(proto, src, dst, port, kind, count):
    data = KINDS[kind]()
    if proto == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((src, 0))
        for _ in range(count):
            s.sendto(data, (dst, port))
    else:
        s = socket.create_connection((dst, port), 2, (src, 0))
        s.sendall(data)
        time.sleep(0.5)
    s.close()


def headers(msg):
    return msg.split("\r\n\r\n", 1)[0].split("\r\n")


def answer(req, mode):
    lines = headers(req)
    vias = [h for h in lines if h.lower().startswith("via:")]
    if mode == "reflect" and len(vias) > 1:
        vias[1] = ("Via: SIP/2.0/UDP 203.0.113.50:5099;branch=z9hG4bKx6;"
                   "received=203.0.113.50;rport=5099")
    keep = [h for h in lines if h.split(":", 1)[0].lower() in
            ("from", "to", "call-id", "cseq")]
    if mode != "sdp":
        return build(["SIP/2.0 200 OK"] + vias + keep)
    return build(["SIP/2.0 200 OK"] + vias + keep +
                 ["Content-Type: application/sdp"],
                 sdp(SDP_STREAMS, "10.0.0.2"))


def udp(addr, port, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    s.settimeout(secs)
    return s


def request(method, ruri, addr, port, user, to, extra=""):
    """extra: more header lines, each ending in CRLF."""
    return build(["%s %s SIP/2.0" % (method, ruri),
                  "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK%s1;rport" %
                  (addr, port, method),
                  "Max-Forwards: 70",
                  "From: <sip:%s>;tag=t%s" % (user, method),
                  "To: <%s>" % to,
                  "Call-ID: %s1@%s" % (method, addr),
                  "CSeq: 1 %s" % method] +
                 [h for h in extra.split("\r\n") if h])


def phone(addr, port, mode, secs):
    s = udp(addr, port, secs)
    reg = request("REGISTER", "sip:10.0.0.1", addr, port,
                  "phone9@10.0.0.1", "sip:phone9@10.0.0.1",
                  "Contact: <sip:phone9@%s:%d>\r\nExpires: 300\r\n"
                  % (addr, port))
    s.sendto(reg, ("10.0.0.1", 5060))
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            data, peer = s.recvfrom(65536)
        except socket.timeout:
            break
        msg = data.decode(errors="replace")
        if msg.startswith("SIP/2.0 200"):
            print("registered")
            sys.stdout.flush()
        elif msg.startswith("OPTIONS "):
            s.sendto(answer(msg, mode), ("203.0.113.1", 5060)
                     if mode == "wanside" else peer)
            print("answered an OPTIONS (%s)" % mode)
            return
    print("no OPTIONS came")


def ask(src, port, secs, user):
    s = udp(src, port, secs)
    s.sendto(request("OPTIONS", "sip:%s@203.0.113.1" % user, src, port,
                     "wan@sip.test", "sip:%s@203.0.113.1" % user),
             ("203.0.113.1", 5060))
    try:
        data, _ = s.recvfrom(65536)
        print("answered" if data.startswith(b"SIP/2.0 200") else "other")
    except socket.timeout:
        print("silent")


def register(src, port, user, contact, expires=300):
    s = udp(src, port, 3)
    s.sendto(request("REGISTER", "sip:sip.test", src, port,
                     "%s@sip.test" % user, "sip:%s@sip.test" % user,
                     "Contact: <sip:%s@%s>\r\nExpires: %d\r\n"
                     "User-Agent: forge-%s\r\n" % (user, contact, expires,
                                                   src)),
             ("10.0.0.1", 5060))
    try:
        data, _ = s.recvfrom(65536)
        print(data.decode(errors="replace").split("\r\n", 1)[0])
    except socket.timeout:
        print("no answer")


def spray(src, dst, low, high, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    end = time.monotonic() + secs
    seq = 0
    print("spraying")
    sys.stdout.flush()
    while time.monotonic() < end:
        seq = (seq + 1) & 0xffff
        pkt = struct.pack("!BBHII", 0x80, 0, seq, seq * 160,
                          0xbadbad00) + bytes(160)
        for port in range(low, high + 1):
            try:
                s.sendto(pkt, (dst, port))
            except OSError:
                pass
        time.sleep(0.02)


REASONS = {"200": "OK", "401": "Unauthorized", "403": "Forbidden"}


def registrar(mode, secs):
    s = udp("203.0.113.2", 5060, 0.1)
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            data, peer = s.recvfrom(65536)
        except socket.timeout:
            continue
        msg = data.decode(errors="replace")
        if not msg.startswith("REGISTER ") or mode == "silent":
            continue
        lines = headers(msg)
        keep = [h for h in lines if h.split(":", 1)[0].lower() in
                ("via", "from", "to", "call-id", "cseq")]
        if mode == "200":
            exp = [h.split(":", 1)[1].strip() for h in lines
                   if h.lower().startswith("expires:")] or ["300"]
            keep += [h + ";expires=" + exp[0] for h in lines
                     if h.lower().startswith("contact:")]
        elif mode == "401":
            keep.append('WWW-Authenticate: Digest realm="sip.test", '
                        'nonce="abc", algorithm=MD5')
        s.sendto(("SIP/2.0 %s %s\r\n" % (mode, REASONS[mode]) +
                  "\r\n".join(keep) +
                  "\r\nContent-Length: 0\r\n\r\n").encode(), peer)
        return


def main():
    a = sys.argv[1:]
    if a[0] == "sink":
        sink(a[1], int(a[2]), float(a[3]))
    elif a[0] == "send":
        send(a[1], a[2], a[3], int(a[4]), a[5],
             int(a[6]) if len(a) > 6 else 1)
    elif a[0] == "phone":
        phone(a[1], int(a[2]), a[3], float(a[4]))
    elif a[0] == "ask":
        ask(a[1], int(a[2]), float(a[3]), a[4] if len(a) > 4 else "phone9")
    elif a[0] == "register":
        register(a[1], int(a[2]), a[3], a[4],
                 int(a[5]) if len(a) > 5 else 300)
    elif a[0] == "spray":
        spray(a[1], a[2], int(a[3]), int(a[4]), float(a[5]))
    elif a[0] == "registrar":
        registrar(a[1], float(a[2]))


main()
