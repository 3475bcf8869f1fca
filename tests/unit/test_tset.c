/* Unit tests for src/engine/tset: target sets (CIDR, ranges, exclusions,
 * zmap's reserved blocks) and the seeded walk (a full-period permutation,
 * shards disjoint and covering). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "engine/tset.h"

static void build(struct tset *s, const char *const *add, const char *const *ex)
{
	char err[256];

	tset_init(s);
	for (; add && *add; add++) {
		int rc = tset_add(s, *add, AF_UNSPEC, NULL, NULL, err, sizeof(err));

		if (rc)
			print_error("%s: %s\n", *add, err);
		assert_int_equal(rc, 0);
	}
	for (; ex && *ex; ex++)
		assert_int_equal(tset_exclude(s, *ex, err, sizeof(err)), 0);
	assert_int_equal(tset_finish(s), 0);
}

static void str_of(const struct tset *s, uint64_t i, char *buf)
{
	uint8_t a[16];
	int fam = tset_addr(s, i, a);

	inet_ntop(fam, fam == AF_INET ? (void *)(a + 12) : (void *)a, buf, 64);
}

static void test_sizes(void **state)
{
	static const struct {
		const char *t[4];
		const char *ex[3];
		uint64_t size;
	} rows[] = {
		{ { "198.18.0.0/16" }, { NULL }, 65536 },
		{ { "198.18.0.7/24" }, { NULL }, 256 },         /* host bits cleared */
		{ { "198.18.0.1" }, { NULL }, 1 },
		{ { "198.18.0.1-198.18.0.10" }, { NULL }, 10 },
		{ { "198.18.0.0/24", "198.18.0.128/25" }, { NULL }, 256 }, /* merged */
		{ { "198.18.0.0/24", "198.18.1.0/24" }, { NULL }, 512 },
		{ { "198.18.0.0/16" }, { "198.18.1.0/24", "198.18.0.5" }, 65536 - 257 },
		{ { "198.18.0.0/24" }, { "198.18.0.0/16" }, 0 },
		{ { "2001:2::/112" }, { NULL }, 65536 },
		{ { "2001:2::/104" }, { NULL }, 1u << 24 },
		{ { "2001:2::1-2001:2::ff" }, { NULL }, 255 },
		{ { "198.18.0.0/24", "2001:2::/120" }, { NULL }, 512 },
		/* zmap's reserved blocks fall out of a larger block ... */
		{ { "0.0.0.0/0" }, { NULL }, 4294967296ull - (1u << 24) - (1u << 29) },
		{ { "223.255.255.0-224.0.0.255" }, { NULL }, 256 },
		/* ... but stay when named on their own */
		{ { "224.0.0.1" }, { NULL }, 1 },
		{ { "255.255.255.255" }, { NULL }, 1 },
		{ { "240.0.0.0/4" }, { NULL }, 1u << 28 },
		{ { "0.0.0.0/8", "198.18.0.0/24" }, { NULL }, (1u << 24) + 256 },
	};

	(void)state;
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		struct tset s;

		build(&s, rows[i].t, rows[i].ex);
		CHECK(s.size == rows[i].size, "row %zu: %llu, want %llu", i,
		      (unsigned long long)s.size, (unsigned long long)rows[i].size);
		tset_free(&s);
	}
	TABLE_END();
}

static void test_addresses(void **state)
{
	const char *t[] = { "198.18.0.0/30", "2001:2::10-2001:2::11", NULL };
	const char *ex[] = { "198.18.0.1", NULL };
	const char *want[] = { "198.18.0.0", "198.18.0.2", "198.18.0.3",
			       "2001:2::10", "2001:2::11" };
	struct tset s;
	char buf[64];

	(void)state;
	build(&s, t, ex);
	assert_int_equal(s.size, 5);
	assert_true(s.has4 && s.has6);
	for (uint64_t i = 0; i < 5; i++) {
		uint8_t a[16];

		str_of(&s, i, buf);
		assert_string_equal(buf, want[i]);
		tset_addr(&s, i, a);
		assert_int_equal(tset_index(&s, a), (int64_t)i);
	}
	{
		uint8_t a[16] = { 0 };

		a[10] = a[11] = 0xff;
		a[12] = 198, a[13] = 18, a[15] = 1;     /* excluded */
		assert_int_equal(tset_index(&s, a), -1);
	}
	tset_free(&s);
}

static void test_bad_input(void **state)
{
	static const char *bad[] = {
		"198.18.0.0/33", "198.18.0.0/", "/24", "198.18.0.0/2x",
		"198.18.0.300", "198.18.0.9-198.18.0.1", "2001:2::/96",
		"2001:2::/0", "198.18.0.1-2001:2::1", "1.2.3", "",
		"2001:2::-2001:2::1:0:0",
	};
	struct tset s;
	char err[256];

	(void)state;
	TABLE_BEGIN();
	tset_init(&s);
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		err[0] = '\0';
		CHECK(tset_add(&s, bad[i], AF_UNSPEC, NULL, NULL, err, sizeof(err)) == -1,
		      "'%s' accepted", bad[i]);
		CHECK(err[0] && !strchr(err, '\n'), "'%s': no one-line error", bad[i]);
	}
	CHECK(tset_add(&s, "2001:2::1", AF_INET, NULL, NULL, err, sizeof(err)) == -1,
	      "IPv6 accepted with -4");
	CHECK(tset_exclude(&s, "example", err, sizeof(err)) == -1, "name excluded");
	tset_free(&s);
	TABLE_END();
}

static void test_line(void **state)
{
	char a[] = "  198.18.0.0/24  # a comment\n", b[] = "# only\n", c[] = "\t\r\n",
	     d[] = "host\r\n";

	(void)state;
	assert_string_equal(tset_line(a), "198.18.0.0/24");
	assert_null(tset_line(b));
	assert_null(tset_line(c));
	assert_string_equal(tset_line(d), "host");
}

static void test_primes(void **state)
{
	(void)state;
	assert_true(tset_is_prime(2));
	assert_true(tset_is_prime(65537));
	assert_false(tset_is_prime(65536));
	assert_false(tset_is_prime(3215031751ull));     /* strong pseudoprime to 2,3,5,7 */
	assert_true(tset_is_prime(4294967311ull));
	assert_true(tset_is_prime(18446744073709551557ull));
	assert_int_equal(tset_powmod(3, 65536, 65537), 1);
}

/* Every index once, for many sizes; the order depends on the seed. */
static void test_perm_full(void **state)
{
	static const uint64_t sizes[] = { 0, 1, 2, 3, 4, 5, 10, 255, 256, 1000, 65536 };

	(void)state;
	TABLE_BEGIN();
	for (size_t k = 0; k < ARRAY_LEN(sizes); k++) {
		uint64_t n = sizes[k], seen = 0;
		uint8_t *hit = calloc(n + 1, 1);
		struct tset_perm w;
		int64_t i;

		assert_int_equal(tset_perm_init(&w, n, 42 + k, 0, 1), 0);
		CHECK(tset_perm_count(&w) == n, "count %llu", (unsigned long long)n);
		while ((i = tset_perm_next(&w)) >= 0) {
			CHECK((uint64_t)i < n && !hit[i], "size %llu: %lld twice or out",
			      (unsigned long long)n, (long long)i);
			if ((uint64_t)i < n && !hit[i])
				seen++;
			if ((uint64_t)i < n)
				hit[i] = 1;
		}
		CHECK(seen == n, "size %llu: saw %llu", (unsigned long long)n,
		      (unsigned long long)seen);
		free(hit);
	}
	TABLE_END();
	{
		struct tset_perm a, b;
		int same = 0;

		tset_perm_init(&a, 65536, 1, 0, 1);
		tset_perm_init(&b, 65536, 2, 0, 1);
		for (int i = 0; i < 100; i++)
			same += tset_perm_next(&a) == tset_perm_next(&b);
		assert_true(same < 10);
		/* Neighbours are far apart: no /24 gets a burst. */
		tset_perm_rewind(&a);
		int near = 0;
		int64_t prev = tset_perm_next(&a), cur;
		while ((cur = tset_perm_next(&a)) >= 0) {
			near += (cur >> 8) == (prev >> 8);
			prev = cur;
		}
		assert_true(near < 65536 / 64);
	}
}

static void test_shards(void **state)
{
	const uint64_t n = 10007 * 3;
	uint8_t *hit = calloc(n, 1);
	uint64_t total = 0;

	(void)state;
	for (uint32_t s = 0; s < 4; s++) {
		struct tset_perm w;
		int64_t i;
		uint64_t c = 0;

		assert_int_equal(tset_perm_init(&w, n, 99, s, 4), 0);
		while ((i = tset_perm_next(&w)) >= 0) {
			assert_true((uint64_t)i < n);
			assert_int_equal(hit[i], 0);    /* disjoint */
			hit[i] = 1;
			c++;
		}
		/* Rewinding gives the same walk. */
		tset_perm_rewind(&w);
		assert_true(tset_perm_next(&w) >= 0);
		total += c;
	}
	assert_int_equal(total, n);     /* the union is the set */
	free(hit);
	{
		struct tset_perm w;

		assert_int_equal(tset_perm_init(&w, 10, 1, 5, 4), -EINVAL);
		assert_int_equal(tset_perm_init(&w, 10, 1, 0, 0), -EINVAL);
	}
}

/* A sweep's threads (engine/sweep_group.c): shard s of N, walked by T
 * threads as shards s + N*t of N*T, is exactly shard s, each index once;
 * also for sets smaller than N*T (some threads get nothing). */
static void test_thread_parts(void **state)
{
	static const struct { uint64_t size; uint32_t shards, threads; } t[] = {
		{ 65536, 1, 2 }, { 65536, 1, 3 }, { 30021, 4, 2 }, { 4093, 3, 5 },
		{ 7, 2, 8 }, { 1, 1, 4 },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		uint8_t *want = calloc(t[k].size, 1), *got = calloc(t[k].size, 1);

		assert_non_null(want);
		assert_non_null(got);
		for (uint32_t s = 0; s < t[k].shards; s++) {
			struct tset_perm w;
			int64_t i;

			memset(want, 0, t[k].size);
			memset(got, 0, t[k].size);
			assert_int_equal(tset_perm_init(&w, t[k].size, 42, s, t[k].shards), 0);
			while ((i = tset_perm_next(&w)) >= 0)
				want[i] = 1;
			for (uint32_t th = 0; th < t[k].threads; th++) {
				assert_int_equal(tset_perm_init(&w, t[k].size, 42,
								s + t[k].shards * th,
								t[k].shards * t[k].threads), 0);
				while ((i = tset_perm_next(&w)) >= 0) {
					assert_int_equal(got[i], 0);    /* once */
					got[i] = 1;
				}
			}
			assert_memory_equal(want, got, t[k].size);
		}
		free(want);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_primes),
		cmocka_unit_test(test_perm_full),
		cmocka_unit_test(test_shards),
		cmocka_unit_test(test_thread_parts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
