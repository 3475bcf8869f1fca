/* probes: which probes were answered, for reporters that list the ones that
 * never were (JSON `timeout` events).
 *
 * Probes are numbered 1, 2, ... in the order they went out (the engine's
 * send count); probe k carries ICMP sequence number k mod 65536.  An answer
 * is a reply with a good checksum that is not a duplicate, an ICMP error
 * (not a redirect or source quench) or a local error quoting the probe.
 * Memory is one bit per sequence number: a probe that is still unanswered
 * when its sequence number is used again can no longer be answered (the
 * engine could not tell the two apart) and is declared lost then; the
 * others are declared lost by probes_finish() at the end of the run. */
#ifndef ECHOLOT_PROBES_H
#define ECHOLOT_PROBES_H

#include <stdbool.h>
#include <stdint.h>

#include "../engine/event.h"

#define PROBES_WINDOW 65536

/* Called once for every probe that was never answered, in probe order. */
typedef void (*probes_lost_fn)(void *ctx, uint64_t probe, uint16_t seq);

struct probes {
	uint64_t nsent;         /* probes sent so far (the highest number) */
	uint64_t nanswered;
	uint64_t nlost;
	uint8_t answered[PROBES_WINDOW / 8];    /* by sequence number */
	probes_lost_fn lost;
	void *ctx;
};

void probes_init(struct probes *p, probes_lost_fn lost, void *ctx);
void probes_update(struct probes *p, const struct event *ev);
/* The run is over: declare every unanswered probe lost. */
void probes_finish(struct probes *p);

/* The number of the probe that carried seq, the latest one sent with it
 * when nsent had gone out; 0 when none did. */
uint64_t probes_number(uint64_t nsent, uint16_t seq);

#endif
