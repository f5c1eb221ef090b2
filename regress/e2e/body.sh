#!/bin/sh
# SPDX-License-Identifier: ISC
# Bodies leave siproxd whole: Content-Length equals the body for every
# kind a phone or a provider sends (SDP with the RTP proxy on and off,
# text/plain, DTMF, message summary, dialog info, sipfrag, multipart),
# over UDP and TCP, in requests and responses, both ways; a message after
# CRLFs keeps its body; the log names the right things; a message that
# would grow past a datagram is answered with 513.

. "$(dirname "$0")/lib.sh"
need_root
need_python
topo_up
dns_up
LOG=$WORK/siproxd.log

# run_bodies RELAY: body.py over UDP and over TCP; siproxd is running.
run_bodies() {
	for tr in udp tcp; do
		PYTHONPATH=$E2E python3 "$E2E/body.py" "$NS_LAN" "$NS_WAN" \
		    "$tr" "$1" > "$WORK/body-$tr-$1.out" 2>&1
		_r=$?
		sed 's/^/# /' "$WORK/body-$tr-$1.out"
		check "$tr, rtp proxy $1: every body arrives whole, both ways" \
		    [ $_r -eq 0 ]
		check "$tr, rtp proxy $1: too large for UDP once forwarded: 513" \
		    grep -q "^ok .* for UDP: SIP/2.0 513 " \
		    "$WORK/body-$tr-$1.out"
	done
}

CONF=$(write_conf </dev/null)
start_siproxd "$CONF" || exit 1
run_bodies on

# A request for a host that does not resolve: its log line names the
# Call-ID first and the host after it (log_wire, twice in one line).
in_lan python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.0.2", 5063))
m = ("MESSAGE sip:x@nohost.invalid SIP/2.0\r\n"
     "Via: SIP/2.0/UDP 10.0.0.2:5063;branch=z9hG4bKlogline\r\n"
     "Max-Forwards: 70\r\nFrom: <sip:p@10.0.0.2>;tag=1\r\n"
     "To: <sip:x@nohost.invalid>\r\nCall-ID: callid-in-the-log\r\n"
     "CSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\n"
     "Content-Length: 2\r\n\r\nhi").encode()
s.sendto(m, ("10.0.0.1", 5060))
s.settimeout(5)
print("# " + s.recv(65535).split(b"\r\n")[0].decode())
PY
check "the log names the Call-ID and the host that could not be reached" \
    wait_for 3 grep -q \
    'callid-in-the-log: cannot forward MESSAGE to nohost.invalid: ' "$LOG"

kill "$SXD"
wait_for 5 gone "$SXD"
# Without the relay the SDP leaves as the phone wrote it, by design.
wan_leak_check
WAN_LEAK_OK='IN IP4 10\.0\.0\.2'
wan_capture
CONF=$(echo "rtp_proxy_enable = 0" | write_conf)
start_siproxd "$CONF" || exit 1
run_bodies off
finish
