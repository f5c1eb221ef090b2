# SPDX-License-Identifier: ISC
# tls.sh's user agents: phones that speak SIP over TLS (sipp on Debian is
# built without TLS) and over UDP on the LAN, a UAS and a UAC over UDP on
# the WAN behind Kamailio, and the media between them.  Each check prints
# one "ok - tls: ..." or "FAIL - tls: ..." line.
#
#   python3 tlsua.py LAN_NS WAN_NS WORKDIR SIPROXD_PID [proxy|naptr|notls]

import os
import random
import re
import shutil
import signal
import socket
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sippeer import Peer, in_ns, request  # noqa: E402

LAN_NS, WAN_NS, WORK, SXPID = sys.argv[1:5]
MODE = sys.argv[5] if len(sys.argv) > 5 else "main"
FW_IN = ("10.0.0.1", 5061)
FAILED = [0]


def check(what, good, detail=""):
    print("%s - tls: %s%s" % ("ok" if good else "FAIL", what,
                              "" if good or not detail else ": " + detail))
    if not good:
        FAILED[0] = 1
    return good


class TlsPeer(Peer):
    """A phone's TLS connection to siproxd, checked against the test CA."""

    def __init__(self, ns, addr, remote):
        self.serial = None
        Peer.__init__(self, ns, "tls", addr, 0, remote)

    def _open(self, addr, port, listen):
        ctx = ssl.create_default_context(cafile=WORK + "/tls/ca.crt")
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        raw.bind((addr, 0))
        raw.settimeout(5)
        raw.connect(self.remote)
        self.conn = ctx.wrap_socket(raw, server_hostname=self.remote[0])
        self.port = self.conn.getsockname()[1]
        self.serial = self.conn.getpeercert().get("serialNumber")


def sdp(addr, port, extra):
    return ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
            "m=audio %d RTP/SAVP 0\r\n%s" % (addr, addr, port,
                                             "".join(l + "\r\n"
                                                     for l in extra))).encode()


CRYPTO = ["a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"
          "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4",
          "a=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:"
          "49:6B:19:E5:7C:AB:3A:A8:0B:E6:6D:4A:23:7D:1A:C4:A5:2C",
          "a=setup:actpass", "a=rtpmap:0 PCMU/8000"]


def media(m):
    """(address, port) of the audio stream in a message's SDP."""
    b = m.body.decode("latin-1")
    c = re.search(r"c=IN IP4 (\S+)", b)
    p = re.search(r"m=audio (\d+)", b)
    return (c.group(1), int(p.group(1))) if c and p else None


def attrs(m):
    return [l for l in m.body.decode("latin-1").split("\r\n")
            if l.startswith(("a=crypto", "a=fingerprint", "a=setup"))]


def routes(m):
    """The route set a UAC takes from a 2xx (RFC 3261 §12.1.2)."""
    rr = []
    for v in m.all("record-route"):
        rr += [x.strip() for x in v.split(",")]
    return list(reversed(rr))


def udp_in(ns, addr, port):
    s = in_ns(ns, socket.socket, socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    return s


def srtp_pass(lan, lanpeer, wan, wanpeer, what):
    """Packets that look like SRTP (random payload, a 10-byte tag) both
    ways through the relay: they must arrive byte for byte."""
    good = True
    for src, dst, rcv in ((lan, lanpeer, wan), (wan, wanpeer, lan)):
        sent = []
        for i in range(20):
            pkt = bytes([0x80, 0x00]) + i.to_bytes(2, "big") + \
                (1000 * i).to_bytes(4, "big") + b"\x11\x22\x33\x44" + \
                os.urandom(160 + 10)
            sent.append(pkt)
            src.sendto(pkt, dst)
            time.sleep(0.02)
        got = []
        rcv.settimeout(1.0)
        try:
            while len(got) < len(sent):
                got.append(rcv.recvfrom(2048)[0])
        except socket.timeout:
            pass
        # The first packets may go before rtpd learns the far leg.
        good = good and len(got) >= 15 and all(g in sent for g in got)
    return check(what, good)


def register(ph, aor_host="sip.test", scheme="sips", expires=600):
    ph.send(request("REGISTER", "%s:%s" % (scheme, aor_host), ph,
                    "<%s:phone1@%s>" % (scheme, aor_host),
                    "<%s:phone1@%s>" % (scheme, aor_host),
                    contact="<sip:phone1@10.0.0.2:%d;transport=tls>" %
                    ph.port, callid="reg-%d" % ph.port,
                    extra=["Expires: %d" % expires]))
    return ph.recv(5)


def in_dialog(ph, method, ok, rs, target, frm, to, callid, cseq):
    ph.send(request(method, target, ph, frm, to, callid=callid, cseq=cseq,
                    ftag="", extra=["Route: " + r for r in rs]))


def final(peer, method):
    """The next final response to method: a proxy that forks its work
    (Kamailio's UDP workers) may pass a 180 on after the 200."""
    r = peer.recv(5)
    while r is not None and (r.code is None or r.code < 200 or
                             not (r.get("cseq") or "").endswith(method)):
        r = peer.recv(5)
    return r


def got_200(peer, secs, what):
    """The final answer peer gets, past any 1xx: checked to be a 200; it,
    or None."""
    ok = peer.recv(secs)
    while ok is not None and ok.code is not None and ok.code < 200:
        ok = peer.recv(5)
    good = check(what, ok is not None and ok.code == 200,
                 ok.start if ok else "nothing")
    return ok if good else None


def hangup(caller, callee, rs, target, frm, to, cid, got_bye, got_200):
    in_dialog(caller, "BYE", None, rs, target, frm, to, cid, 2)
    bye = callee.recv(5)
    if check(got_bye, bye is not None and bye.method == "BYE"):
        callee.reply(bye, 200)
        r = final(caller, "BYE")
        check(got_200, r is not None and r.code == 200,
              r.start if r else "nothing")


def out_call(ph, ruri, uas_addr, what, lan_media, transport_rr):
    """ph calls ruri; the UAS on the WAN at uas_addr answers; media both
    ways; the phone hangs up."""
    uas = Peer(WAN_NS, "udp", uas_addr[0], uas_addr[1])
    lrtp = udp_in(LAN_NS, lan_media[0], lan_media[1])
    wrtp = udp_in(WAN_NS, "203.0.113.2", 26000 + uas_addr[1] % 100)
    body = sdp(lan_media[0], lan_media[1], CRYPTO)
    cid = "call-%x" % random.randrange(1 << 30)
    frm = "<sip:phone1@sip.test>;tag=ph%s" % cid
    ph.send(request("INVITE", ruri, ph, frm, "<%s>" % ruri,
                    ctype="application/sdp", body=body, callid=cid,
                    contact="<sip:phone1@10.0.0.2:%d;transport=%s>" %
                    (ph.port, ph.tr), ftag=""))
    inv = uas.recv(5)
    if not check(what + ": the INVITE reached the provider's UAS",
                 inv is not None and inv.method == "INVITE"):
        return
    check(what + ": a=crypto, a=fingerprint, a=setup arrive untouched",
          attrs(inv) == CRYPTO[:3], repr(attrs(inv)))
    wpeer = media(inv)
    check(what + ": no LAN address in the INVITE the provider got",
          b"10.0.0." not in inv.raw, inv.raw[:300])
    uas.reply(inv, 180)
    totag = uas.reply(inv, 200, ctype="application/sdp",
                      contact="<sip:wan@203.0.113.2:%d>" % uas_addr[1],
                      body=sdp("203.0.113.2", wrtp.getsockname()[1],
                               CRYPTO[:1] + CRYPTO[3:]))
    ok = got_200(ph, 5, what + ": the phone got 200")
    if ok is None:
        return
    rs = routes(ok)
    check(what + ": the phone's first route is ours, " +
          (transport_rr or "udp"),
          len(rs) > 0 and "10.0.0.1" in rs[0] and
          (transport_rr in rs[0] if transport_rr else "transport=" not in
           rs[0]), repr(rs))
    check(what + ": the answer's a=crypto is untouched",
          attrs(ok) == CRYPTO[:1], repr(attrs(ok)))
    lpeer = media(ok)
    to = ok.get("to")
    in_dialog(ph, "ACK", None, rs, "sip:wan@203.0.113.2:%d" % uas_addr[1],
              frm, to, cid, 1)
    ack = uas.recv(5)
    check(what + ": the ACK reached the UAS", ack is not None and
          ack.method == "ACK")
    srtp_pass(lrtp, lpeer, wrtp, wpeer, what + ": SRTP packets relayed "
              "byte for byte both ways")
    hangup(ph, uas, rs, "sip:wan@203.0.113.2:%d" % uas_addr[1], frm, to,
           cid, what + ": the BYE reached the UAS", what + ": the phone "
           "got the BYE's 200")
    for s in (uas.sock, lrtp, wrtp):
        s.close()
    del totag


def in_call(ph, what):
    """The provider's side calls phone1 through Kamailio; the phone
    answers on its TLS connection."""
    uac = Peer(WAN_NS, "udp", "203.0.113.2", 5080, ("203.0.113.2", 5060))
    cid = "in-%x" % random.randrange(1 << 30)
    frm = "<sip:wan@sip.test>;tag=w%s" % cid
    uac.send(request("INVITE", "sip:phone1@sip.test", uac, frm,
                     "<sip:phone1@sip.test>", ctype="application/sdp",
                     body=sdp("203.0.113.2", 26090, CRYPTO), callid=cid,
                     contact="<sip:wan@203.0.113.2:5080>", ftag=""))
    inv = ph.recv(8)
    if not check(what + ": the phone got the INVITE on its TLS connection",
                 inv is not None and inv.method == "INVITE",
                 inv.start if inv else "nothing"):
        return
    check(what + ": a=crypto and a=fingerprint reach the phone untouched",
          attrs(inv) == CRYPTO[:3], repr(attrs(inv)))
    ph.reply(inv, 200, ctype="application/sdp",
             contact="<sip:phone1@10.0.0.2:%d;transport=tls>" % ph.port,
             body=sdp("10.0.0.2", 16090, CRYPTO[:1]))
    ok = got_200(uac, 8, what + ": the caller got 200")
    if ok is None:
        return
    check(what + ": no LAN address in the answer on the WAN",
          b"10.0.0." not in ok.raw, ok.raw[:300])
    rs = routes(ok)
    target = re.search(r"<([^>]+)>", ok.get("contact")).group(1)
    to = ok.get("to")
    in_dialog(uac, "ACK", None, rs, target, frm, to, cid, 1)
    ack = ph.recv(5)
    check(what + ": the ACK reached the phone", ack is not None and
          ack.method == "ACK")
    hangup(uac, ph, rs, target, frm, to, cid, what + ": the BYE reached "
           "the phone", what + ": the caller got the BYE's 200")
    uac.sock.close()


def bad_cert(ph, ruri, what):
    ph.send(request("INVITE", ruri, ph, "<sip:phone1@sip.test>",
                    "<%s>" % ruri, ctype="application/sdp",
                    body=sdp("10.0.0.2", 16100, CRYPTO[:1]),
                    contact="<sip:phone1@10.0.0.2:%d;transport=tls>" %
                    ph.port))
    r = ph.recv(8)
    check(what, r is not None and r.code == 503,
          r.start if r else "nothing")


def reload_cert(ph):
    """A renewed certificate (serial 2) and SIGHUP: a new connection gets
    it; the phone's open connection keeps working."""
    for f in ("srv.crt", "srv.key"):
        shutil.copy(WORK + "/tls/new-" + f, WORK + "/tls/" + f)
    old = ph.serial
    os.kill(int(SXPID), signal.SIGHUP)
    end = time.monotonic() + 5
    serial = old
    while serial == old and time.monotonic() < end:
        time.sleep(0.2)
        try:
            n = TlsPeer(LAN_NS, "10.0.0.2", FW_IN)
            serial = n.serial
            n.conn.close()
        except (OSError, ssl.SSLError):
            pass
    check("after SIGHUP a new connection gets the new certificate "
          "(serial %s, was %s)" % (serial, old), serial != old)
    r = register(ph)
    check("the connection opened before the reload still carries a "
          "REGISTER", r is not None and r.code == 200,
          r.start if r else "nothing")


def udp_phone_call():
    """Mixed: a UDP phone calls through the TLS provider."""
    ph = Peer(LAN_NS, "udp", "10.0.0.2", 5062, ("10.0.0.1", 5060))
    out_call(ph, "sip:wan5071@sip.test;transport=tls", ("203.0.113.2", 5071),
             "udp phone -> tls provider", ("10.0.0.2", 16200), "")
    ph.sock.close()


def proxy_call():
    """outbound_proxy_transport = tls: a UDP phone's call to a domain
    that says nothing of TLS leaves over TLS to the proxy."""
    ph = Peer(LAN_NS, "udp", "10.0.0.2", 5064, ("10.0.0.1", 5060))
    out_call(ph, "sip:wan5073@elsewhere.example", ("203.0.113.2", 5073),
             "udp phone -> outbound proxy over tls", ("10.0.0.2", 16300),
             "")
    ph.sock.close()
    sys.exit(FAILED[0])


def naptr_call():
    """RFC 3263 §4.1: a URI that names no transport, for a domain whose
    NAPTR record says SIPS+D2T, leaves over TLS."""
    ph = Peer(LAN_NS, "udp", "10.0.0.2", 5065, ("10.0.0.1", 5060))
    out_call(ph, "sip:wan5074@naptr.test", ("203.0.113.2", 5074),
             "udp phone -> naptr SIPS+D2T", ("10.0.0.2", 16400), "")
    ph.sock.close()
    sys.exit(FAILED[0])


def refused(ph, ruri, code, what):
    ph.send(request("INVITE", ruri, ph, "<sip:phone1@sip.test>",
                    "<%s>" % ruri, contact="<sip:phone1@10.0.0.2:%d>" %
                    ph.port))
    r = ph.recv(8)
    while r is not None and r.code is not None and r.code < 200:
        r = ph.recv(8)
    check(what, r is not None and r.code == code,
          r.start if r else "nothing")


def notls():
    """TLS turned off by a reload, and TCP to a closed port: answered."""
    ph = Peer(LAN_NS, "udp", "10.0.0.2", 5066, ("10.0.0.1", 5060))
    refused(ph, "sips:wan5075@sip.test", 416, "a sips: request with TLS "
            "turned off: 416 (RFC 3261 §16.3 step 2)")
    refused(ph, "sip:wan@203.0.113.2:5999;transport=tcp", 503,
            "a TCP connect that is refused: 503 for what waited on it")
    ph.sock.close()
    sys.exit(FAILED[0])


def main():
    if MODE == "proxy":
        proxy_call()
    if MODE == "naptr":
        naptr_call()
    if MODE == "notls":
        notls()
    ph = TlsPeer(LAN_NS, "10.0.0.2", FW_IN)
    check("the phone's TLS handshake with siproxd verifies (serial %s)" %
          ph.serial, ph.serial is not None)
    r = register(ph)
    check("REGISTER over TLS inside and outside: 200 from Kamailio",
          r is not None and r.code == 200, r.start if r else "nothing")
    out_call(ph, "sips:wan5070@sip.test", ("203.0.113.2", 5070),
             "tls phone -> tls provider", ("10.0.0.2", 16000),
             "transport=tls")
    in_call(ph, "tls provider -> tls phone")
    out_call(ph, "sip:wan@203.0.113.2:5072", ("203.0.113.2", 5072),
             "tls phone -> udp provider", ("10.0.0.2", 16100),
             "transport=tls")
    udp_phone_call()
    bad_cert(ph, "sips:wan@evil.test", "a provider whose certificate "
             "names another host: 503")
    time.sleep(1.1)  # one failure line a second per host
    bad_cert(ph, "sips:wan@203.0.113.2:5063", "a provider whose "
             "certificate no CA we trust signed: 503")
    reload_cert(ph)
    sys.exit(FAILED[0])


main()
