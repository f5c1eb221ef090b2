#!/bin/sh
# SPDX-License-Identifier: ISC
# The kernel fast path (eBPF at tc ingress): media byte for byte both ways
# once the legs are locked, past the sockets; a stranger's packets dropped
# in the kernel; hold, resume and teardown change the entries at once;
# rtp_fastpath = 0 relays in user space; nothing is left in the kernel
# after a stop or after rtpd is killed.

. "$(dirname "$0")/lib.sh"
need_root
if ! command -v bpftool > /dev/null || ! command -v tc > /dev/null; then
	echo "SKIPPED: no bpftool or tc ($T)"
	exit 0
fi
topo_up
dns_up
need_rtptool
ip -n "$NS_WAN" addr add 203.0.113.50/24 dev wan0	# a stranger
LAN=10.0.0.2
WAN=203.0.113.2

CONF=$(write_conf <<CONF
rtp_timeout = 30
CONF
)

# The id of our program on fw's interface DEV, if one is attached.
prog_id() {
	in_fw tc filter show dev "$1" ingress 2>/dev/null |
	    sed -n 's/.* id \([0-9]*\) .*/\1/p' | head -1
}
# map_id PROG NAME: the id of the program's map NAME.
map_id() {
	for _m in $(bpftool prog show id "$1" 2>/dev/null |
	    sed -n 's/.*map_ids \([0-9,]*\).*/\1/p' | tr , ' '); do
		if bpftool map show id "$_m" | grep -q "name $2 "; then
			echo "$_m"
			return 0
		fi
	done
	return 1
}
# entries: how many entries the stream map holds.
entries() {
	bpftool -j map dump id "$SMAP" |
	    python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'
}
entries_are() { [ "$(entries)" -eq "$1" ]; }
# UDP datagrams fw delivered to its sockets (sipd's and rtpd's).
udp_in() {
	in_fw awk '/^Udp:/ && $2 ~ /^[0-9]/ { print $2 }' /proc/net/snmp
}
ctl() { "$TOP/siproxctl" -s "$WORK/ctl.sock" "$@"; }
# calls_field NAME: the field NAME of the first stream siproxctl shows.
# (from the answer in $WORK/calls if SNAP is set)
calls_field() {
	if [ -z "${SNAP:-}" ]; then
		ctl -j show calls > "$WORK/calls"
	fi
	python3 -c 'import json, sys
d = json.load(open(sys.argv[2]))
print(d[0][sys.argv[1]] if d else "none")' "$1" "$WORK/calls"
}

# ip_marks NS IF SRC SPORT: TOS and TTL of the first 10 UDP packets from
# SRC:SPORT that NS receives on IF within 3 s, "tos/ttl" a line.
ip_marks() {
	ip netns exec "$1" python3 - "$2" "$3" "$4" <<'PY'
import socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind((sys.argv[1], 0))
s.settimeout(0.5)
src, sport, n, end = socket.inet_aton(sys.argv[2]), int(sys.argv[3]), 0, \
    time.monotonic() + 3
while n < 10 and time.monotonic() < end:
    try:
        f = s.recv(2048)
    except socket.timeout:
        continue
    ip = f[14:]
    if len(ip) < 28 or ip[9] != 17 or ip[12:16] != src or \
            struct.unpack("!H", ip[20:22])[0] != sport:
        continue
    print("%d/%d" % (ip[1], ip[8]))
    n += 1
PY
}

# 1. Started as root: the program sits on both sides and on lo.
start_siproxd "$CONF" || exit 1
check "the log says where the fast path is attached" \
    grep -q "rtp fast path: attached to out0 ingress" "$WORK/siproxd.log"
PROG=$(prog_id in0)
check "a BPF program on in0, out0 and lo" test -n "$PROG" -a \
    "$(prog_id out0)" = "$PROG" -a "$(prog_id lo)" = "$PROG"
SMAP=$(map_id "$PROG" streams)
AMAP=$(map_id "$PROG" allowed)
check "its stream map and the parent's map of our sockets" \
    test -n "$SMAP" -a -n "$AMAP"
check "no entry before a call" entries_are 0

# 2. A call: 50 packets each way, byte for byte (rtptool checks every
# payload).  The first packets teach rtpd the peers; once both legs are
# locked the rest never reach a socket.
out_call c1 10.0.0.1:5060 rtp_uac_long.xml rtp_uas.xml
check "call: media both ways byte for byte while the legs lock" \
    talk 16000 "$P_IN" 26000 "$P_OUT" 16000 a 30
check "the locked legs are entries in the map (2 legs: relay, drop)" \
    entries_are 4

# 3. rtp_timeout 1, and 2 s of media both ways (100 packets each), all
# through the kernel: the stream lives on (rtpd reads the last-seen time
# from the map), the counters are exact, and a stranger and the peer's
# own host from another port, sending to the WAN relay port meanwhile,
# reach neither the phone nor a socket: dropped in the kernel, counted.
E0=$(grep -c "no media for 1 s: expired" "$WORK/siproxd.log")
D0=$(calls_field dropped)
U0=$(udp_in)
(sleep 0.5
sed -i 's/^rtp_timeout = .*/rtp_timeout = 1/' "$CONF"
kill -HUP "$SXD"
sleep 0.5
in_wan "$RTPTOOL" inject -l 203.0.113.50:30000 -r "203.0.113.1:$P_OUT" -n 20
in_wan "$RTPTOOL" inject -l $WAN:30001 -r "203.0.113.1:$P_OUT" -n 20) \
    > "$WORK/inject" 2>&1 &
INJ=$!
ip_marks "$NS_WAN" wan0 203.0.113.1 "$P_OUT" > "$WORK/marks" &
MK=$!
in_lan "$RTPTOOL" duplex -l "$LAN:16000" -r "10.0.0.1:$P_IN" -w 300 -n 100 \
    -i 20 -t 5000 -s 111 -S 222 > "$WORK/long-lan" 2>&1 &
LT=$!
in_wan "$RTPTOOL" duplex -l "$WAN:26000" -r "203.0.113.1:$P_OUT" -w 300 \
    -n 100 -i 20 -t 5000 -s 222 -S 111 > "$WORK/long-wan" 2>&1
WR=$?
wait $LT
LR=$?
ctl -j show calls > "$WORK/calls"
SNAP=1
wait $INJ
wait $MK
U1=$(udp_in)
sed 's/^/# lan: /' "$WORK/long-lan"
sed 's/^/# wan: /' "$WORK/long-wan"
sed 's/^/# inject: /' "$WORK/inject"
LP=$(calls_field lan_packets)
WP=$(calls_field wan_packets)
echo "# fw sockets got $((U1 - U0)) datagrams; show calls: lan $LP, wan $WP"
check "2 s of media both ways, byte for byte, none lost" \
    test $LR -eq 0 -a $WR -eq 0
check "none of those 200 packets nor the 40 injected reached a socket" \
    test $((U1 - U0)) -lt 5
check "show calls counts every packet relayed (130 each way)" \
    test "$LP" -eq 130 -a "$WP" -eq 130
echo "# relayed to the WAN, tos/ttl: $(sort "$WORK/marks" | uniq -c | tr '\n' ' ')"
check "the kernel sets rtp_dscp (TOS 184) and takes one hop (TTL 63)" \
    test "$(sort -u "$WORK/marks")" = "184/63" -a \
    "$(wc -l < "$WORK/marks")" -eq 10
check "hijack: the phone got no foreign packet" \
    grep -q "foreign=0" "$WORK/long-lan"
check "hijack: the 40 injected packets are counted as dropped" \
    test "$(calls_field dropped)" -eq $((D0 + 40))
check "no expiry while the kernel relays (rtp_timeout 1, 2 s of media)" \
    test "$(calls_field age)" -le 1
SNAP=
check "silence: the stream expires after rtp_timeout" wait_for 10 sh -c \
    "[ \$(grep -c 'no media for 1 s: expired' $WORK/siproxd.log) -gt $E0 ]"
check "expiry removes its entries" entries_are 0
bg_ok lan-c1
bg_ok wan-c1
sed -i 's/^rtp_timeout = .*/rtp_timeout = 30/' "$CONF"
kill -HUP "$SXD"
sleep 0.5

# 4. Hold and resume: while the phone holds (c=0.0.0.0) nothing is sent
# to it, so only its own direction stays in the kernel; resume puts the
# other back at once.
out_call c2 10.0.0.1:5060 rtp_uac_hold.xml rtp_uas_hold.xml
check "before hold: media flows" talk 16000 "$P_IN" 26000 "$P_OUT" 16000 a 20
check "before hold: both directions in the kernel" entries_are 4
wait_for 4 grep -q "c=IN IP4 0.0.0.0" "$WORK/wan-c2.msg"
check "hold: the direction to the held phone leaves the kernel" \
    wait_for 1 entries_are 2
R_IN=$(wait_for 6 sdp_port lan-c2 3 audio && sdp_port lan-c2 3 audio)
R_OUT=$(wait_for 6 sdp_port wan-c2 3 audio && sdp_port wan-c2 3 audio)
check "resume: both directions back in the kernel" wait_for 1 entries_are 4
U0=$(udp_in)
check "resume: media flows again" talk 16000 "$R_IN" 26000 "$R_OUT" 16000 a 20
check "resume: past the sockets" test $(($(udp_in) - U0)) -lt 5

# 5. Teardown: the BYE comes while media still flows; its entries go at
# once, not at a timeout.
TALK_PID=
talk 16000 "$R_IN" 26000 "$R_OUT" "" b 400 > /dev/null 2>&1 &
TALK_PID=$!
check "held call ends" bg_ok lan-c2
bg_ok wan-c2
check "teardown: the BYE removes every entry" wait_for 1 entries_are 0
wait $TALK_PID

# 5b. IPv6 on both sides: the same, with no header checksum to mend but
# the pseudo-header's 16-byte addresses in the UDP checksum.
udp6_in() {
	in_fw awk '$1 == "Udp6InDatagrams" { print $2 }' /proc/net/snmp6
}
talk6() {	# talk6 TAG: 30 packets each way over IPv6
	talk "[fd00:1::2]:16000" "[fd00:1::1]:$P_IN" "[2001:db8:1::2]:26000" \
	    "[2001:db8:1::1]:$P_OUT" "" "6$1" 30
}
sipp_bg wan-c6 "$NS_WAN" 2001:db8:1::2 5070 rtp_uas.xml -s wan \
    -key rtpport 26000
sipp_bg lan-c6 "$NS_LAN" fd00:1::2 5061 rtp_uac_long.xml -s phone1 \
    -key domain sip.test -key callee wan -key rdomain "[2001:db8:1::2]:5070" \
    -key rtpport 16000 "[fd00:1::1]:5060"
P_IN=$(wait_for 5 sdp_port lan-c6 1 audio && sdp_port lan-c6 1 audio)
P_OUT=$(wait_for 5 sdp_port wan-c6 1 audio && sdp_port wan-c6 1 audio)
check "IPv6: media both ways byte for byte while the legs lock" talk6 a
check "IPv6: the locked legs are entries in the map" entries_are 4
U0=$(udp6_in)
check "IPv6: media both ways byte for byte through the kernel" talk6 b
ctl -j show calls > "$WORK/calls"
SNAP=1
check "IPv6: past the sockets" test $(($(udp6_in) - U0)) -lt 5
check "IPv6: show calls counts every packet (60 each way)" \
    test "$(calls_field lan_packets)" -eq 60 -a \
    "$(calls_field wan_packets)" -eq 60
SNAP=
bg_ok lan-c6
bg_ok wan-c6
check "IPv6: the BYE removes every entry" wait_for 3 entries_are 0

# 6. SIGTERM: the program is detached everywhere, and with the parent's
# descriptors gone the kernel frees it and its maps.
kill "$SXD"
check "siproxd stops" wait_for 5 gone "$SXD"
gone_from_kernel() {
	[ -z "$(prog_id in0)$(prog_id out0)$(prog_id lo)" ] &&
	    ! bpftool prog show id "$PROG" > /dev/null 2>&1 &&
	    ! bpftool map show id "$SMAP" > /dev/null 2>&1 &&
	    ! bpftool map show id "$AMAP" > /dev/null 2>&1
}
check "after a stop: no filter, program or map left" wait_for 3 \
    gone_from_kernel
check "after a stop: no clsact qdisc of ours left on in0" sh -c \
    "! ip netns exec $NS_FW tc qdisc show dev in0 | grep -q clsact"

# 7. rtp_fastpath = 0: user space relays as before, with one line why.
echo "rtp_fastpath = 0" >> "$CONF"
start_siproxd "$CONF" || exit 1
check "off: the log says why" \
    grep -q "rtp fast path off: rtp_fastpath = 0" "$WORK/siproxd.log"
check "off: nothing attached" test -z "$(prog_id in0)$(prog_id out0)"
out_call c3 10.0.0.1:5060 rtp_uac.xml rtp_uas.xml
U0=$(udp_in)
check "off: media both ways byte for byte" talk 16000 "$P_IN" 26000 "$P_OUT"
check "off: every packet through rtpd's sockets" \
    test $(($(udp_in) - U0)) -ge 100
bg_ok lan-c3
bg_ok wan-c3
kill "$SXD"
wait_for 5 gone "$SXD"
sed -i '/^rtp_fastpath/d' "$CONF"

# 8. Not permitted (no CAP_BPF, CAP_SYS_ADMIN, CAP_NET_ADMIN): user
# space, one line why, and the daemon runs as before.
START_WRAP="setpriv --bounding-set -bpf,-sys_admin,-net_admin,-perfmon --" \
    start_siproxd "$CONF" || exit 1
check "without the capabilities: the log says why" \
    grep -q "rtp fast path off: not permitted" "$WORK/siproxd.log"
# (a call of 10 s: under load the talk may start late, and a BYE in it
# would cut its last packets)
out_call c4 10.0.0.1:5060 rtp_uac_long.xml rtp_uas.xml
check "without the capabilities: media flows" \
    talk 16000 "$P_IN" 26000 "$P_OUT"
bg_ok lan-c4
bg_ok wan-c4
kill "$SXD"
wait_for 5 gone "$SXD"

# 8b. if_outbound re-created (a new index under the same name): the
# program must not send to the interface that is gone; the parent
# attaches it to the new one, says so once, and sends by it.
OFF0=$(grep -c "rtp fast path off" "$WORK/siproxd.log")
start_siproxd "$CONF" || exit 1
PROG=$(prog_id in0)
SMAP=$(map_id "$PROG" streams)
wan_leak_check
ip -n "$NS_FW" link del out0
ip link add out0 netns "$NS_FW" type veth peer name wan0 netns "$NS_WAN"
ip -n "$NS_FW" addr add 203.0.113.1/24 dev out0
ip -n "$NS_FW" addr add 2001:db8:1::1/64 dev out0 nodad
ip -n "$NS_FW" link set out0 up
ip -n "$NS_WAN" addr add 203.0.113.2/24 dev wan0
ip -n "$NS_WAN" addr add 2001:db8:1::2/64 dev wan0 nodad
ip -n "$NS_WAN" addr add 203.0.113.50/24 dev wan0
ip -n "$NS_WAN" link set wan0 up
wan_capture
check "a re-created if_outbound: the program is attached to it, said once" \
    wait_for 8 grep -q "rtp fast path: out0 is a new interface.*attached" \
    "$WORK/siproxd.log"
check "re-created: the new out0 has the same program" \
    test "$(prog_id out0)" = "$PROG"
sipp_bg wan-c7 "$NS_WAN" $WAN 5070 rtp_uas.xml -s wan -key rtpport 26000
# two talks: a call of 10 s
sipp_bg lan-c7 "$NS_LAN" $LAN 5061 rtp_uac_long.xml -s phone1 \
    -key domain sip.test -key callee wan -key rdomain 203.0.113.2:5070 \
    -key rtpport 16000 10.0.0.1:5060
P_IN=$(wait_for 5 sdp_port lan-c7 1 audio && sdp_port lan-c7 1 audio)
P_OUT=$(wait_for 5 sdp_port wan-c7 1 audio && sdp_port wan-c7 1 audio)
check "re-created: media both ways byte for byte" \
    talk 16000 "$P_IN" 26000 "$P_OUT"
check "re-created: the locked legs are entries in the map" entries_are 4
U0=$(udp_in)
check "re-created: again, now in the kernel by the new out0" \
    talk 16000 "$P_IN" 26000 "$P_OUT"
check "re-created: ... past the sockets" test $(($(udp_in) - U0)) -lt 5
check "re-created: the fast path was never turned off" \
    test "$(grep -c "rtp fast path off" "$WORK/siproxd.log")" -eq "$OFF0"
bg_ok lan-c7
bg_ok wan-c7
kill "$SXD"
wait_for 5 gone "$SXD"

# 9. rtpd killed (SIGKILL) mid-call: the daemon stops and takes the
# program, its attachments and its maps with it.
OFF0=$(grep -c "rtp fast path off" "$WORK/siproxd.log")
start_siproxd "$CONF" || exit 1
PROG=$(prog_id in0)
SMAP=$(map_id "$PROG" streams)
AMAP=$(map_id "$PROG" allowed)
out_call c5 10.0.0.1:5060 rtp_uac.xml rtp_uas.xml
talk 16000 "$P_IN" 26000 "$P_OUT" > /dev/null
check "a locked call in the kernel" entries_are 4
kill -9 "$(child_pid rtpd)"
check "rtpd killed: the daemon stops" wait_for 3 gone "$SXD"
check "rtpd killed: no filter, program or map left" wait_for 3 \
    gone_from_kernel
finish
