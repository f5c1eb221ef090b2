# SPDX-License-Identifier: ISC
# Raw SIP peers on both sides of siproxd, in one process: sockets are made
# in the test's lan and wan namespaces (setns), and every message that
# arrives is taken apart here, by code that shares nothing with sipd, so a
# test can compare Content-Length with the body byte for byte.

import ctypes
import os
import random
import socket
import time

from sipmsg import COMPACT, build

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def in_ns(name, fn, *args):
    """fn(*args) with the calling thread in network namespace name; the
    sockets it makes stay there."""
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + name)
        return fn(*args)
    finally:
        _libc.setns(home, CLONE_NEWNET)
        os.close(fd)
        os.close(home)


class Msg:
    """A SIP message as a receiver that trusts Content-Length sees it."""

    def __init__(self, raw, body, cl):
        self.raw = raw
        self.body = body
        self.cl = cl
        head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        lines = []
        for ln in head.split("\r\n"):
            if ln[:1] in (" ", "\t") and lines:
                lines[-1] += " " + ln.strip()
            else:
                lines.append(ln)
        self.start = lines[0]
        self.hdrs = []
        for ln in lines[1:]:
            n, _, v = ln.partition(":")
            self.hdrs.append((n.strip().lower(), v.strip()))
        parts = self.start.split(" ", 2)
        self.is_req = not self.start.startswith("SIP/2.0 ")
        self.method = parts[0] if self.is_req else None
        self.code = int(parts[1]) if not self.is_req else None

    def all(self, name):
        name = name.lower()
        return [v for n, v in self.hdrs if COMPACT.get(n, n) == name]

    def get(self, name):
        v = self.all(name)
        return v[0] if v else None


def closed_after(s, limit):
    """Seconds until the peer closes socket s, or None within limit."""
    t0 = time.time()
    s.settimeout(min(0.2, limit))
    while time.time() - t0 < limit:
        try:
            if s.recv(4096) == b"":
                return time.time() - t0
        except socket.timeout:
            pass
        except ConnectionResetError:
            return time.time() - t0
    return None


def frame(buf):
    """(message, rest) from the start of a buffer, or (None, buf)."""
    while buf.startswith(b"\r\n"):
        buf = buf[2:]
    end = buf.find(b"\r\n\r\n")
    if end == -1:
        return None, buf
    head = buf[:end + 4]
    cl = None
    for ln in head.split(b"\r\n"):
        n, _, v = ln.partition(b":")
        if n.strip().lower() in (b"content-length", b"l"):
            cl = int(v.strip())
    need = end + 4 + (cl or 0)
    if len(buf) < need:
        return None, buf
    return Msg(buf[:need], buf[end + 4:need], cl), buf[need:]


class Peer:
    """One end: a UDP socket, or a TCP connection (made or accepted)."""

    def __init__(self, ns, tr, addr, port, remote=None, listen=False):
        self.tr = tr
        self.addr = addr
        self.remote = remote
        self.buf = b""
        self.conn = None
        self.lsock = None
        self.sock = None
        in_ns(ns, self._open, addr, port, listen)

    def _open(self, addr, port, listen):
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        if self.tr == "udp":
            self.sock = socket.socket(fam, socket.SOCK_DGRAM)
            self.sock.bind((addr, port))
            self.port = port
        elif listen:
            self.lsock = socket.socket(fam, socket.SOCK_STREAM)
            self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.lsock.bind((addr, port))
            self.lsock.listen(8)
            self.port = port
        else:
            self.conn = socket.socket(fam, socket.SOCK_STREAM)
            self.conn.bind((addr, 0))
            self.conn.connect(self.remote)
            self.port = self.conn.getsockname()[1]

    def send(self, data, to=None):
        if self.tr == "udp":
            self.sock.sendto(data, to or self.remote)
        else:
            self.conn.sendall(data)

    def recv(self, wait=3.0):
        """The next message (skipping 100 Trying), or None."""
        end = time.monotonic() + wait
        while True:
            m = self._recv1(end)
            if m is None or m.code != 100:
                return m

    def _recv1(self, end):
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            if self.tr == "udp":
                self.sock.settimeout(left)
                try:
                    data, src = self.sock.recvfrom(65535)
                except socket.timeout:
                    return None
                self.last_src = src
                m, rest = frame(data)
                if m is None:
                    continue
                # A datagram's body is all that follows the headers.
                m.dgram_rest = data[len(data) - len(rest) - len(m.body):]
                return m
            m, self.buf = frame(self.buf)
            if m is not None:
                m.dgram_rest = m.body
                return m
            if self.conn is None:
                self.lsock.settimeout(left)
                try:
                    self.conn, _ = self.lsock.accept()
                except socket.timeout:
                    return None
                continue
            self.conn.settimeout(left)
            try:
                d = self.conn.recv(65536)
            except socket.timeout:
                return None
            if not d:
                return None
            self.buf += d

    def reply(self, req, code, ctype=None, body=b"", contact=None,
              totag=None, extra=()):
        """A response to req, back where it came from (RFC 3261 §8.2.6)."""
        out = ["SIP/2.0 %d %s" % (code, "OK" if code == 200 else "X")]
        for v in req.all("via"):
            out.append("Via: " + v)
        for v in req.all("record-route"):
            out.append("Record-Route: " + v)
        to = req.get("to") or ""
        if ";tag=" not in to:
            to += ";tag=%s" % (totag or "r%d" % random.randrange(1 << 30))
        out += ["From: " + req.get("from"), "To: " + to,
                "Call-ID: " + req.get("call-id"), "CSeq: " + req.get("cseq")]
        if contact:
            out.append("Contact: " + contact)
        out += list(extra)
        if ctype:
            out.append("Content-Type: " + ctype)
        out.append("Content-Length: %d" % len(body))
        data = ("\r\n".join(out) + "\r\n\r\n").encode() + body
        self.send(data, getattr(self, "last_src", None))
        return to


_n = [0]


def request(method, ruri, peer, frm, to, ctype=None, body=b"", extra=(),
            callid=None, cseq=1, contact=None, prefix=b"", ftag=None):
    """A request from peer, as its bytes; From gets a new tag unless ftag
    is "" (frm has its own)."""
    _n[0] += 1
    via = "SIP/2.0/%s %s:%d;branch=z9hG4bK%x%d;rport" % (
        peer.tr.upper(), peer.addr, peer.port, random.randrange(1 << 30),
        _n[0])
    out = ["%s %s SIP/2.0" % (method, ruri), "Via: " + via,
           "Max-Forwards: 70",
           "From: " + (frm if ftag == "" else "%s;tag=f%d" % (frm, _n[0])),
           "To: " + to,
           "Call-ID: %s" % (callid or "c%d-%x" % (_n[0],
                                                 random.randrange(1 << 30))),
           "CSeq: %d %s" % (cseq, method)]
    if contact:
        out.append("Contact: " + contact)
    out += list(extra)
    if ctype:
        out.append("Content-Type: " + ctype)
    return prefix + build(out, body)


def body_ok(m, want, what, exact=True):
    """Content-Length equals the body, and the body is want (if exact).
    Prints a TAP-like line; returns the verdict."""
    if m is None:
        print("FAIL %s: nothing arrived" % what)
        return False
    good = m.cl is not None and m.cl == len(m.dgram_rest)
    if exact:
        good = good and m.body == want
    print("%s %s: Content-Length %s, body %d bytes%s" % (
        "ok" if good else "FAIL", what, m.cl, len(m.dgram_rest),
        "" if good or not exact else ", sent %d: %r" % (len(want),
                                                         m.body[:24])))
    return good
