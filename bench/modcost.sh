#!/bin/sh
# SPDX-License-Identifier: ISC
# The CPU a call costs sipd with every built-in module loaded, against none,
# in one run: N calls (INVITE/200/ACK/BYE, SDP both ways, media relayed)
# through each configuration in turn, twice, on the e2e topology.  sipd's
# run time comes from /proc/PID/schedstat (nanoseconds).  As root.
#   MODCOST_CALLS=3000 MODCOST_RATE=300 sh bench/modcost.sh

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/regress/e2e/lib.sh"
. "$TOP/bench/calls.sh"
T=modcost
topo_up
N=${MODCOST_CALLS:-3000}
R=${MODCOST_RATE:-300}

base() {
	cat <<'CONF'
rtp_port_low = 20000
rtp_port_high = 40999
silence_log = 1
CONF
}

# Every module, each configured to do its work on every call where it
# can without ending it (the redirecting ones look and let it pass).
all_mods() {
	base
	cat <<'CONF'
load_plugin = plugin_logcall.la
load_plugin = plugin_siptrunk.la
plugin_siptrunk_name = T
plugin_siptrunk_account = sip:trunk@sip.test
plugin_siptrunk_numbers_regex = ^555123(10[0-9]|11[012])$
load_plugin = plugin_defaulttarget.la
plugin_defaulttarget_target = sip:operator@10.0.0.2
load_plugin = plugin_fix_bogus_via.la
plugin_fix_bogus_via_networks = 192.168.0.0/16
load_plugin = plugin_fix_DTAG.la
plugin_fix_DTAG_networks = 198.51.100.0/24
load_plugin = plugin_fix_fbox_anoncall.la
plugin_fix_fbox_anoncall_networks = 10.0.0.0/8
load_plugin = plugin_stripheader.la
plugin_stripheader_remove = User-Agent
plugin_stripheader_remove = Allow:INFO
plugin_stripheader_remove = Supported:100rel
load_plugin = plugin_codecfilter.la
plugin_codecfilter_blacklist = G722
plugin_codecfilter_blacklist = GSM
load_plugin = plugin_regex.la
plugin_regex_desc = international
plugin_regex_pattern = ^(sips?:)00
plugin_regex_replace = \1+
load_plugin = plugin_regex_body.la
plugin_regex_body_desc = session name
plugin_regex_body_pattern = s=-
plugin_regex_body_replace = s=siproxd
load_plugin = plugin_shortdial.la
plugin_shortdial_akey = *00
plugin_shortdial_entry = 5551234
load_plugin = plugin_prefix.la
load_plugin = plugin_stun.la
plugin_stun_server = 203.0.113.2
load_plugin = plugin_blacklist.la
load_plugin = plugin_demo.la
CONF
}

# run NAME: N calls through the config NAME; sipd's CPU in microseconds.
run() {
	_c=$WORK/$1.conf
	rm -f "$WORK/siproxd.log"
	start_siproxd "$_c" >&2 || exit 1
	_p=$(child_pid sipd)
	_t0=$(cpu_ns "$_p")
	n_calls "$1" "$WORK/uac-$1.out"
	_rc=$?
	_t1=$(cpu_ns "$_p")
	kill "$SXD"
	wait_for 10 gone "$SXD"
	[ $_rc -eq 0 ] || { echo "# $1: sipp failed" >&2; echo 0; return; }
	echo $(((_t1 - _t0) / 1000))
}

base | write_conf none > /dev/null
all_mods | write_conf all > /dev/null
n1=$(run none); a1=$(run all); n2=$(run none); a2=$(run all)
none=$((n1 + n2))
all=$((a1 + a2))
echo "calls: $N twice each, $R/s"
echo "sipd CPU, no module:    $n1 + $n2 us, $((none / (2 * N))) us a call"
echo "sipd CPU, every module: $a1 + $a2 us, $((all / (2 * N))) us a call"
[ "$none" -gt 0 ] && [ "$n1" -gt 0 ] && [ "$a1" -gt 0 ] && [ "$n2" -gt 0 ] &&
    [ "$a2" -gt 0 ] &&
    awk -v a="$all" -v n="$none" 'BEGIN { printf "ratio: %.3f\n", a / n }'
