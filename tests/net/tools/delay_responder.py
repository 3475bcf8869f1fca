#!/usr/bin/python3
# delay_responder.py FAMILY DELAY_MS COUNT SECONDS: in a test namespace whose
# kernel echo replies are off, answer echo requests DELAY_MS after each
# arrives (netem's stand-in for t_stamps.sh); ends after COUNT replies or
# SECONDS.  Answers only sources in 198.18.0.0/15 and 2001:2::/48.
import select, socket, struct, sys, time
from pktutil import csum, in_test_range
fam, delay = sys.argv[1], float(sys.argv[2]) / 1000
count, secs = int(sys.argv[3]), float(sys.argv[4])
if fam == '4':
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
else:
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
print('ready', flush=True)
end = time.monotonic() + secs
pending, seen, sent = [], 0, 0
while sent < count:
    now = time.monotonic()
    if now >= end:
        break
    wait = end - now
    if pending:
        wait = min(wait, pending[0][0] - now)
    if select.select([s], [], [], max(wait, 0))[0]:
        data, src = s.recvfrom(65535)
        t_rx = time.monotonic()
        icmp = data[(data[0] & 15) * 4:] if fam == '4' else data
        if len(icmp) >= 8 and icmp[0] == (8 if fam == '4' else 128) and in_test_range(src[0]):
            seen += 1
            if fam == '4':
                r = bytearray(b'\0\0\0\0' + icmp[4:])
                struct.pack_into('!H', r, 2, csum(bytes(r)))
            else:   # the kernel fills in the ICMPv6 checksum
                r = bytearray(b'\x81\0\0\0' + icmp[4:])
            pending.append((t_rx + delay, src[0], bytes(r)))
    now = time.monotonic()
    while pending and pending[0][0] <= now:
        _, dst, r = pending.pop(0)
        s.sendto(r, (dst, 0))
        sent += 1
print('requests %d sent %d' % (seen, sent), flush=True)