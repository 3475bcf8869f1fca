/* Inside the engine: what the sweep plan (sweep.c) and its groups
 * (sweep_group.c) share.  Not for use outside src/engine. */
#ifndef ECHOLOT_SWEEP_INT_H
#define ECHOLOT_SWEEP_INT_H

#include <stdatomic.h>
#include <stdint.h>

#include "dedup.h"
#include "engine.h"
#include "sweep.h"

struct sweep_group;

/* Run the sweep plan on e: alone (grp NULL), or as member `member` of
 * grp, whose bitmaps it shares and to which it hands its events and
 * counts.  0 or -errno. */
int sweep_run(struct engine *e, const struct sweep_cfg *cfg,
	      const struct engine_signals *sig, struct sweep_group *grp,
	      unsigned member);

/* A sweep's counts before its first probe: total probes of a pass, the
 * first of 1 + retries passes, and cfg's shard, seed and rate. */
void sweep_counts_init(struct event_sweep *st, const struct sweep_cfg *cfg,
		       uint64_t total);

/* The group's de-duplication (replied, answered by an error), for a
 * member's dedup_share. */
void sweep_group_maps(struct sweep_group *g, const struct dedup **seen,
		      const struct dedup **errd);
/* An event of a member, to the group's sinks (serialised). */
void sweep_group_emit(struct sweep_group *g, const struct event *ev);
/* A member's counts as they are now (its last: as its run ends). */
void sweep_group_publish(struct sweep_group *g, unsigned member,
			 const struct event_sweep *st);

#endif
