#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# Writes the seed corpus of sipd_fuzz (regress/fuzz/corpus/sipd/): the
# message sequences of the sipp scenarios in regress/e2e/sipp/ with their
# [fields] filled in as the e2e tests fill them, and the RFC 4475 / 5118
# torture messages one by one.  The input format is described at the top
# of sipd_fuzz.c.  Usage: sipd_corpus.py [torture-dir [out-dir]]

import os
import sys

SEP = b"\n###\n"

# Control byte: source (sipd_fuzz.c fuzz_srcs), TCP, rtpd's mode, config;
# TCP under CONF_OPTS, which has TLS on, is TLS.
PHONE1, PHONE2, PHONE6, LOOP, REGISTRAR, UAS, WAN6, SPOOF = range(8)
TCP = 0x08
RTPD_FULL, RTPD_SILENT, RTPD_FUZZ = 0x10, 0x20, 0x30
CONF_AUTH, CONF_OPTS, CONF_NORTP = 0x40, 0x80, 0xc0


def sip(start, headers, body=""):
    """A message with CRLF line ends and a Content-Length that fits."""
    lines = [start] + headers
    if body:
        body = body.replace("\n", "\r\n")
        lines.append("Content-Type: application/sdp")
    lines.append("Content-Length: %d" % len(body.encode()))
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def sdp(ip, *media, hold=False):
    v = "6" if ":" in ip else "4"
    text = ("v=0\no=user1 53655765 2353687637 IN IP%s %s\ns=-\n"
            "c=IN IP%s %s\nt=0 0\n" % (v, ip, v, "0.0.0.0" if hold else ip))
    for m in media:
        text += m + "\n"
    if hold:
        text += "a=sendonly\n"
    return text


AUDIO = "m=audio %d RTP/AVP 0\na=rtpmap:0 PCMU/8000"
VIDEO = "m=video %d RTP/AVP 96\na=rtpmap:96 H264/90000"


class Phone:
    """A UA as the e2e tests run it: its address, names and dialog state."""

    def __init__(self, src, ip, port, user, domain="sip.test", tr="UDP"):
        self.src, self.ip, self.port = src, ip, port
        self.user, self.domain, self.tr = user, domain, tr
        self.n = 0
        h = "[%s]" % ip if ":" in ip else ip
        self.hostport = "%s:%d" % (h, port)

    def via(self):
        self.n += 1
        return "Via: SIP/2.0/%s %s;branch=z9hG4bK-%s-%d;rport" % (
            self.tr, self.hostport, self.user, self.n)

    def contact(self):
        return "Contact: <sip:%s@%s%s>" % (
            self.user, self.hostport,
            ";transport=" + self.tr.lower() if self.tr != "UDP" else "")

    def register(self, expires=300, cseq=1, extra=()):
        aor = "<sip:%s@%s>" % (self.user, self.domain)
        return sip("REGISTER sip:%s SIP/2.0" % self.domain, [
            self.via(), "From: %s;tag=%sr1" % (aor, self.user),
            "To: %s" % aor, "Call-ID: %d-reg@%s" % (self.port, self.ip),
            "CSeq: %d REGISTER" % cseq, self.contact(),
            "Expires: %d" % expires, "Max-Forwards: 70",
            "User-Agent: regress-phone"] + list(extra))

    def request(self, method, ruri, to, cseq, body="", routes=(),
                cid=None, totag=None, via=None):
        return sip("%s %s SIP/2.0" % (method, ruri), [
            via or self.via(), "Max-Forwards: 70"] + list(routes) + [
            "From: <sip:%s@%s>;tag=%sc1" % (self.user, self.domain,
                                            self.user),
            "To: %s%s" % (to, ";tag=" + totag if totag else ""),
            "Call-ID: %s" % (cid or "%d-call@%s" % (self.port, self.ip)),
            "CSeq: %d %s" % (cseq, method), self.contact()], body)


def answer(code, reason, frm, to, cseq, contact=None, body="", rr=True,
           cid="@CID@"):
    """A response with the Vias (and Record-Routes) sipd sent."""
    h = ["Via: @VIA@"] + (["Record-Route: @RR@"] if rr else []) + [
        "From: %s" % frm, "To: %s" % to, "Call-ID: %s" % cid,
        "CSeq: %s" % cseq]
    if contact:
        h.append("Contact: %s" % contact)
    return sip("SIP/2.0 %d %s" % (code, reason), h, body)


def seq(*chunks):
    return SEP.join(bytes([ctl]) + msg for ctl, msg in chunks)


phone1 = Phone(PHONE1, "10.0.0.2", 5061, "phone1")
phone6 = Phone(PHONE6, "fd00:1::2", 5061, "phone6")
phonet = Phone(PHONE1, "10.0.0.2", 5061, "phonet", tr="TCP")
phones = Phone(PHONE2, "10.0.0.2", 5062, "phones", tr="TLS")
uas = Phone(UAS, "203.0.113.2", 5070, "wan", domain="uas.test")
caller = Phone(UAS, "203.0.113.2", 5070, "provider")

P1 = "<sip:phone1@sip.test>;tag=phone1c1"
P1R = "<sip:phone1@sip.test>;tag=phone1r1"
WAN = "<sip:wan@uas.test>"
WANT = WAN + ";tag=u1"
WC = "sip:wan@203.0.113.2:5070"
WCH = "<%s>" % WC


def reg_ok(ph, cseq=1, expires=300, src=REGISTRAR, ctl=0):
    aor = "<sip:%s@%s>" % (ph.user, ph.domain)
    return (src | ctl, answer(200, "OK", "%s;tag=%sr1" % (aor, ph.user),
                              aor + ";tag=reg1", "%d REGISTER" % cseq,
                              "<@CONTACT@>;expires=%d" % expires, rr=False))


def registered(ph, ctl=0, src=REGISTRAR):
    return [(ph.src | ctl | (TCP if ph.tr != "UDP" else 0), ph.register()),
            reg_ok(ph, src=src, ctl=ctl)]


def lan_call(ph=phone1, media=(AUDIO % 6000,), ctl=0, peer_ip="203.0.113.2",
             src=UAS, bye=True):
    """phone1 calls wan@uas.test: INVITE, 180, 200, ACK, BYE, 200."""
    frm = "<sip:%s@%s>;tag=%sc1" % (ph.user, ph.domain, ph.user)
    c = [(ph.src | ctl, ph.request("INVITE", "sip:wan@uas.test", WAN, 1,
                                   sdp(ph.ip, *media))),
         (src | (ctl & 0xc0), answer(180, "Ringing", frm, WANT, "1 INVITE",
                                     WCH)),
         (src | (ctl & 0xc0), answer(200, "OK", frm, WANT, "1 INVITE", WCH,
                                     sdp(peer_ip, AUDIO % 6002)))]
    route = ["Route: <sip:10.0.0.1:5060;lr>"]
    c.append((ph.src, ph.request("ACK", WC, WAN, 1, routes=route,
                                 totag="u1")))
    if bye:
        c.append((ph.src, ph.request("BYE", WC, WAN, 2, routes=route,
                                     totag="u1")))
        c.append((src, answer(200, "OK", frm, WANT, "2 BYE", rr=False)))
    return c


def lan_call_private():
    """A phone naming LAN addresses in every identity header (privacy.c)."""
    frm = '"P" <sip:phone1@10.0.0.2:5061>;tag=phone1c1'
    body = sdp("10.0.0.2", AUDIO % 6000 +
               "\na=candidate:1 1 UDP 2130706431 10.0.0.2 6000 typ host"
               "\na=candidate:2 1 UDP 1694498815 198.51.100.7 6000 typ "
               "srflx raddr 10.0.0.2 rport 6000"
               "\na=remote-candidates:1 fd00:1::2 6000")
    inv = sip("INVITE sip:wan@203.0.113.2:5070 SIP/2.0", [
        "Via: SIP/2.0/UDP 10.0.0.2:5061;branch=z9hG4bK-private-1;rport",
        "Max-Forwards: 70", "From: " + frm,
        "To: <sip:wan@203.0.113.2:5070>", "Call-ID: 10.0.0.2-77-x",
        "CSeq: 1 INVITE", phone1.contact(),
        'P-Asserted-Identity: "a, b" <sip:p@10.0.0.2>, <tel:+1555>',
        "P-Preferred-Identity: <sip:p@[fd00:1::2]:5061>",
        "Referred-By: sip:r@10.0.0.2;x=1", "Reply-To: <sip:p@ab10.0.0.2>",
        "Remote-Party-ID: <sip:p@10.0.0.2>;party=calling"], body)
    to = "<sip:wan@203.0.113.2:5070>;tag=u1"
    return [(PHONE1, inv),
            (UAS, answer(180, "Ringing", frm, to, "1 INVITE", WCH)),
            (UAS, answer(200, "OK", frm, to, "1 INVITE", WCH,
                         sdp("203.0.113.2", AUDIO % 6002)))]


def wan_call(callee="phone1", media=(AUDIO % 6010,), hold=False):
    """The provider calls phone1 at 203.0.113.1: the LAN phone answers."""
    to = "<sip:%s@203.0.113.1>" % callee
    frm = "<sip:provider@sip.test>;tag=providerc1"
    route = ["Route: <sip:203.0.113.1:5060;lr>"]
    cid = "%d-call@%s" % (caller.port, caller.ip)
    return [(UAS, caller.request("INVITE", "sip:%s@203.0.113.1" % callee,
                                 to, 1, sdp(caller.ip, *media, hold=hold))),
            (PHONE1, answer(180, "Ringing", frm, to + ";tag=p1",
                            "1 INVITE", "<sip:phone1@10.0.0.2:5061>")),
            (PHONE1, answer(200, "OK", frm, to + ";tag=p1", "1 INVITE",
                            "<sip:phone1@10.0.0.2:5061>",
                            sdp("10.0.0.2", AUDIO % 6020))),
            (UAS, caller.request("ACK", "@CONTACT@", to, 1, routes=route,
                                 totag="p1", cid=cid)),
            (UAS, caller.request("BYE", "@CONTACT@", to, 2, routes=route,
                                 totag="p1", cid=cid)),
            (PHONE1, answer(200, "OK", frm, to + ";tag=p1", "2 BYE",
                            rr=False))]


def seeds():
    s = {}
    s["register"] = seq(*registered(phone1))
    s["register-refused"] = seq(
        (PHONE1, phone1.register()),
        (REGISTRAR, answer(403, "Forbidden", P1R, "<sip:phone1@sip.test>",
                           "1 REGISTER", rr=False)))
    s["register-noecho"] = seq(
        (PHONE1, phone1.register()),
        (REGISTRAR, answer(200, "OK", P1R, "<sip:phone1@sip.test>",
                           "1 REGISTER", rr=False)))
    s["register-refresh-unregister"] = seq(
        *registered(phone1),
        (PHONE1, phone1.register(cseq=2)), reg_ok(phone1, 2),
        (PHONE1, phone1.register(expires=0, cseq=3)),
        reg_ok(phone1, 3, expires=0))
    s["register-wildcard"] = seq(
        *registered(phone1),
        (PHONE1, sip("REGISTER sip:sip.test SIP/2.0", [
            phone1.via(), "From: %s" % P1R, "To: <sip:phone1@sip.test>",
            "Call-ID: 5061-reg@10.0.0.2", "CSeq: 2 REGISTER",
            "Contact: *", "Expires: 0", "Max-Forwards: 70"])),
        (REGISTRAR, answer(200, "OK", P1R, "<sip:phone1@sip.test>",
                           "2 REGISTER", rr=False)))
    local = Phone(PHONE2, "10.0.0.2", 5062, "phone2", domain="10.0.0.1")
    s["register-local"] = seq(
        (PHONE2, local.register()), *wan_call("phone2")[:1],
        (PHONE2, answer(486, "Busy Here", "<sip:provider@sip.test>;tag=x",
                        "<sip:phone2@203.0.113.1>;tag=p2", "1 INVITE")))
    s["register-wan"] = seq((REGISTRAR, caller.register()))
    s["register-loopback"] = seq(
        *registered(Phone(LOOP, "127.0.0.1", 5063, "phone3")))
    s["register-ipv6"] = seq(*registered(phone6, src=WAN6))
    s["register-tcp"] = seq(*registered(phonet))
    s["register-auth"] = seq(
        (PHONE1 | CONF_AUTH, phone1.register()),
        (PHONE1 | CONF_AUTH, phone1.register(
            cseq=2, extra=["Proxy-Authorization: @AUTH@"])),
        reg_ok(phone1, 2, ctl=CONF_AUTH))
    s["register-auth-wrong"] = seq(
        (PHONE1 | CONF_AUTH, phone1.register()),
        (PHONE1 | CONF_AUTH, phone1.register(cseq=2, extra=[
            'Proxy-Authorization: Digest username="phone1", '
            'realm="siproxd.test", nonce="00", uri="sip:sip.test", '
            'response="00000000000000000000000000000000"'])))
    s["register-masked"] = seq(
        (PHONE1 | CONF_OPTS, Phone(PHONE1, "10.0.0.2", 5061, "phone1",
                                   domain="phone.lan").register()),
        reg_ok(phone1, ctl=CONF_OPTS))
    s["call-lan"] = seq(*registered(phone1), *lan_call())
    s["call-lan-av"] = seq(*lan_call(media=(AUDIO % 6000, VIDEO % 6004)))
    s["call-lan-rtcp"] = seq(*lan_call(media=(
        AUDIO % 6000 + "\na=rtcp:6009 IN IP4 10.0.0.2", "m=video 0 RTP/AVP 96",
        "m=audio 6006 RTP/AVP 0\nc=IN IP4 224.2.1.1/127")))
    s["call-lan-ipv6"] = seq(*registered(phone6, src=WAN6),
                             *lan_call(phone6, media=(AUDIO % 6000,),
                                       peer_ip="2001:db8:1::2", src=WAN6))
    s["call-lan-full"] = seq(*lan_call(ctl=RTPD_FULL, bye=False))
    s["call-lan-silent"] = seq(*lan_call(ctl=RTPD_SILENT, bye=False))
    s["call-lan-fuzz"] = seq(
        (PHONE1 | RTPD_FUZZ, b"\x00\x00\x1b\x9e\x1b\x9f" + phone1.request(
            "INVITE", "sip:wan@uas.test", WAN, 1,
            sdp("10.0.0.2", AUDIO % 6000, VIDEO % 6004))),
        (PHONE1 | RTPD_FUZZ, b"\x01\x81\xff\xff\x00\x00" + phone1.request(
            "INVITE", "sip:wan@uas.test", WAN, 2, sdp("10.0.0.2",
                                                      AUDIO % 6000))))
    s["call-lan-private"] = seq(*lan_call_private())
    s["call-lan-opts"] = seq(*lan_call(ctl=CONF_OPTS))
    s["call-lan-nortp"] = seq(*lan_call(ctl=CONF_NORTP))
    s["call-corp"] = seq((PHONE1 | CONF_NORTP, phone1.request(
        "INVITE", "sip:bob@corp.test", "<sip:bob@corp.test>", 1,
        sdp("10.0.0.2", AUDIO % 6000))))
    s["call-wan"] = seq(*registered(phone1), *wan_call())
    s["call-wan-hold"] = seq(*registered(phone1),
                             *wan_call(hold=True)[:3])
    s["call-wan-unknown"] = seq(*registered(phone1), *wan_call("nobody")[:1])
    frm = P1
    s["cancel-lan"] = seq(
        (PHONE1, phone1.request("INVITE", "sip:wan@uas.test", WAN, 1,
                                sdp("10.0.0.2", AUDIO % 6000))),
        (UAS, answer(180, "Ringing", frm, WANT, "1 INVITE", WCH)),
        (PHONE1, phone1.request("CANCEL", "sip:wan@uas.test", WAN, 1,
                                via="Via: SIP/2.0/UDP 10.0.0.2:5061;"
                                "branch=z9hG4bK-phone1-1;rport")),
        (UAS, answer(200, "OK", frm, WANT, "1 CANCEL", rr=False)),
        (UAS, answer(487, "Request Terminated", frm, WANT, "1 INVITE",
                     rr=False)),
        (PHONE1, phone1.request("ACK", "sip:wan@uas.test", WAN, 1,
                                totag="u1", via="Via: SIP/2.0/UDP "
                                "10.0.0.2:5061;branch=z9hG4bK-phone1-1;"
                                "rport")))
    s["busy-lan"] = seq(
        (PHONE1, phone1.request("INVITE", "sip:wan@uas.test", WAN, 1,
                                sdp("10.0.0.2", AUDIO % 6000))),
        (UAS, answer(486, "Busy Here", frm, WANT, "1 INVITE", rr=False)),
        (PHONE1, phone1.request("ACK", "sip:wan@uas.test", WAN, 1,
                                totag="u1")))
    s["reinvite-lan"] = seq(
        *lan_call(bye=False),
        (PHONE1, phone1.request("INVITE", WC, WAN, 2, sdp(
            "10.0.0.2", AUDIO % 6000, hold=True), totag="u1",
            routes=["Route: <sip:10.0.0.1:5060;lr>"])),
        (UAS, answer(200, "OK", frm, WANT, "2 INVITE", WCH,
                     sdp("203.0.113.2", AUDIO % 6002))))
    s["options"] = seq(
        (PHONE1, sip("OPTIONS sip:10.0.0.1 SIP/2.0", [
            phone1.via(), "Max-Forwards: 70", "From: %s" % P1,
            "To: <sip:10.0.0.1>", "Call-ID: opt1@10.0.0.2",
            "CSeq: 1 OPTIONS", "Accept: application/sdp"])),
        (REGISTRAR, sip("OPTIONS sip:203.0.113.1 SIP/2.0", [
            "Via: SIP/2.0/UDP 203.0.113.2:5060;branch=z9hG4bK-o2",
            "Max-Forwards: 0", "From: <sip:p@sip.test>;tag=o2",
            "To: <sip:203.0.113.1>", "Call-ID: opt2@203.0.113.2",
            "CSeq: 1 OPTIONS"])),
        (PHONE1, phone1.request("OPTIONS", "sip:wan@uas.test", WAN, 1)),
        (UAS, answer(200, "OK", frm, WANT, "1 OPTIONS", rr=False)))
    s["response-stray"] = seq((UAS, sip("SIP/2.0 200 OK", [
        "Via: SIP/2.0/UDP 203.0.113.1:5060;branch=z9hG4bKsxd0h0000",
        "From: %s" % P1, "To: %s" % WANT, "Call-ID: x@10.0.0.2",
        "CSeq: 1 INVITE"])))
    s["spoof-wan"] = seq((SPOOF, phone1.request(
        "INVITE", "sip:phone1@203.0.113.1", "<sip:phone1@203.0.113.1>", 1)))
    # Found by sipd_fuzz: a Content-Type libosip2 cannot write back.
    s["content-type-noval"] = seq((PHONE1, phone1.request(
        "INVITE", "sip:wan@uas.test", WAN, 1, sdp("10.0.0.2", AUDIO % 6000))
        .replace(b"application/sdp", b"application/sdp;x")))
    # Found by sipd_fuzz: a Contact URI that cannot be a Request-URI.
    s["contact-badhost"] = seq(
        (PHONE1, phone1.register().replace(
            b"Contact: <sip:phone1@10.0.0.2:5061>",
            b"Contact: <sip:phone1@10.0.0x: <sip:phone1@10.0.0.2:5061>")),
        reg_ok(phone1), *wan_call()[:1])
    # Found by sipd_fuzz: a Request-URI without a host (RFC 3966 tel:),
    # to the WAN without and with an outbound proxy.
    tel = phone1.request("INVITE", "tel:+15551234", WAN, 1,
                         sdp("10.0.0.2", AUDIO % 6000))
    s["tel-request-uri"] = seq((PHONE1, tel), (PHONE1 | CONF_OPTS, tel))
    s["keepalive"] = seq((PHONE1, b"\r\n\r\n"), (UAS | TCP, b"\r\n"))
    # A Via that looks like ours but was made up (issue 13).
    s["response-forged-plain"] = seq((UAS, sip("SIP/2.0 200 OK", [
        "Via: SIP/2.0/UDP 203.0.113.1:5060;"
        "branch=z9hG4bKsxd01p0123456789abcdef.anything",
        "Via: SIP/2.0/UDP 10.0.0.2:5099;received=127.0.0.1;rport=5099",
        "From: %s" % P1, "To: %s" % WANT, "Call-ID: x@10.0.0.2",
        "CSeq: 1 INVITE"], sdp("203.0.113.2", *[AUDIO % (30000 + 2 * i)
                                                 for i in range(10)]))))
    # Our Via, but back from the side the request did not leave by.
    s["response-wrong-side"] = seq(
        (PHONE1, phone1.request("OPTIONS", "sip:wan@uas.test", WAN, 1)),
        (PHONE1, answer(200, "OK", P1, WANT, "1 OPTIONS", rr=False)))
    # An SDP answer to no offer, and an offer of ten streams.
    s["answer-no-offer"] = seq(
        (PHONE1, phone1.request("OPTIONS", "sip:wan@uas.test", WAN, 1)),
        (UAS, answer(200, "OK", P1, WANT, "1 OPTIONS", rr=False,
                     body=sdp("203.0.113.2", AUDIO % 26000,
                              AUDIO % 26002))))
    s["ten-streams"] = seq(
        (PHONE1, phone1.request("INVITE", "sip:wan@uas.test", WAN, 1, sdp(
            "10.0.0.2", *[AUDIO % (16000 + 2 * i) for i in range(10)]))),
        (UAS, answer(200, "OK", P1, WANT, "1 INVITE", WC, sdp(
            "203.0.113.2", *[AUDIO % (26000 + 2 * i) for i in range(10)]))))
    # SIP over TLS: a phone registers and calls over TLS, SRTP keys in its
    # SDP; a UDP phone calls a sips: URI, which must leave over TLS.
    crypto = ("\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"
              "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4"
              "\na=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B\na=setup:actpass")
    s["tls-register"] = seq(*registered(phones, ctl=CONF_OPTS))
    s["tls-call"] = seq(*registered(phones, ctl=CONF_OPTS), *lan_call(
        phones, media=("m=audio 6000 RTP/SAVP 0" + crypto,),
        ctl=CONF_OPTS | TCP))
    s["tls-sips-uri"] = seq((PHONE1 | CONF_OPTS, phone1.request(
        "INVITE", "sips:wan@uas.test", WAN, 1,
        sdp("10.0.0.2", "m=audio 6000 RTP/SAVP 0" + crypto))),
        (PHONE1, phone1.request("OPTIONS", "sip:wan@uas.test;transport=tls",
                                WAN, 2)))
    return s


def torture(tdir):
    s = {}
    for sub in ("rfc4475", "rfc5118"):
        d = os.path.join(tdir, sub)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if f.endswith(".md"):
                continue
            with open(os.path.join(d, f), "rb") as fp:
                data = fp.read()
            src = UAS if data.startswith(b"SIP/") else PHONE1
            s["%s-%s" % (sub, f.replace(".dat", ""))] = bytes([src]) + data
    return s


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    # regress/torture in the checkout, as regress/e2e/torture.sh.
    tdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "torture")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        here, "corpus", "sipd")
    os.makedirs(out, exist_ok=True)
    all_seeds = seeds()
    all_seeds.update(torture(tdir))
    for name, data in sorted(all_seeds.items()):
        if len(data) >= 65536:
            sys.exit("%s: too large" % name)
        with open(os.path.join(out, name), "wb") as fp:
            fp.write(data)
    print("%d seeds in %s" % (len(all_seeds), out))


if __name__ == "__main__":
    main()
