/* The TCP SYN kind (traceroute -T, ping --tcp, mtr -T).  The key is the
 * sequence number (32 bits), acknowledged as key + 1 by a SYN-ACK or a
 * RST; both ports stay constant (Paris).  It needs a raw TCP socket to
 * send and read the answers, and a raw ICMP one for the errors. */
#include <errno.h>
#include <string.h>

#include "engine_int.h"
#include "probe_int.h"
#include "../wire/addr.h"
#include "../wire/bytes.h"

#define TCP_OPTS_LEN 20
#define TCP_WINDOW 5840

static int tcp_build(void *kctx, const struct probe_req *req, uint8_t *b,
		     size_t cap, struct probe_tx *tx)
{
	const struct probe_path_cfg *c = kctx;
	const struct probe_socks *ps = c->ps;
	/* traceroute's SYN: MSS, SACK permitted, timestamps, NOP, window
	 * scale; 20 bytes of options. */
	uint32_t tsval = (uint32_t)(req->sent_mono / MSEC);
	uint8_t opts[TCP_OPTS_LEN] = {
		2, 4, 0x05, 0xb4,       /* MSS 1460 */
		4, 2,                   /* SACK permitted */
		8, 10, 0, 0, 0, 0, 0, 0, 0, 0,
		1,                      /* NOP */
		3, 3, 2,                /* window scale 2 */
	};
	struct wire_tcp h;
	int n;

	wire_put32(opts + 8, tsval);
	memset(&h, 0, sizeof(h));
	h.sport = ps->sport;
	h.dport = c->dport;
	h.seq = req->pn;
	h.flags = WIRE_TCP_SYN;
	h.window = TCP_WINDOW;
	h.opts = opts;
	h.opts_len = sizeof(opts);
	n = wire_tcp_build(req->to->sa_family,
			   wire_sa_bytes((const struct sockaddr *)&ps->src),
			   wire_sa_bytes(req->to), &h, b, cap);
	if (n < 0)
		return n;
	tx->buf = b;
	tx->len = (size_t)n;
	tx->dport = 0;          /* a raw IPv6 socket reads it as a protocol */
	return 0;
}

/* A segment on the raw TCP socket: a SYN-ACK or a RST to our SYN? */
static int tcp_segment(const struct probe_path_cfg *c, const struct sock *s,
		       const struct sock_rx *rx, struct probe_answer *a)
{
	const uint8_t *seg = rx->buf;
	size_t len = rx->len;
	struct wire_tcp h;
	uint8_t f;

	if (s->family == AF_INET) {
		struct wire_ip4 ip;

		if (wire_ip4_parse(rx->buf, rx->len, &ip) < 0 ||
		    ip.proto != IPPROTO_TCP || ip.frag_off)
			return -1;
		seg += ip.ihl_bytes;
		len -= ip.ihl_bytes;
		a->ev.ttl = ip.ttl;
		a->ev.tos = ip.tos;
	}
	if (wire_tcp_parse(seg, len, &h) < 0 || h.sport != c->dport ||
	    h.dport != c->ps->sport)
		return -1;
	f = h.flags & (WIRE_TCP_SYN | WIRE_TCP_ACK | WIRE_TCP_RST);
	if (f != (WIRE_TCP_SYN | WIRE_TCP_ACK) && !(f & WIRE_TCP_RST))
		return -1;
	/* A reset without ACK acknowledges nothing: no key. */
	if (!(h.flags & WIRE_TCP_ACK))
		return -1;
	a->ev.type = EV_REPLY;
	a->ev.answer = EV_ANS_TCP;
	a->ev.tcp_flags = h.flags;
	a->ev.bytes = len;
	a->ev.reply_len = (int)len;
	a->key = h.ack - 1;
	a->has_key = true;
	probe_set_probed_sa(a, (const struct sockaddr *)&rx->from);
	return 0;
}

static int tcp_parse(void *kctx, const struct sock *s, int role,
		     const struct sock_rx *rx, struct probe_answer *a)
{
	const struct probe_path_cfg *c = kctx;
	const struct wire_quote *q;
	const uint8_t *msg;
	struct wire_icmp m;

	if (role == ENGINE_SOCK_TX)
		return tcp_segment(c, s, rx, a);
	if (probe_read_icmp(s, rx, &m, &msg, a) < 0 ||
	    !wire_icmp_is_error(s->family, m.type))
		return -1;
	q = &m.quote;
	if (!q->has_ip || !q->has_l4 || q->proto != IPPROTO_TCP ||
	    wire_get16(q->l4) != c->ps->sport || wire_get16(q->l4 + 2) != c->dport)
		return -1;
	probe_error_facts(s->family, msg, &m, a);
	a->key = wire_get32(q->l4 + 4);
	a->has_key = true;
	return 0;
}

const struct probe_kind probe_tcp = {
	.name = "tcp",
	.key_bits = 32,
	.method = PROBE_TCP,
	.build = tcp_build,
	.parse = tcp_parse,
};
