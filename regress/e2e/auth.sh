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
REG=$WORK/registrations.state	# ours; the classic file is beside it

# reg NAME SCENARIO USER PASS: a LAN phone registers through the proxy.
reg() { auth_reg "$@"; }

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

# From here a registrar on the WAN answers 200 to every REGISTER: a 200
# at the phone means the proxy let the REGISTER through.
in_wan python3 - <<'PY' &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.2", 5060))
while True:
    m, a = s.recvfrom(65535)
    h = m.decode(errors="replace").split("\r\n")
    if not h[0].startswith("REGISTER"):
        continue
    keep = [l for l in h if l.split(":")[0].lower() in
            ("via", "from", "to", "call-id", "cseq", "contact")]
    s.sendto(("SIP/2.0 200 OK\r\n" + "\r\n".join(keep) +
              "\r\nContent-Length: 0\r\n\r\n").encode(), a)
PY
PIDS="$PIDS $!"
ip -n "$NS_LAN" addr add 10.0.0.3/24 dev lan0
wait_for 5 sh -c "ip netns exec $NS_WAN ss -lun | grep -q 203.0.113.2:5060"

# digest SRC PORT USER PASS [N [DIGEST_URI]]: N tries (1 by default), each
# a REGISTER, its 407 and the answer to it, with DIGEST_URI in place of
# the Request-URI if given; prints the last status line ("none": silence).
digest() {
	in_lan python3 - "$@" <<'PY'
import hashlib, re, socket, sys
src, port, user, pw = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
n = int(sys.argv[5]) if len(sys.argv) > 5 else 1
ruri = "sip:sip.test"
duri = sys.argv[6] if len(sys.argv) > 6 else ruri
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, port))
s.settimeout(2)
def md5(x):
    return hashlib.md5(x.encode()).hexdigest()
def send(i, cseq, auth):
    m = ("REGISTER %s SIP/2.0\r\n"
         "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bKdg%d-%d-%d;rport\r\n"
         "Max-Forwards: 70\r\n"
         "From: <sip:%s@sip.test>;tag=dg%d\r\n"
         "To: <sip:%s@sip.test>\r\n"
         "Call-ID: dg%d-%d@%s\r\n"
         "CSeq: %d REGISTER\r\n"
         "Contact: <sip:%s@%s:%d>\r\n"
         "Expires: 60\r\n%s"
         "Content-Length: 0\r\n\r\n" % (ruri, src, port, port, i, cseq,
         user, i, user, port, i, src, cseq, user, src, port, auth))
    s.sendto(m.encode(), ("10.0.0.1", 5060))
    try:
        while True:
            r = s.recv(65535).decode(errors="replace")
            if not r.startswith("SIP/2.0 1"):
                return r
    except socket.timeout:
        return "none"
last = "none"
for i in range(n):
    r = send(i, 1, "")
    last = r.split("\r\n")[0]
    m = re.search(r'nonce="([0-9a-f]+)"', r)
    if not m:
        continue
    nonce = m.group(1)
    ha1 = md5("%s:siproxd.test:%s" % (user, pw))
    resp = md5("%s:%s:00000001:c0ffee:auth:%s" % (ha1, nonce,
               md5("REGISTER:" + duri)))
    auth = ('Proxy-Authorization: Digest username="%s", realm="siproxd.test"'
            ', nonce="%s", uri="%s", response="%s", algorithm=MD5, qop=auth'
            ', nc=00000001, cnonce="c0ffee"\r\n' % (user, nonce, duri, resp))
    last = send(i, 2, auth).split("\r\n")[0]
print(last)
PY
}
R=$(digest 10.0.0.2 5080 phone1 secret1)
check "the right password gets the registrar's 200 ($R)" \
    test "$R" = "SIP/2.0 200 OK"
R=$(digest 10.0.0.2 5081 phone1 secret1 1 sip:elsewhere.test)
check "a digest uri that is not the Request-URI is refused ($R)" \
    test "$R" = "SIP/2.0 407 Proxy Authentication Required"
R1=$(digest 10.0.0.2 5082 phone9 secret1)
R2=$(digest 10.0.0.2 5083 phone1 wrong)
check "an unknown user and a wrong password get the same answer" \
    sh -c "[ '$R1' = '$R2' ] && [ '$R1' = 'SIP/2.0 407 Proxy Authentication Required' ]"

# The authenticated REGISTER again with its branch, CSeq and nonce count,
# so that it looks like a retransmission, but another To, Contact or
# Request-URI: a replay, refused.
for h in To Contact Request-URI; do
	case $h in
	To) e='s/^To: <sip:phone1@/To: <sip:phone2@/' ;;
	Contact) e='s/^Contact: <sip:phone1@10.0.0.2:5061/Contact: <sip:evil@10.0.0.3:6666/' ;;
	*) e='s/^REGISTER sip:[^ ]*/REGISTER sip:other.test/' ;;
	esac
	awk '/message sent/ { n++; next } n == 2 && /^-----/ { exit }
	    n == 2 && NF { print }' "$WORK/lan-good.msg" | sed -e "$e" \
	    > "$WORK/retrans.txt"
	check "the replay changes the $h" sh -c \
	    "! awk '/message sent/ { n++; next } n == 2 && /^-----/ { exit }
	    n == 2 && NF { print }' '$WORK/lan-good.msg' | cmp -s - '$WORK/retrans.txt'"
	R=$(replay 5084 "$WORK/retrans.txt")
	check "a \"retransmission\" with another $h is refused ($R)" \
	    test "$R" = "SIP/2.0 407 Proxy Authentication Required"
done

# Guessing: after 10 wrong passwords from one address, 403 for a while,
# even for the right one; another address is not affected.
R=$(digest 10.0.0.3 5085 phone1 guess 10)
check "10 guesses from 10.0.0.3 are answered 407 ($R)" \
    test "$R" = "SIP/2.0 407 Proxy Authentication Required"
R=$(digest 10.0.0.3 5086 phone1 secret1)
check "then even the right password from 10.0.0.3 gets 403 ($R)" \
    test "$R" = "SIP/2.0 403 Forbidden"
check "the log says why" grep -q \
    "10.0.0.3.* 10 failed authentications within 60 s: refused for 60 s" \
    "$WORK/siproxd.log"
R=$(digest 10.0.0.2 5087 phone1 secret1)
check "the phone at 10.0.0.2 still registers ($R)" \
    test "$R" = "SIP/2.0 200 OK"
finish
