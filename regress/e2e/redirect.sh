#!/bin/sh
# SPDX-License-Identifier: ISC
# The firewall redirect of pfSense's package, done with nftables: phones
# that send to the provider's address are sent to 127.0.0.1:5060; they
# register and call through the proxy, hear it from the provider's
# address, and their media is relayed.

. "$(dirname "$0")/lib.sh"
topo_up
dns_up
need_rtptool
command -v nft > /dev/null || { echo "FAIL - $T: no nft"; exit 1; }
LAN=10.0.0.2
WAN=203.0.113.2

# redirect_up: the rule pfSense writes, "rdr on <inside> proto udp from
# any to !(<inside>) port 5060 -> 127.0.0.1 port 5060", as nftables.
redirect_up() {
	in_fw sysctl -qw net.ipv4.conf.in0.route_localnet=1
	in_fw nft -f - <<NFT
table ip sxredir {
	chain pre {
		type nat hook prerouting priority dstnat;
		iifname "in0" udp dport 5060 ip daddr != 10.0.0.1 \
		    dnat to 127.0.0.1:5060
	}
}
NFT
}
redirect_up || { echo "FAIL - $T: nft"; exit 1; }

CONF=$(write_conf </dev/null)
start_siproxd "$CONF" || exit 1
check "siproxd listens on 127.0.0.1:5060 (udp)" sh -c \
    "ip netns exec $NS_FW ss -uanH | awk '{ print \$4 }' | grep -qx 127.0.0.1:5060"
check "siproxd listens on 127.0.0.1:5060 (tcp)" sh -c \
    "ip netns exec $NS_FW ss -tlnH | awk '{ print \$4 }' | grep -qx 127.0.0.1:5060"
check "siproxd listens on [::1]:5060" sh -c \
    "ip netns exec $NS_FW ss -uanH | awk '{ print \$4 }' | grep -qx '\[::1\]:5060'"
check "never on the wildcard" sh -c \
    "! ip netns exec $NS_FW ss -uanH | awk '{ print \$4 }' | grep -qE '^(0\.0\.0\.0|\*|\[::\]):5060$'"

# 1. The phone registers with the provider's address as its registrar.
sipp_bg wan-reg "$NS_WAN" $WAN 5060 wan_reg.xml
check "a phone sending REGISTER to the provider's address gets 200" \
    sipp_run lan-reg "$NS_LAN" $LAN 5061 phone_reg.xml $WAN:5060 \
    -s phone1 -key domain sip.test -key expires 300
check "the registrar got it from the proxy" bg_ok wan-reg
check "the registration is in the table" \
    wait_for 3 grep -q "phone1@sip.test" "$WORK/registrations"

# 2. The phone calls out, its INVITE to the provider's address.
out_call c1 $WAN:5060
check "the answer the phone sees names a relay port" test -n "$P_IN"
check "redirected call: media relayed both ways" \
    talk 16000 "$P_IN" 26000 "$P_OUT"
check "redirected call ends for the phone" bg_ok lan-c1
check "redirected call ends for the provider" bg_ok wan-c1

# 3. The provider calls the phone registered through the redirect.
sipp_bg lan-c2 "$NS_LAN" $LAN 5061 rtp_uas.xml -s phone1 -key rtpport 16000
sipp_bg wan-c2 "$NS_WAN" $WAN 5080 rtp_uac.xml -s provider \
    -key domain sip.test -key callee phone1 -key rdomain 203.0.113.1 \
    -key rtpport 26000 203.0.113.1:5060
P_IN=$(wait_for 5 sdp_port lan-c2 1 audio && sdp_port lan-c2 1 audio)
P_OUT=$(wait_for 5 sdp_port wan-c2 1 audio && sdp_port wan-c2 1 audio)
check "incoming call to the redirected phone: media both ways" \
    talk 16000 "$P_IN" 26000 "$P_OUT"
check "incoming call ends" bg_ok wan-c2
bg_ok lan-c2
finish
