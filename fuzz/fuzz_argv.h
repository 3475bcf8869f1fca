/* Shared by the option parsers' harnesses: the input, split on NUL
 * bytes, is argv after argv[0]; each argument is a heap allocation of its
 * own, freed after the run, so ASan sees any pointer a parser keeps into
 * an old argv. */
#ifndef ECHOLOT_FUZZ_ARGV_H
#define ECHOLOT_FUZZ_ARGV_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAXARGS 64

static inline int fuzz_argv(const uint8_t *data, size_t size, const char *arg0,
			    char *argv[FUZZ_MAXARGS + 2])
{
	int argc = 0;
	size_t start = 0;

	argv[argc++] = strdup(arg0);
	for (size_t i = 0; i <= size && argc <= FUZZ_MAXARGS; i++) {
		if (i == size || data[i] == '\0') {
			char *a = malloc(i - start + 1);

			if (!a)
				abort();
			memcpy(a, data + start, i - start);
			a[i - start] = '\0';
			argv[argc++] = a;
			start = i + 1;
		}
	}
	argv[argc] = NULL;
	return argc;
}

static inline void fuzz_argv_free(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		free(argv[i]);
}

#endif
