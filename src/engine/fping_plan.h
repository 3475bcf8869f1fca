/* The fping plan: fping 5.1's schedule on the engine.  Targets in the
 * order given, each probed in turn with at least interval_ns between any
 * two probes (the engine's global bucket); default mode: one probe, then
 * retries with a growing timeout until one is answered; count mode (-c,
 * -C): count probes period_ns apart; loop mode (-l): for ever.  Probes are
 * stateless (probe_sweep.c: the cookie is the target and the probe's
 * number), so there is no 16-bit sequence space to share and no cap on the
 * targets or on the probes in flight.
 * Events: EV_REPLY (target, probe: the probe's 0-based number, dup), EV_TIMEOUT,
 * EV_LOCAL_ERROR (a failed send), EV_STATUS (every report_ns, and SIGQUIT),
 * EV_END. */
#ifndef ECHOLOT_FPING_PLAN_H
#define ECHOLOT_FPING_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"

enum fping_mode { FPING_MODE_DEFAULT, FPING_MODE_COUNT, FPING_MODE_LOOP };

struct fping_target {
	uint8_t addr[16];       /* the 16-byte form */
	int family;
};

struct fping_plan_cfg {
	const struct fping_target *targets;
	uint32_t ntargets;
	int sock4, sock6;       /* engine sockets, -1: none */
	enum fping_mode mode;
	uint32_t count;         /* count mode */
	unsigned retry;         /* default mode: probes after the first */
	double backoff;         /* default mode: timeout factor a retry */
	int64_t timeout_ns;     /* a probe's initial timeout */
	int64_t period_ns;      /* between probes to one target (-p) */
	int64_t report_ns;      /* EV_STATUS this often (-Q), 0: never */
	/* SIGINT as fping takes it: the wait under way ends at the next
	 * event (a probe, a timeout, a report) or answer, which is handled,
	 * and then the run ends.  NULL: none. */
	volatile sig_atomic_t *finish;
};

int engine_run_fping(struct engine *e, const struct fping_plan_cfg *cfg,
		     const struct engine_signals *sig);

#endif
