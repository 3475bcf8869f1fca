/* libFuzzer: sweep_opts_parse (echolot sweep's command line).  The input,
 * split on NUL bytes, is argv after "sweep"; each argument a heap
 * allocation of its own freed after the run, so ASan sees any pointer the
 * parser keeps into an old argv.  What it accepts is within the bounds the
 * engine relies on. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/sweep_opts.h"
#include "engine/dedup.h"
#include "fuzz_argv.h"
#include "fuzz_assert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_MAXARGS + 2], *copy[FUZZ_MAXARGS + 2];
	int argc = fuzz_argv(data, size, "sweep", argv);
	struct sweep_opts o;
	char err[256];
	int rc;

	/* getopt permutes the pointer array: give it a copy. */
	memcpy(copy, argv, sizeof(copy[0]) * (size_t)(argc + 1));
	sweep_opts_default(&o);
	memset(err, 0x55, sizeof(err));
	rc = sweep_opts_parse(argc, copy, &o, err, sizeof(err));
	FUZZ_ASSERT(rc == SWEEP_OPTS_OK || rc == SWEEP_OPTS_EXIT);
	FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL);
	if (rc == SWEEP_OPTS_OK && !o.version) {      /* -V: nothing else is read */
		FUZZ_ASSERT(err[0] == '\0');
		FUZZ_ASSERT(o.family == AF_UNSPEC || o.family == AF_INET ||
			    o.family == AF_INET6);
		FUZZ_ASSERT(o.shards >= 1 && o.shard < o.shards);
		FUZZ_ASSERT(o.shards == 1 || o.has_seed);
		FUZZ_ASSERT(o.rate == 0 || (o.rate >= 1 && o.rate <= 1e9));
		FUZZ_ASSERT(o.retries <= 100);
		FUZZ_ASSERT(o.wait >= 0 && o.wait <= 3600);
		FUZZ_ASSERT(o.threads <= SWEEP_THREADS_OPT_MAX);
		FUZZ_ASSERT(o.dedup_window <= DEDUP_WINDOW_MAX);
		FUZZ_ASSERT(o.datalen >= 32 && o.datalen <= 65000);
		FUZZ_ASSERT(o.nfiles <= 16 && o.nexclude <= 16);
		FUZZ_ASSERT(o.ntargets >= 0 && o.ntargets < argc);
		for (int i = 0; i < o.ntargets; i++)
			FUZZ_ASSERT(o.targets[i] != NULL);
	}
	fuzz_argv_free(argc, argv);
	return 0;
}
