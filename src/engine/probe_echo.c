/* The ICMP echo kind (ICMPv4 and ICMPv6): ping, fping, sweeps, traceroute
 * -I and echolot os.  The key is the sequence number (16 bits); a raw
 * socket's identifier is the run's, a datagram socket's the kernel's.
 *
 * Ping's data starts with a tag only we can make (SipHash under the run's
 * key over identifier, sequence and send time): a reply that a stranger
 * forged or replayed fails it.  Then, with room, the send time in
 * microseconds for whoever reads a capture; the RTT never comes from it,
 * only from the in-flight record.  Then the pattern, compared on return.
 * A trace's data is traceroute's (0x40 + i), with two bytes that keep the
 * checksum constant (Paris: a load balancer that hashes it sees one
 * flow). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <linux/errqueue.h>

#include "engine_int.h"
#include "probe_int.h"
#include "../wire/addr.h"
#include "../wire/bytes.h"
#include "../wire/wire.h"

size_t probe_echo_tag_len(const struct probe_echo_cfg *c)
{
	if (c->fill != PROBE_FILL_PING)
		return 0;
	return c->datalen < PROBE_ECHO_TAG_LEN ? c->datalen : PROBE_ECHO_TAG_LEN;
}

size_t probe_echo_skip(const struct probe_echo_cfg *c)
{
	if (c->fill != PROBE_FILL_PING)
		return 0;
	return c->datalen >= PROBE_ECHO_STAMP_LEN ? PROBE_ECHO_STAMP_LEN :
						    probe_echo_tag_len(c);
}

static uint16_t wire_id(const struct probe_echo_cfg *c)
{
	return c->raw ? c->id : 0;
}

static uint64_t echo_tag(const uint8_t *key, uint16_t id, uint16_t seq,
			 int64_t sent_mono)
{
	uint8_t msg[12];

	wire_put16(msg, id);
	wire_put16(msg + 2, seq);
	for (int i = 0; i < 8; i++)
		msg[4 + i] = (uint8_t)((uint64_t)sent_mono >> (8 * i));
	return wire_siphash24(key, msg, sizeof(msg));
}

/* Byte i of the data as we send it, past the tag and stamp. */
static uint8_t data_byte(const struct probe_echo_cfg *c, size_t i)
{
	if (c->fill == PROBE_FILL_TRACE)
		return (uint8_t)(0x40 + ((WIRE_ICMP_HDR_LEN + i) & 0x3f));
	return c->patlen ? c->pattern[i % c->patlen] : (uint8_t)i;
}

/* ------------------------------------------------------------- open */

int probe_echo_open(struct probe_echo_cfg *c, int family, bool need_raw,
		    const struct sock_opts *o, struct sock *s,
		    struct probe_open_err *err)
{
	const char *what = NULL;
	uint16_t id = 0;
	int rc;

	memset(err, 0, sizeof(*err));
	rc = sock_open(s, family, need_raw, &err->open);
	if (rc < 0) {
		err->what = "socket";
		err->err = -rc;
		err->need_raw = err->open.raw_errno == EPERM ||
				err->open.raw_errno == EACCES;
		return rc;
	}
	rc = o ? sock_apply(s, o, &what, &err->warn, &err->warn_err) : 0;
	if (rc < 0) {
		err->what = what;
		err->err = -rc;
		return rc;
	}
	c->raw = s->kind == SOCK_KIND_RAW;
	if (!c->raw)
		return 0;       /* the kernel's identifier, matched by the kernel */
	while (!id && getrandom(&id, sizeof(id), 0) == sizeof(id))
		;
	c->id = id ? id : 1;
	rc = sock_filter_id(s, c->id);
	if (rc < 0) {
		err->what = "SO_ATTACH_FILTER";
		err->err = -rc;
	}
	return rc;
}

/* ------------------------------------------------------------ build */

static void echo_release(void *kctx)
{
	struct probe_echo_cfg *c = kctx;

	free(c->tmpl);
	c->tmpl = NULL;
}

static int echo_build(void *kctx, const struct probe_req *req, uint8_t *buf,
		      size_t cap, struct probe_tx *tx)
{
	struct probe_echo_cfg *c = kctx;
	int family = req->to->sa_family;
	uint16_t seq = (uint16_t)req->pn;
	uint8_t *p = buf + WIRE_ICMP_HDR_LEN;
	struct wire_echo e;
	int n;

	if (WIRE_ICMP_HDR_LEN + c->datalen > cap)
		return -EMSGSIZE;
	/* The data is the same every time but for its first bytes: fill it
	 * once, copy it after. */
	if (!c->tmpl || c->family != family || c->tmpl_len != c->datalen) {
		free(c->tmpl);
		c->tmpl = malloc(c->datalen ? c->datalen : 1);
		if (!c->tmpl)
			return -ENOMEM;
		for (size_t i = 0; i < c->datalen; i++)
			c->tmpl[i] = data_byte(c, i);
		c->family = family;
		c->tmpl_len = c->datalen;
	}
	memcpy(p, c->tmpl, c->datalen);
	if (c->fill == PROBE_FILL_PING) {
		uint64_t tag = echo_tag(req->tag_key, wire_id(c), seq,
					req->sent_mono);
		size_t nt = probe_echo_tag_len(c);

		for (size_t i = 0; i < nt; i++)
			p[i] = (uint8_t)(tag >> (8 * i));
		if (c->datalen >= PROBE_ECHO_STAMP_LEN) {
			uint64_t us = (uint64_t)req->sent_wall / 1000u;

			for (size_t i = 0; i < 8; i++)
				p[PROBE_ECHO_TAG_LEN + i] = (uint8_t)(us >> (8 * i));
		}
	} else if (c->datalen >= 2) {
		/* seq + ~seq is constant: so is the checksum. */
		wire_put16(p, (uint16_t)~seq);
	}
	e.family = family;
	e.id = wire_id(c);
	e.seq = seq;
	e.payload = p;
	e.payload_len = c->datalen;
	n = wire_echo_build(&e, buf, cap);
	if (n < 0)
		return n;
	if (c->code)
		wire_icmp_set_code(family, buf, (size_t)n, c->code);
	tx->buf = buf;
	tx->len = (size_t)n;
	if (c->shape) {
		tx->shape.hdrincl = c->hdrincl;
		tx->shape.tos = c->tos;
		tx->shape.df = true;
		if (c->hdrincl) {
			/* A random, non-zero ID: a stack that copies it cannot
			 * be mistaken for one that counts, or sends 0. */
			do {
				if (getrandom(&tx->shape.ip_id, 2, 0) != 2)
					tx->shape.ip_id = (uint16_t)(req->sent_mono >> 10);
			} while (tx->shape.ip_id == 0);
			if (c->on_ip_id)
				c->on_ip_id(c->on_ip_id_ctx, e.id, seq,
					    tx->shape.ip_id);
		}
	}
	return 0;
}

/* ------------------------------------------------------------ parse */

static void echo_reply(const struct probe_echo_cfg *c, const struct sock *s,
		       const struct wire_icmp *m, struct probe_answer *a)
{
	struct event *ev = &a->ev;

	ev->type = EV_REPLY;
	ev->answer = EV_ANS_ECHO;
	ev->bytes = m->len;
	ev->reply_len = (int)m->len;
	ev->data = m->data;
	ev->data_len = m->data_len;
	ev->reply_code = m->code;
	ev->icmp_type = m->type;
	ev->bad_cksum = !m->cksum_ok;
	ev->truncated = m->data_len < c->datalen;
	if (s->kind == SOCK_KIND_RAW)
		ev->ident = c->id;
	a->key = m->seq;
	a->has_key = true;
	probe_set_probed_sa(a, ev->from);
}

/* An ICMP error: does it quote one of our echo requests? */
static int echo_error(const struct probe_echo_cfg *c, const struct sock *s,
		      const uint8_t *msg, const struct wire_icmp *m,
		      struct probe_answer *a)
{
	const struct wire_quote *q = &m->quote;
	struct event *ev = &a->ev;
	bool v6 = s->family == AF_INET6;

	if (!q->has_ip || !q->has_l4 ||
	    q->proto != (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP) ||
	    q->l4[0] != (v6 ? WIRE_ICMP6_ECHO : WIRE_ICMP4_ECHO))
		return -1;
	if (c->raw && wire_get16(q->l4 + 4) != c->id)
		return -1;      /* another program's probe */
	probe_error_facts(s->family, msg, m, a);
	/* Redirects and source quenches are advice, not a lost probe. */
	ev->notice = !v6 && (m->type == WIRE_ICMP4_REDIRECT ||
			     m->type == WIRE_ICMP4_SOURCEQUENCH);
	/* A corrupted error is dropped as the kernel drops it from the error
	 * queue; iputils shows advice (redirect, quench) marked instead. */
	if (ev->bad_cksum && !ev->notice) {
		ev->type = EV_FOREIGN;
		ev->foreign = EV_FOREIGN_CKSUM;
		return 0;
	}
	a->key = wire_get16(q->l4 + 6);
	a->has_key = true;
	return 0;
}

static int echo_parse(void *kctx, const struct sock *s, int role,
		      const struct sock_rx *rx, struct probe_answer *a)
{
	const struct probe_echo_cfg *c = kctx;
	const uint8_t *msg;
	struct wire_icmp m;

	(void)role;
	if (probe_read_icmp(s, rx, &m, &msg, a) < 0)
		return -1;
	if (wire_icmp_is_echo_reply(&m)) {
		if (s->kind == SOCK_KIND_RAW && m.id != c->id) {
			a->ev.type = EV_FOREIGN;
			a->ev.foreign = EV_FOREIGN_ID;
			a->ev.icmp_type = m.type;
			return 0;
		}
		echo_reply(c, s, &m, a);
		return 0;
	}
	if (wire_icmp_is_error(s->family, m.type))
		return echo_error(c, s, msg, &m, a);
	return -1;
}

static int echo_parse_errqueue(void *kctx, const struct sock *s,
			       const struct sock_rx *rx, struct probe_answer *a)
{
	(void)kctx;
	(void)s;
	/* The body is the echo request we sent; msg_name where it went. */
	if (rx->len < WIRE_ICMP_HDR_LEN)
		return -1;
	a->key = wire_get16(rx->buf + 6);
	a->has_key = true;
	probe_set_probed_sa(a, (const struct sockaddr *)&rx->from);
	return 0;
}

static bool echo_verify(void *kctx, const struct probe_rec *rec,
			const uint8_t *tag_key, struct probe_answer *a)
{
	const struct probe_echo_cfg *c = kctx;
	struct event *ev = &a->ev;
	size_t nt = probe_echo_tag_len(c), skip, n;
	uint64_t tag;

	/* Errors are matched by what they quote; a bad checksum is shown as
	 * such.  Without data there is nothing to check: a run with -s 0
	 * cannot tell a forged reply from ours (as iputils never can). */
	if (ev->type != EV_REPLY || ev->bad_cksum || c->fill != PROBE_FILL_PING)
		return true;
	if (nt) {
		if (ev->data_len < nt)
			return false;
		tag = echo_tag(tag_key, wire_id(c), (uint16_t)rec->pn,
			       rec->sent_mono);
		for (size_t i = 0; i < nt; i++)
			if (ev->data[i] != (uint8_t)(tag >> (8 * i)))
				return false;
	}
	/* Compare the data after the stamp with what we sent. */
	skip = probe_echo_skip(c);
	ev->data_skip = skip;
	n = ev->data_len < c->datalen ? ev->data_len : c->datalen;
	for (size_t i = skip; i < n; i++) {
		uint8_t want = data_byte(c, i);

		if (ev->data[i] != want) {
			ev->wrong_byte = (long)i;
			ev->wrong_expected = want;
			ev->wrong_got = ev->data[i];
			break;
		}
	}
	return true;
}

const struct probe_kind probe_echo = {
	.name = "icmp",
	.key_bits = 16,
	.method = PROBE_ICMP,  /* a trace's; ping's ICMP socket is the same kind */
	.build = echo_build,
	.parse = echo_parse,
	.parse_errqueue = echo_parse_errqueue,
	.verify = echo_verify,
	.release = echo_release,
};
