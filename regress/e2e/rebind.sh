#!/bin/sh
# SPDX-License-Identifier: ISC
# A binding moves only on the registrar's 2xx: another LAN host that
# sends a REGISTER with a phone's To and Contact, challenged, refused or
# not answered, leaves the phone's binding and its calls where they were.

. "$(dirname "$0")/lib.sh"
topo_up
# forge.py names its source in User-Agent, which the proxy passes on.
WAN_LEAK_OK='User-agent: forge-10\.0\.0\.[0-9]+'
dns_up
ip -n "$NS_LAN" addr add 10.0.0.3/24 dev lan0	# another host on the LAN
FORGE="python3 $E2E/forge.py"
CONF=$(write_conf < /dev/null)
start_siproxd "$CONF" || exit 1

# reg MODE SRC PORT: a REGISTER for phone1, Contact 10.0.0.2:5061, from
# SRC:PORT; the registrar answers MODE.  What the sender saw: $WORK/reg.
reg() {
	in_wan $FORGE registrar "$1" 3 &
	_r=$!
	wait_for 5 udp_bound "$NS_WAN" 5060
	in_lan $FORGE register "$2" "$3" phone1 10.0.0.2:5061 > "$WORK/reg"
	wait $_r
	sed "s/^/# $1 to $2:$3: /" "$WORK/reg"
}
# binding: phone1's transport, source and state in siproxctl show phones.
binding() {
	"$TOP/siproxctl" -s "$WORK/ctl.sock" show phones |
	    awk '$1 == "phone1@sip.test" { print $5, $6, $7 }'
}
is_bound() {
	_b=$(binding)
	echo "# binding: $_b"
	[ "$_b" = "$*" ]
}
# reached PORT: a WAN request for phone1 reaches 10.0.0.2:PORT and no
# other host.  The sinks listen 6 s from their start: on a loaded machine
# starting them, seeing them bound and starting the asker took over 3 s.
reached() {
	in_lan $FORGE sink 10.0.0.2 "$1" 6 > "$WORK/sink-phone" &
	_s1=$!
	in_lan $FORGE sink 10.0.0.3 5061 6 > "$WORK/sink-other" &
	_s2=$!
	wait_for 5 udp_bound "$NS_LAN" "$1"
	wait_for 5 udp_bound "$NS_LAN" 5061
	in_wan $FORGE ask 203.0.113.2 5097 1 phone1 > /dev/null
	wait $_s1 $_s2
	sed "s/^/# phone: /" "$WORK/sink-phone"
	sed "s/^/# other host: /" "$WORK/sink-other"
	grep -q "udp=1 " "$WORK/sink-phone" &&
	    grep -q "udp=0 tcp=0" "$WORK/sink-other"
}

reg 200 10.0.0.2 5061
check "phone1 registers" grep -q "^SIP/2.0 200" "$WORK/reg"
check "show phones: its transport and source" \
    is_bound udp 10.0.0.2:5061 active

for mode in 401 403 silent; do
	reg $mode 10.0.0.3 5061
	check "another host's REGISTER for phone1 ($mode) leaves the binding" \
	    is_bound udp 10.0.0.2:5061 active
	check "and a WAN request for phone1 still reaches phone1 ($mode)" \
	    reached 5061
done

# A 2xx moves it: the phone's NAT or socket changed ports.
reg 200 10.0.0.2 5063
check "a REGISTER the registrar accepts moves the source" \
    is_bound udp 10.0.0.2:5063 active
check "and requests follow it" reached 5063
check "sipd is still running" wait_for 1 child_pid sipd
finish
