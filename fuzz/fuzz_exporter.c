/* libFuzzer: the exporter's input parsers.  The first byte picks one:
 *   0: the YAML configuration (xconfig_parse, through libyaml), the rest
 *      of the input as the file;
 *   1: a Go duration (xparse_duration), the rest as the text;
 *   2: the command line (xopts_parse), the rest split on NUL bytes.
 * Invariants: a configuration that parses has what the daemon relies on
 * (names of 1..254 bytes without NUL, intervals of at least 1 ms, sizes
 * 24..65507, a source's family matching its group's network); one that
 * does not leaves nothing allocated and says where. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exporter.h"
#include "wire/timeconv.h"
#include "fuzz_argv.h"
#include "fuzz_assert.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Kept loaded: each parse's dlopen is then a reference count. */
	(void)dlopen("libyaml-0.so.2", RTLD_NOW | RTLD_LOCAL);
	return 0;
}

static void config(const char *text, size_t len)
{
	struct xconfig c;
	char err[600];

	err[0] = '\0';
	if (xconfig_parse("f.yml", text, len, &c, err, sizeof(err)) < 0) {
		FUZZ_ASSERT(!strncmp(err, "f.yml:", 6) || strstr(err, "libyaml"));
		FUZZ_ASSERT(c.nhosts == 0 && c.hosts == NULL && c.groups == NULL);
		return;
	}
	for (unsigned i = 0; i < c.nhosts; i++) {
		size_t n = strlen(c.hosts[i].name);

		FUZZ_ASSERT(n >= 1 && n <= LOOKUP_NAME_MAX);
		FUZZ_ASSERT(c.hosts[i].group < c.ngroups);
	}
	for (unsigned i = 0; i < c.ngroups; i++) {
		const struct xgroup *g = &c.groups[i];

		FUZZ_ASSERT(g->interval_ns >= MSEC);
		FUZZ_ASSERT(g->prof.size >= 24 && g->prof.size <= 65507);
		FUZZ_ASSERT(g->prof.tos >= -1 && g->prof.tos <= 255);
		FUZZ_ASSERT(!g->prof.has_source || g->network == AF_UNSPEC ||
			    g->network == g->prof.source.ss_family);
	}
	xconfig_free(&c);
}

static void opts(const uint8_t *data, size_t len)
{
	char *argv[FUZZ_MAXARGS + 2];
	int argc = fuzz_argv(data, len, "exporter", argv);
	struct xopts o;
	char err[300];

	if (xopts_parse(argc, argv, &o, err, sizeof(err)) == 0) {
		FUZZ_ASSERT(o.nbuckets >= 1 && o.nbuckets <= METRICS_MAX_BUCKETS);
		for (unsigned i = 1; i < o.nbuckets; i++)
			FUZZ_ASSERT(o.buckets[i] > o.buckets[i - 1]);
		FUZZ_ASSERT(o.size >= 24 && o.size <= 65507);
		FUZZ_ASSERT(o.interval_ns >= MSEC && o.timeout_ns >= MSEC);
		FUZZ_ASSERT(o.nhosts < (unsigned)argc);
	}
	xopts_free(&o);
	fuzz_argv_free(argc, argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	int64_t ns;

	if (size < 1)
		return 0;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		config(text, size - 1);
		break;
	case 1:
		if (xparse_duration(text, &ns) == 0)
			FUZZ_ASSERT(ns >= -9200000000000000000LL && ns <= 9200000000000000000LL);
		break;
	default:
		opts(data + 1, size - 1);
		break;
	}
	free(text);
	return 0;
}
