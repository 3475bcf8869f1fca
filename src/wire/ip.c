/* IPv4 headers and the datagrams that ICMP errors quote. */
#include <errno.h>
#include <string.h>

#include "bytes.h"
#include "wire.h"

int wire_ip4_parse(const uint8_t *buf, size_t len, struct wire_ip4 *ip)
{
	size_t ihl;

	if (len < WIRE_IP4_MIN_HDR || (buf[0] >> 4) != 4)
		return -EINVAL;
	ihl = (size_t)(buf[0] & 0x0f) * 4;
	if (ihl < WIRE_IP4_MIN_HDR || ihl > len)
		return -EINVAL;
	memset(ip, 0, sizeof(*ip));
	ip->ihl_bytes = (uint8_t)ihl;
	ip->tos = buf[1];
	ip->total_len = wire_get16(buf + 2);
	ip->id = wire_get16(buf + 4);
	ip->df = (buf[6] & 0x40) != 0;
	ip->frag_off = (uint16_t)((buf[6] & 0x1f) << 8 | buf[7]);
	ip->ttl = buf[8];
	ip->proto = buf[9];
	memcpy(&ip->src, buf + 12, 4);
	memcpy(&ip->dst, buf + 16, 4);
	ip->opts = buf + WIRE_IP4_MIN_HDR;
	ip->opts_len = ihl - WIRE_IP4_MIN_HDR;
	return 0;
}

int wire_ip4_opt_next(const uint8_t *opts, size_t len, size_t *off,
		      struct wire_ip4_opt *o)
{
	size_t at = *off;

	if (at >= len || opts[at] == WIRE_IPOPT_EOL)
		return 0;
	memset(o, 0, sizeof(*o));
	o->type = opts[at];
	if (o->type == WIRE_IPOPT_NOP) {
		o->len = 1;
		*off = at + 1;
		return 1;
	}
	if (at + 2 > len || opts[at + 1] < 2 || opts[at + 1] > len - at)
		return -EINVAL;
	o->len = opts[at + 1];
	o->data = opts + at + 2;
	o->data_len = (size_t)o->len - 2;
	*off = at + o->len;
	return 1;
}

/* Walk an IPv6 extension header chain to the upper-layer header.  Returns
 * the offset of the upper layer and its protocol in *proto, or -EPROTO when
 * the chain runs past len or loops longer than any real one. */
static int ip6_skip_ext(const uint8_t *buf, size_t len, uint8_t *proto)
{
	size_t off = WIRE_IP6_HDR_LEN;
	uint8_t nh = buf[6];
	int hops;

	for (hops = 0; hops < 16; hops++) {
		switch (nh) {
		case 0:   /* hop-by-hop */
		case 43:  /* routing */
		case 60:  /* destination options */
			if (len < off + 2)
				return -EPROTO;
			nh = buf[off];
			off += ((size_t)buf[off + 1] + 1) * 8;
			break;
		case 44:  /* fragment: fixed 8 bytes */
			if (len < off + 8)
				return -EPROTO;
			/* A later fragment carries payload, not the header. */
			if ((buf[off + 2] << 8 | buf[off + 3]) & 0xfff8)
				return -EPROTO;
			nh = buf[off];
			off += 8;
			break;
		default:
			*proto = nh;
			return off <= len ? (int)off : -EPROTO;
		}
	}
	return -EPROTO;
}

int wire_quote_parse(int family, const uint8_t *buf, size_t len,
		     struct wire_quote *q)
{
	size_t l4off;

	memset(q, 0, sizeof(*q));
	q->family = family;
	q->len = len;
	if (family == AF_INET) {
		struct wire_ip4 ip;

		if (wire_ip4_parse(buf, len, &ip) < 0)
			return -EINVAL;
		q->has_ip = true;
		q->proto = ip.proto;
		q->ttl = ip.ttl;
		q->src4 = ip.src;
		q->dst4 = ip.dst;
		if (ip.frag_off)
			return 0;       /* a later fragment: no L4 header */
		l4off = ip.ihl_bytes;
	} else if (family == AF_INET6) {
		uint8_t proto = 0;
		int off;

		if (len < WIRE_IP6_HDR_LEN || (buf[0] >> 4) != 6)
			return -EINVAL;
		q->has_ip = true;
		q->ttl = buf[7];
		memcpy(&q->src6, buf + 8, 16);
		memcpy(&q->dst6, buf + 24, 16);
		off = ip6_skip_ext(buf, len, &proto);
		if (off < 0) {
			q->proto = buf[6];
			return 0;       /* addresses are still good */
		}
		q->proto = proto;
		l4off = (size_t)off;
	} else {
		return -EINVAL;
	}
	if (len >= l4off + sizeof(q->l4)) {
		memcpy(q->l4, buf + l4off, sizeof(q->l4));
		q->l4_off = l4off;
		q->has_l4 = true;
	}
	return 0;
}
