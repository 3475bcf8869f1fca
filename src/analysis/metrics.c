/* A monitor's numbers per target (metrics.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "fp.h"
#include "metrics.h"
#include "../wire/addr.h"
#include "../wire/timeconv.h"

int metrics_init(struct metrics *m, const double *bounds, unsigned n)
{
	memset(m, 0, sizeof(*m));
	if (n == 0 || n > METRICS_MAX_BUCKETS)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++) {
		if (!(bounds[i] == bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1]))
			return -EINVAL;         /* NaN, or not ascending */
		m->bounds[i] = bounds[i];
	}
	m->nbounds = n;
	return 0;
}

void metrics_free(struct metrics *m)
{
	if (m->t)
		for (uint32_t i = 0; i < m->cap; i++)
			free(m->t[i].errs);
	free(m->t);
	free(m->hist);
	m->t = NULL;
	m->hist = NULL;
	m->cap = 0;
}

int metrics_reserve(struct metrics *m, uint32_t n)
{
	struct metrics_target *t;
	uint64_t *h;
	uint32_t cap = m->cap ? m->cap : 64;
	size_t row = m->nbounds + 1;

	if (n <= m->cap)
		return 0;
	while (cap < n)
		cap = cap > UINT32_MAX / 2 ? n : cap * 2;
	t = realloc(m->t, (size_t)cap * sizeof(*t));
	if (!t)
		return -ENOMEM;
	memset(t + m->cap, 0, (size_t)(cap - m->cap) * sizeof(*t));
	for (uint32_t i = m->cap; i < cap; i++)
		t[i].last_ttl = t[i].initial_ttl = -1;
	m->t = t;
	h = realloc(m->hist, (size_t)cap * row * sizeof(*h));
	if (!h)
		return -ENOMEM;
	memset(h + (size_t)m->cap * row, 0, (size_t)(cap - m->cap) * row * sizeof(*h));
	m->hist = h;
	m->cap = cap;
	return 0;
}

static void reset(struct metrics *m, uint32_t ti)
{
	struct metrics_target *t = &m->t[ti];

	free(t->errs);
	memset(t, 0, sizeof(*t));
	t->last_ttl = t->initial_ttl = -1;
	memset(&m->hist[(size_t)ti * (m->nbounds + 1)], 0,
	       (m->nbounds + 1) * sizeof(*m->hist));
}

/* The bucket of v: the first whose upper bound is >= v (Prometheus' le). */
static unsigned bucket(const struct metrics *m, double v)
{
	unsigned lo = 0, hi = m->nbounds;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (m->bounds[mid] >= v)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void on_reply(struct metrics *m, uint32_t ti, const struct event *ev)
{
	struct metrics_target *t = &m->t[ti];
	double s;

	if (ev->bad_tag || ev->bad_cksum) {
		t->forged++;
		return;
	}
	if (ev->dup) {
		t->dups++;
		return;
	}
	if (ev->late) {
		t->late++;
		return;
	}
	t->received++;
	s = ev->has_rtt ? (double)ev->rtt_ns / (double)NSEC : 0.0;
	t->rtt_sum += s;
	m->hist[(size_t)ti * (m->nbounds + 1) + bucket(m, s)]++;
	if (ev->ttl >= 0 && ev->ttl <= 255 && ev->ttl != t->last_ttl) {
		/* The fingerprint's verdict on this one TTL (which weighs
		 * 60 against 64, and 32's rarity), when it changes. */
		struct fp f;
		struct fp_verdict v;

		fp_init(&f);
		fp_add(&f, 0, ev->ttl);
		fp_verdict(&f, -1, &v);
		t->last_ttl = (int16_t)ev->ttl;
		t->initial_ttl = (int16_t)v.initial;
	}
}

static void on_error(struct metrics *m, uint32_t ti, const struct event *ev)
{
	struct metrics_target *t = &m->t[ti];
	uint8_t router[16] = { 0 };
	const uint8_t *b = ev->from ? wire_sa_bytes(ev->from) : NULL;
	int family = b ? ev->from->sa_family : 0;

	t->icmp_errors++;
	if (b)
		wire_addr16_from(router, family, b);
	for (unsigned i = 0; i < t->nerrs; i++) {
		struct metrics_err *e = &t->errs[i];

		if (e->family == family && e->type == ev->icmp_type &&
		    e->code == ev->icmp_code && !memcmp(e->router, router, 16)) {
			e->count++;
			return;
		}
	}
	if (!t->errs)
		t->errs = calloc(METRICS_MAX_ERRS, sizeof(*t->errs));
	if (!t->errs || t->nerrs == METRICS_MAX_ERRS) {
		t->errs_other++;        /* a flood of routers is bounded */
		return;
	}
	t->errs[t->nerrs++] = (struct metrics_err){
		.family = (uint8_t)family, .type = ev->icmp_type,
		.code = ev->icmp_code, .count = 1,
	};
	memcpy(t->errs[t->nerrs - 1].router, router, 16);
}

void metrics_on_event(void *ctx, const struct event *ev)
{
	struct metrics *m = ctx;
	uint32_t ti = ev->target;

	if (ev->type == EV_FOREIGN) {
		if ((unsigned)ev->foreign < sizeof(m->foreign) / sizeof(m->foreign[0]))
			m->foreign[ev->foreign]++;
		return;
	}
	if (ev->type == EV_START) {
		if (metrics_reserve(m, ti + 1) == 0)
			reset(m, ti);
		return;
	}
	if (ti >= m->cap)
		return;
	switch (ev->type) {
	case EV_SENT:
		m->t[ti].sent++;
		break;
	case EV_REPLY:
		on_reply(m, ti, ev);
		break;
	case EV_TIMEOUT:
		m->t[ti].lost++;
		break;
	case EV_ERROR:
		on_error(m, ti, ev);
		break;
	case EV_LOCAL_ERROR:
		m->t[ti].send_errors++;
		break;
	default:
		break;
	}
}

const struct metrics_target *metrics_target(const struct metrics *m, uint32_t ti)
{
	return ti < m->cap ? &m->t[ti] : NULL;
}

const uint64_t *metrics_hist(const struct metrics *m, uint32_t ti)
{
	return ti < m->cap ? &m->hist[(size_t)ti * (m->nbounds + 1)] : NULL;
}
