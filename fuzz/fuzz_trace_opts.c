/* libFuzzer: trace_opts_parse (traceroute's command line), under ASan
 * and UBSan.  Whatever it accepts must be in range, and must survive the
 * conversions the command makes of it (seconds to nanoseconds, to
 * time_t): issue 11's -w 1e10 and -z 1e300 overflowed there. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "fuzz_argv.h"
#include "cli/trace_opts.h"
#include "fuzz_assert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What src/cli/trace.c does with the numbers: the same casts. */
static volatile int64_t sink;

static void convert(const struct trace_opts *o)
{
	struct timespec ts = {
		(time_t)o->interval,
		(long)((o->interval - (double)(time_t)o->interval) * 1e9),
	};

	sink = (int64_t)(o->wait_max * 1e9);
	sink = (int64_t)(o->sendwait * 1e9);
	sink = ts.tv_sec + ts.tv_nsec;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_MAXARGS + 2], *copy[FUZZ_MAXARGS + 2];
	int argc = fuzz_argv(data, size, "traceroute", argv);
	struct trace_opts o;
	char err[512];
	int rc;

	memcpy(copy, argv, sizeof(copy[0]) * (size_t)(argc + 1));
	trace_opts_default(&o);
	memset(err, 0x55, sizeof(err));
	rc = trace_opts_parse(argc, copy, &o, err, sizeof(err));
	FUZZ_ASSERT(rc == TRACE_OPTS_OK || rc == TRACE_OPTS_EXIT);
	FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL);
	/* The parser never reorders argv. */
	FUZZ_ASSERT(!memcmp(copy, argv, sizeof(copy[0]) * (size_t)argc));
	if (rc == TRACE_OPTS_EXIT) {
		FUZZ_ASSERT(o.version || o.help || o.usage || err[0]);
	} else {
		FUZZ_ASSERT(err[0] == '\0');
		FUZZ_ASSERT(o.target && o.target_argi > 0 && o.target_argi < argc &&
			    o.target == argv[o.target_argi]);
		FUZZ_ASSERT(o.first_ttl >= 1 && o.first_ttl <= o.max_ttl &&
			    o.max_ttl <= 255);
		FUZZ_ASSERT(o.nqueries >= 1 && o.nqueries <= 10);
		FUZZ_ASSERT(o.sim >= 1 && o.sim <= TRACE_MAX_SIM);
		FUZZ_ASSERT(o.wait_max >= 0 && o.wait_max <= TRACE_MAX_SECONDS);
		FUZZ_ASSERT(o.wait_here >= 0 && o.wait_here <= TRACE_MAX_FACTOR);
		FUZZ_ASSERT(o.wait_near >= 0 && o.wait_near <= TRACE_MAX_FACTOR);
		FUZZ_ASSERT(o.sendwait >= 0 && o.sendwait <= TRACE_MAX_SECONDS);
		FUZZ_ASSERT(o.interval >= 0 && o.interval <= TRACE_MAX_SECONDS);
		FUZZ_ASSERT(o.packet_len >= -1 && o.packet_len <= 65000);
		FUZZ_ASSERT(o.port >= -1 && o.port <= 65535);
		FUZZ_ASSERT(o.sport == -1 || (o.sport >= 1 && o.sport <= 65535));
		FUZZ_ASSERT(o.tos >= -1 && o.tos <= 255);
		FUZZ_ASSERT(o.count >= 1 && o.count <= 1000000);
		if (o.source)
			FUZZ_ASSERT(o.source_argi > 0 && o.source_argi < argc);
		convert(&o);
	}
	fuzz_argv_free(argc, argv);
	return 0;
}
