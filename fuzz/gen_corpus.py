#!/usr/bin/env python3
"""Write the seed corpora of the fuzz harnesses: fuzz/corpus/<harness>/.

Real packets, built field by field with correct checksums, a handful per
harness.  Rerun after changing a seed; the files are committed.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(proto, payload, ttl=64, src="198.18.0.1", dst="198.18.0.2",
        opts=b"", total=None, frag=0x4000):
    ihl = 5 + len(opts) // 4
    total = 4 * ihl + len(payload) if total is None else total
    a = bytes(int(x) for x in src.split("."))
    b = bytes(int(x) for x in dst.split("."))
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total, 0x1C46, frag,
                    ttl, proto, 0, a, b) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def v6addr(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


def ip6(nh, payload, hlim=64, src="2001:2::1", dst="2001:2::2"):
    return struct.pack("!IHBB", 0x60000000, len(payload), nh, hlim) + \
        v6addr(src) + v6addr(dst) + payload


def icmp(type_, code, rest, body, v4=True):
    m = struct.pack("!BBHI", type_, code, 0, rest) + body
    if v4:
        m = m[:2] + struct.pack("!H", csum(m)) + m[4:]
    return m


def echo(type_, ident, seq, n=56, v4=True):
    return icmp(type_, 0, ident << 16 | seq, bytes(i & 0xFF for i in range(n)), v4)


def ext(nh, length8, fill=b""):
    """A hop-by-hop / destination options / routing header."""
    body = bytes([nh, length8]) + fill
    return body + b"\0" * ((length8 + 1) * 8 - len(body))


def frag6(nh, offset=0, more=1):
    return struct.pack("!BBHI", nh, 0, offset << 3 | more, 0xDEAD)


REQ4 = echo(8, 0x1234, 7)
REQ6 = echo(128, 0xBEEF, 9, v4=False)
Q4 = ip4(1, REQ4, ttl=1, dst="198.18.1.2")
Q6 = ip6(58, REQ6, hlim=1, dst="2001:2:0:1::2")
Q6CHAIN = ip6(0, ext(60, 0) + ext(44, 1) + frag6(58) + echo(128, 0x4242, 0x0102, 16, False))
Q6ROUTE = ip6(43, ext(58, 2, bytes([4, 0])) + echo(128, 1, 2, 8, False))
Q6LONG = ip6(0, ext(58, 255)[:16])          # a chain that runs past the end
Q4OPTS = ip4(1, echo(8, 0x0BAD, 0xF00D, 0), opts=b"\x01\x01\x01\x00" * 2)

def ni_reply(code, qtype, flags, data, seq=1):
    """An ICMPv6 Node Information reply (RFC 4620): header, nonce, data."""
    return struct.pack("!BBHHHH6s", 140, code, 0, qtype, flags, seq,
                       b"\xa1\xa2\xa3\xa4\xa5\xa6") + data


NI_NAMES = ni_reply(0, 2, 0, struct.pack("!I", 0) + b"\x04host\x07example\x00"
                    + b"\x03alt\x00\x00" + b"\x03www\xc0\x09")


seeds = {
    "fuzz_icmp4": {
        "echo_reply": echo(0, 0x1234, 1),
        "time_exceeded": icmp(11, 0, 0, Q4),
        "time_exceeded_rfc792": icmp(11, 0, 0, Q4[:28]),
        "frag_needed": icmp(3, 4, 1400, Q4),
        "redirect": icmp(5, 1, 0xC61200FE, Q4[:28]),
        "param_problem": icmp(12, 0, 20 << 24, Q4OPTS),
        "short_quote": icmp(3, 1, 0, Q4[:24]),
    },
    "fuzz_icmp6": {
        "echo_reply": echo(129, 0xCAFE, 1, v4=False),
        "time_exceeded": icmp(3, 0, 0, Q6, v4=False),
        "ext_chain": icmp(3, 0, 0, Q6CHAIN, v4=False),
        "routing": icmp(1, 3, 0, Q6ROUTE, v4=False),
        "too_big": icmp(2, 0, 1280, Q6, v4=False),
        "chain_past_end": icmp(4, 1, 40, Q6LONG, v4=False),
    },
    "fuzz_ip4": {
        "echo_reply": ip4(1, echo(0, 0x1234, 1), ttl=63),
        "time_exceeded": ip4(1, icmp(11, 0, 0, Q4), ttl=255, src="198.18.0.254"),
        "options": ip4(1, echo(0, 1, 1, 8), opts=b"\x01\x01\x01\x00"),
        "total_len_large": ip4(1, echo(0, 1, 2), total=1500),
        "total_len_small": ip4(1, echo(0, 1, 3), total=28) + b"\x99" * 16,
        "udp": ip4(17, b"\x12\x34\x00\x35\x00\x08\x00\x00"),
    },
    "fuzz_quote": {
        "v4_echo": Q4,
        "v4_options": Q4OPTS,
        "v4_fragment": ip4(1, REQ4[:8], frag=0x2000 | 185),
        "v6_echo": Q6,
        "v6_chain": Q6CHAIN,
        "v6_routing": Q6ROUTE,
        "v6_past_end": Q6LONG,
    },
    "fuzz_ni": {
        # the first byte: where else a name is read
        "names": b"\x05" + NI_NAMES,
        "addrs6": b"\x00" + ni_reply(0, 3, 0x0021, struct.pack("!I", 30) + v6addr("2001:2::2")
                                     + struct.pack("!I", 30) + v6addr("fe80::2")),
        "addrs4_cut": b"\x00" + ni_reply(0, 4, 0x0001, struct.pack("!I", 30) + bytes([198, 18, 0, 2, 0, 0])),
        "refused": b"\x00" + ni_reply(1, 2, 0, b""),
        "loop": b"\x13" + ni_reply(0, 2, 0, b"\0\0\0\0\xc0\x06\xc0\x04"),
        "escapes": b"\x14" + ni_reply(0, 2, 0, b"\0\0\0\0\x07a.b c\xff!\x04test\0"),
        "subject_text": b"\x00Host.Example\\.x\\065",
    },
    "fuzz_opts": {
        "count": b"-c\x005\x00host",
        "flood": b"-f\x00-i\x000.2\x00-l\x003\x00198.18.0.2",
        "tos_pattern": b"-Q\x000x10\x00-p\x00ff00\x00-s\x001472\x00h",
        "ipv6": b"-6\x00-F\x000x12345\x00-t\x0064\x00-M\x00do\x002001:2::1",
        "cluster": b"-nqvDO\x00-W\x001\x00-w\x005\x00h",
        "help_cluster": b"-hq\x00h",
        "long": b"--os\x00-I\x00veth0\x00-m\x0042\x00-e\x0065535\x00h",
        "bad": b"-c\x000\x00-4\x00-6\x00a\x00b",
    },
}


def main():
    root = os.path.join(HERE, "corpus")
    for harness, files in seeds.items():
        d = os.path.join(root, harness)
        os.makedirs(d, exist_ok=True)
        for name, data in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
