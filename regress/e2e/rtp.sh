#!/bin/sh
# SPDX-License-Identifier: ISC
# Media through rtpd: both directions byte for byte, symmetric RTP, no
# hijacking, hold and resume, audio+video, ports freed, timeout, range
# exhaustion, rtpd killed mid-call.

. "$(dirname "$0")/lib.sh"
topo_up
dns_up
need_rtptool
ip -n "$NS_WAN" addr add 203.0.113.50/24 dev wan0	# a stranger

CONF=$(write_conf <<CONF
rtp_timeout = 3
CONF
)
start_siproxd "$CONF" || exit 1

relay_ports() {	# relay_ports: RTP sockets rtpd holds in the range
	ip netns exec "$NS_FW" ss -uanH | awk '{ print $4 }' |
	    grep -cE ':70[7-8][0-9]$'
}
no_relay_ports() { [ "$(relay_ports)" -eq 0 ]; }

# 1. LAN->WAN call, media both ways.
out_call c1 10.0.0.1:5060 rtp_uac.xml rtp_uas.xml
check "the offer the WAN sees names a relay port" test -n "$P_OUT"
check "the answer the phone sees names a relay port" test -n "$P_IN"
check "LAN->WAN call: 50 packets each way, byte for byte" \
    talk 16000 "$P_IN" 26000 "$P_OUT"
# A stranger and the peer's own address on another port inject packets
# while the phone listens on its learned port.
in_lan "$RTPTOOL" recv -l "$LAN:16000" -n 1 -t 1500 -s 222 \
    > "$WORK/inject" 2>&1 &
INJ=$!
sleep 0.2
in_wan "$RTPTOOL" inject -l 203.0.113.50:30000 -r "203.0.113.1:$P_OUT" -n 20
in_wan "$RTPTOOL" inject -l $WAN:30001 -r "203.0.113.1:$P_OUT" -n 20
wait $INJ
sed 's/^/# /' "$WORK/inject"
check "injected packets from a third address are not delivered" \
    grep -q "foreign=0" "$WORK/inject"
check "LAN->WAN call ends" bg_ok lan-c1
check "the callee saw the BYE" bg_ok wan-c1
check "BYE frees every relay port" wait_for 3 no_relay_ports

# 2. A phone whose RTP leaves from another port than its SDP says.
out_call c2 10.0.0.1:5060 rtp_uac.xml rtp_uas.xml
check "a phone sending from another port still gets media (symmetric RTP)" \
    talk 16000 "$P_IN" 26000 "$P_OUT" 16004
bg_ok lan-c2
bg_ok wan-c2

# 3. WAN->LAN call: the phone registers, the provider calls it.
sipp_bg wan-reg "$NS_WAN" $WAN 5060 wan_reg.xml
sipp_run lan-reg "$NS_LAN" $LAN 5061 phone_reg.xml 10.0.0.1:5060 \
    -s phone1 -key domain sip.test -key expires 300
bg_ok wan-reg
sipp_bg lan-c3 "$NS_LAN" $LAN 5061 rtp_uas.xml -s phone1 -key rtpport 16000
sipp_bg wan-c3 "$NS_WAN" $WAN 5080 rtp_uac.xml -s provider \
    -key domain sip.test -key callee phone1 -key rdomain 203.0.113.1 \
    -key rtpport 26000 203.0.113.1:5060
P_IN=$(wait_for 5 sdp_port lan-c3 1 audio && sdp_port lan-c3 1 audio)
P_OUT=$(wait_for 5 sdp_port wan-c3 1 audio && sdp_port wan-c3 1 audio)
check "WAN->LAN call: 50 packets each way" talk 16000 "$P_IN" 26000 "$P_OUT"
check "WAN->LAN call ends" bg_ok wan-c3
bg_ok lan-c3

# 4. Audio and video.
out_call c4 10.0.0.1:5060 rtp_uac_av.xml rtp_uas_av.xml
V_IN=$(wait_for 5 sdp_port lan-c4 1 video && sdp_port lan-c4 1 video)
V_OUT=$(wait_for 5 sdp_port wan-c4 1 video && sdp_port wan-c4 1 video)
P_IN=$(sdp_port lan-c4 1 audio)
P_OUT=$(sdp_port wan-c4 1 audio)
check "audio+video: the streams get different relay ports" \
    test -n "$V_OUT" -a "$V_OUT" != "$P_OUT"
talk 16010 "$V_IN" 26010 "$V_OUT" 16010 v > "$WORK/talk-v" 2>&1 &
VT=$!
check "audio+video: audio flows" talk 16000 "$P_IN" 26000 "$P_OUT"
wait $VT
VR=$?
cat "$WORK/talk-v"
check "audio+video: video flows" test $VR -eq 0
bg_ok lan-c4
bg_ok wan-c4

# 5. Hold (c=0.0.0.0, sendonly) and resume.
out_call c5 10.0.0.1:5060 rtp_uac_hold.xml rtp_uas_hold.xml
check "before hold: media flows" talk 16000 "$P_IN" 26000 "$P_OUT"
check "hold: the WAN sees c=0.0.0.0 kept" wait_for 4 \
    grep -q "c=IN IP4 0.0.0.0" "$WORK/wan-c5.msg"
R_IN=$(wait_for 6 sdp_port lan-c5 3 audio && sdp_port lan-c5 3 audio)
R_OUT=$(wait_for 6 sdp_port wan-c5 3 audio && sdp_port wan-c5 3 audio)
check "resume: media flows again" talk 16000 "$R_IN" 26000 "$R_OUT"
check "held call ends" bg_ok lan-c5
bg_ok wan-c5
check "all ports free again" wait_for 3 no_relay_ports

# 5b. An offer or answer renews a stream: a call refreshed by re-INVITEs
# a second apart, silent for twice rtp_timeout, keeps its relay ports, and
# a stream cannot expire just after an answer named its ports (the resume
# above lost its media that way when the machine was slow).
expiries() { grep -c "no media for 3 s: expired" "$WORK/siproxd.log"; }
E0=$(expiries)
out_call c12 10.0.0.1:5060 rtp_uac_refresh.xml rtp_uas_refresh.xml
R_IN=$(wait_for 12 sdp_port lan-c12 7 audio && sdp_port lan-c12 7 audio)
R_OUT=$(wait_for 2 sdp_port wan-c12 7 audio && sdp_port wan-c12 7 audio)
echo "# first answer: $P_IN/$P_OUT, seventh: $R_IN/$R_OUT"
check "six re-INVITEs over 6 s of silence keep the relay ports" \
    test -n "$R_IN" -a "$R_IN" = "$P_IN" -a "$R_OUT" = "$P_OUT"
check "and the silent stream did not expire" test "$(expiries)" -eq "$E0"
check "after the refreshes media flows" talk 16000 "$R_IN" 26000 "$R_OUT"
check "the refreshed call ends" bg_ok lan-c12
bg_ok wan-c12
check "its ports are free again" wait_for 3 no_relay_ports

# 6. Silence: the stream expires after rtp_timeout while the call lasts.
# (Earlier calls' streams expired too, after their talk: count anew.)
E0=$(expiries)
out_call c6 10.0.0.1:5060 rtp_uac_long.xml rtp_uas.xml
check "a call holds relay ports" wait_for 3 sh -c \
    "[ \$(ip netns exec $NS_FW ss -uanH | grep -cE ':70[7-8][0-9] ') -gt 0 ]"
check "no expiry before rtp_timeout" sh -c "sleep 1.5; [ \$(grep -c 'no media for 3 s: expired' $WORK/siproxd.log) -eq $E0 ]"
check "a silent stream expires after rtp_timeout" wait_for 6 \
    sh -c "[ \$(grep -c 'no media for 3 s: expired' $WORK/siproxd.log) -gt $E0 ]"
check "and its ports are freed" wait_for 2 no_relay_ports
bg_ok lan-c6
bg_ok wan-c6

# 7a. rtp_dscp: the parent marks every relay socket (EF, 46, by default).
out_call c9 10.0.0.1:5060 rtp_uac.xml rtp_uas.xml
wait_for 5 sdp_port wan-c9 1 audio
RTPD=$(child_pid rtpd)
TOS=""
for fd in $(ls "/proc/$RTPD/fd"); do
	[ "$fd" -gt 5 ] || continue	# 3, 4, 5: the channels and the log
	readlink "/proc/$RTPD/fd/$fd" | grep -q socket || continue
	TOS="$TOS $("$TOOLS/chanpoke" "$RTPD" "$fd" tos 2>/dev/null)"
done
echo "# relay sockets' TOS:$TOS"
check "relay sockets carry DSCP 46 (TOS 184)" sh -c \
    "echo '$TOS' | grep -q 184 && ! echo '$TOS' | grep -qvE '^( 184| 0)+$'"
bg_ok lan-c9
bg_ok wan-c9

# 7b. rtp_input_dejitter / rtp_output_dejitter: 40 ms more each way.
printf 'rtp_input_dejitter = 40000\nrtp_output_dejitter = 40000\n' >> "$CONF"
hup "$SXD"
out_call c10 10.0.0.1:5060 rtp_uac.xml rtp_uas.xml
check "with dejitter the media still flows" talk 16000 "$P_IN" 26000 "$P_OUT"
delay() { sed -n 's/.*delay_p50_us=\([0-9]*\).*/\1/p' "$WORK/talk-$1-a"; }
check "the phone hears the WAN 40 ms later (input dejitter)" \
    test "$(delay lan)" -ge 40000 -a "$(delay lan)" -lt 80000
check "the WAN hears the phone 40 ms later (output dejitter)" \
    test "$(delay wan)" -ge 40000 -a "$(delay wan)" -lt 80000
bg_ok lan-c10
bg_ok wan-c10
sed -i '/dejitter/d' "$CONF"

# 7c. rtp_proxy_enable = 0: SDP goes through as the endpoint wrote it,
# LAN address and all, by design: the capture of this phase allows it.
wan_leak_check
WAN_LEAK_OK='IN IP4 10\.0\.0\.2'
wan_capture
echo "rtp_proxy_enable = 0" >> "$CONF"
hup "$SXD"
out_call c11 10.0.0.1:5060 rtp_uac.xml rtp_uas.xml
check "relay off: the WAN sees the phone's own media port" wait_for 5 sh -c \
    "[ \"\$(awk -v n=1 -v m=m=audio '/message received/ { r = 1; next } /^-----/ { r = 0 } r && index(\$1, m) == 1 { print \$2; exit }' $WORK/wan-c11.msg)\" = 16000 ]"
check "relay off: no relay socket is opened" no_relay_ports
bg_ok lan-c11
bg_ok wan-c11
sed -i '/rtp_proxy_enable/d' "$CONF"
hup "$SXD"
wan_leak_check
WAN_LEAK_OK=
wan_capture

# 7. The port range used up: 4 pairs per side, 4 calls hold them all, the
# fifth is refused cleanly (503), and a call after they hang up works.
# rtpd narrows its range only when no stream is open: the calls above
# must be gone first (their BYEs may still be on their way under load).
# The four calls send no media: rtp_timeout goes up so that their ports
# stay held however long a loaded machine takes to set them all up.
check "no stream is left before the range narrows" wait_for 10 no_relay_ports
sed -i 's/^rtp_port_high = .*/rtp_port_high = 7077/; s/^rtp_timeout = .*/rtp_timeout = 60/' "$CONF"
hup "$SXD"
for i in 1 2 3 4; do
	sipp_bg "wan-x$i" "$NS_WAN" $WAN $((5100 + i)) rtp_uas.xml -s wan \
	    -key rtpport $((26100 + 2 * i))
	sipp_bg "lan-x$i" "$NS_LAN" $LAN $((5200 + i)) rtp_uac_long.xml \
	    -s phone1 \
	    -key domain sip.test -key callee wan -key rdomain \
	    "203.0.113.2:$((5100 + i))" -key rtpport $((16100 + 2 * i)) \
	    10.0.0.1:5060
done
check "four calls hold the whole range" wait_for 10 sh -c \
    "[ \$(ip netns exec $NS_FW ss -uanH | grep -cE ':70[7-8][0-9] ') -eq 16 ]"
check "a fifth call is refused with 503" sipp_run lan-x5 "$NS_LAN" $LAN 5205 \
    rtp_uac_503.xml 10.0.0.1:5060 -s phone1 -key domain sip.test \
    -key callee wan -key rdomain uas.test -key rtpport 16120
check "the refusal is logged" grep -q "rtp port range exhausted" \
    "$WORK/siproxd.log"
for i in 1 2 3 4; do
	bg_ok "lan-x$i"
	bg_ok "wan-x$i"
done
check "after they hang up the ports are free" wait_for 3 no_relay_ports
out_call c8 10.0.0.1:5060 rtp_uac.xml rtp_uas.xml
check "a later call gets media again" talk 16000 "$P_IN" 26000 "$P_OUT"
bg_ok lan-c8
bg_ok wan-c8

# 8. rtpd killed mid-call: the daemon stops cleanly.
out_call c7 10.0.0.1:5060 rtp_uac.xml rtp_uas.xml
wait_for 5 sdp_port lan-c7 1 audio
kill -9 "$(child_pid rtpd)"
check "rtpd killed mid-call stops the daemon within 2 s" wait_for 2 gone "$SXD"
finish
