/* The `os` JSON event (docs/json-schema.md): a fingerprint verdict as one
 * NDJSON line, for `ping --os --json` (the TTL verdict of fp.h) and for
 * `echolot os --json` (the same, plus the signals of fp_active.h and the
 * probes that measured them).  No sockets, no clocks: verdict in, line
 * out. */
#ifndef ECHOLOT_OS_JSON_H
#define ECHOLOT_OS_JSON_H

#include "json.h"
#include "os_active.h"
#include "../analysis/fp.h"
#include "../analysis/fp_active.h"

/* ping --os: the verdict v of the replies f.  Signals and probes are
 * null (ping measures neither). */
void report_os_json_ping(struct json_writer *w, const struct fp_verdict *v,
			 const struct fp *f);

/* echolot os: the verdict a, its signals s and the evidence e (e->fp: the
 * reply TTLs; e->sent, e->answered, e->hops ...). */
void report_os_json_active(struct json_writer *w, const struct fp_active *a,
			   const struct fp_signals *s,
			   const struct report_os_evidence *e);

/* The stable names of the JSON: "echoed", "zeroed", "other" for a code;
 * "zero", "copied", "constant", "incrementing", "random" for an IP ID
 * pattern (NULL when unknown). */
const char *report_os_json_code(enum fp_code c);
const char *report_os_json_ipid(enum fp_ipid_pattern p);

#endif
