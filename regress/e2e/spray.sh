#!/bin/sh
# SPDX-License-Identifier: ISC
# Media is learned only from the right peer: a third host on each side
# sprays the whole RTP range during real calls; none of its packets
# reaches a phone, neither phone's media goes astray, and siproxctl show
# calls counts the drops.  Once with a provider whose SDP names a public
# address, once with one behind a NAT of its own (a private address).

. "$(dirname "$0")/lib.sh"
topo_up
dns_up
need_rtptool
ip -n "$NS_WAN" addr add 203.0.113.66/24 dev wan0	# the sprayers
ip -n "$NS_LAN" addr add 10.0.0.66/24 dev lan0
FORGE="python3 $E2E/forge.py"
CONF=$(write_conf < /dev/null)
start_siproxd "$CONF" || exit 1

# spray_call NAME [UAS arguments]: a call with media while both sprayers
# run from before the first packet to after the last.
spray_call() {
	_spray_name=$1
	shift
	in_wan $FORGE spray 203.0.113.66 203.0.113.1 7070 7089 10 \
	    > "$WORK/spray-wan" &
	_w=$!
	in_lan $FORGE spray 10.0.0.66 10.0.0.1 7070 7089 10 \
	    > "$WORK/spray-lan" &
	_l=$!
	wait_for 5 grep -q spraying "$WORK/spray-wan"
	wait_for 5 grep -q spraying "$WORK/spray-lan"
	out_call "$_spray_name" 10.0.0.1:5060 rtp_uac.xml "$@"
	talk 16000 "$P_IN" 26000 "$P_OUT" 16000 "$_spray_name"
	_r=$?
	"$TOP/siproxctl" -s "$WORK/ctl.sock" show calls > "$WORK/calls-$_spray_name"
	sed "s/^/# /" "$WORK/calls-$_spray_name"
	wait $_w $_l
	return $_r
}
# clean NAME: no sprayed packet (SSRC 0xbadbad00) reached either phone.
clean() {
	grep -q "foreign=0 " "$WORK/talk-lan-$1" &&
	    grep -q "foreign=0 " "$WORK/talk-wan-$1"
}
# dropped NAME: show calls counted drops on the call's stream.
dropped() {
	awk 'NR == 1 { for (i = 1; i <= NF; i++)
		if (tolower($i) == "dropped") c = i }
	    NR > 1 && c && $c + 0 > 0 { ok = 1 } END { exit !ok }' \
	    "$WORK/calls-$1"
}

check "public SDP: media flows both ways in full while others spray" \
    spray_call pub
check "public SDP: no sprayed packet reaches either phone" clean pub
check "public SDP: siproxctl show calls counts the drops" dropped pub
bg_ok lan-pub
bg_ok wan-pub

# The provider's SDP names 192.168.1.10; its media comes from its own
# address, which its SIP came from.  It speaks first, as it must for the
# relay to find it.
TALK_LAN_WAIT=500 TALK_WAN_WAIT=300
check "private SDP: media flows both ways in full while others spray" \
    spray_call nat rtp_uas_nat.xml -key natip 192.168.1.10
check "private SDP: no sprayed packet reaches either phone" clean nat
check "private SDP: siproxctl show calls counts the drops" dropped nat
bg_ok lan-nat
bg_ok wan-nat
check "sipd is still running" wait_for 1 child_pid sipd
finish
