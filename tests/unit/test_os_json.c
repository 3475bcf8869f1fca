/* Unit tests for the `os` JSON event (src/report/os_json.c): synthetic
 * verdicts of fp.h and fp_active.h in, exact lines out; odd labels
 * escaped; no verdict as nulls; the ping reporter's os line before the
 * summary. */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "unit.h"
#include "analysis/fp.h"
#include "analysis/fp_active.h"
#include "analysis/stats.h"
#include "report/json.h"
#include "report/os_json.h"
#include "report/ping_json.h"

struct mem {
	char *buf;
	size_t len;
	FILE *f;
	struct json_writer w;
};

static void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
	json_init(&m->w, m->f);
}

static char *mem_take(struct mem *m)
{
	fclose(m->f);
	return m->buf;
}

/* n replies with ttl, seq 1.. */
static void replies(struct fp *f, uint16_t first, unsigned n, int ttl)
{
	for (unsigned i = 0; i < n; i++)
		fp_add(f, (uint16_t)(first + i), ttl);
}

static void test_ping_verdict(void **state)
{
	struct fp f;
	struct fp_verdict v;
	struct mem m;
	char *t;

	(void)state;
	fp_init(&f);
	f.family = AF_INET;
	replies(&f, 1, 3, 61);
	fp_verdict(&f, -1, &v);
	mem_open(&m);
	report_os_json_ping(&m.w, &v, &f);
	t = mem_take(&m);
	assert_string_equal(t,
		"{\"type\":\"os\",\"family\":\"Linux/Unix\",\"confidence\":\"high\","
		"\"initial_ttl\":64,\"hops\":3,\"hops_measured\":false,"
		"\"measured_hops\":null,\"reply_ttl\":61,\"alternatives\":[],"
		"\"notes\":[],\"other_initial_ttl\":null,\"replies\":3,"
		"\"replies_without_ttl\":0,\"ttls\":[{\"ttl\":61,\"count\":3,"
		"\"first_seq\":1}],\"ttl_changed_at\":null,\"ttl_changed_from\":null,"
		"\"ttl_changed_to\":null,\"ttl_changes\":0,\"candidates\":null,"
		"\"signals\":null,\"probes_sent\":null,\"probes_answered\":null}\n");
	free(t);
}

/* 59: 64 behind 5 or 60 behind 1 (ambiguous); then a change to 58. */
static void test_ping_ambiguous_changed(void **state)
{
	struct fp f;
	struct fp_verdict v;
	struct mem m;
	char *t;

	(void)state;
	fp_init(&f);
	f.family = AF_INET;
	replies(&f, 1, 4, 59);
	replies(&f, 5, 1, 58);
	fp_verdict(&f, -1, &v);
	mem_open(&m);
	report_os_json_ping(&m.w, &v, &f);
	t = mem_take(&m);
	assert_non_null(strstr(t, "\"alternatives\":[{\"initial_ttl\":60,\"hops\":1,"
				  "\"reading\":\"ttl\"}]"));
	assert_non_null(strstr(t, "\"notes\":[\"ambiguous\",\"ttl_changed\"]"));
	assert_non_null(strstr(t, "\"ttls\":[{\"ttl\":59,\"count\":4,\"first_seq\":1},"
				  "{\"ttl\":58,\"count\":1,\"first_seq\":5}]"));
	assert_non_null(strstr(t, "\"ttl_changed_at\":5,\"ttl_changed_from\":59,"
				  "\"ttl_changed_to\":58,\"ttl_changes\":1"));
	free(t);
}

static void test_no_verdict(void **state)
{
	struct fp f;
	struct fp_verdict v;
	struct mem m;
	char *t;

	(void)state;
	fp_init(&f);
	fp_verdict(&f, -1, &v);
	mem_open(&m);
	report_os_json_ping(&m.w, &v, &f);
	t = mem_take(&m);
	assert_non_null(strstr(t, "\"family\":null,\"confidence\":null,"
				  "\"initial_ttl\":null,\"hops\":null,"
				  "\"hops_measured\":false,\"measured_hops\":null,"
				  "\"reply_ttl\":null,\"alternatives\":[],"
				  "\"notes\":[\"no_replies\"]"));
	free(t);
	f.no_ttl = 2;
	fp_verdict(&f, -1, &v);
	mem_open(&m);
	report_os_json_ping(&m.w, &v, &f);
	t = mem_take(&m);
	assert_non_null(strstr(t, "\"notes\":[\"no_ttl\"]"));
	assert_non_null(strstr(t, "\"replies_without_ttl\":2"));
	free(t);
}

/* Labels are data: whatever bytes they hold, the line stays one JSON
 * object on one line. */
static void test_odd_label(void **state)
{
	static const struct {
		const char *label, *want;
	} rows[] = {
		{ "a\"b\\c", "\"family\":\"a\\\"b\\\\c\"" },
		{ "line\nbreak\t", "\"family\":\"line\\u000abreak\\u0009\"" },
		{ "del\x7f", "\"family\":\"del\\u007f\"" },
		{ "latin1 \xe9t\xe9", "\"family\":\"latin1 \xef\xbf\xbdt\xef\xbf\xbd\"" },
		{ "b\xc3\xbc" "cher \xe2\x80\xa8", "\"family\":\"b\xc3\xbc" "cher \\u2028\"" },
	};
	struct fp f;
	struct fp_verdict v;

	(void)state;
	fp_init(&f);
	f.family = AF_INET6;
	replies(&f, 1, 2, 64);
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		struct mem m;
		char *t;

		fp_verdict(&f, -1, &v);
		v.label = rows[i].label;
		mem_open(&m);
		report_os_json_ping(&m.w, &v, &f);
		t = mem_take(&m);
		CHECK(strstr(t, rows[i].want) != NULL, "row %zu: %s", i, t);
		CHECK(strchr(t, '\n') == t + strlen(t) - 1, "row %zu: one line", i);
		free(t);
	}
	TABLE_END();
}

/* echolot os: Linux's IPv4 signals at 64, 5 routers measured. */
static void test_active(void **state)
{
	struct fp f;
	struct fp_signals s;
	struct fp_active a;
	struct report_os_evidence e;
	uint16_t ids[] = { 100, 101, 103 };
	struct mem m;
	char *t;

	(void)state;
	fp_init(&f);
	f.family = AF_INET;
	replies(&f, 1, 5, 59);
	fp_signals_init(&s);
	s.code = FP_CODE_ECHOED;
	s.code_sent = s.code_got = 123;
	s.ipseq = FP_IPSEQ_INCREMENTAL;
	s.df_on_df = 0;
	s.tos_sent = 0x28;
	s.tos_got = 0;
	s.timestamp = FP_ANSWER_YES;
	fp_active_verdict(&f, 5, &s, &a);
	memset(&e, 0, sizeof(e));
	e.target = "198.18.6.2";
	e.hops = 5;
	e.sent = 9;
	e.answered = 8;
	e.ip_ids = ids;
	e.nip_ids = 3;
	e.fp = &f;
	mem_open(&m);
	report_os_json_active(&m.w, &a, &s, &e);
	t = mem_take(&m);
	assert_non_null(strstr(t, "{\"type\":\"os\",\"family\":\"Linux\","
				  "\"confidence\":\"high\",\"initial_ttl\":64,"
				  "\"hops\":5,\"hops_measured\":true,"
				  "\"measured_hops\":5,\"reply_ttl\":59,"
				  "\"alternatives\":[],\"notes\":[\"signals_narrowed\"]"));
	assert_non_null(strstr(t, "\"candidates\":[\"Linux\",\"FreeBSD\",\"macOS\"]"));
	assert_non_null(strstr(t, "{\"name\":\"code\",\"value\":\"echoed\",\"sent\":123,"
				  "\"got\":123,\"suggests\":[\"Linux\","));
	assert_non_null(strstr(t, "\"rules_out\":[\"Windows\",\"Windows 95\","
				  "\"HP JetDirect\"]}"));
	assert_non_null(strstr(t, "{\"name\":\"ip_id\",\"value\":\"incrementing\","
				  "\"sent\":null,\"got\":null,"));
	assert_non_null(strstr(t, "{\"name\":\"df\",\"value\":\"clear\","));
	assert_non_null(strstr(t, "{\"name\":\"tos\",\"value\":\"zeroed\",\"sent\":40,"
				  "\"got\":0,\"suggests\":[],\"rules_out\":[]}"));
	assert_non_null(strstr(t, "{\"name\":\"timestamp\",\"value\":\"answered\","));
	assert_non_null(strstr(t, "\"probes_sent\":9,\"probes_answered\":8}\n"));
	free(t);
}

/* Nothing measured but the TTL (IPv6, --ttl-only): signals is [], the
 * odd label of an active verdict escaped as well. */
static void test_active_ttl_only(void **state)
{
	struct fp f;
	struct fp_signals s;
	struct fp_active a;
	struct report_os_evidence e;
	struct mem m;
	char *t;

	(void)state;
	fp_init(&f);
	f.family = AF_INET6;
	replies(&f, 1, 2, 255);
	fp_signals_init(&s);
	fp_active_verdict(&f, 0, &s, &a);
	a.label = "x\"\x01y";
	memset(&e, 0, sizeof(e));
	e.hops = 0;
	e.sent = 1;
	e.answered = 1;
	e.fp = &f;
	mem_open(&m);
	report_os_json_active(&m.w, &a, &s, &e);
	t = mem_take(&m);
	assert_non_null(strstr(t, "\"family\":\"x\\\"\\u0001y\""));
	assert_non_null(strstr(t, "\"signals\":[],\"probes_sent\":1,"));
	assert_non_null(strstr(t, "\"hops_measured\":true,\"measured_hops\":0"));
	free(t);
}

/* The quote of a Port Unreachable: the bytes, or "no_answer" (not
 * scored: no stack suggested or ruled out). */
static void test_active_quote(void **state)
{
	struct fp f;
	struct fp_signals s;
	struct fp_active a;
	struct report_os_evidence e;
	struct mem m;
	char *t;

	(void)state;
	fp_init(&f);
	f.family = AF_INET;
	replies(&f, 1, 5, 61);
	fp_signals_init(&s);
	s.quote_sent = 556;
	s.quoted = 8;
	fp_active_verdict(&f, 3, &s, &a);
	memset(&e, 0, sizeof(e));
	e.hops = 3;
	e.fp = &f;
	mem_open(&m);
	report_os_json_active(&m.w, &a, &s, &e);
	t = mem_take(&m);
	assert_non_null(strstr(t, "\"family\":\"FreeBSD/macOS\","));
	assert_non_null(strstr(t, "{\"name\":\"quote\",\"value\":\"8\",\"sent\":556,"
				  "\"got\":8,\"suggests\":[\"FreeBSD\",\"OpenBSD\","
				  "\"macOS\",\"Cisco IOS\",\"Windows 95\",\"HP JetDirect\"],"
				  "\"rules_out\":[\"Linux\",\"Windows\",\"Solaris\"]}"));
	free(t);

	s.quoted = -1;
	fp_active_verdict(&f, 3, &s, &a);
	mem_open(&m);
	report_os_json_active(&m.w, &a, &s, &e);
	t = mem_take(&m);
	assert_non_null(strstr(t, "\"family\":\"Linux/Unix\","));
	assert_non_null(strstr(t, "\"signals\":[{\"name\":\"quote\",\"value\":\"no_answer\","
				  "\"sent\":556,\"got\":null,\"suggests\":[],"
				  "\"rules_out\":[]}]"));
	free(t);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(report_os_json_code(FP_CODE_ECHOED), "echoed");
	assert_string_equal(report_os_json_code(FP_CODE_ZEROED), "zeroed");
	assert_string_equal(report_os_json_ipid(FP_IPSEQ_COPIED), "copied");
	assert_null(report_os_json_ipid(FP_IPSEQ_UNKNOWN));
}

/* ping --os --json: the reporter writes os right before the summary. */
static void test_ping_reporter_order(void **state)
{
	struct report_machine_cfg mc;
	struct report_json r;
	struct sockaddr_in dst;
	struct stats st;
	struct fp f;
	struct event ev;
	struct mem m;
	char *t, *os, *sum;

	(void)state;
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	inet_pton(AF_INET, "198.18.0.2", &dst.sin_addr);
	stats_init(&st);
	fp_init(&f);
	f.family = AF_INET;
	replies(&f, 1, 1, 128);
	mem_open(&m);
	memset(&mc, 0, sizeof(mc));
	mc.out = m.f;
	mc.command = "ping";
	mc.host = mc.canon = "198.18.0.2";
	mc.dst = (struct sockaddr *)&dst;
	mc.datalen = 56;
	mc.ttl = -1;
	mc.stats = &st;
	mc.fp = &f;
	report_json_init(&r, &mc);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_START;
	report_json_on_event(&r, &ev);
	ev.type = EV_END;
	report_json_on_event(&r, &ev);
	t = mem_take(&m);
	os = strstr(t, "\n{\"type\":\"os\",\"family\":\"Windows\"");
	sum = strstr(t, "\n{\"type\":\"summary\"");
	assert_non_null(os);
	assert_non_null(sum);
	assert_true(os < sum);
	assert_non_null(strstr(t, "\"command\":\"ping\""));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ping_verdict),
		cmocka_unit_test(test_ping_ambiguous_changed),
		cmocka_unit_test(test_no_verdict),
		cmocka_unit_test(test_odd_label),
		cmocka_unit_test(test_active),
		cmocka_unit_test(test_active_ttl_only),
		cmocka_unit_test(test_active_quote),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ping_reporter_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
