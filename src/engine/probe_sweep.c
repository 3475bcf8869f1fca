/* The stateless ICMP echo kind, for sweeps: the engine remembers nothing
 * per probe, so the probe carries what its answer needs (zmap's way).
 *   sequence number: 16 bits of SipHash(key, address), the only part of
 *     the probe that every ICMP error quotes (with the identifier);
 *   data: a 64-bit SipHash tag over the address, both send times and the
 *     plan's cookie, then those three, then byte i = i.
 * A reply is ours when its source, data and sequence give the tag back: a
 * forged or replayed reply, or one from an address we did not probe,
 * fails.  An ICMP error is ours when its quoted destination gives its
 * quoted sequence number back (and, where the whole probe is quoted, the
 * tag).  The RTT comes from the send times in the data: no table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine_int.h"
#include "probe_int.h"
#include "../wire/addr.h"
#include "../wire/bytes.h"
#include "../wire/wire.h"

#define OFF_TAG 0
#define OFF_MONO 8
#define OFF_WALL 16
#define OFF_COOKIE 24

static void put64le(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64le(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint16_t addr_tag(const uint8_t *key, const uint8_t a16[16])
{
	uint8_t msg[17];

	memcpy(msg, a16, 16);
	msg[16] = 's';
	return (uint16_t)wire_siphash24(key, msg, sizeof(msg));
}

/* The tag over the address and the 24 bytes after the tag. */
static uint64_t data_tag(const uint8_t *key, const uint8_t a16[16],
			 const uint8_t *fields)
{
	uint8_t msg[16 + 24];

	memcpy(msg, a16, 16);
	memcpy(msg + 16, fields, 24);
	return wire_siphash24(key, msg, sizeof(msg));
}

static int sweep_build(void *kctx, const struct probe_req *req, uint8_t *buf,
		       size_t cap, struct probe_tx *tx)
{
	struct probe_sweep_cfg *c = kctx;
	size_t dl = c->datalen < PROBE_SWEEP_MIN_DATA ? PROBE_SWEEP_MIN_DATA : c->datalen;
	uint8_t *p = buf + WIRE_ICMP_HDR_LEN, a16[16];
	struct timespec w;
	struct wire_echo e;
	int n;

	if (WIRE_ICMP_HDR_LEN + dl > cap)
		return -EMSGSIZE;
	wire_addr16_from(a16, req->to->sa_family, wire_sa_bytes(req->to));
	clock_gettime(CLOCK_REALTIME, &w);
	put64le(p + OFF_MONO, (uint64_t)req->sent_mono);
	put64le(p + OFF_WALL, (uint64_t)wire_ts_ns(&w));
	put64le(p + OFF_COOKIE, req->cookie);
	put64le(p + OFF_TAG, data_tag(req->tag_key, a16, p + OFF_MONO));
	for (size_t i = PROBE_SWEEP_MIN_DATA; i < dl; i++)
		p[i] = (uint8_t)i;
	e.family = req->to->sa_family;
	e.id = c->echo.raw ? c->echo.id : 0;
	e.seq = addr_tag(req->tag_key, a16);
	e.payload = p;
	e.payload_len = dl;
	n = wire_echo_build(&e, buf, cap);
	if (n < 0)
		return n;
	tx->buf = buf;
	tx->len = (size_t)n;
	return 0;
}

static int sweep_parse(void *kctx, const struct sock *s, int role,
		       const struct sock_rx *rx, struct probe_answer *a)
{
	const struct probe_sweep_cfg *c = kctx;
	const struct wire_quote *q;
	const uint8_t *msg;
	struct wire_icmp m;
	bool v6 = s->family == AF_INET6;

	(void)role;
	if (probe_read_icmp(s, rx, &m, &msg, a) < 0)
		return -1;
	if (wire_icmp_is_echo_reply(&m)) {
		if (s->kind == SOCK_KIND_RAW && m.id != c->echo.id)
			return -1;      /* another program's: not a word */
		a->ev.type = EV_REPLY;
		a->ev.answer = EV_ANS_ECHO;
		a->ev.bytes = m.len;
		a->ev.reply_len = (int)m.len;
		a->ev.data = m.data;
		a->ev.data_len = m.data_len;
		a->ev.icmp_type = m.type;
		a->ev.bad_cksum = !m.cksum_ok;
		a->key = m.seq;
		a->has_key = true;
		probe_set_probed_sa(a, a->ev.from);
		return 0;
	}
	if (!wire_icmp_is_error(s->family, m.type))
		return -1;
	q = &m.quote;
	if (!q->has_ip || !q->has_l4 ||
	    q->proto != (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP) ||
	    q->l4[0] != (v6 ? WIRE_ICMP6_ECHO : WIRE_ICMP4_ECHO))
		return -1;
	if (s->kind == SOCK_KIND_RAW && wire_get16(q->l4 + 4) != c->echo.id)
		return -1;
	probe_error_facts(s->family, msg, &m, a);
	a->key = wire_get16(q->l4 + 6);
	a->has_key = true;
	return 0;
}

/* The kernel's error queue (datagram socket): its body is our probe,
 * whole, and where it went. */
static int sweep_parse_errqueue(void *kctx, const struct sock *s,
				const struct sock_rx *rx, struct probe_answer *a)
{
	(void)kctx;
	(void)s;
	if (rx->len < WIRE_ICMP_HDR_LEN)
		return -1;
	a->key = wire_get16(rx->buf + 6);
	a->has_key = true;
	a->ev.data = rx->buf + WIRE_ICMP_HDR_LEN;
	a->ev.data_len = rx->len - WIRE_ICMP_HDR_LEN;
	probe_set_probed_sa(a, (const struct sockaddr *)&rx->from);
	return 0;
}

static bool sweep_verify(void *kctx, const struct probe_rec *rec,
			 const uint8_t *tag_key, struct probe_answer *a)
{
	const struct event *ev = &a->ev;
	const uint8_t *d = ev->data;

	(void)kctx;
	(void)rec;
	if (!a->has_probed || ev->bad_cksum ||
	    a->key != addr_tag(tag_key, a->probed))
		return false;
	if (ev->data_len < PROBE_SWEEP_MIN_DATA || !d)
		/* A reply must bring the whole tag back; an error whose
		 * quote is short has only its sequence number to show. */
		return ev->type == EV_ERROR;
	if (get64le(d + OFF_TAG) != data_tag(tag_key, a->probed, d + OFF_MONO))
		return false;
	a->has_cookie = true;
	a->sent_mono = (int64_t)get64le(d + OFF_MONO);
	a->sent_wall = (int64_t)get64le(d + OFF_WALL);
	a->cookie = get64le(d + OFF_COOKIE);
	return true;
}

const struct probe_kind probe_sweep = {
	.name = "icmp-sweep",
	.key_bits = 16,
	.stateless = true,
	.method = -1,        /* an ICMP socket (probe_echo_open) */
	.build = sweep_build,
	.parse = sweep_parse,
	.parse_errqueue = sweep_parse_errqueue,
	.verify = sweep_verify,
	.release = NULL,
};
