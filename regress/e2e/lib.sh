# SPDX-License-Identifier: ISC
# Shared by the end-to-end tests: namespaces, daemons, bounded waits, results.
# The topology is topo.sh's (lan, fw with siproxd, wan).  Nothing is ever
# sent outside these namespaces.

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
SIPROXD=${SIPROXD:-$TOP/siproxd}	# another binary: to run a test on old code
TOOLS=$TOP/obj/regress/tools
E2E=$TOP/regress/e2e
export PYTHONPATH="$E2E${PYTHONPATH:+:$PYTHONPATH}"	# sippeer.py, for all
T=$(basename "$0" .sh)
ID=$$
NS_LAN=sxl$ID
NS_FW=sxf$ID
NS_WAN=sxw$ID
LAN=10.0.0.2		# phone1, in lan
WAN=203.0.113.2		# the provider, in wan
WORK=$(mktemp -d /tmp/siproxd-e2e.XXXXXX)
chmod 0755 "$WORK"
PIDS=""

ok() { echo "ok - $T: $*"; }
fail() { echo "FAIL - $T: $*"; FAILED=1; }
check() {	# check "description" command...
	d=$1; shift
	if "$@"; then ok "$d"; else fail "$d"; fi
}

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIPPED: need root ($T)"
		exit 0
	fi
}

need_python() {
	if ! command -v python3 >/dev/null; then
		echo "SKIPPED: no python3 ($T)"
		exit 0
	fi
}

in_lan() { ip netns exec "$NS_LAN" "$@"; }
in_fw() { ip netns exec "$NS_FW" "$@"; }
in_wan() { ip netns exec "$NS_WAN" "$@"; }

cleanup() {
	rm -rf "/etc/netns/$NS_FW"
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	# Whatever still runs in our namespaces goes too.
	for ns in "$NS_LAN" "$NS_FW" "$NS_WAN"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "${KEEP:-}" ]; then
		echo "# kept $WORK"
	else
		rm -rf "$WORK"
	fi
}

. "$E2E/topo.sh"

topo_up() {
	need_root
	trap cleanup EXIT
	trap 'exit 1' INT TERM
	topo_links "$NS_LAN" "$NS_FW" "$NS_WAN" ||
	    { echo "FAIL - $T: netns"; exit 1; }
	wan_capture
}

# Everything the firewall sends out of its WAN interface is captured
# where the WAN receives it; finish checks that no LAN address is in it
# (WAN_LEAK_RE: what counts as one; WAN_LEAK_OK: text that may name one,
# taken out first).  A test may check and capture again between phases.
WAN_LEAK_RE='10\.0\.0\.|fd00:1::'
wan_capture() {
	rm -f "$WORK/wan.cap"
	ip netns exec "$NS_WAN" python3 "$E2E/wancap.py" wan0 "$WORK/wan.cap" &
	WANCAP=$!
	PIDS="$PIDS $WANCAP"
	wait_for 5 grep -q '^ready' "$WORK/wan.cap" ||
	    fail "the WAN capture did not start"
}

wan_leak_check() {
	[ -n "${WANCAP:-}" ] || return 0
	kill "$WANCAP" 2>/dev/null
	_l=$(grep -E "$WAN_LEAK_RE" "$WORK/wan.cap" |
	    sed -E "s/${WAN_LEAK_OK:-^\$}//g" | grep -E "$WAN_LEAK_RE")
	check "no LAN address left on the WAN side ($(grep -c . \
	    "$WORK/wan.cap") records)" test -z "$_l"
	printf '%s\n' "$_l" | grep -o -E ".{0,60}($WAN_LEAK_RE).{0,30}" |
	    head -5 | sed 's/^/# leak: /'
	WANCAP=
}

# wait_for SECONDS command...: poll until the command succeeds.
wait_for() {
	t=$1; shift
	n=$((t * 10))
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# A config for the daemon in fw; extra lines from stdin are appended.
write_conf() {
	f=$WORK/${1:-siproxd}.conf
	cat > "$f" <<CONF
if_inbound = in0
if_outbound = out0
sip_listen_port = 5060
user = nobody
chrootjail = $WORK/jail
registration_file = $WORK/registrations
autosave_registrations = 1
pid_file = $WORK/siproxd.pid
rtp_port_low = 7070
rtp_port_high = 7089
rtp_timeout = 30
silence_log = 0
CONF
	cat >> "$f"
	mkdir -p "$WORK/jail"
	chmod 0755 "$WORK/jail"
	echo "$f"
}

# start_siproxd CONF: run it in fw in the foreground; wait for its pid file.
# START_FLAGS replaces -d; START_WRAP is a command to run it under.
start_siproxd() {
	rm -f "$WORK/siproxd.pid"
	# Not through in_fw: a function in the background is a subshell, and
	# the test waits for the daemon itself to read its exit status.
	ip netns exec "$NS_FW" ${START_WRAP:-} "$SIPROXD" ${START_FLAGS--d} \
	    -f "$1" -s "$WORK/ctl.sock" >> "$WORK/siproxd.log" 2>&1 &
	SXD=$!
	PIDS="$PIDS $SXD"
	if ! wait_for 5 test -s "$WORK/siproxd.pid"; then
		fail "siproxd did not start"
		cat "$WORK/siproxd.log" | sed 's/^/# /'
		return 1
	fi
	SXD=$(cat "$WORK/siproxd.pid")
	wait_for 5 child_pid sipd && wait_for 5 child_pid rtpd
}

# child_pid NAME: the pid of the daemon's child process NAME.
child_pid() {
	for _c in $(pgrep -P "$SXD"); do
		if tr '\0' ' ' < "/proc/$_c/cmdline" | grep -q "$1"; then
			echo "$_c"
			return 0
		fi
	done
	return 1
}

# gone PID: not running (a zombie counts as gone: it is only not yet reaped).
gone() {
	! kill -0 "$1" 2>/dev/null ||
	    grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# udp_drops NS: UDP datagrams the namespace NS dropped on receipt, as
#   yet (a full socket buffer, a bad checksum); IPv4 and IPv6.
udp_drops() {
	ip netns exec "$1" awk '
	    $1 == "Udp:" && $2 !~ /^[0-9]/ {
		for (i = 2; i <= NF; i++) col[$i] = i
	    }
	    $1 == "Udp:" && $2 ~ /^[0-9]/ { n += $col["InErrors"] }
	    $1 == "Udp6InErrors" { n += $2 }
	    END { print n + 0 }' /proc/net/snmp /proc/net/snmp6
}

# rss_kb PID: the resident memory of process PID, in kB.
rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }

# mem_has PID STRING: STRING is somewhere in the memory of process PID.
mem_has() {
	python3 - "$1" "$2" <<'PY'
import sys
pid, needle, found = sys.argv[1], sys.argv[2].encode(), False
with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb") as mem:
    for line in maps:
        lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
        if "r" not in line.split()[1]:
            continue
        try:
            mem.seek(lo)
            if needle in mem.read(hi - lo):
                found = True
                break
        except (OSError, ValueError, OverflowError):
            pass
sys.exit(0 if found else 1)
PY
}

finish() {
	wan_leak_check
	[ -z "${FAILED:-}" ]
}

# A DNS server for the test domains in wan (dnsmasq), and fw's resolver
# pointed at it (ip netns exec bind-mounts /etc/netns/NS/resolv.conf).
#   sip.test  SRV -> reg.sip.test:5060 (the registrar), uas.test SRV -> :5070
# Arguments go to dnsmasq as they are.
dns_up() {
	mkdir -p "/etc/netns/$NS_FW"
	echo "nameserver 203.0.113.2" > "/etc/netns/$NS_FW/resolv.conf"
	in_wan dnsmasq -k --port=53 --listen-address=203.0.113.2 \
	    --bind-interfaces --no-resolv --no-hosts --pid-file= \
	    --host-record=reg.sip.test,203.0.113.2 \
	    --host-record=uas.test,203.0.113.2 \
	    --host-record=sip.test,203.0.113.2 \
	    --srv-host=_sip._udp.sip.test,reg.sip.test,5060,0,10 \
	    --srv-host=_sip._udp.uas.test,uas.test,5070,0,10 \
	    --log-facility="$WORK/dnsmasq.log" "$@" &
	PIDS="$PIDS $!"
}

SC=$E2E/sipp
# What call_uac.xml takes per call from an injection file (bench/bench.py
# writes its own): the media port offered, the callee's media port for
# its X-Bench header, the hold before BYE in ms.  sipp_run and sipp_bg
# give it to a scenario that reads [field0] unless -inf is among the args.
CALL_INF=$WORK/call.inf
printf 'SEQUENTIAL\n6000;6000;300;\n' > "$CALL_INF"
# sipp_inf SCENARIO [args]: "-inf $CALL_INF" where the scenario needs it.
sipp_inf() {
	grep -q '\[field0\]' "$1" || return 0
	for _a; do [ "$_a" = -inf ] && return 0; done
	echo "-inf $CALL_INF"
}
# sipp puts no keyword into a regexp: the scenario gets [expect_media]
# written in, from "-key expect_media ADDR" among the arguments.
sipp_scenario() {
	_out=$WORK/$1.xml
	_e=x
	_prev=
	for _a in "$@"; do
		[ "$_prev" = expect_media ] && _e=$_a
		_prev=$_a
	done
	sed "s/\[expect_media\]/$(echo "$_e" | sed 's/\./\\\\./g')/g" \
	    "$SC/$2" > "$_out"
	echo "$_out"
}
# sipp_bg NAME NS IP PORT SCENARIO [args]: a sipp UAS in the background.
sipp_bg() {
	_n=$1 _ns=$2 _ip=$3 _port=$4 _sc=$5
	shift 5
	_sf=$(sipp_scenario "$_n" "$_sc" "$@")
	ip netns exec "$_ns" sipp -sf "$_sf" -i "$_ip" -p "$_port" -m 1 \
	    -timeout 15s -timeout_error -trace_msg \
	    -message_file "$WORK/$_n.msg" -trace_err \
	    -error_file "$WORK/$_n.err" $(sipp_inf "$_sf" "$@") "$@" \
	    < /dev/null > /dev/null 2>&1 &
	eval "BG_$(echo "$_n" | tr -c 'a-zA-Z0-9\n' _)=$!"
	PIDS="$PIDS $!"
	sleep 0.3
}

# sipp_run NAME NS IP PORT SCENARIO REMOTE [args]: a sipp UAC; its status.
sipp_run() {
	_n=$1 _ns=$2 _ip=$3 _port=$4 _sc=$5 _r=$6
	shift 6
	_sf=$(sipp_scenario "$_n" "$_sc" "$@")
	ip netns exec "$_ns" sipp -sf "$_sf" -i "$_ip" -p "$_port" -m 1 \
	    -timeout 15s -timeout_error -trace_msg \
	    -message_file "$WORK/$_n.msg" -trace_err \
	    -error_file "$WORK/$_n.err" $(sipp_inf "$_sf" "$@") "$@" "$_r" \
	    < /dev/null > /dev/null 2>&1
}

# The SIP messages NAME's sipp received (sipp -trace_msg), without CRs and
# with header names in lower case, as they are case-insensitive.
received() {
	awk '/^-----/ { keep = 0 } / message received / { keep = 1; next }
	    keep { sub(/\r$/, "")
		if (match($0, /^[A-Za-z-]+:/))
			$0 = tolower(substr($0, 1, RLENGTH)) \
			    substr($0, RLENGTH + 1)
		print }' "$WORK/$1.msg" 2>/dev/null
}
# got NAME REGEXP: NAME's sipp received a line matching REGEXP.
got() { received "$1" | grep -q -E "$2"; }

# bg_end NAME SECONDS: the background sipp NAME ended with success, given
# at most SECONDS more (then it is stopped).
bg_end() {
	eval "_p=\$BG_$(echo "$1" | tr -c 'a-zA-Z0-9\n' _)"
	wait_for "$2" gone "$_p" || kill "$_p" 2>/dev/null
	wait "$_p"
}

# bg_ok NAME: the background sipp NAME ended with success.
bg_ok() {
	eval "_p=\$BG_$(echo "$1" | tr -c 'a-zA-Z0-9\n' _)"
	wait "$_p"
}

RTPTOOL=$TOOLS/rtptool
need_rtptool() {
	[ -x "$RTPTOOL" ] || { echo "FAIL - $T: no $RTPTOOL"; exit 1; }
}

# sdp_port NAME N MEDIA: the port of MEDIA in the Nth SDP NAME received.
sdp_port() {
	awk -v n="$2" -v m="m=$3" '
	    /message received/ { r = 1; next }
	    /^-----/ { r = 0 }
	    r && index($1, m) == 1 { if (++c == n) { print $2; exit } }' \
	    "$WORK/$1.msg" 2>/dev/null | grep .
}
# talk LANPORT LANDST WANPORT WANDST [lan source port] [tag] [count]: the
# phone (10.0.0.2) and the provider (203.0.113.2) through the relay, both
# sides at once, count packets (50) each way within TALK_TIMEOUT ms
# (3000).  Neither end sends before both are bound (rtptool -g: a file
# made once ss shows both sockets, however long the machine takes to
# start them); then the LAN end first (TALK_LAN_WAIT 300 ms, the WAN end
# TALK_WAN_WAIT 500 ms) so rtpd learns its port.  A port may be a whole
# ADDRESS:PORT instead ([fd00:1::2]:16000 for IPv6).
talk_addr() { case $1 in *[!0-9]*) echo "$1" ;; *) echo "$2:$1" ;; esac; }
# talk_bound LAN WAN: UDP sockets bound to the address:port LAN in the
# LAN namespace and to WAN in the WAN namespace.
talk_bound() {
	ip netns exec "$NS_LAN" ss -uanH | awk -v a="$1" '$4 == a { f = 1 }
	    END { exit !f }' &&
	ip netns exec "$NS_WAN" ss -uanH | awk -v a="$2" '$4 == a { f = 1 }
	    END { exit !f }'
}
talk() {
	_t=${6:-a} _tn=${7:-50}
	_tl=$(talk_addr "${5:-$1}" 10.0.0.2)
	_tw=$(talk_addr "$3" 203.0.113.2)
	_tg=$WORK/talk-go-$_t
	rm -f "$_tg"
	in_lan "$RTPTOOL" duplex -l "$_tl" -r "$(talk_addr "$2" 10.0.0.1)" \
	    -w "${TALK_LAN_WAIT:-300}" -n "$_tn" -i 20 -g "$_tg" \
	    -t "${TALK_TIMEOUT:-3000}" -s 111 -S 222 \
	    > "$WORK/talk-lan-$_t" 2>&1 &
	_lp=$!
	in_wan "$RTPTOOL" duplex -l "$_tw" -r "$(talk_addr "$4" 203.0.113.1)" \
	    -w "${TALK_WAN_WAIT:-500}" -n "$_tn" -i 20 -g "$_tg" \
	    -t "${TALK_TIMEOUT:-3000}" -s 222 -S 111 \
	    > "$WORK/talk-wan-$_t" 2>&1 &
	_wp=$!
	wait_for 10 talk_bound "$_tl" "$_tw"
	: > "$_tg"
	wait $_wp
	_wr=$?
	wait $_lp
	_lr=$?
	rm -f "$_tg"
	sed 's/^/# lan: /' "$WORK/talk-lan-$_t"
	sed 's/^/# wan: /' "$WORK/talk-wan-$_t"
	[ $_lr -eq 0 ] && [ $_wr -eq 0 ]
}

# lan_calls [flags] NAME [UAS [UAC [WAN media [UAC arguments]]]]: phone1
# calls wan@uas.test (a call without media, call_uac.xml and call_uas.xml
# unless named); the offer the provider gets must name the WAN media
# address (203.0.113.1), the answer the phone gets 10.0.0.1.  Both ends'
# status.  Flags: -proxy HOST:PORT the phone sends to (10.0.0.1:5060),
# -port the provider's sipp listens on (5070), -callee (wan), -rdomain
# (uas.test), -timeout for both sipps, -linger SECONDS: the provider's
# sipp may outlive the phone's that long, then it is stopped.
lan_calls() {
	_lc_proxy=10.0.0.1:5060 _lc_port=5070 _lc_callee=wan _lc_rdom=uas.test
	_lc_linger= _lc_to=
	while :; do
		case $1 in
		-proxy) _lc_proxy=$2 ;;
		-port) _lc_port=$2 ;;
		-callee) _lc_callee=$2 ;;
		-rdomain) _lc_rdom=$2 ;;
		-linger) _lc_linger=$2 ;;
		-timeout) _lc_to="-timeout $2" ;;
		*) break ;;
		esac
		shift 2
	done
	_lc_n=$1 _lc_uas=${2:-call_uas.xml} _lc_uac=${3:-call_uac.xml}
	_lc_media=${4:-203.0.113.1}
	shift $(($# < 4 ? $# : 4))
	sipp_bg "wan-$_lc_n" "$NS_WAN" $WAN "$_lc_port" "$_lc_uas" \
	    -s "$_lc_callee" -key expect_media "$_lc_media" $_lc_to
	sipp_run "lan-$_lc_n" "$NS_LAN" $LAN 5061 "$_lc_uac" "$_lc_proxy" \
	    -s phone1 -key domain sip.test -key callee "$_lc_callee" \
	    -key rdomain "$_lc_rdom" -key expect_media 10.0.0.1 $_lc_to "$@"
	_r=$?
	if [ -n "$_lc_linger" ]; then
		bg_end "wan-$_lc_n" "$_lc_linger" && [ $_r -eq 0 ]
	else
		bg_ok "wan-$_lc_n" && [ $_r -eq 0 ]
	fi
}

# wan_calls NAME PHONE PORT [UAS UAC]: the provider on the WAN calls PHONE,
#   a sipp on the LAN at PORT (call_uas.xml and call_uac.xml by default);
#   each answer's SDP must name the firewall's address on that side.
wan_calls() {
	sipp_bg "lan-$1" "$NS_LAN" $LAN "$3" "${4:-call_uas.xml}" -s "$2" \
	    -key expect_media 10.0.0.1
	sipp_run "wan-$1" "$NS_WAN" $WAN 5080 "${5:-call_uac.xml}" $FW_OUT \
	    -s provider -key domain sip.test -key callee "$2" \
	    -key rdomain 203.0.113.1 -key expect_media 203.0.113.1
	_r=$?
	bg_ok "lan-$1" && [ $_r -eq 0 ]
}

# out_call NAME TARGET [UAC [UAS [UAS arguments]]]: phone1 (10.0.0.2:5061)
# calls wan@uas.test with media (video too where the scenario has it: the
# vport keys), its INVITE sent to TARGET; both sipps
# (the scenarios rtp_uac.xml and rtp_uas.xml unless named) in the
# background.  Sets P_IN and P_OUT, the relay ports the phone and the
# provider were given.
out_call() {
	_oc_n=$1 _oc_t=$2 _oc_uac=${3:-rtp_uac.xml} _oc_uas=${4:-rtp_uas.xml}
	shift 2
	[ $# -gt 0 ] && shift
	[ $# -gt 0 ] && shift
	sipp_bg "wan-$_oc_n" "$NS_WAN" $WAN 5070 "$_oc_uas" -s wan \
	    -key rtpport 26000 -key vport 26010 "$@"
	sipp_bg "lan-$_oc_n" "$NS_LAN" $LAN 5061 "$_oc_uac" -s phone1 \
	    -key domain sip.test -key callee wan -key rdomain uas.test \
	    -key rtpport 16000 -key vport 16010 "$_oc_t"
	P_IN=$(wait_for 5 sdp_port "lan-$_oc_n" 1 audio &&
	    sdp_port "lan-$_oc_n" 1 audio)
	P_OUT=$(wait_for 5 sdp_port "wan-$_oc_n" 1 audio &&
	    sdp_port "wan-$_oc_n" 1 audio)
}

# auth_reg NAME SCENARIO USER PASS: a LAN phone registers through the
# proxy with digest credentials; the provider's registrar answers 200.
# sipp's digest uri is the proxy's address unless told: RFC 3261 §22.4
# wants the Request-URI, and the proxy holds phones to it.
auth_reg() {
	sipp_bg "wan-$1" "$NS_WAN" 203.0.113.2 5060 wan_reg.xml
	sipp_run "lan-$1" "$NS_LAN" 10.0.0.2 5061 "$2" 10.0.0.1:5060 -s "$3" \
	    -key domain sip.test -au "$3" -ap "$4" -auth_uri sip.test
	_r=$?
	kill "$(eval echo \$BG_wan_$1)" 2>/dev/null
	return $_r
}

# pfsense_phones FILE: the phones pfSense's "Registered Phones" page lists
# for a registration file, read as its PHP reads it (explode on newlines,
# "stars:active:expires", then twelve lines for an active one), one line
# each: "real user@host:port masqueraded user@host:port registered
# user@host expires".
pfsense_phones() {
	python3 - "$1" <<'PY'
import sys
try:
    data = open(sys.argv[1], encoding="latin-1").read().split("\n")
except FileNotFoundError:
    sys.exit(0)
i = 0
while i < len(data):
    f = data[i].split(":") + [None, None]
    active, expires = f[1], f[2]
    if active == "1":
        p = []
        for k in range(12):
            i += 1
            p.append(data[i] if i < len(data) else "")
        print("%s@%s:%s %s@%s:%s %s@%s %s" % (p[1], p[2], p[3], p[5],
            p[6], p[7], p[9], p[10], expires))
    i += 1
PY
}

# redirect_up: the rule pfSense writes, "rdr on <inside> proto udp from
# any to !(<inside>) port 5060 -> 127.0.0.1 port 5060", as nftables.
redirect_up() {
	command -v nft > /dev/null || return 1
	in_fw sysctl -qw net.ipv4.conf.in0.route_localnet=1
	in_fw nft -f - <<NFT
table ip sxredir {
	chain pre {
		type nat hook prerouting priority dstnat;
		iifname "in0" udp dport 5060 ip daddr != 10.0.0.1 \
		    dnat to 127.0.0.1:5060
	}
}
NFT
}

# in_call NAME [UAC]: the provider (203.0.113.2:5080) calls phone1,
# registered on 10.0.0.2:5061, with media (the scenario rtp_uac.xml
# unless named); both sipps in the background.  Sets P_IN and P_OUT as
# out_call does.
in_call() {
	sipp_bg "lan-$1" "$NS_LAN" 10.0.0.2 5061 rtp_uas.xml -s phone1 \
	    -key rtpport 16000
	sipp_bg "wan-$1" "$NS_WAN" 203.0.113.2 5080 "${2:-rtp_uac.xml}" \
	    -s provider \
	    -key domain sip.test -key callee phone1 -key rdomain 203.0.113.1 \
	    -key rtpport 26000 203.0.113.1:5060
	P_IN=$(wait_for 5 sdp_port "lan-$1" 1 audio &&
	    sdp_port "lan-$1" 1 audio)
	P_OUT=$(wait_for 5 sdp_port "wan-$1" 1 audio &&
	    sdp_port "wan-$1" 1 audio)
}

# redis_up NS WHERE [PASSWORD]: redis-server in namespace NS, without
# persistence, on the Unix socket WHERE (a path) or on WHERE's address
# (ADDR:PORT); REDIS_PID is its pid.  rcli WHERE [PASSWORD] -- args:
# redis-cli against it (from the namespace it runs in, REDIS_NS).  With
# REDIS_TLS (a directory with ca.crt, redis.crt, redis.key), both speak
# only TLS on ADDR:PORT.
redis_up() {
	_ns=$1 _w=$2 _pw=${3:-}
	case $_w in
	/*) _l="--port 0 --unixsocket $_w --unixsocketperm 700" ;;
	*) _l="--bind ${_w%:*} --port ${_w##*:} --protected-mode no" ;;
	esac
	[ -n "${REDIS_TLS:-}" ] && _l="--bind ${_w%:*} --port 0 --tls-port \
${_w##*:} --tls-cert-file $REDIS_TLS/redis.crt --tls-key-file \
$REDIS_TLS/redis.key --tls-ca-cert-file $REDIS_TLS/ca.crt \
--tls-auth-clients no --protected-mode no"
	ip netns exec "$_ns" redis-server $_l --save '' --appendonly no \
	    --dir "$WORK" ${_pw:+--requirepass "$_pw"} \
	    >> "$WORK/redis.log" 2>&1 &
	REDIS_PID=$!
	REDIS_NS=$_ns
	PIDS="$PIDS $REDIS_PID"
	wait_for 5 rcli "$_w" "$_pw" ping || fail "redis-server did not start"
}
rcli() {
	_w=$1 _pw=$2
	shift 2
	case $_w in
	/*) set -- -s "$_w" "$@" ;;
	*) set -- -h "${_w%:*}" -p "${_w##*:}" "$@" ;;
	esac
	ip netns exec "$REDIS_NS" redis-cli ${_pw:+-a "$_pw"} \
	    ${REDIS_TLS:+--tls --cacert "$REDIS_TLS/ca.crt"} \
	    --no-auth-warning "$@"
}
redis_down() {
	kill "$REDIS_PID" 2>/dev/null
	wait_for 5 gone "$REDIS_PID"
}
# udp_bound NS PORT: something in namespace NS listens on UDP port PORT.
udp_bound() {
	ip netns exec "$1" ss -Hluna "sport = :$2" | grep -q .
}
# hup PID: SIGHUP to siproxd, back once both children hold the new
# configuration: the parent has logged its reload, and an answer from each
# child, asked after it, comes behind the configuration on their channels.
hup() {
	_n=$(grep -c 'reloading ' "$WORK/siproxd.log")
	kill -HUP "$1"
	wait_for 10 sh -c "[ \$(grep -c 'reloading ' '$WORK/siproxd.log') \
	    -gt $_n ]"
	"$TOP/siproxctl" -s "$WORK/ctl.sock" show calls > /dev/null
	"$TOP/siproxctl" -s "$WORK/ctl.sock" show phones > /dev/null
}
