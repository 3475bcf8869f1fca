/* The sweep plan: a target set (tset.h) walked once in a seeded
 * permutation, then again over the addresses that did not answer (the
 * retries), at the engine's global rate, with stateless probes
 * (probe_sweep.c): memory holds a bit per address for the responders and
 * one for the addresses an ICMP error answered (or, past 2^27 addresses,
 * a window over the last answers: dedup.h), nothing per probe.
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
	uint32_t dedup_window;          /* answers are told apart over the
	                                   last this many (dedup.h); 0: a bit
	                                   an address up to 2^27 addresses,
	                                   past that the last 2^20 */
};

/* 0 or -errno (-ENOMEM, -EINVAL: a bad shard or a family without its
 * socket). */
int engine_run_sweep(struct engine *e, const struct sweep_cfg *cfg,
		     const struct engine_signals *sig);

/* The same on several engines at once, each in a thread of its own: on
 * a near network the kernel's work for a probe and its answer runs on
 * the CPU that sent it, so one thread keeps one CPU busy.  Engine i walks
 * part i of n of cfg's shard (shard cfg->shard + cfg->shards * i of
 * cfg->shards * n: with one seed the parts are disjoint and their union
 * is the shard) on its own sockets, which are at cfg->sock4 and
 * cfg->sock6 in every engine, at its own engine's rate (the caller splits
 * the global one).  Every engine's events go to e[0]'s sinks, one at a
 * time (the other engines' sinks are not called); EV_START, EV_STATUS and
 * EV_END carry the sums of every engine's counts.  ready(ctx) runs once
 * every thread has started and before any probe goes (to enter the
 * sandbox, which then covers every thread); an error from it ends the
 * run before it starts.  The caller's thread waits, for the others and
 * for the stop signals.  n = 1: no thread, as engine_run_sweep.
 * 0 or -errno (the first engine's error). */
struct sweep_engines {
	struct engine *const *e;
	unsigned n;                     /* 1 .. SWEEP_THREADS_MAX */
	int (*ready)(void *ctx);        /* may be NULL */
	void *ready_ctx;
};
#define SWEEP_THREADS_MAX 32
int engine_run_sweep_threads(const struct sweep_engines *g,
			     const struct sweep_cfg *cfg,
			     const struct engine_signals *sig);

#endif
