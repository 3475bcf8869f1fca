/* traceroute's command line: argv -> struct trace_opts, with the checks
 * and messages of Linux traceroute 2.1.x.  Pure: no I/O, so the unit
 * tests can drive it. */
#ifndef ECHOLOT_TRACE_OPTS_H
#define ECHOLOT_TRACE_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sock/sock.h"

/* What traceroute writes on stdout (--format, --json). */
enum trace_format {
	TRACE_FORMAT_TEXT = 0,  /* traceroute 2.1.x's text */
	TRACE_FORMAT_JSON,      /* NDJSON: start, one hop per line, end */
	TRACE_FORMAT_ATLAS,     /* one RIPE Atlas traceroute result */
};

struct trace_opts {
	int family;             /* AF_UNSPEC, AF_INET, AF_INET6 */
	const char *target;
	enum probe_method method;       /* -I, -T, -U; default UDP */
	unsigned first_ttl;     /* -f */
	unsigned max_ttl;       /* -m */
	unsigned nqueries;      /* -q */
	unsigned sim;           /* -N */
	double wait_max;        /* -w MAX[,HERE[,NEAR]], seconds */
	double wait_here;
	double wait_near;
	double sendwait;        /* -z, seconds */
	int port;               /* -p, -1 default */
	int sport;              /* --sport, -1 default */
	int tos;                /* -t, -1 default */
	long packet_len;        /* trailing argument, -1 default */
	const char *source;     /* -s */
	const char *device;     /* -i */
	bool numeric;           /* -n */
	bool extensions;        /* -e */
	bool back;              /* --back */
	bool dontfrag;          /* -F */
	bool mtu;               /* --mtu: implies -F, -N 1, 65000 bytes */
	bool dontroute;         /* -r */
	bool version;           /* -V */
	bool help;              /* --help */
	enum trace_format format;       /* --format, --json */
	bool report;            /* --report: mtr's table over rounds */
	unsigned count;         /* -c: rounds of --report (mtr's 10) */
	double interval;        /* --interval: seconds between rounds */
};

enum {
	TRACE_OPTS_OK = 0,
	TRACE_OPTS_EXIT = 2,    /* print err (if any) and exit 2 */
};

void trace_opts_default(struct trace_opts *o);

/* Parse argv.  On failure returns TRACE_OPTS_EXIT with the message in
 * err; an empty err means "print usage". */
int trace_opts_parse(int argc, char **argv, struct trace_opts *o,
		     char *err, size_t errlen);

#endif
