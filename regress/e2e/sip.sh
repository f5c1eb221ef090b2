#!/bin/sh
# SPDX-License-Identifier: ISC
# SIP through the NAT over UDP: registrations and calls both ways, with
# sipp phones on the LAN and a sipp provider on the WAN.

. "$(dirname "$0")/lib.sh"
topo_up
dns_up

CONF=$(write_conf </dev/null)
start_siproxd "$CONF" || exit 1
REG=$WORK/registrations.state	# ours; the classic file is beside it
FW_IN=10.0.0.1:5060
FW_OUT=203.0.113.1:5060

# phone_register NAME PORT SCENARIO REGISTRAR EXPIRES: phone NAME on LAN:PORT.
phone_register() {
	sipp_bg "wan-reg-$1-$5" "$NS_WAN" $WAN 5060 "$4"
	sipp_run "lan-reg-$1-$5" "$NS_LAN" $LAN "$2" "$3" $FW_IN \
	    -s "$1" -key domain sip.test -key expires "$5"
	_r=$?
	bg_ok "wan-reg-$1-$5" 2>/dev/null
	return $_r
}
registered() { wait_for 3 grep -q "^$1@sip.test " "$REG"; }
not_registered() { wait_for 3 sh -c "! grep -q '^$1@sip.test ' $REG"; }

check "phone1 registers, the registrar echoes its Contact" \
    phone_register phone1 5061 phone_reg.xml wan_reg.xml 300
check "phone1's binding is saved" registered phone1
check "phone2 registers at the same time" \
    phone_register phone2 5062 phone_reg.xml wan_reg.xml 300
check "phone2's binding is saved" registered phone2
check "phone3 registers with a registrar that lists no Contact" \
    phone_register phone3 5063 phone_reg_any.xml wan_reg_noecho.xml 300
check "phone3's binding counts" registered phone3
check "phone4's REGISTER is refused by the registrar (403 reaches it)" \
    phone_register phone4 5064 phone_reg_refused.xml wan_reg_refuse.xml 300
check "a refused REGISTER leaves no binding" not_registered phone4
check "phone1 refreshes its registration" \
    phone_register phone1 5061 phone_reg.xml wan_reg.xml 300
check "phone1 is still bound after the refresh" registered phone1

WAN_ME=203.0.113.1

check "LAN->WAN call: INVITE/180/200/ACK/BYE, SDP rewritten both ways" \
    lan_calls call1 call_uas.xml call_uac.xml "$WAN_ME"
check "WAN->LAN call to phone1" \
    wan_calls call2 phone1 5061 call_uas.xml call_uac.xml
check "WAN->LAN call to phone2 reaches phone2" \
    wan_calls call3 phone2 5062 call_uas.xml call_uac.xml
check "WAN->LAN call to phone3 (registrar without echo)" \
    wan_calls call3b phone3 5063 call_uas.xml call_uac.xml
check "CANCEL of a ringing LAN->WAN call" \
    lan_calls cancel1 call_uas_cancel.xml call_uac_cancel.xml "$WAN_ME"
check "CANCEL of a ringing WAN->LAN call" \
    wan_calls cancel2 phone1 5061 call_uas_cancel.xml call_uac_cancel.xml
check "486 Busy Here from the WAN reaches the phone, ACK goes back" \
    lan_calls busy1 call_uas_busy.xml call_uac_busy.xml "$WAN_ME"
check "486 Busy Here from the phone reaches the WAN" \
    wan_calls busy2 phone1 5061 call_uas_busy.xml call_uac_busy.xml
check "re-INVITE in a LAN->WAN call" \
    lan_calls reinv1 call_uas_reinvite.xml call_uac_reinvite.xml "$WAN_ME"
check "re-INVITE in a WAN->LAN call" \
    wan_calls reinv2 phone1 5061 call_uas_reinvite.xml call_uac_reinvite.xml
check "OPTIONS LAN->WAN" \
    lan_calls opt1 options_uas.xml options_uac.xml "$WAN_ME"
check "OPTIONS WAN->LAN" wan_calls opt2 phone1 5061 options_uas.xml \
    options_uac.xml
check "a request for nobody registered gets no phone" sh -c "! \
    ip netns exec $NS_WAN sipp -sf $SC/options_uac.xml -i $WAN -p 5081 \
    -m 1 -timeout 5s -timeout_error -s provider -key domain sip.test \
    -key callee nobody -key rdomain 203.0.113.1 $FW_OUT \
    </dev/null >/dev/null 2>&1"
check "and the proxy says why" \
    wait_for 3 grep -q "no such phone" "$WORK/siproxd.log"

# No registrar for the domain: a REGISTER to siproxd itself is kept here,
# as in the classic siproxd, and incoming calls still find the phone.
check "a REGISTER addressed to siproxd is answered by siproxd" \
    sipp_run lan-reg7 "$NS_LAN" $LAN 5067 phone_reg.xml $FW_IN \
    -s phone7 -key domain 10.0.0.1 -key expires 300
check "the local binding is saved" \
    wait_for 3 grep -q "^phone7@10.0.0.1 " "$REG"
check "a WAN call reaches the locally registered phone" \
    wan_calls call7 phone7 5067 call_uas.xml call_uac.xml

# IPv6 on the LAN side: a phone on fd00:1::2 registers with the (IPv4)
# provider and makes and takes calls; each side sees its own family.
sipp_bg wan-reg6 "$NS_WAN" $WAN 5060 wan_reg.xml
check "an IPv6 phone registers through an IPv4 provider" \
    sipp_run lan-reg6 "$NS_LAN" fd00:1::2 5066 phone_reg_any.xml \
    '[fd00:1::1]:5060' -s phone6 -key domain sip.test -key expires 300
bg_ok wan-reg6
check "the IPv6 phone's binding is saved" registered phone6
check "the provider saw an IPv4 Contact for the IPv6 phone" \
    grep -q "Contact: <sip:phone6@203.0.113.1:5060>" "$WORK/wan-reg6.msg"
sipp_bg wan-v6a "$NS_WAN" $WAN 5070 call_uas.xml -s wan \
    -key expect_media 203.0.113.1
check "IPv6 phone -> IPv4 WAN call, SDP in each side's family" \
    sipp_run lan-v6a "$NS_LAN" fd00:1::2 5066 call_uac.xml '[fd00:1::1]:5060' \
    -s phone6 -key domain sip.test -key callee wan -key rdomain uas.test \
    -key expect_media fd00:1::1
bg_ok wan-v6a
sipp_bg lan-v6b "$NS_LAN" fd00:1::2 5066 call_uas.xml -s phone6 \
    -key expect_media fd00:1::1
check "IPv4 WAN -> IPv6 phone call" \
    sipp_run wan-v6b "$NS_WAN" $WAN 5080 call_uac.xml $FW_OUT -s provider \
    -key domain sip.test -key callee phone6 -key rdomain 203.0.113.1 \
    -key expect_media 203.0.113.1
check "the IPv6 phone answered it" bg_ok lan-v6b

# A restart between REGISTER and the incoming call keeps the phone reachable.
kill -TERM "$SXD"
check "siproxd stops for the restart" wait_for 3 gone "$SXD"
start_siproxd "$CONF" || exit 1
check "after a restart the incoming call still reaches phone2" \
    wan_calls call4 phone2 5062 call_uas.xml call_uac.xml

check "phone2 unregisters (Expires: 0)" \
    phone_register phone2 5062 phone_reg_any.xml wan_reg.xml 0
check "phone2's binding is gone" not_registered phone2
check "phone1 is untouched by phone2's unregister" registered phone1

# The outbound interface changes address (a ppp0 that redials): the next
# call uses the new one, without a restart and without losing phone1.
ip -n "$NS_FW" addr del 203.0.113.1/24 dev out0
ip -n "$NS_FW" addr add 203.0.113.9/24 dev out0
check "the listener follows the new outbound address" wait_for 8 sh -c \
    "ip netns exec $NS_FW ss -lnuH | grep -q '203.0.113.9:5060 '"
WAN_ME=203.0.113.9
check "a LAN->WAN call after the change uses the new address" \
    lan_calls call5 call_uas.xml call_uac.xml "$WAN_ME"
check "phone1 is still registered after the change" registered phone1

# A tel: Request-URI (RFC 3966) names no host; with no outbound proxy to
# take it there is nowhere to send it: 416, and sipd carries on.
check "an INVITE to a tel: URI from a LAN phone gets 416" \
    sipp_run lan-tel "$NS_LAN" $LAN 5061 uac_416.xml $FW_IN -s phone1 \
    -key domain sip.test -key ruri tel:+15551234
check "the log says why the tel: INVITE was refused" \
    grep -q "416 no host in the request-uri" "$WORK/siproxd.log"
check "sipd is still running after the tel: INVITE" kill -0 "$(child_pid sipd)"

# Nothing private crosses to the WAN: finish (lib.sh) checks everything
# the firewall sent out of its WAN interface.
check "the WAN side saw messages at all" test -n \
    "$(cat "$WORK"/wan-*.msg 2>/dev/null | head -1)"
check "sipd is still running" kill -0 "$(child_pid sipd)"
finish
