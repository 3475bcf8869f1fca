/* `echolot os`'s command line: argv -> struct os_opts.  Pure: no I/O, so
 * the unit tests and the fuzzer can drive it. */
#ifndef ECHOLOT_OS_OPTS_H
#define ECHOLOT_OS_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* -w: more than 0, at most an hour. */
#define OS_MAX_DEADLINE_S 3600

struct os_opts {
	int family;             /* AF_UNSPEC, AF_INET, AF_INET6 */
	bool numeric;           /* -n */
	bool ttl_only;          /* --ttl-only */
	int64_t deadline_ns;    /* -w */
	const char *target;     /* NULL only with --read */
	const char *read_path;  /* --read: a capture instead of probes */
	bool json;              /* --json, --format=json: NDJSON on stdout */
	bool help;              /* -h, --help: usage on stdout, exit 0 */
	bool usage;             /* with the error: the usage text follows */
};

enum {
	OS_OPTS_OK = 0,
	OS_OPTS_EXIT = 2,       /* help (o->help), or print err and exit 2 */
};

/* Parse argv (argv[0] is the command).  o->family may be preset.  On
 * failure err holds the message without "os: ". */
int os_opts_parse(int argc, char **argv, struct os_opts *o, char *err,
		  size_t errlen);

#endif
