/* `echolot sweep`'s command line: argv -> struct sweep_opts.  Pure (no
 * I/O): the unit tests drive it. */
#ifndef ECHOLOT_SWEEP_OPTS_H
#define ECHOLOT_SWEEP_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../report/sweep_out.h"

#define SWEEP_RATE_DEFAULT 10000
#define SWEEP_THREADS_OPT_MAX 32

struct sweep_opts {
	int family;             /* -4, -6: AF_INET, AF_INET6; else AF_UNSPEC */
	char **targets;         /* the positional arguments */
	int ntargets;
	const char *files[16];  /* -f FILE ('-': stdin), in order */
	unsigned nfiles;
	const char *exclude[16];        /* --exclude FILE */
	unsigned nexclude;
	bool has_seed;
	uint64_t seed;
	uint32_t shard, shards; /* --shard I/N; 0/1 */
	double rate;            /* --rate, probes/s; 0: max */
	unsigned retries;
	double wait;            /* --wait, seconds */
	unsigned threads;       /* --threads, 0: auto */
	uint32_t dedup_window;  /* --dedup-window, 0: the engine's choice */
	size_t datalen;         /* -s */
	int progress;           /* --progress 1, --no-progress 0, -1: a tty */
	struct sweep_out_cfg out;
	bool help, version;
};

enum { SWEEP_OPTS_OK = 0, SWEEP_OPTS_EXIT = 2 };

void sweep_opts_default(struct sweep_opts *o);
/* SWEEP_OPTS_OK, or SWEEP_OPTS_EXIT with a one-line message in err (empty:
 * print the usage). */
int sweep_opts_parse(int argc, char **argv, struct sweep_opts *o, char *err,
		     size_t errlen);

#endif
