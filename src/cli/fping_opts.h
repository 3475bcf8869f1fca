/* fping 5.1's command line: argv -> struct fping_opts, with its checks
 * and messages (and its exit statuses: 1 for a bad option, as fping 5.1
 * exits, whatever its man page says).  Pure: no I/O but the usage text,
 * which the caller prints. */
#ifndef ECHOLOT_FPING_OPTS_H
#define ECHOLOT_FPING_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fping_opts {
	int family;             /* -4 / -6, or AF_UNSPEC */
	bool alive, addr, rdns, timestamp, elapsed, generate, loop, all,
	     dontfrag, name, netdata, outage, quiet, random, stats, unreach;
	bool count_flag, all_rtts, timeout_set;
	uint32_t count;
	unsigned retry;
	unsigned datalen;
	double backoff;
	int64_t timeout_ns, interval_ns, period_ns, report_ns;
	unsigned ttl;
	int tos;                /* -O, -1: none */
	unsigned min_reachable; /* -x */
	const char *file;       /* -f */
	const char *iface;      /* -I */
	const char *src;        /* -S */
	char **targets;
	int ntargets;
	bool version;           /* -v */
	bool help;              /* -h: usage on stdout, exit 0 */
};

enum {
	FPING_OPTS_OK = 0,
	FPING_OPTS_USAGE,       /* usage on stderr, exit 1 */
	FPING_OPTS_MSG,         /* err on stderr (each line "prog: ..."), exit 1 */
};

void fping_opts_default(struct fping_opts *o);
/* prog: argv[0] as fping prints it. */
int fping_opts_parse(int argc, char **argv, const char *prog,
		     struct fping_opts *o, char *err, size_t errlen);

#endif
