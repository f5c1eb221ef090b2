#!/bin/sh
# SPDX-License-Identifier: ISC
# Faults: sipd, rtpd or the parent killed mid-call, a full disk under the
# registration file, forged messages on every inter-process channel, and
# a storm of SIGHUPs while calls carry media.

. "$(dirname "$0")/lib.sh"
topo_up
dns_up
RTPTOOL=$TOOLS/rtptool
CHANPOKE=$TOOLS/chanpoke
for t in "$RTPTOOL" "$CHANPOKE"; do
	[ -x "$t" ] || { echo "FAIL - $T: no $t"; exit 1; }
done
REGDIR=$WORK/regdir
fault_cleanup() {
	umount "$REGDIR" 2>/dev/null
	cleanup
}
trap fault_cleanup EXIT

CONF=$(write_conf </dev/null)
REG=$WORK/registrations.state
LOG=$WORK/siproxd.log
FW_IN=10.0.0.1:5060
FW_OUT=203.0.113.1:5060
# Media under load: more time for the LAN end to be learnt, and to arrive.
TALK_LAN_WAIT=600 TALK_TIMEOUT=4000

# log_mark; ... logged TEXT: TEXT is in the log since the mark.
log_mark() { L0=$(wc -l < "$LOG"); }
logged() { tail -n +"$((L0 + 1))" "$LOG" | grep -q -- "$1"; }
log_count() { tail -n +"$((L0 + 1))" "$LOG" | grep -c -- "$1"; }
bg_kill() {	# bg_kill NAME...: stop background sipps left by a fault
	for _b in "$@"; do
		eval "_p=\$BG_$(echo "$_b" | tr -c 'a-zA-Z0-9\n' _)"
		# Only if it is still that sipp: pids are soon used again.
		grep -q sipp "/proc/$_p/cmdline" 2>/dev/null && kill "$_p"
		wait "$_p" 2>/dev/null
	done
}
kill_ours() {	# kill_ours PID...: those still running siproxd, with -9
	for _p in "$@"; do
		grep -q siproxd "/proc/$_p/cmdline" 2>/dev/null &&
		    kill -9 "$_p" 2>/dev/null
	done
}
all_gone() {
	for _p in "$@"; do
		gone "$_p" || return 1
	done
}
# stopped PID...: the daemon and its children are gone, the pid file too.
stopped() { all_gone "$@" && [ ! -e "$WORK/siproxd.pid" ]; }

# As in sip.sh: phone NAME on LAN:PORT registers at the WAN registrar.
phone_register() {
	sipp_bg "wan-reg-$1" "$NS_WAN" $WAN 5060 wan_reg.xml
	sipp_run "lan-reg-$1" "$NS_LAN" $LAN "$2" phone_reg.xml $FW_IN \
	    -s "$1" -key domain sip.test -key expires 300
	_r=$?
	bg_ok "wan-reg-$1" 2>/dev/null
	return $_r
}
nphones() { grep -c '^phone[123]@sip.test ' "$REG" 2>/dev/null; }
three_phones() { [ "$(nphones)" -eq 3 ]; }

# media_call NAME LANPORT WANPORT LANRTP WANRTP: phone1 on LAN:LANPORT calls
# the WAN with media (rtp_uac.xml talks for 5 s, then BYE); both sipps in
# the background.
media_call() {
	sipp_bg "wan-$1" "$NS_WAN" $WAN "$3" rtp_uas.xml -s wan \
	    -key rtpport "$5"
	sipp_bg "lan-$1" "$NS_LAN" $LAN "$2" rtp_uac.xml -s phone1 \
	    -key domain sip.test -key callee wan \
	    -key rdomain "$WAN:$3" -key rtpport "$4" $FW_IN
}

# kill_child NAME: NAME killed mid-call stops the daemon; the registration
# file is as it was before (reg.before).
kill_child() {
	SIPD=$(child_pid sipd)
	RTPD=$(child_pid rtpd)
	_v=$(child_pid "$1")
	kill -9 "$_v"
	check "$1 killed mid-call: the daemon stops within 2 s" \
	    wait_for 2 stopped "$SXD" "$SIPD" "$RTPD"
	check "$1 killed: the log names it" \
	    grep -q "$1 (pid $_v) killed by signal 9" "$LOG"
	check "$1 killed: the registration file is untouched" \
	    cmp -s "$REG" "$WORK/reg.before"
}

# 1. sipd killed mid-call: the daemon stops; a restart has every phone.
start_siproxd "$CONF" || exit 1
for i in 1 2 3; do
	check "phone$i registers" phone_register phone$i $((5060 + i))
done
check "the registration file lists the three phones" wait_for 4 three_phones
sleep 1.2	# one more autosave tick: nothing is left to write
cp "$REG" "$WORK/reg.before"
media_call k1 5061 5070 16000 26000
P_IN=$(wait_for 5 sdp_port lan-k1 1 audio && sdp_port lan-k1 1 audio)
P_OUT=$(wait_for 5 sdp_port wan-k1 1 audio && sdp_port wan-k1 1 audio)
check "a call with media is up" test -n "$P_IN" -a -n "$P_OUT"
talk 16000 "$P_IN" 26000 "$P_OUT" "" k1 150 > /dev/null 2>&1 &
TALK=$!
sleep 0.8
kill_child sipd
wait $TALK
bg_kill lan-k1 wan-k1
log_mark
start_siproxd "$CONF" || exit 1
check "the restart restores the three registrations" \
    wait_for 3 logged "restored 3 registrations"
for i in 1 2 3; do
	check "after the restart a WAN call reaches phone$i" \
	    wan_calls k2-$i phone$i $((5060 + i))
done
check "the registration file still lists the three phones" three_phones

# 1b. The same with rtpd killed: media stops, so does the daemon; none of
# the phones is lost.
media_call k4 5061 5070 16000 26000
wait_for 5 sdp_port lan-k4 1 audio
sleep 1.2
cp "$REG" "$WORK/reg.before"
kill_child rtpd
bg_kill lan-k4 wan-k4
log_mark
start_siproxd "$CONF" || exit 1
check "after rtpd's death the restart restores the three registrations" \
    wait_for 3 logged "restored 3 registrations"
check "after rtpd's death a WAN call reaches phone2" \
    wan_calls k5 phone2 5062

# 2. The parent killed mid-call: the children see EOF and leave.
media_call k3 5061 5070 16000 26000
wait_for 5 sdp_port lan-k3 1 audio
SIPD=$(child_pid sipd)
RTPD=$(child_pid rtpd)
kill -9 "$SXD"
wait "$SXD" 2>/dev/null
check "parent killed: sipd exits" wait_for 2 gone "$SIPD"
check "parent killed: rtpd exits" wait_for 2 gone "$RTPD"
check "parent killed: nothing left running in the namespace" \
    wait_for 2 sh -c "[ -z \"\$(ip netns pids $NS_FW)\" ]"
bg_kill lan-k3 wan-k3

# 3. The registration file's disk fills up: the old file stays as it was,
# the daemon goes on, and the next autosave after space is freed works.
# tmpfs counts whole pages (4 KB here): of 16, the filler takes 12, the
# two files (the classic one and ours, .state) one each, which leaves one
# page for the temporary file of each in turn; so a new .state file of
# more than a page (any with one of the 4 KB user agents below) does not
# fit.
mkdir -p "$REGDIR"
mount -t tmpfs -o size=64k,mode=0755 tmpfs "$REGDIR" ||
    { echo "FAIL - $T: mount tmpfs"; exit 1; }
dd if=/dev/zero of="$REGDIR/filler" bs=4096 count=12 2>/dev/null
DCONF=$WORK/disk.conf
sed "s|^registration_file = .*|registration_file = $REGDIR/registrations|" \
    "$CONF" > "$DCONF"
REG=$REGDIR/registrations.state
start_siproxd "$DCONF" || exit 1
for i in 1 2 3; do
	phone_register phone$i $((5060 + i))
done
check "disk: three phones saved on the small disk" wait_for 4 three_phones
sleep 1.2
cp "$REG" "$WORK/reg.small"
NLONG=5
UA=$(printf 'long-user-agent/%04000d' 0)
log_mark
ip netns exec "$NS_WAN" sipp -sf "$SC/wan_reg.xml" -i $WAN -p 5060 \
    -m $NLONG -timeout 20s -timeout_error -trace_err \
    -error_file "$WORK/wan-long.err" < /dev/null > /dev/null 2>&1 &
WREG=$!
PIDS="$PIDS $WREG"
sleep 0.3
check "disk: $NLONG more phones with long user agents register" \
    ip netns exec "$NS_LAN" sipp -sf "$SC/flood_reg.xml" -i $LAN -p 5070 \
    -m $NLONG -r 20 -timeout 20s -timeout_error -key domain sip.test \
    -key user longua -key expires 300 -key ua "$UA" -trace_err \
    -error_file "$WORK/lan-long.err" $FW_IN < /dev/null > /dev/null 2>&1
wait $WREG
check "disk full: the failed save is logged" wait_for 4 \
    logged "cannot save registrations to $REG: No space left on device"
check "disk full: the old file keeps its bytes" cmp -s "$REG" "$WORK/reg.small"
check "disk full: no half-written new file is left" \
    test ! -e "$REGDIR/.registrations.state.new" -a \
    ! -e "$REGDIR/.registrations.new"
check "disk full: a call still works" lan_calls d1
check "disk full: the daemon goes on" kill -0 "$SXD"
rm -f "$REGDIR/filler"
check "space freed: the next autosave writes every phone" \
    wait_for 4 sh -c "[ \$(grep -c '^longua[0-9]*@sip.test ' $REG) -eq $NLONG ]"
check "space freed: the three phones are still there" three_phones
kill -TERM "$SXD"
wait_for 3 gone "$SXD"
umount "$REGDIR"
REG=$WORK/registrations.state

# 4. Garbage, half headers and oversized packets on each channel: the
# receiver takes it for a compromised peer, logs it and the daemon stops.
# oversize: a packet larger than any message (MSG_MAXDATA is 16384),
# written as chanpoke does, with pidfd_getfd(2).
oversize() {
	python3 - "$1" "$2" <<'PY'
import ctypes, os, socket, struct, sys
pid, fd = int(sys.argv[1]), int(sys.argv[2])
libc = ctypes.CDLL(None, use_errno=True)
pfd = os.pidfd_open(pid)
s = libc.syscall(438, pfd, fd, 0)	# SYS_pidfd_getfd
if s < 0:
    sys.exit("pidfd_getfd: %s" % os.strerror(ctypes.get_errno()))
sock = socket.socket(fileno=s)
payload = b"\xa5" * 65536
# struct msg_hdr: type, flags, len, id, reserved; type 1 is config-text.
sock.send(struct.pack("=HHIII", 1, 0, len(payload), 0, 0) + payload)
PY
}
poke() {	# poke PID FD MODE
	if [ "$3" = oversize ]; then
		oversize "$1" "$2"
	else
		"$CHANPOKE" "$1" "$2" "$3"
	fi
}
MODES="garbage short oversize"
if ! command -v python3 >/dev/null; then
	echo "# no python3: no oversize packets"
	MODES="garbage short"
fi
for c in "sipd 3 siproxd sipd" "rtpd 3 siproxd rtpd" "sipd 4 rtpd sipd" \
    "rtpd 4 sipd rtpd"; do
	set -- $c
	proc=$1 fd=$2 rcv=$3 peer=$4
	for mode in $MODES; do
		start_siproxd "$CONF" || exit 1
		SIPD=$(child_pid sipd)
		RTPD=$(child_pid rtpd)
		victim=$(child_pid "$proc")
		log_mark
		poke "$victim" "$fd" "$mode" 2>&1 | sed 's/^/# /'
		what="$mode into $proc's fd $fd"
		check "$what: $rcv logs a bad message from $peer" wait_for 2 \
		    logged "^$rcv: .*bad message from $peer"
		check "$what: the daemon stops within 2 s" \
		    wait_for 2 gone "$SXD"
		check "$what: no child left" wait_for 1 all_gone "$SIPD" "$RTPD"
		check "$what: pid file removed" test ! -e "$WORK/siproxd.pid"
		kill_ours "$SXD" "$SIPD" "$RTPD"
		wait "$SXD" 2>/dev/null
	done
done

# 5. SIGHUP twenty times, 100 ms apart, while two calls carry media.
start_siproxd "$CONF" || exit 1
SIPD=$(child_pid sipd)
RTPD=$(child_pid rtpd)
media_call h1 5061 5070 16000 26000
sipp_bg lan-h2 "$NS_LAN" $LAN 5062 rtp_uas.xml -s phone2 -key rtpport 16100
sipp_bg wan-h2 "$NS_WAN" $WAN 5080 rtp_uac.xml -s provider \
    -key domain sip.test -key callee phone2 -key rdomain 203.0.113.1 \
    -key rtpport 26100 $FW_OUT
P1_IN=$(wait_for 5 sdp_port lan-h1 1 audio && sdp_port lan-h1 1 audio)
P1_OUT=$(wait_for 5 sdp_port wan-h1 1 audio && sdp_port wan-h1 1 audio)
P2_IN=$(wait_for 5 sdp_port lan-h2 1 audio && sdp_port lan-h2 1 audio)
P2_OUT=$(wait_for 5 sdp_port wan-h2 1 audio && sdp_port wan-h2 1 audio)
check "hup: two calls with media are up" \
    test -n "$P1_IN" -a -n "$P1_OUT" -a -n "$P2_IN" -a -n "$P2_OUT"
log_mark
(
	i=0
	while [ $i -lt 20 ]; do
		kill -HUP "$SXD"
		sleep 0.1
		i=$((i + 1))
	done
) &
HUPS=$!
talk 16100 "$P2_IN" 26100 "$P2_OUT" "" h2 80 > "$WORK/talk-h2" 2>&1 &
T2=$!
check "hup: LAN->WAN media byte-exact through 20 SIGHUPs" \
    talk 16000 "$P1_IN" 26000 "$P1_OUT" "" h1 80
wait $T2
T2R=$?
cat "$WORK/talk-h2"
check "hup: WAN->LAN media byte-exact through 20 SIGHUPs" test $T2R -eq 0
wait $HUPS
hups() { [ "$(log_count reloading)" -eq 20 ]; }
check "hup: every SIGHUP was a reload" wait_for 2 hups
check "hup: the LAN->WAN call ends normally" bg_ok lan-h1
check "hup: its callee saw the BYE" bg_ok wan-h1
check "hup: the WAN->LAN call ends normally" bg_ok wan-h2
check "hup: its callee saw the BYE" bg_ok lan-h2
check "hup: same children" test "$(child_pid sipd)" = "$SIPD" -a \
    "$(child_pid rtpd)" = "$RTPD"
check "hup: no registration lost" three_phones
check "hup: a WAN call still reaches phone3" wan_calls h3 phone3 5063

# 6. A SIGHUP that names a new registration_file: the next autosave fills
# it though no registration changed; a stop with nothing changed since
# leaves it as it is.
MOVED=$WORK/registrations.moved
sed -i "s|^registration_file = .*|registration_file = $MOVED|" "$CONF"
kill -HUP "$SXD"
moved_phones() { [ "$(grep -c '^phone[123]@sip.test ' "$MOVED.state" \
    2>/dev/null)" -eq 3 ]; }
check "new registration_file: the next autosave writes the three phones" \
    wait_for 4 moved_phones
sleep 1.2	# one more autosave tick: nothing is left to write
cp "$MOVED.state" "$WORK/moved.before"
kill -TERM "$SXD"
check "hup: the daemon stops cleanly afterwards" wait_for 3 gone "$SXD"
check "a stop with nothing changed leaves the registration file as it was" \
    cmp -s "$MOVED.state" "$WORK/moved.before"
finish
