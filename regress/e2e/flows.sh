#!/bin/sh
# SPDX-License-Identifier: ISC
# Calls whose offer and answer take other paths than INVITE and 200, with
# media through the relay in each (flows.py says what each flow sends and
# checks); a phone that never registered gets its far end's re-INVITE
# and BYE; calls across transports (RFC 5658).

. "$(dirname "$0")/lib.sh"
need_python
topo_up
ip -n "$NS_WAN" addr add 203.0.113.3/24 dev wan0	# a second UAS host
# The kernel would pick another source than ours for the far end: only a
# socket bound to our address on that side leaves from it.
ip -n "$NS_FW" addr add 203.0.113.9/32 dev out0
ip -n "$NS_FW" route replace 203.0.113.2/32 dev out0 src 203.0.113.9
CONF=$(write_conf </dev/null)
start_siproxd "$CONF" || exit 1

for flow in ${FLOWS:-farend early early2 fork rtcpmux reinvite farend-reinvite update early-update prack phone-tcp wan-tcp}; do
	PYTHONPATH=$E2E python3 "$E2E/flows.py" "$NS_LAN" "$NS_WAN" "$flow" \
	    > "$WORK/flow-$flow.out" 2>&1
	_r=$?
	sed 's/^/# /' "$WORK/flow-$flow.out"
	check "$flow: signalling and media as flows.py describes" [ $_r -eq 0 ]
done
finish
