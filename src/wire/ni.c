/* ICMPv6 Node Information messages (RFC 4620) and the DNS names in them.
 * The names are read as glibc 2.36's dn_expand() reads them, rule for
 * rule (iputils prints what it gives): a pointer may go anywhere inside
 * the message, a loop is caught by counting the bytes looked at, the name
 * is at most 255 bytes in wire form, and the text escapes what resolv
 * escapes. */
#include <errno.h>
#include <string.h>

#include "bytes.h"
#include "ni.h"

#define DN_MAX 255              /* NS_MAXCDNAME: a name in wire form */

int wire_ni_parse(const uint8_t *buf, size_t len, struct wire_ni *ni)
{
	memset(ni, 0, sizeof(*ni));
	if (len < WIRE_NI_HDR_LEN ||
	    (buf[0] != WIRE_ICMP6_NI_QUERY && buf[0] != WIRE_ICMP6_NI_REPLY))
		return -EINVAL;
	ni->type = buf[0];
	ni->code = buf[1];
	ni->qtype = wire_get16(buf + 4);
	ni->flags = wire_get16(buf + 6);
	memcpy(ni->nonce, buf + 8, WIRE_NI_NONCE_LEN);
	ni->seq = wire_get16(buf + 8);
	ni->data = buf + WIRE_NI_HDR_LEN;
	ni->data_len = len - WIRE_NI_HDR_LEN;
	ni->len = len;
	return 0;
}

int wire_ni_query_build(const struct wire_ni_query *q, uint8_t *out, size_t cap)
{
	size_t len = WIRE_NI_HDR_LEN + q->subject_len;

	if (len > cap)
		return -ENOSPC;
	out[0] = WIRE_ICMP6_NI_QUERY;
	out[1] = q->code;
	wire_put16(out + 2, 0);
	wire_put16(out + 4, q->qtype);
	wire_put16(out + 6, q->flags);
	memcpy(out + 8, q->nonce, WIRE_NI_NONCE_LEN);
	if (q->subject_len)
		memcpy(out + WIRE_NI_HDR_LEN, q->subject, q->subject_len);
	return (int)len;
}

/* The name at off into wire form (wire, at most DN_MAX bytes with its
 * final zero), following pointers: resolv's ns_name_unpack.  The bytes it
 * takes at off, or -1. */
static int dn_unpack(const uint8_t *msg, size_t msglen, size_t off,
		     uint8_t wire[DN_MAX])
{
	size_t src = off, dst = 0, checked = 0;
	long len = -1;
	uint8_t n;

	if (off >= msglen)
		return -1;
	/* Every read is in bounds: a label is taken only when the byte
	 * after it is inside, a pointer only to inside. */
	while ((n = msg[src++]) != 0) {
		switch (n & 0xc0) {
		case 0x00:
			if (dst + n + 1 >= DN_MAX || src + n >= msglen)
				return -1;
			checked += n + 1u;
			wire[dst++] = n;
			memcpy(wire + dst, msg + src, n);
			dst += n;
			src += n;
			break;
		case 0xc0:
			if (src >= msglen)
				return -1;
			if (len < 0)
				len = (long)(src - off) + 1;
			src = (size_t)(n & 0x3f) << 8 | msg[src];
			if (src >= msglen)
				return -1;
			/* Pointers only: having looked at as many bytes as the
			 * message holds means a loop. */
			checked += 2;
			if (checked >= msglen)
				return -1;
			break;
		default:        /* extended (0x40) and reserved (0x80) labels */
			return -1;
		}
	}
	wire[dst] = 0;
	if (len < 0)
		len = (long)(src - off);
	return (int)len;
}

/* Characters resolv quotes with a backslash. */
static bool dn_special(uint8_t c)
{
	return c == '"' || c == '.' || c == ';' || c == '\\' || c == '(' ||
	       c == ')' || c == '@' || c == '$';
}

/* A name in wire form as text: resolv's ns_name_ntop. 0 or -1. */
static int dn_ntop(const uint8_t *wire, char *text, size_t cap)
{
	size_t src = 0, dst = 0;
	uint8_t n;

	while ((n = wire[src++]) != 0) {
		if (dst) {
			if (dst >= cap)
				return -1;
			text[dst++] = '.';
		}
		if (dst + n >= cap)
			return -1;
		for (; n > 0; n--) {
			uint8_t c = wire[src++];

			if (dn_special(c)) {
				if (dst + 1 >= cap)
					return -1;
				text[dst++] = '\\';
				text[dst++] = (char)c;
			} else if (c <= 0x20 || c >= 0x7f) {
				if (dst + 3 >= cap)
					return -1;
				text[dst++] = '\\';
				text[dst++] = (char)('0' + c / 100);
				text[dst++] = (char)('0' + c / 10 % 10);
				text[dst++] = (char)('0' + c % 10);
			} else {
				if (dst >= cap)
					return -1;
				text[dst++] = (char)c;
			}
		}
	}
	if (dst == 0) {
		if (dst >= cap)
			return -1;
		text[dst++] = '.';
	}
	if (dst >= cap)
		return -1;
	text[dst] = '\0';
	return 0;
}

int wire_dn_expand(const uint8_t *msg, size_t msglen, size_t off, char *text,
		   size_t cap)
{
	uint8_t wire[DN_MAX];
	int n = dn_unpack(msg, msglen, off, wire);

	if (n < 0 || dn_ntop(wire, text, cap) < 0)
		return -1;
	/* dn_expand() gives the root as "", not "." */
	if (text[0] == '.')
		text[0] = '\0';
	return n;
}

int wire_ni_name_next(const struct wire_ni *ni, size_t *off, char *text,
		      size_t cap, bool *fqdn)
{
	int n;

	if (*off >= ni->data_len)
		return 0;
	/* Pointers count from the start of the data (its TTL), as
	 * iputils hands the data to dn_expand(). */
	n = wire_dn_expand(ni->data, ni->data_len, *off, text, cap);
	if (n < 0)
		return -1;
	/* A second zero byte after the name: not fully qualified. */
	*fqdn = !(*off + (size_t)n < ni->data_len && ni->data[*off + (size_t)n] == 0);
	*off += (size_t)n + !*fqdn;
	return 1;
}

int wire_ni_addr_next(const struct wire_ni *ni, size_t *off, uint32_t *ttl,
		      uint8_t addr[16])
{
	size_t alen = ni->qtype == WIRE_NI_QTYPE_IPV4 ? 4 : 16;

	if (*off >= ni->data_len)
		return 0;
	if (ni->data_len - *off < 4 + alen)
		return -1;
	*ttl = wire_get32(ni->data + *off);
	memcpy(addr, ni->data + *off + 4, alen);
	*off += 4 + alen;
	return 1;
}

/* One character of a name in text, resolv's escapes read: its byte, the
 * number of characters it took (0: the end), or -1 for a bad escape. */
static int dn_char(const char *s, uint8_t *c, bool *escaped)
{
	*escaped = false;
	if (s[0] == '\0')
		return 0;
	if (s[0] != '\\') {
		*c = (uint8_t)s[0];
		return 1;
	}
	*escaped = true;
	if (s[1] == '\0')
		return -1;      /* a backslash at the end (glibc 2.36 refuses) */
	if (s[1] >= '0' && s[1] <= '9') {
		int v;

		if (!(s[2] >= '0' && s[2] <= '9') || !(s[3] >= '0' && s[3] <= '9'))
			return -1;
		v = (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		if (v > 255)
			return -1;
		*c = (uint8_t)v;
		return 4;
	}
	*c = (uint8_t)s[1];
	return 2;
}

int wire_dn_encode(const char *text, uint8_t *out, size_t cap)
{
	uint8_t wire[DN_MAX];
	size_t label = 0, dst = 1, n;
	const char *s = text;
	bool escaped;
	uint8_t c;
	int k;

	/* resolv's ns_name_pton, check for check: a label per unescaped
	 * dot; a trailing dot (or none) ends the name with the root; "" and
	 * "." are the root alone. */
	while ((k = dn_char(s, &c, &escaped)) != 0) {
		if (k < 0)
			return -EINVAL;
		s += k;
		if (c == '.' && !escaped) {
			n = dst - label - 1;
			if (n > 63 || label >= DN_MAX)
				return -EINVAL;
			wire[label] = (uint8_t)n;
			if (*s == '\0') {
				if (n) {
					if (dst >= DN_MAX)
						return -EINVAL;
					wire[dst++] = 0;
				}
				goto done;
			}
			if (n == 0 || *s == '.')
				return -EINVAL;
			label = dst++;
			continue;
		}
		if (dst >= DN_MAX)
			return -EINVAL;
		wire[dst++] = c;
	}
	n = dst - label - 1;
	if (n > 63 || label >= DN_MAX)
		return -EINVAL;
	wire[label] = (uint8_t)n;
	if (n) {
		if (dst >= DN_MAX)
			return -EINVAL;
		wire[dst++] = 0;
	}
done:
	if (dst > cap)
		return -ENOSPC;
	memcpy(out, wire, dst);
	return (int)dst;
}
