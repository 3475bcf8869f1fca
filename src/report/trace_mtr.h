/* trace_mtr: many rounds of a trace -> mtr's --report table. */
#ifndef ECHOLOT_TRACE_MTR_H
#define ECHOLOT_TRACE_MTR_H

#include <stdio.h>
#include <sys/socket.h>

#include "report.h"
#include "../analysis/trace_stats.h"
#include "../engine/trace.h"

struct report_trace_mtr {
	FILE *out;
	bool numeric;
	struct report_namer namer;
	unsigned first_ttl;
	unsigned last_ttl;      /* the highest hop settled in any round */
	struct trace_hop_stats hop[TRACE_MAX_HOPS + 1];         /* by TTL */
	struct sockaddr_storage addr[TRACE_MAX_HOPS + 1];       /* first answer */
	socklen_t addrlen[TRACE_MAX_HOPS + 1];
};

void report_trace_mtr_init(struct report_trace_mtr *r, FILE *out,
			   bool numeric, struct report_namer namer);
/* A trace sink (ctx is a struct report_trace_mtr): add every round. */
void report_trace_mtr_on_event(void *ctx, const struct event *ev);
/* The table, as `mtr --report` prints it: "Start: START" (mtr's
 * "%Y-%m-%dT%H:%M:%S%z"), the "HOST:" line, one row per hop. */
void report_trace_mtr_print(struct report_trace_mtr *r, const char *hostname,
			    const char *start);

#endif
