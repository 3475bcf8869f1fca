/* FUZZ_ASSERT: an invariant that aborts, so that a parser that returns
 * nonsense counts as a crash, not only one that reads out of bounds
 * (ASan) or hits undefined behaviour (UBSan). */
#ifndef ECHOLOT_FUZZ_ASSERT_H
#define ECHOLOT_FUZZ_ASSERT_H

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_ASSERT(cond) do {                                          \
	if (!(cond)) {                                                  \
		fprintf(stderr, "%s:%d: invariant failed: %s\n",        \
			__FILE__, __LINE__, #cond);                     \
		abort();                                                \
	}                                                               \
} while (0)

#endif
