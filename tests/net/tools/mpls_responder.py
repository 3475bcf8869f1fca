#!/usr/bin/python3
# mpls_responder.py SECONDS COUNT ADDR: in a test namespace, answer UDP
# probes sent to ADDR (an address no host owns, 198.18.0.0/15 only) with an
# ICMP Time Exceeded that carries an RFC 4884 / 4950 MPLS label stack
# (labels 24001 and 16), for traceroute -e.  Bounded in time and count.
import socket, struct, sys, time
from pktutil import csum
ADDR = sys.argv[3]
if not ADDR.startswith('198.18.'):               # never outside the test range
    sys.exit(2)
rx = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
rx.bind(('left', 0))
rx.settimeout(0.5)
tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
tx.bind((ADDR, 0))
print('ready', flush=True)
end, sent = time.time() + float(sys.argv[1]), 0
while time.time() < end and sent < int(sys.argv[2]):
    try:
        pkt = rx.recv(2048)
    except socket.timeout:
        continue
    if len(pkt) < 28 or pkt[9] != 17 or pkt[16:20] != socket.inet_aton(ADDR):
        continue
    src = socket.inet_ntoa(pkt[12:16])
    if not src.startswith('198.18.'):           # never outside the test range
        sys.exit(2)
    quote = pkt[:128].ljust(128, b'\0')
    labels = [(24001, 0, 0, 1), (16, 5, 1, 1)]  # label, TC, S, TTL
    obj = b''.join(struct.pack('!I', l << 12 | tc << 9 | s << 8 | ttl) for l, tc, s, ttl in labels)
    obj = struct.pack('!HBB', 4 + len(obj), 1, 1) + obj
    ext = struct.pack('!BBH', 0x20, 0, 0) + obj
    ext = ext[:2] + struct.pack('!H', csum(ext)) + ext[4:]
    msg = struct.pack('!BBHBBH', 11, 0, 0, 0, 32, 0) + quote + ext
    msg = msg[:2] + struct.pack('!H', csum(msg)) + msg[4:]
    tx.sendto(msg, (src, 0))
    sent += 1
print('sent', sent, flush=True)
