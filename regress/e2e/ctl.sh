#!/bin/sh
# SPDX-License-Identifier: ISC
# siproxctl against a running daemon: phones, calls and stats as tables and
# JSON, reload, log level, permissions, a missing or silent daemon.

. "$(dirname "$0")/lib.sh"
topo_up
dns_up
# SIPROXCTL: another build of the tool than the one in the tree.
CTL=${SIPROXCTL:-$TOP/siproxctl}
RTPTOOL=$TOOLS/rtptool
[ -f "$CTL" ] && [ -x "$CTL" ] || { echo "FAIL - $T: no $CTL"; exit 1; }
# A copy that user nobody can run, and that calls itself siproxctl.
cp "$CTL" "$WORK/siproxctl" && chmod 0755 "$WORK/siproxctl"
CTL=$WORK/siproxctl
[ -x "$RTPTOOL" ] || { echo "FAIL - $T: no $RTPTOOL"; exit 1; }
SOCK=$WORK/ctl.sock

# Brief logging, so that debug lines show only after "log verbose".
CONF=$(write_conf <<CONF
silence_log = 1
CONF
)

# As start_siproxd in lib.sh, with the control socket in $WORK.
rm -f "$WORK/siproxd.pid"
ip netns exec "$NS_FW" "$SIPROXD" -d -f "$CONF" -s "$SOCK" \
    >> "$WORK/siproxd.log" 2>&1 &
SXD=$!
PIDS="$PIDS $SXD"
if ! wait_for 5 test -s "$WORK/siproxd.pid" || ! wait_for 5 test -S "$SOCK"
then
	fail "siproxd did not start"
	sed 's/^/# /' "$WORK/siproxd.log"
	exit 1
fi
SXD=$(cat "$WORK/siproxd.pid")
wait_for 5 child_pid sipd && wait_for 5 child_pid rtpd

# ctl ARGS...: siproxctl's output in $WORK/out, its errors in $WORK/err.
ctl() {
	"$CTL" -s "$SOCK" "$@" > "$WORK/out" 2> "$WORK/err"
	_rc=$?
	sed 's/^/# /' "$WORK/out" "$WORK/err"
	return $_rc
}
# py EXPR: a python3 expression over the JSON in $WORK/out, as "d".
py() {
	python3 -c "import json, sys
d = json.load(open('$WORK/out'))
sys.exit(0 if ($1) else 1)"
}
# header WORD...: the table in $WORK/out is under this header line.
header() { [ "$(head -1 "$WORK/out" | tr -s ' ')" = "$*" ]; }
# col NAME: the column NAME of the table in $WORK/out, header included.
col() {
	awk -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) n = i }
	    n { print $n }' "$WORK/out"
}

check "the control socket is root's, mode 0600" \
    test "$(stat -c '%U %a' "$SOCK")" = "root 600"
PHONES="AOR CONTACT MASQ_CONTACT EXPIRES TRANSPORT SOURCE STATE USER_AGENT"
no_phones() {
	ctl show phones && header $PHONES && [ "$(wc -l < "$WORK/out")" -eq 1 ]
}
check "show phones with no phone: the header alone" no_phones
check "-j show phones with no phone: []" sh -c \
    "[ \"\$('$CTL' -j -s '$SOCK' show phones)\" = '[]' ]"

# phone_register NAME PORT: phone NAME on LAN:PORT registers for 300 s.
phone_register() {
	sipp_bg "wan-reg-$1" "$NS_WAN" $WAN 5060 wan_reg.xml
	sipp_run "lan-reg-$1" "$NS_LAN" $LAN "$2" phone_reg.xml \
	    10.0.0.1:5060 -s "$1" -key domain sip.test -key expires 300
	_r=$?
	bg_ok "wan-reg-$1" 2>/dev/null
	return $_r
}
check "phone1 registers" phone_register phone1 5061
check "phone2 registers" phone_register phone2 5062

check "show phones succeeds" ctl show phones
both_aors() {
	col AOR | grep -qx phone1@sip.test && col AOR | grep -qx phone2@sip.test
}
check "show phones lists both AORs" both_aors
check "show phones: the private contacts" sh -c \
    "grep -q '^phone1@sip.test .*@10\.0\.0\.2:5061' $WORK/out && \
    grep -q '^phone2@sip.test .*@10\.0\.0\.2:5062' $WORK/out"
check "show phones: the masqueraded contacts on the outbound address" \
    test "$(col MASQ_CONTACT | grep -c '@203\.0\.113\.1:5060')" -eq 2
check "show phones: where each REGISTER came from" sh -c \
    "grep -q '^phone1@sip.test .* udp  *10\.0\.0\.2:5061 ' $WORK/out && \
    grep -q '^phone2@sip.test .* udp  *10\.0\.0\.2:5062 ' $WORK/out"
check "show phones: the user agent" test "$(col USER_AGENT | grep -c \
    '^regress-phone$')" -eq 2
check "show registrations is show phones" sh -c \
    "'$CTL' -s '$SOCK' show registrations | grep -q '^phone2@sip.test '"
check "-j show phones succeeds" ctl -j show phones
check "-j show phones: valid JSON, two objects with the table's keys" py \
    "len(d) == 2 and all(sorted(o) == sorted(['aor', 'contact', \
    'masq_contact', 'expires', 'transport', 'source', 'state', \
    'user_agent']) and \
    all(isinstance(v, str) for v in o.values()) for o in d)"
check "-j show phones: private and masqueraded contacts, transport" py \
    "sorted(o['contact'].split('@')[1] for o in d) == \
    ['10.0.0.2:5061', '10.0.0.2:5062'] and \
    all(o['masq_contact'].endswith('@203.0.113.1:5060') and \
    o['transport'] == 'udp' and 0 < int(o['expires']) <= 300 for o in d)"

DEBUG="packets relayed"
check "no debug lines at silence_log = 1" sh -c \
    "! grep -q '$DEBUG' $WORK/siproxd.log"
check "log verbose succeeds" ctl log verbose
check "log verbose is logged" wait_for 2 grep -q "log level verbose" \
    "$WORK/siproxd.log"

# A call from phone1 to the WAN, 5 s long; 50 packets each way.
sipp_bg wan-c1 "$NS_WAN" $WAN 5070 rtp_uas.xml -s wan -key rtpport 26000
sipp_bg lan-c1 "$NS_LAN" $LAN 5061 rtp_uac.xml -s phone1 \
    -key domain sip.test -key callee wan -key rdomain uas.test \
    -key rtpport 16000 10.0.0.1:5060
P_IN=$(wait_for 5 sdp_port lan-c1 1 audio && sdp_port lan-c1 1 audio)
P_OUT=$(wait_for 5 sdp_port wan-c1 1 audio && sdp_port wan-c1 1 audio)
in_lan "$RTPTOOL" duplex -l "$LAN:16000" -r "10.0.0.1:$P_IN" -w 300 \
    -n 50 -i 20 -t 3000 -s 111 -S 222 > "$WORK/talk-lan" 2>&1 &
TL=$!
in_wan "$RTPTOOL" duplex -l "$WAN:26000" -r "203.0.113.1:$P_OUT" -w 500 \
    -n 50 -i 20 -t 3000 -s 222 -S 111 > "$WORK/talk-wan" 2>&1
TW=$?
wait $TL
check "media flows through the call" test $? -eq 0 -a $TW -eq 0

check "show calls succeeds" ctl show calls
check "show calls: the header" header CALL STREAM LAN_PORT WAN_PORT \
    LAN_PEER WAN_PEER LAN_PACKETS WAN_PACKETS LAN_BYTES WAN_BYTES LAN_LOST \
    WAN_LOST SSRC_CHANGES DROPPED AGE
check "show calls: the stream with its relay ports" \
    test "$(col LAN_PORT | sed -n 2p):$(col WAN_PORT | sed -n 2p)" = \
    "$P_IN:$P_OUT"
counted() { [ "$(col LAN_PACKETS | sed -n 2p)" -gt 0 ] &&
    [ "$(col WAN_PACKETS | sed -n 2p)" -gt 0 ]; }
check "show calls: non-zero packet counters both ways" counted
check "-j show calls succeeds" ctl -j show calls
check "-j show calls: the learned peers and the counters" py \
    "len(d) == 1 and d[0]['lan_peer'] == '10.0.0.2:16000' and \
    d[0]['wan_peer'] == '203.0.113.2:26000' and d[0]['stream'] == '0' and \
    int(d[0]['lan_packets']) >= 50 and int(d[0]['wan_packets']) >= 50 and \
    d[0]['dropped'] == '0' and len(d[0]['call']) == 16"

check "show stats succeeds" ctl show stats
check "show stats: one header, sipd before rtpd" sh -c \
    "[ \$(grep -c '^PROCESS  *NAME  *VALUE$' $WORK/out) -eq 1 ] && \
    [ \"\$(awk 'NR > 1 { print \$1 }' $WORK/out | uniq | tr '\n' ' ')\" \
    = 'sipd rtpd ' ]"
check "-j show stats succeeds" ctl -j show stats
check "-j show stats: registrations and streams" py \
    "{o['process'] + '.' + o['name']: o['value'] for o in d} \
    ['sipd.registrations'] == '2' and {o['process'] + '.' + o['name']: \
    int(o['value']) for o in d}['rtpd.streams'] >= 1"

check "the call ends" bg_ok lan-c1
bg_ok wan-c1
check "after log verbose, debug lines appear (rtpd's closing stream)" \
    wait_for 3 grep -q "$DEBUG" "$WORK/siproxd.log"
check "log brief succeeds" ctl log brief
N=$(grep -c "$DEBUG" "$WORK/siproxd.log")
sipp_bg wan-c2 "$NS_WAN" $WAN 5070 rtp_uas.xml -s wan -key rtpport 26000
check "another call after log brief" sipp_run lan-c2 "$NS_LAN" $LAN 5061 \
    rtp_uac.xml 10.0.0.1:5060 -s phone1 -key domain sip.test -key callee wan \
    -key rdomain uas.test -key rtpport 16000
bg_ok wan-c2
check "after log brief, no more debug lines" sh -c \
    "sleep 1; [ \$(grep -c '$DEBUG' $WORK/siproxd.log) -eq $N ]"

check "reload succeeds" ctl reload
check "reload makes the daemon log reloading" wait_for 3 grep -q reloading \
    "$WORK/siproxd.log"
check "the phones survive the reload" sh -c \
    "'$CTL' -s '$SOCK' show phones | grep -q '^phone1@sip.test '"

# Not root: the socket's mode keeps everyone else out.
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$CTL" -s "$SOCK" show phones > "$WORK/out" 2> "$WORK/err"
RC=$?
sed 's/^/# /' "$WORK/err"
check "a non-root user is refused (exit 1)" test $RC -eq 1
check "with a permission error" grep -q \
    "^siproxctl: connect $SOCK: Permission denied$" "$WORK/err"

usage_error() { "$CTL" "$@" 2>/dev/null; [ $? -eq 2 ]; }
check "usage error (no command) exits 2" usage_error
check "usage error (show nothing) exits 2" usage_error -s "$SOCK" show nothing
check "usage error (log loud) exits 2" usage_error log loud
check "usage error (reload now) exits 2" usage_error reload now
check "usage error (-x) exits 2" usage_error -x show phones

# A daemon that accepts but does not answer: siproxctl gives up in time.
kill -STOP "$SXD"
S0=$(date +%s)
ctl show phones
RC=$?
S1=$(date +%s)
kill -CONT "$SXD"
check "a stopped daemon: exit 1 within 5-7 s" test $RC -eq 1 -a \
    $((S1 - S0)) -ge 4 -a $((S1 - S0)) -le 7
check "with a clear message" grep -q "no answer from siproxd" "$WORK/err"
check "the daemon answers again after SIGCONT" ctl show stats

kill -TERM "$SXD"
check "siproxd stops" wait_for 5 gone "$SXD"
check "and removes its control socket" test ! -e "$SOCK"
ctl show phones
RC=$?
check "no daemon: exit 1" test $RC -eq 1
check "with a clear message" grep -q \
    "^siproxctl: connect $SOCK: No such file or directory$" "$WORK/err"
finish
