/* The quote kind (echolot os: how much of a datagram does the host quote
 * in its Port Unreachable?).  A UDP datagram to a closed port from a
 * connected UDP socket; the answer is read whole from a raw ICMP socket
 * that sees only Destination Unreachable.  A host that quotes only 8
 * bytes quotes none of the payload, so the key cannot travel in it: this
 * kind has one probe out at a time, named by its ports. */
#include <errno.h>
#include <string.h>

#include "engine_int.h"
#include "probe_int.h"
#include "../wire/addr.h"
#include "../wire/bytes.h"

static int quote_build(void *kctx, const struct probe_req *req, uint8_t *b,
		       size_t cap, struct probe_tx *tx)
{
	struct probe_quote_cfg *c = kctx;

	if (cap < c->datalen)
		return -EMSGSIZE;
	memset(b, 0, c->datalen);
	memcpy(b, "echolot os quote probe", 22 < c->datalen ? 22 : c->datalen);
	c->last_pn = req->pn;
	tx->buf = b;
	tx->len = c->datalen;
	tx->dport = c->dport;
	return 0;
}

static int quote_parse(void *kctx, const struct sock *s, int role,
		       const struct sock_rx *rx, struct probe_answer *a)
{
	const struct probe_quote_cfg *c = kctx;
	const struct wire_quote *q;
	const uint8_t *msg;
	struct wire_icmp m;
	bool v6 = s->family == AF_INET6;
	size_t hl;

	if (role != ENGINE_SOCK_RX_ICMP || probe_read_icmp(s, rx, &m, &msg, a) < 0)
		return -1;
	q = &m.quote;
	if (!(v6 ? m.type == WIRE_ICMP6_UNREACH && m.code == 4 :
		   m.type == WIRE_ICMP4_UNREACH && m.code == 3) ||
	    !q->has_ip || !q->has_l4 || q->proto != IPPROTO_UDP ||
	    wire_get16(q->l4) != c->sport || wire_get16(q->l4 + 2) != c->dport)
		return -1;
	probe_error_facts(s->family, msg, &m, a);
	hl = v6 ? WIRE_IP6_HDR_LEN : (size_t)(m.data[0] & 0x0f) * 4;
	a->ev.quote_l4 = q->len > hl ? (int)(q->len - hl) : 0;
	a->key = (uint16_t)c->last_pn;
	a->has_key = true;
	return 0;
}

const struct probe_kind probe_quote = {
	.name = "quote",
	.key_bits = 16,
	.method = -1,        /* a socket of echolot os's (sock.h) */
	.build = quote_build,
	.parse = quote_parse,
};
