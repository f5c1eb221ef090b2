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
listed() { pfsense_phones "$WORK/registrations" | grep -q " $1 "; }
check "the phone is on pfSense's Registered Phones page" \
    wait_for 3 listed phone1@sip.test

# 2. The phone calls out, its INVITE to the provider's address.
out_call c1 $WAN:5060
check "the answer the phone sees names a relay port" test -n "$P_IN"
check "redirected call: media relayed both ways" \
    talk 16000 "$P_IN" 26000 "$P_OUT"
check "redirected call ends for the phone" bg_ok lan-c1
check "redirected call ends for the provider" bg_ok wan-c1

# 3. The provider calls the phone registered through the redirect.
in_call c2
check "incoming call to the redirected phone: media both ways" \
    talk 16000 "$P_IN" 26000 "$P_OUT"
check "incoming call ends" bg_ok wan-c2
bg_ok lan-c2
finish
