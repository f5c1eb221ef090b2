#!/bin/sh
# SPDX-License-Identifier: ISC
# What a compromised sipd or rtpd can reach (issue 14): no terminal, no
# signals to others, only the calls on its list, a parent whose memory it
# cannot grow, only its own settings, and a log that works without syslog.

. "$(dirname "$0")/lib.sh"
topo_up

SECRET=Sekr1t-proxy-passw0rd
CONF=$(write_conf <<CONF
proxy_auth_realm = sandbox.test
proxy_auth_passwd = $SECRET
outbound_proxy_host = only-sipd-knows.test
CONF
)
stat_field() { sed 's/^.*) //' "/proc/$1/stat" | awk -v n="$2" '{ print $(n - 2) }'; }
# refused OUTPUT: sandtry's answer is a refusal (an errno or SIGSYS).
refused() { case $1 in refused*|killed) return 0;; esac; return 1; }
# tiocsti PID: TIOCSTI onto our own terminal (a pty) under PID's filter.
tiocsti() {
	refused "$(script -qfec "$TOOLS/sandtry $1 tiocsti" /dev/null \
	    < /dev/null | tr -d '\r')"
}
no_mem() { ! mem_has "$@"; }
stop_siproxd() {
	kill -TERM "$SXD"
	wait_for 3 gone "$SXD"
}

# The seccomp allow-lists, as the running children have them (x86_64).
COMMON="read write close recvmsg sendmsg sendto recvmmsg sendmmsg fcntl
epoll_wait epoll_pwait epoll_ctl clock_gettime gettimeofday time nanosleep
clock_nanosleep brk mmap munmap mremap madvise mprotect futex getrandom fstat
newfstatat getpid gettid getuid geteuid uname rt_sigaction rt_sigprocmask
rt_sigreturn restart_syscall exit exit_group kill(self) tgkill(self)"
SIPD_ONLY="socket(AF_INET) socket(AF_INET6) connect accept accept4 recvfrom
readv writev getsockopt setsockopt getsockname"
# the fast path's map, by the fd the parent passed: no load, no create
RTPD_ONLY="bpf(BPF_MAP_LOOKUP_ELEM) bpf(BPF_MAP_UPDATE_ELEM)
bpf(BPF_MAP_DELETE_ELEM)"
NOTTY="ioctl: fails with Inappropriate ioctl for device"
sorted() { echo "$@" | tr ' ' '\n' | sed '/^$/d' | sort; }

# 1. Started from a terminal (-d, as an admin trying it out): the children
# hold no terminal, and their lines still reach it through the parent.
rm -f "$WORK/siproxd.pid"
ip netns exec "$NS_FW" script -qfec \
    "$SIPROXD -d -f $CONF -s $WORK/ctl.sock" /dev/null \
    < /dev/null > "$WORK/tty.log" 2>&1 &
PIDS="$PIDS $!"
check "the daemon starts under a terminal" wait_for 5 \
    test -s "$WORK/siproxd.pid"
SXD=$(cat "$WORK/siproxd.pid")
wait_for 5 child_pid sipd && wait_for 5 child_pid rtpd
SIPD=$(child_pid sipd)
RTPD=$(child_pid rtpd)
check "the parent has the terminal" test "$(stat_field "$SXD" 7)" != 0
for c in sipd rtpd; do
	pid=$(child_pid $c)
	check "$c has no controlling terminal" \
	    test "$(stat_field "$pid" 7)" = 0
	check "$c leads a session of its own" \
	    test "$(stat_field "$pid" 6)" = "$pid"
	for fd in 0 1 2; do
		check "$c has /dev/null on fd $fd" \
		    test "$(readlink "/proc/$pid/fd/$fd")" = /dev/null
	done
	check "TIOCSTI from $c is refused" tiocsti "$pid"
	check "$c's log lines reach the terminal through the parent" \
	    wait_for 3 grep -q "^$c: running" "$WORK/tty.log"
done

# 2. The lists; signals only to the process itself.
if [ "$(uname -m)" = x86_64 ]; then
	"$TOOLS/sandtry" "$SIPD" list > "$WORK/sipd.list"
	"$TOOLS/sandtry" "$RTPD" list > "$WORK/rtpd.list"
	sorted $COMMON $SIPD_ONLY > "$WORK/sipd.want"
	sorted $COMMON $RTPD_ONLY > "$WORK/rtpd.want"
	for c in sipd rtpd; do
		grep -v ': fails' "$WORK/$c.list" | sort > "$WORK/$c.got"
		check "$c's seccomp list is the one documented" \
		    cmp -s "$WORK/$c.got" "$WORK/$c.want"
		diff "$WORK/$c.want" "$WORK/$c.got" | sed 's/^/# /'
		check "$c's ioctl fails as on a file that is no terminal" \
		    grep -qx "$NOTTY" "$WORK/$c.list"
	done
fi
for c in sipd rtpd; do
	pid=$(child_pid $c)
	other=$([ $c = sipd ] && echo "$RTPD" || echo "$SIPD")
	check "$c cannot signal the parent" \
	    refused "$("$TOOLS/sandtry" "$pid" kill "$SXD")"
	check "$c cannot signal its sibling" \
	    refused "$("$TOOLS/sandtry" "$pid" kill "$other")"
	check "$c cannot signal init" \
	    refused "$("$TOOLS/sandtry" "$pid" kill 1)"
	check "$c opens no unix socket (no syslog of its own)" \
	    refused "$("$TOOLS/sandtry" "$pid" socket-unix)"
done

# 6. rtpd is given its own settings only: no password in its memory (and
# the probe finds the one sipd must have).
check "sipd holds the proxy password (the probe works)" \
    mem_has "$SIPD" "$SECRET"
check "rtpd never received the proxy password" no_mem "$RTPD" "$SECRET"
check "rtpd never received sipd's outbound proxy" \
    no_mem "$RTPD" only-sipd-knows.test
stop_siproxd

# 6. SIPROXD_SECCOMP_LOG turns the filters into log-only: not without -d.
export SIPROXD_SECCOMP_LOG=1
START_FLAGS= start_siproxd "$CONF" || exit 1
check "SIPROXD_SECCOMP_LOG without -d: the filter still kills" \
    test "$("$TOOLS/sandtry" "$(child_pid rtpd)" socket-unix)" = killed
check "SIPROXD_SECCOMP_LOG without -d: said so" \
    grep -q "SIPROXD_SECCOMP_LOG ignored: it needs -d" "$WORK/siproxd.log"
stop_siproxd
start_siproxd "$CONF" || exit 1
check "SIPROXD_SECCOMP_LOG with -d: the filter only logs" \
    test "$("$TOOLS/sandtry" "$(child_pid rtpd)" socket-unix)" = allowed
check "SIPROXD_SECCOMP_LOG with -d: the parent warns loudly" grep -q \
    "WARNING: SIPROXD_SECCOMP_LOG is set: the seccomp filters of sipd" \
    "$WORK/siproxd.log"
check "SIPROXD_SECCOMP_LOG with -d: so does each child" wait_for 3 grep -q \
    "^rtpd: WARNING: SIPROXD_SECCOMP_LOG: this filter only logs" \
    "$WORK/siproxd.log"
stop_siproxd
unset SIPROXD_SECCOMP_LOG

# 5. A child that stops reading while it floods the parent with requests:
# the parent's queue to it is capped and the daemon stops in order.
start_siproxd "$CONF" || exit 1
RTPD=$(child_pid rtpd)
kill -STOP "$RTPD"
"$TOOLS/chanpoke" "$RTPD" 3 flood 600000 0 7080 > /dev/null &
POKE=$!
PIDS="$PIDS $POKE"
HWM=0
n=300		# 30 s at most
while ! gone "$SXD" && [ $n -gt 0 ]; do
	h=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SXD/status" 2>/dev/null)
	[ -n "$h" ] && [ "$h" -gt "$HWM" ] && HWM=$h
	sleep 0.1
	n=$((n - 1))
done
kill -CONT "$RTPD" 2>/dev/null
echo "# parent peak RSS under the flood: $HWM kB"
check "a child that stops reading stops the daemon" gone "$SXD"
check "the log says why" grep -q \
    "rtpd stopped reading its channel: stopping" "$WORK/siproxd.log"
check "the pid file is removed" test ! -e "$WORK/siproxd.pid"
check "the parent's peak memory stayed bounded (under 64 MB)" \
    test "$HWM" -lt 65536
check "no rtpd left behind" wait_for 2 gone "$RTPD"
# (Where it did not stop, make room for the next start.)
kill -9 "$POKE" "$SXD" "$RTPD" 2>/dev/null
wait_for 3 gone "$SXD"

# An unexpected "sockets flushed" from sipd: an orderly stop, not a crash.
start_siproxd "$CONF" || exit 1
SIPD=$(child_pid sipd)
"$TOOLS/chanpoke" "$SIPD" 3 flush
check "sipd's unasked flush stops the daemon" wait_for 3 gone "$SXD"
check "in order: logged" grep -q "sipd flushed its sockets unasked: stopping" \
    "$WORK/siproxd.log"
check "in order: pid file removed" test ! -e "$WORK/siproxd.pid"

# 7. daemonize = 1 where no syslog daemon listens (a mount namespace in
# which /dev/log is /dev/null, as in a container): the children live and
# their lines go to the parent's stderr.
NOLOG=$(write_conf nolog <<CONF
daemonize = 1
CONF
)
cat > "$WORK/nolog.sh" <<'SH'
[ -e /dev/log ] && mount --bind /dev/null /dev/log
exec "$@"
SH
: > "$WORK/siproxd.log"
START_FLAGS= START_WRAP="unshare -m sh $WORK/nolog.sh" \
    start_siproxd "$NOLOG" || exit 1
SIPD=$(child_pid sipd)
RTPD=$(child_pid rtpd)
kill -HUP "$SXD"
sleep 1
check "daemonize = 1 without syslog: sipd runs" test -n "$SIPD" -a ! \
    "$(gone "$SIPD" && echo gone)"
check "daemonize = 1 without syslog: rtpd runs" test -n "$RTPD" -a ! \
    "$(gone "$RTPD" && echo gone)"
check "daemonize = 1 without syslog: the parent says where lines go" \
    grep -q "no syslog at /dev/log: logging to stderr" "$WORK/siproxd.log"
check "daemonize = 1 without syslog: sipd's lines get out" \
    grep -q "^sipd: running" "$WORK/siproxd.log"
check "daemonize = 1 without syslog: rtpd's lines get out" \
    grep -q "^rtpd: running" "$WORK/siproxd.log"
stop_siproxd
check "daemonize = 1 without syslog: SIGTERM stops it" gone "$SXD"
check "daemonize = 1 without syslog: no child was killed" sh -c \
    "! grep -q 'killed by signal' $WORK/siproxd.log"

finish
