#!/bin/sh
# SPDX-License-Identifier: ISC
# Proxy authentication of LAN phones (proxy_auth_realm, _passwd, _pwfile):
# digest, nonces that cannot be replayed, garbage answered, pwfile reload.

. "$(dirname "$0")/lib.sh"
topo_up
dns_up

printf '# users\nphone1 secret1\nphone2 secret2\n' > "$WORK/passwd"
CONF=$(write_conf <<CONF
proxy_auth_realm = siproxd.test
proxy_auth_pwfile = $WORK/passwd
CONF
)
start_siproxd "$CONF" || exit 1
LAN=10.0.0.2
WAN=203.0.113.2
REG=$WORK/registrations

# reg NAME SCENARIO USER PASS: a LAN phone registers through the proxy.
reg() {
	sipp_bg "wan-$1" "$NS_WAN" $WAN 5060 wan_reg.xml
	sipp_run "lan-$1" "$NS_LAN" $LAN 5061 "$2" 10.0.0.1:5060 -s "$3" \
	    -key domain sip.test -au "$3" -ap "$4"
	_r=$?
	kill "$(eval echo \$BG_wan_$1)" 2>/dev/null
	return $_r
}

check "no credentials: 407 with a Digest challenge" \
    reg none auth_reg_none.xml phone1 x
check "right credentials: the REGISTER is forwarded and answered 200" \
    reg good auth_reg.xml phone1 secret1
check "the binding is saved" wait_for 3 grep -q "^phone1@sip.test " "$REG"
check "the registrar never sees our Proxy-Authorization" sh -c \
    "! grep -qi 'proxy-authorization' $WORK/wan-good.msg"
check "wrong password: refused again" \
    reg bad auth_reg_bad.xml phone2 wrong
check "a user not in the file: refused" \
    reg nouser auth_reg_bad.xml phone9 secret1
check "no binding for the refused phones" sh -c \
    "! grep -qE '^phone[29]@' $REG"

# Replay: the phone's authenticated REGISTER, sent again as a new request
# (new branch and CSeq, same nonce and nc), must not pass.
AUTHREG=$WORK/replay.dat
awk '/message sent/ { n++; next } n == 2 && /^-----/ { exit }
    n == 2 && NF { print }' "$WORK/lan-good.msg" |
    sed -e 's/^CSeq: 2 /CSeq: 7 /' -e 's/branch=[^;]*/branch=z9hG4bKreplay1/' \
    > "$AUTHREG.txt"
check "the authenticated REGISTER was captured" \
    grep -q "Proxy-Authorization: Digest" "$AUTHREG.txt"
# replay SRCPORT FILE: send a SIP text (LF lines) as CRLF, print the answer.
replay() {
	in_lan python3 - "$1" "$2" <<'PY'
import socket, sys
text = open(sys.argv[2]).read().strip("\n").split("\n")
msg = "\r\n".join(l.strip() for l in text).encode() + b"\r\n\r\n"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.0.2", int(sys.argv[1])))
s.settimeout(2)
s.sendto(msg, ("10.0.0.1", 5060))
try:
    print(s.recv(65535).split(b"\r\n")[0].decode())
except socket.timeout:
    print("none")
PY
}
R=$(replay 5071 "$AUTHREG.txt")
echo "# replay answered: $R"
check "a replayed nonce is refused (407)" test "$R" = "SIP/2.0 407 Proxy Authentication Required"

# Garbage in Proxy-Authorization: an answer, and the daemon lives on.
for g in 'Digest' 'Digest username="phone1", realm="siproxd.test", nonce="' \
    'Digest ,,,,,' "Digest username=$(head -c 5000 /dev/zero | tr '\0' a)" \
    'Basic cGhvbmUxOnNlY3JldDE=' 'Digest realm="siproxd.test", response=1'; do
	sed -e '/^Proxy-Authorization:/d' \
	    -e "s|^Content-Length:|Proxy-Authorization: $g\nContent-Length:|" \
	    -e 's/branch=[^;]*/branch=z9hG4bKgarbage'$$'/' \
	    "$AUTHREG.txt" > "$WORK/garbage.txt"
	R=$(replay 5072 "$WORK/garbage.txt")
	check "garbage Proxy-Authorization '$(echo "$g" | cut -c1-30)' gets 400/407" \
	    sh -c "echo '$R' | grep -qE '^SIP/2.0 (400|407) '"
done
check "sipd is still running" kill -0 "$(child_pid sipd)"

# A reload re-reads the password file: phone2's new password works.
printf 'phone1 secret1\nphone2 newpass\n' > "$WORK/passwd"
kill -HUP "$SXD"
sleep 0.5
check "after SIGHUP the new password file counts" \
    reg reload auth_reg.xml phone2 newpass
finish
