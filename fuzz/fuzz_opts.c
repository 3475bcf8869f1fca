/* libFuzzer: ping_opts_parse.  The input, split on NUL bytes, is argv
 * after "ping"; it is parsed as root and as a user.  Each argument is a
 * heap allocation of its own and freed after the run, so ASan sees any
 * pointer the parser (or getopt's state) keeps into an old argv.
 *
 * -DFUZZ_OPTS_RESET_GETOPT resets glibc's getopt before every parse, to
 * fuzz the rest while ping_opts_parse's own reset ("optind = 1", which
 * leaves getopt's cluster pointer behind) is broken; the plain build is
 * the one that counts. */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/ping_opts.h"
#include "fuzz_argv.h"
#include "fuzz_assert.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_once(int argc, char **argv, bool privileged)
{
	char *copy[FUZZ_MAXARGS + 2];
	struct ping_opts o;
	char err[256];
	int rc;
	bool in_argv = false;

	/* getopt permutes the pointer array: give it a copy each time. */
	memcpy(copy, argv, sizeof(copy[0]) * (size_t)(argc + 1));
#ifdef FUZZ_OPTS_RESET_GETOPT
	{
		char *none[] = { (char *)"x", NULL };

		optind = 0;
		opterr = 0;
		(void)getopt(1, none, "");
	}
#endif
	ping_opts_default(&o);
	memset(err, 0x55, sizeof(err));
	rc = ping_opts_parse(argc, copy, privileged, &o, err, sizeof(err));

	FUZZ_ASSERT(rc == PING_OPTS_OK || rc == PING_OPTS_EXIT1 ||
		    rc == PING_OPTS_EXIT);
	FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL);
	/* -N: one query type, one subject type, a subject inside argv. */
	FUZZ_ASSERT(o.ni.qtype == -1 || o.ni.qtype == 2 || o.ni.qtype == 3 || o.ni.qtype == 4);
	FUZZ_ASSERT(o.ni.subject_type >= -1 && o.ni.subject_type <= 2);
	FUZZ_ASSERT((o.ni.subject_type >= 0) == (o.ni.subject != NULL));
	FUZZ_ASSERT(!(o.ni_help && o.ni_usage));
	if (rc != PING_OPTS_OK)
		return;
	FUZZ_ASSERT(err[0] == '\0');
	if (o.version)
		return;
	FUZZ_ASSERT(o.target != NULL);
	for (int i = 1; i < argc; i++)
		in_argv |= o.target == argv[i];
	FUZZ_ASSERT(in_argv);
	FUZZ_ASSERT(o.noperands >= 1 && o.operands[o.noperands - 1] == o.target);
	FUZZ_ASSERT(o.timestamp >= -1 && o.timestamp <= 3 && !(o.rroute && o.timestamp >= 0));
	{
		char e2[256];
		int fam = o.family == AF_UNSPEC ? AF_INET : o.family;
		int rc2 = ping_opts_check_family(&o, fam, e2, sizeof(e2));

		FUZZ_ASSERT(rc2 == PING_OPTS_OK || rc2 == PING_OPTS_EXIT1 ||
			    rc2 == PING_OPTS_EXIT);
		if (rc2 == PING_OPTS_OK && o.noperands > 1)
			FUZZ_ASSERT(fam == AF_INET && o.noperands <= 10);
	}
	FUZZ_ASSERT(o.interval_ns >= 0);
	FUZZ_ASSERT(o.deadline_ns >= 0 && o.linger_ns >= 0);
	FUZZ_ASSERT(o.patlen <= PING_MAX_PATTERN);
	FUZZ_ASSERT(o.preload >= 1);
	/* What the engine's schedule computes (engine_sched.c), and the
	 * deadline added to a clock: no overflow (issue 11). */
	{
		volatile int64_t credit = o.interval_ns * (int64_t)o.preload;
		volatile int64_t until = o.deadline_ns + o.linger_ns +
					 ((int64_t)1 << 60);

		(void)credit;
		(void)until;
	}
	FUZZ_ASSERT(o.datalen >= 0 && o.datalen <= PING_MAX_DATALEN6);
	FUZZ_ASSERT(o.family != AF_INET || o.datalen <= PING_MAX_DATALEN4);
	FUZZ_ASSERT(o.ttl == -1 || (o.ttl >= 0 && o.ttl <= 255));
	FUZZ_ASSERT(o.tos == -1 || (o.tos >= 0 && o.tos <= 255));
	FUZZ_ASSERT(o.flowlabel <= 0xfffff);
	if (!privileged) {
		FUZZ_ASSERT(o.interval_ns >= 2000000);
		FUZZ_ASSERT(o.preload <= 3);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_MAXARGS + 2];
	int argc = fuzz_argv(data, size, "ping", argv);

	parse_once(argc, argv, true);
	parse_once(argc, argv, false);

	fuzz_argv_free(argc, argv);
	return 0;
}
