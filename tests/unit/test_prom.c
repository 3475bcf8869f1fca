/* Unit tests for the exporter's numbers and text: report/prom.c (numbers
 * as Go prints them, escaping, families, the streamed scrape, /probe's
 * page) and analysis/metrics.c (events into counters and histograms). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "unit.h"
#include "analysis/metrics.h"
#include "report/prom.h"

/* ------------------------------------------------------------ numbers */

static void test_float(void **state)
{
	/* Right-hand sides as Go's strconv.FormatFloat(v, 'g', -1, 64) and
	 * so client_golang print them (the first ones are smokeping_prober's
	 * buckets, as it prints them in its le labels). */
	static const struct { double v; const char *go; } rows[] = {
		{ 5e-05, "5e-05" }, { 0.0001, "0.0001" }, { 0.0002, "0.0002" },
		{ 0.0512, "0.0512" }, { 26.2144, "26.2144" }, { 13.1072, "13.1072" },
		{ 0, "0" }, { 1, "1" }, { 64, "64" }, { 100000, "100000" },
		{ 123456, "123456" }, { 1e6, "1e+06" }, { 1234567, "1.234567e+06" },
		{ 1.796293616120458e+09, "1.796293616120458e+09" },
		{ 3668918509.0, "3.668918509e+09" },
		{ 0.0026102659999999995, "0.0026102659999999995" },
		{ 1.0284e-05, "1.0284e-05" }, { 0.00001, "1e-05" }, { 0.5, "0.5" },
		{ -2.5, "-2.5" }, { 1e21, "1e+21" }, { 1e100, "1e+100" },
		{ 1e-100, "1e-100" }, { 12.5, "12.5" }, { 999999, "999999" },
		{ 0.1 + 0.2, "0.30000000000000004" },
		{ 1.0 / 0.0, "+Inf" }, { -1.0 / 0.0, "-Inf" },
	};
	char buf[64];

	(void)state;
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		prom_float(buf, sizeof(buf), rows[i].v);
		CHECK(!strcmp(buf, rows[i].go), "%.17g: '%s', Go prints '%s'", rows[i].v,
		      buf, rows[i].go);
	}
	prom_float(buf, sizeof(buf), 0.0 / 0.0);
	CHECK(!strcmp(buf, "NaN"), "NaN: '%s'", buf);
	/* A short buffer is cut and terminated. */
	prom_float(buf, 4, 1.796293616120458e+09);
	CHECK(strlen(buf) == 3, "cut: '%s'", buf);
	TABLE_END();
}

static void test_escape(void **state)
{
	struct prom_buf b = { 0 };
	const char *l[] = { "host", "a\"b\\c\nd", "ip", "198.18.0.2" };

	(void)state;
	prom_family(&b, "x_total", "counter", "help with \\ and\nnewline and \"quotes\"");
	prom_sample(&b, "x_total", l, 2, 3);
	prom_sample(&b, "y", NULL, 0, 0.25);
	assert_string_equal(b.p,
		"# HELP x_total help with \\\\ and\\nnewline and \"quotes\"\n"
		"# TYPE x_total counter\n"
		"x_total{host=\"a\\\"b\\\\c\\nd\",ip=\"198.18.0.2\"} 3\n"
		"y 0.25\n");
	assert_false(b.oom);
	prom_buf_free(&b);
}

/* ------------------------------------------------------------ metrics */

static struct event ev_of(enum event_type type, uint32_t ti)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.target = ti;
	ev.ttl = -1;
	return ev;
}

static void reply(struct metrics *m, uint32_t ti, int64_t rtt_ns, int ttl)
{
	struct event ev = ev_of(EV_REPLY, ti);

	ev.has_rtt = true;
	ev.rtt_ns = rtt_ns;
	ev.ttl = ttl;
	metrics_on_event(m, &ev);
}

static const double bounds[] = { 0.001, 0.002, 0.004 };

static void test_metrics(void **state)
{
	struct metrics m;
	struct event ev;
	const struct metrics_target *t;
	const uint64_t *h;
	struct sockaddr_in r1 = { .sin_family = AF_INET };

	(void)state;
	assert_int_equal(metrics_init(&m, bounds, 3), 0);
	ev = ev_of(EV_START, 2);
	metrics_on_event(&m, &ev);
	for (int i = 0; i < 7; i++) {
		ev = ev_of(EV_SENT, 2);
		metrics_on_event(&m, &ev);
	}
	reply(&m, 2, 1000000, 60);      /* exactly on a bound: that bucket */
	reply(&m, 2, 1500000, 60);
	reply(&m, 2, 9000000, 57);      /* above every bound */
	ev = ev_of(EV_REPLY, 2);
	ev.dup = true;
	metrics_on_event(&m, &ev);
	ev = ev_of(EV_REPLY, 2);
	ev.late = true;
	metrics_on_event(&m, &ev);
	ev = ev_of(EV_REPLY, 2);
	ev.bad_tag = true;
	metrics_on_event(&m, &ev);
	ev = ev_of(EV_TIMEOUT, 2);
	metrics_on_event(&m, &ev);
	ev = ev_of(EV_LOCAL_ERROR, 2);
	metrics_on_event(&m, &ev);
	/* Errors from six routers: four kept, two counted as others. */
	for (int i = 0; i < 7; i++) {
		ev = ev_of(EV_ERROR, 2);
		ev.icmp_type = 11;
		r1.sin_addr.s_addr = htonl(0xc6120100u + (uint32_t)(i < 6 ? i : 0));
		ev.from = (struct sockaddr *)&r1;
		metrics_on_event(&m, &ev);
	}
	ev = ev_of(EV_FOREIGN, 0);
	ev.foreign = EV_FOREIGN_TAG;
	metrics_on_event(&m, &ev);
	/* An event for a target never started is ignored. */
	ev = ev_of(EV_SENT, 900);
	metrics_on_event(&m, &ev);

	t = metrics_target(&m, 2);
	h = metrics_hist(&m, 2);
	assert_non_null(t);
	assert_int_equal(t->sent, 7);
	assert_int_equal(t->received, 3);
	assert_int_equal(t->dups, 1);
	assert_int_equal(t->late, 1);
	assert_int_equal(t->forged, 1);
	assert_int_equal(t->lost, 1);
	assert_int_equal(t->send_errors, 1);
	assert_int_equal(t->icmp_errors, 7);
	assert_int_equal(t->nerrs, 4);
	assert_int_equal(t->errs[0].count, 2);  /* router .0 twice */
	assert_int_equal(t->errs_other, 2);
	assert_int_equal(h[0], 1);
	assert_int_equal(h[1], 1);
	assert_int_equal(h[2], 0);
	assert_int_equal(h[3], 1);
	assert_true(t->rtt_sum > 0.0114999 && t->rtt_sum < 0.0115001);
	assert_int_equal(t->last_ttl, 57);
	assert_int_equal(t->initial_ttl, 64);
	assert_int_equal(m.foreign[EV_FOREIGN_TAG], 1);
	assert_null(metrics_target(&m, 900));

	/* A new target in the place: from zero again. */
	ev = ev_of(EV_START, 2);
	metrics_on_event(&m, &ev);
	t = metrics_target(&m, 2);
	assert_int_equal(t->sent, 0);
	assert_int_equal(t->nerrs, 0);
	assert_int_equal(metrics_hist(&m, 2)[3], 0);
	metrics_free(&m);

	/* Bounds must ascend. */
	{
		double bad[] = { 0.1, 0.1 };

		assert_int_equal(metrics_init(&m, bad, 2), -EINVAL);
		assert_int_equal(metrics_init(&m, bad, 0), -EINVAL);
	}
}

/* ------------------------------------------------------------- scrape */

struct fake {
	const char *host[3];
	const char *ip[3];
	bool present[3];
};

static bool fake_get(void *ctx, uint32_t i, struct prom_target *t)
{
	struct fake *f = ctx;

	if (i >= 3 || !f->present[i])
		return false;
	t->host = f->host[i];
	t->ip = f->ip[i];
	t->ti = i;
	t->resolved = f->ip[i] != NULL;
	t->resolve_errors = f->ip[i] ? 0 : 4;
	return true;
}

static void test_scrape(void **state)
{
	struct metrics m;
	struct fake f = {
		.host = { "plain.test", "we\"ird\\host", "a\nb" },
		.ip = { "198.18.0.2", "2001:2::2", NULL },
		.present = { true, true, true },
	};
	uint32_t n = 3;
	bool ok = true;
	double when = 1700000000.5;
	struct prom_source src = { .m = &m, .n = &n, .get = fake_get, .ctx = &f,
				   .version = "0.1.0", .reload_ok = &ok,
				   .reload_time = &when, .timeout_s = 5 };
	struct prom_buf all = { 0 };
	struct prom_scrape *s;
	char small[7];
	size_t len = 0;
	ssize_t k;
	char *pieced;
	struct event ev;

	(void)state;
	assert_int_equal(metrics_init(&m, bounds, 3), 0);
	for (uint32_t i = 0; i < 3; i++) {
		ev = ev_of(EV_START, i);
		metrics_on_event(&m, &ev);
	}
	reply(&m, 0, 1500000, 61);
	ev = ev_of(EV_SENT, 0);
	metrics_on_event(&m, &ev);
	prom_scrape_all(&src, &all);
	assert_false(all.oom);
	/* smokeping_prober's lines, labels in its order. */
	assert_non_null(strstr(all.p,
		"# HELP smokeping_requests_total Number of ping requests sent\n"
		"# TYPE smokeping_requests_total counter\n"
		"smokeping_requests_total{host=\"plain.test\",ip=\"198.18.0.2\"} 1\n"
		"smokeping_requests_total{host=\"we\\\"ird\\\\host\",ip=\"2001:2::2\"} 0\n"
		"# HELP"));
	assert_non_null(strstr(all.p,
		"smokeping_response_duration_seconds_bucket{host=\"plain.test\",ip=\"198.18.0.2\",le=\"0.001\"} 0\n"
		"smokeping_response_duration_seconds_bucket{host=\"plain.test\",ip=\"198.18.0.2\",le=\"0.002\"} 1\n"
		"smokeping_response_duration_seconds_bucket{host=\"plain.test\",ip=\"198.18.0.2\",le=\"0.004\"} 1\n"
		"smokeping_response_duration_seconds_bucket{host=\"plain.test\",ip=\"198.18.0.2\",le=\"+Inf\"} 1\n"
		"smokeping_response_duration_seconds_sum{host=\"plain.test\",ip=\"198.18.0.2\"} 0.0015\n"
		"smokeping_response_duration_seconds_count{host=\"plain.test\",ip=\"198.18.0.2\"} 1\n"));
	assert_non_null(strstr(all.p, "smokeping_response_ttl{host=\"plain.test\",ip=\"198.18.0.2\"} 61\n"));
	assert_non_null(strstr(all.p, "echolot_hop_distance{host=\"plain.test\",ip=\"198.18.0.2\"} 3\n"));
	assert_non_null(strstr(all.p, "echolot_os_info{family=\"Linux/Unix\",host=\"plain.test\","
				      "initial_ttl=\"64\",ip=\"198.18.0.2\"} 1\n"));
	/* The unresolved one: only where the host alone labels it. */
	assert_non_null(strstr(all.p, "echolot_target_resolved{host=\"a\\nb\"} 0\n"));
	assert_non_null(strstr(all.p, "echolot_resolve_errors_total{host=\"a\\nb\"} 4\n"));
	assert_null(strstr(all.p, "host=\"a\\nb\",ip"));
	assert_non_null(strstr(all.p, "smokeping_prober_config_last_reload_success_timestamp_seconds "
				      "1.7000000005e+09\n"));

	/* Families in name order, each once. */
	{
		char last[128] = "";
		const char *p = all.p;

		while ((p = strstr(p, "# TYPE "))) {
			char name[128];

			sscanf(p + 7, "%127s", name);
			assert_true(strcmp(last, name) < 0);
			strcpy(last, name);
			p++;
		}
	}

	/* Read a few bytes at a time: the same text. */
	s = prom_scrape_new(&src);
	pieced = malloc(all.len + 1);
	while ((k = prom_scrape_read(s, small, sizeof(small))) > 0) {
		assert_true(len + (size_t)k <= all.len);
		memcpy(pieced + len, small, (size_t)k);
		len += (size_t)k;
	}
	assert_int_equal(k, 0);
	assert_int_equal(len, all.len);
	assert_memory_equal(pieced, all.p, len);
	prom_scrape_free(s);

	/* A target gone in the middle of a scrape: skipped, nothing else. */
	s = prom_scrape_new(&src);
	k = prom_scrape_read(s, pieced, 300);
	f.present[1] = false;
	n = 2;
	while (prom_scrape_read(s, pieced, all.len) > 0)
		;
	prom_scrape_free(s);
	free(pieced);
	prom_buf_free(&all);
	metrics_free(&m);
}

static void test_probe_page(void **state)
{
	static const uint8_t lo[4] = { 127, 0, 0, 1 };
	struct prom_probe p = { .resolved = true, .family = AF_INET, .addr = lo,
				.success = true, .hop_limit = 64, .resolve_s = 1.7852e-05,
				.setup_s = 0.000314752, .rtt_s = 0.000160598,
				.duration_s = 0.000698408 };
	struct prom_buf b = { 0 };

	(void)state;
	prom_probe_page(&b, &p);
	/* blackbox_exporter 0.23's page for the same probe (its values). */
	assert_string_equal(b.p,
		"# HELP probe_dns_lookup_time_seconds Returns the time taken for probe dns lookup in seconds\n"
		"# TYPE probe_dns_lookup_time_seconds gauge\n"
		"probe_dns_lookup_time_seconds 1.7852e-05\n"
		"# HELP probe_duration_seconds Returns how long the probe took to complete in seconds\n"
		"# TYPE probe_duration_seconds gauge\n"
		"probe_duration_seconds 0.000698408\n"
		"# HELP probe_icmp_duration_seconds Duration of icmp request by phase\n"
		"# TYPE probe_icmp_duration_seconds gauge\n"
		"probe_icmp_duration_seconds{phase=\"resolve\"} 1.7852e-05\n"
		"probe_icmp_duration_seconds{phase=\"rtt\"} 0.000160598\n"
		"probe_icmp_duration_seconds{phase=\"setup\"} 0.000314752\n"
		"# HELP probe_icmp_reply_hop_limit Replied packet hop limit (TTL for ipv4)\n"
		"# TYPE probe_icmp_reply_hop_limit gauge\n"
		"probe_icmp_reply_hop_limit 64\n"
		"# HELP probe_ip_addr_hash Specifies the hash of IP address. It's useful to detect if the IP address changes.\n"
		"# TYPE probe_ip_addr_hash gauge\n"
		"probe_ip_addr_hash 3.668918509e+09\n"
		"# HELP probe_ip_protocol Specifies whether probe ip protocol is IP4 or IP6\n"
		"# TYPE probe_ip_protocol gauge\n"
		"probe_ip_protocol 4\n"
		"# HELP probe_success Displays whether or not the probe was a success\n"
		"# TYPE probe_success gauge\n"
		"probe_success 1\n");
	prom_buf_free(&b);

	/* A name that did not resolve: zeros, no hop limit. */
	memset(&p, 0, sizeof(p));
	p.hop_limit = -1;
	p.duration_s = 0.000572937;
	prom_probe_page(&b, &p);
	assert_null(strstr(b.p, "probe_icmp_reply_hop_limit"));
	assert_non_null(strstr(b.p, "probe_icmp_duration_seconds{phase=\"rtt\"} 0\n"));
	assert_non_null(strstr(b.p, "probe_ip_addr_hash 0\n"));
	assert_non_null(strstr(b.p, "probe_ip_protocol 0\n"));
	assert_non_null(strstr(b.p, "probe_success 0\n"));
	prom_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_float),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_scrape),
		cmocka_unit_test(test_probe_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
