/* Shared by the unit tests: cmocka, and table checks that report every
 * failing row before the test fails. */
#ifndef ECHOLOT_UNIT_H
#define ECHOLOT_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "cli/cli.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* CHECK(cond, fmt, ...): on failure print the row and go on; TABLE_END
 * fails the test if any row failed. */
static int unit_nbad __attribute__((unused)); /* a test may use no table */
#define CHECK(cond, ...) do {                                           \
	if (!(cond)) {                                                  \
		print_error("%s:%d: check failed: %s: ", __FILE__,      \
			    __LINE__, #cond);                           \
		print_error(__VA_ARGS__);                               \
		print_error("\n");                                      \
		unit_nbad++;                                            \
	}                                                               \
} while (0)
#define TABLE_BEGIN() (unit_nbad = 0)
#define TABLE_END() assert_int_equal(unit_nbad, 0)

/* The Makefile links every object but cli/main.o into a test, and
 * cli/ping.o calls cli_version(), which lives in main.c.  A weak stand-in
 * lets the tests link; a real definition, wherever it moves, wins. */
__attribute__((weak)) void cli_version(FILE *f)
{
	(void)f;
}

#endif
