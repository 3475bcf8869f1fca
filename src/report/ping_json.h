/* report: events -> machine-readable output for ping.
 *
 *  - report_json: NDJSON, one object per event, one line each, flushed as
 *    it is written (ping --json, --format=json);
 *  - report_atlas: one object at the end of the run in the RIPE Atlas ping
 *    result format (ping --format=atlas).
 *
 * docs/json-schema.md documents both.  Like the text reporter, neither
 * touches sockets or clocks: what they print comes from events, the
 * statistics and their configuration. */
#ifndef ECHOLOT_PING_JSON_H
#define ECHOLOT_PING_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <sys/socket.h>

#include "json.h"
#include "../analysis/fp.h"
#include "../analysis/hist.h"
#include "../analysis/probes.h"
#include "../analysis/stats.h"
#include "report.h"
#include "../engine/event.h"

/* The schema of --json; see docs/json-schema.md for when it changes. */
#define REPORT_JSON_SCHEMA_VERSION 2

struct report_machine_cfg {
	FILE *out;
	const char *command;            /* "ping" */
	const char *host;               /* the target as the user gave it */
	const char *canon;              /* its canonical name */
	const struct sockaddr *dst;
	const struct sockaddr *src;     /* the source address, NULL if unknown */
	size_t datalen;                 /* ICMP data bytes per probe */
	int ttl;                        /* -t, -1 when not set */
	bool raw;                       /* a raw socket, else datagram */
	bool quiet;                     /* -q: only start, status, summary */
	struct timespec start;          /* CLOCK_REALTIME at the start */
	const struct stats *stats;
	const struct hist *hist;        /* NULL: no percentiles */
	const struct fp *fp;            /* --os: the `os` event before the
	                                   summary; NULL: none */
};

struct report_json {
	struct report_machine_cfg cfg;
	struct json_writer w;
	struct probes probes;
	int64_t elapsed_ns;             /* set by the cli before EV_END */
};

void report_json_init(struct report_json *r, const struct report_machine_cfg *cfg);
/* The `start` line of cfg on w (also `echolot os --json`'s). */
void report_json_start(struct json_writer *w, const struct report_machine_cfg *cfg);
/* An event sink (ctx is a struct report_json); EV_END writes the
 * remaining timeouts and the summary. */
void report_json_on_event(void *ctx, const struct event *ev);

/* One result[] entry per reply, error and lost probe, kept until the end;
 * after this many the list is cut (sent/rcvd/dup/min/avg/max still count
 * everything).  An Atlas ping sends at most 16 packets. */
#define REPORT_ATLAS_MAX_RESULTS 65536

struct report_atlas_entry {
	uint64_t probe;         /* 1, 2, ... in sending order */
	uint32_t order;         /* arrival order, to keep it within a probe */
	int32_t ttl;            /* -1: unknown */
	int64_t rtt_ns;         /* -1: an error (text in errors[err]) */
	bool dup;
	uint32_t err;
};

struct report_atlas {
	struct report_machine_cfg cfg;
	struct report_atlas_entry *e;
	size_t n, cap;
	char (*errors)[224];
	size_t nerr, errcap;
	uint64_t cut_at;        /* first probe not fully listed; 0: none */
	int first_ttl;          /* ttl of the first reply, -1 before */
};

void report_atlas_init(struct report_atlas *r, const struct report_machine_cfg *cfg);
/* An event sink (ctx is a struct report_atlas); EV_END prints the
 * result. */
void report_atlas_on_event(void *ctx, const struct event *ev);
void report_atlas_free(struct report_atlas *r);


#endif
