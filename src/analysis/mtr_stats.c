/* Per-hop statistics for `echolot mtr`, with mtr 0.95's arithmetic
 * (times in whole microseconds; jitter, its mean, worst and RFC 1889
 * interarrival estimate as mtr's net.c computes them). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mtr_stats.h"
#include "../wire/addr.h"
#include "../wire/wire.h"

void mtr_stats_init(struct mtr_stats *s, unsigned nflows)
{
	memset(s, 0, sizeof(*s));
	s->nflows = nflows < 1 ? 1 : nflows > MTR_MAX_FLOWS ? MTR_MAX_FLOWS : nflows;
	s->first_ttl = 1;
	s->max_ttl = 30;
	hist_init(&s->scratch);
}

void mtr_stats_free(struct mtr_stats *s)
{
	for (unsigned f = 0; f < MTR_MAX_FLOWS; f++)
		for (unsigned t = 0; t <= MTR_MAX_HOPS; t++) {
			struct mtr_hop *h = s->flow[f].hop[t];

			if (h)
				free(h->hist);
			free(h);
			s->flow[f].hop[t] = NULL;
		}
}

static void hop_clear(struct mtr_hop *h)
{
	struct hist *keep = h->hist;

	memset(h, 0, sizeof(*h));
	for (unsigned i = 0; i < MTR_SAVED; i++)
		h->saved[i] = MTR_SAVED_NONE;
	fp_init(&h->ttls);
	h->hist = keep;
	if (keep)
		hist_init(keep);
}

void mtr_stats_reset(struct mtr_stats *s)
{
	for (unsigned f = 0; f < MTR_MAX_FLOWS; f++) {
		s->flow[f].rounds = 0;
		for (unsigned t = 0; t <= MTR_MAX_HOPS; t++)
			if (s->flow[f].hop[t])
				hop_clear(s->flow[f].hop[t]);
	}
}

static struct mtr_hop *hop_get(struct mtr_stats *s, unsigned f, unsigned ttl)
{
	struct mtr_hop **hp = &s->flow[f].hop[ttl];

	if (!*hp) {
		*hp = malloc(sizeof(**hp));
		if (!*hp) {
			s->error = -ENOMEM;
			return NULL;
		}
		(*hp)->hist = NULL;
		hop_clear(*hp);
	}
	return *hp;
}

/* The MPLS labels of an extension structure (ICMP, RFC 4950). */
static void read_labels(struct mtr_addr *a, const uint8_t *ext, size_t len)
{
	struct wire_icmp_ext x;

	a->nlabels = 0;
	if (!ext || !len || wire_icmp_ext_parse(ext, len, &x) < 0)
		return;
	for (unsigned i = 0; i < x.nmpls && i < MTR_MAX_LABELS; i++) {
		a->labels[i].label = x.mpls[i].label;
		a->labels[i].tc = x.mpls[i].tc;
		a->labels[i].s = x.mpls[i].s;
		a->labels[i].ttl = x.mpls[i].ttl;
		a->nlabels = (uint8_t)(i + 1);
	}
}

static void remember_addr(struct mtr_hop *h, const struct mtr_addr *a)
{
	unsigned i;

	/* As mtr: a new address joins the list (while there is room), and
	 * the latest is always the one shown. */
	if (!h->has_addr || memcmp(h->addr.a, a->a, 16) != 0) {
		for (i = 0; i < h->naddrs; i++)
			if (!memcmp(h->addrs[i].a, a->a, 16))
				break;
		if (i == h->naddrs && i < MTR_MAX_ADDRS)
			h->addrs[h->naddrs++] = *a;
	}
	h->addr = *a;
	h->has_addr = true;
}

static void save(struct mtr_hop *h, int32_t v)
{
	h->saved[h->saved_at] = v;
	h->saved_at = (h->saved_at + 1) % MTR_SAVED;
}

/* The natural logarithm and its inverse, for the geometric mean, without
 * libm (echolot loads no libm at start-up: every command pays for a
 * library loaded).  Binary logarithm by repeated squaring, and 2^f as a
 * product of square roots (one instruction each): both to well within
 * the 0.1 ms the geometric mean is shown to. */
#define LN2 0.69314718055994530942

static double ln(double x)
{
	double y = 0, b = 0.5;
	int e = 0;

	if (x <= 0)
		return 0;
	while (x >= 2) {
		x /= 2;
		e++;
	}
	while (x < 1) {
		x *= 2;
		e--;
	}
	for (int i = 0; i < 40; i++, b /= 2) {
		x *= x;
		if (x >= 2) {
			x /= 2;
			y += b;
		}
	}
	return (e + y) * LN2;
}

static double expo(double v)
{
	double y = v / LN2, r = 1, root = 2;
	long n = (long)y;

	if (y < n)
		n--;
	y -= (double)n;         /* 0 <= y < 1 */
	for (int i = 0; i < 40; i++) {
		root = sqrt(root);
		y *= 2;
		if (y >= 1) {
			r *= root;
			y -= 1;
		}
	}
	for (; n > 0; n--)
		r *= 2;
	for (; n < 0; n++)
		r /= 2;
	return r;
}

/* mtr's net_process_ping, in microseconds. */
static void add_rtt(struct mtr_hop *h, int64_t us)
{
	double old;

	h->jitter = us - h->last;
	if (h->jitter < 0)
		h->jitter = -h->jitter;
	h->last = us;
	if (h->returned < 1) {
		h->best = h->worst = us;
		h->avg = h->ssd = h->javg = 0;
		h->jitter = h->jworst = h->jinta = 0;
		h->log_sum = 0;
	}
	if (us < h->best)
		h->best = us;
	if (us > h->worst)
		h->worst = us;
	if (h->jitter > h->jworst)
		h->jworst = h->jitter;
	h->returned++;
	old = h->avg;
	h->avg += ((double)us - old) / h->returned;
	h->ssd += ((double)us - old) * ((double)us - h->avg);
	h->javg += ((double)h->jitter - h->javg) / h->returned;
	/* RFC 1889 A.8, in mtr's integer form. */
	h->jinta += h->jitter - ((h->jinta + 8) >> 4);
	h->log_sum += ln(us > 0 ? (double)us : 1.0);
}

void mtr_stats_add(struct mtr_stats *s, unsigned flow, unsigned ttl,
		   const struct sockaddr *from, int64_t rtt_ns, int reply_ttl,
		   bool final, const uint8_t *ext, size_t ext_len)
{
	struct mtr_hop *h;
	struct mtr_addr a;

	if (flow >= s->nflows || ttl < 1 || ttl > MTR_MAX_HOPS)
		return;
	h = hop_get(s, flow, ttl);
	if (!h)
		return;
	h->seq = ++s->seq;
	h->xmit++;
	if (!from || rtt_ns < 0 || !wire_sa_bytes(from)) {
		h->up = false;
		save(h, MTR_SAVED_LOST);
		return;
	}
	memset(&a, 0, sizeof(a));
	wire_addr16_from(a.a, from->sa_family, wire_sa_bytes(from));
	read_labels(&a, ext, ext_len);
	remember_addr(h, &a);
	h->up = true;
	h->final = final;
	add_rtt(h, (rtt_ns + 500) / 1000);
	save(h, (int32_t)((rtt_ns + 500) / 1000 > INT32_MAX ? INT32_MAX :
			  (rtt_ns + 500) / 1000));
	if (reply_ttl >= 0)
		fp_add(&h->ttls, (uint16_t)h->xmit, reply_ttl);
	if (!h->hist) {
		h->hist = malloc(sizeof(*h->hist));
		if (h->hist)
			hist_init(h->hist);
	}
	if (h->hist)
		hist_add(h->hist, rtt_ns);
}

void mtr_stats_on_event(void *ctx, const struct event *ev)
{
	struct mtr_stats *s = ctx;
	const struct event_trace *tr = ev->trace;
	bool answered;

	if (!tr)
		return;
	if (ev->type == EV_START && tr->round == 0 && tr->flow == 0) {
		const uint8_t *b = wire_sa_bytes(tr->dst);

		s->family = tr->dst->sa_family;
		if (b)
			wire_addr16_from(s->dst, s->family, b);
		s->first_ttl = tr->first_ttl;
		s->max_ttl = tr->max_ttl;
	}
	if (ev->type == EV_END && tr->flow < s->nflows)
		s->flow[tr->flow].rounds++;
	if (ev->type != EV_PROBE)
		return;
	answered = ev->answer != EV_ANS_NONE && ev->answer != EV_ANS_LOCAL &&
		   ev->from && ev->fromlen;
	mtr_stats_add(s, tr->flow, ev->hop, answered ? ev->from : NULL,
		      answered ? ev->rtt_ns : -1, ev->ttl, ev->final,
		      ev->ext, ev->ext_len);
	if (answered && ev->hop >= 1 && ev->hop <= MTR_MAX_HOPS &&
	    s->flow[tr->flow].hop[ev->hop]) {
		struct mtr_hop *h = s->flow[tr->flow].hop[ev->hop];

		h->icmp_type = ev->icmp_type;
		h->icmp_code = ev->icmp_code;
	}
}

/* ------------------------------------------------------------- views */

unsigned mtr_flow_last(const struct mtr_stats *s, unsigned f)
{
	unsigned max = 0;

	for (unsigned t = s->first_ttl; t <= s->max_ttl && t <= MTR_MAX_HOPS; t++) {
		const struct mtr_hop *h = s->flow[f].hop[t];

		if (!h || !h->has_addr)
			continue;
		if (!memcmp(h->addr.a, s->dst, 16) || h->final)
			return t;
		max = t + 1;
	}
	return max > s->max_ttl ? s->max_ttl : max;
}

/* Do flows f and g show the same addresses at every hop up to last? */
static bool same_path(const struct mtr_stats *s, unsigned f, unsigned g,
		      unsigned last)
{
	for (unsigned t = s->first_ttl; t <= last; t++) {
		const struct mtr_hop *a = s->flow[f].hop[t], *b = s->flow[g].hop[t];
		bool ha = a && a->has_addr, hb = b && b->has_addr;

		if (ha != hb || (ha && memcmp(a->addr.a, b->addr.a, 16)))
			return false;
	}
	return true;
}

unsigned mtr_paths(const struct mtr_stats *s, struct mtr_path *out)
{
	unsigned n = 0;
	unsigned last[MTR_MAX_FLOWS];

	for (unsigned f = 0; f < s->nflows; f++)
		last[f] = mtr_flow_last(s, f);
	for (unsigned f = 0; f < s->nflows; f++) {
		unsigned i;

		for (i = 0; i < n; i++) {
			unsigned g = out[i].flows[0];

			if (last[g] == last[f] && same_path(s, f, g, last[f]))
				break;
		}
		if (i == n) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].last_ttl = last[f];
			n++;
		}
		out[i].flows[out[i].nflows++] = f;
	}
	return n;
}

/* Chan et al.'s pairwise update: the mean and squared deviations of two
 * sets from theirs. */
static void merge(struct mtr_hop *o, const struct mtr_hop *h)
{
	double n1 = o->returned, n2 = h->returned, d = h->avg - o->avg;
	unsigned i;

	if (h->seq > o->seq) {
		o->seq = h->seq;
		o->last = h->last;
		o->up = h->up;
		o->jitter = h->jitter;
		o->jinta = h->jinta;
		if (h->has_addr)
			o->addr = h->addr;
	}
	if (h->returned && (!o->returned || h->best < o->best))
		o->best = h->best;
	if (h->returned && (!o->returned || h->worst > o->worst))
		o->worst = h->worst;
	if (h->jworst > o->jworst)
		o->jworst = h->jworst;
	if (n1 + n2 > 0) {
		o->avg += d * n2 / (n1 + n2);
		o->ssd += h->ssd + d * d * n1 * n2 / (n1 + n2);
		o->javg = (o->javg * n1 + h->javg * n2) / (n1 + n2);
	}
	o->log_sum += h->log_sum;
	o->xmit += h->xmit;
	o->returned += h->returned;
	o->final |= h->final;
	o->has_addr |= h->has_addr;
	for (unsigned k = 0; k < h->naddrs; k++) {
		for (i = 0; i < o->naddrs; i++)
			if (!memcmp(o->addrs[i].a, h->addrs[k].a, 16))
				break;
		if (i == o->naddrs && i < MTR_MAX_ADDRS)
			o->addrs[o->naddrs++] = h->addrs[k];
	}
}

bool mtr_row(const struct mtr_stats *s, const struct mtr_path *p, unsigned ttl,
	     struct mtr_hop *out)
{
	bool any = false;

	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < MTR_SAVED; i++)
		out->saved[i] = MTR_SAVED_NONE;
	fp_init(&out->ttls);
	if (ttl < 1 || ttl > MTR_MAX_HOPS)
		return false;
	for (unsigned i = 0; i < p->nflows; i++) {
		const struct mtr_hop *h = s->flow[p->flows[i]].hop[ttl];

		if (!h)
			continue;
		if (!any) {
			/* The first flow's strip and TTLs stand for the path. */
			*out = *h;
			out->hist = NULL;
			any = true;
			continue;
		}
		merge(out, h);
	}
	return any;
}

void mtr_percentiles(struct mtr_stats *s, const struct mtr_path *p,
		     unsigned ttl, const double *pct, double *ms, unsigned n)
{
	const struct hist *one = NULL;
	unsigned with = 0;

	for (unsigned i = 0; i < n; i++)
		ms[i] = -1;
	if (ttl < 1 || ttl > MTR_MAX_HOPS)
		return;
	for (unsigned i = 0; i < p->nflows; i++) {
		const struct mtr_hop *h = s->flow[p->flows[i]].hop[ttl];

		if (h && h->hist && h->hist->count) {
			one = h->hist;
			with++;
		}
	}
	if (!with)
		return;
	if (with > 1) {
		/* Several flows on one path: their buckets added up. */
		hist_init(&s->scratch);
		for (unsigned i = 0; i < p->nflows; i++) {
			const struct mtr_hop *h = s->flow[p->flows[i]].hop[ttl];

			if (!h || !h->hist || !h->hist->count)
				continue;
			for (size_t b = 0; b < HIST_NBUCKETS; b++)
				s->scratch.bucket[b] += h->hist->bucket[b];
			if (!s->scratch.count || h->hist->min_ns < s->scratch.min_ns)
				s->scratch.min_ns = h->hist->min_ns;
			if (!s->scratch.count || h->hist->max_ns > s->scratch.max_ns)
				s->scratch.max_ns = h->hist->max_ns;
			s->scratch.count += h->hist->count;
		}
		one = &s->scratch;
	}
	for (unsigned i = 0; i < n; i++)
		ms[i] = (double)hist_percentile(one, pct[i]) / 1e6;
}

double mtr_loss(const struct mtr_hop *h)
{
	if (!h->xmit)
		return 0;
	/* mtr: an int of 1000 x the percentage, truncated. */
	return (int)(1000 * (100 - 100.0 * h->returned / h->xmit)) / 1000.0;
}

double mtr_gmean(const struct mtr_hop *h)
{
	return h->returned ? expo(h->log_sum / h->returned) : 0;
}

double mtr_stdev(const struct mtr_hop *h)
{
	return h->returned > 1 ? sqrt(h->ssd / (h->returned - 1.0)) : 0;
}

int32_t mtr_saved(const struct mtr_hop *h, unsigned i)
{
	if (i >= MTR_SAVED)
		return MTR_SAVED_NONE;
	return h->saved[(h->saved_at + MTR_SAVED - 1 - i) % MTR_SAVED];
}

void mtr_os(const struct mtr_hop *h, unsigned ttl, struct fp_verdict *v)
{
	fp_verdict(&h->ttls, ttl >= 1 ? (int)ttl - 1 : -1, v);
}
