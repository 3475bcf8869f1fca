/* The ICMPv6 Node Information kind (ping6 -N, RFC 4620): a query (type
 * 139) about a subject (the target's address, another address or a
 * name), answered by a reply (type 140: code 0 success, 1 refused, 2
 * unknown qtype) that carries the query's nonce back.
 *
 * The nonce is the probe's key and tag: its first two bytes the sequence
 * number (the low 16 bits of the probe's number, where iputils puts its
 * own), its other six a SipHash under the run's key over that number and
 * the send time.  A reply is found in the in-flight ring by the first
 * two, and is the probe's only if it carries the other six: one whose
 * nonce was altered is shown and counted as corrupted (as a forged echo
 * reply is), never received.  ICMP errors quoting a query are matched by
 * the nonce they quote.
 *
 * Events: an NI reply is EV_REPLY with icmp_type 140, reply_code its
 * code and data the whole NI message, which the reporter reads with
 * wire_ni_parse (report/ni_text.c). */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#include "engine_int.h"
#include "probe_int.h"
#include "../wire/bytes.h"
#include "../wire/ni.h"
#include "../wire/wire.h"

#define NI_TAG_LEN (WIRE_NI_NONCE_LEN - 2)

static void ni_nonce(const uint8_t *key, uint16_t seq, int64_t sent_mono,
		     uint8_t nonce[WIRE_NI_NONCE_LEN])
{
	/* "ni" first: never the same message as an echo probe's tag. */
	uint8_t msg[12] = { 'n', 'i' };
	uint64_t tag;

	wire_put16(msg + 2, seq);
	for (int i = 0; i < 8; i++)
		msg[4 + i] = (uint8_t)((uint64_t)sent_mono >> (8 * i));
	tag = wire_siphash24(key, msg, sizeof(msg));
	wire_put16(nonce, seq);
	for (int i = 0; i < NI_TAG_LEN; i++)
		nonce[2 + i] = (uint8_t)(tag >> (8 * i));
}

static int ni_build(void *kctx, const struct probe_req *req, uint8_t *buf,
		    size_t cap, struct probe_tx *tx)
{
	const struct probe_ni_cfg *c = kctx;
	struct wire_ni_query q;
	int n;

	if (req->to->sa_family != AF_INET6)
		return -EAFNOSUPPORT;
	memset(&q, 0, sizeof(q));
	q.qtype = c->qtype;
	q.flags = c->flags;
	if (c->subject) {
		q.code = c->code;
		q.subject = c->subject;
		q.subject_len = c->subject_len;
	} else {
		q.code = WIRE_NI_SUBJ_IPV6;
		q.subject = ((const struct sockaddr_in6 *)req->to)->sin6_addr.s6_addr;
		q.subject_len = 16;
	}
	ni_nonce(req->tag_key, (uint16_t)req->pn, req->sent_mono, q.nonce);
	n = wire_ni_query_build(&q, buf, cap);
	if (n < 0)
		return n;
	tx->buf = buf;
	tx->len = (size_t)n;
	return 0;
}

/* An ICMP error: does it quote one of our queries?  Its key is the
 * quoted nonce's sequence; the rest of the nonce, when quoted, goes to
 * verify as the answer's cookie. */
static int ni_error(const struct sock *s, const uint8_t *msg,
		    const struct wire_icmp *m, struct probe_answer *a)
{
	const struct wire_quote *q = &m->quote;
	const uint8_t *inner;
	size_t avail;

	if (!q->has_ip || !q->has_l4 || q->proto != IPPROTO_ICMPV6 ||
	    q->l4[0] != WIRE_ICMP6_NI_QUERY)
		return -1;
	inner = m->data + q->l4_off;
	avail = q->len - q->l4_off;
	if (avail < 10)
		return -1;      /* no sequence: nothing says it is ours */
	probe_error_facts(s->family, msg, m, a);
	a->key = wire_get16(inner + 8);
	a->has_key = true;
	if (avail >= WIRE_NI_HDR_LEN) {
		a->has_cookie = true;
		for (int i = 0; i < NI_TAG_LEN; i++)
			a->cookie |= (uint64_t)inner[10 + i] << (8 * i);
	}
	return 0;
}

static int ni_parse(void *kctx, const struct sock *s, int role,
		    const struct sock_rx *rx, struct probe_answer *a)
{
	const struct probe_ni_cfg *c = kctx;
	struct event *ev = &a->ev;
	const uint8_t *msg;
	struct wire_icmp m;
	struct wire_ni ni;

	(void)role;
	if (probe_read_icmp(s, rx, &m, &msg, a) < 0)
		return -1;
	if (wire_icmp_is_error(s->family, m.type))
		return ni_error(s, msg, &m, a);
	if (m.type != WIRE_ICMP6_NI_REPLY)
		return -1;
	ev->icmp_type = m.type;
	if (wire_ni_parse(msg, m.len, &ni) < 0) {
		/* Too short for its header: no nonce, nobody's answer. */
		ev->type = EV_FOREIGN;
		ev->foreign = EV_FOREIGN_OTHER;
		return 0;
	}
	ev->type = EV_REPLY;
	ev->answer = EV_ANS_ECHO;       /* the host's own answer */
	ev->bytes = m.len;
	ev->reply_len = (int)m.len;
	ev->reply_code = ni.code;
	ev->data = msg;                 /* the whole NI message */
	ev->data_len = m.len;
	ev->ident = c->ident;
	a->key = ni.seq;
	a->has_key = true;
	probe_set_probed_sa(a, ev->from);
	return 0;
}

static bool ni_verify(void *kctx, const struct probe_rec *rec,
		      const uint8_t *tag_key, struct probe_answer *a)
{
	const struct event *ev = &a->ev;
	uint8_t want[WIRE_NI_NONCE_LEN];
	uint64_t tag = 0;

	(void)kctx;
	ni_nonce(tag_key, (uint16_t)rec->pn, rec->sent_mono, want);
	if (ev->type == EV_REPLY)
		return ev->data_len >= WIRE_NI_HDR_LEN &&
		       !memcmp(ev->data + 8, want, WIRE_NI_NONCE_LEN);
	if (!a->has_cookie)
		return true;    /* a quote too short for the tag */
	for (int i = 0; i < NI_TAG_LEN; i++)
		tag |= (uint64_t)want[2 + i] << (8 * i);
	return a->cookie == tag;
}

const struct probe_kind probe_ni = {
	.name = "ni",
	.key_bits = 16,
	.method = -1,           /* one ICMPv6 socket, ping's */
	.build = ni_build,
	.parse = ni_parse,
	.verify = ni_verify,
};
