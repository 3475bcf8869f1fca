/* Plans: the schedule of a command, as a table of functions the loop
 * calls (loop.c).  A plan says which probe is due and when, and turns
 * what the engine matched into the command's events; it never touches a
 * socket or a clock of its own.
 *   ping_plan.c   per-target intervals (ping, fping, the exporter,
 *                 echolot os's steps), iputils' pacing
 *   trace.c       hops x queries with a window in flight, settled in hop
 *                 order, in rounds (traceroute, --report, mtr)
 *   sweep.c       a target set walked once (or more) in a permutation
 * Internal to src/engine; commands use the constructors in ping_plan.h,
 * trace.h and sweep.h. */
#ifndef ECHOLOT_PLAN_H
#define ECHOLOT_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "probe.h"

struct engine;

/* plan->next's answer besides a wait in ns (> 0) or 0 (req filled: send
 * it now). */
#define PLAN_DONE (-1)

struct engine_plan {
	const char *name;
	/* Before the first probe: EV_START. */
	void (*start)(void *p, struct engine *e, int64_t now);
	/* What is due at now: 0 with req filled (its target, ttl, pn: 0 for
	 * the engine's count, tseq), the ns until something may be due, or
	 * PLAN_DONE.  Also where a plan gives up probes and ends targets. */
	int64_t (*next)(void *p, struct engine *e, int64_t now,
			struct probe_req *req);
	/* A failed send is tried once more, after the error queue was read
	 * (an ICMP error that an earlier probe raised fails one send on a
	 * socket with IP_RECVERR). */
	bool retry_send;
	/* Read every socket after each send, before the next one is asked
	 * for (a trace: the destination's answer stops the probes beyond). */
	bool read_after_send;
	/* req went out (rec) or failed (rec NULL, err -errno). */
	void (*sent)(void *p, struct engine *e, const struct probe_req *req,
		     struct probe_rec *rec, int err);
	/* An answer the engine matched to rec (a->ev has the probe's facts and
	 * the RTT), or one it could not credit (rec NULL, a->ev.type
	 * EV_FOREIGN). */
	void (*answer)(void *p, struct engine *e, struct probe_rec *rec,
		       struct probe_answer *a);
	/* The kernel's own error about a send (error queue, local origin):
	 * rec is the probe whose send failed, when known. */
	void (*local_error)(void *p, struct engine *e, struct probe_rec *rec,
			    int err, uint32_t info);
	/* SIGQUIT (may be NULL). */
	void (*status)(void *p, struct engine *e);
	/* The run is over (err: 0 or the -errno that ended it): EV_END. */
	void (*end)(void *p, struct engine *e, int err);
};

#endif
