#!/bin/sh
# SPDX-License-Identifier: ISC
# make demo: siproxd in the test topology, in the foreground; a phone
# registers and calls the provider, with media both ways, and a summary
# says how it went; then it stays up until ^C, SIGTERM or DEMO_SECONDS
# (DEMO_ONESHOT=1: stops after the summary, 1 if it went wrong); then
# every namespace and temporary file goes.

if [ "$(id -u)" != 0 ]; then
	echo "make demo must run as root: it creates network namespaces" >&2
	exit 1
fi
case ${DEMO_SECONDS:-} in
'')	;;
*[!0-9]* | 0*)
	echo "DEMO_SECONDS must be a number of seconds, not" \
	    "\"$DEMO_SECONDS\"" >&2
	exit 1 ;;
esac
DEMO_TOP=$(cd "$(dirname "$0")/.." && pwd) || exit 1
if [ ! -x "$DEMO_TOP/siproxd" ]; then
	echo "no $DEMO_TOP/siproxd: run make first" >&2
	exit 1
fi
if ! command -v ip >/dev/null; then
	echo "ip(8) is missing: run sh regress/deps.sh" >&2
	exit 1
fi

# The test topology and its helpers; our own names, so that a test run
# at the same time builds beside us.
TOP=$DEMO_TOP
. "$DEMO_TOP/regress/e2e/lib.sh"
SIPROXD=$TOP/siproxd
T=demo
NS_LAN=sxdemo-lan-$$
NS_FW=sxdemo-fw-$$
NS_WAN=sxdemo-wan-$$
rmdir "$WORK"
WORK=$(mktemp -d /tmp/siproxd-demo.XXXXXX) || exit 1
chmod 0755 "$WORK"

SXD=""
RC=0
say() { echo "demo: $*"; }

# Ask the daemon to stop in order; it gets 5 s before SIGKILL.
demo_stop() {
	[ -n "$SXD" ] || return 0
	if ! gone "$SXD"; then
		kill -TERM "$SXD" 2>/dev/null
		wait_for 5 gone "$SXD" || kill -KILL "$SXD" 2>/dev/null
	fi
	wait "$SXD"
	RC=$?
	SXD=""
}

# Leave with the daemon's exit status, or 1 if the call shown went
# wrong (the EXIT trap cleans up).
demo_finish() {
	demo_stop
	[ "$RC" -eq 0 ] || say "siproxd exited with status $RC"
	[ "$RC" -eq 0 ] && RC=${SHOWN:-0}
	exit "$RC"
}

topo_up
trap 'demo_stop; cleanup' EXIT
trap 'echo; say stopping; demo_finish' INT TERM

CONF=$(write_conf </dev/null)
ip netns exec "$NS_FW" "$SIPROXD" -d -v -f "$CONF" -s "$WORK/ctl.sock" &
SXD=$!
n=50
while [ ! -s "$WORK/siproxd.pid" ]; do
	if [ "$n" -eq 0 ] || gone "$SXD"; then
		say "siproxd did not start"
		exit 1
	fi
	sleep 0.1
	n=$((n - 1))
done

# The job shown: a phone registers, calls the provider, media both ways.
CTL="$TOP/siproxctl -s $WORK/ctl.sock"
# rx SIDE: the RTP packets the lan or wan end of the call received
rx() { sed -n 's/^received=\([0-9]*\) .*/\1/p' "$WORK/talk-$1-a"; }
demo_register() {
	say "a phone (10.0.0.2) registers with the provider (203.0.113.2)" \
	    "through siproxd"
	sipp_bg wan-reg "$NS_WAN" 203.0.113.2 5060 wan_reg.xml
	sipp_run lan-reg "$NS_LAN" 10.0.0.2 5061 phone_reg.xml \
	    10.0.0.1:5060 -s phone1 -key domain 203.0.113.2 -key expires 300 &&
	    bg_ok wan-reg
}
# The call, and siproxctl's view while its media flows.
demo_call() {
	say "the phone calls wan@203.0.113.2:5070, RTP flows both ways"
	sipp_bg wan-call "$NS_WAN" 203.0.113.2 5070 rtp_uas.xml -s wan \
	    -key rtpport 26000
	sipp_bg lan-call "$NS_LAN" 10.0.0.2 5061 rtp_uac.xml -s phone1 \
	    -key domain 203.0.113.2 -key callee wan \
	    -key rdomain 203.0.113.2:5070 -key rtpport 16000 10.0.0.1:5060
	P_IN=$(wait_for 5 sdp_port lan-call 1 audio &&
	    sdp_port lan-call 1 audio)
	P_OUT=$(wait_for 5 sdp_port wan-call 1 audio &&
	    sdp_port wan-call 1 audio)
	talk 16000 "${P_IN:-0}" 26000 "${P_OUT:-0}" > /dev/null 2>&1 &
	_talk=$!
	sleep 1
	say "during the call, siproxctl show phones:"
	$CTL show phones | sed 's/^/    /'
	say "and siproxctl show calls:"
	$CTL show calls | sed 's/^/    /'
	wait "$_talk"
	[ -n "$P_IN" ] && [ -n "$P_OUT" ] && bg_ok lan-call && bg_ok wan-call
}
# The summary; 1 if anything in it is wrong.
demo_show() {
	_reg=yes _up=yes
	demo_register || _reg=NO
	demo_call || _up=NO
	kill "$WANCAP" 2>/dev/null
	_sip=$(($(grep -c . "$WORK/wan.cap") - 1))
	_leak=$(grep -c -E "$WAN_LEAK_RE" "$WORK/wan.cap")
	_rxw=$(rx wan) _rxl=$(rx lan)
	say "summary:"
	say "  phone registered:             $_reg"
	say "  call set up and ended:        $_up"
	say "  RTP relayed LAN -> WAN:       ${_rxw:-0} of 50 packets"
	say "  RTP relayed WAN -> LAN:       ${_rxl:-0} of 50 packets"
	say "  private addresses on the WAN: $_leak in $_sip SIP messages"
	[ "$_reg" = yes ] && [ "$_up" = yes ] && [ "$_rxw" = 50 ] &&
	    [ "$_rxl" = 50 ] && [ "$_leak" = 0 ]
}
SHOWN=0
if ! command -v sipp >/dev/null || [ ! -x "$RTPTOOL" ]; then
	say "(no sipp or no $RTPTOOL: no call shown;" \
	    "sh regress/deps.sh and make demo give both)"
elif ! demo_show; then
	say "the call did not go as it should: see the log above"
	SHOWN=1
fi
[ -n "${DEMO_ONESHOT:-}" ] && demo_finish

say "siproxd runs in namespace $NS_FW, pid $SXD, config $CONF"
say "  lan side: in0 10.0.0.1 fd00:1::1 (if_inbound)," \
    "phones in $NS_LAN at 10.0.0.2"
say "  wan side: out0 203.0.113.1 2001:db8:1::1 (if_outbound)," \
    "provider in $NS_WAN at 203.0.113.2"
command -v sipp >/dev/null ||
    say "(sipp is not installed: sh regress/deps.sh installs it)"
say "provider: ip netns exec $NS_WAN sipp -sn uas -i 203.0.113.2 -p 5060"
say "phones:   ip netns exec $NS_LAN sipp -sn uac -i 10.0.0.2" \
    "-rsa 10.0.0.1:5060 -m 1 203.0.113.2:5060"
say "reload:   kill -HUP $SXD    stop: ^C or kill $$"

if [ -n "${DEMO_SECONDS:-}" ]; then
	n=$DEMO_SECONDS
	while [ "$n" -gt 0 ] && ! gone "$SXD"; do
		sleep 1
		n=$((n - 1))
	done
	gone "$SXD" || say "$DEMO_SECONDS seconds are up: stopping"
else
	# Until the daemon stops by itself, or a signal runs the trap.
	wait "$SXD"
	RC=$?
	SXD=""
fi
demo_finish
