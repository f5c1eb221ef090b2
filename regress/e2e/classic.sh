#!/bin/sh
# SPDX-License-Identifier: ISC
# What installs of the classic siproxd do: its command lines, its config
# search, killall -9, the values it accepts, a password file rewritten
# without a signal, and a boot before the WAN link has an address.

. "$(dirname "$0")/lib.sh"
topo_up
dns_up
need_rtptool

# 1. Command lines.
check "-h prints the usage and exits 0" sh -c "$SIPROXD -h | grep -q usage"
check "--help prints the usage and exits 0" \
    sh -c "$SIPROXD --help | grep -q usage"
printf 'if_inbound = in0\nif_outbound = out0\n' > "$WORK/min.conf"
check "--config FILE" sh -c \
    "$SIPROXD -n --config $WORK/min.conf 2>&1 | grep -qx 'configuration OK'"
check "-c FILE" sh -c \
    "$SIPROXD -n -c $WORK/min.conf 2>&1 | grep -qx 'configuration OK'"
check "-d PATTERN sets the debug pattern (classic)" sh -c \
    "$SIPROXD -nv -c $WORK/min.conf -d 0x200 | grep -qx 'debug_level = 0x00000200'"
check "--debug PATTERN" sh -c \
    "$SIPROXD -nv --debug 1024 -c $WORK/min.conf | grep -qx 'debug_level = 0x00000400'"
check "-d alone still means the foreground, -d -1 is a pattern" sh -c \
    "$SIPROXD -nv -d -1 -c $WORK/min.conf | grep -qx 'debug_level = 0xffffffff'"
# --pid-file and -p name the pid file, whatever the configuration says.
printf 'if_inbound = in0\nif_outbound = out0\npid_file = %s\n' \
    "$WORK/conf.pid" > "$WORK/pid.conf"
pidfile_opt() {	# pidfile_opt OPTION FILE
	rm -f "$2"
	ip netns exec "$NS_FW" "$SIPROXD" -d -c "$WORK/pid.conf" "$1" "$2" \
	    -s "$WORK/ctl-p.sock" > "$WORK/pidopt.log" 2>&1 &
	_s=$!
	PIDS="$PIDS $_s"
	wait_for 5 test -s "$2"
	_r=$?
	kill "$_s" 2>/dev/null
	wait_for 5 gone "$_s"
	[ $_r -eq 0 ] && [ ! -e "$WORK/conf.pid" ]
}
check "--pid-file FILE" pidfile_opt --pid-file "$WORK/long.pid"
check "-p FILE" pidfile_opt -p "$WORK/short.pid"
# A relative -p names a file where siproxd was started, even detached.
printf 'daemonize = 1\n' | cat "$WORK/pid.conf" - > "$WORK/piddaemon.conf"
(cd "$WORK" && ip netns exec "$NS_FW" "$SIPROXD" -c piddaemon.conf \
    -p rel.pid -s "$WORK/ctl-r.sock" > "$WORK/pidrel.log" 2>&1)
if wait_for 5 test -s "$WORK/rel.pid"; then
	ok "-p with a relative path, detached: the file is where it started"
	kill "$(cat "$WORK/rel.pid")"
	wait_for 5 sh -c "! kill -0 $(cat "$WORK/rel.pid") 2>/dev/null"
else
	fail "-p with a relative path, detached: the file is where it started"
	[ -s /rel.pid ] && kill "$(cat /rel.pid)" && rm -f /rel.pid
fi
# The classic's search, in a mount namespace where /usr/local/etc is
# empty but for siproxd/siproxd.conf.
if [ -e /etc/siproxd.conf ] || [ -e /etc/siproxd/siproxd.conf ] ||
    [ -e /usr/etc/siproxd.conf ] || [ ! -d /usr/local/etc ]; then
	echo "# a siproxd.conf in /etc or no /usr/local/etc: search not tested"
else
	check "no -c: the classic locations are searched" sh -c "
	    unshare -m sh -c 'mount -t tmpfs sx /usr/local/etc &&
	    mkdir /usr/local/etc/siproxd &&
	    printf \"if_inbound = sxsearch0\nif_outbound = out0\n\" \
	    > /usr/local/etc/siproxd/siproxd.conf && $SIPROXD -nv' |
	    grep -qx 'if_inbound = sxsearch0'"
fi

# 2. Values the classic starts with (the pfSense GUI writes them).
CLASSIC=$(write_conf classic <<CONF
rtp_timeout = 0
default_expires = 0
tcp_timeout = 0
tcp_connect_timeout = 0
tcp_keepalive = 7200
rtp_input_dejitter = 2000000
rtp_output_dejitter = 0
debug_level = 0x00000000
hosts_allow_reg = localhost,10.0.0.0/8
hosts_allow_sip = 10.0.0.0/8,203.0.113.0/24,reg.sip.test
hosts_deny_sip = nosuch.sip.test
daemonize = 0
CONF
)
# In fw, whose resolver is the test's dnsmasq: no query leaves.
ip netns exec "$NS_FW" "$SIPROXD" -n -c "$CLASSIC" > /dev/null \
    2> "$WORK/n.out"
RC=$?
sed 's/^/# /' "$WORK/n.out"
check "siproxd -n accepts the classic values" test $RC -eq 0
for k in rtp_timeout default_expires tcp_timeout tcp_connect_timeout \
    rtp_input_dejitter hosts_allow_reg; do
	L=$(grep -n "^$k" "$CLASSIC" | tail -1 | cut -d: -f1)
	check "siproxd -n reports $k at its line $L" \
	    grep -q "^siproxd: $CLASSIC:$L: $k" "$WORK/n.out"
done
check "a host name in an access list is resolved" \
    grep -q "hosts_allow_sip: host reg.sip.test resolved now to 1 address" \
    "$WORK/n.out"
check "a name that does not resolve is reported, and matches no one" sh -c \
    "grep -q 'hosts_deny_sip: host nosuch.sip.test: .*: it matches nothing' \
    $WORK/n.out && ip netns exec $NS_FW $SIPROXD -nv -c $CLASSIC 2>/dev/null |
    grep -qx 'hosts_deny_sip = 0.0.0.0/32'"

# 3. pfSense's start and stop: "siproxd -c FILE &", "killall -9 siproxd".
# In a pid namespace of its own, so that killall sees only this daemon.
cat > "$WORK/killall.sh" <<SH
$SIPROXD -c $CLASSIC -s $WORK/ctl-k.sock > $WORK/killall.log 2>&1 &
n=0
while [ ! -s $WORK/siproxd.pid ] && [ \$n -lt 50 ]; do sleep 0.1; n=\$((n+1)); done
[ -s $WORK/siproxd.pid ] || { echo "# did not start"; exit 2; }
n=0
while [ "\$(pgrep -c -x siproxd)" -lt 3 ] && [ \$n -lt 50 ]; do sleep 0.1; n=\$((n+1)); done
echo "# before: \$(pgrep -c -x siproxd) processes"
killall -9 siproxd
n=0
while pgrep -x siproxd > /dev/null && [ \$n -lt 20 ]; do sleep 0.1; n=\$((n+1)); done
echo "# after: \$(pgrep -c -x siproxd) processes"
! pgrep -x siproxd > /dev/null
SH
rm -f "$WORK/siproxd.pid"
check "siproxd -c FILE & with daemonize = 1, then killall -9: none left in 2 s" \
    ip netns exec "$NS_FW" unshare -pf --mount-proc sh "$WORK/killall.sh"

# 4. The password file rewritten in place (pfSense's Users tab) counts
# without a signal, as the classic read it at each check.
printf 'phone1 secret1\n' > "$WORK/passwd"
AUTH=$(write_conf auth <<CONF
proxy_auth_realm = siproxd.test
proxy_auth_pwfile = $WORK/passwd
CONF
)
start_siproxd "$AUTH" || exit 1
reg() { auth_reg "$1" auth_reg.xml "$2" "$3"; }
check "phone1 registers with its password" reg a1 phone1 secret1
printf 'phone2 secret2\n' 1<> "$WORK/passwd"	# same inode, as fopen "w"
truncate -s 15 "$WORK/passwd"
check "a user added to the file registers within 7 s, with no SIGHUP" \
    sh -c 'for i in 1 2 3 4 5 6 7; do sleep 1; grep -q "changed: reading" '"$WORK"'/siproxd.log && exit 0; done; exit 1'
check "phone2 registers" reg a2 phone2 secret2
if reg a3 phone1 secret1; then
	fail "phone1, gone from the file, is refused"
else
	ok "phone1, gone from the file, is refused"
fi
# 5. The saved registrations are parsed by sipd inside its sandbox, never
# by root: after the stop, a start logs sipd's "running" (set after the
# chroot, the change of user and seccomp) before it restores them.
kill "$SXD"
wait_for 5 gone "$SXD"
: > "$WORK/siproxd.log"
start_siproxd "$AUTH" || exit 1
wait_for 3 grep -q "restored 2 registrations" "$WORK/siproxd.log"
RUN=$(grep -n "sipd: running" "$WORK/siproxd.log" | head -1 | cut -d: -f1)
RES=$(grep -n "restored 2 registrations" "$WORK/siproxd.log" | cut -d: -f1)
check "the registrations are restored only once sipd is sandboxed" \
    test -n "$RUN" -a -n "$RES" -a "${RUN:-0}" -lt "${RES:-0}"
kill "$SXD"
wait_for 5 gone "$SXD"

# 6. debug_level picks the processes that log debugging lines, by the
# classic's classes (0x200 RTP: rtpd; 0x4 SIP: sipd); debug_port streams
# the log to readers on 127.0.0.1 only, and reads nothing from them.
DBG=$(write_conf debug <<CONF
silence_log = 1
debug_level = 0x00000200
debug_port = 5099
CONF
)
: > "$WORK/siproxd.log"
start_siproxd "$DBG" || exit 1
check "debug_port listens on 127.0.0.1 only" sh -c \
    "ip netns exec $NS_FW ss -tlnH | awk '{ print \$4 }' | grep ':5099\$' |
    grep -qvx 127.0.0.1:5099 && exit 1;
    ip netns exec $NS_FW ss -tlnH | awk '{ print \$4 }' | grep -qx 127.0.0.1:5099"
in_fw python3 - "$WORK/debug.out" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", 5099), timeout=2)
s.sendall(b"garbage the daemon must ignore\r\n" * 100)
out = open(sys.argv[1], "wb")
end = time.time() + 25
s.settimeout(0.5)
while time.time() < end:
    try:
        d = s.recv(65536)
    except socket.timeout:
        continue
    if not d:
        break
    out.write(d)
    out.flush()
PY
DREADER=$!
PIDS="$PIDS $DREADER"
tcp_touch() {	# a TCP connection from a phone: sipd's debug line "accepted"
	in_lan python3 -c 'import socket; socket.create_connection(("10.0.0.1", 5060), timeout=2).close()'
}
sleep 0.5
tcp_touch
out_call c9 10.0.0.1:5060
check "a call while a debug reader is connected" \
    talk 16000 "$P_IN" 26000 "$P_OUT"
bg_ok lan-c9
bg_ok wan-c9
check "debug_level 0x200 (RTP): rtpd's debugging lines are logged" \
    wait_for 5 grep -q "^rtpd: .*packets relayed" "$WORK/siproxd.log"
check "debug_level 0x200: not sipd's" sh -c \
    "! grep -q '^sipd: tcp .*: accepted' $WORK/siproxd.log"
check "the debug reader gets the lines: rtpd's" \
    wait_for 3 grep -q "^rtpd: .*packets relayed" "$WORK/debug.out"
check "the debug reader was greeted with the debug_level" grep -q \
    "^siproxd: debug output, debug_level 0x00000200" "$WORK/debug.out"
sed -i 's/^debug_level = .*/debug_level = 0x00000004/' "$DBG"
kill -HUP "$SXD"
wait_for 3 grep -q "reloading" "$WORK/siproxd.log"
sleep 0.3
tcp_touch
check "after SIGHUP, debug_level 0x4 (SIP): sipd's debugging lines" \
    wait_for 3 grep -q "^sipd: tcp .*: accepted" "$WORK/siproxd.log"
check "the reader, still there, gets the parent's and sipd's lines" \
    wait_for 3 sh -c "grep -q '^siproxd: reloading' $WORK/debug.out &&
    grep -q '^sipd: tcp .*: accepted' $WORK/debug.out"
check "the reader's input changed nothing: the daemon runs" kill -0 "$SXD"
kill "$DREADER" 2>/dev/null
kill "$SXD"
wait_for 5 gone "$SXD"

# 7. Boot without the WAN: out0 is down, siproxd starts all the same and
# binds the outside when the address comes.
ip -n "$NS_FW" link set out0 down
: > "$WORK/siproxd.log"
BOOT=$(write_conf boot </dev/null)
start_siproxd "$BOOT"
check "siproxd starts while if_outbound has no address" \
    grep -q "if_outbound: interface out0 has no address yet" "$WORK/siproxd.log"
ip -n "$NS_FW" link set out0 up
check "the outside is bound when its address appears" wait_for 12 \
    grep -q "listening on udp 203.0.113.1:5060" "$WORK/siproxd.log"
sipp_bg wan-reg "$NS_WAN" $WAN 5060 wan_reg.xml
check "then a phone registers" \
    sipp_run lan-reg "$NS_LAN" $LAN 5061 phone_reg.xml 10.0.0.1:5060 \
    -s phone1 -key domain sip.test -key expires 300
bg_ok wan-reg
out_call c1 10.0.0.1:5060
check "and calls, media relayed" talk 16000 "$P_IN" 26000 "$P_OUT"
check "the call ends" bg_ok lan-c1
bg_ok wan-c1
finish
