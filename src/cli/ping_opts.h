/* ping's command line: argv -> struct ping_opts, with iputils' checks and
 * messages.  Pure: no I/O, so the unit tests can drive it. */
#ifndef ECHOLOT_PING_OPTS_H
#define ECHOLOT_PING_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PING_MAX_PATTERN 16

/* What ping writes on stdout (--format, --json). */
enum ping_format {
	PING_FORMAT_TEXT = 0,   /* iputils' text */
	PING_FORMAT_JSON,       /* NDJSON, one event per line */
	PING_FORMAT_ATLAS,      /* one RIPE Atlas ping result at the end */
};

/* -N: an ICMPv6 node information query (RFC 4620) instead of an echo
 * request, as iputils' ping6 -N. */
struct ping_ni_opts {
	int qtype;              /* WIRE_NI_QTYPE_*, -1: none (-N subject-...
	                           alone: echo requests, as iputils) */
	uint16_t flags;         /* WIRE_NI_FLAG_* (host order) */
	int subject_type;       /* WIRE_NI_SUBJ_*, -1: the target's address */
	const char *subject;    /* as given: looked up (addresses) or encoded
	                           (names) once the privileges are gone */
	bool fqdn;              /* subject-fqdn, not subject-name */
};

struct ping_opts {
	int family;             /* AF_UNSPEC, AF_INET, AF_INET6 */
	const char *target;

	uint64_t count;         /* -c, 0 = unlimited */
	int64_t interval_ns;    /* -i; -1 = default */
	int64_t deadline_ns;    /* -w, 0 = none */
	int64_t linger_ns;      /* -W */
	long datalen;           /* -s */
	int ttl;                /* -t, -1 default */
	int tos;                /* -Q, -1 default */
	int64_t mark;           /* -m, -1 default */
	int pmtudisc;           /* -M: -1 default, else IP_PMTUDISC_* */
	int sndbuf;             /* -S, 0 default */
	int ident;              /* -e, -1 = chosen for us */
	unsigned preload;       /* -l */
	uint32_t flowlabel;     /* -F */
	bool has_flowlabel;
	bool rroute;            /* -R: IPv4 record route */
	int timestamp;          /* -T: PING_TS_*, -1 none */
	char **operands;        /* every operand in argv: the last is the
	                           target, those before it IPv4 hops (a source
	                           route, or -T tsprespec's hosts) */
	int noperands;
	const char *iface;      /* -I as given */
	uint8_t pattern[PING_MAX_PATTERN];
	size_t patlen;

	bool audible;           /* -a */
	bool adaptive;          /* -A */
	bool broadcast;         /* -b */
	bool strict_source;     /* -B */
	bool do_connect;        /* -C */
	bool timestamps;        /* -D */
	bool debug;             /* -d */
	bool flood;             /* -f */
	bool force_names;       /* -H */
	bool no_mcast_loop;     /* -L */
	bool numeric;           /* -n */
	bool outstanding;       /* -O */
	bool quiet;             /* -q */
	bool dontroute;         /* -r */
	bool user_latency;      /* -U */
	bool verbose;           /* -v */
	bool precise;           /* -3 */
	bool version;           /* -V */
	bool help;              /* -h, --help */
	bool help_stdout;       /* --help */
	const char *datalen_arg;        /* -s as given, for a later complaint */
	const char *interval_arg;       /* -i as given, the same */
	struct ping_ni_opts ni; /* -N */
	bool ni_given;          /* -N at all: raw sockets for both families,
	                           as iputils */
	bool ni_help;           /* -N help: the list on stdout, exit 0 */
	bool ni_usage;          /* a bad -N: err (if any) on stdout, the list
	                           on stderr, exit 2 */
	bool os;                /* --os: name the remote OS after the summary */
	int tcp_port;           /* --tcp PORT: TCP SYN probes, 0: ICMP echo */
	enum ping_format format;        /* --format, --json */
	const char *sandbox_selftest;   /* --sandbox-selftest[=KIND]: make a
	                                   call the sandbox forbids, for the
	                                   tests (sandbox_selftest()) */
};

enum {
	PING_OPTS_OK = 0,
	PING_OPTS_EXIT1 = 1,    /* print err and exit 1: what iputils' number
	                           parser refuses, or no destination */
	PING_OPTS_EXIT = 2,     /* print err (if any) and exit 2 */
};

/* -T: the timestamp option's flag values (RFC 791). */
enum { PING_TS_TSONLY = 0, PING_TS_TSANDADDR = 1, PING_TS_PRESPEC = 3 };

/* -i times -l, the credit the schedule may hold, in nanoseconds: at most
 * a quarter of what an int64_t holds (73 years), so that the engine's
 * sums cannot overflow (-l 65536 -i 2000000 did). */
#define PING_MAX_CREDIT_NS (INT64_MAX / 4)

/* The largest -s: an IP datagram holds 65535 bytes, the IPv4 header (20)
 * counts in them and the IPv6 header does not. */
#define PING_MAX_DATALEN4 (65535 - 20 - 8)
#define PING_MAX_DATALEN6 (65535 - 8)

/* Parse argv.  privileged: the caller is root (limits on interval, flood
 * and preload do not apply).  On failure returns PING_OPTS_EXIT1 or
 * PING_OPTS_EXIT, the exit status, with the message (without "ping: ") in
 * err; an empty err means "print usage".  -V ends the parse where it
 * stands (o->version, PING_OPTS_OK), as iputils: options after it are not
 * looked at.  o->help: -h (usage on stderr, exit 2) or, with
 * o->help_stdout, --help (usage on stdout, exit 0). */
int ping_opts_parse(int argc, char **argv, bool privileged,
		    struct ping_opts *o, char *err, size_t errlen);

/* -N help's text (on stdout; a bad -N shows it on stderr). */
void ping_ni_help(FILE *f);

/* Defaults, as iputils has them. */
void ping_opts_default(struct ping_opts *o);

/* The checks that need the destination's family (AF_INET, AF_INET6),
 * once it is resolved: PING_OPTS_OK, or an exit status with err (an
 * empty err: print usage), as iputils: hops only for IPv4, at most 9, at
 * most 4 for -T tsprespec, none with -R or another -T. */
int ping_opts_check_family(const struct ping_opts *o, int family, char *err,
			   size_t errlen);

#endif
