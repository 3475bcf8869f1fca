/* Unit tests for src/analysis/mtr_stats (echolot mtr): mtr's arithmetic
 * (loss with its truncation, mean, deviation, geometric mean, the four
 * jitter figures), the strip's ring, the addresses a hop answered from
 * and their MPLS labels, the rows to show (mtr's net_max), reset, and the
 * paths of --paths (flows grouped by the routers they met, merged). */
#include <stdbool.h>
#include <string.h>
#include <arpa/inet.h>

#include "unit.h"
#include "analysis/mtr_stats.h"

static double dabs(double x)
{
	return x < 0 ? -x : x;
}

static struct sockaddr_in sa4(const char *a)
{
	struct sockaddr_in s;

	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

#define SA(s) ((const struct sockaddr *)&(s))

static struct mtr_stats *new_stats(unsigned nflows, const char *dst)
{
	static struct mtr_stats s;
	struct sockaddr_in d = sa4(dst);

	mtr_stats_init(&s, nflows);
	s.family = AF_INET;
	memset(s.dst, 0, 10);
	s.dst[10] = s.dst[11] = 0xff;
	memcpy(s.dst + 12, &d.sin_addr, 4);
	s.first_ttl = 1;
	s.max_ttl = 30;
	return &s;
}

static void test_mtr_numbers(void **state)
{
	struct mtr_stats *s = new_stats(1, "198.18.9.9");
	struct sockaddr_in a = sa4("198.18.1.2");
	static const int64_t us[] = { 3000, 1000, 4000, 2000 };
	const struct mtr_hop *h;
	double sd;

	(void)state;
	for (unsigned i = 0; i < 4; i++)
		mtr_stats_add(s, 0, 1, SA(a), us[i] * 1000, 64, false, NULL, 0);
	mtr_stats_add(s, 0, 1, NULL, -1, -1, false, NULL, 0);
	mtr_stats_add(s, 0, 1, NULL, -1, -1, false, NULL, 0);
	h = s->flow[0].hop[1];
	assert_non_null(h);
	assert_int_equal(h->xmit, 6);
	assert_int_equal(h->returned, 4);
	/* 2 of 6: 33.333..%, as mtr's int of 1000 x the percentage. */
	assert_true(dabs(mtr_loss(h) - 33.333) < 1e-9);
	assert_int_equal(h->last, 2000);
	assert_int_equal(h->best, 1000);
	assert_int_equal(h->worst, 4000);
	assert_true(dabs(h->avg - 2500) < 1e-9);
	sd = mtr_stdev(h);
	assert_true(dabs(sd * sd - 5.0e6 / 3.0) < 1e-3);
	/* Geometric mean of 3, 1, 4, 2 ms: 24^(1/4) = 2.2134 ms. */
	assert_true(dabs(mtr_gmean(h) - 2213.36) < 0.5);
	/* Jitter: |1-3|, |4-1|, |2-4| after the first; worst 3 ms. */
	assert_int_equal(h->jitter, 2000);
	assert_int_equal(h->jworst, 3000);
	assert_false(h->up);
	mtr_stats_free(s);
}

static void test_mtr_gmean_range(void **state)
{
	/* The libm-free logarithm over the range of RTTs: 1 us .. 100 s. */
	static const int64_t us[] = { 1, 7, 100, 12345, 999999, 100000000 };

	(void)state;
	TABLE_BEGIN();
	for (unsigned i = 0; i < ARRAY_LEN(us); i++) {
		struct mtr_stats *s = new_stats(1, "198.18.9.9");
		struct sockaddr_in a = sa4("198.18.1.2");
		double g;

		mtr_stats_add(s, 0, 1, SA(a), us[i] * 1000, -1, false, NULL, 0);
		mtr_stats_add(s, 0, 1, SA(a), us[i] * 1000, -1, false, NULL, 0);
		g = mtr_gmean(s->flow[0].hop[1]);
		CHECK(dabs(g - (double)us[i]) <= 1e-6 * (double)us[i],
		      "gmean(%lld, %lld) = %f", (long long)us[i], (long long)us[i], g);
		mtr_stats_free(s);
	}
	TABLE_END();
}

static void test_mtr_saved_and_addrs(void **state)
{
	struct mtr_stats *s = new_stats(1, "198.18.9.9");
	struct sockaddr_in a = sa4("198.18.1.2"), b = sa4("198.18.1.3");
	/* An MPLS extension structure: version 2, one object of class 1
	 * (MPLS), c-type 1, label 16001, TC 0, S 1, TTL 1. */
	static const uint8_t ext[] = { 0x20, 0, 0, 0, 0, 8, 1, 1,
				       0x03, 0xe8, 0x11, 0x01 };
	const struct mtr_hop *h;

	(void)state;
	for (unsigned i = 0; i < MTR_SAVED + 5; i++)
		mtr_stats_add(s, 0, 2, i % 2 ? SA(a) : NULL, i % 2 ? 1000 * (int64_t)i : -1,
			      -1, false, NULL, 0);
	mtr_stats_add(s, 0, 2, SA(b), 7000, -1, false, ext, sizeof(ext));
	h = s->flow[0].hop[2];
	assert_int_equal(mtr_saved(h, 0), 7);
	assert_int_equal(mtr_saved(h, 1), MTR_SAVED_LOST);     /* i = 204 */
	assert_int_equal(mtr_saved(h, 2), MTR_SAVED + 3);      /* us */
	assert_int_equal(mtr_saved(h, MTR_SAVED), MTR_SAVED_NONE);
	/* Both addresses, the latest shown, with its labels. */
	assert_int_equal(h->naddrs, 2);
	assert_memory_equal(h->addr.a + 12, &b.sin_addr, 4);
	assert_memory_equal(h->addrs[0].a + 12, &a.sin_addr, 4);
	assert_int_equal(h->addr.nlabels, 1);
	assert_int_equal(h->addr.labels[0].label, 16001);
	assert_int_equal(h->addr.labels[0].s, 1);
	assert_int_equal(h->addr.labels[0].ttl, 1);
	mtr_stats_free(s);
}

static void test_mtr_rows(void **state)
{
	struct mtr_stats *s = new_stats(1, "198.18.9.9");
	struct sockaddr_in r1 = sa4("198.18.1.2"), r3 = sa4("198.18.3.2"),
			   t = sa4("198.18.9.9");

	(void)state;
	assert_int_equal(mtr_flow_last(s, 0), 0);
	/* Hops 1 and 3 answer, 2 and 4.. silent: one past the furthest. */
	mtr_stats_add(s, 0, 1, SA(r1), 1000, -1, false, NULL, 0);
	mtr_stats_add(s, 0, 2, NULL, -1, -1, false, NULL, 0);
	mtr_stats_add(s, 0, 3, SA(r3), 1000, -1, false, NULL, 0);
	mtr_stats_add(s, 0, 4, NULL, -1, -1, false, NULL, 0);
	assert_int_equal(mtr_flow_last(s, 0), 4);
	/* The target at 5: the last row, whatever lies beyond. */
	mtr_stats_add(s, 0, 5, SA(t), 1000, -1, true, NULL, 0);
	mtr_stats_add(s, 0, 7, SA(r3), 1000, -1, false, NULL, 0);
	assert_int_equal(mtr_flow_last(s, 0), 5);
	/* -m caps it. */
	s->max_ttl = 3;
	assert_int_equal(mtr_flow_last(s, 0), 3);
	s->max_ttl = 30;
	/* r: everything forgotten. */
	mtr_stats_reset(s);
	assert_int_equal(mtr_flow_last(s, 0), 0);
	assert_int_equal(s->flow[0].hop[1]->xmit, 0);
	assert_int_equal(mtr_saved(s->flow[0].hop[1], 0), MTR_SAVED_NONE);
	mtr_stats_free(s);
}

static void test_mtr_paths(void **state)
{
	struct mtr_stats *s = new_stats(3, "198.18.9.9");
	struct sockaddr_in r1 = sa4("198.18.1.2"), ra = sa4("198.18.2.2"),
			   rb = sa4("198.18.3.2"), t = sa4("198.18.9.9");
	struct mtr_path p[MTR_MAX_FLOWS];
	struct mtr_hop row;
	double ms[1];
	static const double p50[1] = { 50 };
	unsigned n;

	(void)state;
	/* Flows 0 and 2 through ra, flow 1 through rb. */
	for (unsigned f = 0; f < 3; f++) {
		mtr_stats_add(s, f, 1, SA(r1), 1000000 * (f + 1), -1, false, NULL, 0);
		mtr_stats_add(s, f, 2, f == 1 ? SA(rb) : SA(ra), 2000000 * (f + 1),
			      -1, false, NULL, 0);
		mtr_stats_add(s, f, 3, SA(t), 3000000, -1, true, NULL, 0);
	}
	mtr_stats_add(s, 2, 2, NULL, -1, -1, false, NULL, 0);
	n = mtr_paths(s, p);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].nflows, 2);
	assert_int_equal(p[0].flows[0], 0);
	assert_int_equal(p[0].flows[1], 2);
	assert_int_equal(p[0].last_ttl, 3);
	assert_int_equal(p[1].nflows, 1);
	assert_int_equal(p[1].flows[0], 1);
	/* Path 1's hop 2: flows 0 and 2 merged: 3 sent, 2 answered (2 and 6
	 * ms): mean 4 ms, deviation sqrt(8) ms, best 2, worst 6. */
	assert_true(mtr_row(s, &p[0], 2, &row));
	assert_int_equal(row.xmit, 3);
	assert_int_equal(row.returned, 2);
	assert_true(dabs(row.avg - 4000) < 1e-9);
	assert_true(dabs(mtr_stdev(&row) - 2828.427) < 0.01);
	assert_int_equal(row.best, 2000);
	assert_int_equal(row.worst, 6000);
	assert_false(row.up);           /* flow 2's lost probe is the latest */
	assert_memory_equal(row.addr.a + 12, &ra.sin_addr, 4);
	mtr_percentiles(s, &p[0], 2, p50, ms, 1);
	assert_true(dabs(ms[0] - 2.0) < 0.02);
	mtr_percentiles(s, &p[1], 2, p50, ms, 1);
	assert_true(dabs(ms[0] - 4.0) < 0.02);
	assert_false(mtr_row(s, &p[0], 9, &row));
	mtr_stats_free(s);
}

static void test_mtr_os(void **state)
{
	struct mtr_stats *s = new_stats(1, "198.18.9.9");
	struct sockaddr_in a = sa4("198.18.4.2");
	struct fp_verdict v;

	(void)state;
	/* Hop 5 answers with TTL 251: 4 routers back from 255. */
	for (unsigned i = 0; i < 3; i++)
		mtr_stats_add(s, 0, 5, SA(a), 1000, 251, false, NULL, 0);
	mtr_os(s->flow[0].hop[5], 5, &v);
	assert_int_equal(v.initial, 255);
	assert_int_equal(v.hops, 4);
	assert_true(v.confidence >= FP_CONF_MEDIUM);
	mtr_stats_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mtr_numbers),
		cmocka_unit_test(test_mtr_gmean_range),
		cmocka_unit_test(test_mtr_saved_and_addrs),
		cmocka_unit_test(test_mtr_rows),
		cmocka_unit_test(test_mtr_paths),
		cmocka_unit_test(test_mtr_os),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
