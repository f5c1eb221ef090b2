# SPDX-License-Identifier: ISC
# Calls through siproxd whose offer/answer is not the plain INVITE/200:
#
#   python3 flows.py LAN_NS WAN_NS FLOW
#
# A LAN phone (10.0.0.2:5062, not registered) calls a UAS in the wan
# (203.0.113.2:5070) over UDP; both ends are raw peers (sippeer.py) that
# keep their dialog as RFC 3261 §12 says (route set from Record-Route,
# remote target from Contact).  Media is RTP over UDP between
# 10.0.0.2:4xxxx and 203.0.113.2:5xxxx through the relay ports the SDP
# names; "media" checks mean packets arrived both ways.  FLOW:
#
#   farend   the far end sends a re-INVITE and then the BYE (to the
#            phone's masqueraded Contact, the phone never registered)
#   farend-reinvite  the far end's re-INVITE without SDP: the offer in
#            the phone's 200, the answer in the far end's ACK
#   early    183 with SDP, media, 200 with the same SDP, media
#   early2   183 with SDP, media, 200 with another SDP, media to it
#   fork     183 with SDP from one branch (To tag, host), media; 180 with
#            SDP from another, media with it; 200 from the first, media
#            to it
#   rtcpmux  a=rtcp-mux both sides: RTP and RTCP on one port each way
#   reinvite a re-INVITE without SDP: the offer in the 200, the answer in
#            the ACK, media to the new ports
#   update   UPDATE with SDP and its 200 with SDP, media to the new ports
#   early-update  the same in the early dialog after a 183 (RFC 3311)
#   phone-tcp, wan-tcp  the phone on TCP and the far end on UDP, and the
#            reverse: two Record-Routes of ours (RFC 5658), each side's
#            first hop on its own side and transport, no LAN address
#            at the wan, our TCP connection from our wan address; then
#            as farend
#   prack    100rel: a reliable 183 with SDP, PRACK, its 200, media,
#            then the 200 for the INVITE
#
# Prints one line per check; exits 1 if any failed.

import random
import socket
import sys
import time

from sippeer import Peer, in_ns, request

LAN_NS, WAN_NS, FLOW = sys.argv[1:4]
FW_IN = ("10.0.0.1", 5060)
FW_OUT = ("203.0.113.1", 5060)
ok = True


def say(good, what):
    global ok
    print("%s %s" % ("ok" if good else "FAIL", what))
    ok = ok and good
    return good


class Media:
    """An RTP endpoint: a UDP socket (and the next port for RTCP)."""

    def __init__(self, ns, addr, port, mux=False):
        self.addr, self.port, self.mux = addr, port, mux
        self.sock = in_ns(ns, self._bind, addr, port)
        self.rtcp = None if mux else in_ns(ns, self._bind, addr, port + 1)
        self.ssrc = random.randrange(1 << 31)
        self.seq = 0

    @staticmethod
    def _bind(addr, port):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((addr, port))
        s.setblocking(False)
        return s

    def sdp(self, ver=1):
        return (b"v=0\r\no=- 7 %d IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\n"
                b"t=0 0\r\nm=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
                b"%sa=sendrecv\r\n" % (
                    ver, self.addr.encode(), self.addr.encode(), self.port,
                    b"a=rtcp-mux\r\n" if self.mux else b""))

    def rtp(self):
        self.seq += 1
        return (bytes([0x80, 0]) + self.seq.to_bytes(2, "big") +
                (self.seq * 160).to_bytes(4, "big") +
                self.ssrc.to_bytes(4, "big") + b"flows" * 32)

    def rtcp_pkt(self):
        # RFC 3550 §6.4.2: an empty receiver report.
        return bytes([0x80, 201, 0, 1]) + self.ssrc.to_bytes(4, "big")

    def drain(self, sock):
        got = []
        while True:
            try:
                got.append(sock.recv(2048))
            except BlockingIOError:
                return got


def sdp_dest(body):
    """(address, port) of the first audio stream of an SDP body."""
    addr = port = None
    for ln in body.decode("latin-1").split("\r\n"):
        if ln.startswith("c=IN IP4 "):
            addr = ln[9:].strip()
        if ln.startswith("m=audio "):
            port = int(ln.split()[1])
    return addr, port


def talk(a, adst, b, bdst, what, rtcp=False):
    """Media both ways: a sends to adst, b to bdst; each must receive the
    other's packets (and with rtcp, RTCP on the RTP port: rtcp-mux)."""
    ga, gb = [], []
    for _ in range(40):
        a.sock.sendto(a.rtp(), adst)
        b.sock.sendto(b.rtp(), bdst)
        if rtcp:
            a.sock.sendto(a.rtcp_pkt(), adst)
            b.sock.sendto(b.rtcp_pkt(), bdst)
        time.sleep(0.02)
        ga += a.drain(a.sock)
        gb += b.drain(b.sock)
    time.sleep(0.2)
    ga += a.drain(a.sock)
    gb += b.drain(b.sock)

    def count(got, src, pt):
        # The sender's SSRC: RTP bytes 8-11, RTCP bytes 4-7 (RFC 3550).
        at = 8 if pt == 0 else 4
        return sum(1 for p in got if len(p) >= at + 4 and p[1] == pt and
                   int.from_bytes(p[at:at + 4], "big") == src.ssrc)
    na, nb = count(ga, b, 0), count(gb, a, 0)
    good = na >= 20 and nb >= 20
    extra = ""
    if rtcp:
        ra, rb = count(ga, b, 201), count(gb, a, 201)
        good = good and ra >= 20 and rb >= 20
        extra = ", RTCP on the RTP port %d and %d" % (ra, rb)
    return say(good, "%s: media %d packets lan<-wan, %d wan<-lan%s" % (
        what, na, nb, extra))


class Dialog:
    """One side's view of a dialog (RFC 3261 §12.1)."""

    def __init__(self, peer, hop, local, remote, callid, route, target):
        self.peer, self.hop = peer, hop
        self.local, self.remote = local, remote
        self.callid, self.route, self.target = callid, route, target
        self.cseq = 100

    def peer_contact(self):
        return ("sip:wan@203.0.113.2:5070" if self.hop == FW_OUT else
                "sip:phone@10.0.0.2:5062")

    def req(self, method, ctype=None, body=b"", extra=(), cseq=None):
        if cseq is None:
            self.cseq += 1
            cseq = self.cseq
        hdr = ["Route: " + r for r in self.route] + list(extra)
        self.peer.send(request(method, self.target, self.peer, self.local,
                               self.remote, ctype, body, hdr,
                               callid=self.callid, cseq=cseq, ftag=""))


def uac_dialog(phone, inv_resp, callid, local):
    rr = inv_resp.all("record-route")
    route = [r.strip() for h in reversed(rr) for r in reversed(h.split(","))]
    return Dialog(phone, FW_IN, local, inv_resp.get("to"), callid, route,
                  inv_resp.get("contact").strip("<>"))


def uas_dialog(wan, inv, totag):
    rr = inv.all("record-route")
    route = [r.strip() for h in rr for r in h.split(",")]
    return Dialog(wan, FW_OUT, inv.get("to") + ";tag=" + totag,
                  inv.get("from"), inv.get("call-id"), route,
                  inv.get("contact").strip("<>").split(">")[0])


def expect(peer, what, method=None, code=None, wait=3.0):
    m = peer.recv(wait)
    good = m is not None and (m.method == method if method else
                              m.code == code)
    # Framed by Content-Length here: it must cover the body exactly.
    if m is not None and m.cl != len(m.dgram_rest):
        good = False
        what += " (Content-Length %s, body %d)" % (m.cl, len(m.dgram_rest))
    say(good, "%s: %s" % (what, m.start if m is not None else "nothing"))
    return m if good else None


class Call:
    """The phone calls wan@203.0.113.2:5070 (not registered anywhere)."""

    def __init__(self, mux=False, ptr="udp", wtr="udp"):
        self.wan = Peer(WAN_NS, wtr, "203.0.113.2", 5070, remote=FW_OUT,
                        listen=True)
        self.phone = Peer(LAN_NS, ptr, "10.0.0.2", 5062, remote=FW_IN)
        self.ptp = ";transport=tcp" if ptr == "tcp" else ""
        self.wtp = ";transport=tcp" if wtr == "tcp" else ""
        self.pm = Media(LAN_NS, "10.0.0.2", 40000, mux)
        self.wm = Media(WAN_NS, "203.0.113.2", 50000, mux)
        self.callid = "flow-%s-%x" % (FLOW, random.randrange(1 << 30))
        self.local = "<sip:phone@10.0.0.2>;tag=ph%d" % random.randrange(1000)

    def invite(self, body=None, extra=()):
        data = request("INVITE", "sip:wan@203.0.113.2:5070" + self.wtp,
                       self.phone, self.local, "<sip:wan@203.0.113.2>",
                       "application/sdp" if body else None, body or b"",
                       list(extra), callid=self.callid,
                       contact="<sip:phone@10.0.0.2:5062%s>" % self.ptp,
                       ftag="")
        self.phone.send(data)
        self.inv = expect(self.wan, "the INVITE reaches the wan",
                          method="INVITE")
        return self.inv

    def answer(self, code, body=None, totag="uas1", extra=()):
        self.wan.reply(self.inv, code, "application/sdp" if body else None,
                       body or b"",
                       contact="<sip:wan@203.0.113.2:5070%s>" % self.wtp,
                       totag=totag, extra=extra)

    def ack(self, resp, body=None):
        self.uac = uac_dialog(self.phone, resp, self.callid, self.local)
        self.uac.req("ACK", "application/sdp" if body else None,
                     body or b"", cseq=1)
        self.uas = uas_dialog(self.wan, self.inv, self.totag(resp))
        return expect(self.wan, "the ACK reaches the wan", method="ACK")

    @staticmethod
    def totag(resp):
        return resp.get("to").split(";tag=")[1].split(";")[0]

    def talk(self, resp_sdp, inv_sdp, what, rtcp=False):
        """resp_sdp: what the phone got; inv_sdp: what the wan got."""
        return talk(self.pm, sdp_dest(resp_sdp), self.wm,
                    sdp_dest(inv_sdp), what, rtcp)

    def setup(self, extra=()):
        inv = self.invite(self.pm.sdp(), extra)
        if inv is None:
            return None
        self.answer(200, self.wm.sdp())
        r = expect(self.phone, "the 200 reaches the phone", code=200)
        if r is None or self.ack(r) is None:
            return None
        self.talk(r.body, inv.body, "after the 200")
        return r

    def early183(self):
        """INVITE with an offer, 183 with the answer: (INVITE, 183)."""
        inv = self.invite(self.pm.sdp())
        if inv is None:
            return None, None
        self.answer(183, self.wm.sdp())
        return inv, expect(self.phone, "the 183 reaches the phone", code=183)

    def bye_from_phone(self):
        self.uac.req("BYE")
        m = expect(self.wan, "the phone's BYE reaches the wan",
                   method="BYE")
        if m is not None:
            self.wan.reply(m, 200)
            expect(self.phone, "the 200 for the BYE reaches the phone",
                   code=200)


def farend(c=None):
    """With c, a call already set up."""
    if c is None:
        c = Call()
        if c.setup() is None:
            return
    # Re-INVITE from the far end with a new port: to the phone's Contact.
    wm2 = Media(WAN_NS, "203.0.113.2", 50010)
    c.uas.req("INVITE", "application/sdp", wm2.sdp(2),
              extra=["Contact: <sip:wan@203.0.113.2:5070%s>" % c.wtp])
    m = expect(c.phone, "the far end's re-INVITE reaches the phone",
               method="INVITE")
    if m is None:
        return
    c.phone.reply(m, 200, "application/sdp", c.pm.sdp(2),
                  contact="<sip:phone@10.0.0.2:5062%s>" % c.ptp)
    r = expect(c.wan, "the phone's 200 reaches the far end", code=200)
    if r is None:
        return
    c.uas.req("ACK", cseq=c.uas.cseq)
    if expect(c.phone, "the far end's ACK reaches the phone",
              method="ACK") is None:
        return
    talk(c.pm, sdp_dest(m.body), wm2, sdp_dest(r.body), "after the re-INVITE")
    c.uas.req("BYE")
    m = expect(c.phone, "the far end's BYE reaches the phone", method="BYE")
    if m is not None:
        c.phone.reply(m, 200)
        expect(c.wan, "the phone's 200 for the BYE reaches the far end",
               code=200)


def ours(rr, host, tr):
    """rr names us at host with transport tr (RFC 3261 §19.1.1)."""
    u = rr.strip("<> ").split(">")[0]
    hp = u.split("@")[-1].split(";")[0].split("sip:")[-1]
    tcp = ";transport=tcp" in u.lower()
    return hp in (host, host + ":5060") and tcp == (tr == "tcp") and \
        ";lr" in u


def xtransport(ptr, wtr):
    """The phone on ptr, the far end on wtr: RFC 5658 double
    Record-Route, each side reaches us on its own transport; then the
    far end's re-INVITE and BYE, the phone's ACK, media."""
    c = Call(ptr=ptr, wtr=wtr)
    if c.invite(c.pm.sdp()) is None:
        return
    rr = [r for h in c.inv.all("record-route") for r in h.split(",")]
    say(len(rr) == 2 and ours(rr[0], "203.0.113.1", wtr),
        "the wan sees two Record-Routes, the top one ours on its side and "
        "transport: %s" % rr)
    say(not any("10.0.0." in r for r in rr),
        "no LAN address in the Record-Routes the wan sees")
    if wtr == "tcp":
        src = c.wan.conn.getpeername()[0]
        say(src == "203.0.113.1", "our TCP connection to the wan comes "
            "from our address on that side (%s)" % src)
    c.answer(200, c.wm.sdp())
    r = expect(c.phone, "the 200 reaches the phone", code=200)
    if r is None:
        return
    rr = [x for h in r.all("record-route") for x in h.split(",")]
    say(len(rr) == 2 and ours(rr[-1], "10.0.0.1", ptr),
        "the phone sees two Record-Routes, its first hop ours on its side "
        "and transport: %s" % rr)
    if c.ack(r) is None:
        return
    c.talk(r.body, c.inv.body, "after the 200")
    farend(c)


def early(same):
    c = Call()
    inv, r183 = c.early183()
    if r183 is None:
        return
    c.talk(r183.body, inv.body, "early media")
    wm2 = c.wm if same else Media(WAN_NS, "203.0.113.2", 50010)
    c.answer(200, wm2.sdp(1 if same else 2))
    r = expect(c.phone, "the 200 reaches the phone", code=200)
    if r is None or c.ack(r) is None:
        return
    what = "after the 200 (%s SDP)" % ("same" if same else "another")
    talk(c.pm, sdp_dest(r.body), wm2, sdp_dest(inv.body), what)
    c.bye_from_phone()


def fork():
    """A forking proxy upstream: 183 from one host, media; 180 with SDP
    from another host (the latest early media is what the phone hears,
    RFC 3960 §3.1), media; then the first branch answers, media to it."""
    c = Call()
    inv = c.invite(c.pm.sdp())
    if inv is None:
        return
    wm2 = Media(WAN_NS, "203.0.113.3", 50010)	# another host
    c.answer(183, c.wm.sdp(), totag="branch1")
    r1 = expect(c.phone, "the first branch's 183 reaches the phone", code=183)
    if r1 is None:
        return
    c.talk(r1.body, inv.body, "early media from the first branch")
    c.answer(180, wm2.sdp(), totag="branch2")
    r2 = expect(c.phone, "the second branch's 180 reaches the phone",
                code=180)
    if r2 is None:
        return
    say(c.totag(r1) != c.totag(r2), "two early dialogs (two To tags)")
    talk(c.pm, sdp_dest(r2.body), wm2, sdp_dest(inv.body),
         "early media from the second branch")
    c.answer(200, c.wm.sdp(), totag="branch1")
    r = expect(c.phone, "the first branch's 200 reaches the phone",
               code=200)
    if r is None or c.ack(r) is None:
        return
    say(c.totag(r) == "branch1", "the dialog is the first branch's")
    c.talk(r.body, inv.body, "after the 200 from the first branch")
    c.bye_from_phone()


def rtcpmux():
    c = Call(mux=True)
    inv = c.invite(c.pm.sdp())
    if inv is None:
        return
    say(b"a=rtcp-mux" in inv.body, "the offer keeps a=rtcp-mux")
    c.answer(200, c.wm.sdp())
    r = expect(c.phone, "the 200 reaches the phone", code=200)
    if r is None or c.ack(r) is None:
        return
    say(b"a=rtcp-mux" in r.body, "the answer keeps a=rtcp-mux")
    c.talk(r.body, inv.body, "rtcp-mux", rtcp=True)
    c.bye_from_phone()


def reinvite(far):
    """A re-INVITE without SDP (RFC 3264 §5): the offer in the 200, the
    answer in the ACK; sent by the phone, or with far by the far end."""
    c = Call()
    if c.setup() is None:
        return
    pm2 = Media(LAN_NS, "10.0.0.2", 40010)
    wm2 = Media(WAN_NS, "203.0.113.2", 50010)
    if far:
        d, to, me, them = c.uas, c.phone, "the far end", "the phone"
        offer, answer = pm2, wm2
    else:
        d, to, me, them = c.uac, c.wan, "the phone", "the wan"
        offer, answer = wm2, pm2
    d.req("INVITE", extra=["Contact: <%s>" % d.peer_contact()])
    m = expect(to, "%s's re-INVITE without SDP reaches %s" % (me, them),
               method="INVITE")
    if m is None:
        return
    say(m.body == b"", "the re-INVITE has no body")
    to.reply(m, 200, "application/sdp", offer.sdp(2),
             contact="<%s>" % ("sip:phone@10.0.0.2:5062" if far else
                               "sip:wan@203.0.113.2:5070"))
    r = expect(d.peer, "the 200 with the offer reaches %s" % me, code=200)
    if r is None:
        return
    d.req("ACK", "application/sdp", answer.sdp(2), cseq=d.cseq)
    a = expect(to, "the ACK with the answer reaches %s" % them,
               method="ACK")
    if a is None:
        return
    lan, wan = (a, r) if far else (r, a)
    talk(pm2, sdp_dest(lan.body), wm2, sdp_dest(wan.body),
         "offer in the 200, answer in the ACK")
    c.bye_from_phone()


def early_update():
    """UPDATE with SDP in the early dialog (RFC 3311 §5.1), then 200."""
    c = Call()
    inv, r = c.early183()
    if r is None:
        return
    pm2 = Media(LAN_NS, "10.0.0.2", 40010)
    wm2 = Media(WAN_NS, "203.0.113.2", 50010)
    d = uac_dialog(c.phone, r, c.callid, c.local)
    d.req("UPDATE", "application/sdp", pm2.sdp(2),
          extra=["Contact: <sip:phone@10.0.0.2:5062>"])
    m = expect(c.wan, "the early UPDATE reaches the wan", method="UPDATE")
    if m is None:
        return
    c.wan.reply(m, 200, "application/sdp", wm2.sdp(2),
                contact="<sip:wan@203.0.113.2:5070>", totag="uas1")
    u = expect(c.phone, "the 200 for the UPDATE reaches the phone", code=200)
    if u is None:
        return
    talk(pm2, sdp_dest(u.body), wm2, sdp_dest(m.body),
         "early media after the UPDATE")
    c.answer(200)
    r2 = expect(c.phone, "the 200 for the INVITE reaches the phone",
                code=200)
    if r2 is None or c.ack(r2) is None:
        return
    talk(pm2, sdp_dest(u.body), wm2, sdp_dest(m.body), "after the 200")
    c.uac.cseq = d.cseq
    c.bye_from_phone()


def update():
    c = Call()
    if c.setup() is None:
        return
    pm2 = Media(LAN_NS, "10.0.0.2", 40010)
    wm2 = Media(WAN_NS, "203.0.113.2", 50010)
    c.uac.req("UPDATE", "application/sdp", pm2.sdp(2),
              extra=["Contact: <sip:phone@10.0.0.2:5062>"])
    m = expect(c.wan, "the UPDATE reaches the wan", method="UPDATE")
    if m is None:
        return
    c.wan.reply(m, 200, "application/sdp", wm2.sdp(2),
                contact="<sip:wan@203.0.113.2:5070>")
    r = expect(c.phone, "the 200 for the UPDATE reaches the phone", code=200)
    if r is None:
        return
    talk(pm2, sdp_dest(r.body), wm2, sdp_dest(m.body), "after the UPDATE")
    c.bye_from_phone()


def prack():
    c = Call()
    inv = c.invite(c.pm.sdp(), ["Supported: 100rel"])
    if inv is None:
        return
    c.answer(183, c.wm.sdp(), extra=["Require: 100rel", "RSeq: 1"])
    r = expect(c.phone, "the reliable 183 reaches the phone", code=183)
    if r is None:
        return
    say(r.get("rseq") == "1" and "100rel" in (r.get("require") or ""),
        "the 183 keeps Require: 100rel and RSeq")
    early_d = uac_dialog(c.phone, r, c.callid, c.local)
    early_d.req("PRACK", extra=["RAck: 1 1 INVITE"])
    p = expect(c.wan, "the PRACK reaches the wan", method="PRACK")
    if p is None:
        return
    say(p.get("rack") == "1 1 INVITE", "the PRACK keeps RAck")
    c.wan.reply(p, 200, totag="uas1")
    expect(c.phone, "the 200 for the PRACK reaches the phone", code=200)
    c.talk(r.body, inv.body, "early media after the PRACK")
    c.answer(200)
    r2 = expect(c.phone, "the 200 for the INVITE reaches the phone",
                code=200)
    if r2 is None or c.ack(r2) is None:
        return
    c.talk(r.body, inv.body, "after the 200")
    c.uac.cseq = early_d.cseq
    c.bye_from_phone()


FLOWS = {"farend": farend, "early": lambda: early(True),
         "early2": lambda: early(False), "fork": fork, "rtcpmux": rtcpmux,
         "reinvite": lambda: reinvite(False),
         "farend-reinvite": lambda: reinvite(True),
         "update": update, "early-update": early_update, "prack": prack,
         "phone-tcp": lambda: xtransport("tcp", "udp"),
         "wan-tcp": lambda: xtransport("udp", "tcp")}

if __name__ == "__main__":
    FLOWS[FLOW]()
    sys.exit(0 if ok else 1)
