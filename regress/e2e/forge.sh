#!/bin/sh
# SPDX-License-Identifier: ISC
# Responses are routed only by a Via that siproxd wrote: made-up responses
# from the WAN reach no LAN host, no loopback service, no Internet host
# and take no relay port; a real branch whose Vias were changed, or that
# comes back from the wrong side, is dropped too.

. "$(dirname "$0")/lib.sh"
topo_up
dns_up
ip -n "$NS_WAN" addr add 203.0.113.50/24 dev wan0	# a bystander
FORGE="python3 $E2E/forge.py"

CONF=$(write_conf <<CONF
CONF
)
start_siproxd "$CONF" || exit 1

relay_ports() {
	in_fw ss -uanH | awk '{ print $4 }' | grep -cE ':70[7-8][0-9]$'
}

# sinks SECONDS: a listener on each place a forged response could go.
sinks() {
	in_lan $FORGE sink 10.0.0.2 5099 "$1" > "$WORK/sink-lan" &
	S1=$!
	in_fw $FORGE sink 127.0.0.1 5099 "$1" > "$WORK/sink-fw" &
	S2=$!
	in_wan $FORGE sink 203.0.113.50 5099 "$1" > "$WORK/sink-wan" &
	S3=$!
	sleep 0.5
}
sinks_wait() {
	wait $S1 $S2 $S3
	for s in lan fw wan; do sed "s/^/# $s: /" "$WORK/sink-$s"; done
}
silent() { grep -q "udp=0 tcp=0" "$WORK/sink-$1"; }

# 1. Made-up responses with a Via that looks like ours, from the WAN.
sinks 4
for k in lan loopback reflect sdp; do
	in_wan $FORGE send udp 203.0.113.2 203.0.113.1 5060 $k
done
in_wan $FORGE send tcp 203.0.113.2 203.0.113.1 5060 lantcp
in_wan $FORGE send udp 203.0.113.2 203.0.113.1 5060 lan
sleep 1
check "a made-up response with ten m= lines takes no relay port" \
    test "$(relay_ports)" -eq 0
sinks_wait
check "no made-up response reaches a LAN host (UDP or TCP)" silent lan
check "none reaches the firewall's loopback" silent fw
check "none is reflected to another Internet host" silent wan
check "the drops are logged" grep -q "without a via of ours" \
    "$WORK/siproxd.log"
drops() { grep -c 'without a via of ours' "$WORK/siproxd.log"; }
D0=$(drops)
in_wan $FORGE send udp 203.0.113.2 203.0.113.1 5060 lan 200
sleep 1.2
in_wan $FORGE send udp 203.0.113.2 203.0.113.1 5060 lan
check "the next line counts those left out" wait_for 2 grep -qE \
    'without a via of ours.*\([0-9]+ more since' "$WORK/siproxd.log"
check "201 more in 2 s log at most 3 lines" test "$(drops)" -le $((D0 + 3))

# 2. A real branch: a LAN phone answers a WAN request.  As it came, the
# answer reaches the WAN; with the next Via changed, it goes nowhere.
phone_answers() {	# phone_answers MODE: the WAN host's verdict
	in_lan $FORGE phone 10.0.0.2 5098 "$1" 5 > "$WORK/phone-$1" &
	_p=$!
	wait_for 3 grep -q registered "$WORK/phone-$1"
	in_wan $FORGE ask 203.0.113.2 5097 2 > "$WORK/ask-$1"
	wait $_p
	sed "s/^/# phone: /" "$WORK/phone-$1"
	sed "s/^/# wan: /" "$WORK/ask-$1"
}
phone_answers honest
check "a genuine answer through our Via reaches the WAN" \
    grep -q answered "$WORK/ask-honest"
sinks 4
phone_answers reflect
sinks_wait
check "an answer whose next Via was changed is not forwarded" \
    grep -q silent "$WORK/ask-reflect"
check "and reaches no other Internet host" silent wan
phone_answers wanside
check "a genuine answer that comes back by the other side is dropped" \
    grep -q silent "$WORK/ask-wanside"

# 3. Relay ports for an answer only when it answers an offer we passed:
# a 200 with ten streams to an OPTIONS takes none.
phone_answers sdp
check "an SDP answer to no offer is forwarded" grep -q answered \
    "$WORK/ask-sdp"
check "and takes no relay port" test "$(relay_ports)" -eq 0

# 4. A call that offers ten streams gets eight, the rest refused with
# port 0 (RFC 3264 §6), and media flows on the first.
need_rtptool
out_call ten 10.0.0.1:5060 rtp_uac_ten.xml rtp_uas_ten.xml
refused() {	# refused NAME: m= lines 9 and 10 have port 0, 1-8 not
	awk '/message received/ { r = 1; n = 0; next } /^-----/ { r = 0 }
	    r && /^ *m=audio/ { n++; p[n] = $2 }
	    END { for (i = 1; i <= 10; i++)
		if ((i > 8) != (p[i] == 0)) exit 1 }' "$WORK/$1.msg"
}
check "the offer reaches the WAN with streams 9 and 10 refused" \
    refused wan-ten
check "the answer reaches the phone with streams 9 and 10 refused" \
    refused lan-ten
check "eight streams hold eight pairs on each side" \
    test "$(relay_ports)" -eq 32
check "media flows on the first stream" talk 16000 "$P_IN" 26000 "$P_OUT"
check "the ten-stream call ends" bg_ok lan-ten
bg_ok wan-ten

# 5. An INVITE without SDP: the 200 carries the offer and opens the relay,
# the ACK answers it (RFC 3261 §13.2.1).
out_call late 10.0.0.1:5060 rtp_uac_late.xml
check "a late offer in the 200 gets a relay port" test -n "$P_IN" -a \
    "$P_IN" != 0 -a -n "$P_OUT" -a "$P_OUT" != 0
check "media flows after a late offer" talk 16000 "$P_IN" 26000 "$P_OUT"
check "the late-offer call ends" bg_ok lan-late
bg_ok wan-late
check "sipd is still running" wait_for 1 child_pid sipd
finish
