/* Unit tests for src/report/mtr_out and mtr_fields (echolot mtr's end of
 * run outputs), from statistics filled by hand: mtr 0.95's report layout
 * byte for byte (the host column cut at 33, a hop's other addresses on
 * lines of their own, "???"), CSV, JSON as jansson writes it (reals with
 * 5 significant digits), --paths blocks. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "unit.h"
#include "report/mtr_fields.h"
#include "report/mtr_out.h"

static struct sockaddr_in sa4(const char *a)
{
	struct sockaddr_in s;

	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

#define SA(s) ((const struct sockaddr *)&(s))

static struct mtr_stats stats;

/* hop 1 answers 1 and 3 ms; hop 2 silent; hop 3 from two routers; hop 4
 * the target. */
static void fill(unsigned nflows)
{
	struct sockaddr_in r1 = sa4("198.18.1.2"), r3 = sa4("198.18.3.2"),
			   r3b = sa4("198.18.3.9"), t = sa4("198.18.4.2");

	mtr_stats_init(&stats, nflows);
	stats.family = AF_INET;
	stats.dst[10] = stats.dst[11] = 0xff;
	memcpy(stats.dst + 12, &t.sin_addr, 4);
	for (unsigned f = 0; f < nflows; f++) {
		mtr_stats_add(&stats, f, 1, SA(r1), 1000000, 64, false, NULL, 0);
		mtr_stats_add(&stats, f, 1, SA(r1), 3000000, 64, false, NULL, 0);
		mtr_stats_add(&stats, f, 2, NULL, -1, -1, false, NULL, 0);
		mtr_stats_add(&stats, f, 2, NULL, -1, -1, false, NULL, 0);
		mtr_stats_add(&stats, f, 3, f ? SA(r3b) : SA(r3), 12345678, 62,
			      false, NULL, 0);
		if (nflows == 1)
			mtr_stats_add(&stats, f, 3, SA(r3b), 12345678, 62, false,
				      NULL, 0);
		mtr_stats_add(&stats, f, 4, SA(t), 2000000, 61, true, NULL, 0);
	}
}

static char *run(void (*out)(const struct mtr_out_cfg *, struct mtr_stats *),
		 bool wide, const char *fields)
{
	struct mtr_out_cfg c;
	char *buf = NULL;
	size_t len = 0;

	memset(&c, 0, sizeof(c));
	c.out = open_memstream(&buf, &len);
	c.local_host = "vm";
	c.target = "t.example";
	c.fields = fields;
	c.wide = wide;
	c.psize = 64;
	c.tests = 2;
	c.now = 1700000000;
	c.start = "2026-01-01T00:00:00+0000";
	c.names.dns = false;
	out(&c, &stats);
	fclose(c.out);
	return buf;
}

static void test_mtr_report(void **state)
{
	char *s;

	(void)state;
	fill(1);
	s = run(mtr_out_report, false, MTR_FIELDS_DEFAULT);
	assert_string_equal(s,
		"Start: 2026-01-01T00:00:00+0000\n"
		"HOST: vm                          Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
		"  1.|-- 198.18.1.2                 0.0%     2    3.0   2.0   1.0   3.0   1.4\n"
		"  2.|-- ???                       100.0     2    0.0   0.0   0.0   0.0   0.0\n"
		"  3.|-- 198.18.3.9                 0.0%     2   12.3  12.3  12.3  12.3   0.0\n"
		"        198.18.3.2                       \n"
		"  4.|-- 198.18.4.2                 0.0%     1    2.0   2.0   2.0   2.0   0.0\n");
	free(s);
	/* -w: the host column as wide as the widest name, mtr's header two
	 * columns short of the lines (as mtr). */
	s = run(mtr_out_report, true, "LSD");
	assert_string_equal(s,
		"Start: 2026-01-01T00:00:00+0000\n"
		"HOST: vm         Loss%   Snt Drop\n"
		"  1.|-- 198.18.1.2  0.0%     2    0\n"
		"  2.|-- ???        100.0     2    2\n"
		"  3.|-- 198.18.3.9  0.0%     2    0\n"
		"        198.18.3.2\n"
		"  4.|-- 198.18.4.2  0.0%     1    0\n");
	free(s);
	mtr_stats_free(&stats);
}

static void test_mtr_csv_json(void **state)
{
	char *s;

	(void)state;
	fill(1);
	s = run(mtr_out_csv, false, "LS NV");
	assert_string_equal(s,
		"Mtr_Version,Start_Time,Status,Host,Hop,Ip,Loss%,Snt, ,Last,StDev,\n"
		"MTR.0.95,1700000000,OK,t.example,1,198.18.1.2,0.00,2,0,3.00,1.41\n"
		"MTR.0.95,1700000000,OK,t.example,2,???,100.00,2,2,0.00,0.00\n"
		"MTR.0.95,1700000000,OK,t.example,3,198.18.3.9,0.00,2,0,12.35,0.00\n"
		"MTR.0.95,1700000000,OK,t.example,4,198.18.4.2,0.00,1,0,2.00,0.00\n");
	free(s);
	s = run(mtr_out_json, false, "LN");
	assert_non_null(strstr(s,
		"{\n    \"report\": {\n        \"mtr\": {\n            \"src\": \"vm\",\n"
		"            \"dst\": \"t.example\",\n            \"tos\": 0,\n"
		"            \"tests\": 2,\n            \"psize\": \"64\",\n"
		"            \"bitpattern\": \"0x00\"\n        },\n        \"hubs\": [\n"
		"            {\n                \"count\": 1,\n"
		"                \"host\": \"198.18.1.2\",\n"
		"                \"Loss%\": 0.0,\n                \"Last\": 3.0\n"
		"            },\n"));
	assert_non_null(strstr(s, "\"Loss%\": 100.0,\n                \"Last\": 0.0\n"));
	assert_non_null(strstr(s, "\"Last\": 12.346\n"));
	assert_non_null(strstr(s, "            }\n        ]\n    }\n}\n"));
	free(s);
	mtr_stats_free(&stats);
}

static void test_mtr_paths_out(void **state)
{
	char *s;

	(void)state;
	fill(2);
	s = run(mtr_out_report, false, "LS");
	assert_string_equal(s,
		"Start: 2026-01-01T00:00:00+0000\n"
		"HOST: vm                          Loss%   Snt\n"
		"Path 1 of 2, flow 1\n"
		"  1.|-- 198.18.1.2                 0.0%     2\n"
		"  2.|-- ???                       100.0     2\n"
		"  3.|-- 198.18.3.2                 0.0%     1\n"
		"  4.|-- 198.18.4.2                 0.0%     1\n"
		"Path 2 of 2, flow 2\n"
		"  1.|-- 198.18.1.2                 0.0%     2\n"
		"  2.|-- ???                       100.0     2\n"
		"  3.|-- 198.18.3.9                 0.0%     1\n"
		"  4.|-- 198.18.4.2                 0.0%     1\n");
	free(s);
	mtr_stats_free(&stats);
}

static void test_mtr_json_real(void **state)
{
	static const struct { double v; const char *s; } rows[] = {
		{ 0, "0.0" }, { 0.079, "0.079" }, { 12.5, "12.5" }, { 3, "3.0" },
		{ 33.333, "33.333" }, { 100, "100.0" }, { 123456.789, "1.2346e5" },
		{ 1e-5, "1e-5" }, { 12.3456789, "12.346" },
	};
	char buf[64];

	(void)state;
	TABLE_BEGIN();
	for (unsigned i = 0; i < ARRAY_LEN(rows); i++) {
		mtr_json_real(buf, sizeof(buf), rows[i].v);
		CHECK(!strcmp(buf, rows[i].s), "%g: '%s', want '%s'", rows[i].v, buf,
		      rows[i].s);
	}
	TABLE_END();
}

static void test_mtr_fields(void **state)
{
	char buf[128];

	(void)state;
	assert_null(mtr_fields_check("LDRSNBAWVGJMXI PQZO"));
	assert_non_null(mtr_fields_check("Lk"));
	assert_int_equal(mtr_fields_width(MTR_FIELDS_DEFAULT), 43);
	mtr_fields_header(buf, sizeof(buf), MTR_FIELDS_DEFAULT);
	assert_string_equal(buf, " Loss%   Snt   Last   Avg  Best  Wrst StDev");
	mtr_fields_header(buf, sizeof(buf), MTR_FIELDS_JITTER);
	assert_string_equal(buf, " Drop   Rcv    Avg Gmean Jttr Javg Jmax Jint");
	assert_true(mtr_fields_need_pct("LSP"));
	assert_false(mtr_fields_need_pct(MTR_FIELDS_DEFAULT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mtr_report),
		cmocka_unit_test(test_mtr_csv_json),
		cmocka_unit_test(test_mtr_paths_out),
		cmocka_unit_test(test_mtr_json_real),
		cmocka_unit_test(test_mtr_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
