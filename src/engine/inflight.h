/* Probes in flight: one ring for the whole engine, indexed by the probe's
 * number (pn & mask), sized by rate x the longest wait.  A record stays
 * until its slot is taken again, so a duplicate or a late answer is still
 * recognised as one.  Finding a probe is one index and one compare. */
#ifndef ECHOLOT_INFLIGHT_H
#define ECHOLOT_INFLIGHT_H

#include <stdbool.h>
#include <stdint.h>

#include "probe.h"

#define INFLIGHT_MIN 1024

struct inflight {
	struct probe_rec *recs;
	uint32_t mask;
	uint32_t oldest;        /* expiry: no live probe before this pn */
	uint32_t live;          /* records marked PROBE_REC_LIVE */
	bool any;               /* a probe was sent (oldest is valid) */
};

/* At least n records (a power of two, at least INFLIGHT_MIN).  0 or
 * -ENOMEM. */
int inflight_init(struct inflight *r, uint32_t n);
void inflight_free(struct inflight *r);

static inline uint32_t inflight_size(const struct inflight *r)
{
	return r->mask + 1;
}

/* The slot pn goes in; it may still hold an older probe. */
static inline struct probe_rec *inflight_slot(struct inflight *r, uint32_t pn)
{
	return &r->recs[pn & r->mask];
}

/* rec goes out (live) or is settled (answered, given up, or its send
 * failed): the ring counts the probes out. */
static inline void inflight_set_live(struct inflight *r, struct probe_rec *rec,
				     bool live)
{
	bool was = rec->flags & PROBE_REC_LIVE;

	if (live && !was) {
		rec->flags |= PROBE_REC_LIVE;
		r->live++;
	} else if (!live && was) {
		rec->flags &= (uint16_t)~PROBE_REC_LIVE;
		r->live--;
	}
}

/* The record of probe pn while the ring remembers it, else NULL. */
static inline struct probe_rec *inflight_find(struct inflight *r, uint32_t pn)
{
	struct probe_rec *rec = &r->recs[pn & r->mask];

	return rec->flags && rec->pn == pn ? rec : NULL;
}

/* The probe number whose low `bits` bits are key, nearest to newest (an
 * answer is never 2^(bits-1) probes old while its probe is remembered:
 * the ring is no larger than that). */
static inline uint32_t inflight_unwrap(uint32_t newest, uint32_t key,
				       unsigned bits)
{
	uint32_t m;

	if (bits >= 32)
		return key;
	m = (1u << bits) - 1;
	return newest - ((newest - key) & m);
}

/* Give up, oldest first, every live probe up to newest that was sent at
 * or before cutoff: each is marked expired and handed to cb.  For plans
 * whose probes share one wait and go out in pn order. */
void inflight_expire(struct inflight *r, uint32_t newest, int64_t cutoff,
		     void (*cb)(void *ctx, struct probe_rec *rec), void *ctx);

#endif
