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

/* echolot's bounds where traceroute has none (an hour's worth of
 * nanoseconds overflows nothing; a wait of 1e10 s or a sendwait of 1e300
 * did): every time at most a day, the wait factors at most 1000, at most
 * as many probes at once as a trace has (255 hops of 10). */
#define TRACE_MAX_SECONDS 86400.0
#define TRACE_MAX_FACTOR 1000.0
#define TRACE_MAX_SIM (255 * 10)

struct trace_opts {
	int family;             /* AF_UNSPEC, AF_INET, AF_INET6 */
	const char *target;
	int target_argi;        /* its index in argv, for messages */
	int source_argi;        /* -s: the same */
	char source_as[40];     /* -s as typed ("-s", "--source") */
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
	bool version;           /* -V: version on stderr, exit 0 */
	bool help;              /* --help: usage on stdout, exit 0 */
	bool usage;             /* no arguments: usage on stderr, exit 0 */
	enum trace_format format;       /* --format, --json */
	bool report;            /* --report: mtr's table over rounds */
	unsigned count;         /* -c: rounds of --report (mtr's 10) */
	double interval;        /* --interval: seconds between rounds */
};

enum {
	TRACE_OPTS_OK = 0,
	TRACE_OPTS_EXIT = 2,    /* version, help, usage (their flags), or
	                           print err and exit 2 */
};

void trace_opts_default(struct trace_opts *o);

/* Parse argv as traceroute 2.1.x does, with its messages (err, without a
 * program name: traceroute prints none).  -V and --help end the parse
 * where they stand. */
int trace_opts_parse(int argc, char **argv, struct trace_opts *o,
		     char *err, size_t errlen);

#endif
