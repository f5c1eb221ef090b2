#!/bin/sh
# SPDX-License-Identifier: ISC
# make demo: it starts the daemon, shows a call through it with a summary,
# stops after DEMO_SECONDS, DEMO_ONESHOT or on ^C, exits 0 and leaves no
# namespace, process or temporary file behind.

. "$(dirname "$0")/lib.sh"
trap cleanup EXIT
need_root
DEMO=$TOP/regress/demo.sh
OUT=$WORK/demo.out

demo_ns() { ip netns list | awk '$1 ~ /^sxdemo-/ { print $1 }' | sort; }
# From the demo's output: its pid, the daemon's pid, its config file.
field() { sed -n "s/^demo: $1/\\1/p" "$OUT" | head -n 1; }
parse() {
	DPID=$(field '.*stop: ^C or kill \([0-9]*\)$')
	PID=$(field 'siproxd runs in namespace [^,]*, pid \([0-9]*\),.*')
	CONF=$(field 'siproxd runs .*, config \(.*\)$')
}
own_ns_gone() { [ -n "$DPID" ] && ! demo_ns | grep -q -- "-$DPID\$"; }
# New since we began: ours, or a demo's whose script no longer runs (a
# demo of a test run beside us may come and go meanwhile).
leftover_ns() {
	demo_ns | comm -13 "$WORK/ns.before" - | while read -r ns; do
		p=${ns##*-}
		if [ "$p" = "$DPID" ] || ! kill -0 "$p" 2>/dev/null; then
			echo "$ns"
		fi
	done
}
no_leftover() { [ -z "$(leftover_ns)" ]; }
daemon_gone() { [ -n "$PID" ] && gone "$PID"; }
files_gone() { [ -n "$CONF" ] && [ ! -e "$(dirname "$CONF")" ]; }

# demo_run NAME=VALUE: the demo with that variable, to its end (60 s at
# most); NAME=VALUE names the checks.
demo_run() {
	env "$1" timeout 60 sh "$DEMO" > "$OUT" 2>&1
	_rc=$?
	parse
	check "$1: exits 0" test "$_rc" -eq 0
}

# left_behind WHAT: the checks every finished demo must pass.
left_behind() {
	check "$1: no namespace left behind" no_leftover
	check "$1: its own namespaces are gone" own_ns_gone
	check "$1: the daemon is gone" daemon_gone
	check "$1: its temporary files are gone" files_gone
}

demo_ns > "$WORK/ns.before"

# DEMO_ONESHOT=1: the call it shows, its summary, then it stops.
demo_run DEMO_ONESHOT=1
check "DEMO_ONESHOT=1: the phone registered" \
    grep -q '^demo:   phone registered: *yes$' "$OUT"
check "DEMO_ONESHOT=1: the call was set up and ended" \
    grep -q '^demo:   call set up and ended: *yes$' "$OUT"
check "DEMO_ONESHOT=1: siproxctl showed the phone during the call" \
    grep -q '^    phone1@203\.0\.113\.2  *sip:phone1@10\.0\.0\.2:5061 ' "$OUT"
check "DEMO_ONESHOT=1: and the call's stream" grep -q -E \
    '^    [0-9a-f]+ +0 +70[78][0-9] +70[78][0-9] +10\.0\.0\.2:16000 +203\.0\.113\.2:26000 ' \
    "$OUT"
check "DEMO_ONESHOT=1: 50 RTP packets relayed each way" sh -c \
    "grep -q '^demo:   RTP relayed LAN -> WAN: *50 of 50 packets$' '$OUT' &&
    grep -q '^demo:   RTP relayed WAN -> LAN: *50 of 50 packets$' '$OUT'"
check "DEMO_ONESHOT=1: no private address on the WAN" grep -q -E \
    '^demo:   private addresses on the WAN: 0 in [1-9][0-9]* SIP messages$' \
    "$OUT"
check "DEMO_ONESHOT=1: it stops after the summary" sh -c \
    "! grep -q '^demo: reload:' '$OUT' && grep -q '^siproxd: terminated$' '$OUT'"
[ -n "${FAILED:-}" ] && sed 's/^/# /' "$OUT"

demo_run DEMO_SECONDS=3
check "DEMO_SECONDS=3: the daemon started" \
    grep -q '^siproxd: started: sipd pid [0-9]*, rtpd pid [0-9]*$' "$OUT"
check "DEMO_SECONDS=3: it says how to reach the daemon" \
    grep -q '^demo: phones: *ip netns exec sxdemo-lan-[0-9]* sipp ' "$OUT"
check "DEMO_SECONDS=3: it stops by itself" \
    grep -q '^demo: 3 seconds are up: stopping$' "$OUT"
check "DEMO_SECONDS=3: the daemon stops in order" sh -c \
    "grep -q '^siproxd: terminated$' '$OUT' &&
    ! grep -q 'did not stop in time' '$OUT'"
left_behind "DEMO_SECONDS=3"
[ -n "${FAILED:-}" ] && sed 's/^/# /' "$OUT"

# ^C on a terminal signals the whole process group.
: > "$OUT"
setsid sh "$DEMO" > "$OUT" 2>&1 &
SID=$!
PIDS="$PIDS $SID"
if wait_for 40 grep -q '^demo: reload:' "$OUT"; then
	parse
	[ -n "$DPID" ] && kill -INT "-$DPID"
	check "^C: the demo stops within 10 s" wait_for 10 gone "$SID"
fi
if gone "$SID"; then
	wait "$SID"
	rc=$?
	PIDS=${PIDS% "$SID"}
	check "^C: exits 0" test "$rc" -eq 0
	left_behind "^C"
else
	fail "^C: the demo did not start or did not stop"
	kill -TERM "$SID"
	wait_for 10 gone "$SID" || kill -KILL "$SID"
	for ns in lan fw wan; do
		for p in $(ip netns pids "sxdemo-$ns-$SID" 2>/dev/null); do
			kill -KILL "$p"
		done
		ip netns del "sxdemo-$ns-$SID" 2>/dev/null
	done
fi
[ -n "${FAILED:-}" ] && sed 's/^/# /' "$OUT"

# Not root: a clear message and status 1, before anything is built.
if setpriv --reuid=nobody --regid=nogroup --clear-groups \
    test -r "$DEMO" 2>/dev/null; then
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    sh "$DEMO" > "$OUT" 2>&1
	check "not root: exits 1" test $? -eq 1
	check "not root: says it needs root" grep -q "must run as root" "$OUT"
fi
DEMO_SECONDS=soon sh "$DEMO" > "$OUT" 2>&1
check "a bad DEMO_SECONDS is refused" test $? -eq 1
check "and the refusal says why" grep -q "DEMO_SECONDS must be" "$OUT"

finish
