#!/bin/sh
# SPDX-License-Identifier: ISC
# The RFC 4475 and RFC 5118 torture messages sent to siproxd over UDP from
# the LAN and from the WAN: each gets the answer a NAT proxy gives, nothing
# crashes, and a normal registration and call work afterwards.

. "$(dirname "$0")/lib.sh"

CORPUS=$TOP/regress/torture
if [ ! -d "$CORPUS/rfc4475" ] || [ ! -d "$CORPUS/rfc5118" ]; then
	echo "FAIL - torture: no corpus in $CORPUS"
	exit 1
fi
need_root
need_python

# What each file gets, sent from the LAN and from the WAN: a status code,
# "none" (dropped, or forwarded to a host that does not answer) or "fwd"
# (no answer, and the sink standing for the next hop received it).
#
# The codes are the parse gate's (regress/unit/sipmsg_test.c) and then the
# proxy's: Max-Forwards 0 -> 483; from the LAN, a request accepted for an
# unknown domain -> 503 once DNS fails (dns_up knows only sip.test and
# uas.test); from the WAN, a request for no registered phone -> 404 and a
# REGISTER -> 403; responses that are not for us -> dropped.  intmeth is
# valid but libosip2 rejects it (documented in sipmsg_test.c); mpart01 has a
# Route to 127.0.0.1:5080, the firewall's own loopback, which a LAN host
# may not aim sipd at (403; a sink in fw checks nothing arrives);
# mpart01r is the same message routed to a sink in wan, for the body
# check; the RFC 5118 messages for [2001:db8::...] reach sinks in wan.
EXPECT='
wsinv.dat		503	404
intmeth.dat		none	none
esc01.dat		503	404
escnull.dat		503	403
esc02.dat		503	404
lwsdisp.dat		503	404
longreq.dat		503	404
dblreq.dat		503	403
semiuri.dat		503	404
transports.dat		503	404
mpart01.dat		403	404
mpart01r.dat		fwd	404
unreason.dat		none	none
noreason.dat		none	none
badinv01.dat		400	400
clerr.dat		400	400
ncl.dat			400	400
scalar02.dat		400	400
scalarlg.dat		none	none
quotbal.dat		400	400
ltgtruri.dat		400	400
lwsruri.dat		400	400
lwsstart.dat		400	400
trws.dat		400	400
escruri.dat		400	400
baddate.dat		503	404
regbadct.dat		400	400
badaspec.dat		400	400
baddn.dat		400	400
badvers.dat		505	505
mismatch01.dat		400	400
mismatch02.dat		400	400
bigcode.dat		none	none
badbranch.dat		503	404
insuf.dat		none	none
unkscm.dat		416	416
novelsc.dat		416	416
unksm2.dat		503	403
bext01.dat		420	420
invut.dat		503	404
regaut01.dat		503	403
multi01.dat		400	400
mcl01.dat		400	400
bcast.dat		none	none
zeromf.dat		483	483
cparam01.dat		503	403
cparam02.dat		503	403
regescrt.dat		503	403
sdp01.dat		503	404
inv2543.dat		503	404
test.dat		none	none
ipv6-good		fwd	403
ipv6-bad		400	400
port-ambiguous		fwd	403
port-unambiguous	fwd	403
via-received-param-with-delim	fwd	404
via-received-param-no-delim	fwd	404
ipv6-in-sdp		fwd	404
mult-ip-in-header	503	404
mult-ip-in-sdp		fwd	404
ipv4-mapped-ipv6	503	404
ipv6-bug-abnf-3-colons	503	404
ipv6-correct-abnf-2-colons	fwd	404
'

topo_up
# RFC 4475 §3.3.5's REGISTER names 10.0.0.1 in its Call-ID; the 400 that
# answers it goes back to the WAN host that sent it: no leak.
WAN_LEAK_OK='Call-ID: regbadct\.k345asrl3fdbv@10\.0\.0\.1'
dns_up

# The RFC 5118 hosts live in wan; fw reaches them on its outbound side.
V6HOSTS="2001:db8::10 2001:db8::c000:201 2001:db8::10:5070"
SINKADDR=""
for a in $V6HOSTS; do
	ip -n "$NS_WAN" addr add "$a/64" dev wan0 nodad
	SINKADDR="$SINKADDR $a 5060 $a 5070"
done
ip -n "$NS_FW" -6 route add 2001:db8::/64 dev out0
CAP=$WORK/cap
mkdir -p "$CAP"
# shellcheck disable=SC2086
ip netns exec "$NS_WAN" python3 "$E2E/torture.py" -S "$CAP" 120 $SINKADDR &
SINK_WAN=$!
ip netns exec "$NS_FW" python3 "$E2E/torture.py" -S "$CAP" 120 127.0.0.1 \
    5080 &
SINK_FW=$!
PIDS="$PIDS $SINK_WAN $SINK_FW"

CONF=$(write_conf </dev/null)
start_siproxd "$CONF" || exit 1
REG=$WORK/registrations.state	# ours; the classic file is beside it
FW_IN=10.0.0.1:5060
SIPD=$(child_pid sipd)
RTPD=$(child_pid rtpd)
PARENT=$SXD

sed 's/^Route: <sip:127.0.0.1:5080>/Route: <sip:[2001:db8::10]:5070>/' \
    "$CORPUS/rfc4475/mpart01.dat" > "$WORK/mpart01r.dat"
F4="$(ls "$CORPUS"/rfc4475/*.dat) $WORK/mpart01r.dat"
F5=
for f in "$CORPUS"/rfc5118/*; do
	[ "${f##*/}" = index.md ] || F5="$F5 $f"
done
# shellcheck disable=SC2086
NFILES=$(echo $F4 $F5 | wc -w)
sleep 0.5	# the sinks are up
# shellcheck disable=SC2086
{
	in_lan python3 "$E2E/torture.py" -p -t 1 -c "$CAP" $LAN 10.0.0.1 5060 \
	    $F4
	in_lan python3 "$E2E/torture.py" -p -t 1 -w -c "$CAP" $LAN 10.0.0.1 \
	    5060 $F5
} > "$WORK/lan.out" 2>&1
# shellcheck disable=SC2086
{
	in_wan python3 "$E2E/torture.py" -p -t 1 -c "$CAP" $WAN 203.0.113.1 \
	    5060 $F4
	in_wan python3 "$E2E/torture.py" -p -t 1 -w -c "$CAP" $WAN \
	    203.0.113.1 5060 $F5
} > "$WORK/wan.out" 2>&1

# outcome SIDE FILE: what FILE got from SIDE (lan or wan).
outcome() {
	awk -v f="$2" '$1 == f { print $2; exit }' "$WORK/$1.out"
}
# expected SIDE FILE
expected() {
	echo "$EXPECT" | awk -v f="$2" -v c="$([ "$1" = lan ] && echo 2 ||
	    echo 3)" '$1 == f { print $c; exit }'
}
same() { [ "$1" = "$2" ]; }

for side in lan wan; do
	for f in $F4 $F5; do
		n=$(basename "$f")
		want=$(expected $side "$n")
		got=$(outcome $side "$n")
		[ -n "$want" ] || want="(not in the table)"
		check "$side: $n: $want (got ${got:-nothing})" \
		    same "$got" "$want"
	done
	check "$side: sipd answered an OPTIONS within 1 s after every file" \
	    sh -c "! grep -q ' dead ' $WORK/$side.out && \
	    test \$(grep -c ' alive ' $WORK/$side.out) -eq $NFILES"
done
kill "$SINK_WAN" "$SINK_FW" 2>/dev/null

# What went out: no LAN address, our own address written right.
FWD=
for f in "$CAP"/*; do
	case ${f##*/} in
	dg*|\*) ;;		# not matched to a file of the corpus
	*) FWD="$FWD $f" ;;
	esac
done
check "the forwarded copies were captured" test -n "$FWD"
leaks() {
	# shellcheck disable=SC2086
	! grep -l -a -E '10\.0\.0\.|fd00:1::' $FWD
}
check "no LAN address in any forwarded message" leaks
via6() {
	for f in "$CAP"/ipv6-* "$CAP"/port-* "$CAP"/via-* "$CAP"/mult-ip-*; do
		[ -e "$f" ] || continue
		grep -q -a -i \
		    '^Via: SIP/2\.0/UDP \[2001:db8:1::1\]:5060;' "$f" ||
		    { echo "# $(basename "$f"): $(grep -a -i -m1 '^Via:' "$f" |
		    cut -c1-60)"; return 1; }
	done
}
check "IPv6 forwarded: our Via is [2001:db8:1::1]:5060" via6
brackets() {
	for f in "$CAP"/*; do
		if grep -q -a '\[\[' "$f"; then
			echo "# $(basename "$f"): $(grep -a -m1 '\[\[' "$f" |
			    cut -c1-70)"
			return 1
		fi
	done
}
check "IPv6 forwarded: no doubled brackets in Via/Contact/Record-Route" \
    brackets
sdp6() {
	f=$CAP/ipv6-in-sdp.0	# relayed: the caller's 2001:db8::20 is gone
	[ -e "$f" ] && grep -q -a '^c=IN IP6 2001:db8:1::1' "$f" &&
	    ! grep -q -a '2001:db8::20' "$f"
}
check "ipv6-in-sdp: the SDP names us, not the caller" sdp6
# RFC 4475 §3.1.1.11: the body is framed by Content-Length and leaves
# unchanged (an Identity header signs it, RFC 4474), with a Content-Length
# that says so.
body_exact() {
	python3 - "$CORPUS/rfc4475/mpart01.dat" "$CAP/mpart01r.dat.0" <<'EOF'
import sys
a = open(sys.argv[1], "rb").read().split(b"\r\n\r\n", 1)[1]
try:
    h, b = open(sys.argv[2], "rb").read().split(b"\r\n\r\n", 1)
except (OSError, ValueError):
    sys.exit(1)
cl = [ln.split(b":", 1)[1].strip() for ln in h.split(b"\r\n")
      if ln.split(b":", 1)[0].strip().lower() in (b"content-length", b"l")]
if a != b or cl != [b"%d" % len(b)]:
    print("# %d bytes sent, %d forwarded, Content-Length %r; first "
          "forwarded: %r" % (len(a), len(b), cl, b[:24]))
    sys.exit(1)
EOF
}
check "mpart01: the multipart body is forwarded byte for byte" body_exact
# Every forwarded datagram: one Content-Length, equal to what follows the
# headers, so a receiver that trusts it sees the whole body.
cl_all() {
	# shellcheck disable=SC2086
	python3 - $FWD <<'EOF'
import sys
bad = 0
for f in sys.argv[1:]:
    d = open(f, "rb").read()
    if b"\r\n\r\n" not in d:
        continue
    h, b = d.split(b"\r\n\r\n", 1)
    cl = [ln.split(b":", 1)[1].strip() for ln in h.split(b"\r\n")
          if ln.split(b":", 1)[0].strip().lower() in (b"content-length",
                                                      b"l")]
    if cl != [b"%d" % len(b)]:
        print("# %s: Content-Length %r, body %d bytes" %
              (f.rsplit("/", 1)[1], cl, len(b)))
        bad = 1
sys.exit(bad)
EOF
}
check "every forwarded message: Content-Length equals its body" cl_all
check "no REGISTER of the corpus left a binding (esc02 is no REGISTER)" \
    sh -c "! grep -q '@' $REG 2>/dev/null"

check "the parent is still running" kill -0 "$PARENT"
check "sipd is the same process as before" \
    sh -c "[ \"\$(pgrep -P $PARENT | grep -x $SIPD)\" = $SIPD ]"
check "rtpd is the same process as before" \
    sh -c "[ \"\$(pgrep -P $PARENT | grep -x $RTPD)\" = $RTPD ]"

# After all that, the ordinary things still work.
phone_register() {	# phone_register NAME PORT
	sipp_bg "wan-reg-$1" "$NS_WAN" $WAN 5060 wan_reg.xml
	sipp_run "lan-reg-$1" "$NS_LAN" $LAN "$2" phone_reg.xml $FW_IN \
	    -s "$1" -key domain sip.test -key expires 300
	_r=$?
	bg_ok "wan-reg-$1" 2>/dev/null
	return $_r
}
check "after the corpus phone1 registers" phone_register phone1 5061
check "phone1's binding is saved" \
    wait_for 3 grep -q "^phone1@sip.test " "$REG"
check "after the corpus a LAN->WAN call works" lan_calls call1
check "sipd is still running" kill -0 "$SIPD"

if [ -n "${FAILED:-}" ]; then
	grep -E 'fatal|exited|signal' "$WORK/siproxd.log" | head -5 |
	    sed 's/^/# /'
fi
finish
