#!/bin/sh
# SPDX-License-Identifier: ISC
# A thousand calls at once: 4,000 relay sockets in rtpd (past the usual
# 1,024 fd limit), all set up, all freed when the calls end.

. "$(dirname "$0")/lib.sh"
topo_up
dns_up
N=${SCALE_CALLS:-1000}
CONF=$(write_conf <<CONF
rtp_port_low = 20000
rtp_port_high = 29999
silence_log = 2
CONF
)
start_siproxd "$CONF" || exit 1
relay_sockets() {
	ip netns exec "$NS_FW" ss -uanH | awk '{ print $4 }' |
	    grep -cE ':2[0-9]{4}$'
}
ip netns exec "$NS_WAN" sipp -sf "$SC/rtp_uas.xml" -i 203.0.113.2 -p 5070 \
    -s wan -key rtpport 26000 -m "$N" -timeout 90s -timeout_error \
    -trace_err -error_file "$WORK/uas.err" </dev/null >/dev/null 2>&1 &
UAS=$!
PIDS="$PIDS $UAS"
sleep 0.5
ip netns exec "$NS_LAN" sipp -sf "$SC/rtp_uac_long.xml" -i 10.0.0.2 \
    -p 5061 -s phone1 -key domain sip.test -key callee wan \
    -key rdomain uas.test -key rtpport 16000 -m "$N" -l "$N" -r 200 \
    -timeout 90s -timeout_error -trace_err -error_file "$WORK/uac.err" \
    10.0.0.1:5060 </dev/null >/dev/null 2>&1 &
UAC=$!
PIDS="$PIDS $UAC"
check "$N concurrent calls hold $((N * 4)) relay sockets" wait_for 30 \
    sh -c "[ \$(ip netns exec $NS_FW ss -uanH | awk '{ print \$4 }' | grep -cE ':2[0-9]{4}\$') -eq $((N * 4)) ]"
echo "# relay sockets: $(relay_sockets)"
check "rtpd holds them (its fd table grew past 1,024)" test \
    "$(ls "/proc/$(child_pid rtpd)/fd" | wc -l)" -gt $((N * 4))
check "every call completed (caller)" wait $UAC
check "every call completed (callee)" wait $UAS
check "every relay socket is freed" wait_for 10 sh -c \
    "[ \$(ip netns exec $NS_FW ss -uanH | awk '{ print \$4 }' | grep -cE ':2[0-9]{4}\$') -eq 0 ]"
finish
