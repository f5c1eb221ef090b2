# SPDX-License-Identifier: ISC
# Capture what the firewall sends out of its WAN interface, as the WAN
# receives it (run in the wan namespace, on the far end of the veth): the
# payload of every UDP datagram and TCP segment that starts like text
# (SIP, not RTP), one record a line, escaped, for the leak check in lib.sh.
#   python3 wancap.py IFACE OUTFILE
import signal
import socket
import struct
import sys

ifname, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind((ifname, 0))
f = open(out, "w")
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
print("ready", file=f, flush=True)


def payload(frame):
    et = struct.unpack("!H", frame[12:14])[0]
    ip = frame[14:]
    if et == 0x0800 and len(ip) >= 20:
        hl = (ip[0] & 0xf) * 4
        proto, l4 = ip[9], ip[hl:]
    elif et == 0x86dd and len(ip) >= 40:
        proto, l4 = ip[6], ip[40:]
    else:
        return None
    if proto == 17:
        return l4[8:]
    if proto == 6 and len(l4) >= 20:
        return l4[(l4[12] >> 4) * 4:]
    return None


while True:
    frame, addr = s.recvfrom(65535)
    if addr[2] == socket.PACKET_OUTGOING:
        continue
    p = payload(frame)
    if p and 0x41 <= p[0] <= 0x7a:
        f.write(p.decode("latin-1").encode("unicode_escape").decode() + "\n")
        f.flush()
