#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""make bench: siproxd against Kamailio, rtpengine, a floor relay and a
direct path, in network namespaces this script makes and removes.

  ns lan 10.0.0.2 --- 10.0.0.1 [ns fw: the proxies] 203.0.113.1 --- 203.0.113.2 ns wan
           10.1.0.2 ------------ direct veth ------------ 10.1.0.3

Every system under test runs in fw pinned to CPU 1; the load (sipp,
rtpblast) runs pinned to CPU 0; both at nice -10.  CPU is the sum over all
of a system's processes and threads of /proc/PID/task/TID/schedstat (ns on
the CPU: utime+stime without the 10 ms tick); the media tables add CPU 1's
irq+softirq time (sirq), packet work the kernel does not charge to a task.  Each
measurement alternates the systems within one run; the tables show medians
of the repetitions and the ratio of each system to siproxd.

BENCH_QUICK=1 runs every workload for a moment and judges nothing.
BENCH_ONLY=3,4 runs only those workloads; BENCH_NS=50,100 sets the call
counts of workload 3; BENCH_SYS=siproxd-fastpath,floor only those systems
(and direct).  After each blast the relays' queues settle (settle()).
BENCH_PERF=1 adds a perf record of each system in workloads 2 and 3 (extra
runs, not counted) and of the call set-up in 8; BENCH_PERF=2000 takes
workload 3's at 2000 calls instead of 100.  KEEP=1 keeps the work
directory.  Output: tables on stdout, and in obj/bench/ results.json,
results.csv, report.txt, bench.png (and perf-*.txt).
"""

import ctypes
import datetime
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ng as ngmod  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(TOP, "obj", "bench")
SIPP = os.path.join(TOP, "bench", "sipp")
E2E_SIPP = os.path.join(TOP, "regress", "e2e", "sipp")
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
QUICK = bool(os.environ.get("BENCH_QUICK"))
ID = os.getpid()
NS = {"lan": "bbl%d" % ID, "fw": "bbf%d" % ID, "wan": "bbw%d" % ID}
LAN, FW_IN, FW_OUT, WAN = "10.0.0.2", "10.0.0.1", "203.0.113.1", \
    "203.0.113.2"
D_LAN, D_WAN = "10.1.0.2", "10.1.0.3"
SXD_RTP = (20000, 30499)	# siproxd's relay ports (each side)
SXF_RTP = (30500, 40999)	# siproxd-fastpath's
SXF_PORT = 5090			# siproxd-fastpath's SIP
RTPE_RTP = (41000, 61999)	# rtpengine's
FLOOR_PORT = 62000		# floor: 62000 + i, at most 3500 pairs
FLOOR_MAX = 3500
EP_PORT = 10000			# endpoints: 10000 + 2i in lan and in wan
NG_ADDR = "127.0.0.1:2223"
KAM_PORT = 5080
UAS_PORT = 5070
REG_PORT = 5060

if QUICK:
    P = dict(reps=1, reg_rate=100, reg_secs=1, call_rate=50, call_secs=1,
             search=[100], search_secs=1, ns=[10], blast_ms=800, min_pkts=0,
             hr_pps=[1000], ov_calls=5, ov_pps=500, ov_ms=1000,
             idle_calls=100, idle_rate=100, setup_rate=200, moderate=10,
             mem_regs=200, mem_rate=200)
else:
    P = dict(reps=3, reg_rate=400, reg_secs=6, call_rate=200, call_secs=4,
             search=[400, 800, 1600, 3200, 6400], search_secs=4,
             ns=[50, 100, 200, 400, 700, 1000, 1400, 2000, 2800, 3600,
                 4600],
             blast_ms=2500, min_pkts=50000,
             hr_pps=[2500, 5000, 10000, 20000, 40000, 80000, 160000],
             ov_calls=50, ov_pps=4000, ov_ms=10000,
             idle_calls=10000, idle_rate=1000, setup_rate=500, moderate=100,
             mem_regs=10000, mem_rate=1000)
# BENCH_ONLY=3,4 runs only those workloads (5 comes with 3, 7 reads 1 and 8).
ONLY = {int(w) for w in os.environ.get("BENCH_ONLY", "").split(",") if w}
# BENCH_NS=50,100 replaces workload 3's list of call counts.
if os.environ.get("BENCH_NS"):
    P["ns"] = [int(n) for n in os.environ["BENCH_NS"].split(",") if n]
# BENCH_SYS=siproxd-fastpath,floor: only those systems (and direct, the
# generator's own measure, always).
SYS = {x for x in os.environ.get("BENCH_SYS", "").split(",") if x}
LOSS_MAX = 0.1			# percent
NICE = -10
WARM_MS = 500
GRACE_MS = 1000
LATE_MS = 150			# a packet later than this counts as lost
# BENCH_SETTLE=0: the next blast starts while the last relay still sends
# (as before 2026-12-05; only to show what settle() is for).
SETTLE = os.environ.get("BENCH_SETTLE", "1") != "0"
# What this run has measured of its own pace (hold_for): seconds of
# set-up per call, and seconds a blast takes beyond its media (rtpblast's
# sockets, its grace, the settling after it), per system.
PACE = {"setup": {}, "over": {}}
FD_CALLS = None			# the calls the open-file limit allows a relay

procs = []			# every Popen we started
work = None
results = {"quick": QUICK, "params": P, "workloads": {}}
report_lines = []


def want_w(n):
    return not ONLY or n in ONLY


def log(msg):
    print("# " + msg, flush=True)


def say(line=""):
    print(line, flush=True)
    report_lines.append(line)


# ---------------------------------------------------------------- plumbing

def sh(*args, check=True, **kw):
    r = subprocess.run(list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, **kw)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(args), r.stdout.strip()))
    return r


def in_ns(ns, cpu, *args):
    # Above the nice 19 of a fuzzer or test that may share the machine:
    # without it a relay waits for the CPU it is pinned to.
    cmd = ["ip", "netns", "exec", NS[ns], "nice", "-n", str(NICE)]
    if cpu is not None:
        cmd += ["taskset", "-c", str(cpu)]
    return cmd + list(args)


def spawn(cmd, out=None, **kw):
    f = open(out, "ab") if out else subprocess.DEVNULL
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=f,
                         stderr=subprocess.STDOUT, **kw)
    procs.append(p)
    return p


def stop(p, sig=signal.SIGTERM, wait=5):
    if p is None or p.poll() is not None:
        return
    try:
        p.send_signal(sig)
        p.wait(wait)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(2)


def wait_for(secs, fn, step=0.1):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            if fn():
                return True
        except (OSError, ValueError):
            pass
        time.sleep(step)
    return False


def cleanup():
    for p in procs:
        if p.poll() is None:
            p.kill()
    for ns in NS.values():
        r = sh("ip", "netns", "pids", ns, check=False)
        for pid in r.stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (OSError, ValueError):
                pass
        sh("ip", "netns", "del", ns, check=False)
    if work and not os.environ.get("KEEP"):
        shutil.rmtree(work, ignore_errors=True)
    elif work:
        log("kept " + work)


def topo_up():
    """regress/e2e/topo.sh's topology, the tests' own, with the direct
    veth."""
    sh("sh", os.path.join(TOP, "regress", "e2e", "topo.sh"), NS["lan"],
       NS["fw"], NS["wan"], "direct")


# ------------------------------------------------------------- accounting

def descendants(pid):
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def cpu_ns(pids):
    t = 0
    for pid in pids:
        try:
            for tid in os.listdir("/proc/%d/task" % pid):
                with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                    t += int(f.read().split()[0])
        except OSError:
            pass
    return t


def rss_kb(pids):
    t = 0
    for pid in pids:
        try:
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        t += int(line.split()[1])
        except OSError:
            pass
    return t


def softirqd_pids():
    """The ksoftirqd threads: softirq work deferred out of the tasks that
    raised it is theirs."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/comm" % d) as f:
                    if f.read().startswith("ksoftirqd/"):
                        out.append(int(d))
            except OSError:
                pass
    return out


def sirq_ns(cpu=1):
    """irq and softirq time of one CPU (/proc/stat, in ns).  With IRQ time
    accounting the kernel charges the packet work a relay's sendto and
    recvfrom do inline (the veth hop, the far socket's wake-up) here, not
    to the relay: it belongs to the relay's cost all the same."""
    hz = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("cpu%d " % cpu):
                v = line.split()
                return (int(v[6]) + int(v[7])) * 1e9 / hz
    return 0


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


# --------------------------------------------------------------- systems

class System:
    name = "?"
    sip = None		# the proxy's LAN address:port, if it does SIP
    media = False

    def __init__(self):
        self.p = None

    def pids(self):
        return descendants(self.p.pid) if self.p and \
            self.p.poll() is None else []

    def alive(self):
        return self.p is not None and self.p.poll() is None

    def stop(self):
        stop(self.p)

    def restart(self):
        """A fresh start: what an earlier workload left (a stream whose
        BYE was lost in the overload holds its sockets for the media
        timeout) must not count against the next."""
        self.stop()
        if not self.start():
            raise RuntimeError("%s did not start again" % self.name)


class Siproxd(System):
    """siproxd relaying every packet in rtpd (user space)."""
    name = "siproxd"
    port = 5060
    sip = "%s:%d" % (FW_IN, port)
    media = True
    fastpath = 0
    rtp = SXD_RTP
    sip_bench = True	# in workloads 1, 2 and 7

    def extra_conf(self):
        """Lines a variant adds to the config (tlsbench.py)."""
        return ""

    def start(self):
        jail = os.path.join(work, "jail")
        os.makedirs(jail, exist_ok=True)
        os.chmod(jail, 0o755)
        base = os.path.join(work, self.name)
        conf = base + ".conf"
        with open(conf, "w") as f:
            f.write("if_inbound = in0\nif_outbound = out0\n"
                    "sip_listen_port = %d\nuser = nobody\n"
                    "chrootjail = %s\nregistration_file = %s.registrations\n"
                    "pid_file = %s.pid\nrtp_port_low = %d\n"
                    "rtp_port_high = %d\nrtp_timeout = 600\n"
                    "rtp_fastpath = %d\nsilence_log = 2\n" % (
                        self.port, jail, base, base, *self.rtp,
                        self.fastpath))
            f.write(self.extra_conf())
        self.p = spawn(in_ns("fw", 1, os.path.join(TOP, "siproxd"), "-d",
                             "-f", conf, "-s", base + ".sock"),
                       base + ".log")
        return wait_for(5, lambda: len(self.pids()) >= 3)


class SiproxdFastpath(Siproxd):
    """siproxd with the kernel fast path: locked streams relayed by its
    eBPF program at tc ingress on in0 and out0.  The program stays
    attached while the other systems are measured: their packets pay it
    one hash lookup each (the "allowed" map misses)."""
    name = "siproxd-fastpath"
    port = SXF_PORT
    sip = "%s:%d" % (FW_IN, SXF_PORT)
    fastpath = 1
    rtp = SXF_RTP
    sip_bench = False
    sipp_off = 2		# its sipps: UAS on 5072, UAC on 5063

    def start(self):
        if not super().start():
            return False
        ok = wait_for(3, lambda: "handle 0x51d" in sh(
            "ip", "netns", "exec", NS["fw"], "tc", "filter", "show", "dev",
            "out0", "ingress", check=False).stdout)
        if not ok:
            log("siproxd-fastpath: the fast path did not load: "
                "left out")
        return ok


class Kamailio(System):
    name = "kamailio"
    sip = "%s:%d" % (FW_IN, KAM_PORT)
    cfg = "kamailio.cfg"
    port = KAM_PORT

    def extra_args(self):
        """Arguments a variant adds (tlsbench.py)."""
        return []

    def start(self):
        self.p = spawn(in_ns("fw", 1, "kamailio", "-DD", "-E", "-m", "64",
                             "-M", "8", "-f",
                             os.path.join(TOP, "bench", self.cfg),
                             "-A", "LAN_IP=" + FW_IN, "-A", "WAN_IP=" + FW_OUT,
                             "-A", "PORT=%d" % self.port,
                             *self.extra_args()),
                       os.path.join(work, "kamailio.log"))
        return wait_for(5, lambda: len(self.pids()) >= 3)


class Rtpengine(System):
    name = "rtpengine"
    media = True

    def start(self):
        self.p = spawn(in_ns("fw", 1, "rtpengine", "--foreground",
                             "--table=-1", "--log-stderr",
                             "--no-log-timestamps", "--log-level=3",
                             "--interface=internal/" + FW_IN,
                             "--interface=external/" + FW_OUT,
                             "--listen-ng=" + NG_ADDR,
                             "--port-min=%d" % RTPE_RTP[0],
                             "--port-max=%d" % RTPE_RTP[1],
                             "--num-threads=1", "--timeout=600",
                             "--delete-delay=0"),
                       os.path.join(work, "rtpengine.log"))

        def up():
            try:
                ng_do(lambda ng: ng.cmd({"command": "ping"}, tries=1), 0.3)
                return True
            except RuntimeError:
                return False
        return wait_for(5, up)


class Floor(System):
    name = "floor"
    media = True

    def start_pairs(self, n):
        self.p = spawn(in_ns("fw", 1, os.path.join(OUT, "floor"),
                             "-a", FW_IN, "-b", FW_OUT, "-p", str(FLOOR_PORT),
                             "-n", str(n), "-A", LAN, "-P", str(EP_PORT),
                             "-B", WAN, "-Q", str(EP_PORT), "-t", "900"),
                       os.path.join(work, "floor.log"))
        time.sleep(0.2 + n / 5000)
        return self.alive()


class Direct(System):
    name = "direct"
    media = True


def ng_do(fn, timeout=2.0):
    """fn(an ng client whose socket lives in fw, where rtpengine is)."""
    def inside():
        ng = ngmod.Ng(NG_ADDR, timeout)
        try:
            return fn(ng)
        finally:
            ng.close()
    return with_ns("fw", inside)


def setns(fd):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns")


def with_ns(ns, fn):
    """Run fn with this process inside namespace ns, then come back."""
    me = os.open("/proc/self/ns/net", os.O_RDONLY)
    there = os.open("/run/netns/" + NS[ns], os.O_RDONLY)
    try:
        setns(there)
        return fn()
    finally:
        setns(me)
        os.close(me)
        os.close(there)


def udp_snmp(ns):
    """The Udp line of /proc/net/snmp in namespace ns, as a dict."""
    def rd():
        with open("/proc/thread-self/net/snmp") as f:
            rows = [x.split() for x in f if x.startswith("Udp:")]
        return dict(zip(rows[0][1:], (int(v) for v in rows[1][1:])))
    return with_ns(ns, rd)


def udp_queued(ns):
    """Bytes waiting in the receive queues of ns's UDP sockets."""
    def rd():
        t = 0
        for p in ("udp", "udp6"):
            with open("/proc/thread-self/net/" + p) as f:
                next(f)
                for x in f:
                    t += int(x.split()[4].split(":")[1], 16)
        return t
    return with_ns(ns, rd)


def udp_mem_mb():
    """Memory of every UDP socket's queues, all namespaces (the kernel
    drops what would take it over net.ipv4.udp_mem's third figure)."""
    with open("/proc/net/sockstat") as f:
        for x in f:
            if x.startswith("UDP:"):
                v = x.split()
                return int(v[v.index("mem") + 1]) * os.sysconf(
                    "SC_PAGE_SIZE") / 2 ** 20
    return None


def link_drops():
    """Packets the veths and the CPUs' backlogs dropped (/proc/net/dev's
    drop columns in each namespace, /proc/net/softnet_stat's second):
    lost before any socket."""
    def rd():
        n = 0
        with open("/proc/thread-self/net/dev") as f:
            for x in f:
                if ":" in x and x.split(":")[0].strip() != "lo":
                    v = x.split(":")[1].split()
                    n += int(v[3]) + int(v[11])
        return n
    t = sum(with_ns(ns, rd) for ns in ("lan", "wan", "fw"))
    with open("/proc/net/softnet_stat") as f:
        t += sum(int(x.split()[1], 16) for x in f)
    return t


def udp_drops():
    """{namespace: datagrams the kernel dropped at a socket}."""
    out = {}
    for ns in ("lan", "wan", "fw"):
        u = udp_snmp(ns)
        out[ns] = u["InErrors"]
    return out


def arrivals():
    """UDP datagrams that reached the endpoints' namespaces (lan, wan) for
    ports nobody listened on (NoPorts: between blasts every endpoint's),
    or that a socket there dropped."""
    a = 0
    for ns in ("lan", "wan"):
        u = udp_snmp(ns)
        a += u["NoPorts"] + u["InErrors"]
    return a


def settle(quiet=0.5, stuck=3.0, bound=20.0):
    """After a blast, wait until what the relay still had queued is out:
    no datagram reaching the endpoints for quiet seconds, and the relays'
    receive queues (ns fw) empty, or not moving for stuck seconds (a
    relay that stopped reading some sockets), at most bound.  A
    user-space relay behind its load goes on sending for seconds after
    the generator stopped, into the next system's blast on the same ports,
    and its queues take memory from every UDP socket's.  (seconds,
    datagrams that came, bytes left queued, whether bound ran out)."""
    t0 = time.monotonic()
    a0 = a = arrivals()
    q = udp_queued("fw")
    ta = tq = t0
    while True:
        time.sleep(0.1)
        now = time.monotonic()
        a1, q1 = arrivals(), udp_queued("fw")
        if a1 != a:
            a, ta = a1, now
        if q1 != q:
            q, tq = q1, now
        if now - ta >= quiet and (q == 0 or now - tq >= stuck):
            return now - t0, a - a0, q, False
        if now - t0 >= bound:
            return now - t0, a - a0, q, True


# ------------------------------------------------------------------ sipp

def sipp_cmd(ns, ip, port, scen, name, *args):
    return in_ns(ns, 0, "sipp", "-sf", os.path.join(SIPP, scen), "-i", ip,
                 "-p", str(port), "-nostdin", "-trace_stat", "-stf",
                 os.path.join(work, name + ".stat"), "-trace_err",
                 "-error_file", os.path.join(work, name + ".err"),
                 *[str(a) for a in args])


def e2e_scenario(name, scen, expect_media):
    """regress/e2e/sipp's scen as work/name.xml, [expect_media] written in
    as lib.sh's sipp_scenario does: sipp puts no keyword into a regexp."""
    with open(os.path.join(E2E_SIPP, scen)) as f:
        text = f.read()
    out = os.path.join(work, name + ".xml")
    with open(out, "w") as f:
        f.write(text.replace("[expect_media]", re.escape(expect_media)))
    return out


def sipp_stats(name):
    """(successful, failed) from the last line of a sipp -trace_stat."""
    try:
        with open(os.path.join(work, name + ".stat")) as f:
            lines = [x.rstrip("\n").split(";") for x in f if x.strip()]
        head, last = lines[0], lines[-1]
        return (int(last[head.index("SuccessfulCall(C)")]),
                int(last[head.index("FailedCall(C)")]))
    except (OSError, ValueError, IndexError):
        return (0, 0)


def sipp_uas(name, scen, port, count, secs, *args):
    for ext in (".stat", ".err", ".msg"):
        try:
            os.unlink(os.path.join(work, name + ext))
        except OSError:
            pass
    return spawn(sipp_cmd("wan", WAN, port, scen, name, "-m", count,
                          "-timeout", "%ds" % secs, *args))


def sipp_uac(name, scen, remote, count, rate, secs, *args, bg=False,
             port=5061):
    for ext in (".stat", ".err", ".msg"):
        try:
            os.unlink(os.path.join(work, name + ext))
        except OSError:
            pass
    cmd = sipp_cmd("lan", LAN, port, scen, name, "-m", count, "-r", rate,
                   "-l", max(count, 1), "-timeout", "%ds" % secs,
                   "-timeout_error", *args, remote)
    p = spawn(cmd)
    if bg:
        return p
    try:
        p.wait(secs + 10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    return p


def blocks(path):
    try:
        with open(path, errors="replace") as f:
            text = f.read()
    except OSError:
        return []
    return re.split(r"^-{20,}.*$", text, flags=re.M)


def hdr(block, name):
    m = re.search(r"^%s\s*:\s*(.*)$" % re.escape(name), block,
                  re.M | re.I)
    return m.group(1).strip() if m else None


def sipp_media_calls(uac, uas, gone=()):
    """Join the caller's and callee's logs: [(lport, lrelay, wport, wrelay)],
    without the calls whose Call-ID is in gone."""
    lrelay, lport = {}, {}
    for b in blocks(os.path.join(work, uac + ".msg")):
        cid = hdr(b, "Call-ID")
        m = re.search(r"^m=audio (\d+)", b, re.M)
        if not cid or not m:
            continue
        if "message sent" in b and re.search(r"^\s*INVITE ", b, re.M):
            lport[cid] = int(m.group(1))
        elif "message received" in b and re.search(r"^SIP/2.0 200", b,
                                                    re.M):
            lrelay[cid] = int(m.group(1))
    wrelay = {}
    for b in blocks(os.path.join(work, uas + ".msg")):
        xb = hdr(b, "X-Bench")
        m = re.search(r"^m=audio (\d+)", b, re.M)
        if "message received" in b and xb and m:
            lp, wp = (int(x) for x in xb.split()[:2])
            wrelay[lp] = (wp, int(m.group(1)))
    calls = []
    for cid, lp in lport.items():
        if cid in lrelay and lp in wrelay and cid.encode() not in gone:
            calls.append((lp, lrelay[cid], wrelay[lp][0], wrelay[lp][1]))
    return sorted(calls)


MSG_HEAD = re.compile(
    rb"(?m)^-{20,} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\n"
    rb"\w+ message (sent|received) [^\n]*\n\n([A-Z]+) "
    rb"(?:[^\n]*\n)*?Call-ID: *([^\r\n]+)")


def msg_times(name, method, way):
    """{Call-ID: wall-clock time} of the first request of method that sipp
    name's -trace_msg log shows it sent or received (way)."""
    try:
        with open(os.path.join(work, name + ".msg"), "rb") as f:
            data = f.read()
    except OSError:
        return {}
    out = {}
    for m in MSG_HEAD.finditer(data):
        if m.group(2).decode() == way and m.group(3).decode() == method:
            t = datetime.datetime.strptime(
                m.group(1).decode(), "%Y-%m-%d %H:%M:%S.%f").timestamp()
            out.setdefault(m.group(4), t)
    return out


def pace_blast(system, over):
    PACE["over"][system.name] = max(PACE["over"].get(system.name, 0), over)


class AckCounter:
    """Calls set up so far: the ACKs the callee's log shows, read on from
    where the last look stopped."""

    def __init__(self, name):
        self.path = os.path.join(work, name + ".msg")
        self.off, self.n, self.tail = 0, 0, b""

    def __call__(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.off)
                data = f.read()
        except OSError:
            return self.n
        self.off += len(data)
        data = self.tail + data
        # Whole lines only: a line cut by the read is counted next time.
        cut = data.rfind(b"\n") + 1
        self.n += len(re.findall(rb"(?m)^ACK sip:", data[:cut]))
        self.tail = data[cut:]
        return self.n


# ------------------------------------------------------------ call sets

class CallSet:
    """n two-way calls through one system, up until close()."""

    def __init__(self, system, n, hold, rate=None):
        self.sys, self.n, self.calls, self.failed = system, n, [], 0
        self.rate = rate or P["setup_rate"]
        self.uac = self.uas = None
        self.setup_s = None
        self.blasts = []	# blast(): when each ended, what it measured
        self.ends_at = None	# the first BYE's wall-clock time, by sipp
        t = time.monotonic()
        if isinstance(system, Siproxd):
            self._sipp(hold)
        elif system.name == "rtpengine":
            try:
                self.calls = ng_do(lambda ng: ngmod.setup(
                    ng, n, LAN, EP_PORT, WAN, EP_PORT, tag="c%d" % n))
            except RuntimeError as e:
                log("rtpengine: %s" % e)
        elif system.name == "floor":
            if n <= FLOOR_MAX and system.start_pairs(n):
                self.calls = [(EP_PORT + 2 * i, FLOOR_PORT + i,
                               EP_PORT + 2 * i, FLOOR_PORT + i)
                              for i in range(n)]
        elif system.name == "direct":
            self.calls = [(EP_PORT + 2 * i, EP_PORT + 2 * i,
                           EP_PORT + 2 * i, EP_PORT + 2 * i)
                          for i in range(n)]
        self.setup_s = time.monotonic() - t
        if not isinstance(system, Siproxd) and n > 0 and self.calls:
            PACE["setup"][system.name] = max(
                PACE["setup"].get(system.name, 0), self.setup_s / n)
        self.failed = max(self.failed, n - len(self.calls))
        self.file = os.path.join(work, "calls-%s-%d" % (system.name, n))
        with open(self.file, "w") as f:
            for c in self.calls:
                f.write("%d %d %d %d\n" % c)

    def _sipp(self, hold):
        n = self.n
        csv = os.path.join(work, "inf-%d.csv" % n)
        # call_uac.xml's fields: LAN media port, WAN media port (the
        # callee answers with it), hold in ms
        with open(csv, "w") as f:
            f.write("SEQUENTIAL\n")
            for i in range(n):
                f.write("%d;%d;%d;\n" % (EP_PORT + 2 * i, EP_PORT + 2 * i,
                                          int(hold * 1000)))
        rate = self.rate
        secs = int(hold + n / rate + 30)
        # siproxd-fastpath's calls run beside siproxd's: sipps of their own
        off = getattr(self.sys, "sipp_off", 0)
        uac, uas = "m-uac%s" % (off or ""), "m-uas%s" % (off or "")
        self.uas = sipp_uas(uas, "call_uas.xml", UAS_PORT + off, n, secs,
                            "-trace_msg", "-message_file",
                            os.path.join(work, uas + ".msg"))
        time.sleep(0.3)
        self.uac = sipp_uac(uac, e2e_scenario(uac, "call_uac.xml",
                                                FW_IN),
                            self.sys.sip, n, rate, secs, "-inf", csv,
                            "-s", "lan", "-key", "domain", LAN,
                            "-key", "callee", "wan",
                            "-key", "rdomain", "%s:%d" % (WAN, UAS_PORT +
                                                          off),
                            "-trace_msg", "-message_file",
                            os.path.join(work, uac + ".msg"), bg=True,
                            port=5061 + off)
        self.names = (uac, uas)
        acks = AckCounter(uas)
        wait_for(n / rate + 15, lambda: acks() >= n or
                 self.uac.poll() is not None, step=0.3)
        # A call sipp has ended already failed in the set-up (sipp's callee
        # answers an INVITE retransmission that comes after the ACK with a
        # 200 the caller aborts on, when the proxy took over 500 ms): not
        # one to send media on.
        self.gone = set(msg_times(uac, "BYE", "sent"))
        self.calls = sipp_media_calls(uac, uas, self.gone)
        # The set-up rate reached, not the one asked for: the first call
        # ends (BYE) hold after its ACK, the last n / rate later.
        t = sorted(msg_times(uas, "ACK", "received").values())
        if t:
            self.ends_at = t[0] + hold
        if len(t) > 1 and t[-1] > t[0]:
            self.real_rate = (len(t) - 1) / (t[-1] - t[0])
            PACE["setup"][self.sys.name] = max(
                PACE["setup"].get(self.sys.name, 0), 1 / self.real_rate)

    def lasts(self, secs):
        """The calls are still up secs from now (sipp's first BYE)."""
        return self.ends_at is None or time.time() + secs < self.ends_at

    def close(self):
        if self.sys.name == "rtpengine":
            try:
                ng_do(lambda ng: ngmod.teardown(ng, self.n,
                                                tag="c%d" % self.n))
            except RuntimeError as e:
                log("rtpengine: %s" % e)
        elif self.sys.name == "floor":
            self.sys.stop()
        if self.uac is not None:
            try:
                self.uac.wait(self.n / self.rate + 60)
            except subprocess.TimeoutExpired:
                stop(self.uac)
            s, f = sipp_stats(self.names[0])
            self.failed = max(self.failed, f)
            stop(self.uas, wait=10)
            self.check_byes()

    def check_byes(self):
        """Calls sipp ended (BYE) before a blast's last packet: from then
        on the relay had no stream for them and their loss is the
        bench's (hold_for() too short), not the relay's."""
        byes = sorted(t for c, t in msg_times(self.names[0], "BYE",
                                              "sent").items()
                      if c not in self.gone)
        most = 0
        for b in self.blasts:
            k = sum(1 for t in byes if t < b["send_end"])
            if b.get("r") is not None:
                b["r"]["ended"] = k
            most = max(most, k)
        if most:
            log("%s: %d of %d calls ended (BYE) before a blast's last "
                "packet: that loss is the bench's" % (self.sys.name, most,
                                                      self.n))


PERF = bool(os.environ.get("BENCH_PERF")) and shutil.which("perf")
# BENCH_PERF=2000: workload 3's profile at 2000 calls, not at "moderate".
PERF_CALLS = int(os.environ["BENCH_PERF"]) \
    if os.environ.get("BENCH_PERF", "").isdigit() and \
    int(os.environ["BENCH_PERF"]) > 1 else None


def perf_start(system, tag):
    """perf record of every process of system, if BENCH_PERF is set."""
    pids = system.pids()
    if not PERF or not pids:
        return None
    data = os.path.join(OUT, "perf-%s-%s.data" % (tag, system.name))
    return (subprocess.Popen(["perf", "record", "-q", "-F", "1999", "-g",
                              "-o", data, "-p", ",".join(map(str, pids))],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL), data)


def perf_stop(rec):
    """Stop the recording; the hottest symbols go to a .txt beside it."""
    if rec is None:
        return
    p, data = rec
    stop(p, signal.SIGINT, wait=30)
    txt = data[:-5] + ".txt"
    with open(txt, "w") as f:
        subprocess.run(["perf", "report", "-i", data, "--stdio",
                        "--no-children", "--percent-limit", "1.5",
                        "--sort", "comm,dso,symbol", "-g", "none"],
                       stdout=f, stderr=subprocess.DEVNULL)
    log("perf profile: " + txt)


def blast(cs, pps, ms, overload=None, warm=WARM_MS):
    """Media through a call set; rtpblast's numbers plus CPU per packet."""
    if not cs.calls:
        return None
    if cs.sys.name == "direct":
        addrs = ["-l", D_LAN, "-L", D_WAN, "-w", D_WAN, "-W", D_LAN]
    else:
        addrs = ["-l", LAN, "-L", FW_IN, "-w", WAN, "-W", FW_OUT]
    cmd = in_ns("lan", 0, os.path.join(OUT, "rtpblast"), "-f", cs.file,
                "-N", "/run/netns/" + NS["wan"], "-r", str(pps), "-d",
                str(ms), "-j", str(warm), "-g", str(GRACE_MS), "-m",
                str(LATE_MS), *addrs)
    if overload:
        cmd += ["-o", "%d:%d" % overload]
    pids = cs.sys.pids()
    kpids = softirqd_pids()
    e0, f0 = arrivals(), udp_snmp("fw")["NoPorts"]
    x0, mem0, l0 = udp_drops(), udp_mem_mb(), link_drops()
    c0, k0, q0 = cpu_ns(pids), sirq_ns(), cpu_ns(kpids)
    t0 = time.monotonic()
    r, gen_ns = run_timed(cmd, (ms + (overload[1] if overload else 0)) /
                          1000 + 60)
    c1, k1, q1 = cpu_ns(pids), sirq_ns(), cpu_ns(kpids)
    wall = time.monotonic() - t0
    # rtpblast's last send: its grace before it ended (wall clock, as
    # sipp's logs)
    send_end = time.time() - GRACE_MS / 1000
    e1, f1 = arrivals(), udp_snmp("fw")["NoPorts"]
    x1, mem1, l1 = udp_drops(), udp_mem_mb(), link_drops()
    queued = udp_queued("fw")
    st = settle() if SETTLE else (0.0, 0, queued, False)
    cs.blasts.append({"send_end": send_end})
    line = r.stdout.strip().splitlines()
    if r.returncode != 0 or not line:
        log("rtpblast %s: %s" % (cs.sys.name, r.stderr.strip()[-300:]))
        return None
    d = dict(kv.split("=", 1) for kv in line[-1].split()[1:])
    for k in list(d):
        d[k] = float(d[k]) if "." in d[k] else int(d[k])
    d["cpu_ms"] = (c1 - c0) / 1e6
    d["cpu_pct"] = 100.0 * (c1 - c0) / 1e9 / wall
    d["sirq_pct"] = 100.0 * (k1 - k0) / 1e9 / wall
    d["ns_per_pkt_sirq"] = (c1 - c0 + k1 - k0) / d["all_recv"] \
        if d["all_recv"] else None
    d["ns_per_pkt"] = (c1 - c0) / d["all_recv"] if d["all_recv"] else None
    # Every task of the run: the system, the generator and sink
    # (rtpblast), ksoftirqd.  On veth a relay's softirq work runs inside
    # the sender's own system call and is billed to it: only this sum
    # sees what an in-kernel relay costs (bench/README).
    d["all_ns"] = c1 - c0 + gen_ns + q1 - q0
    d["all_ns_per_pkt"] = d["all_ns"] / d["all_recv"] \
        if d["all_recv"] else None
    d["relayed_pps"] = d["all_recv"] / ((ms + (overload[1] if overload
                                               else 0)) / 1e3)
    d["wall_s"] = wall
    # Where packets went that did not arrive: to the endpoints' ports
    # with nobody listening (a relay still sending the previous blast's),
    # to the relays' ports with nobody listening (calls ended).
    d["ep_stray"] = e1 - e0
    d["fw_noports"] = f1 - f0
    d["fw_queued"] = queued
    d["udp_mem_mb"] = (mem0, mem1)
    d["ep_drops"] = x1["lan"] - x0["lan"] + x1["wan"] - x0["wan"]
    d["fw_drops"] = x1["fw"] - x0["fw"]
    d["link_drops"] = l1 - l0
    if r.stderr.strip():
        log("rtpblast %s: %s" % (cs.sys.name, r.stderr.strip()[-300:]))
    d["settle_s"], d["settle_pkts"], d["settle_queued"], to = st
    if to:
        log("%s: still sending %.0f s after the blast (%d datagrams, %d "
            "bytes queued): going on" % (cs.sys.name, st[0], st[1], st[2]))
    cs.blasts[-1]["r"] = d
    pace_blast(cs.sys, wall - (ms + (overload[1] if overload else 0)) /
               1000 + st[0])
    return d


def blast_if_up(cs, pps, ms):
    """blast(), unless sipp would end the calls before its last packet
    (the others' settling took longer than hold_for() budgeted): a
    repetition fewer rather than dead calls counted as the relay's loss."""
    if not cs.lasts((ms + GRACE_MS) / 1000 + 3):
        log("%s: its calls end before a blast would: repetition left "
            "out" % cs.sys.name)
        return None
    return blast(cs, pps, ms)


def run_timed(cmd, timeout):
    """Run cmd; its output and its exact CPU time in ns, from wait4():
    utime + stime of a process that has ended sum to the scheduler's
    runtime of all its threads, softirq work done in its system calls
    included."""
    with tempfile.TemporaryFile("w+") as o, tempfile.TemporaryFile("w+") as e:
        p = subprocess.Popen(cmd, stdout=o, stderr=e, text=True)
        end = time.monotonic() + timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > end:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.05)
        p.returncode = os.waitstatus_to_exitcode(status)
        o.seek(0)
        e.seek(0)
        return subprocess.CompletedProcess(cmd, p.returncode, o.read(),
                                           e.read()), \
            int((ru.ru_utime + ru.ru_stime) * 1e9)


# --------------------------------------------------------------- output

def fmt(v, nd=1):
    if v is None:
        return "n/a"
    if isinstance(v, float):
        if abs(v) >= 100:
            return "%.0f" % v
        return ("%." + str(nd) + "f") % v
    return str(v)


def table(title, cols, rows, ratio_of=None):
    """rows: {system: {col: value}}; ratio_of: column compared to siproxd."""
    say()
    say("== " + title)
    head = ["system"] + [c for c, _ in cols]
    if ratio_of:
        head.append("x siproxd")
    out = [head]
    base = rows.get("siproxd", {}).get(ratio_of) if ratio_of else None
    for s, vals in rows.items():
        line = [s] + [fmt(vals.get(c), nd) for c, nd in cols]
        if ratio_of:
            v = vals.get(ratio_of)
            line.append("%.2f" % (v / base) if v is not None and base
                        else "n/a")
        out.append(line)
    w = [max(len(r[i]) for r in out) for i in range(len(head))]
    for r in out:
        say("  ".join(x.rjust(w[i]) if i else x.ljust(w[i])
                      for i, x in enumerate(r)))


# ------------------------------------------------------------ workloads

def w_register(systems):
    """1. REGISTER at a fixed rate: CPU us per REGISTER; memory (7)."""
    rate, secs = P["reg_rate"], P["reg_secs"]
    n = rate * secs
    res = {s.name: [] for s in systems}
    for rep in range(P["reps"]):
        for s in systems:
            uas = sipp_uas("r-uas", "reg_uas.xml", REG_PORT, n, secs + 20)
            time.sleep(0.3)
            pids = s.pids()
            c0 = cpu_ns(pids)
            sipp_uac("r-uac", "reg_uac.xml", s.sip, n, rate, secs + 15,
                     "-key", "rdomain", WAN, "-key", "pfx",
                     "r%du" % rep)
            c1 = cpu_ns(s.pids())
            stop(uas)
            ok, failed = sipp_stats("r-uac")
            res[s.name].append({
                "ok": ok, "failed": failed,
                "us_per_reg": (c1 - c0) / 1e3 / ok if ok else None})
    rows = {}
    for s, rs in res.items():
        rows[s] = {"REGISTERs": sum(r["ok"] for r in rs),
                   "failed": sum(r["failed"] for r in rs),
                   "us/REGISTER": med([r["us_per_reg"] for r in rs])}
    results["workloads"]["1_register"] = {"rate": rate, "runs": res,
                                          "median": rows}
    table("1. REGISTER at %d/s for %d s, %d reps (CPU summed over all "
          "processes)" % (rate, secs, P["reps"]),
          [("REGISTERs", 0), ("failed", 0), ("us/REGISTER", 1)], rows,
          "us/REGISTER")
    return rows


def w_calls(systems):
    """2. INVITE/200/ACK/BYE without media: CPU per call, highest rate."""
    rate, secs = P["call_rate"], P["call_secs"]

    def one(s, r, t):
        n = r * t
        uas = sipp_uas("c-uas", "sig_uas.xml", UAS_PORT, n, t + 30)
        time.sleep(0.3)
        pids = s.pids()
        c0 = cpu_ns(pids)
        sipp_uac("c-uac", "sig_uac.xml", s.sip, n, r, t + 25, "-d", 100,
                 "-key", "rdomain", "%s:%d" % (WAN, UAS_PORT))
        c1 = cpu_ns(s.pids())
        stop(uas)
        ok, failed = sipp_stats("c-uac")
        return {"rate": r, "ok": ok, "failed": failed,
                "us_per_call": (c1 - c0) / 1e3 / ok if ok else None}

    res = {s.name: [] for s in systems}
    for rep in range(P["reps"]):
        for s in systems:
            res[s.name].append(one(s, rate, secs))
    for s in systems:
        rec = perf_start(s, "calls")
        if rec:
            one(s, rate, secs)
            perf_stop(rec)
    best = {s.name: None for s in systems}
    search = {s.name: [] for s in systems}
    for r in P["search"]:
        for s in systems:
            if search[s.name] and search[s.name][-1]["failed"] > 0:
                continue
            x = one(s, r, P["search_secs"])
            search[s.name].append(x)
            if x["failed"] == 0 and x["ok"] > 0:
                best[s.name] = r
    rows = {}
    for s, rs in res.items():
        rows[s] = {"calls": sum(r["ok"] for r in rs),
                   "failed": sum(r["failed"] for r in rs),
                   "us/call": med([r["us_per_call"] for r in rs]),
                   "max calls/s": best[s]}
    results["workloads"]["2_calls"] = {"rate": rate, "runs": res,
                                       "search": search, "median": rows}
    table("2. calls without media at %d/s for %d s, %d reps; highest rate "
          "without a failed call (tried %s)" % (
              rate, secs, P["reps"], "/".join(map(str, P["search"]))),
          [("calls", 0), ("failed", 0), ("us/call", 1),
           ("max calls/s", 0)], rows, "us/call")
    return rows


def media_table(title, rows, key="ns/pkt"):
    table(title, [("offered pps", 0), ("relayed pps", 0), ("cpu %", 1),
                  ("sirq %", 1), ("+sirq ns/pkt", 0),
                  ("ns/pkt", 0), ("all ns/pkt", 0), ("relay ns/pkt", 0),
                  ("loss %", 3), ("p50 us", 0),
                  ("p99 us", 0), ("dead", 0)], rows, key)


def relay_cost(rows):
    """relay ns/pkt: every task's CPU per packet (all ns/pkt) less the
    same for the direct path in the same step, the generator and sink's
    own share; a relay in the kernel shows only here."""
    base = rows.get("direct", {}).get("all ns/pkt")
    for v in rows.values():
        a = v.get("all ns/pkt")
        v["relay ns/pkt"] = a - base if a is not None and \
            base is not None else None


def relay_ratios(rows):
    """The fast path's relay ns/pkt over each other relay's."""
    fp = rows.get("siproxd-fastpath", {}).get("relay ns/pkt")
    if fp is None:
        return
    ratios = ["%s %.2f" % (s, fp / v["relay ns/pkt"])
              for s, v in rows.items()
              if s not in ("siproxd-fastpath", "direct") and
              v.get("relay ns/pkt")]
    if ratios:
        say("siproxd-fastpath relay ns/pkt against: " + ", ".join(ratios))


def summarize(runs):
    ok = [r for r in runs if r]
    if not ok:
        return {}
    return {"offered pps": med([r["calls"] * 2 * r["pps"] for r in ok]),
            "relayed pps": med([r["relayed_pps"] for r in ok]),
            "cpu %": med([r["cpu_pct"] for r in ok]),
            "sirq %": med([r["sirq_pct"] for r in ok]),
            "+sirq ns/pkt": med([r["ns_per_pkt_sirq"] for r in ok]),
            "ns/pkt": med([r["ns_per_pkt"] for r in ok]),
            "all ns/pkt": med([r.get("all_ns_per_pkt") for r in ok]),
            "loss %": med([r["loss_pct"] for r in ok]),
            "p50 us": med([r["delay_p50_us"] for r in ok]),
            "p99 us": med([r["delay_p99_us"] for r in ok]),
            "dead": max(r["dead"] for r in ok),
            "skipped": max(r["skipped"] for r in ok),
            "send lag ms": med([r.get("send_lag_max_us", 0) / 1000
                                for r in ok]),
            "ended": max(r.get("ended", 0) for r in ok),
            "ep stray": med([r["ep_stray"] for r in ok]),
            "fw noports": med([r["fw_noports"] for r in ok]),
            "settle s": max(r["settle_s"] for r in ok)}


def media_ms(n):
    """Workload 3's blast at n calls: blast_ms, or longer where n calls
    would relay fewer than min_pkts packets in it; a light load uses
    little CPU, and a short measurement of it is mostly noise."""
    return max(P["blast_ms"], 1000 * P["min_pkts"] // (100 * n))


def hold_for(setups, blasted, n, pps_steps=1, extra=0.0, ms=None):
    """How long the calls of setups[0] must last, sipp ending them (BYE)
    that long after their ACK: the rest of the set-up (its own and that
    of the systems set up after it) and every blast of every system of
    blasted with the settling after it, at the pace this run measured
    (PACE: set-up rates reached, blasts' overheads seen), a fifth more
    for what grows with n.  CallSet.close() checks it against sipp's log
    of BYEs."""
    setup = 0.0
    for s in setups:
        per = PACE["setup"].get(s.name)
        if per is None:
            per = 0 if s.name == "direct" else 1 / P["setup_rate"]
        setup += per * n + 1
    media = (ms or P["blast_ms"]) / 1000
    blasts = sum(media + PACE["over"].get(s.name, GRACE_MS / 1000 + 2)
                 for s in blasted) * P["reps"] * pps_steps
    return 1.2 * (setup + blasts) + (2 if QUICK else 6) + extra


def w_media(systems):
    """3 and 5. N two-way calls at 50 pps per direction, N rising."""
    msys = [s for s in systems if s.media]
    live = {s.name: True for s in msys}
    steps = []
    for n in P["ns"]:
        active = [s for s in msys if live[s.name]]
        if not active:
            break
        sets, mem = {}, {}
        ms = media_ms(n)
        for i, s in enumerate(active):
            m0 = rss_kb(s.pids())
            sets[s.name] = CallSet(s, n, hold_for(active[i:], active, n,
                                                  ms=ms))
            mem[s.name] = (m0, rss_kb(s.pids()))
        runs = {s.name: [] for s in active}
        for rep in range(P["reps"]):
            for s in active:
                runs[s.name].append(blast_if_up(sets[s.name], 50, ms))
        if n == (PERF_CALLS or P["moderate"]):
            for s in active:
                if s.name != "direct":
                    rec = perf_start(s, "media%d" % n)
                    blast(sets[s.name], 50, ms)
                    perf_stop(rec)
        for s in active:
            sets[s.name].close()
        rows = {}
        for s in active:
            rows[s.name] = summarize(runs[s.name])
            rows[s.name]["calls"] = n
            rows[s.name]["setup failed"] = sets[s.name].failed
            m0, m1 = mem[s.name]
            rows[s.name]["rss kB"] = m1 if s.pids() else None
            rows[s.name]["bytes/call"] = (m1 - m0) * 1024 / n \
                if s.pids() else None
            lp = rows[s.name].get("loss %")
            if lp is None or lp > LOSS_MAX or sets[s.name].failed:
                live[s.name] = False
        steps.append({"calls": n, "runs": runs, "median": rows})
        relay_cost(rows)
        media_table("3. %d two-way calls at 50 pps each way, %d reps of "
                    "%.1f s" % (n, P["reps"], ms / 1000), rows)
        relay_ratios(rows)
    cap = {}
    for s in msys:
        good = [st["median"][s.name] for st in steps
                if s.name in st["median"] and
                st["median"][s.name].get("loss %") is not None and
                st["median"][s.name]["loss %"] <= LOSS_MAX and
                not st["median"][s.name]["setup failed"]]
        top = good[-1] if good else {}
        cap[s.name] = {"max calls": top.get("calls"),
                       "relayed pps": top.get("relayed pps"),
                       "cpu %": top.get("cpu %"),
                       "sirq %": top.get("sirq %"),
                       "+sirq ns/pkt": top.get("+sirq ns/pkt"),
                       "ns/pkt": top.get("ns/pkt"),
                       "relay ns/pkt": top.get("relay ns/pkt"),
                       "rss kB": top.get("rss kB"),
                       "bytes/call": top.get("bytes/call")}
    results["workloads"]["3_media"] = {"steps": steps, "capacity": cap}
    table("3. summary: most calls with loss <= %.1f %% (tried %s); CPU at "
          "that load" % (
        LOSS_MAX, "/".join(map(str, P["ns"]))),
        [("max calls", 0), ("relayed pps", 0), ("cpu %", 1),
         ("sirq %", 1), ("ns/pkt", 0), ("+sirq ns/pkt", 0),
         ("relay ns/pkt", 0)], cap, "ns/pkt")
    gl = results["workloads"]["3_media"]["generator_limit"] = \
        generator_limit(steps, "calls", "calls",
                        {k: {"calls": v["max calls"]}
                         for k, v in cap.items()})
    if gl is None and steps and steps[-1]["calls"] == P["ns"][-1]:
        not_found(steps[-1], P["ns"][-1], "calls")
    # 5. delay at moderate load: the step with P["moderate"] calls.
    mod = [st for st in steps if st["calls"] == P["moderate"]]
    if mod:
        rows = {s: {"p50 us": v.get("p50 us"), "p99 us": v.get("p99 us"),
                    "loss %": v.get("loss %")}
                for s, v in mod[0]["median"].items()}
        results["workloads"]["5_delay"] = rows
        table("5. one-way delay at %d calls (%d pps through the relay)" % (
            P["moderate"], P["moderate"] * 100),
            [("p50 us", 0), ("p99 us", 0), ("loss %", 3)], rows, "p99 us")
    return steps


def generator_limit(steps, key, unit, cap):
    """Say where rtpblast itself gave out: the first step at which the
    direct path (the same generator and sink, no relay) lost more than
    LOSS_MAX, or fell behind its own schedule (sent less than 99 % of
    the load it was given: workload 4's top rates).  From there on a step measures the generator on CPU 0, not
    the relays; a system that carried every step the direct path did has
    its own limit beyond it.  The figures go to results too."""
    top = None
    for st in steps:
        d = st["median"].get("direct")
        if d is None:
            continue
        lp = d.get("loss %")
        # Behind its own schedule, it sends less than it was told to.
        # (Sending late is no limit: a packet's delay counts from when it
        # left, and the relay got the whole load, in bursts.)
        sent = d.get("relayed pps") or 0
        short = sent < 0.99 * (d.get("offered pps") or 0)
        if lp is not None and lp <= LOSS_MAX and not short:
            top = st[key]
            continue
        even = [s for s, v in cap.items() if s != "direct" and
                v.get(key) is not None and top is not None and
                v[key] >= top]
        say("(the generator's limit: with no relay at all (direct) "
            "rtpblast %s at %d %s%s, every packet sent and "
            "received on CPU 0: from that step on the figures measure "
            "the generator, not the relays%s)" % (
                "lost %.1f %%" % lp if lp is not None and lp > LOSS_MAX
                else "sent and received only %d pps" % sent, st[key],
                unit, ", %d pps offered" % d["offered pps"]
                if d.get("offered pps") else "",
                "; %s carried every step the direct path did: %s own "
                "limit lies beyond %d %s" % (
                    ", ".join(even), "its" if len(even) == 1 else "their",
                    top, unit) if even else ""))
        return {key: st[key], "direct loss %": lp,
                "direct send lag ms": d.get("send lag ms"),
                "direct offered pps": d.get("offered pps"),
                "direct relayed pps": sent,
                "carried as far": even}
    return None


def not_found(step, last, what):
    """Say which systems carried the last step of a rising load: their
    limit lies beyond it, and their figure is a lower bound."""
    names = [s for s, v in step["median"].items()
             if v.get("loss %") is not None and v["loss %"] <= LOSS_MAX and
             not v.get("setup failed")]
    if names:
        say("(%s: loss <= %.1f %% at %d %s, the last step: the limit "
            "lies beyond it%s)" % (
                ", ".join(names), LOSS_MAX, last, what,
                "; the open files a process may have allow %d calls "
                "through a relay that holds 4 sockets a call" % FD_CALLS
                if FD_CALLS and what == "calls" else ""))


def w_highrate(systems):
    """4. Two calls, the rate per stream rising: most pps on one core."""
    msys = [s for s in systems if s.media]
    sets = {}
    for i, s in enumerate(msys):
        sets[s.name] = CallSet(s, 2, hold_for(msys[i:], msys, 2,
                                              len(P["hr_pps"])))
    live = {s.name: bool(sets[s.name].calls) for s in msys}
    steps = []
    for pps in P["hr_pps"]:
        active = [s for s in msys if live[s.name]]
        if not active:
            break
        runs = {s.name: [] for s in active}
        for rep in range(P["reps"]):
            for s in active:
                runs[s.name].append(blast_if_up(sets[s.name], pps,
                                                P["blast_ms"]))
        rows = {}
        for s in active:
            rows[s.name] = summarize(runs[s.name])
            lp = rows[s.name].get("loss %")
            if lp is None or lp > LOSS_MAX:
                live[s.name] = False
        steps.append({"pps": pps, "runs": runs, "median": rows})
        relay_cost(rows)
        media_table("4. 2 calls at %d pps each way (%d pps offered)" % (
            pps, pps * 4), rows)
        relay_ratios(rows)
    for s in msys:
        sets[s.name].close()
    best = {}
    for s in msys:
        good = [st["median"][s.name] for st in steps
                if s.name in st["median"] and
                st["median"][s.name].get("loss %") is not None and
                st["median"][s.name]["loss %"] <= LOSS_MAX]
        top = good[-1] if good else {}
        best[s.name] = {"max pps": top.get("relayed pps"),
                        "cpu %": top.get("cpu %"),
                        "sirq %": top.get("sirq %"),
                        "ns/pkt": top.get("ns/pkt"),
                        "+sirq ns/pkt": top.get("+sirq ns/pkt"),
                        "relay ns/pkt": top.get("relay ns/pkt"),
                        "blaster skipped": max((g["skipped"] for g in good),
                                               default=None)}
    results["workloads"]["4_highrate"] = {"steps": steps, "best": best}
    table("4. summary: most pps relayed with loss <= %.1f %% (one core)" %
          LOSS_MAX, [("max pps", 0), ("cpu %", 1), ("sirq %", 1),
                     ("ns/pkt", 0), ("+sirq ns/pkt", 0),
                     ("relay ns/pkt", 0),
                     ("blaster skipped", 0)], best, "max pps")
    gl = results["workloads"]["4_highrate"]["generator_limit"] = \
        generator_limit(steps, "pps", "pps a stream",
                        {k: {"pps": st["pps"]} for st in steps
                         for k, v in st["median"].items()
                         if v.get("loss %") is not None and
                         v["loss %"] <= LOSS_MAX})
    if gl is None and steps and steps[-1]["pps"] == P["hr_pps"][-1]:
        not_found(steps[-1], 4 * P["hr_pps"][-1], "pps offered")


def w_overload(systems):
    """6. Overload, then normal load: calls with media again within 2 s."""
    msys = [s for s in systems if s.media and s.name != "direct"]
    n = P["ov_calls"]
    rows, runs = {}, {}
    for s in msys:
        cs = CallSet(s, n, hold_for([s], [s], n,
                                    extra=P["ov_ms"] / 1000 + 5))
        r = blast(cs, 50, 3000, overload=(P["ov_pps"], P["ov_ms"]), warm=0)
        cs.close()
        runs[s.name] = r
        if r:
            rows[s.name] = {"offered pps": n * 2 * P["ov_pps"],
                            "recovered": r.get("recovered"),
                            "of calls": n,
                            "loss % after": r["loss_pct"],
                            "p99 us after": r["delay_p99_us"]}
    results["workloads"]["6_overload"] = {"runs": runs, "median": rows}
    table("6. %d calls at %d pps each way for %.0f s, then 50 pps: calls "
          "with media both ways within 2 s" % (n, P["ov_pps"],
                                               P["ov_ms"] / 1000),
          [("offered pps", 0), ("recovered", 0), ("of calls", 0),
           ("loss % after", 3), ("p99 us after", 0)], rows)


def w_idle(systems):
    """8 and 7. Many concurrent calls with 1 pps media; memory per call."""
    msys = [s for s in systems if s.media and s.name in ("siproxd",
                                                          "rtpengine")]
    n = P["idle_calls"]
    rows = {}
    for s in msys:
        s.restart()
        pids = s.pids()
        m0 = rss_kb(pids)
        rec = perf_start(s, "setup%d" % n)
        cs = CallSet(s, n, hold_for([s], [s], n,
                                    extra=20 + n / P["idle_rate"]),
                     rate=P["idle_rate"])
        perf_stop(rec)
        m1 = rss_kb(s.pids())
        r = blast(cs, 1, 6000, warm=0) if cs.calls else None
        cs.close()
        rows[s.name] = {"calls up": len(cs.calls), "failed": cs.failed,
                        "setup s": cs.setup_s,
                        "no media": r["dead"] if r else None,
                        "loss %": r["loss_pct"] if r else None,
                        "bytes/call": (m1 - m0) * 1024 / len(cs.calls)
                        if cs.calls else None}
    results["workloads"]["8_idle"] = rows
    table("8. %d concurrent calls, 1 pps each way (siproxd: SIP via sipp "
          "at %d/s; rtpengine: ng offer+answer in turn)" % (
              n, P["idle_rate"]),
          [("calls up", 0), ("failed", 0), ("setup s", 1), ("no media", 0),
           ("loss %", 3)], rows)
    return rows


def w_memory(sipsys, idle_rows):
    """7. RSS of all of a system's processes: at P["mem_regs"] new
    registrations, at the largest N of workload 3, and per idle call (8)."""
    n, rate = P["mem_regs"], P["mem_rate"]
    rows = {}
    for s in sipsys:
        uas = sipp_uas("m-uas", "reg_uas.xml", REG_PORT, n,
                       n / rate + 20)
        time.sleep(0.3)
        m0 = rss_kb(s.pids())
        sipp_uac("m-uac", "reg_uac.xml", s.sip, n, rate, n / rate + 15,
                 "-key", "rdomain", WAN, "-key", "pfx", "m")
        time.sleep(1)		# the registrar's 200s reach the table
        m1 = rss_kb(s.pids())
        stop(uas)
        ok, failed = sipp_stats("m-uac")
        rows[s.name] = {"registrations": ok, "reg failed": failed,
                        "rss kB at regs": m1,
                        "bytes/registration": (m1 - m0) * 1024 / ok
                        if ok else None}
    cap = results["workloads"].get("3_media", {}).get("capacity", {})
    for s, v in cap.items():
        if v.get("max calls") is None or v.get("rss kB") is None:
            continue
        r = rows.setdefault(s, {})
        r["calls (3)"] = v["max calls"]
        r["rss kB at calls"] = v.get("rss kB")
        r["bytes/call (3)"] = v.get("bytes/call")
    for s, v in (idle_rows or {}).items():
        r = rows.setdefault(s, {})
        r["calls (8)"] = v.get("calls up")
        r["bytes/call (8)"] = v.get("bytes/call")
    results["workloads"]["7_memory"] = rows
    table("7. memory: RSS of all processes after %d new registrations, at "
          "the largest N of workload 3, and per call of workload 8" % n,
          [("registrations", 0), ("rss kB at regs", 0),
           ("bytes/registration", 0), ("calls (3)", 0),
           ("rss kB at calls", 0), ("bytes/call (3)", 0), ("calls (8)", 0),
           ("bytes/call (8)", 0)], rows)
    return rows


def sanity():
    """What every run must show whatever the machine's speed: each system
    that took part carried all of its light load.  BENCH_QUICK (make
    check's smoke run) fails on any of these; a full run reports them."""
    w = results["workloads"]
    bad = []

    def need(ok, what):
        if not ok:
            bad.append(what)

    for s, r in w.get("1_register", {}).get("median", {}).items():
        need(r["REGISTERs"] > 0 and r["failed"] == 0,
             "%s: REGISTERs failed (workload 1)" % s)
    for s, r in w.get("2_calls", {}).get("median", {}).items():
        need(r["calls"] > 0 and r["failed"] == 0,
             "%s: calls failed (workload 2)" % s)
    steps = w.get("3_media", {}).get("steps", [])
    for s, r in (steps[0]["median"].items() if steps else ()):
        need(not r["setup failed"] and r.get("relayed pps") and
             r.get("loss %") is not None and r["loss %"] <= LOSS_MAX,
             "%s: media lost at the lightest load (workload 3)" % s)
    for s, r in w.get("6_overload", {}).get("median", {}).items():
        if s == "siproxd":
            need(r["recovered"] == r["of calls"],
                 "siproxd: %s of %d calls recovered (workload 6)" % (
                     r["recovered"], r["of calls"]))
    for s, r in w.get("8_idle", {}).items():
        need(r["failed"] == 0 and r["no media"] == 0,
             "%s: idle calls failed or silent (workload 8)" % s)
    for s, r in w.get("7_memory", {}).items():
        if "registrations" in r:
            need(r["reg failed"] == 0 and
                 r["registrations"] == P["mem_regs"],
                 "%s: registrations failed (workload 7)" % s)
    results["sanity"] = bad
    for b in bad:
        say("# not as expected: " + b)
    return bad


# ----------------------------------------------------------------- files

def write_files():
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(results, f, indent=1, default=str)
    with open(os.path.join(OUT, "report.txt"), "w") as f:
        f.write("\n".join(report_lines) + "\n")
    csvp = os.path.join(OUT, "results.csv")
    with open(csvp, "w") as f:
        f.write("workload,system,load,offered_pps,relayed_pps,cpu_pct,"
                "ns_per_pkt,loss_pct,p50_us,p99_us,sirq_pct,"
                "ns_per_pkt_with_softirq,all_ns_per_pkt,relay_ns_per_pkt\n")
        for wl, key in (("3_media", "calls"), ("4_highrate", "pps")):
            for st in results["workloads"].get(wl, {}).get("steps", []):
                for s, v in st["median"].items():
                    f.write("%s,%s,%s,%s\n" % (wl, s, st[key], ",".join(
                        fmt(v.get(c), 4) for c in (
                            "offered pps", "relayed pps", "cpu %",
                            "ns/pkt", "loss %", "p50 us", "p99 us",
                            "sirq %", "+sirq ns/pkt", "all ns/pkt",
                            "relay ns/pkt"))))
    plot(csvp)


def plot(csvp):
    if shutil.which("gnuplot") is None:
        log("no gnuplot: no plot")
        return
    series = {}
    with open(csvp) as f:
        next(f)
        for line in f:
            x = line.strip().split(",")
            if x[0] != "3_media" or "n/a" in (x[3], x[13], x[7]):
                continue
            series.setdefault(x[1], []).append((x[3], x[13], x[7]))
    if not series:
        return
    dat = os.path.join(OUT, "plot.dat")
    names = sorted(series)
    with open(dat, "w") as f:
        for s in names:
            f.write("# %s\n" % s)
            for pps, nspp, loss in series[s]:
                f.write("%s %s %s\n" % (pps, nspp, max(float(loss), 1e-4)))
            f.write("\n\n")
    gp = os.path.join(OUT, "plot.gp")
    with open(gp, "w") as f:
        f.write('set terminal pngcairo size 900,900\n'
                'set output "%s"\nset multiplot layout 2,1\n'
                'set grid\nset key top left\n'
                'set xlabel "packets/s offered (N calls x 2 x 50)"\n'
                'set ylabel "CPU ns per relayed packet (every task, '
                'less the direct path)"\n'
                'set title "workload 3: CPU per packet against load"\n'
                % os.path.join(OUT, "bench.png"))
        f.write("plot " + ", ".join(
            '"%s" index %d using 1:2 with linespoints lt %d title "%s"' %
            (dat, i, i + 1, s) for i, s in enumerate(names)
            if s != "direct") +
            "\n")
        f.write('set logscale y\nset ylabel "loss % (1e-4 = none)"\n'
                'set title "workload 3: loss against load"\n')
        f.write("plot " + ", ".join(
            '"%s" index %d using 1:3 with linespoints lt %d title "%s"' %
            (dat, i, i + 1, s) for i, s in enumerate(names)) + "\n")
        f.write("unset multiplot\n")
    r = sh("gnuplot", gp, check=False)
    if r.returncode != 0:
        log("gnuplot: " + r.stdout.strip()[-300:])


# ------------------------------------------------------------------ main

def loadavg():
    """Other work on the machine moves every figure: say how much."""
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def build_tools():
    os.makedirs(OUT, exist_ok=True)
    cc = os.environ.get("CC", "cc")
    flags = sh("pkg-config", "--cflags", "--libs",
               "libbsd-overlay").stdout.split()
    for t in ("rtpblast", "floor"):
        src = os.path.join(TOP, "bench", t + ".c")
        dst = os.path.join(OUT, t)
        hdr = os.path.join(TOP, "bench", "benchutil.h")
        if not os.path.exists(dst) or os.path.getmtime(dst) < \
                max(os.path.getmtime(src), os.path.getmtime(hdr)):
            sh(cc, "-O2", "-g", "-Wall", "-Wextra", "-D_GNU_SOURCE", src,
               "-o", dst, *flags)


def main():
    global work, FD_CALLS
    if os.geteuid() != 0:
        print("SKIPPED: need root (bench)")
        return 0
    if shutil.which("sipp") is None:
        print("SKIPPED: no sipp (bench)")
        return 0
    if not os.path.exists(os.path.join(TOP, "siproxd")):
        print("bench: build siproxd first", file=sys.stderr)
        return 1
    build_tools()
    # This script stays off CPU 1, the systems'.
    if os.cpu_count() and os.cpu_count() > 1:
        os.sched_setaffinity(0, {0})
    # rtpd and rtpengine hold 4 sockets a call, rtpblast 2.
    want = 4 * P["idle_calls"] + 1024
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))
    except (ValueError, OSError):
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        n = FD_CALLS = max(10, (hard - 1024) // 4)
        results["fd_calls"] = n
        if n < P["idle_calls"]:
            log("open files limited to %d (no CAP_SYS_RESOURCE): workload "
                "8 runs %d calls, not %d" % (hard, n, P["idle_calls"]))
            P["idle_calls"] = n
        if any(x > n for x in P["ns"]):
            log("workload 3 stops at %d calls, the open files a relay may "
                "have (%d, 4 a call)" % (n, hard))
            P["ns"] = sorted({min(x, n) for x in P["ns"]})
    work = tempfile.mkdtemp(prefix="siproxd-bench.")
    os.chmod(work, 0o755)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    signal.signal(signal.SIGINT, lambda *a: sys.exit(1))
    t0 = time.monotonic()
    try:
        topo_up()
        systems = [Siproxd()]
        if shutil.which("kamailio"):
            systems.append(Kamailio())
        else:
            log("no kamailio: left out (bench/setup.sh installs it)")
        if shutil.which("rtpengine"):
            systems.append(Rtpengine())
        else:
            log("no rtpengine: left out (bench/setup.sh installs it)")
        for s in systems:
            if not s.start():
                raise RuntimeError("%s did not start" % s.name)
        fp = SiproxdFastpath()
        if fp.start():
            systems.insert(1, fp)
        else:
            fp.stop()
        systems += [Floor(), Direct()]
        if SYS:
            for s in systems:
                if s.name not in SYS and s.name != "direct":
                    s.stop()
            systems = [s for s in systems if s.name in SYS or
                       s.name == "direct"]
        say("siproxd bench%s: %d CPUs, systems pinned to CPU 1, load to "
            "CPU 0, nice %d; %s, %s" % (
                " (BENCH_QUICK: numbers are not meaningful)" if QUICK
                else "", os.cpu_count(), NICE,
                time.strftime("%Y-%m-%d %H:%M"), loadavg()))
        sipsys = [s for s in systems if s.sip and
                  getattr(s, "sip_bench", True)]
        if want_w(1):
            w_register(sipsys)
        if want_w(2):
            w_calls(sipsys)
        if want_w(3):
            w_media(systems)
        if want_w(4):
            w_highrate(systems)
        if want_w(6):
            w_overload(systems)
        idle = w_idle(systems) if want_w(8) else None
        if want_w(7):
            w_memory(sipsys, idle)
        for s in systems:
            if s.p is not None and s.name != "floor" and not s.alive():
                raise RuntimeError("%s died during the run" % s.name)
        bad = sanity()
    finally:
        for s in procs:
            stop(s)
        write_files()
        cleanup()
    say()
    say("bench: done in %.0f s, %s; data in %s" % (
        time.monotonic() - t0, loadavg(), OUT))
    if QUICK:
        if bad:
            print("FAIL - bench: quick run: " + "; ".join(bad))
            return 1
        print("ok - bench: quick run of every workload, every system "
              "carried its load")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:
        print("FAIL - bench: %s" % e)
        sys.exit(1)
