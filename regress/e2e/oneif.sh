#!/bin/sh
# SPDX-License-Identifier: ISC
# One interface for both sides (if_inbound = if_outbound, a proxy behind
# another NAT router): the sender's address says the side, so a host on
# the Internet cannot call out through the proxy (toll fraud).

. "$(dirname "$0")/lib.sh"
topo_up

# The proxy listens on in0 only; the WAN reaches it there through fw.
ip -n "$NS_WAN" route add 10.0.0.0/24 via 203.0.113.1
ip -n "$NS_LAN" addr add 10.0.0.3/24 dev lan0
FW=10.0.0.1:5060
# The proxy's own address is on the LAN here: that is no leak.
WAN_LEAK_RE='10\.0\.0\.[02-9]|fd00:1::'

# fraud NS SRC: SRC sends an INVITE for a number at the provider to the
# proxy; prints the proxy's answer, then "reached" if the provider's
# port 5070 got it, else "kept out".
fraud() {
	ip netns exec "$NS_WAN" python3 - <<'PY' > "$WORK/uas.out" &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.2", 5070))
s.settimeout(3)
try:
    print("reached" if s.recv(65535).startswith(b"INVITE") else "other")
except socket.timeout:
    print("kept out")
PY
	_u=$!
	sleep 0.3
	ip netns exec "$1" python3 - "$2" <<'PY'
import socket, sys
src = sys.argv[1]
msg = ("INVITE sip:0900123456@203.0.113.2:5070 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP %s:5090;branch=z9hG4bKtoll1\r\n"
    "Max-Forwards: 70\r\n"
    "From: <sip:fraud@%s>;tag=f1\r\n"
    "To: <sip:0900123456@203.0.113.2>\r\n"
    "Call-ID: toll-%s\r\n"
    "CSeq: 1 INVITE\r\n"
    "Contact: <sip:fraud@%s:5090>\r\n"
    "Content-Length: 0\r\n\r\n" % (src, src, src, src)).encode()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 5090))
s.settimeout(2)
s.sendto(msg, ("10.0.0.1", 5060))
ans = "none"
try:
    while True:
        r = s.recv(65535).split(b"\r\n")[0].decode()
        if not r.startswith("SIP/2.0 1"):
            ans = r
            break
except socket.timeout:
    pass
print(ans)
PY
	wait "$_u"
	cat "$WORK/uas.out"
}

CONF=$(write_conf <<CONF
if_outbound = in0
CONF
)
sed -i '/^if_outbound = out0$/d' "$CONF"
start_siproxd "$CONF" || exit 1
check "the log says private ranges are the LAN" wait_for 3 grep -q \
    "one interface for both sides: the LAN is private address ranges" \
    "$WORK/siproxd.log"
check "a LAN phone calls the provider" lan_calls -proxy $FW \
    -rdomain "$WAN:5070" call1 call_uas.xml call_uac.xml 10.0.0.1
R=$(fraud "$NS_WAN" $WAN)
echo "# a WAN host's INVITE: $(echo $R)"
check "a WAN host's INVITE is not forwarded to the provider" \
    sh -c "echo '$R' | grep -q 'kept out'"
check "the WAN host is refused" sh -c "echo '$R' | grep -q '^SIP/2.0 [45]'"

# With hosts_allow_sip the list is the LAN, private or not.
kill "$SXD"
wait_for 5 gone "$SXD"
echo "hosts_allow_sip = 10.0.0.2/32" >> "$CONF"
start_siproxd "$CONF" || exit 1
check "the log says the allow lists are the LAN" wait_for 3 grep -q \
    "the LAN is hosts_allow_reg and hosts_allow_sip" "$WORK/siproxd.log"
check "the listed phone still calls the provider" lan_calls -proxy $FW \
    -rdomain "$WAN:5070" call2 call_uas.xml call_uac.xml 10.0.0.1
R=$(fraud "$NS_LAN" 10.0.0.3)
echo "# an unlisted private host's INVITE: $(echo $R)"
check "an unlisted private host's INVITE is not forwarded" \
    sh -c "echo '$R' | grep -q 'kept out'"
R=$(fraud "$NS_WAN" $WAN)
check "nor a WAN host's" sh -c "echo '$R' | grep -q 'kept out'"
check "sipd is still running" kill -0 "$(child_pid sipd)"
finish
