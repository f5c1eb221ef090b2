#!/bin/sh
# SPDX-License-Identifier: ISC
# plugin_blacklist: a LAN sender whose REGISTERs with credentials the
# provider keeps refusing is dropped after plugin_blacklist_hitcount
# failures, others are not; the block survives a restart, simulate only
# logs, and a block runs out plugin_blacklist_duration seconds after the
# sender's last try.

. "$(dirname "$0")/lib.sh"
topo_up
dns_up
ip -n "$NS_LAN" addr add 10.0.0.3/24 dev lan0

blconf() {	# blconf SIMULATE DURATION
	write_conf <<CONF
load_plugin = plugin_blacklist.la
plugin_blacklist_dbpath = /var/lib/siproxd/blacklist.sqlite
plugin_blacklist_db_sync_mode = OFF
//plugin_blacklist_mode = 2
plugin_blacklist_simulate = $1
plugin_blacklist_duration = $2
plugin_blacklist_hitcount = 3
plugin_blacklist_register_window = 30
CONF
}
# try NAME IP USER [sipp args]: USER on IP registers with wrong credentials
# and is refused by the provider within 2 s of each try.
try() {
	_t=$1 _ip=$2 _u=$3
	shift 3
	sipp_run "$_t" "$NS_LAN" "$_ip" 5061 bl_reg.xml 10.0.0.1:5060 \
	    -s "$_u" -key domain sip.test -l 1 "$@"
}
dropped() { ! try "$@"; }
# at_wan USER: how many REGISTERs of USER the provider has seen
at_wan() { received wan-reg | grep -c "^from: <sip:$1@"; }
restart() {
	kill "$SXD"
	wait_for 10 gone "$SXD" || fail "siproxd did not stop"
	start_siproxd "$1"
}

# One registrar for the whole test, refusing every REGISTER.
sipp_bg wan-reg "$NS_WAN" 203.0.113.2 5060 wan_reg_refuse.xml -m 1000 \
    -timeout 600s
start_siproxd "$(blconf 0 3600)" || exit 1

check "REGISTERs without credentials do not count (5 refused, all answered)" \
    sipp_run nocred "$NS_LAN" 10.0.0.2 5061 phone_reg_refused.xml \
    10.0.0.1:5060 -s nocred -key domain sip.test -key expires 300 -m 5 -l 1
check "brute: four REGISTERs with credentials, each refused" \
    try brute1 10.0.0.2 brute -m 4
check "the fifth gets no answer: hitcount 3 is passed" \
    dropped brute2 10.0.0.2 brute
check "and never reached the provider" test "$(at_wan brute)" = 4
check "the block is logged" grep -q \
    'blacklist: 10.0.0.2 \[brute@sip.test\]: 4 failed registrations: blocked' \
    "$WORK/siproxd.log"
check "the drop is logged" grep -q \
    'blacklist: REGISTER from 10.0.0.2 \[brute@sip.test\], 4 failed registrations: dropped' \
    "$WORK/siproxd.log"
check "the same user from another address is not blocked" \
    try other1 10.0.0.3 brute
check "another user from the blocked address is not blocked" \
    try other2 10.0.0.2 someone

# A restart keeps the block: the records are in sipd's state file.
restart "$WORK/siproxd.conf" || exit 1
check "the record is saved beside the registrations" grep -q \
    '^10\.0\.0\.2 4 [0-9]* brute@sip\.test$' "$WORK/registrations.state"
check "restored at start" grep -q 'blacklist: 3 records restored' \
    "$WORK/siproxd.log"
check "after a restart brute is still dropped" dropped brute3 10.0.0.2 brute
check "and the other address still answered" try other3 10.0.0.3 brute
check "the provider saw nothing more of brute from 10.0.0.2" \
    test "$(at_wan brute)" = 6

# simulate = 1: logged, not dropped.
restart "$(blconf 1 3600)" || exit 1
check "simulate: brute's REGISTER goes through" try sim 10.0.0.2 brute
check "simulate: and is logged" grep -q \
    'blacklist: REGISTER from 10.0.0.2 \[brute@sip.test\], [0-9]* failed registrations: would be dropped (simulate)' \
    "$WORK/siproxd.log"

# duration = 5: a block ends 5 s after the sender's last try.
restart "$(blconf 0 5)" || exit 1
check "brute2: four refusals" try exp1 10.0.0.2 brute2 -m 4
check "brute2 is blocked" dropped exp2 10.0.0.2 brute2
sleep 6
check "5 s after its last try brute2 is answered again" \
    try exp3 10.0.0.2 brute2
check "and so is brute, blocked before the restart" try exp4 10.0.0.2 brute

finish
