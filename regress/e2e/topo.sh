# SPDX-License-Identifier: ISC
# The test topology, one source for the end-to-end tests (lib.sh sources
# this file) and make bench (bench/bench.py runs it):
#
#  ns LAN 10.0.0.2 --- lan0|in0 --- 10.0.0.1 [ns FW] 203.0.113.1
#        --- out0|wan0 --- 203.0.113.2 ns WAN
# (fd00:1::/64 and 2001:db8:1::/64 carry the same for IPv6); with
# "direct", a veth from LAN (dl0 10.1.0.2) straight to WAN (dw0 10.1.0.3)
# too, the bench's path without a proxy.  FW does not route: only the
# proxy joins the two sides.
#
#   sh topo.sh LAN FW WAN [direct]	the namespaces named, built

# topo_links LAN FW WAN [direct]
topo_links() {
	ip netns add "$1" && ip netns add "$2" && ip netns add "$3" ||
	    return 1
	ip link add lan0 netns "$1" type veth peer name in0 netns "$2" &&
	ip link add out0 netns "$2" type veth peer name wan0 netns "$3" ||
	    return 1
	for _ns in "$1" "$2" "$3"; do
		ip -n "$_ns" link set lo up
	done
	topo_addr "$1" lan0 10.0.0.2/24 fd00:1::2/64
	ip -n "$1" route add default via 10.0.0.1
	topo_addr "$2" in0 10.0.0.1/24 fd00:1::1/64
	topo_addr "$2" out0 203.0.113.1/24 2001:db8:1::1/64
	topo_addr "$3" wan0 203.0.113.2/24 2001:db8:1::2/64
	if [ "${4:-}" = direct ]; then
		ip link add dl0 netns "$1" type veth peer name dw0 netns "$3" ||
		    return 1
		topo_addr "$1" dl0 10.1.0.2/24
		topo_addr "$3" dw0 10.1.0.3/24
	fi
	ip netns exec "$2" sysctl -qw net.ipv4.ip_forward=0
}

# topo_addr NS DEV ADDR...: the addresses on DEV, and DEV up
topo_addr() {
	_ns=$1 _dev=$2
	shift 2
	for _a in "$@"; do
		case $_a in
		*:*)	ip -n "$_ns" addr add "$_a" dev "$_dev" nodad ;;
		*)	ip -n "$_ns" addr add "$_a" dev "$_dev" ;;
		esac
	done
	ip -n "$_ns" link set "$_dev" up
}

case ${0##*/} in
topo.sh)	topo_links "$@" ;;
esac
