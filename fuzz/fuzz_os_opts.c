/* libFuzzer: os_opts_parse (`echolot os`'s command line), under ASan and
 * UBSan: what it accepts is in range, and converts without overflow. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>

#include "fuzz_argv.h"
#include "cli/os_opts.h"
#include "fuzz_assert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_MAXARGS + 2], *copy[FUZZ_MAXARGS + 2];
	int argc = fuzz_argv(data, size, "os", argv);
	struct os_opts o;
	char err[512];
	int rc;
	bool in_argv = false;

	/* getopt permutes the pointer array: give it a copy. */
	memcpy(copy, argv, sizeof(copy[0]) * (size_t)(argc + 1));
	memset(&o, 0, sizeof(o));
	memset(err, 0x55, sizeof(err));
	rc = os_opts_parse(argc, copy, &o, err, sizeof(err));
	FUZZ_ASSERT(rc == OS_OPTS_OK || rc == OS_OPTS_EXIT);
	FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL);
	if (rc == OS_OPTS_EXIT) {
		FUZZ_ASSERT(o.help || err[0]);
	} else {
		FUZZ_ASSERT(err[0] == '\0');
		FUZZ_ASSERT(o.target || o.read_path);
		for (int i = 1; o.target && i < argc; i++)
			in_argv |= o.target == argv[i];
		FUZZ_ASSERT(!o.target || in_argv);
		FUZZ_ASSERT(o.deadline_ns > 0 &&
			    o.deadline_ns <= (int64_t)OS_MAX_DEADLINE_S * 1000000000LL);
		FUZZ_ASSERT(o.family == AF_UNSPEC || o.family == AF_INET ||
			    o.family == AF_INET6);
		FUZZ_ASSERT(!(o.json && o.read_path));
	}
	fuzz_argv_free(argc, argv);
	return 0;
}
