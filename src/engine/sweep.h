/* The sweep plan: a target set (tset.h) walked once in a seeded
 * permutation, then again over the addresses that did not answer (the
 * retries), at the engine's global rate, with stateless probes
 * (probe_sweep.c): memory holds a bit per address for the responders and
 * one for the addresses an ICMP error answered, nothing per probe.
 * Events: EV_START, EV_REPLY (each responder once), EV_ERROR (each
 * address a router's error answered, once), EV_LOCAL_ERROR (a send the
 * kernel refused), EV_FOREIGN (answers not credited), EV_STATUS (every
 * status_ns), EV_END; each carries the counts (event.sweep). */
#ifndef ECHOLOT_SWEEP_H
#define ECHOLOT_SWEEP_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "tset.h"

struct sweep_cfg {
	const struct tset *set;         /* finished */
	uint64_t seed;
	uint32_t shard, shards;         /* 0 of 1: the whole set */
	unsigned retries;               /* passes after the first */
	int64_t wait_ns;                /* after the last probe; also the
	                                   least time between the starts of
	                                   two passes */
	int64_t status_ns;              /* EV_STATUS this often, 0: never */
	int sock4, sock6;               /* engine sockets, -1: none */
	double rate_pps;                /* the engine's, for the events */
};

/* 0 or -errno (-ENOMEM, -EINVAL: a bad shard or a family without its
 * socket). */
int engine_run_sweep(struct engine *e, const struct sweep_cfg *cfg,
		     const struct engine_signals *sig);

/* What the bitmaps cost for a set of n addresses, bytes. */
uint64_t sweep_state_bytes(uint64_t n);

#endif
