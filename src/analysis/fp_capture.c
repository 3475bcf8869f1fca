/* `echolot os --read`: per-host records from captured ICMP. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fp_capture.h"

int fp_capture_init(struct fp_capture *c)
{
	memset(c, 0, sizeof(*c));
	c->hosts = calloc(FP_CAP_MAX_HOSTS, sizeof(*c->hosts));
	return c->hosts ? 0 : -ENOMEM;
}

void fp_capture_free(struct fp_capture *c)
{
	free(c->hosts);
	c->hosts = NULL;
	c->nhosts = 0;
}

static size_t alen(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static struct fp_cap_host *host(struct fp_capture *c, int family,
				const uint8_t *addr, bool add)
{
	struct fp_cap_host *h;

	for (size_t i = 0; i < c->nhosts; i++) {
		h = &c->hosts[i];
		if (h->family == family && !memcmp(h->addr, addr, alen(family)))
			return h;
	}
	if (!add)
		return NULL;
	if (c->nhosts >= FP_CAP_MAX_HOSTS) {
		c->dropped_hosts++;
		return NULL;
	}
	h = &c->hosts[c->nhosts++];
	memset(h, 0, sizeof(*h));
	h->family = family;
	memcpy(h->addr, addr, alen(family));
	fp_init(&h->fp);
	h->reach_min = 256;
	h->code_sent = h->code_got = -1;
	h->tos_sent = h->tos_got = -1;
	return h;
}

/* The newest request to h with this identifier and sequence. */
static const struct fp_cap_req *request(const struct fp_cap_host *h,
					uint16_t id, uint16_t seq)
{
	for (unsigned k = 1; k <= FP_CAP_RING; k++) {
		const struct fp_cap_req *r = &h->ring[(h->next - k) % FP_CAP_RING];

		if (r->used && r->id == id && r->seq == seq)
			return r;
	}
	return NULL;
}

static void on_request(struct fp_capture *c, const struct wire_pkt *p,
		       const struct wire_icmp *m)
{
	struct fp_cap_host *h = host(c, p->family, p->dst, true);
	struct fp_cap_req *r;

	if (!h)
		return;
	h->requests++;
	r = &h->ring[h->next++ % FP_CAP_RING];
	r->used = true;
	r->id = m->id;
	r->seq = m->seq;
	r->ttl = p->ttl;
	r->tos = p->tos;
	r->code = m->code;
	r->ip_id = p->id;
	r->df = p->df;
}

static void on_reply(struct fp_capture *c, const struct wire_pkt *p,
		     const struct wire_icmp *m)
{
	struct fp_cap_host *h = host(c, p->family, p->src, true);
	const struct fp_cap_req *r;

	if (!h)
		return;
	h->replies++;
	h->fp.family = p->family;
	fp_add(&h->fp, m->seq, p->ttl);
	r = request(h, m->id, m->seq);
	if (!r)
		return;
	if (r->ttl < h->reach_min)
		h->reach_min = r->ttl;
	if (p->family == AF_INET && h->nids < FP_CAP_IDS) {
		h->ids_sent[h->nids] = r->ip_id;
		h->ids_got[h->nids++] = p->id;
	}
	if (p->family == AF_INET && r->df) {
		if (p->df)
			h->df_set++;
		else
			h->df_clear++;
	}
	if (r->code) {
		if (h->code_got >= 0 && (h->code_got != m->code || h->code_sent != r->code))
			h->code_mixed = true;
		h->code_sent = r->code;
		h->code_got = m->code;
	}
	h->tos_sent = r->tos;
	h->tos_got = p->tos;
}

static void on_exceeded(struct fp_capture *c, const struct wire_pkt *p,
			const struct wire_icmp *m)
{
	const struct wire_quote *q = &m->quote;
	uint8_t echo = p->family == AF_INET6 ? WIRE_ICMP6_ECHO : WIRE_ICMP4_ECHO;
	const void *dst = p->family == AF_INET6 ? (const void *)&q->dst6 :
						  (const void *)&q->dst4;
	struct fp_cap_host *h;
	const struct fp_cap_req *r;

	if (!q->has_ip || !q->has_l4 || q->l4[0] != echo)
		return;
	h = host(c, p->family, dst, false);
	if (!h)
		return;
	r = request(h, (uint16_t)(q->l4[4] << 8 | q->l4[5]),
		    (uint16_t)(q->l4[6] << 8 | q->l4[7]));
	h->errors++;
	if (r && r->ttl > h->fail_max) {
		h->fail_max = r->ttl;
		memcpy(h->at, p->src, alen(p->family));
		h->has_at = true;
	}
}

void fp_capture_add(struct fp_capture *c, const struct wire_pkt *p)
{
	struct wire_icmp m;
	bool v6 = p->family == AF_INET6;
	struct fp_cap_host *h;

	c->packets++;
	if (!p->first_frag || p->proto != (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP) ||
	    wire_icmp_parse(p->family, p->l4, p->l4_len, &m) < 0)
		return;
	c->icmp++;
	if (m.type == (v6 ? WIRE_ICMP6_ECHO : WIRE_ICMP4_ECHO)) {
		on_request(c, p, &m);
	} else if (m.type == (v6 ? WIRE_ICMP6_ECHOREPLY : WIRE_ICMP4_ECHOREPLY)) {
		on_reply(c, p, &m);
	} else if (m.type == (v6 ? WIRE_ICMP6_TIMXCEED : WIRE_ICMP4_TIMXCEED)) {
		on_exceeded(c, p, &m);
	} else if (!v6 && m.type == WIRE_ICMP4_TSTAMP) {
		h = host(c, p->family, p->dst, true);
		if (h)
			h->ts_req++;
	} else if (!v6 && m.type == WIRE_ICMP4_TSTAMPREPLY) {
		h = host(c, p->family, p->src, true);
		if (h)
			h->ts_rep++;
	}
}

int fp_capture_hops(const struct fp_cap_host *h)
{
	if (h->reach_min > 255)
		return -1;
	if (h->reach_min == 1)
		return 0;
	return h->fail_max == h->reach_min - 1 ? h->fail_max : -1;
}

void fp_capture_signals(const struct fp_cap_host *h, struct fp_signals *s)
{
	fp_signals_init(s);
	if (h->code_got >= 0 && !h->code_mixed) {
		s->code_sent = h->code_sent;
		s->code_got = h->code_got;
		s->code = h->code_got == h->code_sent ? FP_CODE_ECHOED :
			  h->code_got == 0 ? FP_CODE_ZEROED : FP_CODE_UNKNOWN;
	}
	s->ipseq = fp_ipid_pattern(h->ids_sent, h->ids_got, h->nids);
	if (h->df_set + h->df_clear >= 2 && (!h->df_set || !h->df_clear))
		s->df_on_df = h->df_set > 0;
	s->tos_sent = h->tos_sent;
	s->tos_got = h->tos_got;
	if (h->ts_req)
		s->timestamp = h->ts_rep ? FP_ANSWER_YES : FP_ANSWER_NO;
}
