/* report: traceroute's results -> machine-readable output.
 *
 *  - report_trace_json: NDJSON (traceroute --json, --format=json): a
 *    `start` line, one `hop` line per hop once its probes are all
 *    settled, an `end` line; each line flushed as it is written;
 *  - report_trace_atlas: one object at the end of the run in the RIPE
 *    Atlas traceroute result format (traceroute --format=atlas).
 *
 * docs/json-schema.md documents both.  Both are trace sinks fed by the
 * engine (src/engine/trace.h), as the text reporter is: what they print
 * comes from the engine's probes and times, nothing else.  Addresses are
 * numeric; names are never looked up. */
#ifndef ECHOLOT_TRACE_JSON_H
#define ECHOLOT_TRACE_JSON_H

#include <stdbool.h>
#include <stdio.h>

#include "json.h"
#include "../engine/trace.h"

struct report_trace_machine_cfg {
	FILE *out;
	const char *host;       /* the target as the user gave it */
	const char *canon;      /* its canonical name (NULL: host) */
};

/* A settled probe's event, kept with what its pointers point to. */
struct report_trace_kept {
	struct event ev;
	struct sockaddr_storage from;
	uint8_t ext[TRACE_EXT_MAX];
};
void report_trace_keep(struct report_trace_kept *k, const struct event *ev);

struct report_trace_json {
	struct report_trace_machine_cfg cfg;
	struct json_writer w;
	struct report_trace_kept hop[TRACE_MAX_QUERIES];        /* the open hop */
	unsigned hop_seen;      /* its probes settled so far; 0: none open */
	unsigned nhops;         /* hop lines written */
	unsigned last_hop;      /* the last one's number, 0 before */
	unsigned nprobes, nanswered;
	bool final_seen;        /* a final answer (the trace ends there) */
	bool reached;           /* ... from the destination itself */
};

void report_trace_json_init(struct report_trace_json *r,
			    const struct report_trace_machine_cfg *cfg);
/* A trace sink (ctx is a struct report_trace_json). */
void report_trace_json_on_event(void *ctx, const struct event *ev);

struct report_trace_atlas {
	struct report_trace_machine_cfg cfg;
	struct report_trace_kept *probes;       /* settled, in order */
	size_t n, cap;
	size_t lost;            /* out of memory: not kept */
};

void report_trace_atlas_init(struct report_trace_atlas *r,
			     const struct report_trace_machine_cfg *cfg);
/* A trace sink (ctx is a struct report_trace_atlas); EV_END prints
 * the result. */
void report_trace_atlas_on_event(void *ctx, const struct event *ev);
void report_trace_atlas_free(struct report_trace_atlas *r);

#endif
