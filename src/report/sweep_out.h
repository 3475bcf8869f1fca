/* The reporters of `echolot sweep`: one line per responder (text, CSV or
 * NDJSON) on stdout, the routers' errors per target, the progress line
 * and the summary.  Fed by the sweep plan's events (engine/sweep.h). */
#ifndef ECHOLOT_SWEEP_OUT_H
#define ECHOLOT_SWEEP_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "../engine/event.h"

enum sweep_format { SWEEP_TEXT, SWEEP_CSV, SWEEP_JSON };

/* The fields a line may hold, in the order --output-fields names them. */
enum sweep_field {
	SF_ADDR, SF_STATUS, SF_TTL, SF_RTT, SF_OS, SF_INITIAL, SF_HOPS,
	SF_FROM, SF_PASS, SF_INDEX, SF_COUNT
};
#define SWEEP_MAX_FIELDS 16

struct sweep_out_cfg {
	FILE *out;              /* results */
	FILE *err;              /* progress, summary, diagnostics */
	enum sweep_format format;
	bool quiet;             /* -q: responders' addresses only */
	bool verbose;           /* -v: answers not credited, send errors */
	bool progress;          /* a status line on each EV_STATUS */
	bool progress_tty;      /* rewrite it in place (stderr a terminal) */
	enum sweep_field fields[SWEEP_MAX_FIELDS];
	unsigned nfields;       /* 0: the format's default */
};

struct sweep_out {
	struct sweep_out_cfg cfg;
	struct json_writer json;
	bool header_done;
	bool status_shown;      /* a progress line waits for its end */
	uint64_t last_sent;     /* at the previous status, for the rate now */
	int64_t last_ns;
	struct event_sweep end; /* the counts at EV_END */
	bool ended;
};

/* Parse "addr,ttl,rtt" into cfg's fields.  0, or -1 with the unknown name
 * in err. */
int sweep_out_fields(struct sweep_out_cfg *cfg, const char *list, char *err,
		     size_t errlen);
void sweep_out_init(struct sweep_out *o, const struct sweep_out_cfg *cfg);
/* An event sink (ctx: struct sweep_out). */
void sweep_out_on_event(void *ctx, const struct event *ev);

/* The OS family an initial TTL names ("Linux/Unix"), and the hop count,
 * from a reply's TTL (ping --os's table); NULL / -1 when unknown. */
const char *sweep_os(int ttl, int *initial, int *hops);

#endif
