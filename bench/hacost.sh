#!/bin/sh
# SPDX-License-Identifier: ISC
# What keeping state in Redis (ha_redis) costs: N REGISTERs (each a new
# binding) and N calls (INVITE/200/ACK/BYE, SDP both ways, no RTP)
# through siproxd without ha_redis and with it (Redis on a Unix socket in
# the firewall's namespace), each twice, alternating, on the e2e
# topology.  siproxd's CPU is the sum over its three processes, Redis's
# is reported apart, both from /proc/PID/schedstat; the bytes Redis took
# in come from its INFO (total_net_input_bytes).  As root.
#   HACOST_N=1000 HACOST_RATE=100 sh bench/hacost.sh

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/regress/e2e/lib.sh"
. "$TOP/bench/calls.sh"
T=hacost
topo_up
N=${HACOST_N:-1000}
R=${HACOST_RATE:-100}
SOCK=$WORK/redis.sock
BS=$TOP/bench/sipp

base() {
	cat <<'CONF'
rtp_port_low = 20000
rtp_port_high = 40999
silence_log = 1
default_expires = 3600
CONF
}
base | write_conf none > /dev/null
{ base; echo "ha_redis = $SOCK"; } | write_conf ha > /dev/null
redis_up "$NS_FW" "$SOCK"

rbytes() { rcli "$SOCK" "" info stats |
    sed -n 's/^total_net_input_bytes:\([0-9]*\).*/\1/p'; }

# work CONF KIND TAG: N of KIND (reg, call) through CONF; prints
# "siproxd-us redis-us redis-bytes", or "0 0 0" if sipp failed.
work() {
	start_siproxd "$WORK/$1.conf" >&2 || exit 1
	_ps="$SXD $(child_pid sipd) $(child_pid rtpd)"
	sleep 1		# the connection to Redis and its first load
	_c0=$(cpu_ns $_ps) _r0=$(cpu_ns "$REDIS_PID") _b0=$(rbytes)
	if [ "$2" = reg ]; then
		in_wan sipp -sf "$BS/reg_uas.xml" -i 203.0.113.2 -p 5060 \
		    -m "$N" -timeout 120s < /dev/null > /dev/null 2>&1 &
		_uas=$!
		sleep 0.3
		in_lan sipp -sf "$BS/reg_uac.xml" -i 10.0.0.2 -p 5061 -m "$N" \
		    -r "$R" -l 2000 -key rdomain 203.0.113.2 -key pfx "$3" \
		    -timeout 120s 10.0.0.1:5060 < /dev/null > /dev/null 2>&1
		_rc=$?
		wait "$_uas"
	else
		n_calls "$3" /dev/null
		_rc=$?
	fi
	_c1=$(cpu_ns $_ps) _r1=$(cpu_ns "$REDIS_PID") _b1=$(rbytes)
	kill "$SXD"
	wait_for 10 gone "$SXD"
	[ $_rc -eq 0 ] || { echo "# $1 $2: sipp failed" >&2; echo 0 0 0;
	    return; }
	echo $(((_c1 - _c0) / 1000)) $(((_r1 - _r0) / 1000)) $((_b1 - _b0))
}

# report KIND: both configurations twice, alternating; the figures.
report() {
	set -- $(work none "$1" n1$1) $(work ha "$1" h1$1) \
	    $(work none "$1" n2$1) $(work ha "$1" h2$1)
	echo "$N ${KIND}s at $R/s, twice each:"
	awk -v n="$N" -v k="$KIND" -v a="$1" -v b="$4" -v c="$7" -v d="${10}" \
	    -v rb="$5" -v rd="${11}" -v bb="$6" -v bd="${12}" 'BEGIN {
		if (a == 0 || b == 0 || c == 0 || d == 0) {
			print "FAIL: a run failed"; exit 1 }
		printf "  siproxd CPU without ha_redis: %.1f us a %s\n",
		    (a + c) / (2 * n), k
		printf "  siproxd CPU with ha_redis:    %.1f us a %s\n",
		    (b + d) / (2 * n), k
		printf "  ratio: %.3f\n", (b + d) / (a + c)
		printf "  redis-server CPU: %.1f us a %s\n",
		    (rb + rd) / (2 * n), k
		printf "  bytes written to Redis: %.0f a %s\n",
		    (bb + bd) / (2 * n), k }'
}
KIND=REGISTER report reg
KIND=call report call
