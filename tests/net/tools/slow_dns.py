#!/usr/bin/python3
"""slow_dns.py: a tiny authoritative DNS server for echolot's network tests.

    slow_dns.py --listen 127.0.0.1 --port 53 --log FILE \
        --ptr 198.18.2.2=t.names.test:0 --ptr 198.18.1.2=r1.names.test:2

Answers PTR queries for the given IPv4 / IPv6 addresses (in-addr.arpa and
ip6.arpa) with NAME after DELAY seconds, without holding up other queries
(answers wait in a timer queue, not in a sleep). Each NAME also exists
forward, answered at once: A (or AAAA) with its address, an empty answer
(NODATA) for other types, so a test can ping the name: ping with an address
as its target prints no names at all. Every other query (other names, other
PTRs, other classes) gets NXDOMAIN at once. Malformed datagrams are ignored.
UDP only.

FILE gets one line per query as it arrives: "<unix time> <qtype> <qname>",
e.g. "1700000000.123456 PTR 2.2.18.198.in-addr.arpa". Once the socket is bound
the server prints "slow_dns: listening on ADDR port PORT" on stdout, so a test
can wait for it. It exits by itself after --lifetime seconds (default 60).
Python standard library only.
"""

import argparse
import heapq
import ipaddress
import select
import socket
import struct
import sys
import time

QTYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT",
          28: "AAAA", 33: "SRV", 255: "ANY"}
TYPE_A = 1
TYPE_PTR = 12
TYPE_AAAA = 28
TYPE_ANY = 255
CLASS_IN = 1
RCODE_NXDOMAIN = 3
TTL = 60


def parse_ptr_arg(text):
    """ADDR=NAME[:DELAY] -> (normalized address, name, delay)."""
    addr, sep, rest = text.partition("=")
    if not sep or not rest:
        raise argparse.ArgumentTypeError("expected ADDR=NAME:DELAY, got %r" % text)
    name, delay = rest, 0.0
    if ":" in rest:
        name, _, d = rest.rpartition(":")
        try:
            delay = float(d)
        except ValueError:
            raise argparse.ArgumentTypeError("bad delay in %r" % text)
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        raise argparse.ArgumentTypeError("bad address in %r" % text)
    if not name or delay < 0:
        raise argparse.ArgumentTypeError("bad name or delay in %r" % text)
    return ip, name.rstrip("."), delay


def reverse_to_ip(qname):
    """The address a reverse name stands for, or None."""
    labels = qname.lower().rstrip(".").split(".")
    if labels[-2:] == ["in-addr", "arpa"]:
        octets = labels[:-2]
        if len(octets) != 4 or not all(o.isdigit() and len(o) <= 3 for o in octets):
            return None
        try:
            return ipaddress.IPv4Address(".".join(reversed(octets)))
        except ValueError:
            return None
    if labels[-2:] == ["ip6", "arpa"]:
        nibbles = labels[:-2]
        if len(nibbles) != 32 or not all(len(n) == 1 and n in "0123456789abcdef" for n in nibbles):
            return None
        return ipaddress.IPv6Address(int("".join(reversed(nibbles)), 16))
    return None


def parse_name(buf, off):
    """Uncompressed question name at off -> (dotted name, offset after it)."""
    labels = []
    total = 0
    while True:
        if off >= len(buf):
            raise ValueError("name runs past the end")
        n = buf[off]
        off += 1
        if n == 0:
            break
        if n & 0xC0:
            raise ValueError("compression or extended label in a question")
        if off + n > len(buf):
            raise ValueError("label runs past the end")
        labels.append(buf[off:off + n].decode("ascii"))
        total += n + 1
        if total > 255:
            raise ValueError("name too long")
        off += n
    return ".".join(labels), off


def encode_name(name):
    out = b""
    for label in name.split("."):
        if label:
            raw = label.encode("ascii")
            out += bytes([len(raw)]) + raw
    return out + b"\0"


def build_answer(query):
    """(reply bytes, delay, qtype name, qname) for a query, or None to ignore it."""
    if len(query) < 12:
        return None
    qid, flags, qd, _an, _ns, _ar = struct.unpack("!HHHHHH", query[:12])
    if flags & 0x8000 or qd != 1:  # a response, or not exactly one question
        return None
    opcode = (flags >> 11) & 0xF
    if opcode != 0:
        return None
    try:
        qname, off = parse_name(query, 12)
    except (ValueError, UnicodeDecodeError):
        return None
    if off + 4 > len(query):
        return None
    qtype, qclass = struct.unpack("!HH", query[off:off + 4])
    question = query[12:off + 4]
    rd = flags & 0x0100
    qtname = QTYPES.get(qtype, "TYPE%d" % qtype)

    # QR, opcode 0, AA, RD copied, RA
    rflags = 0x8000 | 0x0400 | rd | 0x0080
    key = qname.lower().rstrip(".")
    if qclass == CLASS_IN and key in NAMES:
        rrs = b""
        count = 0
        for ip in NAMES[key]:
            rtype = TYPE_A if ip.version == 4 else TYPE_AAAA
            if qtype in (rtype, TYPE_ANY):
                rrs += struct.pack("!HHHIH", 0xC00C, rtype, CLASS_IN, TTL, len(ip.packed)) + ip.packed
                count += 1
        head = struct.pack("!HHHHHH", qid, rflags, 1, count, 0, 0)
        return head + question + rrs, 0.0, qtname, qname

    entry = None
    if qtype == TYPE_PTR and qclass == CLASS_IN:
        ip = reverse_to_ip(qname)
        if ip is not None:
            entry = PTRS.get(ip)
    if entry is None:
        head = struct.pack("!HHHHHH", qid, rflags | RCODE_NXDOMAIN, 1, 0, 0, 0)
        return head + question, 0.0, qtname, qname
    name, delay = entry
    rdata = encode_name(name)
    rr = struct.pack("!HHHIH", 0xC00C, TYPE_PTR, CLASS_IN, TTL, len(rdata)) + rdata
    head = struct.pack("!HHHHHH", qid, rflags, 1, 1, 0, 0)
    return head + question + rr, delay, qtname, qname


PTRS = {}   # address -> (name, delay)
NAMES = {}  # lower-case name -> [addresses]


def main():
    ap = argparse.ArgumentParser(description="slow authoritative PTR server for tests")
    ap.add_argument("--listen", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=53)
    ap.add_argument("--log", required=True)
    ap.add_argument("--ptr", type=parse_ptr_arg, action="append", default=[],
                    metavar="ADDR=NAME:DELAY")
    ap.add_argument("--lifetime", type=float, default=60.0)
    args = ap.parse_args()
    for ip, name, delay in args.ptr:
        PTRS[ip] = (name, delay)
        NAMES.setdefault(name.lower(), []).append(ip)

    fam = socket.AF_INET6 if ":" in args.listen else socket.AF_INET
    sock = socket.socket(fam, socket.SOCK_DGRAM)
    sock.bind((args.listen, args.port))
    log = open(args.log, "a", buffering=1)
    print("slow_dns: listening on %s port %d" % (args.listen, args.port), flush=True)

    end = time.monotonic() + args.lifetime
    pending = []  # heap of (due, seq, reply, peer)
    seq = 0
    while True:
        now = time.monotonic()
        while pending and pending[0][0] <= now:
            _, _, reply, peer = heapq.heappop(pending)
            try:
                sock.sendto(reply, peer)
            except OSError:
                pass
        if now >= end:
            break
        wait = end - now
        if pending:
            wait = min(wait, pending[0][0] - now)
        r, _, _ = select.select([sock], [], [], max(wait, 0.0))
        if not r:
            continue
        try:
            query, peer = sock.recvfrom(4096)
        except OSError:
            continue
        ans = build_answer(query)
        if ans is None:
            continue
        reply, delay, qtname, qname = ans
        log.write("%.6f %s %s\n" % (time.time(), qtname, qname.lower() or "."))
        seq += 1
        heapq.heappush(pending, (time.monotonic() + delay, seq, reply, peer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
