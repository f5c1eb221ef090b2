#!/bin/sh
# SPDX-License-Identifier: ISC
# No LAN address leaves on the WAN side: a phone that names its address in
# From, P-Asserted-Identity, P-Preferred-Identity, Referred-By, Reply-To,
# a Call-ID without "@" and ICE candidates calls the provider; the
# provider sees none of it, and the dialog still matches on both sides
# (the answer and the provider's BYE reach the phone as it wrote them).

. "$(dirname "$0")/lib.sh"
topo_up

CONF=$(write_conf </dev/null)
start_siproxd "$CONF" || exit 1

# The phone registers with the proxy itself (its domain is the proxy's
# LAN address), so that the provider's BYE finds it.
check "the phone registers with the proxy" \
    sipp_run lan-reg "$NS_LAN" $LAN 5061 phone_reg.xml 10.0.0.1:5060 \
    -s phone -key domain 10.0.0.1 -key expires 300

call() {	# call NAME [sipp args]: the phone calls wan@WAN:5070
	cname=$1
	shift
	sipp_bg "wan-$cname" "$NS_WAN" $WAN 5070 privacy_uas.xml -s wan
	sipp_run "lan-$cname" "$NS_LAN" $LAN 5061 privacy_uac.xml \
	    10.0.0.1:5060 -s phone -key domain 10.0.0.1 -key callee wan -key rdomain "$WAN:5070" \
	    "$@"
	_r=$?
	bg_ok "wan-$cname" && [ $_r -eq 0 ]
}

check "a call with the LAN address everywhere completes, the provider's BYE reaches the phone" \
    call call1 -cid_str '%s-%u-%p'
check "the Call-ID had no @ and named the LAN address" \
    grep -q "^Call-ID: 10\.0\.0\.2-1-[0-9]" "$WORK/lan-call1.msg"
check "the same with the Call-ID's host the LAN address" \
    call call2 -cid_str '%u-%p@%s'
check "sipd is still running" kill -0 "$(child_pid sipd)"
[ -n "${FAILED:-}" ] && cat "$WORK"/*-call*.err 2>/dev/null | head -20 |
    sed 's/^/# /'
finish
