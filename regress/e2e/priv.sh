#!/bin/sh
# SPDX-License-Identifier: ISC
# The privilege-separated skeleton: listeners, dropped privileges, the
# parent's vetting, children that die, SIGHUP and SIGTERM.

. "$(dirname "$0")/lib.sh"
topo_up

CONF=$(write_conf </dev/null)
start_siproxd "$CONF" || exit 1
SIPD=$(child_pid sipd)
RTPD=$(child_pid rtpd)
check "sipd and rtpd run" test -n "$SIPD" -a -n "$RTPD"

# Listeners: the interfaces' addresses and loopback (for a firewall's
# redirect), never a wildcard.
LS=$( (in_fw ss -lnuH; in_fw ss -lntH) | awk '{ print $4 }')
for a in 10.0.0.1:5060 203.0.113.1:5060 '[fd00:1::1]:5060' \
    '[2001:db8:1::1]:5060' 127.0.0.1:5060 '[::1]:5060'; do
	check "udp and tcp listeners on $a" \
	    test "$(echo "$LS" | grep -cxF "$a")" -eq 2
done
check "nothing else listens" test "$(echo "$LS" | wc -l)" -eq 12
check "no wildcard listener" sh -c \
    "! echo '$LS' | grep -qE '^(0\.0\.0\.0|\*|\[::\]):'"

status_field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
for c in sipd rtpd; do
	pid=$(child_pid $c)
	check "$c runs as an unprivileged uid" \
	    test "$(status_field "$pid" Uid)" != 0
	check "$c has no effective capability" \
	    test "$(status_field "$pid" CapEff)" = 0000000000000000
	check "$c has no permitted capability" \
	    test "$(status_field "$pid" CapPrm)" = 0000000000000000
	check "$c is under a seccomp filter" \
	    test "$(status_field "$pid" Seccomp)" = 2
	check "$c has no_new_privs" \
	    test "$(status_field "$pid" NoNewPrivs)" = 1
	check "$c is chrooted" test "$(readlink "/proc/$pid/root")" != /
	check "$c has its process title" \
	    grep -q "siproxd: $c" "/proc/$pid/cmdline"
done
check "the parent stays root (it binds for the children)" \
    test "$(status_field "$SXD" Uid)" = 0

# SIGHUP with a changed config: new listening port, applied without restart.
sed -i 's/^sip_listen_port = 5060/sip_listen_port = 5070/' "$CONF"
kill -HUP "$SXD"
check "SIGHUP moves the listeners to the new port" wait_for 5 sh -c \
    "ip netns exec $NS_FW ss -lnuH | grep -q '10.0.0.1:5070 '"
check "the old port is closed" sh -c \
    "! ip netns exec $NS_FW ss -lnuH | grep -q ':5060 '"
check "same children after SIGHUP" test "$(child_pid sipd)" = "$SIPD"
echo "bogus_key = 1" >> "$CONF"
kill -HUP "$SXD"
check "a bad config on SIGHUP is refused" wait_for 5 \
    grep -q "reload failed" "$WORK/siproxd.log"
check "and the daemon keeps running" kill -0 "$SXD"
sed -i '/^bogus_key/d' "$CONF"

# A forged request from rtpd for a port outside the range.
"$TOOLS/chanpoke" "$RTPD" 3 rtpreq 1 5060
check "the parent refuses a port outside the RTP range" wait_for 3 \
    grep -q "refused rtpd's request for outbound port 5060" \
    "$WORK/siproxd.log"
check "and stops the daemon" wait_for 3 gone "$SXD"
check "no sipd left behind" wait_for 1 gone "$SIPD"
check "no rtpd left behind" wait_for 1 gone "$RTPD"

# A child killed with SIGKILL stops the daemon within 2 seconds.
for c in sipd rtpd; do
	start_siproxd "$CONF" || exit 1
	victim=$(child_pid $c)
	other=$(child_pid $([ $c = sipd ] && echo rtpd || echo sipd))
	kill -9 "$victim"
	check "kill -9 $c stops the daemon within 2 s" wait_for 2 gone "$SXD"
	check "kill -9 $c leaves no other child" wait_for 1 gone "$other"
	check "kill -9 $c: the log names it" \
	    grep -q "$c (pid $victim) killed by signal 9" "$WORK/siproxd.log"
	check "kill -9 $c: pid file removed" test ! -e "$WORK/siproxd.pid"
done

# The parent killed: the children see EOF and leave.
start_siproxd "$CONF" || exit 1
SIPD=$(child_pid sipd)
RTPD=$(child_pid rtpd)
kill -9 "$SXD"
check "parent killed: sipd exits" wait_for 2 gone "$SIPD"
check "parent killed: rtpd exits" wait_for 2 gone "$RTPD"

# SIGTERM: everything stops in order.
start_siproxd "$CONF" || exit 1
SIPD=$(child_pid sipd)
RTPD=$(child_pid rtpd)
kill -TERM "$SXD"
check "SIGTERM stops the parent" wait_for 3 gone "$SXD"
wait "$SXD"
check "SIGTERM: exit status 0" test $? -eq 0
check "SIGTERM stops sipd" wait_for 1 gone "$SIPD"
check "SIGTERM stops rtpd" wait_for 1 gone "$RTPD"
check "SIGTERM removes the pid file" test ! -e "$WORK/siproxd.pid"
check "SIGTERM is an orderly stop" sh -c \
    "! grep -q 'did not stop in time' $WORK/siproxd.log"
check "no process left in the namespace" \
    test -z "$(ip netns pids "$NS_FW")"

# A jail its prisoners could write to is refused (the next start would run
# with whatever they planted).
chmod 0777 "$WORK/jail"
rm -f "$WORK/siproxd.pid"
ip netns exec "$NS_FW" "$SIPROXD" -d -f "$CONF" -s "$WORK/ctl.sock" \
    > "$WORK/jail.log" 2>&1 &
JP=$!
check "a chroot writable by others stops the start" wait_for 3 gone "$JP"
check "and says why" grep -q "writable by group or others" "$WORK/jail.log"
chmod 0755 "$WORK/jail"

# Not root: the daemon still runs on a high port and says what it skipped.
sed -i 's/^sip_listen_port = .*/sip_listen_port = 5080/' "$CONF"
chown -R nobody "$WORK"
rm -f "$WORK/siproxd.pid"
in_fw setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$SIPROXD" -d -f "$CONF" -s "$WORK/ctl.sock" >> "$WORK/nonroot.log" 2>&1 &
NR=$!
PIDS="$PIDS $NR"
check "non-root daemon starts" wait_for 5 test -s "$WORK/siproxd.pid"
check "non-root daemon listens" wait_for 3 sh -c \
    "ip netns exec $NS_FW ss -lnuH | grep -q '10.0.0.1:5080 '"
check "non-root daemon says what it could not do" \
    grep -q "not started as root" "$WORK/nonroot.log"
kill -TERM "$NR"
check "non-root daemon stops on SIGTERM" wait_for 3 gone "$NR"

finish
