#!/bin/sh
# SPDX-License-Identifier: ISC
# A PBX or trunk behind one LAN address starts 200 calls at once: every
# INVITE arrives back to back from the same source, to a callee named by
# its address.  Each call is set up and carries its media both ways; none
# is refused as "too many in flight" (that bound is for sources whose
# requests wait on DNS lookups: starve.sh).

. "$(dirname "$0")/lib.sh"
need_root
need_python
topo_up
dns_up
N=200
CONF=$(write_conf <<CONF
rtp_port_low = 20000
rtp_port_high = 29999
CONF
)
start_siproxd "$CONF" || exit 1
LOG=$WORK/siproxd.log

ip netns exec "$NS_WAN" python3 "$E2E/flood.py" wan 203.0.113.2 120 \
    > "$WORK/wan.out" 2>&1 &
WANP=$!
PIDS="$PIDS $WANP"
wait_for 5 sh -c "ip netns exec $NS_WAN ss -lunH | grep -q ':40000 '"

# -C N: every INVITE is sent before the first answer is read.
in_lan python3 "$E2E/flood.py" phones 10.0.0.2 10.0.0.1:5060 -c $N -C $N \
    -k 5 -u sip:wan@203.0.113.2:5070 -q > "$WORK/phones" 2>&1
PHR=$?
sed 's/^/# /' "$WORK/phones"
check "$N calls started at once from one address: all set up, media back" \
    test $PHR -eq 0
check "none refused as too many in flight from one source" \
    sh -c "! grep -q 'messages in flight from there' '$LOG'"
kill "$WANP"
wait "$WANP"
sed 's/^/# /' "$WORK/wan.out"
INV=$(sed -n 's/.* invite=\([0-9]*\) .*/\1/p' "$WORK/wan.out")
check "the callee got every INVITE (${INV:-0}, with retransmissions)" \
    test "${INV:-0}" -ge $N
finish
