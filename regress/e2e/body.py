# SPDX-License-Identifier: ISC
# Bodies through siproxd: python3 body.py LAN_NS WAN_NS TRANSPORT RELAY
#
# A LAN phone (10.0.0.2) registers through siproxd with a registrar in the
# wan (203.0.113.2:5070), both over TRANSPORT (udp or tcp).  Then each body
# below goes LAN->WAN in a request and comes back in its 200, and goes
# WAN->LAN in a request to the phone's masqueraded Contact and comes back
# in the phone's 200.  Every message that arrives is framed here by its
# Content-Length and must carry exactly the body that was sent (an SDP
# that siproxd rewrites because RELAY is "on": the right length and our
# address).  A MESSAGE that starts with CRLFs (RFC 3261 §7.5) must arrive
# with its body.  Prints one line per check; exits 1 if any failed.

import sys

from sippeer import Peer, body_ok, request

LAN_NS, WAN_NS, TR, RELAY = sys.argv[1:5]
FW_IN = ("10.0.0.1", 5060)
FW_OUT = ("203.0.113.1", 5060)
WANP = ("203.0.113.2", 5070)

SDP = (b"v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
       b"m=audio %d RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
       b"a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n")
MIXED = (b"--b1\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n"
         b"--b1\r\nContent-Type: application/octet-stream\r\n\r\n"
         b"\x00\x01\x02 binary \xff\r\n--b1--\r\n")
MIXED2 = (b"--b1\r\nContent-Type: text/plain\r\n\r\nthe answer\r\n"
          b"--b1--\r\n")
BODIES = [
    ("MESSAGE", "text/plain", b"Hello, are you there?\r\nYes."),
    ("INFO", "application/dtmf-relay", b"Signal=5\r\nDuration=160\r\n"),
    ("NOTIFY", "application/simple-message-summary",
     b"Messages-Waiting: yes\r\nMessage-Account: sip:vm@sip.test\r\n"
     b"Voice-Message: 2/8 (0/2)\r\n"),
    ("NOTIFY", "application/dialog-info+xml",
     b'<?xml version="1.0"?>\n<dialog-info xmlns="urn:ietf:params:xml:ns:'
     b'dialog-info" version="1" state="full" entity="sip:a@sip.test">\n'
     b'<dialog id="x"><state>confirmed</state></dialog>\n</dialog-info>\n'),
    ("NOTIFY", "message/sipfrag;version=2.0", b"SIP/2.0 200 OK\r\n"),
    ("MESSAGE", "multipart/mixed;boundary=b1", MIXED),
    ("INVITE", "application/sdp", None),
]
EVENTS = {"application/simple-message-summary": "message-summary",
          "application/dialog-info+xml": "dialog",
          "message/sipfrag;version=2.0": "refer"}

ok = True


def check(m, want, what, sdp_from=None):
    """want, or for a relayed SDP: our address on the side it arrived."""
    global ok
    if want is not None and want.startswith(b"v=0") and RELAY == "on":
        good = body_ok(m, want, what, exact=False)
        good = good and (b"c=IN IP4 %s\r\n" % sdp_from.encode()) in m.body
        if not good and m is not None:
            print("FAIL %s: SDP does not name %s" % (what, sdp_from))
    else:
        good = body_ok(m, want, what)
    ok = ok and good
    return m


def other(body):
    """Another body of the same kind, for the way back."""
    return MIXED2 if body == MIXED else body[::-1]


def extra(method, ctype):
    if method == "NOTIFY":
        return ["Event: " + EVENTS[ctype], "Subscription-State: active"]
    return []


def main():
    tparam = ";transport=tcp" if TR == "tcp" else ""
    wan = Peer(WAN_NS, TR, WANP[0], WANP[1], listen=True)
    phone = Peer(LAN_NS, TR, "10.0.0.2", 5062, remote=FW_IN)
    # The phone registers; the registrar learns its masqueraded Contact.
    phone.send(request("REGISTER", "sip:203.0.113.2:5070" + tparam, phone,
                       "<sip:phone@203.0.113.2>", "<sip:phone@203.0.113.2>",
                       contact="<sip:phone@10.0.0.2:%d%s>" % (phone.port,
                                                             tparam),
                       extra=["Expires: 300"]))
    reg = wan.recv()
    if reg is None:
        print("FAIL register: nothing reached the registrar")
        return 1
    contact = reg.get("contact")
    wan.reply(reg, 200, contact=contact + ";expires=300")
    r = phone.recv()
    if r is None or r.code != 200:
        print("FAIL register: no 200 for the phone")
        return 1
    masq = contact.strip("<>").split(";")[0]
    if TR == "udp":
        wan.remote = FW_OUT
    for i, (meth, ctype, body) in enumerate(BODIES):
        what = "%s %s %s" % (TR, meth, ctype.split(";")[0])
        b1 = body or SDP % (b"10.0.0.2", b"10.0.0.2", 40000)
        b2 = other(body) if body else SDP % (b"203.0.113.2", b"203.0.113.2",
                                            41000)
        # LAN -> WAN, and the 200 back.
        phone.send(request(meth, "sip:wan@203.0.113.2:5070" + tparam, phone,
                           "<sip:phone@203.0.113.2>", "<sip:wan@203.0.113.2>",
                           ctype, b1, extra(meth, ctype),
                           contact="<sip:phone@10.0.0.2:%d%s>" % (
                               phone.port, tparam)))
        m = check(wan.recv(), b1, what + " lan->wan", "203.0.113.1")
        if m is not None:
            wan.reply(m, 200, ctype, b2,
                      contact="<sip:wan@203.0.113.2:5070%s>" % tparam)
            check(phone.recv(), b2, what + " its 200 wan->lan", "10.0.0.1")
        # WAN -> LAN, to the masqueraded Contact, and the 200 back.
        b3 = body or SDP % (b"203.0.113.2", b"203.0.113.2", 42000)
        b4 = other(body) if body else SDP % (b"10.0.0.2", b"10.0.0.2", 43000)
        wan.send(request(meth, masq + tparam, wan, "<sip:wan@203.0.113.2>",
                         "<%s>" % masq, ctype, b3, extra(meth, ctype),
                         contact="<sip:wan@203.0.113.2:5070%s>" % tparam))
        m = check(phone.recv(), b3, what + " wan->lan", "10.0.0.1")
        if m is not None:
            phone.reply(m, 200, ctype, b4,
                        contact="<sip:phone@10.0.0.2:%d%s>" % (phone.port,
                                                              tparam))
            check(wan.recv(), b4, what + " its 200 lan->wan", "203.0.113.1")
    # RFC 3261 §7.5: CRLFs before the start-line.
    b = b"after the CRLFs"
    phone.send(request("MESSAGE", "sip:wan@203.0.113.2:5070" + tparam, phone,
                       "<sip:phone@203.0.113.2>", "<sip:wan@203.0.113.2>",
                       "text/plain", b, prefix=b"\r\n\r\n"))
    m = check(wan.recv(), b, "%s MESSAGE after CRLFs lan->wan" % TR)
    if m is not None:
        wan.reply(m, 200)
        phone.recv(1)
    oversize(phone)
    return 0 if ok else 1


def oversize(phone):
    """A MESSAGE that fits in a datagram (or comes over TCP) but grows past
    one with our Via, for a next hop on UDP: 513 (RFC 3261 §21.5.14)."""
    global ok
    head = request("MESSAGE", "sip:wan@203.0.113.2:5070", phone,
                   "<sip:phone@203.0.113.2>", "<sip:wan@203.0.113.2>",
                   "text/plain", b"")
    size = 65500 if TR == "udp" else 65536
    body = b"x" * (size - len(head) - 8)
    phone.send(request("MESSAGE", "sip:wan@203.0.113.2:5070", phone,
                       "<sip:phone@203.0.113.2>", "<sip:wan@203.0.113.2>",
                       "text/plain", body))
    m = phone.recv(5)
    good = m is not None and m.code == 513
    print("%s %s MESSAGE of %d bytes for UDP: %s" % (
        "ok" if good else "FAIL", TR, size,
        m.start if m is not None else "no answer"))
    ok = ok and good


if __name__ == "__main__":
    sys.exit(main())
