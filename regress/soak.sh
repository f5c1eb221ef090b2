#!/bin/sh
# SPDX-License-Identifier: ISC
# Soak (make soak): SOAK_CALLS calls with media (10,000) and as many
# registrations through one daemon built with ASan, LSan and UBSan: every
# call and registration succeeds, no sanitizer reports a thing, and the
# memory of each process is flat after warm-up.
#
# Knobs: SOAK_CALLS, SOAK_REGS (default SOAK_CALLS), SOAK_CONC (calls at
# once, 40), SOAK_USERS (phones that register, 500).  The sanitizer build
# lives in obj-soak/.

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/regress/e2e/lib.sh"
CALLS=${SOAK_CALLS:-10000}
REGS=${SOAK_REGS:-$CALLS}
CONC=${SOAK_CONC:-40}
USERS=${SOAK_USERS:-500}
SOAKOBJ=obj-soak
SIPROXD=$TOP/$SOAKOBJ/siproxd
SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer"
need_root
command -v python3 >/dev/null || { echo "SKIPPED: no python3 ($T)"; exit 0; }

soak_cleanup() {
	umount "$WORK/jail/proc" 2>/dev/null
	cleanup
}
trap soak_cleanup EXIT
trap 'exit 1' INT TERM

# The daemon with sanitizers, from the GNUmakefile's own rules into its own
# directory (OBJDIR may be overridden); only the link is ours, so that the
# normal ./siproxd stays as it is.
echo "# building the sanitizer daemon in $SOAKOBJ"
if ! make -C "$TOP" -s -j2 OBJDIR=$SOAKOBJ CFLAGS="-O1 -g $SANFLAGS" \
    $SOAKOBJ/libsiproxd.a $SOAKOBJ/parent/siproxd.o ||
    ! ${CC:-cc} $SANFLAGS -o "$SIPROXD" "$TOP/$SOAKOBJ/parent/siproxd.o" \
    "$TOP/$SOAKOBJ/libsiproxd.a" $(pkg-config --libs libevent libcares \
    libosip2 libbsd-overlay libseccomp libcap); then
	fail "the sanitizer daemon builds"
	exit 1
fi
ok "the sanitizer daemon builds"

topo_up
trap soak_cleanup EXIT
dns_up
CONF=$(write_conf <<CONF
rtp_port_low = 30000
rtp_port_high = 31999
CONF
)
# LSan reads /proc/self/task and /proc/self/maps when a child exits, in
# its chroot; it also makes the process dumpable and ptraces its threads,
# which the seccomp filter forbids: log those calls instead of killing.
mkdir -p "$WORK/jail/proc"
mount -t proc proc "$WORK/jail/proc" || { fail "mount proc"; exit 1; }
export SIPROXD_SECCOMP_LOG=1
# The symboliser is not in the chroot: frames are symbolised below.  A
# small quarantine still catches use after free, and lets memory settle
# within the warm-up instead of growing towards the default 256 MB.
ASAN_OPTIONS=detect_leaks=1:symbolize=0:abort_on_error=0:malloc_context_size=20
ASAN_OPTIONS=$ASAN_OPTIONS:quarantine_size_mb=1
export ASAN_OPTIONS=$ASAN_OPTIONS:thread_local_quarantine_size_kb=64
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=0
start_siproxd "$CONF" || exit 1
SIPD=$(child_pid sipd)
RTPD=$(child_pid rtpd)
LOG=$WORK/siproxd.log

ip netns exec "$NS_WAN" python3 "$E2E/flood.py" wan 203.0.113.2 \
    $((CALLS / 5 + REGS / 20 + 600)) > "$WORK/wan.out" 2>&1 &
WANP=$!
PIDS="$PIDS $WANP"
wait_for 5 sh -c "ip netns exec $NS_WAN ss -lunH | grep -q ':40000 '"

echo "# $CALLS calls ($CONC at once, 10 RTP packets each way) and $REGS" \
    "registrations of $USERS phones"
in_lan python3 "$E2E/flood.py" phones 10.0.0.2 10.0.0.1:5060 -c "$CALLS" \
    -g "$REGS" -C "$CONC" -G 10 -k 10 -P "$USERS" \
    -m "$WORK/rss" -p "$SXD,$SIPD,$RTPD" > "$WORK/phones" 2>&1 &
PH=$!
PIDS="$PH $PIDS"
tail -f "$WORK/phones" --pid=$PH 2>/dev/null &
wait $PH
PHR=$?
check "every call got its media back byte for byte, every REGISTER its 200" \
    test $PHR -eq 0
kill "$WANP"
wait "$WANP"
sed 's/^/# /' "$WORK/wan.out"

check "every relay port is free again" wait_for 3 sh -c \
    "[ \$(ip netns exec $NS_FW ss -uanH | awk '{ print \$4 }' |
    grep -cE ':3[01][0-9][0-9][0-9]\$') -eq 0 ]"
# Phone n registers in round n / USERS; odd rounds unregister.
WANT=$(awk -v r="$REGS" -v u="$USERS" 'BEGIN {
	for (i = 0; i < u && i < r; i++)
		if (int((r - 1 - i) / u) % 2 == 0) n++
	print n + 0 }')
check "the registration table holds the $WANT phones it should" \
    wait_for 3 sh -c "[ \$(grep -c '^u[0-9]*@sip.test ' $WORK/registrations) \
    -eq $WANT ]"
check "the same children ran all along" \
    test "$(child_pid sipd)" = "$SIPD" -a "$(child_pid rtpd)" = "$RTPD"

# Memory, as the phones sampled it every half second: warm-up is the first
# quarter of the calls; after it each process may grow by 1 MB or 3 %,
# whichever is more.
echo "# RSS in kB by calls done:"
awk 'BEGIN { printf "#  %6s %6s %8s %8s %8s\n", "s", "calls", "parent",
	"sipd", "rtpd" }
    { n++; row[n] = $0 }
    END { step = int(n / 12) + 1
	for (i = 1; i <= n; i++) if ((i - 1) % step == 0 || i == n) {
	    split(row[i], f)
	    printf "#  %6.1f %6d %8d %8d %8d\n", f[1] / 1000, f[2], f[3],
		f[4], f[5] } }' "$WORK/rss"
flat() {	# flat COLUMN NAME
	awk -v c="$1" -v name="$2" -v calls="$CALLS" '
	    $2 >= calls / 4 { n++; k[n] = $2; v[n] = $c }
	    END {
		if (n < 2) { print "# " name ": too few samples"; exit 1 }
		max = v[1]
		for (i = 1; i <= n; i++) if (v[i] > max) max = v[i]
		allow = v[1] * 0.03; if (allow < 1024) allow = 1024
		printf "# %s: %d kB after %d calls, %d kB after %d " \
		    "(%+.0f kB per 1,000 calls), peak %d kB; allowed " \
		    "growth %d kB\n", name, v[1], k[1], v[n], k[n],
		    (k[n] > k[1] ? (v[n] - v[1]) * 1000 / (k[n] - k[1]) : 0),
		    max, allow
		exit !(v[n] - v[1] <= allow && max - v[1] <= 2 * allow) }' \
	    "$WORK/rss"
}
check "parent memory is flat after warm-up" flat 3 parent
check "sipd memory is flat after warm-up" flat 4 sipd
check "rtpd memory is flat after warm-up" flat 5 rtpd

# An orderly stop: each process runs LeakSanitizer as it exits; a leak
# makes its exit status non-zero, which the parent logs and passes on.
kill -TERM "$SXD"
check "SIGTERM stops the daemon" wait_for 15 gone "$SXD"
wait "$SXD"
check "the daemon exits with status 0 (no leak in any process)" test $? -eq 0
check "the children stopped in time" sh -c \
    "! grep -q 'did not stop in time\\|exited with status\\|killed by signal' \
    $LOG"
umount "$WORK/jail/proc"
REPORTS=$(grep -c -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' \
    -e 'runtime error:' -e 'Sanitizer has encountered' -e 'SUMMARY: ' "$LOG")
check "no sanitizer report (ASan, LSan, UBSan)" test "$REPORTS" -eq 0
if [ "$REPORTS" -ne 0 ]; then
	# Symbolise the frames of our binary (the chroot hid the symboliser).
	grep -A40 'ERROR: \|runtime error:' "$LOG" | head -300 |
	while IFS= read -r line; do
		off=$(echo "$line" |
		    sed -n 's/.*(.*siproxd+\(0x[0-9a-f]*\)).*/\1/p')
		if [ -n "$off" ]; then
			echo "# $line $(addr2line -f -p -e "$SIPROXD" "$off" |
			    head -1)"
		else
			echo "# $line"
		fi
	done
fi
check "no fatal error logged" sh -c "! grep -q 'fatal' $LOG"
finish
