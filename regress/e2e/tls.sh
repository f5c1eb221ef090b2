#!/bin/sh
# SPDX-License-Identifier: ISC
# SIP over TLS on both sides: phones (tlsua.py: sipp on Debian has no TLS)
# register and call through siproxd over TLS, Kamailio with its TLS module
# is the provider; calls both ways, UDP on one side and TLS on the other
# (RFC 5658), SRTP and its SDP passed untouched, providers whose
# certificate does not verify refused with 503, a new certificate on
# SIGHUP.  Kamailio logs what it received inside TLS: no LAN address.

. "$(dirname "$0")/lib.sh"
need_root
need_python
for c in openssl kamailio; do
	command -v $c > /dev/null || { echo "SKIPPED: no $c ($T)"; exit 0; }
done
[ -e /usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so ] ||
    [ -n "$(find /usr/lib*/ -path '*kamailio/modules/tls.so' 2>/dev/null)" ] ||
    { echo "SKIPPED: no kamailio tls module ($T)"; exit 0; }
topo_up
dns_up --srv-host=_sips._tcp.sip.test,reg.sip.test,5061,0,10 \
    --host-record=evil.test,203.0.113.2 \
    --srv-host=_sips._tcp.evil.test,evil.test,5061,0,10 \
    --naptr-record=naptr.test,10,10,s,SIPS+D2T,,_sips._tcp.naptr.test \
    --naptr-record=naptr.test,20,10,s,SIP+D2U,,_sip._udp.naptr.test \
    --srv-host=_sips._tcp.naptr.test,reg.sip.test,5061,0,10 \
    --host-record=naptr.test,203.0.113.2

# A CA; siproxd's certificate (serial 1, then 2 for the reload) for its
# addresses; Kamailio's for sip.test; another CA's for port 5063.
TLS=$WORK/tls
mkdir -p "$TLS"
cert() {	# cert NAME CA SERIAL SAN
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$TLS/$1.key" -subj "/CN=$1" -out "$TLS/$1.csr" \
	    2> /dev/null &&
	printf 'subjectAltName=%s\n' "$4" > "$TLS/$1.ext" &&
	openssl x509 -req -in "$TLS/$1.csr" -CA "$TLS/$2.crt" \
	    -CAkey "$TLS/$2.key" -set_serial "$3" -days 2 \
	    -extfile "$TLS/$1.ext" -out "$TLS/$1.crt" 2> /dev/null
}
ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$TLS/$1.key" -subj "/CN=$1" -days 2 -out "$TLS/$1.crt" \
	    2> /dev/null
}
ca ca && ca otherca &&
    cert srv ca 1 "IP:10.0.0.1,IP:203.0.113.1,IP:127.0.0.1" &&
    cert new-srv ca 2 "IP:10.0.0.1,IP:203.0.113.1,IP:127.0.0.1" &&
    cert kam ca 3 "DNS:sip.test,DNS:reg.sip.test,DNS:naptr.test,IP:203.0.113.2" &&
    cert bad otherca 4 "DNS:sip.test,IP:203.0.113.2" ||
    { fail "openssl could not make the test certificates"; exit 1; }
chmod 0600 "$TLS"/*.key

cat > "$TLS/kam-tls.cfg" <<KTLS
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $TLS/kam.key
certificate = $TLS/kam.crt

[server:203.0.113.2:5063]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $TLS/bad.key
certificate = $TLS/bad.crt

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
KTLS
in_wan kamailio -DD -E -m 64 -f "$E2E/kamailio-tls.cfg" \
    -A TLSCFG="\"$TLS/kam-tls.cfg\"" > "$WORK/kamailio.log" 2>&1 &
PIDS="$PIDS $!"
wait_for 10 grep -q "listening on" "$WORK/kamailio.log" ||
    sleep 1

CONF=$(write_conf <<EOF2
tls_cert_file = $TLS/srv.crt
tls_key_file = $TLS/srv.key
tls_ca_file = $TLS/ca.crt
EOF2
)
start_siproxd "$CONF" || exit 1
check "siproxd listens for TLS on both sides and loopback" \
    grep -q "listening on tls 203.0.113.1:5061" "$WORK/siproxd.log"
wait_for 5 in_wan sh -c "ss -ltn | grep -q 203.0.113.2:5061" ||
    fail "kamailio does not listen"

python3 "$E2E/tlsua.py" "$NS_LAN" "$NS_WAN" "$WORK" "$SXD" \
    > "$WORK/tlsua.out" 2>&1
cat "$WORK/tlsua.out" | sed 's/^Traceback/# Traceback/'
grep -q '^FAIL' "$WORK/tlsua.out" && FAILED=1
grep -q '^ok - tls: after SIGHUP' "$WORK/tlsua.out" ||
    fail "tlsua.py did not run to its end"

# The key in use (the renewed one) as text: in no process's memory, the
# parent's that read it and sipd's that loaded it included.
KEYLINE=$(sed -n 2p "$TLS/srv.key")
for p in "$SXD" "$(child_pid sipd)" "$(child_pid rtpd)"; do
	_what="the key's PEM text is not in the memory of $(tr '\0' ' ' \
	    < "/proc/$p/cmdline" | cut -c1-24) (pid $p)"
	if [ -z "$KEYLINE" ] || mem_has "$p" "$KEYLINE"; then
		fail "$_what"
	else
		ok "$_what"
	fi
done

# Limits: a client that never starts its handshake is closed after 5 s; a
# plain-text client on the TLS port at once, with a line saying why; TLS
# counts with TCP against the 32 connections one address may hold.
cat > "$WORK/tlslim.py" <<'PY'
import socket, sys, time
from sippeer import closed_after

what = sys.argv[1]
if what == "silent":
    t = closed_after(socket.create_connection(("10.0.0.1", 5061), 3), 9)
    print("closed after %s s" % t)
    sys.exit(0 if t is not None and 4 <= t <= 7 else 1)
if what == "plain":
    ts = []
    for i in range(10):
        s = socket.create_connection(("10.0.0.1", 5061), 3)
        s.sendall(b"OPTIONS sip:10.0.0.1 SIP/2.0\r\nContent-Length: 0"
                  b"\r\n\r\n")
        ts.append(closed_after(s, 3))
    print("closed after %s s" % ts)
    sys.exit(0 if None not in ts and max(ts) < 1 else 1)
tcp = [socket.create_connection(("10.0.0.1", 5060), 3) for i in range(32)]
time.sleep(0.3)
t = closed_after(socket.create_connection(("10.0.0.1", 5061), 3), 2)
print("the 33rd connection, over TLS, closed after %s s" % t)
sys.exit(0 if t is not None and t < 1 else 1)
PY
hsfail() { grep -c "tls 10.0.0.2:[0-9]*: handshake failed" "$WORK/siproxd.log"; }
for w in silent plain cap; do
	# The burst of failures is counted alone, a second after the rest.
	sleep 1.1
	[ $w = plain ] && _hs0=$(hsfail)
	in_lan python3 "$WORK/tlslim.py" $w > "$WORK/tlslim-$w.out" 2>&1
	eval "R_$w=\$?"
	[ $w = plain ] && _hs=$(( $(hsfail) - _hs0 ))
	sed 's/^/# /' "$WORK/tlslim-$w.out"
done
check "a TLS client silent for 5 s is closed (handshake timeout)" \
    test "$R_silent" = 0
check "and logged: handshake timed out" \
    grep -q "tls 10.0.0.2:[0-9]*: handshake failed: handshake timed out" \
    "$WORK/siproxd.log"
check "plain text on the TLS port is closed at once" test "$R_plain" = 0
check "10 failed handshakes from one address, $_hs lines: one a second" \
    test "$_hs" -ge 1 -a "$_hs" -le 2
check "TLS connections count with TCP against the per-address limit" \
    test "$R_cap" = 0

# RFC 3263 §4.1: NAPTR SIPS+D2T for a URI that names no transport (the
# domain has an A record too: without NAPTR the call would go over UDP).
python3 "$E2E/tlsua.py" "$NS_LAN" "$NS_WAN" "$WORK" "$SXD" naptr \
    > "$WORK/tlsua-naptr.out" 2>&1
cat "$WORK/tlsua-naptr.out"
grep -q '^FAIL' "$WORK/tlsua-naptr.out" && FAILED=1
check "NAPTR SIPS+D2T: the call to naptr.test went over TLS" sh -c \
    "grep -A1 'KAMRX tls 203.0.113.1:[0-9]* INVITE' '$WORK/kamailio.log' |
    grep -q '^INVITE sip:wan5074@'"

# An outbound proxy reached over TLS: the request names no transport.
cat >> "$CONF" <<EOF2
outbound_proxy_host = sip.test
outbound_proxy_transport = tls
EOF2
kill -HUP "$SXD"
wait_for 5 grep -q "tls: certificate loaded" "$WORK/siproxd.log"
sleep 0.5
python3 "$E2E/tlsua.py" "$NS_LAN" "$NS_WAN" "$WORK" "$SXD" proxy \
    > "$WORK/tlsua-proxy.out" 2>&1
cat "$WORK/tlsua-proxy.out"
grep -q '^FAIL' "$WORK/tlsua-proxy.out" && FAILED=1
grep -q '^ok - tls: udp phone -> outbound proxy over tls: the phone got' \
    "$WORK/tlsua-proxy.out" || fail "the outbound proxy call did not run"
check "the call to the outbound proxy went over TLS" sh -c \
    "grep -A1 'KAMRX tls 203.0.113.1:[0-9]* INVITE' '$WORK/kamailio.log' |
    grep -q '^INVITE sip:wan5073@'"

LOG=$WORK/siproxd.log
check "a certificate for another host is refused, and logged with why" \
    grep -q "tls 203.0.113.2:5061 evil.test: handshake failed: .*name" "$LOG"
check "a certificate from another CA is refused, and logged with why" \
    grep -q "tls 203.0.113.2:5063 .*handshake failed: .*verif" "$LOG"
check "Kamailio got siproxd's REGISTER over TLS" \
    grep -q "KAMRX tls 203.0.113.1:[0-9]* REGISTER" "$WORK/kamailio.log"
# What siproxd wrote inside TLS, as Kamailio read it: no LAN address.
_l=$(awk '/KAMRX tls/ { on = 1 } on { print } /KAMEND/ { on = 0 }' \
    "$WORK/kamailio.log" | grep -E "$WAN_LEAK_RE")
check "no LAN address in what siproxd sent over TLS ($(grep -c \
    'KAMRX tls' "$WORK/kamailio.log") messages)" test -z "$_l"
[ -z "$_l" ] || printf '%s\n' "$_l" | head -3 | sed 's/^/# leak: /'

# TLS off by a reload: a sips: request is refused, not dropped; and a
# plain TCP connect that fails answers what waited on it.
grep -v '^tls_\|^outbound_proxy' "$CONF" > "$CONF.notls"
cp "$CONF.notls" "$CONF"
kill -HUP "$SXD"
wait_for 5 grep -q "tls: off" "$WORK/siproxd.log" ||
    fail "siproxd did not turn TLS off on SIGHUP"
sleep 0.5
python3 "$E2E/tlsua.py" "$NS_LAN" "$NS_WAN" "$WORK" "$SXD" notls \
    > "$WORK/tlsua-notls.out" 2>&1
cat "$WORK/tlsua-notls.out"
grep -q '^FAIL' "$WORK/tlsua-notls.out" && FAILED=1
grep -q '^ok - tls: a TCP connect' "$WORK/tlsua-notls.out" ||
    fail "the tls-off checks did not run"
check "siproxd still runs" kill -0 "$SXD"
finish
