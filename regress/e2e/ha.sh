#!/bin/sh
# SPDX-License-Identifier: ISC
# A failover pair (siproxd(8), RUNNING A FAILOVER PAIR): boxes A and B,
# each with its own siproxd and keepalived, on a shared LAN bridge and a
# shared WAN bridge; VRRP moves 10.0.0.1 and 203.0.113.1 (on keepalived's
# vrrp.51 and vrrp.52 interfaces, which siproxd names as if_inbound and
# if_outbound); Redis on a sync network of its own.  A phone registers
# through A; A's siproxd is killed, later A's keepalived is stopped: each
# time B takes over within seconds, is serving within a second of the
# address coming up (netlink), and a call from the WAN reaches the phone
# with no new REGISTER.  Each time a call is running with media both
# ways (the first placed by the phone, the second by the provider): B
# takes it over on the same ports, the audio gap on each side is measured
# and must stay under 2 s, and its BYE through B ends it; before the
# second switch Redis is restarted empty, and A writes it all again.
#
#        lan 10.0.0.2            wan 203.0.113.2 (provider)
#             |                        |
#   [brlan]---+----------+   [brwan]---+----------+
#        |               |        |               |
#   A 10.0.0.11    B 10.0.0.12   A .11      B .12     VIPs .1 (VRRP)
#   A 192.168.99.11  B .12 ---- [brsync] ---- redis 192.168.99.50

. "$(dirname "$0")/lib.sh"
need_root
command -v keepalived > /dev/null && command -v redis-server > /dev/null ||
    { echo "FAIL - $T: keepalived and redis-server are needed"; exit 1; }
need_rtptool
NS_FWB=sxb$ID
NS_SW=sxs$ID
NS_DB=sxr$ID
RADDR=192.168.99.50:6379
RPW=turnip-9
FORGE="python3 $E2E/forge.py"

ha_cleanup() {
	for ns in "$NS_FW" "$NS_FWB" "$NS_DB" "$NS_SW"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null
		done
	done
	for ns in "$NS_FWB" "$NS_DB" "$NS_SW"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "/etc/netns/$NS_FWB"
	cleanup
}
trap ha_cleanup EXIT
trap 'exit 1' INT TERM

# port NS IF BRIDGE ADDR: a veth from NS (named IF) to BRIDGE in sw.
port() {
	_p=p$(printf '%s' "$1$2" | cksum | cut -c1-8)
	ip link add "$2" netns "$1" type veth peer name "$_p" netns "$NS_SW"
	ip -n "$NS_SW" link set "$_p" master "$3" up
	[ -n "${4:-}" ] && ip -n "$1" addr add "$4" dev "$2"
	ip -n "$1" link set "$2" up
}
topo() {
	for ns in "$NS_LAN" "$NS_FW" "$NS_FWB" "$NS_WAN" "$NS_SW" "$NS_DB"; do
		ip netns add "$ns" || { echo "FAIL - $T: netns"; exit 1; }
		ip -n "$ns" link set lo up
	done
	for br in brlan brwan brsync; do
		ip -n "$NS_SW" link add "$br" type bridge forward_delay 0
		ip -n "$NS_SW" link set "$br" up
	done
	port "$NS_LAN" lan0 brlan 10.0.0.2/24
	port "$NS_WAN" wan0 brwan 203.0.113.2/24
	port "$NS_DB" db0 brsync 192.168.99.50/24
	port "$NS_FW" in0 brlan 10.0.0.11/24
	port "$NS_FW" out0 brwan 203.0.113.11/24
	port "$NS_FW" sync0 brsync 192.168.99.11/24
	port "$NS_FWB" in0 brlan 10.0.0.12/24
	port "$NS_FWB" out0 brwan 203.0.113.12/24
	port "$NS_FWB" sync0 brsync 192.168.99.12/24
	for ns in "$NS_FW" "$NS_FWB"; do
		ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=0
	done
}

# box X NS PRIO: the directory, config and keepalived config of box X.
box() {
	mkdir -p "$WORK/$1/jail"
	chmod 0755 "$WORK/$1" "$WORK/$1/jail"
	echo "$RPW" > "$WORK/$1/redis.pw"
	cat > "$WORK/$1/siproxd.conf" <<CONF
if_inbound = vrrp.51
if_outbound = vrrp.52
sip_listen_port = 5060
user = nobody
chrootjail = $WORK/$1/jail
registration_file = $WORK/$1/registrations
autosave_registrations = 1
pid_file = $WORK/$1/siproxd.pid
rtp_port_low = 7070
rtp_port_high = 7089
rtp_timeout = 30
silence_log = 0
ha_redis = ${HA_REDIS-$RADDR}
ha_redis_password_file = $WORK/$1/redis.pw
ha_node = $1
CONF
	cat > "$WORK/$1/keepalived.conf" <<KA
global_defs {
	router_id fw$1
	script_user root
	vrrp_garp_master_repeat 2
}
vrrp_script siproxd {
	script "/usr/bin/pgrep -F $WORK/$1/siproxd.pid"
	interval 1
	fall 1
	rise 1
}
vrrp_sync_group pair {
	group {
		lan
		wan
	}
}
vrrp_instance lan {
	state BACKUP
	interface in0
	use_vmac
	virtual_router_id 51
	priority $3
	advert_int 1
	virtual_ipaddress {
		10.0.0.1/32
	}
	track_script {
		siproxd
	}
}
vrrp_instance wan {
	state BACKUP
	interface out0
	use_vmac
	virtual_router_id 52
	priority $3
	advert_int 1
	virtual_ipaddress {
		203.0.113.1/32
	}
	track_script {
		siproxd
	}
}
KA
}
# up X NS: siproxd on box X.
up() {
	rm -f "$WORK/$1/siproxd.pid"
	ip netns exec "$2" "$SIPROXD" -d -f "$WORK/$1/siproxd.conf" \
	    -s "$WORK/$1/ctl.sock" >> "$WORK/$1/siproxd.log" 2>&1 &
	PIDS="$PIDS $!"
	wait_for 5 test -s "$WORK/$1/siproxd.pid" ||
	    { fail "siproxd on $1 did not start"; return 1; }
}
ka_up() {
	ip netns exec "$2" keepalived -n -l -D -P -f "$WORK/$1/keepalived.conf" \
	    -p "$WORK/$1/ka.pid" -r "$WORK/$1/vrrp.pid" \
	    >> "$WORK/$1/keepalived.log" 2>&1 &
	eval "KA_$1=$!"
	PIDS="$PIDS $!"
}
has_vip() { ip -n "$1" -4 addr show dev vrrp.51 2>/dev/null | grep -q 10.0.0.1/; }
serving() { ip -n "$1" -4 addr show dev vrrp.51 2>/dev/null | grep -q 10.0.0.1/ &&
    ip netns exec "$1" ss -Hlun 'src 10.0.0.1:5060' | grep -q . &&
    ip netns exec "$1" ss -Hlun 'src 203.0.113.1:5060' | grep -q .; }
now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{ printf "%.2f", $2 - $1 }'; }
# bindwatch NS: before NS is to take the addresses over, bindtime.py in
# NS waits for them, then for siproxd's sockets on them: one process,
# so that a loaded machine's slow fork and exec (ip, ss) do not count
# as siproxd's time (that once made 1.13 s of it).
bindwatch() {
	ip netns exec "$1" python3 "$E2E/bindtime.py" 20 10.0.0.1:5060 \
	    203.0.113.1:5060 > "$WORK/bindtime" 2>&1 &
	BINDW=$!
	wait_for 5 grep -q '^ready' "$WORK/bindtime"
}
# takeover NS: after bindwatch NS, NS holds the addresses and serves on
# them; sets T_VIP (from $T0 to the later address's RTM_NEWADDR) and
# T_BIND (from there to both sockets bound).
takeover() {
	T_VIP=- T_BIND=-
	wait "$BINDW" || { cat "$WORK/bindtime"; return 1; }
	_t1=$(sed -n 's/^addr=\([0-9.]*\) .*/\1/p' "$WORK/bindtime")
	_t2=$(sed -n 's/.* bound=\([0-9.]*\)$/\1/p' "$WORK/bindtime")
	[ -n "$_t1" ] && [ -n "$_t2" ] && serving "$1" || return 1
	T_VIP=$(secs "$T0" "$_t1")
	T_BIND=$(secs "$_t1" "$_t2")
}
# call NAME: the provider calls phone1 (10.0.0.2:5061) through the VIP,
# with media both ways; both ends must see the call through.
call() {
	in_call "$1"
	[ -n "$P_IN" ] && [ -n "$P_OUT" ] &&
	    talk 16000 "$P_IN" 26000 "$P_OUT" && bg_ok "lan-$1" &&
	    bg_ok "wan-$1"
}
records() { rcli "$RADDR" "$RPW" --scan --pattern 'siproxd:reg:*' | grep -c .; }
calls() { rcli "$RADDR" "$RPW" --scan --pattern 'siproxd:call:*'; }
# locked: the call's record has both legs' RTP learned (flags 3).
locked() {
	for _k in $(calls); do rcli "$RADDR" "$RPW" get "$_k"; done |
	    grep -Eq '^0 [0-9]+ 4 3 10\.0\.0\.2/16000 .* 4 3 203\.0\.113\.2/26000 '
}
# long_call NAME in|out: the provider calls phone1 through the addresses
# (in), or phone1 calls the provider (out: its Call-ID names a private
# address, which the WAN sees sealed), and the caller stays 10 s; media
# both ways for 8 s (400 packets each way, every 20 ms), in the
# background; back once rtpd's locked legs are in Redis.
long_call() {
	if [ "$2" = in ]; then
		in_call "$1" rtp_uac_long.xml
	else
		out_call "$1" 10.0.0.1:5060 rtp_uac_long.xml
	fi
	[ -n "$P_IN" ] && [ -n "$P_OUT" ] || return 1
	TALK_TIMEOUT=4000 talk 16000 "$P_IN" 26000 "$P_OUT" 16000 "$1" 400 \
	    > "$WORK/talk-$1" 2>&1 &
	TALKER=$!
	wait_for 3 locked
}
talk_gap() { sed -n 's/.*gap_ms=\([0-9]*\).*/\1/p' "$WORK/talk-$2-$1"; }
# talk_last NAME SIDE: the last packet SIDE received (its sequence number).
talk_last() {
	sed -n 's/.*received=\([0-9]*\) lost=\([0-9]*\).*/\1 \2/p' \
	    "$WORK/talk-$2-$1" | awk '{ print $1 + $2 }'
}
# relays BOX: BOX's rtpd has relayed 50 packets or more each way of a call.
relays() {
	"$TOP/siproxctl" -s "$WORK/$1/ctl.sock" show calls |
	    awk 'NR > 1 && $7 >= 50 && $8 >= 50 { f = 1 } END { exit !f }'
}
# survived NAME WHAT BOX: the call went on through BOX's relay after WHAT:
# BOX relays its media both ways, each side's longest wait between two
# packets (the switch's audio gap) is under 2 s and the last packet sent
# arrived, the caller's BYE through BOX is answered (B seals and opens
# the Call-ID as A did), the call's relay closed there and its record
# gone from Redis.
survived() {
	SV=$1 SV_BOX=$3
	check "$2: $3 relays the call's media both ways" wait_for 6 relays "$3"
	wait "$TALKER"
	cat "$WORK/talk-$1"
	_gl=$(talk_gap "$1" lan) _gw=$(talk_gap "$1" wan)
	echo "# audio gap, $2: phone hears ${_gl:-?} ms, provider hears ${_gw:-?} ms"
	check "$2: the call's audio came back to the phone within 2 s" \
	    test "${_gl:-9999}" -lt 2000 -a "$(talk_last "$1" lan)" -eq 400
	check "$2: and to the provider within 2 s" \
	    test "${_gw:-9999}" -lt 2000 -a "$(talk_last "$1" wan)" -eq 400
	check "$2: $3 took the call over (log)" \
	    grep -q "calls taken from the partner" "$WORK/$3/siproxd.log"
	check "$2: the BYE through $3 ends the call on both sides" \
	    eval 'bg_ok "wan-$SV" && bg_ok "lan-$SV"'
	check "$2: and closes the relay on $3" wait_for 3 eval \
	    '[ "$("$TOP/siproxctl" -s "$WORK/$SV_BOX/ctl.sock" show calls |
	    grep -c .)" -eq 1 ]'
	check "$2: and removes the call's record" wait_for 3 eval \
	    '[ -z "$(calls)" ]'
}

topo
wan_capture
dns_up
mkdir -p "/etc/netns/$NS_FWB"
cp "/etc/netns/$NS_FW/resolv.conf" "/etc/netns/$NS_FWB/resolv.conf"
redis_up "$NS_DB" "$RADDR" "$RPW"
box A "$NS_FW" 150
box B "$NS_FWB" 100
up A "$NS_FW" && up B "$NS_FWB" || exit 1
bindwatch "$NS_FW" || exit 1
ka_up A "$NS_FW"
sleep 0.5
ka_up B "$NS_FWB"
T0=$(now)
check "A takes the virtual addresses and serves on them" takeover "$NS_FW"
check "B does not hold them" eval '! has_vip "$NS_FWB"'

# The phone registers through A (sipp, the provider's registrar echoes).
sipp_bg wan-reg "$NS_WAN" 203.0.113.2 5060 wan_reg.xml
check "phone1 registers through A" sipp_run reg "$NS_LAN" 10.0.0.2 5061 \
    phone_reg.xml 10.0.0.1:5060 -s phone1 -key domain sip.test -key expires 300
bg_ok wan-reg
check "A wrote the registration to redis" wait_for 5 test "$(records)" -ge 1
check "a call from the WAN reaches the phone through A" call a1

# 1. A's siproxd dies in a call: its keepalived gives the addresses up, B
# takes them, and the call's media and its BYE.
check "a long call from the phone through A, its locked legs in Redis" \
    long_call s1 out
bindwatch "$NS_FWB" || exit 1
T0=$(now)
kill -9 "$(cat "$WORK/A/siproxd.pid")"
if takeover "$NS_FWB"; then
	ok "siproxd on A killed: B takes over"
	echo "# kill to addresses on B: $T_VIP s; addresses to serving: $T_BIND s"
	check "B serves within a second of the addresses ($T_BIND s)" \
	    awk "BEGIN { exit !($T_BIND < 1.0) }"
else
	fail "siproxd on A killed: B takes over"
fi
survived s1 "siproxd on A killed" B
check "a call from the WAN reaches the phone through B, no new REGISTER" \
    call b1
check "B loaded phone1 from redis (log)" \
    grep -q "registrations taken from the partner" "$WORK/B/siproxd.log"

# 2. A comes back and takes over again (its priority is higher); then its
# keepalived is stopped: B takes over once more.
bindwatch "$NS_FW" || exit 1
up A "$NS_FW" || exit 1
T0=$(now)
check "A's siproxd back: A takes the addresses again" takeover "$NS_FW"
check "a call reaches the phone through A again" call a2
: > "$WORK/B/siproxd.log"
check "a long call from the WAN through A" long_call s2 in
# Redis restarted, empty, in the middle of it: A writes all again (the
# call and phone1), and the switch after it still keeps the call.
redis_down
redis_up "$NS_DB" "$RADDR" "$RPW"
check "redis restarted empty mid-call: A writes the call's record again" \
    wait_for 5 locked
check "and phone1's registration" wait_for 2 test "$(records)" -ge 1
bindwatch "$NS_FWB" || exit 1
T0=$(now)
eval "kill \$KA_A"
if takeover "$NS_FWB"; then
	ok "A's keepalived stopped: B takes over"
	echo "# stop to addresses on B: $T_VIP s; addresses to serving: $T_BIND s"
	check "B serves within a second of the addresses ($T_BIND s)" \
	    awk "BEGIN { exit !($T_BIND < 1.0) }"
else
	fail "A's keepalived stopped: B takes over"
fi
survived s2 "A's keepalived stopped" B
check "a call from the WAN reaches the phone through B again" call b2
check "both siproxds still run" eval 'pgrep -F "$WORK/A/siproxd.pid" &&
    pgrep -F "$WORK/B/siproxd.pid"' > /dev/null
for x in A B; do
	sed "s/^/# $x: /" "$WORK/$x/siproxd.log" | grep -E "redis|address|taken" |
	    tail -6
done
finish
