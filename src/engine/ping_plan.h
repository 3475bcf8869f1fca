/* The ping plan: every target probed at its interval, as iputils paces
 * its one target (a token bucket of `preload` probes, flood, adaptive),
 * for ping, fping, the exporter and echolot os's steps. */
#ifndef ECHOLOT_PING_PLAN_H
#define ECHOLOT_PING_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"

struct ping_plan_cfg {
	int64_t interval_ns;    /* between probes to a target; 0: flood */
	uint64_t count;         /* per target; 0: until stopped (-c) */
	const uint64_t *counts; /* each target's own count instead (echolot
	                           os: echo requests and its signal probes in
	                           one run); NULL: count */
	int64_t deadline_ns;    /* 0: none (-w) */
	int64_t linger_ns;      /* after the last probe, when no reply came
	                           (-W; 0: for ever) */
	int64_t timeout_ns;     /* give a probe up after this and emit
	                           EV_TIMEOUT (fping, the exporter); 0: never,
	                           as iputils, whose late replies count */
	unsigned preload;       /* probes sent at once at the start (-l) */
	int ttl;                /* every probe's TTL / hop limit, 0: the
	                           socket's */
	bool adaptive;          /* -A */
	bool report_outstanding;/* -O */
	bool min_user_interval; /* not privileged: -A has a floor */
	bool broadcast;         /* -b: replies come from many hosts */
};

/* Run the plan over every target of e.  0 or -errno. */
int engine_run_ping(struct engine *e, const struct ping_plan_cfg *cfg,
		    const struct engine_signals *sig);

#endif
