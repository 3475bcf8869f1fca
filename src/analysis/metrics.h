/* metrics: a monitor's numbers per target, from events: probes sent,
 * replies (an RTT histogram with the buckets asked for), probes given up,
 * late and duplicate replies, forged ones, ICMP errors by router and
 * type, the last reply's TTL and what it says of the sender's stack.
 * The exporter's counters; report/prom.c prints them.
 *
 * Targets are the engine's indices.  A target's numbers start from zero
 * at its EV_START (a new target, or a new one in a removed one's place);
 * they only ever grow after that (counters stay monotonic). */
#ifndef ECHOLOT_METRICS_H
#define ECHOLOT_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "../engine/event.h"

#define METRICS_MAX_BUCKETS 64
#define METRICS_MAX_ERRS 4      /* (router, type, code) kept a target */

struct metrics_err {
	uint8_t router[16];     /* who sent it, 16-byte form */
	uint8_t family;
	uint8_t type, code;
	uint64_t count;
};

struct metrics_target {
	uint64_t sent;          /* probes that went out */
	uint64_t received;      /* replies in time (the histogram's count) */
	uint64_t lost;          /* probes given up: no reply in time */
	uint64_t late;          /* replies after their probe was given up */
	uint64_t dups;          /* duplicate replies */
	uint64_t forged;        /* replies that fail the probe's tag or
	                           checksum: dropped, never received */
	uint64_t send_errors;   /* sends the kernel refused or failed */
	uint64_t icmp_errors;   /* ICMP errors quoting a probe */
	uint64_t errs_other;    /* of those, beyond errs[] */
	double rtt_sum;         /* seconds, of the received */
	int16_t last_ttl;       /* -1 before the first reply */
	int16_t initial_ttl;    /* the sender's likely initial TTL, -1 */
	uint8_t nerrs;
	struct metrics_err *errs;       /* NULL until the first error */
};

struct metrics {
	double bounds[METRICS_MAX_BUCKETS];     /* upper bounds, ascending */
	unsigned nbounds;
	struct metrics_target *t;
	uint64_t *hist;         /* per target nbounds + 1 counts (the last:
	                           above every bound), not cumulative */
	uint32_t cap;
	uint64_t foreign[8];    /* packets not credited, by event_foreign */
};

/* bounds: n ascending upper bounds in seconds (n <= METRICS_MAX_BUCKETS).
 * 0 or -EINVAL. */
int metrics_init(struct metrics *m, const double *bounds, unsigned n);
void metrics_free(struct metrics *m);
/* Room for targets 0 .. n - 1.  0 or -ENOMEM. */
int metrics_reserve(struct metrics *m, uint32_t n);

/* The sink (ctx: struct metrics). */
void metrics_on_event(void *ctx, const struct event *ev);

/* Target ti's numbers and histogram row (nbounds + 1 counts), NULL when
 * the target was never seen. */
const struct metrics_target *metrics_target(const struct metrics *m, uint32_t ti);
const uint64_t *metrics_hist(const struct metrics *m, uint32_t ti);

#endif
