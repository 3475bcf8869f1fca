/* Unit tests for src/cli/mtr_opts (echolot mtr's command line): mtr
 * 0.95's options, its clamps and its messages, table-driven. */
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "unit.h"
#include "cli/mtr_opts.h"

#define MAXARGS 12

struct row {
	const char *argv[MAXARGS];
	bool root;
	int rc;
	const char *err;        /* expected message (prefix), NULL: none */
};

static int parse(const struct row *r, struct mtr_opts *o, char *err, size_t len)
{
	char *argv[MAXARGS + 1];
	int argc = 0;

	argv[argc++] = (char *)"mtr";
	for (; argc < MAXARGS && r->argv[argc - 1]; argc++)
		argv[argc] = (char *)r->argv[argc - 1];
	argv[argc] = NULL;
	mtr_opts_default(o);
	return mtr_opts_parse(argc, argv, o, r->root, err, len);
}

static void test_mtr_opts_errors(void **state)
{
	static const struct row rows[] = {
		{ { "h", NULL }, true, MTR_OPTS_OK, NULL },
		{ { NULL }, true, MTR_OPTS_EXIT, "" },          /* usage */
		{ { "-c", "x", "h", NULL }, true, MTR_OPTS_EXIT, "invalid argument: 'x'" },
		{ { "-c", "-1", "h", NULL }, true, MTR_OPTS_EXIT, "invalid argument: '-1'" },
		{ { "-c", "0", "h", NULL }, true, MTR_OPTS_EXIT, "invalid argument: '0'" },
		{ { "-i", "0", "h", NULL }, true, MTR_OPTS_EXIT, "wait time must be positive" },
		{ { "-i", "0.5", "h", NULL }, false, MTR_OPTS_EXIT,
		  "non-root users cannot request an interval < 1.0 seconds" },
		{ { "-i", "0.5", "h", NULL }, true, MTR_OPTS_OK, NULL },
		{ { "-i", "nan", "h", NULL }, true, MTR_OPTS_EXIT, "invalid argument: 'nan'" },
		{ { "-G", "0", "h", NULL }, true, MTR_OPTS_EXIT, "wait time must be positive" },
		{ { "-u", "-T", "h", NULL }, true, MTR_OPTS_EXIT,
		  "-u , -T and -S are mutually exclusive" },
		{ { "-o", "LX%", "h", NULL }, true, MTR_OPTS_EXIT, "Unknown field identifier: %" },
		{ { "-o", "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL", "h", NULL }, true,
		  MTR_OPTS_EXIT, "Too many fields: " },
		{ { "-P", "0", "h", NULL }, true, MTR_OPTS_EXIT, "Illegal port number: 0" },
		{ { "-P", "65536", "h", NULL }, true, MTR_OPTS_EXIT, "Illegal port number: 65536" },
		{ { "-L", "80", "h", NULL }, true, MTR_OPTS_EXIT, "Illegal port number: 80" },
		{ { "--paths", "0", "h", NULL }, true, MTR_OPTS_EXIT, "--paths: 1 to 16 flows" },
		{ { "--paths", "17", "h", NULL }, true, MTR_OPTS_EXIT, "--paths: 1 to 16 flows" },
		{ { "--displaymode", "6", "h", NULL }, true, MTR_OPTS_EXIT,
		  "value out of range (0 - 5): 6" },
		{ { "-F", "file", "h", NULL }, true, MTR_OPTS_EXIT, "-F: not supported" },
		{ { "-B", "1", "h", NULL }, true, MTR_OPTS_EXIT, "-B: not supported" },
		{ { "-q", "h", NULL }, true, MTR_OPTS_EXIT, "invalid option -- 'q'" },
		{ { "--nope", "h", NULL }, true, MTR_OPTS_EXIT, "unrecognized option '--nope'" },
		{ { "h", "-c", NULL }, true, MTR_OPTS_EXIT, "option requires an argument -- '-c'" },
		{ { "h", "k", NULL }, true, MTR_OPTS_EXIT, "one host at a time" },
		{ { "", NULL }, true, MTR_OPTS_EXIT, "Failed to resolve host" },
	};
	struct mtr_opts o;
	char err[256];

	(void)state;
	TABLE_BEGIN();
	for (unsigned i = 0; i < ARRAY_LEN(rows); i++) {
		int rc = parse(&rows[i], &o, err, sizeof(err));

		CHECK(rc == rows[i].rc, "row %u: rc %d", i, rc);
		if (rows[i].err)
			CHECK(!strncmp(err, rows[i].err, strlen(rows[i].err)),
			      "row %u: err '%s', want '%s'", i, err, rows[i].err);
	}
	TABLE_END();
}

static void test_mtr_opts_values(void **state)
{
	static const struct row all = { { "-6", "-r", "-c", "5", "-n", "-b", "-e",
					  "-o", "LSPQZO", "-T", "x", NULL }, true, 0, NULL };
	static const struct row clamp = { { "-m", "400", "-f", "300", "-Q", "999",
					    "-s", "-100", "h", NULL }, true, 0, NULL };
	static const struct row clamp2 = { { "-f", "9", "-m", "3", "h", NULL }, true, 0, NULL };
	static const struct row paths = { { "-w", "--paths", "4", "-u", "-L", "40000",
					    "--report-on-exit", "-P", "53", "h", NULL },
					  true, 0, NULL };
	struct mtr_opts o;
	char err[256];

	(void)state;
	assert_int_equal(parse(&all, &o, err, sizeof(err)), MTR_OPTS_OK);
	assert_int_equal(o.family, AF_INET6);
	assert_int_equal(o.display, MTR_DISPLAY_REPORT);
	assert_false(o.wide);
	assert_int_equal(o.count, 5);
	assert_true(o.count_set && o.numeric && o.show_ips && o.mpls);
	assert_string_equal(o.fields, "LSPQZO");
	assert_int_equal(o.method, PROBE_TCP);
	assert_int_equal(o.port, 80);           /* -T's default */
	assert_string_equal(o.target, "x");

	/* As mtr: -m at most 255, -f at most -m, -Q out of range is 0. */
	assert_int_equal(parse(&clamp, &o, err, sizeof(err)), MTR_OPTS_OK);
	assert_int_equal(o.max_ttl, 255);
	assert_int_equal(o.first_ttl, 255);
	assert_int_equal(o.tos, 0);
	assert_int_equal(o.psize, -100);
	assert_int_equal(parse(&clamp2, &o, err, sizeof(err)), MTR_OPTS_OK);
	assert_int_equal(o.first_ttl, 3);
	assert_int_equal(o.max_ttl, 3);

	assert_int_equal(parse(&paths, &o, err, sizeof(err)), MTR_OPTS_OK);
	assert_true(o.wide);
	assert_int_equal(o.display, MTR_DISPLAY_REPORT);
	assert_int_equal(o.paths, 4);
	assert_int_equal(o.method, PROBE_UDP);
	assert_int_equal(o.localport, 40000);
	assert_int_equal(o.port, 53);
	assert_true(o.report_on_exit);

	/* The defaults: mtr's. */
	mtr_opts_default(&o);
	assert_int_equal(o.count, 10);
	assert_true(o.interval == 1.0);
	assert_int_equal(o.psize, 64);
	assert_int_equal(o.max_ttl, 30);
	assert_int_equal(o.method, PROBE_ICMP);
	assert_string_equal(o.fields, "LS NABWV");
	assert_int_equal(o.display, MTR_DISPLAY_CURSES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mtr_opts_errors),
		cmocka_unit_test(test_mtr_opts_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
