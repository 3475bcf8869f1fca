/* A log-linear histogram of times; see hist.h for its precision. */
#include <string.h>

#include "hist.h"

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

static unsigned msb(uint64_t v)         /* v > 0 */
{
	return 63u - (unsigned)__builtin_clzll(v);
}

size_t hist_index(int64_t ns)
{
	uint64_t v = ns > 0 ? (uint64_t)ns : 0;
	unsigned k, shift;

	if (v < HIST_SUB)
		return (size_t)v;
	k = msb(v);
	if (k >= HIST_MAX_BITS)
		return HIST_NBUCKETS - 1;
	/* Octave k (>= 7) is bucket group k - 6; within it, the 7 bits
	 * below the leading one pick the bucket. */
	shift = k - HIST_SUB_BITS;
	return (size_t)(k - HIST_SUB_BITS + 1) * HIST_SUB +
	       (size_t)((v >> shift) - HIST_SUB);
}

int64_t hist_bucket_low(size_t i)
{
	size_t group = i / HIST_SUB, sub = i % HIST_SUB;

	if (group == 0)
		return (int64_t)i;
	return (int64_t)((HIST_SUB + sub) << (group - 1));
}

int64_t hist_bucket_high(size_t i)
{
	size_t group = i / HIST_SUB;

	if (group == 0)
		return (int64_t)i;
	return hist_bucket_low(i) + ((int64_t)1 << (group - 1)) - 1;
}

void hist_add(struct hist *h, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	if (h->count == 0 || ns < h->min_ns)
		h->min_ns = ns;
	if (h->count == 0 || ns > h->max_ns)
		h->max_ns = ns;
	h->count++;
	h->bucket[hist_index(ns)]++;
}

void hist_update(struct hist *h, const struct event *ev)
{
	if (ev->type == EV_REPLY && !ev->bad_cksum && !ev->bad_tag && ev->has_rtt)
		hist_add(h, ev->rtt_ns);
}

void hist_on_event(void *ctx, const struct event *ev)
{
	hist_update(ctx, ev);
}

int64_t hist_percentile(const struct hist *h, double p)
{
	uint64_t rank, seen = 0;
	double r;
	int64_t v;

	if (h->count == 0)
		return -1;
	if (!(p > 0))           /* also NaN */
		return h->min_ns;
	if (p >= 100)
		return h->max_ns;
	/* Nearest rank: ceil(p/100 * n), at least 1. */
	r = p / 100.0 * (double)h->count;
	rank = (uint64_t)r;
	if ((double)rank < r)
		rank++;
	if (rank < 1)
		rank = 1;
	for (size_t i = 0; i < HIST_NBUCKETS; i++) {
		seen += h->bucket[i];
		if (seen < rank)
			continue;
		v = hist_bucket_low(i) + (hist_bucket_high(i) - hist_bucket_low(i) + 1) / 2;
		if (v < h->min_ns)
			v = h->min_ns;
		if (v > h->max_ns)
			v = h->max_ns;
		return v;
	}
	return h->max_ns;
}
