/* ICMP and ICMPv6 messages: echo build, parse of echo and error messages. */
#include <errno.h>
#include <string.h>

#include "wire.h"

bool wire_icmp_is_error(int family, uint8_t type)
{
	if (family == AF_INET6)
		return type < 128;  /* RFC 4443: error types are 0..127 */
	switch (type) {
	case WIRE_ICMP4_UNREACH:
	case WIRE_ICMP4_SOURCEQUENCH:
	case WIRE_ICMP4_REDIRECT:
	case WIRE_ICMP4_TIMXCEED:
	case WIRE_ICMP4_PARAMPROB:
		return true;
	default:
		return false;
	}
}

int wire_icmp_parse(int family, const uint8_t *buf, size_t len,
		    struct wire_icmp *m)
{
	memset(m, 0, sizeof(*m));
	if (len < WIRE_ICMP_HDR_LEN || (family != AF_INET && family != AF_INET6))
		return -EINVAL;
	m->family = family;
	m->type = buf[0];
	m->code = buf[1];
	m->cksum = (uint16_t)(buf[2] << 8 | buf[3]);
	m->cksum_ok = family == AF_INET6 || wire_checksum(buf, len) == 0;
	m->id = (uint16_t)(buf[4] << 8 | buf[5]);
	m->seq = (uint16_t)(buf[6] << 8 | buf[7]);
	m->rest = (uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 |
		  (uint32_t)buf[6] << 8 | buf[7];
	m->data = buf + WIRE_ICMP_HDR_LEN;
	m->data_len = len - WIRE_ICMP_HDR_LEN;
	m->len = len;
	if (wire_icmp_is_error(family, m->type))
		/* A bogus quote leaves quote.has_ip false; the message itself
		 * is still well formed, so that is not a parse failure. */
		(void)wire_quote_parse(family, m->data, m->data_len, &m->quote);
	return 0;
}

int wire_ip4_icmp_parse(const uint8_t *buf, size_t len, struct wire_ip4 *ip,
			struct wire_icmp *m)
{
	size_t end;

	if (wire_ip4_parse(buf, len, ip) < 0 || ip->proto != IPPROTO_ICMP)
		return -EINVAL;
	/* Trust the smaller of what arrived and what the header claims. */
	end = ip->total_len >= ip->ihl_bytes && ip->total_len < len ?
	      ip->total_len : len;
	return wire_icmp_parse(AF_INET, buf + ip->ihl_bytes,
			       end - ip->ihl_bytes, m);
}

int wire_echo_build(const struct wire_echo *e, uint8_t *out, size_t cap)
{
	size_t len = WIRE_ICMP_HDR_LEN + e->payload_len;
	uint16_t sum;

	if (cap < len || len > 65535)
		return -ENOSPC;
	out[0] = e->family == AF_INET6 ? WIRE_ICMP6_ECHO : WIRE_ICMP4_ECHO;
	out[1] = 0;
	out[2] = out[3] = 0;
	out[4] = (uint8_t)(e->id >> 8);
	out[5] = (uint8_t)e->id;
	out[6] = (uint8_t)(e->seq >> 8);
	out[7] = (uint8_t)e->seq;
	if (e->payload_len)
		memmove(out + WIRE_ICMP_HDR_LEN, e->payload, e->payload_len);
	if (e->family != AF_INET6) {
		sum = wire_checksum(out, len);
		out[2] = (uint8_t)(sum >> 8);
		out[3] = (uint8_t)sum;
	}
	return (int)len;
}

void wire_fill_pattern(uint8_t *buf, size_t len, const uint8_t *pat,
		       size_t patlen)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = patlen ? pat[i % patlen] : (uint8_t)i;
}
