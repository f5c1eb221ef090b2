#!/bin/sh
# SPDX-License-Identifier: ISC
# The classic config keys sipd acts on: outbound proxies, host_outbound,
# ua_string, mask_host, use_rport and the access lists, each in a daemon
# restarted with a config that sets it.

. "$(dirname "$0")/lib.sh"
topo_up
dns_up
# More hosts on either side, for the access lists.
ip -n "$NS_LAN" addr add 10.0.0.3/24 dev lan0
ip -n "$NS_WAN" addr add 203.0.113.3/24 dev wan0

REG=$WORK/registrations.state	# ours; the classic file is beside it
FW_IN=10.0.0.1:5060
FW_OUT=203.0.113.1:5060
SXD=

# restart NAME [option lines on stdin]: siproxd with the base config plus
# those lines.
restart() {
	if [ -n "$SXD" ]; then
		kill -TERM "$SXD" 2>/dev/null
		wait_for 5 gone "$SXD" || kill -9 "$SXD" 2>/dev/null
	fi
	_conf=$(write_conf "$1")
	echo "# $1: $(grep -v -e '^if_' -e '^sip_listen' -e '^user' \
	    -e '^chroot' -e '^registration' -e '^autosave' -e '^pid' \
	    -e '^rtp_' -e '^silence' "$_conf" | tr '\n' ' ')"
	start_siproxd "$_conf"
}

# phone_register NAME IP PORT DOMAIN: a LAN phone registers NAME@DOMAIN
# through the registrar sipp on the WAN.
phone_register() {
	sipp_bg "wan-reg-$1" "$NS_WAN" $WAN 5060 wan_reg.xml -timeout 6s
	sipp_run "lan-reg-$1" "$NS_LAN" "$2" "$3" phone_reg_any.xml $FW_IN \
	    -s "$1" -key domain "$4" -key expires 300 -timeout 6s
	pr_r=$?
	bg_end "wan-reg-$1" 2
	return $pr_r
}
registered() { wait_for 3 grep -q "^$1 " "$REG"; }

# lan_call NAME UAS_PORT UAC_SCENARIO UAS_SCENARIO CALLEE RDOMAIN MEDIA
#   [args]: lib.sh's lan_calls with the phone sending to FW_IN, the WAN
#   sipp at UAS_PORT answering CALLEE.
lan_call() {
	lc_n=$1 lc_port=$2 lc_uac=$3 lc_uas=$4 lc_callee=$5 lc_rdom=$6
	lc_media=$7
	shift 7
	lan_calls -proxy $FW_IN -port "$lc_port" -callee "$lc_callee" \
	    -rdomain "$lc_rdom" -timeout 8s -linger 2 "$lc_n" "$lc_uas" \
	    "$lc_uac" "$lc_media" "$@"
}
# wan_call NAME UAC_SCENARIO UAS_SCENARIO RDOMAIN MEDIA [args]: the WAN
#   calls phone1@RDOMAIN at FW_OUT; MEDIA is what the answer must name.
wan_call() {
	wc_n=$1 wc_uac=$2 wc_uas=$3 wc_rdom=$4 wc_media=$5
	shift 5
	sipp_bg "lan-$wc_n" "$NS_LAN" $LAN 5061 "$wc_uas" -s phone1 \
	    -key expect_media 10.0.0.1 -timeout 8s
	sipp_run "wan-$wc_n" "$NS_WAN" $WAN 5080 "$wc_uac" $FW_OUT -s provider \
	    -key domain sip.test -key callee phone1 -key rdomain "$wc_rdom" \
	    -key expect_media "$wc_media" -timeout 8s "$@"
	wc_r=$?
	bg_end "lan-$wc_n" 2 && [ $wc_r -eq 0 ]
}

# A UDP sink on the WAN: what reaches HOST:PORT there, kept in DIR.
sink() {	# sink DIR HOST PORT
	mkdir -p "$1"
	# Not through in_wan, so that $! is the sink itself.
	ip netns exec "$NS_WAN" python3 "$E2E/torture.py" -S "$1" 30 "$2" "$3" &
	PIDS="$PIDS $!"
	SINK=$!
	sleep 0.3
}
sink_empty() { [ -z "$(ls "$1")" ]; }
same() { [ "$1" = "$2" ]; }
not() { ! "$@"; }

# A raw request from SRC, "none" if no answer came within 2 s.
sendreq() {	# sendreq FILE SRC DST
	ip netns exec "$2" python3 "$E2E/torture.py" -t 2 "$3" "$4" 5060 "$1" |
	    awk '{ print $2 }'
}
mkreg() {	# mkreg FILE USER SRC: a REGISTER of USER@sip.test from SRC
	printf '%s\r\n' "REGISTER sip:sip.test SIP/2.0" \
	    "Via: SIP/2.0/UDP $3:5099;branch=z9hG4bK-$1;rport" \
	    "Max-Forwards: 70" \
	    "From: <sip:$2@sip.test>;tag=$1" "To: <sip:$2@sip.test>" \
	    "Call-ID: $1@$3" "CSeq: 1 REGISTER" \
	    "Contact: <sip:$2@$3:5099>" "Expires: 300" \
	    "Content-Length: 0" "" > "$WORK/$1"
	echo "$WORK/$1"
}
mkopt() {	# mkopt FILE RURI SRC: an OPTIONS from SRC
	printf '%s\r\n' "OPTIONS $2 SIP/2.0" \
	    "Via: SIP/2.0/UDP $3:5099;branch=z9hG4bK-$1;rport" \
	    "Max-Forwards: 70" \
	    "From: <sip:probe@$3>;tag=$1" "To: <$2>" \
	    "Call-ID: $1@$3" "CSeq: 1 OPTIONS" \
	    "Content-Length: 0" "" > "$WORK/$1"
	echo "$WORK/$1"
}

### Baseline: phone1 registered, no option set.
restart base </dev/null || exit 1
check "base: phone1 registers" phone_register phone1 $LAN 5061 sip.test
check "base: phone1's binding is saved" registered phone1@sip.test

### outbound_proxy_host / outbound_proxy_port
restart outbound_proxy <<EOF || exit 1
outbound_proxy_host = $WAN
outbound_proxy_port = 5090
EOF
sink "$WORK/sink-op" $WAN 5070
check "outbound_proxy: the call to wan@uas.test goes through the proxy" \
    lan_call op 5090 call_uac.xml call_uas.xml wan uas.test 203.0.113.1
check "outbound_proxy: the proxy got the INVITE for sip:wan@uas.test" \
    got wan-op '^INVITE sip:wan@uas\.test SIP/2\.0'
check "outbound_proxy: the ACK and BYE went to the proxy too" \
    sh -c "grep -q '^ACK ' $WORK/wan-op.msg && grep -q '^BYE ' $WORK/wan-op.msg"
check "outbound_proxy: nothing went to uas.test itself (port 5070)" \
    sink_empty "$WORK/sink-op"
kill "$SINK" 2>/dev/null

### outbound_domain_name / _host / _port
restart outbound_domain <<EOF || exit 1
outbound_domain_name = uas.test
outbound_domain_host = $WAN
outbound_domain_port = 5091
EOF
sink "$WORK/sink-od" $WAN 5070
check "outbound_domain: the call to wan@uas.test goes to the domain's host" \
    lan_call od 5091 call_uac.xml call_uas.xml wan uas.test 203.0.113.1
check "outbound_domain: its INVITE was for sip:wan@uas.test" \
    got wan-od '^INVITE sip:wan@uas\.test SIP/2\.0'
check "outbound_domain: nothing went to uas.test's own address" \
    sink_empty "$WORK/sink-od"
kill "$SINK" 2>/dev/null
check "outbound_domain: OPTIONS to sip.test still goes to sip.test (SRV)" \
    lan_call od2 5060 options_uac.xml options_uas.xml reg sip.test x
check "outbound_domain: and it was for sip:reg@sip.test" \
    got wan-od2 '^OPTIONS sip:reg@sip\.test SIP/2\.0'

### host_outbound: siproxd behind another NAT
PUB=198.51.100.7
restart host_outbound <<EOF || exit 1
host_outbound = $PUB
EOF
check "host_outbound: phone1 registers again" \
    phone_register phone1 $LAN 5061 sip.test
check "host_outbound: the registrar saw our Contact as $PUB" \
    got wan-reg-phone1 "^contact: <sip:[^@]*@$PUB:5060>"
check "host_outbound: LAN->WAN call, the offer names $PUB" \
    lan_call ho 5070 call_uac.xml call_uas.xml wan uas.test $PUB
check "host_outbound: Via on the WAN is $PUB:5060" \
    got wan-ho "^via: SIP/2\.0/UDP $PUB:5060;"
check "host_outbound: Contact on the WAN is at $PUB:5060" \
    got wan-ho "^contact: <sip:phone1@$PUB:5060>"
check "host_outbound: Record-Route on the WAN is $PUB:5060" \
    got wan-ho "^record-route: <sip:$PUB:5060;lr>"
check "host_outbound: SDP o= on the WAN names $PUB" \
    got wan-ho "^o=.* IN IP4 $PUB\$"
check "host_outbound: SDP c= on the WAN names $PUB" \
    got wan-ho "^c=IN IP4 $PUB\$"
check "host_outbound: 203.0.113.1 is named nowhere on the WAN" \
    sh -c "! grep -q '203\.0\.113\.1[^0-9]' $WORK/wan-ho.msg"
check "host_outbound: WAN->LAN call to sip:phone1@$PUB, the answer names it" \
    wan_call ho2 call_uac.xml call_uas.xml $PUB $PUB
check "host_outbound: that INVITE reached phone1" \
    got lan-ho2 '^INVITE sip:phone1@10\.0\.0\.2:5061 SIP/2\.0'

### ua_string
restart ua_string <<EOF || exit 1
ua_string = MyBox/1.0
EOF
check "ua_string: OPTIONS LAN->WAN" \
    lan_call ua 5070 opt_ua_uac.xml options_uas.xml wan uas.test x \
    -key ua phone-ua/2.0
check "ua_string: the WAN sees User-Agent: MyBox/1.0" \
    got wan-ua '^user-agent: MyBox/1\.0$'
check "ua_string: the WAN does not see the phone's User-Agent" \
    sh -c "! grep -q 'phone-ua' $WORK/wan-ua.msg"
check "ua_string: OPTIONS WAN->LAN" \
    wan_call ua2 opt_ua_uac.xml options_uas.xml 203.0.113.1 x \
    -key ua provider-ua/3.0
check "ua_string: the LAN sees the WAN's User-Agent unchanged" \
    got lan-ua2 '^user-agent: provider-ua/3\.0$'

### mask_host / masked_host
restart mask_host <<EOF || exit 1
mask_host = 10.0.0.1
masked_host = sip.test
EOF
check "mask_host: phone5 registers with domain 10.0.0.1" \
    phone_register phone5 $LAN 5065 10.0.0.1
check "mask_host: the registrar got REGISTER sip:sip.test" \
    got wan-reg-phone5 '^REGISTER sip:sip\.test SIP/2\.0'
check "mask_host: with To <sip:phone5@sip.test>" \
    got wan-reg-phone5 '^to: <sip:phone5@sip\.test>'
check "mask_host: and From <sip:phone5@sip.test>" \
    got wan-reg-phone5 '^from: <sip:phone5@sip\.test>'

### use_rport: 1 toward the phones, 2 toward the WAN, 3 both
# viarp NAME HOST: our Via (sent-by HOST:5060), as NAME received it, asks
# for rport.
viarp() { got "$1" "^via: SIP/2\.0/UDP $2:5060;(.*;)?rport(\$|;)"; }
for mode in 0 1 2 3; do
	restart use_rport_$mode <<EOF || exit 1
use_rport = $mode
EOF
	check "use_rport $mode: OPTIONS LAN->WAN" lan_call rp$mode 5070 \
	    options_uac.xml options_uas.xml wan uas.test x
	check "use_rport $mode: OPTIONS WAN->LAN" wan_call rp${mode}b \
	    options_uac.xml options_uas.xml 203.0.113.1 x
	if [ $((mode & 2)) -ne 0 ]; then
		check "use_rport $mode: our Via toward the WAN has ;rport" \
		    viarp wan-rp$mode 203.0.113.1
	else
		check "use_rport $mode: our Via toward the WAN has no ;rport" \
		    not viarp wan-rp$mode 203.0.113.1
	fi
	if [ $((mode & 1)) -ne 0 ]; then
		check "use_rport $mode: our Via toward the LAN has ;rport" \
		    viarp lan-rp${mode}b 10.0.0.1
	else
		check "use_rport $mode: our Via toward the LAN has no ;rport" \
		    not viarp lan-rp${mode}b 10.0.0.1
	fi
done

### hosts_allow_reg
restart hosts_allow_reg <<EOF || exit 1
hosts_allow_reg = $LAN/32
EOF
sipp_bg wan-reg-acl "$NS_WAN" $WAN 5060 wan_reg.xml -timeout 4s
check "hosts_allow_reg: a REGISTER from 10.0.0.3 gets no answer" same \
    "$(sendreq "$(mkreg reg-acl phone9 10.0.0.3)" "$NS_LAN" 10.0.0.3 \
    10.0.0.1)" none
bg_end wan-reg-acl 1
check "hosts_allow_reg: it did not reach the registrar" \
    not got wan-reg-acl '^REGISTER'
check "hosts_allow_reg: it left no binding" \
    not grep -q '^phone9@sip.test ' "$REG"
check "hosts_allow_reg: an OPTIONS from 10.0.0.3 is answered (no sip list)" \
    same "$(sendreq "$(mkopt opt-acl1 sip:10.0.0.1 10.0.0.3)" "$NS_LAN" \
    10.0.0.3 10.0.0.1)" 200
check "hosts_allow_reg: phone2 at $LAN registers" \
    phone_register phone2 $LAN 5062 sip.test
check "hosts_allow_reg: phone2's binding is saved" registered phone2@sip.test

### hosts_allow_sip / hosts_deny_sip (the deny list wins)
ip -n "$NS_WAN" addr add 203.0.113.4/24 dev wan0
restart hosts_sip <<EOF || exit 1
hosts_allow_sip = 10.0.0.0/24, $WAN, 203.0.113.3
hosts_deny_sip = $WAN/32
EOF
# optto NAME SRC: what an OPTIONS from the WAN address SRC to us gets.
optto() {
	sendreq "$(mkopt "$1" sip:203.0.113.1 "$2")" "$NS_WAN" "$2" 203.0.113.1
}
check "hosts_deny_sip: $WAN (also allowed) gets no answer" \
    same "$(optto opt-deny $WAN)" none
check "hosts_allow_sip: 203.0.113.3 (allowed) is answered" \
    same "$(optto opt-allow3 203.0.113.3)" 200
check "hosts_allow_sip: 203.0.113.4 (not allowed) gets no answer" \
    same "$(optto opt-allow4 203.0.113.4)" none
check "hosts_allow_sip: 10.0.0.2 (allowed) is answered" \
    same "$(sendreq "$(mkopt opt-allowl sip:10.0.0.1 $LAN)" "$NS_LAN" \
    $LAN 10.0.0.1)" 200
check "hosts_deny_sip: a request from $WAN does not reach phone1" \
    not wan_call deny options_uac.xml options_uas.xml 203.0.113.1 x \
    -timeout 3s

### Lists given but empty filter nothing.
restart hosts_empty <<EOF || exit 1
hosts_allow_reg = ,
hosts_allow_sip = ,
hosts_deny_sip = ,
EOF
check "empty lists: phone3 at 10.0.0.3 registers" \
    phone_register phone3 10.0.0.3 5063 sip.test
check "empty lists: phone3's binding is saved" registered phone3@sip.test
check "empty lists: 203.0.113.4 is answered" \
    same "$(optto opt-empty4 203.0.113.4)" 200
check "empty lists: $WAN is answered" same "$(optto opt-empty2 $WAN)" 200

check "sipd is still running" kill -0 "$(child_pid sipd)"
finish
