/* echolot os: the IPv4 header of a hand-made probe, an echo's code, and
 * ICMP timestamp messages.  Pure, as all of wire. */
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
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

int wire_ip4_build(const struct wire_ip4 *ip, size_t payload_len,
		   uint8_t *out, size_t cap)
{
	uint16_t sum;

	if (cap < WIRE_IP4_MIN_HDR)
		return -ENOSPC;
	if (payload_len > 65535 - WIRE_IP4_MIN_HDR)
		return -EINVAL;
	memset(out, 0, WIRE_IP4_MIN_HDR);
	out[0] = 0x45;
	out[1] = ip->tos;
	put16(out + 2, (uint16_t)(WIRE_IP4_MIN_HDR + payload_len));
	put16(out + 4, ip->id);
	out[6] = ip->df ? 0x40 : 0;
	out[8] = ip->ttl;
	out[9] = ip->proto;
	memcpy(out + 12, &ip->src, 4);
	memcpy(out + 16, &ip->dst, 4);
	sum = wire_checksum(out, WIRE_IP4_MIN_HDR);
	put16(out + 10, sum);
	return WIRE_IP4_MIN_HDR;
}

void wire_icmp_set_code(int family, uint8_t *buf, size_t len, uint8_t code)
{
	if (len < WIRE_ICMP_HDR_LEN)
		return;
	buf[1] = code;
	if (family == AF_INET6)
		return;
	buf[2] = buf[3] = 0;
	put16(buf + 2, wire_checksum(buf, len));
}

int wire_tstamp_build(uint16_t id, uint16_t seq, uint32_t originate,
		      uint8_t *out, size_t cap)
{
	if (cap < WIRE_TSTAMP_LEN)
		return -ENOSPC;
	memset(out, 0, WIRE_TSTAMP_LEN);
	out[0] = WIRE_ICMP4_TSTAMP;
	put16(out + 4, id);
	put16(out + 6, seq);
	put32(out + 8, originate);
	put16(out + 2, wire_checksum(out, WIRE_TSTAMP_LEN));
	return WIRE_TSTAMP_LEN;
}

int wire_tstamp_parse(const uint8_t *buf, size_t len, struct wire_tstamp *t)
{
	memset(t, 0, sizeof(*t));
	if (len < WIRE_TSTAMP_LEN || (buf[0] != WIRE_ICMP4_TSTAMP &&
				      buf[0] != WIRE_ICMP4_TSTAMPREPLY))
		return -EINVAL;
	t->type = buf[0];
	t->code = buf[1];
	t->cksum_ok = wire_checksum(buf, len) == 0;
	t->id = (uint16_t)(buf[4] << 8 | buf[5]);
	t->seq = (uint16_t)(buf[6] << 8 | buf[7]);
	t->originate = wire_get32(buf + 8);
	t->receive = wire_get32(buf + 12);
	t->transmit = wire_get32(buf + 16);
	return 0;
}
