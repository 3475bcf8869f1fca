/* The UDP kind (traceroute's default, mtr -u).  With at least 4 bytes of
 * data (Paris): both ports stay constant and the key is the UDP checksum,
 * made equal to it by two payload bytes; bytes 2..3 of the payload carry
 * it too, for the error queue, which hands back our payload and not our
 * header.  With less: classic traceroute's destination port per probe.
 * Answers are ICMP errors only: from a raw ICMP socket beside the raw UDP
 * one (with CAP_NET_RAW: the quote whole, extensions included), or from
 * the UDP socket's error queue. */
#include <errno.h>
#include <string.h>

#include "engine_int.h"
#include "probe_int.h"
#include "../wire/addr.h"
#include "../wire/bytes.h"

static int udp_build(void *kctx, const struct probe_req *req, uint8_t *b,
		     size_t cap, struct probe_tx *tx)
{
	const struct probe_path_cfg *c = kctx;
	const struct probe_socks *ps = c->ps;
	uint16_t key = (uint16_t)req->pn;
	uint16_t dport = c->paris ? c->dport : key;
	uint8_t *pl = b + WIRE_UDP_HDR_LEN;
	int n;

	if (WIRE_UDP_HDR_LEN + c->data_len > cap)
		return -EMSGSIZE;
	probe_trace_fill(pl, WIRE_UDP_HDR_LEN, c->data_len);
	if (c->paris) {
		pl[0] = pl[1] = 0;
		wire_put16(pl + 2, key);
	}
	n = wire_udp_build(req->to->sa_family,
			   wire_sa_bytes((const struct sockaddr *)&ps->src),
			   wire_sa_bytes(req->to), ps->sport, dport, pl,
			   c->data_len, b, cap);
	if (n < 0)
		return n;
	if (c->paris) {
		wire_put16(pl, wire_csum_compensate(wire_get16(b + 6), key));
		wire_put16(b + 6, key);
	}
	/* A raw socket sends the whole datagram, a datagram socket the
	 * payload (the kernel writes the header, and the same checksum,
	 * unless it leaves that to the device). */
	if (ps->tx.kind == SOCK_KIND_RAW) {
		tx->buf = b;
		tx->len = (size_t)n;
		tx->dport = 0;  /* a raw IPv6 socket reads it as a protocol */
	} else {
		tx->buf = pl;
		tx->len = c->data_len;
		tx->dport = dport;
	}
	return 0;
}

static int udp_parse(void *kctx, const struct sock *s, int role,
		     const struct sock_rx *rx, struct probe_answer *a)
{
	const struct probe_path_cfg *c = kctx;
	const struct wire_quote *q;
	const uint8_t *msg;
	struct wire_icmp m;

	/* The UDP socket itself expects nothing: whatever came is dropped. */
	if (role != ENGINE_SOCK_RX_ICMP || probe_read_icmp(s, rx, &m, &msg, a) < 0 ||
	    !wire_icmp_is_error(s->family, m.type))
		return -1;
	q = &m.quote;
	if (!q->has_ip || !q->has_l4 || q->proto != IPPROTO_UDP ||
	    wire_get16(q->l4) != c->ps->sport)
		return -1;
	if (c->paris && wire_get16(q->l4 + 2) != c->dport)
		return -1;
	probe_error_facts(s->family, msg, &m, a);
	a->key = c->paris ? wire_get16(q->l4 + 6) : wire_get16(q->l4 + 2);
	a->has_key = true;
	return 0;
}

static int udp_parse_errqueue(void *kctx, const struct sock *s,
			      const struct sock_rx *rx, struct probe_answer *a)
{
	const struct probe_path_cfg *c = kctx;
	const struct sockaddr *to = (const struct sockaddr *)&rx->from;

	(void)s;
	/* msg_name is where the probe went, port included. */
	if (c->paris) {
		if (rx->len < 4)
			return -1;
		a->key = wire_get16(rx->buf + 2);
	} else {
		a->key = wire_sa_port(to);
	}
	a->has_key = true;
	if (!wire_sa_bytes(to))
		return -1;
	probe_set_probed_sa(a, to);
	return 0;
}

const struct probe_kind probe_udp = {
	.name = "udp",
	.key_bits = 16,
	.method = PROBE_UDP,
	.build = udp_build,
	.parse = udp_parse,
	.parse_errqueue = udp_parse_errqueue,
};
