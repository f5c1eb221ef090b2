#!/bin/sh
# SPDX-License-Identifier: ISC
# The built-in modules (the classic's plugins) with the classic's
# load_plugin lines and keys, spelt as the pfSense package writes them:
# each one's effect seen by a sipp peer or in the log.  MOD_SKIP=name leaves that module's load_plugin line out, to
# see its checks fail.

. "$(dirname "$0")/lib.sh"
topo_up
# The 302 of plugin_defaulttarget names the target the admin configured,
# a LAN address here: that one may leave.
WAN_LEAK_OK='Contact: <sip:operator@10\.0\.0\.2:5069>'
dns_up

FW_IN=10.0.0.1:5060
FW_OUT=203.0.113.1:5060

CONF=$(grep -v "^load_plugin=plugin_${MOD_SKIP:-none}.la" <<'MODS' | write_conf
plugindir=/usr/local/lib/siproxd/
load_plugin=plugin_logcall.la
load_plugin=plugin_siptrunk.la
plugin_siptrunk_name = Example Trunk, 555-123100 ... 555-123112
plugin_siptrunk_account = sip:trunk@sip.test
plugin_siptrunk_numbers_regex = ^555123(10[0-9]|11[012])$
load_plugin=plugin_defaulttarget.la
plugin_defaulttarget_target = sip:operator@10.0.0.2:5069
plugin_defaulttarget_log = 1
load_plugin=plugin_fix_bogus_via.la
plugin_fix_bogus_via_networks = 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16
load_plugin=plugin_fix_DTAG.la
plugin_fix_DTAG_networks = 203.0.113.2/32
load_plugin=plugin_fix_fbox_anoncall.la
plugin_fix_fbox_anoncall_networks = 192.168.0.0/16,10.0.0.0/8,172.16.0.0/20
load_plugin=plugin_stripheader.la
plugin_stripheader_remove = X-Secret
plugin_stripheader_remove = Supported:100rel
plugin_stripheader_remove = Allow:INFO
load_plugin=plugin_codecfilter.la
plugin_codecfilter_blacklist = PCMA
plugin_codecfilter_blacklist = g722
load_plugin=plugin_regex.la
plugin_regex_desc = international
plugin_regex_pattern = ^(sips?:)00
plugin_regex_replace = \1+
plugin_regex_desc = never
plugin_regex_pattern = ^sip:nomatch
plugin_regex_replace = sip:x
load_plugin=plugin_regex_body.la
plugin_regex_body_desc = session name
plugin_regex_body_pattern = s=-
plugin_regex_body_replace = s=rewritten
load_plugin=plugin_shortdial.la
plugin_shortdial_akey = *00
plugin_shortdial_entry = 5551234
plugin_shortdial_entry = wan
load_plugin=plugin_prefix.la
plugin_prefix_akey = 0
load_plugin=plugin_demo.la
plugin_demo_string = This_is_a_string_passed_to_the_demo_plugin
MODS
)
# The classic example with a load_plugin line for every plugin starts
# without a word about plugins.
{
	grep -v load_plugin "$TOP/regress/config/2.conf"
	for p in demo logcall defaulttarget fix_bogus_via fix_DTAG stun \
	    prefix regex regex_body shortdial stripheader codecfilter \
	    siptrunk fix_fbox_anoncall stats blacklist; do
		echo "load_plugin = plugin_$p.la"
	done
} > "$WORK/classic.conf"
check "the classic example with every plugin loaded is OK" \
    sh -c "$SIPROXD -n -f $WORK/classic.conf 2> $WORK/classic.err"
check "with no warning" sh -c \
    "[ \"\$(grep -v -c -E '^configuration OK' $WORK/classic.err)\" = 0 ]"

start_siproxd "$CONF" || exit 1
check "no warning about plugins at start" \
    sh -c "! grep -q -i plugin $WORK/siproxd.log"

sipp_bg wan-reg "$NS_WAN" $WAN 5060 wan_reg.xml
check "phone1 registers" sipp_run lan-reg "$NS_LAN" $LAN 5061 phone_reg.xml \
    $FW_IN -s phone1 -key domain sip.test -key expires 300
bg_ok wan-reg

# One call from the WAN to phone1 shows most modules at once.
sipp_bg lan-call "$NS_LAN" $LAN 5061 mod_uas.xml -s phone1 \
    -key expect_media 10.0.0.1
check "WAN->LAN call through every module" \
    sipp_run wan-call "$NS_WAN" $WAN 5080 mod_uac.xml $FW_OUT -s provider \
    -key domain sip.test -key callee phone1 -key rdomain 203.0.113.1
check "the phone answered" bg_ok lan-call

# not_got NAME REGEXP: no line NAME's sipp received matches
not_got() { ! got "$@"; }
check "codecfilter: PCMA and G722 left the offer, PCMU and DTMF kept" \
    got lan-call '^m=audio [0-9]+ RTP/AVP 0 101$'
check "codecfilter: their rtpmap lines too" not_got lan-call 'PCMA|G722'
check "codecfilter: the DTMF fmtp stays" got lan-call '^a=fmtp:101 0-16$'
check "codecfilter: PCMA left the answer on its way to the WAN" \
    got wan-call '^m=audio [0-9]+ RTP/AVP 0$'
check "stripheader: X-Secret is gone" not_got lan-call '^x-secret:'
check "stripheader: Supported lost 100rel only" got lan-call '^supported: timer$'
check "stripheader: Allow kept INVITE" got lan-call '^allow: INVITE$'
check "stripheader: Allow lost INFO" not_got lan-call '^allow: .*INFO'
# (the ACK and BYE name the real address themselves: only the INVITE's
# Via, with the private address and port, tells)
check "fix_bogus_via: the provider's private Via is replaced" \
    not_got lan-call '^via: .*192\.168\.1\.50|:5099'
check "logcall: the start is logged" grep -q -E \
    'call start, incoming: provider@sip.test -> phone1@203.0.113.1, call-id' \
    "$WORK/siproxd.log"
check "logcall: the answer is logged" \
    grep -q -E 'call answer 200, incoming: provider@' "$WORK/siproxd.log"
check "logcall: the end is logged" \
    grep -q -E 'call end \(BYE\), incoming: provider@' "$WORK/siproxd.log"

check "regex_body: the offer's session name rewritten" \
    got lan-call '^s=rewritten$'
check "regex_body: and the answer's" got wan-call '^s=rewritten$'

# defaulttarget: a call for nobody we know goes to the target.
check "defaulttarget: a call for nobody gets 302" \
    sipp_run wan-dt "$NS_WAN" $WAN 5081 uac_302.xml $FW_OUT -s provider \
    -key domain sip.test -key callee nobody -key rdomain 203.0.113.1
check "defaulttarget: its Contact is the target" \
    got wan-dt '^contact: <sip:operator@10\.0\.0\.2:5069>'
check "defaulttarget: logged" grep -q \
    'unknown target nobody@203.0.113.1 (from provider@sip.test): redirected' \
    "$WORK/siproxd.log"

# siptrunk: a number of the block reaches the trunk's phone; one outside
# it is nobody's, and defaulttarget (loaded after) takes it.
sipp_bg wan-reg2 "$NS_WAN" $WAN 5060 wan_reg.xml
check "the trunk's phone registers" sipp_run lan-reg2 "$NS_LAN" $LAN 5066 \
    phone_reg.xml $FW_IN -s trunk -key domain sip.test -key expires 300
bg_ok wan-reg2
sipp_bg lan-trunk "$NS_LAN" $LAN 5066 call_uas.xml -s trunk \
    -key expect_media 10.0.0.1
check "siptrunk: a call for 555123105 reaches the trunk's phone" \
    sipp_run wan-trunk "$NS_WAN" $WAN 5083 call_uac.xml $FW_OUT -s provider \
    -key domain sip.test -key callee 555123105 -key rdomain 203.0.113.1 \
    -key expect_media 203.0.113.1
check "siptrunk: the phone answered" bg_ok lan-trunk
check "siptrunk: with the number dialled in To" \
    got lan-trunk '^to: <sip:555123105@'
check "siptrunk: a number outside the block is not the trunk's" \
    sipp_run wan-trunk2 "$NS_WAN" $WAN 5084 uac_302.xml $FW_OUT \
    -s provider -key domain sip.test -key callee 555123200 \
    -key rdomain 203.0.113.1

# fix_fbox_anoncall: a Fritzbox answers with "anonymous" as its Contact's
# user; the provider's ACK and BYE must still find it.
sipp_bg wan-reg3 "$NS_WAN" $WAN 5060 wan_reg.xml
check "the Fritzbox registers" sipp_run lan-reg3 "$NS_LAN" $LAN 5068 \
    fbox_reg.xml $FW_IN -s fbox -key domain sip.test -key expires 300
bg_ok wan-reg3
sipp_bg lan-fbox "$NS_LAN" $LAN 5068 fbox_uas.xml -s fbox \
    -key expect_media 10.0.0.1
check "fix_fbox_anoncall: the call to the Fritzbox completes" \
    sipp_run wan-fbox "$NS_WAN" $WAN 5085 call_uac.xml $FW_OUT -s anonymous \
    -key domain anonymous.invalid -key callee fbox -key rdomain 203.0.113.1 \
    -key expect_media 203.0.113.1
check "fix_fbox_anoncall: ACK and BYE reached it" bg_ok lan-fbox
check "fix_fbox_anoncall: the provider saw no anonymous Contact" \
    not_got wan-fbox '^contact: <sip:anonymous@'

# fix_DTAG: the provider's 200 names the provider in our Via.
sipp_bg wan-dtag "$NS_WAN" $WAN 5071 dtag_uas.xml -s dtag
check "fix_DTAG: the call completes though our Via came back altered" \
    sipp_run lan-dtag "$NS_LAN" $LAN 5065 call_uac.xml $FW_IN -s phone1 \
    -key domain sip.test -key callee dtag \
    -key rdomain '203.0.113.2:5071;redirected=prefix' \
    -key expect_media 10.0.0.1
check "fix_DTAG: the provider's end too" bg_ok wan-dtag
check "logcall: the answer names the Call-ID as the phone wrote it" sh -c \
    "grep 'call answer 200, outgoing: phone1@sip.test -> dtag@' \
    $WORK/siproxd.log | grep -q -v -- '-sxd'"

# regex: the first rule that matches the To URI makes the new target.
check "regex: 0049... is answered 302" \
    sipp_run lan-rx "$NS_LAN" $LAN 5064 uac_302.xml $FW_IN -s phone1 \
    -key domain sip.test -key callee 0049301234 -key rdomain uas.test
check "regex: to +49..., marked" \
    got lan-rx '^contact: <sip:\+49301234@uas\.test;redirected=regex>'
check "regex: the rule is named in the log" \
    grep -q 'regex: rule "international": redirecting' "$WORK/siproxd.log"

# shortdial before prefix: load order is the order they run in.
check "shortdial: *02 is answered 302" \
    sipp_run lan-sd "$NS_LAN" $LAN 5062 uac_302.xml $FW_IN -s phone1 \
    -key domain sip.test -key callee '*02' -key rdomain uas.test
check "shortdial: to entry 2" got lan-sd '^contact: <sip:wan@uas\.test>'

# prefix: an outgoing call comes back with the prefix, then goes out.
check "prefix: a LAN call is answered 302" \
    sipp_run lan-px "$NS_LAN" $LAN 5063 uac_302.xml $FW_IN -s phone1 \
    -key domain sip.test -key callee wan -key rdomain uas.test
check "prefix: to the prefixed number, marked" \
    got lan-px '^contact: <sip:0wan@uas\.test;redirected=prefix>'
sipp_bg wan-px2 "$NS_WAN" $WAN 5070 call_uas.xml -s wan \
    -key expect_media 203.0.113.1
check "prefix: the redirected call goes through" \
    sipp_run lan-px2 "$NS_LAN" $LAN 5063 call_uac.xml $FW_IN -s phone1 \
    -key domain sip.test -key callee 0wan \
    -key rdomain 'uas.test;redirected=prefix' -key expect_media 10.0.0.1
check "prefix: the provider got it" bg_ok wan-px2

# A bad module value: refused at start, and kept out at a reload.
BAD=$WORK/bad.conf
sed 's/^plugin_defaulttarget_target = .*/plugin_defaulttarget_target = <sip:/' \
    "$CONF" > "$BAD"
L=$(grep -n '^plugin_defaulttarget_target' "$BAD" | cut -d: -f1)
check "a bad module value stops the start, with file:line" sh -c \
    "ip netns exec $NS_FW timeout 10 $SIPROXD -d -f $BAD -s $WORK/bad.sock \
    2> $WORK/bad.log; [ \$? = 1 ] &&
    grep -q '$BAD:$L: plugin_defaulttarget_target: ' $WORK/bad.log"
cp "$BAD" "$CONF"
kill -HUP "$SXD"
check "at SIGHUP it is logged with file:line" wait_for 5 grep -q \
    "$CONF:$L: plugin_defaulttarget_target: " "$WORK/siproxd.log"
check "and the running configuration is kept" \
    grep -q "reload failed: keeping the running configuration" \
    "$WORK/siproxd.log"
check "defaulttarget still redirects after the failed reload" \
    sipp_run wan-dt2 "$NS_WAN" $WAN 5082 uac_302.xml $FW_OUT -s provider \
    -key domain sip.test -key callee nobody2 -key rdomain 203.0.113.1
check "to the old target" got wan-dt2 '^contact: <sip:operator@10\.0\.0\.2:5069>'

# stun, with a daemon of its own: what the STUN server in wan sees is
# 203.0.113.9, as if a NAT of the provider's stood between (fw's nftables
# rewrites the source of what goes to port 3478; wan reaches .9 by a
# static neighbour entry).  stund wants two addresses.
kill "$SXD"
wait_for 5 gone "$SXD"
in_fw nft -f - <<'NFT'
table ip stunnat {
	chain post {
		type nat hook postrouting priority 100;
		ip daddr 203.0.113.2 udp dport 3478 snat to 203.0.113.9
	}
}
NFT
in_wan ip neigh replace 203.0.113.9 dev wan0 \
    lladdr "$(in_fw cat /sys/class/net/out0/address)"
in_wan ip addr add 203.0.113.3/24 dev wan0
in_wan stund -h 203.0.113.2 -a 203.0.113.3 > "$WORK/stund.log" 2>&1 &
PIDS="$PIDS $!"
# log_calls (issue 16): logcall's lines without loading it
CONF2=$(grep -v "^load_plugin = plugin_${MOD_SKIP:-none}.la" <<'MODS' |
log_calls = 1
load_plugin = plugin_stun.la
plugin_stun_server = 203.0.113.2
plugin_stun_port = 3478
plugin_stun_period = 10
MODS
    write_conf stun)
start_siproxd "$CONF2" || exit 1
check "stun: the public address is learned" wait_for 10 grep -q \
    "stun: public address 203.0.113.9" "$WORK/siproxd.log"
sipp_bg wan-stun "$NS_WAN" $WAN 5072 call_uas.xml -s wan \
    -key expect_media 203.0.113.9
check "stun: a LAN call offers media at the public address" \
    sipp_run lan-stun "$NS_LAN" $LAN 5067 call_uac.xml $FW_IN -s phone9 \
    -key domain sip.test -key callee wan -key rdomain 203.0.113.2:5072 \
    -key expect_media 10.0.0.1
check "stun: the provider saw it" bg_ok wan-stun
check "stun: and our Contact names it" got wan-stun \
    '^contact: <sip:[^@]*@203\.0\.113\.9'
check "log_calls: the start, answer and end of that call are logged" sh -c \
    "grep -q 'call start, outgoing: phone9@sip.test -> wan@' $WORK/siproxd.log &&
    grep -q 'call answer 200, outgoing: phone9@sip.test' $WORK/siproxd.log &&
    grep -q 'call end (BYE), outgoing: phone9@sip.test' $WORK/siproxd.log"

finish
