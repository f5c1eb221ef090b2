#!/bin/sh
# SPDX-License-Identifier: ISC
# SIP over TCP: a phone registers and is called over its own connection
# while the provider speaks UDP, and the other way round; framing, keep-
# alives, stalled clients and connects that never complete.

. "$(dirname "$0")/lib.sh"
need_root
if ! command -v python3 >/dev/null; then
	echo "SKIPPED: no python3 ($T)"
	exit 0
fi
topo_up
dns_up

CONF=$(write_conf <<EOF
tcp_timeout = 3
tcp_keepalive = 2
tcp_connect_timeout = 500
EOF
)
start_siproxd "$CONF" || exit 1
REG=$WORK/registrations.state	# ours; the classic file is beside it
FW_IN=10.0.0.1:5060
FW_OUT=203.0.113.1:5060
LOG=$WORK/siproxd.log

# Raw TCP peers: python3 tcpc.py MODE [args]; exit status 0 if as expected.
cat > "$WORK/tcpc.py" <<'EOF'
import socket, sys, time
from sippeer import closed_after

FW = ("10.0.0.1", 5060)

def opt(i, cl=True):
    m = ("OPTIONS sip:10.0.0.1 SIP/2.0\r\n"
         "Via: SIP/2.0/TCP 10.0.0.2:6000;branch=z9hG4bKtcp%d;rport\r\n"
         "From: <sip:t@10.0.0.2>;tag=t%d\r\nTo: <sip:10.0.0.1>\r\n"
         "Call-ID: tcpc%d@10.0.0.2\r\nCSeq: %d OPTIONS\r\n"
         "Max-Forwards: 70\r\n" % (i, i, i, i + 1))
    return (m + ("l: 0\r\n" if cl else "") + "\r\n").encode()

def pipeline(n):
    s = socket.create_connection(FW, 3)
    # A ping, n messages in one write, then one more in three pieces.
    s.sendall(b"\r\n\r\n" + b"".join(opt(i) for i in range(n)))
    last = opt(n)
    for a, b in ((0, 20), (20, 100), (100, len(last))):
        time.sleep(0.2)
        s.sendall(last[a:b])
    got = b""
    s.settimeout(0.5)
    t0 = time.time()
    while got.count(b"SIP/2.0 200 ") < n + 1 and time.time() - t0 < 5:
        try:
            d = s.recv(65536)
        except socket.timeout:
            continue
        if not d:
            break
        got += d
    print("pong first: %s, %d answers of %d" %
          (got.startswith(b"\r\nSIP/2.0"), got.count(b"SIP/2.0 200 "), n + 1))
    return got.startswith(b"\r\nSIP/2.0") and \
        got.count(b"SIP/2.0 200 ") == n + 1

def stall(trickle):
    s = socket.create_connection(FW, 3)
    m = opt(0)
    s.sendall(m[:40])
    if not trickle:
        t = closed_after(s, 8)
    else:
        t0, i, t = time.time(), 40, None
        while t is None and time.time() - t0 < 8:
            try:
                s.sendall(m[i:i + 1])
            except OSError:
                t = time.time() - t0
                break
            i += 1
            t = closed_after(s, 0.5)
            if t is not None:
                t = time.time() - t0
    print("closed after %s s" % (None if t is None else round(t, 1)))
    return t is not None and 2 <= t <= 6

def bad(what):
    s = socket.create_connection(FW, 3)
    s.sendall(opt(0, cl=False) if what == "nocl" else
              opt(0).replace(b"l: 0", b"l: 99999999"))
    t = closed_after(s, 2)
    print("closed after %s s" % t)
    return t is not None

def flood(n):
    socks = [socket.create_connection(FW, 3) for i in range(n)]
    time.sleep(0.5)
    gone = sum(1 for s in socks if closed_after(s, 0.05) is not None)
    print("%d of %d closed at once" % (gone, n))
    return gone == n - 32

def kaserver(port):
    """The WAN end of a connection the proxy opens: after the INVITE,
    which we never answer, keep-alives come."""
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("203.0.113.2", port))
    ls.listen(1)
    ls.settimeout(10)
    s, _ = ls.accept()
    got, rest = b"", None
    s.settimeout(0.2)
    t0 = time.time()
    while time.time() - t0 < 8:
        try:
            d = s.recv(4096)
        except socket.timeout:
            continue
        if not d:
            break
        got += d
        end = got.find(b"\r\n\r\n")
        if end == -1:
            continue
        cl = [l for l in got[:end].split(b"\r\n")
              if l.lower().startswith(b"content-length:")]
        n = end + 4 + int(cl[0].split(b":")[1]) if cl else end + 4
        rest = got[n:]
        if rest.startswith(b"\r\n\r\n"):
            break
    print("INVITE %s, then %r" % (got.startswith(b"INVITE"), rest))
    return got.startswith(b"INVITE") and rest is not None and \
        rest.startswith(b"\r\n\r\n")

def norport():
    """A phone whose Via names its listening port, not the connection's
    and asks for no rport: the answer still comes on the connection."""
    s = socket.create_connection(FW, 3)
    s.sendall(("OPTIONS sip:wan@uas.test SIP/2.0\r\n"
               "Via: SIP/2.0/TCP 10.0.0.2:5099;branch=z9hG4bKnorport\r\n"
               "From: <sip:phone1@sip.test>;tag=nr\r\n"
               "To: <sip:wan@uas.test>\r\nCall-ID: norport@10.0.0.2\r\n"
               "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
               "Content-Length: 0\r\n\r\n").encode())
    got = b""
    s.settimeout(0.5)
    t0 = time.time()
    while b"SIP/2.0 200 " not in got and time.time() - t0 < 5:
        try:
            d = s.recv(4096)
        except socket.timeout:
            continue
        if not d:
            break
        got += d
    print("answer on the connection: %s" % (b"SIP/2.0 200 " in got))
    return b"SIP/2.0 200 " in got

mode = sys.argv[1]
ok = {"pipeline": lambda: pipeline(int(sys.argv[2])),
      "stall": lambda: stall(False), "trickle": lambda: stall(True),
      "nocl": lambda: bad("nocl"), "hugecl": lambda: bad("hugecl"),
      "flood": lambda: flood(int(sys.argv[2])),
      "kaserver": lambda: kaserver(int(sys.argv[2])),
      "norport": norport}[mode]()
sys.exit(0 if ok else 1)
EOF
tcpc() {	# tcpc NS MODE [args]: output kept in $WORK/tcpc-MODE.out
	ip netns exec "$1" python3 "$WORK/tcpc.py" "$2" ${3:-} \
	    > "$WORK/tcpc-$2.out" 2>&1
	_r=$?
	sed 's/^/# /' "$WORK/tcpc-$2.out"
	return $_r
}

registered() { wait_for 3 grep -q "^$1@sip.test " "$REG"; }

# phone1 registers over TCP (the registrar gets UDP), then the WAN calls
# it: the INVITE must come down the phone's own connection.
tcp_phone_called() {
	sipp_bg wan-reg1 "$NS_WAN" $WAN 5060 wan_reg.xml
	sipp_bg lan-tcp1 "$NS_LAN" $LAN 5061 tcp_phone.xml -t t1 \
	    -s phone1 -key domain sip.test -key expires 300 \
	    -cid_str tcpcall1@203.0.113.2 -key expect_media 10.0.0.1 $FW_IN
	bg_ok wan-reg1 || return 1
	sipp_run wan-tcp1 "$NS_WAN" $WAN 5080 call_uac.xml $FW_OUT \
	    -s provider -key domain sip.test -key callee phone1 \
	    -key rdomain 203.0.113.1 -cid_str tcpcall1@203.0.113.2 \
	    -key expect_media 203.0.113.1
	_r=$?
	bg_ok lan-tcp1 && [ $_r -eq 0 ]
}
check "a TCP phone registers through to a UDP registrar and is called \
over its connection" tcp_phone_called
check "its binding is saved" registered phone1
check "the registrar saw UDP, our Via with transport UDP" grep -q \
    "^Via: SIP/2.0/UDP 203.0.113.1:5060" "$WORK/wan-reg1.msg"
check "the INVITE reached the phone with our Via, transport TCP" grep -q \
    "^Via: SIP/2.0/TCP 10.0.0.1:5060" "$WORK/lan-tcp1.msg"

# phone1 calls wan@uas.test over TCP; the provider answers on UDP.
lan_tcp_call() {
	sipp_bg wan-tcp2 "$NS_WAN" $WAN 5070 call_uas.xml -s wan \
	    -key expect_media 203.0.113.1
	sipp_run lan-tcp2 "$NS_LAN" $LAN 5062 call_uac.xml $FW_IN -t t1 \
	    -s phone1 -key domain sip.test -key callee wan \
	    -key rdomain uas.test -key expect_media 10.0.0.1
	_r=$?
	bg_ok wan-tcp2 && [ $_r -eq 0 ]
}
check "LAN(TCP) -> WAN(UDP) call" lan_tcp_call

# phone1 calls over UDP; the provider is reachable only over TCP.
wan_tcp_call() {
	sipp_bg wan-tcp3 "$NS_WAN" $WAN 5070 tcp_uas.xml -t t1 -s wan \
	    -key expect_media 203.0.113.1
	sipp_run lan-tcp3 "$NS_LAN" $LAN 5063 call_uac.xml $FW_IN \
	    -s phone1 -key domain sip.test -key callee wan \
	    -key rdomain "uas.test:5070;transport=tcp" \
	    -key expect_media 10.0.0.1
	_r=$?
	bg_ok wan-tcp3 && [ $_r -eq 0 ]
}
check "LAN(UDP) -> WAN(TCP) call, the provider on TCP 203.0.113.2:5070" \
    wan_tcp_call
check "the provider saw our Via with transport TCP" grep -q \
    "^Via: SIP/2.0/TCP 203.0.113.1:5060" "$WORK/wan-tcp3.msg"

norport_call() {
	sipp_bg wan-nr "$NS_WAN" $WAN 5070 options_uas.xml -s wan
	tcpc "$NS_LAN" norport || return 1
	bg_ok wan-nr
}
check "a response goes back on the request's connection, though the Via \
names another port and no rport (RFC 3261 §18.2.2)" norport_call

check "51 messages pipelined on one connection, one of them in three \
pieces, and a ping: all answered, the pong first" tcpc "$NS_LAN" pipeline 50

udp_call() {	# udp_call NAME: an ordinary LAN->WAN call over UDP
	sipp_bg "wan-$1" "$NS_WAN" $WAN 5070 call_uas.xml -s wan \
	    -key expect_media 203.0.113.1
	sipp_run "lan-$1" "$NS_LAN" $LAN 5064 call_uac.xml $FW_IN \
	    -s phone2 -key domain sip.test -key callee wan \
	    -key rdomain uas.test -key expect_media 10.0.0.1
	_r=$?
	bg_ok "wan-$1" && [ $_r -eq 0 ]
}

# Slowloris: half a message and silence, or a byte now and then.
ip netns exec "$NS_LAN" python3 "$WORK/tcpc.py" stall \
    > "$WORK/tcpc-stall.out" 2>&1 &
STALL=$!
ip netns exec "$NS_LAN" python3 "$WORK/tcpc.py" trickle \
    > "$WORK/tcpc-trickle.out" 2>&1 &
TRICKLE=$!
PIDS="$PIDS $STALL $TRICKLE"
sleep 0.5
check "a UDP call while two TCP clients stall" udp_call stall1
check "a client stalled after half a message is closed after tcp_timeout" \
    wait "$STALL"
check "a client sending a byte every half second is closed after \
tcp_timeout" \
    wait "$TRICKLE"
sed 's/^/# /' "$WORK/tcpc-stall.out" "$WORK/tcpc-trickle.out"
check "and the log says why" grep -q "stalled inside a message" "$LOG"

check "a message without Content-Length closes the connection" \
    tcpc "$NS_LAN" nocl
check "so does a Content-Length over 64 KB" tcpc "$NS_LAN" hugecl
check "the log names the error" grep -q "no content-length in" "$LOG"

# A connect to an address nobody has (ARP fails, the SYN never leaves):
# given up after tcp_connect_timeout, and other calls go on meanwhile.
blackhole_call() {
	sipp_bg lan-hole "$NS_LAN" $LAN 5065 call_uac.xml -s phone3 \
	    -key domain sip.test -key callee nobody \
	    -key rdomain "203.0.113.77;transport=tcp" \
	    -key expect_media 10.0.0.1 -timeout 4s $FW_IN
	_t0=$(date +%s)
	udp_call hole1 || return 1
	[ $(($(date +%s) - _t0)) -le 3 ]
}
check "a UDP call is not delayed by a TCP connect that hangs" \
    blackhole_call
check "the hanging connect is abandoned after tcp_connect_timeout" \
    wait_for 3 grep -q "tcp 203.0.113.77:5060: connect timed out after \
500 ms: closed, [0-9]* queued" "$LOG"

# Our connection to the provider gets CRLFCRLF keep-alives (RFC 5626).
ip netns exec "$NS_WAN" python3 "$WORK/tcpc.py" kaserver 5071 \
    > "$WORK/tcpc-kaserver.out" 2>&1 &
KA=$!
PIDS="$PIDS $KA"
wait_for 3 sh -c "ip netns exec $NS_WAN ss -tlnH | grep -q :5071"
sipp_bg lan-ka "$NS_LAN" $LAN 5066 call_uac.xml -t t1 -s phone2 \
    -key domain sip.test -key callee ka \
    -key rdomain "203.0.113.2:5071;transport=tcp" \
    -key expect_media 10.0.0.1 -timeout 6s $FW_IN
check "an idle connection we opened gets keep-alives every tcp_keepalive" \
    wait "$KA"
sed 's/^/# /' "$WORK/tcpc-kaserver.out"
kill "$BG_lan_ka" 2>/dev/null
wait_for 5 sh -c \
    "! ip netns exec $NS_FW ss -tnH state established | grep -q 10.0.0.2:"

check "the 33rd connection from one address is refused at once" \
    tcpc "$NS_LAN" flood 40
check "with a log line" grep -q "32 connections with that address already" \
    "$LOG"

check "sipd is still running" kill -0 "$(child_pid sipd)"
check "no sanitizer or seccomp complaint in the log" sh -c \
    "! grep -q -E 'AddressSanitizer|runtime error|seccomp|SIGSYS' $LOG"
finish
