#!/bin/sh
# SPDX-License-Identifier: ISC
# ha_redis (siproxd.conf(5)): each registration is kept in Redis, with
# its time left as the key's TTL, and read back at start; AUTH from the
# password file; Redis down at start, killed or restarted: siproxd serves
# from memory, says so once, and writes everything when Redis is back.

. "$(dirname "$0")/lib.sh"
topo_up
# forge.py names its source in User-Agent, which the proxy passes on.
WAN_LEAK_OK='User-agent: forge-10\.0\.0\.[0-9]+'
dns_up
FORGE="python3 $E2E/forge.py"
SOCK=$WORK/redis.sock
PW=cabbage-7
echo "$PW" > "$WORK/redis.pw"
chmod 0600 "$WORK/redis.pw"
CONF=$(write_conf <<C
ha_redis = $SOCK
ha_redis_password_file = $WORK/redis.pw
ha_node = fw-a
ha_prefix = t1:
C
)
# reg USER PORT [EXPIRES]: USER on 10.0.0.2:PORT registers; the answer.
reg() {
	in_wan $FORGE registrar 200 8 &
	_r=$!
	wait_for 5 udp_bound "$NS_WAN" 5060
	in_lan $FORGE register 10.0.0.2 "$2" "$1" "10.0.0.2:$2" ${3:-} \
	    > "$WORK/reg"
	wait $_r
	sed "s/^/# $1: /" "$WORK/reg"
	grep -q "^SIP/2.0 200" "$WORK/reg"
}
# records: every record under t1:, one line each (the binding's line).
records() {
	for _k in $(rcli "$SOCK" "$PW" --scan --pattern 't1:reg:*'); do
		rcli "$SOCK" "$PW" get "$_k" | sed -n 2p
	done
}
has_record() { records | grep -q "^$1@sip.test "; }
# reached USER PORT: a WAN request for USER reaches 10.0.0.2:PORT.
reached() {
	in_lan $FORGE sink 10.0.0.2 "$2" 6 > "$WORK/sink" &
	_s=$!
	wait_for 5 udp_bound "$NS_LAN" "$2"
	in_wan $FORGE ask 203.0.113.2 5097 1 "$1" > /dev/null
	wait $_s
	grep -q "udp=1 " "$WORK/sink"
}
phones() {
	"$TOP/siproxctl" -s "$WORK/ctl.sock" show phones | cut -f1 | sort |
	    tr '\n' ' '
}
logged() { grep -c "$1" "$WORK/siproxd.log"; }
restart() {
	kill "$SXD"
	wait_for 5 gone "$SXD"
	rm -f "$WORK/registrations" "$WORK/registrations.state"
	start_siproxd "$CONF"
}

# 1. Redis is unreachable at start: siproxd serves anyway.
start_siproxd "$CONF" || exit 1
check "redis unreachable at start: a phone still registers" reg phone1 5061
check "and the log says once that it serves from memory" \
    wait_for 3 test "$(logged 'serving from memory')" = 1
check "and it is reached" reached phone1 5061

# 2. Redis comes: what siproxd holds is written, with AUTH.
redis_up "$NS_FW" "$SOCK" "$PW"
check "once redis is there, the registration is written to it" \
    wait_for 5 has_record phone1
check "the log says redis is back" wait_for 2 grep -q "redis .*: back" \
    "$WORK/siproxd.log"
ttl=$(rcli "$SOCK" "$PW" ttl "$(rcli "$SOCK" "$PW" --scan --pattern 't1:reg:*' |
    head -1)")
echo "# ttl: $ttl"
check "the key's TTL is the time the binding has left" \
    test "$ttl" -gt 280 -a "$ttl" -le 300
first=$(rcli "$SOCK" "$PW" --scan --pattern 't1:reg:*' | head -1)
check "the record names this box (ha_node)" \
    eval 'rcli "$SOCK" "$PW" get "$first" | head -1 | grep -q "node=fw-a$"'
check "the keys it seals with are there for the partner (t1:seal)" eval \
    'rcli "$SOCK" "$PW" get t1:seal | grep -Eqx "[0-9a-f]{64}"'
check "a new registration is written at once" reg phone2 5062
check "phone2's record is there" wait_for 2 has_record phone2

# 2b. A call with media: rtpd's streams reach Redis through sipd, the
# endpoints locked as rtpd learned them; the BYE removes the record.
calls() { rcli "$SOCK" "$PW" --scan --pattern 't1:call:*'; }
call_rec() { for _k in $(calls); do rcli "$SOCK" "$PW" get "$_k"; done; }
out_call r1 10.0.0.1:5060 rtp_uac_long.xml
check "a call with media both ways" talk 16000 "$P_IN" 26000 "$P_OUT"
# LAN leg: our port P_IN, IPv4, DST|RTP (3), the phone's RTP and RTCP,
# the SIP hop of its SDP; WAN leg likewise.
LEGS="0 $P_IN 4 3 10.0.0.2/16000 10.0.0.2/16001 10.0.0.2/5061"
LEGS="$LEGS $P_OUT 4 3 203.0.113.2/26000 203.0.113.2/26001 203.0.113.2/5070"
check "its record is in redis, both legs locked" wait_for 3 eval \
    'call_rec | grep -qx "$LEGS"'
call_rec | sed 's/^/# call record: /'
check "the record names the call and this box" eval \
    'call_rec | head -1 | grep -qx "siproxd-call 1 node=fw-a"'
ttl=$(rcli "$SOCK" "$PW" ttl "$(calls | head -1)")
echo "# call record ttl: $ttl (rtp_timeout 30)"
check "its TTL is past rtp_timeout, not much more" \
    test "$ttl" -gt 30 -a "$ttl" -le 46
echo "# bytes of the call's record: $(call_rec | wc -c)"
# Redis restarted (empty) in the middle of the call: written again.
redis_down
redis_up "$NS_FW" "$SOCK" "$PW"
check "redis restarted empty mid-call: the call's record is written again" \
    wait_for 5 eval 'call_rec | grep -qx "$LEGS"'
check "the BYE ends the call" eval 'bg_ok lan-r1 && bg_ok wan-r1'
check "and removes the call's record" wait_for 3 eval '[ -z "$(calls)" ]'

# 3. A restart without the registration file: the table comes from Redis.
restart || exit 1
check "after a restart with no registration file, both phones are back" \
    wait_for 5 sh -c "'$TOP/siproxctl' -s '$WORK/ctl.sock' show phones |
    grep -q phone2@sip.test"
check "and a WAN request reaches phone1 without a new REGISTER" \
    reached phone1 5061

# 4. An unregistration removes the record.
check "phone2 unregisters" reg phone2 5062 0
check "phone2's record is removed from redis" \
    wait_for 3 eval '! has_record phone2'

# 5. Redis restarted (empty, as a new one): siproxd writes all again.
redis_down
check "redis killed: a phone still registers" reg phone3 5063
redis_up "$NS_FW" "$SOCK" "$PW"
check "redis restarted empty: phone1 and phone3 are written again" \
    wait_for 5 eval 'has_record phone1 && has_record phone3'
check "and phone2 stays unregistered" eval '! has_record phone2'
check "redis being away was logged once per outage, not per write" \
    test "$(logged 'serving from memory')" = 3

# 6. SIGHUP (CARP made this box master, siproxd(8)): what the partner
# wrote is read now.
printf 'siproxd-registrations 1 node=fw-b\nphone5@sip.test sip:phone5@10.0.0.2:5065 phone5 udp 10.0.0.2 5065 %s\n' \
    $(($(date +%s) + 200)) | rcli "$SOCK" "$PW" -x set t1:reg:from-b > /dev/null
rcli "$SOCK" "$PW" expire t1:reg:from-b 200 > /dev/null
rcli "$SOCK" "$PW" set t1:reg:junk "not a record" ex 200 > /dev/null
kill -HUP "$SXD"
check "after SIGHUP, the partner's phone5 is in the table" \
    wait_for 3 sh -c "'$TOP/siproxctl' -s '$WORK/ctl.sock' show phones |
    grep -q phone5@sip.test"
check "and is reached" reached phone5 5065
check "a malformed record is logged, not taken" \
    grep -q "redis: a registration record: " "$WORK/siproxd.log"

# 6b. A long call's record stays while media flows, though the kernel's
# fast path relays it: rtpd says it again every rtp_timeout / 3 + 1 s
# (5 s with rtp_timeout 12), the media's last packet read from the map.
sed 's/^rtp_timeout = 30$/rtp_timeout = 12/' "$CONF" > "$WORK/short.conf"
kill "$SXD"
wait_for 5 gone "$SXD"
start_siproxd "$WORK/short.conf" || exit 1
sets() {
	"$TOP/siproxctl" -s "$WORK/ctl.sock" show stats |
	    awk '$2 == "redis_sets" { print $3 }'
}
out_call r2 10.0.0.1:5060 rtp_uac_long.xml
TALK_TIMEOUT=4000 talk 16000 "$P_IN" 26000 "$P_OUT" 16000 r2 400 \
    > "$WORK/talk-r2" 2>&1 &
TALKER=$!
sleep 1.5
s1=$(sets)
sleep 6
s2=$(sets)
ttl=$(rcli "$SOCK" "$PW" ttl "$(calls | head -1)")
echo "# writes 1.5 s and 7.5 s into the media: $s1, $s2; ttl then: $ttl"
check "the record of a call with media is written again while it flows" \
    test "$s2" -gt "$s1"
wait "$TALKER"
check "that call ends" eval 'bg_ok lan-r2 && bg_ok wan-r2'

# 7. A wrong password: refused, logged, served from memory.
echo wrong > "$WORK/redis.pw"
kill -HUP "$SXD"
restart || exit 1
check "a wrong password is logged" wait_for 5 grep -q "AUTH refused" \
    "$WORK/siproxd.log"
sleep 2
check "once, though siproxd tries again every second" \
    test "$(logged 'AUTH refused')" = 1
check "and a phone still registers" reg phone4 5064

# 8. ha_redis_tls: Redis that speaks only TLS, on the network; its
# certificate checked against ha_redis_ca_file and the address.  A CA
# that did not sign it: refused, logged with why, served from memory.
redis_down
REDIS_TLS=$WORK/rtls
mkdir -p "$REDIS_TLS"
for c in ca otherca; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$REDIS_TLS/$c.key" -subj "/CN=$c" -days 2 \
	    -out "$REDIS_TLS/$c.crt" 2> /dev/null
done
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$REDIS_TLS/redis.key" -subj "/CN=redis" \
    -out "$REDIS_TLS/redis.csr" 2> /dev/null &&
    echo "subjectAltName=IP:127.0.0.1" > "$REDIS_TLS/redis.ext" &&
    openssl x509 -req -in "$REDIS_TLS/redis.csr" -CA "$REDIS_TLS/ca.crt" \
    -CAkey "$REDIS_TLS/ca.key" -set_serial 7 -days 2 \
    -extfile "$REDIS_TLS/redis.ext" -out "$REDIS_TLS/redis.crt" \
    2> /dev/null || fail "openssl could not make the redis certificates"
SOCK=127.0.0.1:6380
echo "$PW" > "$WORK/redis.pw"
redis_up "$NS_FW" "$SOCK" "$PW"
check "redis-server takes no plain text on its TLS port" sh -c \
    "! timeout 5 ip netns exec '$NS_FW' redis-cli -h 127.0.0.1 -p 6380 \
    -a '$PW' --no-auth-warning ping 2>&1 | grep -q PONG"
sed -i "s|^ha_redis = .*|ha_redis = $SOCK|" "$CONF"
printf 'ha_redis_tls = 1\nha_redis_ca_file = %s\n' "$REDIS_TLS/ca.crt" \
    >> "$CONF"
restart || exit 1
check "over TLS: redis is reached" wait_for 5 grep -q "redis $SOCK: connected" \
    "$WORK/siproxd.log"
check "over TLS: a registration is written" reg phone6 5066
check "over TLS: phone6's record is in redis" wait_for 3 has_record phone6
restart || exit 1
check "over TLS: after a restart, phone6 is read back from redis" \
    wait_for 5 sh -c "'$TOP/siproxctl' -s '$WORK/ctl.sock' show phones |
    grep -q phone6@sip.test"
sed -i "s|^ha_redis_ca_file = .*|ha_redis_ca_file = $REDIS_TLS/otherca.crt|" \
    "$CONF"
restart || exit 1
check "a redis certificate from another CA is refused, and logged why" \
    wait_for 5 grep -q "redis $SOCK: .*verif.*: serving from memory" \
    "$WORK/siproxd.log"
check "and a phone still registers" reg phone7 5067
check "and is reached" reached phone7 5067
check "and nothing was written to that redis" eval '! has_record phone7'
check "sipd is still running" wait_for 1 child_pid sipd
finish
