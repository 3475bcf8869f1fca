/* Captured frames: the link header stripped, the IP header read.  For
 * `echolot os --read`; pure, bounded by len, as all of wire. */
#include <errno.h>
#include <string.h>

#include "bytes.h"
#include "wire.h"

#define ETH_IP4 0x0800
#define ETH_IP6 0x86dd

/* An EtherType (after any VLAN tags at *off) that carries IP. */
static int ethertype_ip(const uint8_t *buf, size_t len, size_t off,
			const uint8_t **ip, size_t *iplen)
{
	for (int tags = 0; tags < 4; tags++) {
		uint16_t t;

		if (len < off + 2)
			return -EINVAL;
		t = wire_get16(buf + off);
		if (t == 0x8100 || t == 0x88a8) {       /* 802.1Q, 802.1ad */
			off += 4;
			continue;
		}
		if (t != ETH_IP4 && t != ETH_IP6)
			return -ENOTSUP;
		*ip = buf + off + 2;
		*iplen = len - off - 2;
		return 0;
	}
	return -ENOTSUP;
}

int wire_frame_ip(int link, const uint8_t *buf, size_t len,
		  const uint8_t **ip, size_t *iplen)
{
	switch (link) {
	case WIRE_LINK_ETHERNET:
		return ethertype_ip(buf, len, 12, ip, iplen);
	case WIRE_LINK_LINUX_SLL:       /* 16 bytes, protocol at 14 */
		if (len < 16)
			return -EINVAL;
		return ethertype_ip(buf, len, 14, ip, iplen);
	case WIRE_LINK_LINUX_SLL2:      /* 20 bytes, protocol at 0 */
		if (len < 20)
			return -EINVAL;
		if (wire_get16(buf) != ETH_IP4 && wire_get16(buf) != ETH_IP6)
			return -ENOTSUP;
		*ip = buf + 20;
		*iplen = len - 20;
		return 0;
	case WIRE_LINK_NULL:
	case WIRE_LINK_LOOP:            /* 4 bytes of address family */
		if (len < 4)
			return -EINVAL;
		*ip = buf + 4;
		*iplen = len - 4;
		return 0;
	case WIRE_LINK_RAW:
	case WIRE_LINK_IPV4:
	case WIRE_LINK_IPV6:
		*ip = buf;
		*iplen = len;
		return 0;
	default:
		return -ENOTSUP;
	}
}

static int parse6(const uint8_t *buf, size_t len, struct wire_pkt *p)
{
	size_t off = WIRE_IP6_HDR_LEN, end;
	uint8_t nh;

	if (len < WIRE_IP6_HDR_LEN)
		return -EINVAL;
	p->family = AF_INET6;
	p->tos = (uint8_t)((buf[0] & 0x0f) << 4 | buf[1] >> 4);
	p->ttl = buf[7];
	memcpy(p->src, buf + 8, 16);
	memcpy(p->dst, buf + 24, 16);
	p->first_frag = true;
	end = WIRE_IP6_HDR_LEN + wire_get16(buf + 4);
	if (end > len)
		end = len;
	nh = buf[6];
	for (int hops = 0; hops < 16; hops++) {
		switch (nh) {
		case 0:         /* hop-by-hop */
		case 43:        /* routing */
		case 60:        /* destination options */
			if (end < off + 2)
				return -EINVAL;
			nh = buf[off];
			off += ((size_t)buf[off + 1] + 1) * 8;
			continue;
		case 44:        /* fragment */
			if (end < off + 8)
				return -EINVAL;
			if (wire_get16(buf + off + 2) & 0xfff8)
				p->first_frag = false;
			nh = buf[off];
			off += 8;
			continue;
		default:
			if (off > end)
				return -EINVAL;
			p->proto = nh;
			p->l4 = buf + off;
			p->l4_len = end - off;
			return 0;
		}
	}
	return -EINVAL;
}

int wire_pkt_parse(const uint8_t *buf, size_t len, struct wire_pkt *p)
{
	struct wire_ip4 ip;
	size_t end;

	memset(p, 0, sizeof(*p));
	if (len < 1)
		return -EINVAL;
	if ((buf[0] >> 4) == 6)
		return parse6(buf, len, p);
	if (wire_ip4_parse(buf, len, &ip) < 0)
		return -EINVAL;
	p->family = AF_INET;
	memcpy(p->src, &ip.src, 4);
	memcpy(p->dst, &ip.dst, 4);
	p->ttl = ip.ttl;
	p->tos = ip.tos;
	p->id = ip.id;
	p->df = ip.df;
	p->first_frag = ip.frag_off == 0;
	p->proto = ip.proto;
	end = ip.total_len >= ip.ihl_bytes && ip.total_len < len ? ip.total_len : len;
	p->l4 = buf + ip.ihl_bytes;
	p->l4_len = end - ip.ihl_bytes;
	return 0;
}
