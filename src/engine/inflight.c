/* The in-flight ring (inflight.h). */
#include <errno.h>
#include <stdlib.h>

#include "inflight.h"

int inflight_init(struct inflight *r, uint32_t n)
{
	uint32_t size = INFLIGHT_MIN;

	while (size < n && size < (1u << 30))
		size <<= 1;
	r->recs = calloc(size, sizeof(*r->recs));
	if (!r->recs)
		return -ENOMEM;
	r->mask = size - 1;
	r->oldest = 0;
	r->any = false;
	return 0;
}

void inflight_free(struct inflight *r)
{
	free(r->recs);
	r->recs = NULL;
}

void inflight_expire(struct inflight *r, uint32_t newest, int64_t cutoff,
		     void (*cb)(void *ctx, struct probe_rec *rec), void *ctx)
{
	if (!r->any)
		return;
	/* Only the last ring's worth can still be live.  A signed distance:
	 * once everything is settled oldest is newest + 1, one ahead, which
	 * the unsigned one took for 2^32 - 1 behind (and walked the whole
	 * ring at every call). */
	if ((int32_t)(newest - r->oldest) > (int32_t)r->mask)
		r->oldest = newest - r->mask;
	for (; r->oldest != newest + 1; r->oldest++) {
		struct probe_rec *rec = &r->recs[r->oldest & r->mask];

		if (rec->pn != r->oldest || !(rec->flags & PROBE_REC_LIVE))
			continue;       /* answered, or never sent */
		if (rec->sent_mono > cutoff)
			break;
		inflight_set_live(r, rec, false);
		rec->flags |= PROBE_REC_EXPIRED;
		cb(ctx, rec);
	}
}
