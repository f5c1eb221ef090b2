#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""make bench, SIP over TLS: siproxd against Kamailio (tls module,
stateless forwarding), both with TLS on both sides, in one run, on
bench.py's topology and accounting.  sipp on Debian has no TLS, so the
phone and the provider are played here (Python's ssl), pinned to CPU 0;
the systems run on CPU 1 as in bench.py.

  T1 REGISTER over one TLS connection each side (connection reuse):
     CPU us per REGISTER, summed over the system's processes
  T2 calls (INVITE/200/ACK/BYE/200, no media) over TLS: CPU us per call
  T3 TLS handshakes from new phone connections: CPU us per handshake and
     the handshakes one core could do a second (1e6 / us)

  python3 bench/tlsbench.py [uas]    (as root; "uas" is the WAN side,
                                      started by the run itself)
TLSBENCH_QUICK=1 (or BENCH_QUICK=1): a moment each, numbers mean nothing.
"""

import os
import socket
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
from bench import FW_IN, FW_OUT, LAN, WAN, cpu_ns, in_ns, log, med, \
    say, spawn, stop, wait_for  # noqa: E402

QUICK = bool(os.environ.get("TLSBENCH_QUICK") or
             os.environ.get("BENCH_QUICK"))
N_REG, N_CALL, N_HS = (200, 100, 50) if QUICK else (6000, 2000, 1000)
REPS = 1 if QUICK else 3
WINDOW = 32			# transactions in flight on the phone's side
UAS_PORT = 5061			# the provider's TLS port, in wan
SXD_TLS, KAM_TLS = 5061, 5081


def msg_frame(buf):
    """(message bytes, rest) or (None, buf): Content-Length framing."""
    end = buf.find(b"\r\n\r\n")
    if end == -1:
        return None, buf
    cl = 0
    for ln in buf[:end].split(b"\r\n"):
        n, _, v = ln.partition(b":")
        if n.strip().lower() in (b"content-length", b"l"):
            cl = int(v)
    need = end + 4 + cl
    if len(buf) < need:
        return None, buf
    return buf[:need], buf[need:]


def hdrs(m, name):
    out = []
    for ln in m.split(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
        n, _, v = ln.partition(b":")
        if n.strip().lower() == name:
            out.append(v.strip())
    return out


# ------------------------------------------------------ the WAN side (uas)

def uas_conn(c):
    """Answer what comes: REGISTER and INVITE and BYE 200, ACK nothing."""
    buf = b""
    while True:
        try:
            d = c.recv(65536)
        except (OSError, ssl.SSLError):
            return
        if not d:
            return
        buf += d
        out = []
        while True:
            m, buf = msg_frame(buf)
            if m is None:
                break
            if m.startswith(b"ACK ") or m.startswith(b"SIP/2.0"):
                continue
            lines = [b"SIP/2.0 200 OK"]
            for name, hn in ((b"via", b"Via"), (b"record-route",
                                                b"Record-Route"),
                             (b"from", b"From"), (b"to", b"To"),
                             (b"call-id", b"Call-ID"), (b"cseq", b"CSeq")):
                for v in hdrs(m, name):
                    if name == b"to" and b";tag=" not in v:
                        v += b";tag=uas"
                    lines.append(hn + b": " + v)
            if m.startswith(b"INVITE "):
                lines.append(b"Contact: <sip:uas@%s:%d;transport=tls>" %
                             (WAN.encode(), UAS_PORT))
            if m.startswith(b"REGISTER "):
                lines += [b"Contact: " + v + b";expires=3600"
                          for v in hdrs(m, b"contact")]
            lines.append(b"Content-Length: 0")
            out.append(b"\r\n".join(lines) + b"\r\n\r\n")
        if out:
            try:
                c.sendall(b"".join(out))
            except (OSError, ssl.SSLError):
                return


def uas_main(work):
    os.sched_setaffinity(0, {0})
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(work + "/tls/uas.crt", work + "/tls/uas.key")
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((WAN, UAS_PORT))
    ls.listen(64)
    print("ready", flush=True)
    while True:
        c, _ = ls.accept()
        try:
            c = ctx.wrap_socket(c, server_side=True)
        except (OSError, ssl.SSLError):
            continue
        threading.Thread(target=uas_conn, args=(c,), daemon=True).start()


# ----------------------------------------------------- the LAN side (phone)

def connect(port):
    ctx = ssl.create_default_context(cafile=bench.work + "/tls/ca.crt")
    s = bench.with_ns("lan", lambda: socket.create_connection((FW_IN, port),
                                                              5))
    return ctx.wrap_socket(s, server_hostname=FW_IN)


class Phone:
    """One TLS connection; requests in flight up to WINDOW."""

    def __init__(self, port):
        self.c = connect(port)
        self.port = self.c.getsockname()[1]
        self.buf = b""

    def send(self, data):
        self.c.sendall(data)

    def recv(self):
        while True:
            m, self.buf = msg_frame(self.buf)
            if m is not None:
                return m
            self.c.settimeout(5)
            d = self.c.recv(65536)
            if not d:
                raise OSError("closed")
            self.buf += d

    def close(self):
        self.c.close()


def req(ph, method, ruri, user, cid, cseq, extra=b""):
    return (b"%s %s SIP/2.0\r\nVia: SIP/2.0/TLS %s:%d;branch=z9hG4bK%s%d"
            b";rport\r\nMax-Forwards: 70\r\nFrom: <sip:%s@sip.test>;tag=p"
            b"\r\nTo: <sip:%s@sip.test>%s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n"
            b"Contact: <sip:%s@%s:%d;transport=tls>\r\n%s"
            b"Content-Length: 0\r\n\r\n" % (
                method, ruri, LAN.encode(), ph.port, cid, cseq, user,
                user, b";tag=uas" if method in (b"ACK", b"BYE") else b"",
                cid, cseq, method, user, LAN.encode(), ph.port, extra))


def final(ph):
    while True:
        m = ph.recv()
        code = int(m.split(b" ", 2)[1])
        if code >= 200:
            return m, code


def run_regs(sysname, port, n, tag):
    ph = Phone(port)
    ruri = b"sip:%s:%d;transport=tls" % (WAN.encode(), UAS_PORT)
    ok = sent = 0
    c0 = cpu_ns(SYS[sysname].pids())
    while ok < n:
        while sent < n and sent - ok < WINDOW:
            u = b"%s%d" % (tag, sent)
            ph.send(req(ph, b"REGISTER", ruri, u, b"r" + u, 1,
                        b"Expires: 3600\r\n"))
            sent += 1
        if final(ph)[1] == 200:
            ok += 1
        else:
            return None
    c1 = cpu_ns(SYS[sysname].pids())
    ph.close()
    return (c1 - c0) / 1e3 / n


def run_calls(sysname, port, n, tag):
    ph = Phone(port)
    ruri = b"sip:uas@%s:%d;transport=tls" % (WAN.encode(), UAS_PORT)
    done = 0
    c0 = cpu_ns(SYS[sysname].pids())
    for i in range(0, n, WINDOW):
        k = min(WINDOW, n - i)
        for j in range(k):
            cid = b"%sc%d" % (tag, i + j)
            ph.send(req(ph, b"INVITE", ruri, b"ph", cid, 1))
        oks = []
        for j in range(k):
            m, code = final(ph)
            if code != 200:
                return None
            oks.append(m)
        for m in oks:
            cid = hdrs(m, b"call-id")[0]
            rr = hdrs(m, b"record-route")
            routes = b"".join(b"Route: %s\r\n" % r for r in
                              reversed(b",".join(rr).split(b",")) if r)
            for meth, cseq in ((b"ACK", 1), (b"BYE", 2)):
                ph.send(req(ph, meth, ruri, b"ph", cid, cseq, routes))
        for j in range(k):
            if final(ph)[1] != 200:
                return None
        done += k
    c1 = cpu_ns(SYS[sysname].pids())
    ph.close()
    return (c1 - c0) / 1e3 / done


def run_handshakes(sysname, port, n):
    c0 = cpu_ns(SYS[sysname].pids())
    for i in range(n):
        connect(port).close()
    time.sleep(0.2)
    c1 = cpu_ns(SYS[sysname].pids())
    return (c1 - c0) / 1e3 / n


# ---------------------------------------------------------------- systems

def certs(work):
    d = work + "/tls"
    os.makedirs(d)
    sh = bench.sh
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    sh("openssl", "req", "-x509", *ec, "-keyout", d + "/ca.key", "-subj",
       "/CN=bench-ca", "-days", "2", "-out", d + "/ca.crt")
    for name, san in (("fw", "IP:%s,IP:%s" % (FW_IN, FW_OUT)),
                      ("uas", "IP:" + WAN)):
        sh("openssl", "req", "-new", *ec, "-keyout", "%s/%s.key" % (d, name),
           "-subj", "/CN=" + name, "-out", "%s/%s.csr" % (d, name))
        with open("%s/%s.ext" % (d, name), "w") as f:
            f.write("subjectAltName=%s\n" % san)
        sh("openssl", "x509", "-req", "-in", "%s/%s.csr" % (d, name), "-CA",
           d + "/ca.crt", "-CAkey", d + "/ca.key", "-set_serial", "7",
           "-days", "2", "-extfile", "%s/%s.ext" % (d, name), "-out",
           "%s/%s.crt" % (d, name))


class SiproxdTls(bench.Siproxd):
    def extra_conf(self):
        return ("autosave_registrations = 3600\nsip_tls_port = %d\n"
                "tls_cert_file = %s/tls/fw.crt\n"
                "tls_key_file = %s/tls/fw.key\n"
                "tls_ca_file = %s/tls/ca.crt\n" % ((SXD_TLS,) +
                                                   (bench.work,) * 3))


class KamailioTls(bench.Kamailio):
    cfg = "kamailio-tls.cfg"
    port = KAM_TLS

    def extra_args(self):
        work = bench.work
        with open(work + "/kam-tls.cfg", "w") as f:
            f.write("[server:default]\nmethod = TLSv1.2+\n"
                    "verify_certificate = no\nrequire_certificate = no\n"
                    "private_key = %s/tls/fw.key\n"
                    "certificate = %s/tls/fw.crt\n\n[client:default]\n"
                    "method = TLSv1.2+\nverify_certificate = yes\n"
                    "require_certificate = yes\nca_list = %s/tls/ca.crt\n"
                    % (work, work, work))
        return ["-A", 'TLSCFG="%s/kam-tls.cfg"' % work]


SYS = {}


def table(title, key, res, fmt="%.0f"):
    say()
    say(title)
    base = med(res["siproxd"]) if res.get("siproxd") else None
    for name, xs in res.items():
        v = med(xs)
        say("  %-10s %10s %s" % (name, fmt % v if v is not None else "-",
                                 ("  %.2fx siproxd" % (v / base)) if
                                 v and base and name != "siproxd" else ""))
    bench.results["workloads"][key] = {n: xs for n, xs in res.items()}


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "uas":
        uas_main(sys.argv[2])
        return 0
    if os.geteuid() != 0:
        print("SKIPPED: need root (tlsbench)")
        return 0
    import tempfile
    bench.work = tempfile.mkdtemp(prefix="siproxd-tlsbench.")
    os.chmod(bench.work, 0o755)
    t0 = time.monotonic()
    try:
        bench.topo_up()
        certs(bench.work)
        os.sched_setaffinity(0, {0})
        uas = subprocess.Popen(in_ns("wan", 0, sys.executable,
                                     os.path.abspath(__file__), "uas",
                                     bench.work),
                               stdout=subprocess.PIPE, text=True)
        bench.procs.append(uas)
        if uas.stdout.readline().strip() != "ready":
            raise RuntimeError("the TLS UAS did not start")
        SYS["siproxd"] = SiproxdTls()
        systems = [("siproxd", SXD_TLS)]
        if bench.shutil.which("kamailio"):
            SYS["kamailio"] = KamailioTls()
            systems.append(("kamailio", KAM_TLS))
        for name, _ in systems:
            if not SYS[name].start():
                raise RuntimeError("%s did not start" % name)
        time.sleep(0.5)
        regs = {n: [] for n, _ in systems}
        calls = {n: [] for n, _ in systems}
        hs = {n: [] for n, _ in systems}
        for rep in range(REPS):
            for name, port in systems:
                tag = b"%s%d" % (name[:1].encode(), rep)
                regs[name].append(run_regs(name, port, N_REG, tag))
                calls[name].append(run_calls(name, port, N_CALL, tag))
                hs[name].append(run_handshakes(name, port, N_HS))
        table("T1. REGISTER over TLS, one connection each side (%d a "
              "rep, %d reps): CPU us per REGISTER" % (N_REG, REPS),
              "t1_tls_register", regs)
        table("T2. calls over TLS, no media (%d a rep): CPU us per call" %
              N_CALL, "t2_tls_calls", calls)
        table("T3. TLS handshakes from new connections (%d a rep): CPU us "
              "per handshake" % N_HS, "t3_tls_handshake", hs)
        say("    handshakes a second on one core: " + ", ".join(
            "%s %.0f" % (n, 1e6 / med(xs)) for n, xs in hs.items()
            if med(xs)))
        bad = [n for n, xs in list(regs.items()) + list(calls.items())
               if None in xs]
    finally:
        for s in SYS.values():
            s.stop()
        for p in bench.procs:
            stop(p)
        bench.cleanup()
    log("tlsbench: done in %.0f s" % (time.monotonic() - t0))
    os.makedirs(bench.OUT, exist_ok=True)
    with open(os.path.join(bench.OUT, "tls.txt"), "w") as f:
        f.write("\n".join(bench.report_lines) + "\n")
    if bad:
        print("FAIL - tlsbench: %s did not carry the load" % ", ".join(bad))
        return 1
    if QUICK:
        print("ok - tlsbench: quick run, every system carried its load")
    return 0


if __name__ == "__main__":
    sys.exit(main())
