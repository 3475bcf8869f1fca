#!/usr/bin/python3
# sweep_forger.py: answers a sweep's IPv4 echo requests the way no honest
# host does, for tests/net/t_sweep.sh.  Runs in the target namespace with
# the kernel's own echo replies off (net.ipv4.icmp_echo_ignore_all=1) and
# answers each request to an address of the form A.B.C.D by the last
# octet D:
#   D % 4 == 0  an honest reply (the request's data echoed)
#   D % 4 == 1  a reply whose first data byte (the tag) is flipped
#   D % 4 == 2  a reply from another address: D + 128 of the same /24,
#               with the data echoed (outside the swept /25)
#   D % 4 == 3  two honest replies (a duplicate)
# Every packet it sends has both addresses in 198.18.0.0/15 (anything else
# is refused, exit 2).  It stops after --count requests or --lifetime
# seconds.  Prints "ready", then "requests N" at the end.
import argparse, select, socket, struct, sys, time

sys.path.insert(0, __import__('os').path.dirname(__file__))
from pktutil import csum, in_test_range  # noqa: E402


def reply(sock, src, dst, ident, seq, data):
    if not (in_test_range(src) and in_test_range(dst)):
        print('refused: %s -> %s' % (src, dst), flush=True)
        sys.exit(2)
    icmp = struct.pack('!BBHHH', 0, 0, 0, ident, seq) + data
    icmp = icmp[:2] + struct.pack('!H', csum(icmp)) + icmp[4:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(icmp), 0, 0, 64, 1, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    sock.sendto(ip + icmp, (dst, 0))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--count', type=int, default=1000)
    ap.add_argument('--lifetime', type=float, default=20)
    a = ap.parse_args()
    rx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    print('ready', flush=True)
    n = 0
    end = time.monotonic() + a.lifetime
    while n < a.count and time.monotonic() < end:
        r, _, _ = select.select([rx], [], [], 0.2)
        if not r:
            continue
        pkt = rx.recv(65535)
        ihl = (pkt[0] & 15) * 4
        if len(pkt) < ihl + 8 or pkt[ihl] != 8:
            continue
        src = socket.inet_ntoa(pkt[12:16])
        dst = socket.inet_ntoa(pkt[16:20])
        ident, seq = struct.unpack('!HH', pkt[ihl + 4:ihl + 8])
        data = pkt[ihl + 8:]
        n += 1
        last = int(dst.split('.')[3])
        kind = last % 4
        if kind == 0:
            reply(tx, dst, src, ident, seq, data)
        elif kind == 1 and data:
            reply(tx, dst, src, ident, seq, bytes([data[0] ^ 0xff]) + data[1:])
        elif kind == 2:
            other = '.'.join(dst.split('.')[:3] + [str((last + 128) % 256)])
            reply(tx, other, src, ident, seq, data)
        elif kind == 3:
            reply(tx, dst, src, ident, seq, data)
            reply(tx, dst, src, ident, seq, data)
    print('requests %d' % n, flush=True)


main()
