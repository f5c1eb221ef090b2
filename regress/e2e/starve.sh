#!/bin/sh
# SPDX-License-Identifier: ISC
# No one outside address starves the proxy: idle TCP connections from many
# addresses (more than sipd has descriptors), requests whose next hop
# never resolves from one IPv4 address and from one IPv6 /64.  During
# each flood a LAN phone's call, routed by DNS, completes.  sipd runs with
# 512 descriptors, as on a host with a low hard limit: TCP may take half.

. "$(dirname "$0")/lib.sh"
need_root
need_python
topo_up
# slow.test goes to a server that never answers: its lookups hang.
in_wan python3 "$E2E/flood.py" sink 203.0.113.2:5353 300 >/dev/null &
PIDS="$PIDS $!"
dns_up --server=/slow.test/203.0.113.2#5353
ATTACKERS=
for i in $(seq 100 119); do
	ip -n "$NS_WAN" addr add 203.0.113.$i/24 dev wan0
	ATTACKERS="$ATTACKERS 203.0.113.$i"
done
ip -n "$NS_LAN" addr add 10.0.0.5/24 dev lan0
V6=
for i in $(seq 1 40); do
	ip -n "$NS_LAN" addr add fd00:1::1:$i/64 dev lan0 nodad
	V6="$V6 fd00:1::1:$i"
done

CONF=$(write_conf </dev/null)
START_WRAP="prlimit --nofile=512:512"
start_siproxd "$CONF" || exit 1
SIPD=$(child_pid sipd)
check "TCP may take half of sipd's 512 descriptors" \
    grep -q "tcp: at most 256 connections, 512 descriptors" \
    "$WORK/siproxd.log"

# call NAME: phone1 calls wan@uas.test (SRV, A); prints the set-up time
# (INVITE to 200, ms) from sipp's response time trace.
call() {
	SETUP=
	sipp_bg "wan-$1" "$NS_WAN" $WAN 5070 call_uas.xml -s wan \
	    -key expect_media 203.0.113.1
	(cd "$WORK" && sipp_run "lan-$1" "$NS_LAN" $LAN 5061 call_uac.xml \
	    10.0.0.1:5060 -s phone1 -key domain sip.test -key callee wan \
	    -key rdomain uas.test -key expect_media 10.0.0.1 -trace_rtt \
	    -rtt_freq 1)
	_r=$?
	bg_ok "wan-$1" && [ $_r -eq 0 ] || return 1
	SETUP=$(cat "$WORK"/lan-"$1"_*_rtt.csv 2>/dev/null |
	    awk -F';' 'NR > 1 && $NF != "" { v = $(NF - 1) } END { print v }')
	return 0
}
held() {	# connections sipd holds, accepted and open
	in_fw ss -Htnp state established '( sport = :5060 )' |
	    grep -c "pid=$SIPD,"
}
none_held() { [ "$(held)" -eq 0 ]; }

check "a call before the floods" call call0
echo "# set-up time with no flood: ${SETUP:-?} ms"

# 1. 600 idle TCP connections, 30 from each of 20 WAN addresses (under
# the per-address cap): more than sipd has descriptors.
T0=$(date +%s)
in_wan python3 "$E2E/starve.py" tcp 203.0.113.1:5060 60 30 $ATTACKERS \
    > "$WORK/tcp.out" 2>&1 &
TCPF=$!
PIDS="$PIDS $TCPF"
wait_for 10 grep -q ready "$WORK/tcp.out"
H=$(held)
echo "# TCP flood: sipd holds $H connections; attacker sees $(head -1 \
    "$WORK/tcp.out")"
check "sipd holds no more than 256 connections ($H)" [ "$H" -le 256 ]
check "the flood got in up to the cap ($H)" [ "$H" -ge 200 ]
check "a LAN call through DNS completes during the TCP flood" call call1
echo "# set-up time during the TCP flood: ${SETUP:-?} ms"
# 5 s after they opened; sipd's side polled for 15 s at most, while the
# attacker keeps them 60 s (tcp_timeout would have kept them 600 s).
check "connections that never sent a message are closed within seconds" \
    wait_for 15 none_held
echo "# TCP flood: sipd holds none $(( $(date +%s) - T0 )) s after it began"
kill "$TCPF"
check "the log says the cap was reached" \
    grep -q "connections open already" "$WORK/siproxd.log"

# lookup_flood NAME DST COUNT MIN SRC...: COUNT INVITEs for names that
# never resolve, from the SRCs; a LAN call during it completes, and at
# least MIN of them (all but 64, less a few datagrams a loaded machine
# may lose) are refused at once with 503.
lookup_flood() {
	_name=$1 _dst=$2 _count=$3 _min=$4
	shift 4
	in_lan python3 "$E2E/starve.py" dns "$_dst" "$_count" slow.test "$@" \
	    > "$WORK/$_name.out" 2>&1 &
	_f=$!
	sleep 0.3
	check "a LAN call through DNS completes during the $_name flood" \
	    call "call-$_name"
	echo "# set-up time during the $_name flood: ${SETUP:-?} ms"
	wait "$_f"
	_r=$(cat "$WORK/$_name.out")
	echo "# $_name flood: $_r"
	_n=$(echo "$_r" | sed -n 's/.* 503=\([0-9]*\) .*/\1/p')
	check "$_name: all but 64 are refused at once with 503 (${_n:-0})" \
	    [ "${_n:-0}" -ge "$_min" ]
}

# 2. 300 INVITEs from one LAN address; 3. 200 from 40 addresses of one
# IPv6 /64, which counts as one source.
lookup_flood ipv4 10.0.0.1:5060 300 226 10.0.0.5
# shellcheck disable=SC2086
lookup_flood ipv6-64 '[fd00:1::1]:5060' 200 126 $V6
check "the log says why" grep -q "messages in flight from there already" \
    "$WORK/siproxd.log"
check "sipd is still running" kill -0 "$SIPD"
finish
