/* Unit tests for src/engine/dedup: the bitmap (exact, shared between
 * views) and the window (exact over its last N, forgetting the oldest
 * first), against a plain model of each. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "engine/dedup.h"

static void test_choice(void **state)
{
	struct dedup d;

	(void)state;
	/* Up to 2^27 indices: a bit each, unless a window is asked for. */
	assert_int_equal(dedup_init(&d, DEDUP_BITMAP_MAX, 0), 0);
	assert_non_null(d.bits);
	dedup_free(&d);
	assert_int_equal(dedup_bytes(DEDUP_BITMAP_MAX, 0), DEDUP_BITMAP_MAX / 8);
	/* Past that, the default window; never 512 MiB for 2^32. */
	assert_int_equal(dedup_init(&d, DEDUP_BITMAP_MAX + 1, 0), 0);
	assert_null(d.bits);
	assert_int_equal(d.window, DEDUP_WINDOW_DEFAULT);
	dedup_free(&d);
	assert_true(dedup_bytes(UINT64_C(1) << 32, 0) <= 32u << 20);
	assert_int_equal(dedup_init(&d, 100, 7), 0);
	assert_null(d.bits);
	assert_int_equal(d.window, 7);
	dedup_free(&d);
	assert_int_equal(dedup_init(&d, 100, DEDUP_WINDOW_MAX + 1), -EINVAL);
}

static void test_bitmap_shared(void **state)
{
	struct dedup a, b;

	(void)state;
	assert_int_equal(dedup_init(&a, 1000, 0), 0);
	assert_int_equal(dedup_share(&b, &a), 0);
	for (uint64_t i = 0; i < 1000; i += 3) {
		assert_false(dedup_has(&a, i));
		dedup_add(i % 2 ? &a : &b, i);
	}
	for (uint64_t i = 0; i < 1000; i++) {
		assert_int_equal(dedup_has(&a, i), i % 3 == 0);
		assert_int_equal(dedup_has(&b, i), i % 3 == 0);
	}
	dedup_free(&b);         /* borrowed: a's bits live on */
	assert_true(dedup_has(&a, 999));
	dedup_free(&a);
}

/* The window against a model: the last W distinct indices added. */
static void window_model(uint32_t w, uint64_t range, unsigned steps, unsigned seed)
{
	struct dedup d;
	uint64_t *last = calloc(w, sizeof(*last));
	unsigned n = 0, head = 0;

	assert_non_null(last);
	assert_int_equal(dedup_init(&d, UINT64_C(1) << 40, w), 0);
	srand(seed);
	for (unsigned s = 0; s < steps; s++) {
		uint64_t i = (uint64_t)rand() % range;
		bool in = false;

		for (unsigned k = 0; k < n; k++)
			in |= last[(head + k) % w] == i;
		assert_int_equal(dedup_has(&d, i), in);
		if (in)
			continue;
		dedup_add(&d, i);
		if (n == w) {
			last[head] = i;
			head = (head + 1) % w;
		} else {
			last[(head + n++) % w] = i;
		}
	}
	/* Everything the model holds is found, and a sample of the rest is
	 * not. */
	for (unsigned k = 0; k < n; k++)
		assert_true(dedup_has(&d, last[(head + k) % w]));
	for (uint64_t i = 0; i < range && i < 5000; i++) {
		bool in = false;

		for (unsigned k = 0; k < n; k++)
			in |= last[(head + k) % w] == i;
		assert_int_equal(dedup_has(&d, i), in);
	}
	dedup_free(&d);
	free(last);
}

static void test_window(void **state)
{
	(void)state;
	/* Small windows over a small range: many evictions, long probe runs
	 * in the table, indices coming back after they left. */
	window_model(1, 10, 2000, 1);
	window_model(5, 20, 5000, 2);
	window_model(64, 200, 20000, 3);
	window_model(1000, 3000, 50000, 4);
	/* A wide range: hardly any repeats. */
	window_model(300, UINT64_C(1) << 40, 5000, 5);
}

static void test_window_share(void **state)
{
	struct dedup a, b;

	(void)state;
	/* A shared window is a description: each view makes its own. */
	assert_int_equal(dedup_init_shared(&a, DEDUP_BITMAP_MAX + 1, 16), 0);
	assert_int_equal(dedup_share(&b, &a), 0);
	assert_int_equal(b.window, 16);
	dedup_add(&b, 42);
	assert_true(dedup_has(&b, 42));
	/* Index 0 is an index like any other (the table's empty is 0). */
	assert_false(dedup_has(&b, 0));
	dedup_add(&b, 0);
	assert_true(dedup_has(&b, 0));
	dedup_free(&b);
	dedup_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choice),
		cmocka_unit_test(test_bitmap_shared),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_window_share),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
