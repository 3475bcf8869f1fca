/* UDP and TCP headers (build with pseudo-header checksums, parse) and the
 * ICMP extension structure (RFC 4884) with its MPLS label stack object
 * (RFC 4950): what traceroute sends and what routers say back. */
#include <errno.h>
#include <string.h>

#include "bytes.h"
#include "wire.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

uint32_t wire_pseudo_sum(int family, const void *src, const void *dst,
			 uint8_t proto, uint32_t len)
{
	size_t alen = family == AF_INET6 ? 16 : 4;
	uint32_t sum = 0;

	sum = wire_csum_add(sum, src, alen);
	sum = wire_csum_add(sum, dst, alen);
	/* v4: zero, protocol, 16-bit length; v6: 32-bit length, three zero
	 * bytes, next header.  As 16-bit words both sum to the same. */
	sum += proto;
	sum += len >> 16;
	sum += len & 0xffff;
	return sum;
}

uint16_t wire_csum_compensate(uint16_t cur, uint16_t want)
{
	/* cur = ~S.  With x added, the checksum is ~(S + x) = want, so
	 * x = ~want - S = ~want + ~S in one's complement arithmetic. */
	uint32_t x = (uint32_t)(uint16_t)~want + cur;

	x = (x & 0xffff) + (x >> 16);
	x = (x & 0xffff) + (x >> 16);
	return (uint16_t)x;
}

int wire_udp_build(int family, const void *src, const void *dst,
		   uint16_t sport, uint16_t dport, const uint8_t *payload,
		   size_t payload_len, uint8_t *out, size_t cap)
{
	size_t len = WIRE_UDP_HDR_LEN + payload_len;
	uint32_t sum;
	uint16_t c;

	if (family != AF_INET && family != AF_INET6)
		return -EINVAL;
	if (len > 65535 || cap < len)
		return -ENOSPC;
	if (payload_len && payload != out + WIRE_UDP_HDR_LEN)
		memmove(out + WIRE_UDP_HDR_LEN, payload, payload_len);
	put16(out, sport);
	put16(out + 2, dport);
	put16(out + 4, (uint16_t)len);
	put16(out + 6, 0);
	sum = wire_pseudo_sum(family, src, dst, IPPROTO_UDP, (uint32_t)len);
	c = wire_csum_fold(wire_csum_add(sum, out, len));
	/* Zero means "no checksum" (v4) and is not allowed (v6). */
	put16(out + 6, c ? c : 0xffff);
	return (int)len;
}

int wire_udp_parse(const uint8_t *buf, size_t len, struct wire_udp *u)
{
	memset(u, 0, sizeof(*u));
	if (len < WIRE_UDP_HDR_LEN)
		return -EINVAL;
	u->sport = wire_get16(buf);
	u->dport = wire_get16(buf + 2);
	u->len = wire_get16(buf + 4);
	u->cksum = wire_get16(buf + 6);
	u->payload = buf + WIRE_UDP_HDR_LEN;
	u->payload_len = len - WIRE_UDP_HDR_LEN;
	/* Trust the smaller of what arrived and what the header claims. */
	if (u->len >= WIRE_UDP_HDR_LEN && u->len < len)
		u->payload_len = u->len - WIRE_UDP_HDR_LEN;
	return 0;
}

int wire_tcp_build(int family, const void *src, const void *dst,
		   const struct wire_tcp *t, uint8_t *out, size_t cap)
{
	size_t hl = WIRE_TCP_HDR_LEN + t->opts_len;
	size_t len = hl + t->payload_len;
	uint32_t sum;

	if (family != AF_INET && family != AF_INET6)
		return -EINVAL;
	if (t->opts_len % 4 || hl > 60)
		return -EINVAL;
	if (len > 65535 || cap < len)
		return -ENOSPC;
	if (t->payload_len)
		memmove(out + hl, t->payload, t->payload_len);
	if (t->opts_len)
		memmove(out + WIRE_TCP_HDR_LEN, t->opts, t->opts_len);
	put16(out, t->sport);
	put16(out + 2, t->dport);
	put32(out + 4, t->seq);
	put32(out + 8, t->ack);
	out[12] = (uint8_t)((hl / 4) << 4);
	out[13] = t->flags;
	put16(out + 14, t->window);
	put16(out + 16, 0);
	put16(out + 18, t->urgent);
	sum = wire_pseudo_sum(family, src, dst, IPPROTO_TCP, (uint32_t)len);
	put16(out + 16, wire_csum_fold(wire_csum_add(sum, out, len)));
	return (int)len;
}

int wire_tcp_parse(const uint8_t *buf, size_t len, struct wire_tcp *t)
{
	size_t hl;

	memset(t, 0, sizeof(*t));
	if (len < WIRE_TCP_HDR_LEN)
		return -EINVAL;
	hl = (size_t)(buf[12] >> 4) * 4;
	if (hl < WIRE_TCP_HDR_LEN || hl > len)
		return -EINVAL;
	t->sport = wire_get16(buf);
	t->dport = wire_get16(buf + 2);
	t->seq = wire_get32(buf + 4);
	t->ack = wire_get32(buf + 8);
	t->hdr_len = (uint8_t)hl;
	t->flags = buf[13];
	t->window = wire_get16(buf + 14);
	t->cksum = wire_get16(buf + 16);
	t->urgent = wire_get16(buf + 18);
	t->opts = buf + WIRE_TCP_HDR_LEN;
	t->opts_len = hl - WIRE_TCP_HDR_LEN;
	t->payload = buf + hl;
	t->payload_len = len - hl;
	return 0;
}

/* ------------------------------------------------------ ICMP extensions */

#define EXT_HDR_LEN 4
#define EXT_OBJ_HDR_LEN 4
#define EXT_VERSION 2
#define EXT_CLASS_MPLS 1
#define EXT_CTYPE_MPLS 1
/* RFC 4884: with extensions, the original datagram is at least this long. */
#define EXT_MIN_ORIG 128

int wire_icmp_ext_parse(const uint8_t *buf, size_t len,
			struct wire_icmp_ext *x)
{
	size_t off = EXT_HDR_LEN;
	uint16_t sum;

	memset(x, 0, sizeof(*x));
	if (len < EXT_HDR_LEN || (buf[0] >> 4) != EXT_VERSION)
		return -EPROTO;
	x->len = len;
	sum = wire_get16(buf + 2);
	x->cksum_ok = sum == 0 || wire_checksum(buf, len) == 0;
	if (!x->cksum_ok)
		return -EPROTO;
	while (off < len) {
		size_t olen;
		const uint8_t *o = buf + off;

		if (len - off < EXT_OBJ_HDR_LEN)
			return -EPROTO;
		olen = wire_get16(o);
		if (olen < EXT_OBJ_HDR_LEN || olen > len - off)
			return -EPROTO;
		if (x->nobj < WIRE_EXT_MAX_OBJ) {
			struct wire_ext_obj *ob = &x->obj[x->nobj++];

			ob->cls = o[2];
			ob->ctype = o[3];
			ob->data = o + EXT_OBJ_HDR_LEN;
			ob->len = olen - EXT_OBJ_HDR_LEN;
		}
		if (o[2] == EXT_CLASS_MPLS && o[3] == EXT_CTYPE_MPLS) {
			size_t n = (olen - EXT_OBJ_HDR_LEN) / 4;

			if ((olen - EXT_OBJ_HDR_LEN) % 4)
				return -EPROTO;
			for (size_t i = 0; i < n && x->nmpls < WIRE_MPLS_MAX; i++) {
				uint32_t e = wire_get32(o + EXT_OBJ_HDR_LEN + 4 * i);
				struct wire_mpls *m = &x->mpls[x->nmpls++];

				m->label = e >> 12;
				m->tc = (uint8_t)((e >> 9) & 7);
				m->s = (e >> 8) & 1;
				m->ttl = (uint8_t)e;
			}
		}
		off += olen;
	}
	return 0;
}

/* Which messages may carry extensions, and where their length is. */
static bool ext_capable(int family, uint8_t type, size_t *len_off,
			size_t *unit)
{
	if (family == AF_INET6) {
		*len_off = 4;
		*unit = 8;
		return type == WIRE_ICMP6_UNREACH || type == WIRE_ICMP6_TIMXCEED;
	}
	*len_off = 5;
	*unit = 4;
	return type == WIRE_ICMP4_UNREACH || type == WIRE_ICMP4_TIMXCEED ||
	       type == WIRE_ICMP4_PARAMPROB;
}

int wire_icmp_ext_find(int family, const uint8_t *buf, size_t len,
		       struct wire_icmp_ext *x)
{
	size_t len_off, unit, orig, off;

	memset(x, 0, sizeof(*x));
	if (len < WIRE_ICMP_HDR_LEN ||
	    !ext_capable(family, buf[0], &len_off, &unit))
		return -ENOENT;
	orig = (size_t)buf[len_off] * unit;
	if (orig) {
		off = WIRE_ICMP_HDR_LEN + orig;
		if (orig < EXT_MIN_ORIG || off + EXT_HDR_LEN > len)
			return -ENOENT;
		if (wire_icmp_ext_parse(buf + off, len - off, x) < 0)
			return -EPROTO;
		x->off = off;
		return 0;
	}
	/* An older sender: no length, the structure (if any) right after a
	 * 128-byte original datagram.  Only a structure with a checksum
	 * that verifies is believed: these bytes may as well be payload. */
	off = WIRE_ICMP_HDR_LEN + EXT_MIN_ORIG;
	if (off + EXT_HDR_LEN > len || wire_get16(buf + off + 2) == 0 ||
	    wire_icmp_ext_parse(buf + off, len - off, x) < 0) {
		memset(x, 0, sizeof(*x));
		return -ENOENT;
	}
	x->off = off;
	return 0;
}
