#!/bin/sh
# SPDX-License-Identifier: ISC
# make demo: siproxd in the test topology, in the foreground, until ^C,
# SIGTERM or DEMO_SECONDS; then every namespace and temporary file goes.

if [ "$(id -u)" != 0 ]; then
	echo "make demo must run as root: it creates network namespaces" >&2
	exit 1
fi
case ${DEMO_SECONDS:-} in
'')	;;
*[!0-9]* | 0*)
	echo "DEMO_SECONDS must be a number of seconds, not" \
	    "\"$DEMO_SECONDS\"" >&2
	exit 1 ;;
esac
DEMO_TOP=$(cd "$(dirname "$0")/.." && pwd) || exit 1
if [ ! -x "$DEMO_TOP/siproxd" ]; then
	echo "no $DEMO_TOP/siproxd: run make first" >&2
	exit 1
fi
if ! command -v ip >/dev/null; then
	echo "ip(8) is missing: run sh regress/deps.sh" >&2
	exit 1
fi

# The test topology and its helpers; our own names, so that a test run
# at the same time builds beside us.
. "$DEMO_TOP/regress/e2e/lib.sh"
TOP=$DEMO_TOP
SIPROXD=$TOP/siproxd
T=demo
NS_LAN=sxdemo-lan-$$
NS_FW=sxdemo-fw-$$
NS_WAN=sxdemo-wan-$$
rmdir "$WORK"
WORK=$(mktemp -d /tmp/siproxd-demo.XXXXXX) || exit 1
chmod 0755 "$WORK"

SXD=""
RC=0
say() { echo "demo: $*"; }

# Ask the daemon to stop in order; it gets 5 s before SIGKILL.
demo_stop() {
	[ -n "$SXD" ] || return 0
	if ! gone "$SXD"; then
		kill -TERM "$SXD" 2>/dev/null
		wait_for 5 gone "$SXD" || kill -KILL "$SXD" 2>/dev/null
	fi
	wait "$SXD"
	RC=$?
	SXD=""
}

# Leave with the daemon's exit status (the EXIT trap cleans up).
demo_finish() {
	demo_stop
	[ "$RC" -eq 0 ] || say "siproxd exited with status $RC"
	exit "$RC"
}

topo_up
trap 'demo_stop; cleanup' EXIT
trap 'echo; say stopping; demo_finish' INT TERM

CONF=$(write_conf </dev/null)
ip netns exec "$NS_FW" "$SIPROXD" -d -v -f "$CONF" -s "$WORK/ctl.sock" &
SXD=$!
n=50
while [ ! -s "$WORK/siproxd.pid" ]; do
	if [ "$n" -eq 0 ] || gone "$SXD"; then
		say "siproxd did not start"
		exit 1
	fi
	sleep 0.1
	n=$((n - 1))
done

say "siproxd runs in namespace $NS_FW, pid $SXD, config $CONF"
say "  lan side: in0 10.0.0.1 fd00:1::1 (if_inbound)," \
    "phones in $NS_LAN at 10.0.0.2"
say "  wan side: out0 203.0.113.1 2001:db8:1::1 (if_outbound)," \
    "provider in $NS_WAN at 203.0.113.2"
command -v sipp >/dev/null ||
    say "(sipp is not installed: sh regress/deps.sh installs it)"
say "provider: ip netns exec $NS_WAN sipp -sn uas -i 203.0.113.2 -p 5060"
say "phones:   ip netns exec $NS_LAN sipp -sn uac -i 10.0.0.2" \
    "-rsa 10.0.0.1:5060 -m 1 203.0.113.2:5060"
say "reload:   kill -HUP $SXD    stop: ^C or kill $$"

if [ -n "${DEMO_SECONDS:-}" ]; then
	n=$DEMO_SECONDS
	while [ "$n" -gt 0 ] && ! gone "$SXD"; do
		sleep 1
		n=$((n - 1))
	done
	gone "$SXD" || say "$DEMO_SECONDS seconds are up: stopping"
else
	# Until the daemon stops by itself, or a signal runs the trap.
	wait "$SXD"
	RC=$?
	SXD=""
fi
demo_finish
