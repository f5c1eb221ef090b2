#!/bin/sh
# SPDX-License-Identifier: ISC
# Floods: REGISTERs and INVITEs from one WAN address at 500 a second, SDP
# with 300 m= lines, 65,535-byte datagrams, thousands of Via headers; a
# legitimate call goes through during each.  Then the relay port range
# used up by INVITEs nobody answers, and what gives the ports back:
# CANCEL, rtp_timeout, and with a long rtp_timeout Timer B.

. "$(dirname "$0")/lib.sh"
if ! command -v python3 >/dev/null; then
	echo "SKIPPED: no python3 ($T)"
	exit 0
fi
topo_up
dns_up
ATTACKER=203.0.113.66
ip -n "$NS_WAN" addr add $ATTACKER/24 dev wan0

# rtp_timeout short, so that a held range comes back within the test.
CONF=$(write_conf <<CONF
rtp_timeout = 4
CONF
)
start_siproxd "$CONF" || exit 1
SIPD=$(child_pid sipd)
RTPD=$(child_pid rtpd)
LOG=$WORK/siproxd.log
FW_IN=10.0.0.1:5060
FW_OUT=203.0.113.1:5060
FLOOD="python3 $E2E/flood.py"
CTL="$TOP/siproxctl -s $WORK/ctl.sock"
SINK=sip:wan@$WAN:5090		# a WAN host that never answers

up() {	# the same three processes still run (a zombie has no cmdline)
	for _p in "$SXD" "$SIPD" "$RTPD"; do
		grep -q siproxd "/proc/$_p/cmdline" 2>/dev/null || return 1
	done
}
relay_ports() {	# RTP and RTCP sockets rtpd holds in the range
	ip netns exec "$NS_FW" ss -uanH | awk '{ print $4 }' |
	    grep -cE ':70[7-8][0-9]$'
}
ports_held() { [ "$(relay_ports)" -eq "$1" ]; }
unanswered() {	# unanswered OP N: sipd's count of INVITEs waiting for an
	_u=$($CTL show stats | awk '$2 == "invites_unanswered" { print $3 }')
	echo "# invites_unanswered $_u"		# answer, tested OP N
	[ -n "$_u" ] && [ "$_u" "$1" "$2" ]
}

# during NAME NS FLOOD-ARGS...: flood.py in the background, a LAN call in
# the middle of it, then the flood's own summary; the call's status.
during() {
	_dn=$1 _dns=$2
	shift 2
	ip netns exec "$_dns" $FLOOD send "$@" > "$WORK/flood-$_dn" 2>&1 &
	_df=$!
	sleep 1
	lan_calls "$_dn"
	_dr=$?
	wait $_df
	sed 's/^/# flood: /' "$WORK/flood-$_dn"
	return $_dr
}
answered() {	# answered NAME CODE: the flood got CODE answers
	grep -q "answers=.*$2:[1-9]" "$WORK/flood-$1"
}

ip netns exec "$NS_WAN" $FLOOD sink $WAN:5090 100 > "$WORK/sink" 2>&1 &
PIDS="$PIDS $!"
# A phone for the WAN to aim at: its Contact is a LAN sink.
sipp_bg wan-reg "$NS_WAN" $WAN 5060 wan_reg.xml
check "victim phone registers" sipp_run lan-reg "$NS_LAN" $LAN 5098 \
    phone_reg.xml $FW_IN -s victim -key domain sip.test -key expires 300
bg_ok wan-reg
ip netns exec "$NS_LAN" $FLOOD sink $LAN:5098 100 > "$WORK/lansink" 2>&1 &
PIDS="$PIDS $!"
sleep 0.3

check "REGISTER flood (500/s for 5 s from one WAN address): a LAN call" \
    during reg "$NS_WAN" register $ATTACKER:5099 $FW_OUT -r 500 -s 5
check "REGISTER flood: the flood is refused (403)" answered reg 403
check "REGISTER flood: the daemon stays up" up

check "INVITE flood (500/s for 5 s, numbers nobody has): a LAN call" \
    during inv "$NS_WAN" invite $ATTACKER:5099 $FW_OUT -r 500 -s 5
check "INVITE flood: the flood gets 404" answered inv 404
check "INVITE flood: the daemon stays up" up

check "INVITEs with 300 m= lines from the WAN to a phone: a LAN call" \
    during sdpw "$NS_WAN" sdp300 $ATTACKER:5099 $FW_OUT -r 10 -s 3 \
    -u sip:victim@203.0.113.1
check "300 m= lines from the WAN: refused (503)" answered sdpw 503
check "300 m= lines from the WAN: the daemon stays up" up
check "INVITEs with 300 m= lines from a LAN phone: a LAN call" \
    during sdpl "$NS_LAN" sdp300 $LAN:5099 $FW_IN -r 10 -s 3 -u $SINK
check "300 m= lines from the LAN: refused (503)" answered sdpl 503
check "300 m= lines from the LAN: the daemon stays up" up
check "no relay port is left held by them" wait_for 2 ports_held 0

check "65,535-byte datagrams from the WAN: a LAN call" \
    during bigw "$NS_WAN" big $ATTACKER:5099 $FW_OUT -r 20 -s 3
check "65,535-byte datagrams from the LAN: a LAN call" \
    during bigl "$NS_LAN" big $LAN:5099 $FW_IN -r 20 -s 3 -u $SINK
check "65,535-byte datagrams: the daemon stays up" up

check "Via headers by the thousand from the WAN: a LAN call" \
    during viaw "$NS_WAN" vias $ATTACKER:5099 $FW_OUT -r 20 -s 3
check "Via headers by the thousand from the LAN: a LAN call" \
    during vial "$NS_LAN" vias $LAN:5099 $FW_IN -r 20 -s 3 -u $SINK
# 5,000 Via values are more than 65,507 bytes: all of them only over TCP.
check "5,000 Via headers over TCP from the WAN: a LAN call" \
    during viatw "$NS_WAN" vias $ATTACKER:5099 $FW_OUT -t
check "5,000 Via headers over TCP from the LAN: a LAN call" \
    during viatl "$NS_LAN" vias $LAN:5099 $FW_IN -t -u $SINK
check "Via floods: the daemon stays up" up

# rtpd stopped (SIGSTOP: the parent keeps no watch on its children's
# pace), so no INVITE gets its relay ports and sipd holds each one.  From
# three WAN addresses, far more INVITEs with SDP for the phone than sipd
# may hold: its contact is an address, so there is no DNS query and no
# per-source count.  The excess gets 503 at once, sipd's memory stays
# bounded, and once rtpd runs again every held INVITE is forwarded or
# refused (the range has 10 pairs) and no port stays held.
HELD_MAX=4096		# SIPX_MAX, sipd/sipx.c
held() {	# held OP N: the messages sipd holds, tested OP N
	_h=$($CTL show stats | awk '$2 == "messages_held" { print $3 }')
	echo "# messages_held $_h"
	[ -n "$_h" ] && [ "$_h" "$1" "$2" ]
}
answers() {	# answers CODE FILE...: how many CODE answers the floods got
	_ac=$1
	shift
	sed -n "s/.*answers=.*$_ac:\([0-9]*\).*/\1/p" "$@" |
	    awk '{ n += $1 } END { print n + 0 }'
}
sent() {	# sent FILE...: how many messages the floods sent
	sed -n 's/^sent=\([0-9]*\) .*/\1/p' "$@" |
	    awk '{ n += $1 } END { print n + 0 }'
}
for _a in 67 68; do
	ip -n "$NS_WAN" addr add 203.0.113.$_a/24 dev wan0
done
drops() { echo $(($(udp_drops "$NS_FW") + $(udp_drops "$NS_WAN"))); }
RSS0=$(rss_kb "$SIPD")
# The largest INVITEs: sipd holds at most 8 MB of messages as received
# (SIPX_BYTES), some 128 of them.
D0=$(drops)
kill -STOP "$RTPD"
ip netns exec "$NS_WAN" $FLOOD send big $ATTACKER:5099 $FW_OUT -r 200 \
    -n 400 -l 1 -u sip:victim@203.0.113.1 > "$WORK/bigstall" 2>&1
sed 's/^/# flood: /' "$WORK/bigstall"
RSS1=$(rss_kb "$SIPD")
echo "# sipd RSS ${RSS0} kB before, ${RSS1} kB holding 64 kB INVITEs"
GOT=$(answers 503 "$WORK/bigstall")
LOST=$(($(drops) - D0))
check "rtpd stopped: all but 128 of 400 64 kB INVITEs get 503" \
    test "$GOT" -ge $((272 - LOST)) -a "$GOT" -le 272
check "rtpd stopped: sipd holds those in less than 24 MB" \
    test $((RSS1 - RSS0)) -lt 24576
kill -CONT "$RTPD"
check "rtpd again: the 64 kB INVITEs are forwarded or refused" \
    wait_for 20 held -eq 0
check "rtpd again: their ports go at rtp_timeout" wait_for 10 ports_held 0
L0=$(wc -l < "$LOG")
D0=$(drops)
kill -STOP "$RTPD"
for _a in 66 67 68; do
	ip netns exec "$NS_WAN" $FLOOD send invite 203.0.113.$_a:5099 \
	    $FW_OUT -r 1000 -n 4000 -l 1 -u sip:victim@203.0.113.1 \
	    > "$WORK/stall-$_a" 2>&1 &
	eval "_st$_a=\$!"
done
wait $_st66 $_st67 $_st68
sed 's/^/# flood: /' "$WORK"/stall-6[678]
RSS1=$(rss_kb "$SIPD")
echo "# sipd RSS ${RSS0} kB at first, ${RSS1} kB holding $HELD_MAX INVITEs"
SENT=$(sent "$WORK"/stall-6[678])
GOT=$(answers 503 "$WORK"/stall-6[678])
LOST=$(($(drops) - D0))		# lost on the way, either way
echo "# $SENT INVITEs sent, $GOT answered 503 while rtpd was stopped," \
    "$LOST datagrams lost"
check "rtpd stopped: all but $HELD_MAX of the INVITEs get 503 at once" \
    test "$GOT" -ge $((SENT - HELD_MAX - LOST)) -a \
    "$GOT" -le $((SENT - HELD_MAX))
check "rtpd stopped: the refusals are one log line a second at most" \
    test "$(tail -n +"$((L0 + 1))" "$LOG" |
    grep -c 'wait to be forwarded: refused')" -le 5
check "rtpd stopped: sipd holds them in less than 48 MB" \
    test $((RSS1 - RSS0)) -lt 49152
check "rtpd stopped: the daemon stays up" up
kill -CONT "$RTPD"
check "rtpd again: every held INVITE is forwarded or refused" \
    wait_for 20 held -eq 0
check "rtpd again: the 10 forwarded hold their ports until rtp_timeout" \
    wait_for 10 ports_held 0
check "rtpd again: no stream is left" \
    test "$($CTL show calls | wc -l)" -le 1
check "rtpd again: a LAN call works" lan_calls stalled
# A retransmission that arrives while the parent binds the first copy's
# ports: rtpd answers the newer copy, and the older must not wait for
# ever.
kill -STOP "$RTPD"
for _i in 1 2; do
	ip netns exec "$NS_LAN" $FLOOD send hold $LAN:5099 $FW_IN -f 300 \
	    -n 1 -l 0 -u $SINK > "$WORK/retrans-$_i" 2>&1
done
kill -CONT "$RTPD"
check "a retransmission while rtpd binds: nothing is held after" \
    wait_for 5 held -eq 0
check "a retransmission while rtpd binds: its port goes at rtp_timeout" \
    wait_for 10 ports_held 0
# rtpd stopped for longer than Timer B: the INVITE it holds goes after
# 32 s, and the ports rtpd opens for it when it runs again go back.
kill -STOP "$RTPD"
T0=$(date +%s)
ip netns exec "$NS_LAN" $FLOOD send hold $LAN:5099 $FW_IN -f 301 -n 1 -l 0 \
    -u $SINK > "$WORK/ttl" 2>&1
check "rtpd stopped for good: the INVITE is dropped after Timer B" \
    wait_for 40 grep -q "not forwarded in 32 s (waiting for rtpd)" "$LOG"
check "rtpd stopped for good: not before 31 s" \
    test $(($(date +%s) - T0)) -ge 31
kill -CONT "$RTPD"
check "rtpd again: nothing is held" wait_for 5 held -eq 0
check "rtpd again: the dropped INVITE's ports go back" \
    wait_for 10 ports_held 0
check "the daemon is up after rtpd was stopped" up

# The relay range (10 port pairs a side) used up by LAN INVITEs to a WAN
# host that never answers: each holds an outbound pair.
hold() {	# hold FIRST: 15 unanswered INVITEs, call ids FIRST..FIRST+14
	ip netns exec "$NS_LAN" $FLOOD send hold $LAN:5099 $FW_IN -f "$1" \
	    -n 15 -r 100 -u $SINK > "$WORK/hold-$1" 2>&1
	sed 's/^/# /' "$WORK/hold-$1"
	grep -q "answers=503:5" "$WORK/hold-$1"
}
refused() {	# refused NAME: a legitimate call gets 503
	sipp_run "$1" "$NS_LAN" $LAN 5061 rtp_uac_503.xml $FW_IN -s phone1 \
	    -key domain sip.test -key callee wan -key rdomain uas.test \
	    -key rtpport 16000
}
L0=$(wc -l < "$LOG")
check "15 unanswered INVITEs: 10 hold the range, 5 get 503" hold 0
# At most one line a second: 5 refusals in 50 ms are one line (two if a
# second ends between them).
check "the refusals do not flood the log" test \
    "$(tail -n +"$((L0 + 1))" "$LOG" | grep -c 'range exhausted')" -le 2
check "the range is full (10 pairs)" ports_held 20
check "a legitimate call is refused (503) while the range is full" \
    refused full1
ip netns exec "$NS_LAN" $FLOOD send cancel $LAN:5099 $FW_IN -n 15 -r 100 \
    -u $SINK > "$WORK/cancel" 2>&1
check "CANCEL of the unanswered INVITEs frees their ports at once" \
    wait_for 1 ports_held 0
check "a legitimate call works again after the CANCELs" lan_calls after1
T0=$(date +%s.%N)
check "the range is used up again" hold 100
check "a legitimate call is refused again" refused full2
sleep 1
check "ports of INVITEs neither answered nor cancelled are kept for now" \
    ports_held 20
check "rtp_timeout (4 s) frees them" wait_for 6 ports_held 0
echo "$T0 $(date +%s.%N)" |
    awk '{ printf "# freed %.1f s after the INVITEs\n", $2 - $1 }'
check "their expiry is logged" grep -q "no media for 4 s: expired" "$LOG"
check "a legitimate call works once the flood's ports expired" \
    lan_calls after2

# With rtp_timeout long, as it is by default: an INVITE that hears nothing
# gives its ports back after Timer B (32 s), not after rtp_timeout.
sed -i 's/^rtp_timeout = .*/rtp_timeout = 300/' "$CONF"
log_l0=$(wc -l < "$LOG")
kill -HUP "$SXD"
wait_for 3 sh -c "tail -n +$log_l0 '$LOG' | grep -q 'reload'"
T0=$(date +%s)
check "the range is used up a third time" hold 200
# The earlier rounds' INVITEs still wait too (the sink never answers).
check "the INVITEs waiting for an answer are counted" unanswered -ge 10
sleep 12
check "12 s later their ports are still held" ports_held 20
check "Timer B (32 s) frees them" wait_for 25 ports_held 0
echo "$T0 $(date +%s)" |
    awk '{ printf "# freed %d s after the INVITEs\n", $2 - $1 }'
check "Timer B: freed no sooner than 31 s" test $(($(date +%s) - T0)) -ge 31
check "Timer B: logged" \
    grep -q "no answer to the INVITE in 32 s: its media ports go back" "$LOG"
check "Timer B: nothing waits any more" unanswered -eq 0
check "a legitimate call works once Timer B gave the ports back" \
    lan_calls after3
check "the daemon is up after every flood" up
check "sipd never crashed" sh -c "! grep -q 'fatal\\|killed by signal' $LOG"
finish
