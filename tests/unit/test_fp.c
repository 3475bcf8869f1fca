/* Unit tests for src/analysis/fp (remote OS from reply TTLs) and the
 * `ping --os` line of src/report/os_line: reply TTLs and a measured hop
 * count in, verdict and text out. */
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "unit.h"
#include "analysis/fp.h"
#include "report/os_line.h"

#define END (-1000)     /* ends a list of TTLs */
#define NONE (-1)       /* no measured hop count */

static void feed(struct fp *f, const int *ttls)
{
	for (unsigned i = 0; ttls[i] != END; i++)
		fp_add(f, (uint16_t)(i + 1), ttls[i]);
}

/* ------------------------------------------------------- initial TTLs */

static void test_initial_ttl(void **state)
{
	static const struct {
		int ttl, want;
	} t[] = {
		{ -1, -1 }, { 0, 32 }, { 1, 32 }, { 32, 32 }, { 33, 60 },
		{ 59, 60 }, { 60, 60 }, { 61, 64 }, { 64, 64 }, { 65, 128 },
		{ 127, 128 }, { 128, 128 }, { 129, 255 }, { 254, 255 },
		{ 255, 255 }, { 256, -1 }, { 1000, -1 },
	};

	(void)state;
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++)
		CHECK(fp_initial_ttl(t[i].ttl) == t[i].want, "ttl %d: %d want %d",
		      t[i].ttl, fp_initial_ttl(t[i].ttl), t[i].want);
	TABLE_END();
}

/* The table is consistent: known initials ascend, each has a stack that
 * starts there, and every stack starts from a known one. */
static void test_table(void **state)
{
	(void)state;
	TABLE_BEGIN();
	CHECK(fp_ninitials == 5, "%zu initials", fp_ninitials);
	for (size_t i = 0; i < fp_ninitials; i++) {
		bool used = false;

		CHECK(i == 0 || fp_initials[i].ttl > fp_initials[i - 1].ttl,
		      "initials not ascending at %zu", i);
		CHECK(fp_initials[i].label && fp_initials[i].label[0],
		      "initial %d has no label", fp_initials[i].ttl);
		for (size_t j = 0; j < fp_nstacks; j++)
			used |= fp_stacks[j].ttl4 == fp_initials[i].ttl;
		CHECK(used, "initial %d: no stack uses it", fp_initials[i].ttl);
	}
	CHECK(fp_nstacks >= 7, "%zu stacks", fp_nstacks);
	for (size_t j = 0; j < fp_nstacks; j++) {
		const struct fp_stack *s = &fp_stacks[j];

		CHECK(s->family && s->versions, "row %zu unnamed", j);
		CHECK(fp_label(s->ttl4) != NULL, "%s: ttl4 %d unknown",
		      s->family, s->ttl4);
		CHECK(s->hlim6 == 0 || fp_label(s->hlim6) != NULL,
		      "%s: hlim6 %d unknown", s->family, s->hlim6);
		CHECK(s->quoted == FP_QUOTE_ALL || s->quoted > 0,
		      "%s: quoted %d", s->family, s->quoted);
	}
	/* The rows the issue asks for. */
	static const char *const need[] = {
		"Linux", "FreeBSD", "OpenBSD", "macOS", "Windows",
		"Cisco IOS", "Solaris",
	};
	for (size_t i = 0; i < ARRAY_LEN(need); i++) {
		bool found = false;

		for (size_t j = 0; j < fp_nstacks; j++)
			found |= !strcmp(fp_stacks[j].family, need[i]);
		CHECK(found, "no row for %s", need[i]);
	}
	TABLE_END();
}

/* ------------------------------------------------------------ verdicts */

struct row {
	const char *name;
	int ttls[16];
	int measured;
	enum fp_confidence conf;
	int initial, hops;
	const char *line;
};

static const struct row rows[] = {
	{ "zero replies", { END }, NONE,
	  FP_CONF_NONE, -1, -1, "os: unknown (no replies)" },
	{ "on the same host", { 64, 64, 64, END }, NONE,
	  FP_CONF_HIGH, 64, 0,
	  "os: Linux/Unix (initial ttl 64, 0 hops, confidence high)" },
	{ "three routers", { 61, 61, 61, END }, NONE,
	  FP_CONF_HIGH, 64, 3,
	  "os: Linux/Unix (initial ttl 64, 3 hops, confidence high)" },
	{ "windows, one hop", { 127, 127, END }, NONE,
	  FP_CONF_HIGH, 128, 1,
	  "os: Windows (initial ttl 128, 1 hop, confidence high)" },
	{ "ttl 255 exactly", { 255, END }, NONE,
	  FP_CONF_HIGH, 255, 0,
	  "os: Cisco IOS/Solaris/OpenBSD (initial ttl 255, 0 hops, confidence high)" },
	{ "ttl 250", { 250, 250, END }, NONE,
	  FP_CONF_HIGH, 255, 5,
	  "os: Cisco IOS/Solaris/OpenBSD (initial ttl 255, 5 hops, confidence high)" },

	/* 60 and 64 are four apart: 33..60 fits both; 64, far the more
	 * common, is named first while it is within 30 hops. */
	{ "ambiguous 59", { 59, 59, END }, NONE,
	  FP_CONF_MEDIUM, 64, 5,
	  "os: Linux/Unix (initial ttl 64, 5 hops, confidence medium; "
	  "or initial ttl 60, 1 hop)" },
	{ "ambiguous 60", { 60, END }, NONE,
	  FP_CONF_MEDIUM, 64, 4,
	  "os: Linux/Unix (initial ttl 64, 4 hops, confidence medium; "
	  "or initial ttl 60, 0 hops)" },
	{ "ambiguous 34", { 34, END }, NONE,
	  FP_CONF_MEDIUM, 64, 30,
	  "os: Linux/Unix (initial ttl 64, 30 hops, confidence medium; "
	  "or initial ttl 60, 26 hops)" },
	{ "61 is 64's", { 61, END }, NONE,
	  FP_CONF_HIGH, 64, 3,
	  "os: Linux/Unix (initial ttl 64, 3 hops, confidence high)" },
	{ "33: 64 would be 31 hops, so 60", { 33, END }, NONE,
	  FP_CONF_MEDIUM, 60, 27,
	  "os: HP JetDirect (initial ttl 60, 27 hops, confidence medium; "
	  "or initial ttl 64, 31 hops)" },

	/* Hop counts: 30 is the most that is plausible. */
	{ "30 hops", { 98, END }, NONE,
	  FP_CONF_HIGH, 128, 30,
	  "os: Windows (initial ttl 128, 30 hops, confidence high)" },
	{ "31 hops", { 97, END }, NONE,
	  FP_CONF_LOW, 128, 31,
	  "os: Windows (initial ttl 128, 31 hops, confidence low; "
	  "more than 30 hops is implausible)" },
	{ "65 is far from 128", { 65, END }, NONE,
	  FP_CONF_LOW, 128, 63,
	  "os: Windows (initial ttl 128, 63 hops, confidence low; "
	  "more than 30 hops is implausible)" },

	/* The low edge: 32 is rare, and 0 and 1 are too far from it. */
	{ "ttl 31", { 31, END }, NONE,
	  FP_CONF_MEDIUM, 32, 1,
	  "os: Windows 95 (initial ttl 32, 1 hop, confidence medium; "
	  "or initial ttl 60, 29 hops; initial ttl 32 is rare)" },
	{ "ttl 2", { 2, END }, NONE,
	  FP_CONF_MEDIUM, 32, 30,
	  "os: Windows 95 (initial ttl 32, 30 hops, confidence medium; "
	  "initial ttl 32 is rare)" },
	{ "ttl 1", { 1, END }, NONE,
	  FP_CONF_LOW, 32, 31,
	  "os: Windows 95 (initial ttl 32, 31 hops, confidence low; "
	  "more than 30 hops is implausible)" },
	{ "ttl 0", { 0, 0, END }, NONE,
	  FP_CONF_LOW, 32, 32,
	  "os: Windows 95 (initial ttl 32, 32 hops, confidence low; "
	  "more than 30 hops is implausible)" },

	/* A route change is reported, not averaged away. */
	{ "route change", { 61, 61, 61, 61, 61, 61, 60, 60, 60, 60, END }, NONE,
	  FP_CONF_MEDIUM, 64, 3,
	  "os: Linux/Unix (initial ttl 64, 3 hops, confidence medium; "
	  "ttl changed at icmp_seq=7: 61 -> 60)" },
	{ "route change, the new path more frequent",
	  { 61, 62, 62, 62, END }, NONE,
	  FP_CONF_MEDIUM, 64, 2,
	  "os: Linux/Unix (initial ttl 64, 2 hops, confidence medium; "
	  "ttl changed at icmp_seq=2: 61 -> 62)" },
	{ "route change, a tie keeps the first", { 61, 60, END }, NONE,
	  FP_CONF_MEDIUM, 64, 3,
	  "os: Linux/Unix (initial ttl 64, 3 hops, confidence medium; "
	  "ttl changed at icmp_seq=2: 61 -> 60)" },
	{ "flapping paths", { 61, 60, 61, 60, END }, NONE,
	  FP_CONF_MEDIUM, 64, 3,
	  "os: Linux/Unix (initial ttl 64, 3 hops, confidence medium; "
	  "ttl changed at icmp_seq=2: 61 -> 60 and 2 more times)" },

	/* Replies from two different initial TTLs contradict each other. */
	{ "contradictory, 64 first", { 61, 125, 61, END }, NONE,
	  FP_CONF_LOW, 64, 3,
	  "os: Linux/Unix (initial ttl 64, 3 hops, confidence low; "
	  "replies point to initial ttl 64 and 128; "
	  "ttl changed at icmp_seq=2: 61 -> 125 and 1 more time)" },
	{ "contradictory, 128 more frequent", { 125, 125, 61, END }, NONE,
	  FP_CONF_LOW, 128, 3,
	  "os: Windows (initial ttl 128, 3 hops, confidence low; "
	  "replies point to initial ttl 128 and 64; "
	  "ttl changed at icmp_seq=3: 125 -> 61)" },
	{ "contradictory, ambiguous majority", { 59, 59, 61, 125, END }, NONE,
	  FP_CONF_LOW, 64, 5,
	  "os: Linux/Unix (initial ttl 64, 5 hops, confidence low; "
	  "or initial ttl 60, 1 hop; replies point to initial ttl 64 and 128; "
	  "ttl changed at icmp_seq=3: 59 -> 61 and 1 more time)" },
	/* ...unless one initial TTL fits all of them: 62 rules out 60. */
	{ "59 and 62 both from 64", { 59, 62, END }, NONE,
	  FP_CONF_MEDIUM, 64, 5,
	  "os: Linux/Unix (initial ttl 64, 5 hops, confidence medium; "
	  "ttl changed at icmp_seq=2: 59 -> 62)" },
	{ "contradictory across 32 and 64", { 20, 20, 62, END }, NONE,
	  FP_CONF_LOW, 32, 12,
	  "os: Windows 95 (initial ttl 32, 12 hops, confidence low; "
	  "initial ttl 32 is rare; replies point to initial ttl 32 and 64; "
	  "ttl changed at icmp_seq=3: 20 -> 62)" },

	/* A measured forward hop count. */
	{ "measured, fits", { 61, 61, END }, 3,
	  FP_CONF_HIGH, 64, 3,
	  "os: Linux/Unix (initial ttl 64, 3 hops, confidence high; "
	  "hop count measured)" },
	{ "measured 0 hops", { 64, END }, 0,
	  FP_CONF_HIGH, 64, 0,
	  "os: Linux/Unix (initial ttl 64, 0 hops, confidence high; "
	  "hop count measured)" },
	{ "measured settles 59 as 64", { 59, 59, END }, 5,
	  FP_CONF_HIGH, 64, 5,
	  "os: Linux/Unix (initial ttl 64, 5 hops, confidence high; "
	  "hop count measured)" },
	{ "measured settles 59 as 60", { 59, END }, 1,
	  FP_CONF_HIGH, 60, 1,
	  "os: HP JetDirect (initial ttl 60, 1 hop, confidence high; "
	  "hop count measured)" },
	{ "measured settles the rare 32", { 31, END }, 1,
	  FP_CONF_HIGH, 32, 1,
	  "os: Windows 95 (initial ttl 32, 1 hop, confidence high; "
	  "hop count measured)" },
	{ "measured, asymmetric", { 61, END }, 4,
	  FP_CONF_MEDIUM, 64, 3,
	  "os: Linux/Unix (initial ttl 64, 3 hops, confidence medium; "
	  "measured 4 hops, but ttl 61 + 4 = 65 is no known initial ttl "
	  "(asymmetric path or ttl-rewriting middlebox))" },
	{ "measured, asymmetric and ambiguous", { 59, END }, 2,
	  FP_CONF_LOW, 64, 5,
	  "os: Linux/Unix (initial ttl 64, 5 hops, confidence low; "
	  "measured 2 hops, but ttl 59 + 2 = 61 is no known initial ttl "
	  "(asymmetric path or ttl-rewriting middlebox); "
	  "or initial ttl 60, 1 hop)" },
	{ "measured past 255", { 250, END }, 10,
	  FP_CONF_MEDIUM, 255, 5,
	  "os: Cisco IOS/Solaris/OpenBSD (initial ttl 255, 5 hops, "
	  "confidence medium; measured 10 hops, but ttl 250 + 10 = 260 is no "
	  "known initial ttl (asymmetric path or ttl-rewriting middlebox))" },
	{ "measured, but the route changed", { 61, 61, 60, END }, 3,
	  FP_CONF_MEDIUM, 64, 3,
	  "os: Linux/Unix (initial ttl 64, 3 hops, confidence medium; "
	  "hop count measured; ttl changed at icmp_seq=3: 61 -> 60)" },
	{ "measured below a reply's ttl", { 59, 62, END }, 1,
	  FP_CONF_MEDIUM, 64, 5,
	  "os: Linux/Unix (initial ttl 64, 5 hops, confidence medium; "
	  "measured 1 hop, but ttl 59 + 1 = 60 is no known initial ttl "
	  "(asymmetric path or ttl-rewriting middlebox); "
	  "ttl changed at icmp_seq=2: 59 -> 62)" },
	{ "measured, contradictory", { 61, 125, 61, END }, 3,
	  FP_CONF_LOW, 64, 3,
	  "os: Linux/Unix (initial ttl 64, 3 hops, confidence low; "
	  "hop count measured; replies point to initial ttl 64 and 128; "
	  "ttl changed at icmp_seq=2: 61 -> 125 and 1 more time)" },
	{ "measured hops beyond 255 are no measurement", { 61, END }, 100000,
	  FP_CONF_HIGH, 64, 3,
	  "os: Linux/Unix (initial ttl 64, 3 hops, confidence high)" },
	{ "measured, no replies", { END }, 3,
	  FP_CONF_NONE, -1, -1, "os: unknown (no replies)" },
};

static void test_verdicts(void **state)
{
	(void)state;
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		const struct row *r = &rows[i];
		struct fp f;
		struct fp_verdict v;
		char line[512];
		int n;

		fp_init(&f);
		feed(&f, r->ttls);
		fp_verdict(&f, r->measured, &v);
		n = report_os_format(line, sizeof(line), &v);
		CHECK(v.confidence == r->conf, "%s: confidence %s want %s", r->name,
		      fp_confidence_name(v.confidence), fp_confidence_name(r->conf));
		CHECK(v.initial == r->initial, "%s: initial %d want %d", r->name,
		      v.initial, r->initial);
		CHECK(v.hops == r->hops, "%s: hops %d want %d", r->name, v.hops,
		      r->hops);
		CHECK(!strcmp(line, r->line), "%s:\n got: \"%s\"\nwant: \"%s\"",
		      r->name, line, r->line);
		CHECK(n == (int)strlen(line), "%s: returned %d", r->name, n);
	}
	TABLE_END();
}

/* Distinct TTLs are kept with their counts and first icmp_seq. */
static void test_records(void **state)
{
	static const int ttls[] = { 61, 61, 60, 61, 125, 60, END };
	struct fp f;

	(void)state;
	fp_init(&f);
	feed(&f, ttls);
	assert_int_equal(f.replies, 6);
	assert_int_equal(f.nttls, 3);
	assert_int_equal(f.ttls[0].ttl, 61);
	assert_int_equal(f.ttls[0].count, 3);
	assert_int_equal(f.ttls[0].first_seq, 1);
	assert_int_equal(f.ttls[1].ttl, 60);
	assert_int_equal(f.ttls[1].count, 2);
	assert_int_equal(f.ttls[1].first_seq, 3);
	assert_int_equal(f.ttls[2].ttl, 125);
	assert_int_equal(f.ttls[2].count, 1);
	assert_int_equal(f.ttls[2].first_seq, 5);
	assert_int_equal(f.changes, 4);
	assert_int_equal(f.change_seq, 3);
	assert_int_equal(f.change_from, 61);
	assert_int_equal(f.change_to, 60);
}

/* TTLs outside 0..255 are not TTLs; past FP_MAX_TTLS distinct values the
 * rest are counted, and still lower the confidence. */
static void test_limits(void **state)
{
	struct fp f;
	struct fp_verdict v;

	(void)state;
	fp_init(&f);
	fp_add(&f, 1, -1);
	fp_add(&f, 2, 256);
	fp_add(&f, 3, 100000);
	assert_int_equal(f.replies, 0);
	fp_verdict(&f, NONE, &v);
	assert_int_equal(v.confidence, FP_CONF_NONE);

	fp_init(&f);
	for (int ttl = 128; ttl >= 118; ttl--)
		fp_add(&f, (uint16_t)(129 - ttl), ttl);
	assert_int_equal(f.nttls, FP_MAX_TTLS);
	assert_int_equal(f.other, 11 - FP_MAX_TTLS);
	assert_int_equal(f.changes, 10);
	fp_verdict(&f, NONE, &v);
	assert_int_equal(v.initial, 128);
	assert_int_equal(v.hops, 0);
	assert_int_equal(v.confidence, FP_CONF_MEDIUM);
}

/* ------------------------------------------------------------- events */

static struct event reply(uint16_t seq, int ttl)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_REPLY;
	ev.family = AF_INET6;
	ev.seq = seq;
	ev.nsent = seq;
	ev.ttl = ttl;
	ev.tos = -1;
	ev.wrong_byte = -1;
	return ev;
}

static void test_events(void **state)
{
	struct fp f;
	struct fp_verdict v;
	struct event ev;
	char line[256];

	(void)state;
	fp_init(&f);
	ev = reply(1, 61);
	fp_on_event(&f, &ev);
	ev = reply(1, 125);
	ev.dup = true;                  /* a duplicate: not this path's */
	fp_on_event(&f, &ev);
	ev = reply(2, 125);
	ev.bad_cksum = true;            /* corrupted */
	fp_on_event(&f, &ev);
	ev = reply(3, 125);
	ev.other_addr = true;           /* someone else answered */
	fp_on_event(&f, &ev);
	ev = reply(4, 61);
	ev.type = EV_ERROR;             /* an ICMP error, not a reply */
	fp_on_event(&f, &ev);
	ev = reply(5, 61);
	ev.truncated = true;            /* short, but its TTL is fine */
	fp_on_event(&f, &ev);
	assert_int_equal(f.replies, 2);
	assert_int_equal(f.nttls, 1);
	assert_int_equal(f.changes, 0);
	assert_int_equal(f.family, AF_INET6);
	fp_verdict(&f, NONE, &v);
	assert_int_equal(v.family, AF_INET6);
	report_os_format(line, sizeof(line), &v);
	assert_string_equal(line,
		"os: Linux/Unix (initial ttl 64, 3 hops, confidence high)");

	/* Replies whose TTL the kernel did not give. */
	fp_init(&f);
	ev = reply(1, -1);
	fp_on_event(&f, &ev);
	fp_verdict(&f, NONE, &v);
	assert_int_equal(v.confidence, FP_CONF_NONE);
	assert_int_equal(v.no_ttl, 1);
	report_os_format(line, sizeof(line), &v);
	assert_string_equal(line, "os: unknown (no ttl in the replies)");
}

/* The line never overruns its buffer. */
static void test_short_buffer(void **state)
{
	struct fp f;
	struct fp_verdict v;
	char line[16];

	(void)state;
	fp_init(&f);
	fp_add(&f, 1, 61);
	fp_add(&f, 2, 125);
	fp_verdict(&f, 7, &v);
	memset(line, 'x', sizeof(line));
	report_os_format(line, 10, &v);
	assert_string_equal(line, "os: Linux");
	assert_int_equal(line[10], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initial_ttl),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_short_buffer),
	};

	return cmocka_run_group_tests_name("fp", tests, NULL, NULL);
}
