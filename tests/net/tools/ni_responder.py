#!/usr/bin/python3
# ni_responder.py SECONDS [LOG]: answer ICMPv6 Node Information Queries
# (RFC 4620) in a test namespace, for t_ninfo.sh (Linux answers none).
# Built and parsed with scapy's ICMPv6NIQuery* / ICMPv6NIReply* layers;
# sent on a raw ICMPv6 socket (the kernel fills in the checksum).  Answers
# only sources in 2001:2::/48; ends after SECONDS.  Each query is logged
# to LOG (default stdout) as "query CODE QTYPE FLAGS SUBJECT_HEX".
#
# What it answers depends on the query alone, so that two pingers asked
# the same get the same answer:
#   qtype 2 (name): "host.example." (FQDN), "alt" (single label, not
#       qualified: two zero bytes), "www.example." (compressed: a pointer
#       to "example"), and for a name subject the subject's own bytes as
#       they came (what the pinger encoded);
#   qtype 3 (IPv6): by the flags asked for (G global, S site-local, L
#       link-local, C IPv4-compatible, A all), the flags echoed;
#   qtype 4 (IPv4): 198.18.0.2, with A also 198.18.9.9;
#   other qtypes: code 2 (unknown).
# Subject names that ask for something else (subject-name=...):
#   refuse.test     code 1 (refused)          unknown.test  code 2
#   badcode.test    code 3 (no such code)     oddqtype.test code 0, qtype 0x1234
#   trunc.test      the data cut inside an entry, the T flag set
#   short.test      code 0, 2 bytes of data (a name reply needs 4)
#   badptr.test     a name whose compression pointer points forward
#   escape.test     a name with a dot, a space and a byte 0xff in a label
#   slow.test       the answer 300 ms late
#   silent.test     no answer
# Hostile answers (they come with the right answer, or alone):
#   forged.test     first a copy whose nonce is altered (its sequence
#                   kept), then the right answer
#   runt.test       only 12 bytes: no whole NI header
#   unsent.test     a nonce whose sequence was never sent, then the right
#                   answer
#   dup.test        the right answer twice, the second 100 ms later
import select, socket, struct, sys, time

from scapy.layers.inet6 import (ICMPv6NIReplyIPv4, ICMPv6NIReplyIPv6,
                                ICMPv6NIReplyName,
                                ICMPv6NIReplyRefuse, ICMPv6NIReplyUnknown,
                                _niquery_guesser)
from pktutil import in_test_range

secs = float(sys.argv[1])
log = open(sys.argv[2], 'a') if len(sys.argv) > 2 else sys.stdout

FLAG_A, FLAG_C, FLAG_L, FLAG_S, FLAG_G, FLAG_T = 0x02, 0x04, 0x08, 0x10, 0x20, 0x01


def wire_name(text):
    """text ("a.b." or "a") in DNS wire form, no compression."""
    out = b''
    for label in text.rstrip('.').split('.'):
        out += bytes([len(label)]) + label.encode()
    return out + b'\0'


class Query:
    """A query's fields; the subject as scapy dissects it."""
    def __init__(self, data):
        self.code, self.qtype, self.flags = data[1], *struct.unpack_from('!HH', data, 4)
        self.nonce, self.raw_subject = data[8:16], data[16:]
        q = _niquery_guesser(data)(data)
        self.subject = getattr(q, 'data', None)  # '2001:2::2', '1.2.3.4', b'...'

    def name(self):
        """The subject's name as text ("refuse.test"), '' if none."""
        if self.code != 1:
            return ''
        raw, out, i = self.raw_subject, [], 0
        while i < len(raw) and 0 < raw[i] < 64:
            out.append(raw[i + 1:i + 1 + raw[i]].decode('latin-1'))
            i += 1 + raw[i]
        return '.'.join(out)


def names_data(q):
    """A name reply's data: TTL, then names."""
    d = struct.pack('!I', 0) + wire_name('host.example.')
    d += b'\3alt\0\0'                       # a single label, not qualified
    d += b'\3www' + struct.pack('!H', 0xC000 | 9)   # -> "example" at 4 + 5
    if q.code == 1:                         # the subject, as it came
        d += q.raw_subject
    elif q.code == 2:
        d += wire_name('v4-%s.example.' % q.subject.replace('.', '-'))
    elif q.subject != '2001:2::2':
        d += wire_name('other.example.')
    return d


def v6_list(flags):
    a = []
    if flags & (FLAG_G | FLAG_A) or not flags & (FLAG_S | FLAG_L | FLAG_C):
        a += ['2001:2::2', '2001:2:0:9::2']
    if flags & (FLAG_S | FLAG_A):
        a.append('fec0::2')
    if flags & (FLAG_L | FLAG_A):
        a.append('fe80::2')
    if flags & (FLAG_C | FLAG_A):
        a.append('::198.18.0.2')
    return [(30, x) for x in a]


def raw_reply(code, qtype, flags, nonce, data):
    h = struct.pack('!BBHHH', 140, code, 0, qtype, flags) + nonce
    return h + data


def answers(q):
    """The datagrams to send back for query q."""
    name, qt, fl, nonce = q.name(), q.qtype, q.flags, q.nonce
    if name == 'silent.test':
        return []
    if name == 'refuse.test':
        return [bytes(ICMPv6NIReplyRefuse(qtype=qt, nonce=nonce, cksum=0))]
    if name == 'unknown.test':
        return [bytes(ICMPv6NIReplyUnknown(qtype=qt, nonce=nonce, cksum=0))]
    if name == 'badcode.test':
        return [raw_reply(3, qt, 0, nonce, b'')]
    if name == 'oddqtype.test':
        return [raw_reply(0, 0x1234, 0, nonce, b'\0\0\0\0')]
    if name == 'short.test':
        return [raw_reply(0, qt, 0, nonce, b'\0\0')]
    if name == 'badptr.test':
        return [raw_reply(0, 2, 0, nonce, struct.pack('!I', 0) + b'\3bad\xc0\x30')]
    if name == 'escape.test':
        return [raw_reply(0, 2, 0, nonce, struct.pack('!I', 0) +
                          b'\x07a.b c\xff!\4test\0')]
    if name == 'trunc.test':
        d = b''.join(struct.pack('!I', 30) + socket.inet_pton(socket.AF_INET6, a)
                     for a in ('2001:2::2', '2001:2::3'))
        return [raw_reply(0, 3, FLAG_T, nonce, d[:-6])]
    if qt == 2:
        r = [bytes(ICMPv6NIReplyName(nonce=nonce, cksum=0, data=(0, b''))) + names_data(q)]
    elif qt == 3:
        r = [bytes(ICMPv6NIReplyIPv6(nonce=nonce, cksum=0, flags=fl,
                                     data=(3, v6_list(fl))))]
    elif qt == 4:
        v4 = [(30, '198.18.0.2')] + ([(30, '198.18.9.9')] if fl & FLAG_A else [])
        r = [bytes(ICMPv6NIReplyIPv4(nonce=nonce, cksum=0, flags=fl, data=(4, v4)))]
    else:
        r = [bytes(ICMPv6NIReplyUnknown(qtype=qt, nonce=nonce, cksum=0))]
    if name == 'forged.test':
        bad = bytearray(r[0])
        bad[15] ^= 0x5a                 # the nonce's tag, not its sequence
        r.insert(0, bytes(bad))
    elif name == 'unsent.test':
        bad = bytearray(r[0])
        struct.pack_into('!H', bad, 8, (struct.unpack_from('!H', bad, 8)[0] + 1000) & 0xffff)
        r.insert(0, bytes(bad))
    elif name == 'runt.test':
        r = [r[0][:12]]
    elif name == 'dup.test':
        r = r * 2
    return r


def delays(q, n):
    """When each of n answers goes, in seconds after the query."""
    name = q.name()
    if name == 'slow.test':
        return [0.3] * n
    if name == 'dup.test':
        return [0.1 * i for i in range(n)]
    return [0] * n


s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
print('ready', flush=True)
end = time.monotonic() + secs
pending = []
while True:
    now = time.monotonic()
    if now >= end:
        break
    wait = end - now
    if pending:
        wait = min(wait, pending[0][0] - now)
    if select.select([s], [], [], max(wait, 0))[0]:
        data, src = s.recvfrom(65535)
        if len(data) < 16 or data[0] != 139 or not in_test_range(src[0]):
            continue
        q = Query(data)
        print('query %d %d 0x%02x %s' % (data[1], struct.unpack_from('!H', data, 4)[0],
                                         struct.unpack_from('!H', data, 6)[0],
                                         data[16:].hex()), file=log, flush=True)
        now = time.monotonic()
        a = answers(q)
        for r, d in zip(a, delays(q, len(a))):
            pending.append((now + d, src[0], r))
        pending.sort(key=lambda p: p[0])
    now = time.monotonic()
    while pending and pending[0][0] <= now:
        _, dst, r = pending.pop(0)
        s.sendto(r, (dst, 0))
