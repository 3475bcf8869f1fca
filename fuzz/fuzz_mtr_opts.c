/* libFuzzer: mtr_opts_parse (echolot mtr's command line).  The input,
 * split on NUL bytes, is argv after "mtr"; it is parsed as root and as a
 * user, each argument a heap allocation of its own freed after the run,
 * so ASan sees any pointer the parser keeps into an old argv. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/mtr_opts.h"
#include "fuzz_argv.h"
#include "fuzz_assert.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_once(int argc, char **argv, bool root)
{
	char *copy[FUZZ_MAXARGS + 2];
	struct mtr_opts o;
	char err[256];
	bool in_argv = false;
	int rc;

	/* getopt permutes the pointer array: give it a copy each time. */
	memcpy(copy, argv, sizeof(copy[0]) * (size_t)(argc + 1));
	mtr_opts_default(&o);
	memset(err, 0x55, sizeof(err));
	rc = mtr_opts_parse(argc, copy, &o, root, err, sizeof(err));
	FUZZ_ASSERT(rc == MTR_OPTS_OK || rc == MTR_OPTS_EXIT);
	FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL);
	if (rc != MTR_OPTS_OK)
		return;
	FUZZ_ASSERT(err[0] == '\0');
	FUZZ_ASSERT(o.target != NULL && o.target[0]);
	for (int i = 1; i < argc; i++)
		in_argv |= o.target == argv[i];
	FUZZ_ASSERT(in_argv);
	FUZZ_ASSERT(o.first_ttl >= 1 && o.first_ttl <= o.max_ttl && o.max_ttl <= 255);
	FUZZ_ASSERT(o.paths >= 1 && o.paths <= MTR_MAX_PATHS);
	FUZZ_ASSERT(o.interval > 0 && (root || o.interval >= 1.0));
	FUZZ_ASSERT(o.gracetime > 0 && o.count >= 1);
	FUZZ_ASSERT(o.tos >= 0 && o.tos <= 255);
	FUZZ_ASSERT(o.port >= 0 && o.port <= 65535);
	FUZZ_ASSERT(o.localport == 0 || (o.localport >= 1024 && o.localport <= 65535));
	FUZZ_ASSERT(mtr_fields_check(o.fields) == NULL);
	FUZZ_ASSERT(o.display_mode >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_MAXARGS + 2];
	int argc = fuzz_argv(data, size, "mtr", argv);
	parse_once(argc, argv, true);
	parse_once(argc, argv, false);
	fuzz_argv_free(argc, argv);
	return 0;
}
