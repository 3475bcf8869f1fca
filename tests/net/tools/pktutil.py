# pktutil.py: what the tests' Python packet tools share (imported from
# the same directory): the Internet checksum and the test address ranges.
import ipaddress, struct

TEST_NETS = [ipaddress.ip_network('198.18.0.0/15'),
             ipaddress.ip_network('2001:2::/48')]


def csum(b):
    """The Internet checksum (RFC 1071) of b."""
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def in_test_range(addr):
    """Is addr (text, maybe with %scope) in 198.18.0.0/15 or 2001:2::/48?"""
    a = ipaddress.ip_address(addr.split('%')[0])
    return any(a.version == n.version and a in n for n in TEST_NETS)
