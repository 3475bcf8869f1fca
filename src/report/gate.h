/* The gate: holds events back, in order, until the names their lines show
 * are known, so that a slow resolver delays lines and never probes. */
#ifndef ECHOLOT_GATE_H
#define ECHOLOT_GATE_H

#include <stddef.h>

#include "report.h"

struct report_gate_held;

struct report_gate_cfg {
	struct event_sink out;  /* where events go once they may */
	/* The address whose name out prints for ev, or NULL. */
	const struct sockaddr *(*named)(void *ctx, const struct event *ev);
	void *named_ctx;
	/* Its ready() starts lookups and says whether a name is known;
	 * its wait() blocks until some lookup is answered. */
	struct report_namer namer;
};

struct report_gate {
	struct report_gate_cfg cfg;
	struct report_gate_held *head, *tail;
	size_t held_bytes;
};

void report_gate_init(struct report_gate *g, const struct report_gate_cfg *cfg);
/* An event sink (ctx is a struct report_gate).  EV_END passes only after
 * everything held before it, waiting for the names if need be. */
void report_gate_on_event(void *ctx, const struct event *ev);
/* Names have come: pass on what no longer waits. */
void report_gate_release(struct report_gate *g);
void report_gate_free(struct report_gate *g);

#endif
