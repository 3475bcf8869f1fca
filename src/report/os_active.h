/* `echolot os`: the verdict line (the `ping --os` format) and the
 * evidence under it. */
#ifndef ECHOLOT_OS_ACTIVE_H
#define ECHOLOT_OS_ACTIVE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../analysis/fp_active.h"

/* What the probes did, for the evidence lines. */
struct report_os_evidence {
	const char *target;     /* "name (addr)" or "addr" */
	int hops;               /* routers on the forward path, -1 unknown */
	int reach_ttl;          /* smallest TTL that reached the target */
	int expire_ttl;         /* largest TTL that expired on the way, 0:
	                           none needed (hops 0), -1: unknown */
	const char *expired_at; /* the router that said so, or NULL */
	unsigned hop_probes;    /* probes of the hop search */
	unsigned silent;        /* of them, unanswered after a retry */
	const char *hop_note;   /* why the hop count is missing, or NULL */
	unsigned sent, answered;
	int64_t elapsed_ns;
	const uint16_t *ip_ids; /* reply IP IDs in order of arrival */
	size_t nip_ids;
	const struct fp *fp;    /* the reply TTLs */
	bool captured;          /* from a capture: sent = requests seen */
};

/* The first line: "os: FreeBSD (initial ttl 64, 3 hops, confidence high;
 * hop count measured; ...)", no newline.  Returns what snprintf would. */
int report_os_active_format(char *buf, size_t len, const struct fp_active *a);

/* The line and the evidence, each signal with what it suggests. */
void report_os_active(FILE *out, const struct fp_active *a,
		      const struct fp_signals *s,
		      const struct report_os_evidence *e);

#endif
