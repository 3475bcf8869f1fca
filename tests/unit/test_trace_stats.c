/* Unit tests for src/analysis/trace_stats (traceroute --report): loss,
 * last / best / worst / mean, and the sample deviation mtr shows. */
#include <stdbool.h>
#include <string.h>

#include "unit.h"
#include "analysis/trace_stats.h"

static double dabs(double x)
{
	return x < 0 ? -x : x;
}

static void test_empty(void **state)
{
	struct trace_hop_stats h;

	(void)state;
	TABLE_BEGIN();
	memset(&h, 0, sizeof(h));
	assert_true(trace_hop_stats_loss(&h) == 0.0);
	assert_true(trace_hop_stats_stdev(&h) == 0.0);
	trace_hop_stats_add(&h, false, 0);
	trace_hop_stats_add(&h, false, 0);
	assert_int_equal(h.sent, 2);
	assert_int_equal(h.recv, 0);
	assert_true(trace_hop_stats_loss(&h) == 100.0);
	assert_true(trace_hop_stats_stdev(&h) == 0.0);
	TABLE_END();
}

static void test_numbers(void **state)
{
	static const double rtt[] = { 3.0, 1.0, 4.0, 2.0 };
	struct trace_hop_stats h;
	double sd;

	(void)state;
	memset(&h, 0, sizeof(h));
	for (unsigned i = 0; i < 4; i++)
		trace_hop_stats_add(&h, true, rtt[i]);
	trace_hop_stats_add(&h, false, 99.0);   /* a loss changes no time */
	assert_int_equal(h.sent, 5);
	assert_int_equal(h.recv, 4);
	assert_true(dabs(trace_hop_stats_loss(&h) - 20.0) < 1e-9);
	assert_true(h.last_ms == 2.0);
	assert_true(h.best_ms == 1.0);
	assert_true(h.worst_ms == 4.0);
	assert_true(dabs(h.mean_ms - 2.5) < 1e-12);
	/* n - 1: sum of squares 5 over 3 (population would be 5 / 4). */
	sd = trace_hop_stats_stdev(&h);
	assert_true(dabs(sd * sd - 5.0 / 3.0) < 1e-9);
	/* One answer: no deviation, as mtr. */
	memset(&h, 0, sizeof(h));
	trace_hop_stats_add(&h, true, 7.5);
	assert_true(trace_hop_stats_stdev(&h) == 0.0);
	assert_true(h.best_ms == 7.5 && h.worst_ms == 7.5 && h.last_ms == 7.5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_numbers),
	};

	return cmocka_run_group_tests_name("trace_stats", tests, NULL, NULL);
}
