/* libFuzzer: fping_opts_parse (fping 5.1's command line, as echolot's
 * fping reads it).  The input, split on NUL bytes, is argv after "fping";
 * each argument a heap allocation of its own freed after the run.  Every
 * outcome is one of the three, with a terminated message. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/fping_opts.h"
#include "fuzz_argv.h"
#include "fuzz_assert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_MAXARGS + 2], *copy[FUZZ_MAXARGS + 2];
	int argc = fuzz_argv(data, size, "fping", argv);
	struct fping_opts o;
	char err[512];
	int rc;

	memcpy(copy, argv, sizeof(copy[0]) * (size_t)(argc + 1));
	fping_opts_default(&o);
	memset(err, 0x55, sizeof(err));
	rc = fping_opts_parse(argc, copy, "fping", &o, err, sizeof(err));
	FUZZ_ASSERT(rc == FPING_OPTS_OK || rc == FPING_OPTS_USAGE || rc == FPING_OPTS_MSG);
	if (rc == FPING_OPTS_MSG)
		FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL);
	if (rc == FPING_OPTS_OK && !o.help && !o.version) {   /* -h, -v: the rest unread */
		FUZZ_ASSERT(o.family == AF_UNSPEC || o.family == AF_INET ||
			    o.family == AF_INET6);
		FUZZ_ASSERT(o.timeout_ns >= 0 && o.interval_ns >= 0 && o.period_ns >= 0);
		FUZZ_ASSERT(o.ttl <= 255);    /* -O takes any int, as fping does */
		FUZZ_ASSERT(o.ntargets >= 0 && o.ntargets < argc);
	}
	fuzz_argv_free(argc, argv);
	return 0;
}
