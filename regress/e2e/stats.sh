#!/bin/sh
# SPDX-License-Identifier: ISC
# plugin_stats: a call's media counters (packets, bytes, RTP loss, SSRC
# changes, per side) in the log on SIGUSR1, every plugin_stats_to_syslog
# seconds and at the call's end, and the same in siproxctl show calls.
# STATS_SKIP=1 leaves the load_plugin line out, to see its checks fail.

. "$(dirname "$0")/lib.sh"
topo_up
dns_up
RTPTOOL=$TOOLS/rtptool
[ -x "$RTPTOOL" ] || { echo "FAIL - $T: no $RTPTOOL"; exit 1; }
SOCK=$WORK/ctl.sock

CONF=$(sed "${STATS_SKIP:+/^load_plugin/d}" <<'CONF' | write_conf
load_plugin = plugin_stats.la
plugin_stats_to_syslog = 2
plugin_stats_to_file = 0
plugin_stats_filename = /var/lib/siproxd/siproxd_stats
CONF
)

start_siproxd "$CONF" || exit 1

sipp_bg wan-reg "$NS_WAN" $WAN 5060 wan_reg.xml
check "phone1 registers" sipp_run lan-reg "$NS_LAN" $LAN 5061 phone_reg.xml \
    10.0.0.1:5060 -s phone1 -key domain sip.test -key expires 300
bg_ok wan-reg 2>/dev/null

# A 5 s call from phone1 to the WAN.  The phone sends RTP with SSRC 111,
# seq 1..20 less 5, 6 and 7, then SSRC 333, seq 100..109: 27 packets of
# 172 bytes, 3 lost, 1 SSRC change.  The WAN sends 20 packets, none lost.
out_call c1 10.0.0.1:5060
in_lan python3 - "$LAN" 16000 10.0.0.1 "$P_IN" <<'PY'
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
pkts = [(111, q) for q in range(1, 21) if q not in (5, 6, 7)]
pkts += [(333, q) for q in range(100, 110)]
for ssrc, seq in pkts:
    s.sendto(struct.pack("!BBHII", 0x80, 0, seq, seq * 160, ssrc) +
        bytes(160), (sys.argv[3], int(sys.argv[4])))
    time.sleep(0.01)
PY
check "the phone's media went out" test $? -eq 0
check "the WAN's media went out" in_wan "$RTPTOOL" send -l "$WAN:26000" \
    -r "203.0.113.1:$P_OUT" -n 20 -i 10 -s 222

"$TOP/siproxctl" -s "$SOCK" -j show calls > "$WORK/out"
sed 's/^/# /' "$WORK/out"
check "show calls: the same counters" python3 -c "import json
d = json.load(open('$WORK/out'))[0]
want = dict(lan_packets='27', wan_packets='20', lan_bytes='4644',
    wan_bytes='3440', lan_lost='3', wan_lost='0', ssrc_changes='1',
    dropped='0')
exit(any(d[k] != v for k, v in want.items()))"
COUNTS='lan 27 packets 4644 bytes 3 lost 1 ssrc changes, wan 20 packets 3440 bytes 0 lost 0 ssrc changes, 0 dropped'
kill -USR1 "$SXD"
check "SIGUSR1: the stream's counters now" wait_for 3 grep -q \
    "stats: call [0-9a-f]\{16\} stream 0 (now): $COUNTS" "$WORK/siproxd.log"
check "SIGUSR1: with the phones registered" grep -q \
    "stats (SIGUSR1): 1 phones registered" "$WORK/siproxd.log"

check "plugin_stats_to_syslog = 2: the counters every 2 s" wait_for 4 grep -q \
    "stats (timer): 1 phones registered" "$WORK/siproxd.log"

check "the call ends" bg_ok lan-c1
bg_ok wan-c1
check "at its end: the stream's counters" wait_for 3 grep -q \
    "stats: call [0-9a-f]\{16\} stream 0 (call ended): $COUNTS" \
    "$WORK/siproxd.log"
check "SIGUSR1 left siproxd running" kill -0 "$SXD"
finish
