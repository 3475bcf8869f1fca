/* Unit tests for machine-readable output: the JSON writer (escaping of
 * quotes, control characters, invalid UTF-8; numbers), the log-linear
 * histogram's percentiles and precision, the probe tracker behind JSON
 * `timeout` events, the --json and --format=atlas reporters fed with
 * events, and the --json / --format options. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "unit.h"
#include "analysis/hist.h"
#include "analysis/probes.h"
#include "analysis/stats.h"
#include "cli/ping_opts.h"
#include "report/json.h"
#include "report/ping_json.h"

#define US 1000LL
#define MS 1000000LL

/* ------------------------------------------------------------ helpers */

/* A writer on a memory stream; take() ends it and returns the text. */
struct mem {
	char *buf;
	size_t len;
	FILE *f;
};

static void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
}

static char *mem_take(struct mem *m)
{
	fclose(m->f);
	return m->buf;
}

/* Escape s (n bytes) with json_str and return the text between the
 * quotes (malloc'd). */
static char *quoted(const char *s, size_t n)
{
	struct json_writer w;
	struct mem m;
	char *t;
	size_t len;

	mem_open(&m);
	json_init(&w, m.f);
	json_strn(&w, s, n);
	t = mem_take(&m);
	len = strlen(t);
	assert_true(len >= 2 && t[0] == '"' && t[len - 1] == '"');
	memmove(t, t + 1, len - 2);
	t[len - 2] = '\0';
	return t;
}

/* Is s (NUL-terminated) valid UTF-8 with no raw control characters, no
 * unescaped quote and only valid escapes: a valid JSON string body? */
static bool valid_json_string_body(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned char c = *s;

		if (c < 0x20 || c == 0x7f || c == '"')
			return false;
		if (c == '\\') {
			if (s[1] == 'u') {
				for (int i = 2; i < 6; i++)
					if (!strchr("0123456789abcdef", s[i]) || !s[i])
						return false;
				s += 6;
			} else if (s[1] && strchr("\"\\/bfnrt", s[1])) {
				s += 2;
			} else {
				return false;
			}
			continue;
		}
		if (c < 0x80) {
			s++;
			continue;
		}
		/* Strict UTF-8 (RFC 3629). */
		int need;
		unsigned cp;

		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		for (int i = 1; i <= need; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		s += need + 1;
	}
	return true;
}

/* ------------------------------------------------------------ escaping */

#define FFFD "\xef\xbf\xbd"

static void test_escape_table(void **state)
{
	static const struct {
		const char *in;
		size_t n;       /* 0: strlen */
		const char *want;
	} t[] = {
		{ "", 0, "" },
		{ "plain ascii 123", 0, "plain ascii 123" },
		/* Quotes and backslashes. */
		{ "say \"hi\"", 0, "say \\\"hi\\\"" },
		{ "C:\\dir\\", 0, "C:\\\\dir\\\\" },
		{ "\\\"", 0, "\\\\\\\"" },
		{ "/", 0, "/" },
		/* Control characters, all as \u00XX, and DEL. */
		{ "a\nb", 0, "a\\u000ab" },
		{ "\r\t\b\f", 0, "\\u000d\\u0009\\u0008\\u000c" },
		{ "\x01\x1f", 0, "\\u0001\\u001f" },
		{ "x\x7fy", 0, "x\\u007fy" },
		{ "nul\0byte", 8, "nul\\u0000byte" },
		/* A host name with quotes and a newline in it. */
		{ "evil\"\n.example", 0, "evil\\\"\\u000a.example" },
		{ "\"};{\"type\":\"x", 0, "\\\"};{\\\"type\\\":\\\"x" },
		/* UTF-8 passes through: IDN names, 2, 3 and 4 byte forms. */
		{ "b\xc3\xbc" "cher.example", 0, "b\xc3\xbc" "cher.example" },
		{ "\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88", 0,
		  "\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88" },
		{ "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84", 0,
		  "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84" },
		{ "\xf0\x9f\x98\x80", 0, "\xf0\x9f\x98\x80" },
		{ "\xef\xbf\xbd", 0, "\xef\xbf\xbd" },
		{ "\xf4\x8f\xbf\xbf", 0, "\xf4\x8f\xbf\xbf" },          /* U+10FFFF */
		{ "\xed\x9f\xbf", 0, "\xed\x9f\xbf" },                  /* U+D7FF */
		/* U+2028, U+2029: escaped (they end lines in JavaScript). */
		{ "a\xe2\x80\xa8" "b\xe2\x80\xa9", 0, "a\\u2028b\\u2029" },
		/* Invalid UTF-8: one U+FFFD per maximal invalid subpart. */
		{ "\x80", 0, FFFD },
		{ "a\xbf" "b", 0, "a" FFFD "b" },
		{ "\xc0\xaf", 0, FFFD FFFD },                   /* overlong '/' */
		{ "\xc1\xbf", 0, FFFD FFFD },
		{ "\xe0\x80\xaf", 0, FFFD FFFD FFFD },          /* overlong */
		{ "\xed\xa0\x80", 0, FFFD FFFD FFFD },          /* surrogate */
		{ "\xf4\x90\x80\x80", 0, FFFD FFFD FFFD FFFD }, /* > U+10FFFF */
		{ "\xf5\xff\xfe", 0, FFFD FFFD FFFD },
		{ "\xe2\x82", 0, FFFD },                        /* cut at the end */
		{ "\xe2\x82" "x", 0, FFFD "x" },                /* cut short */
		{ "\xf0\x9f\x98", 0, FFFD },
		{ "\xf0\x9f\x98" "\xf0\x9f\x98\x80", 0, FFFD "\xf0\x9f\x98\x80" },
		{ "\xc3", 0, FFFD },
		{ "ok\xc3(", 0, "ok" FFFD "(" },
		/* Latin-1 text is not UTF-8. */
		{ "b\xfc" "cher", 0, "b" FFFD "cher" },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		size_t n = t[i].n ? t[i].n : strlen(t[i].in);
		char *got = quoted(t[i].in, n);
		char buf[256];
		size_t need = json_escape(buf, sizeof(buf), t[i].in, n);

		CHECK(!strcmp(got, t[i].want), "row %zu: \"%s\" want \"%s\"", i,
		      got, t[i].want);
		CHECK(!strcmp(buf, t[i].want), "row %zu: json_escape \"%s\"", i, buf);
		CHECK(need == strlen(t[i].want), "row %zu: length %zu", i, need);
		CHECK(valid_json_string_body(got), "row %zu: not a JSON string: %s",
		      i, got);
		free(got);
	}
	TABLE_END();
}

static void test_escape_small_buffer(void **state)
{
	char buf[6];
	(void)state;

	/* As snprintf: the whole length, the text cut and terminated. */
	assert_int_equal(json_escape(buf, sizeof(buf), "a\"b\nc", 5), 11);
	assert_string_equal(buf, "a\\\"b\\");
	assert_int_equal(json_escape(buf, 1, "abc", 3), 3);
	assert_string_equal(buf, "");
	assert_int_equal(json_escape(NULL, 0, "abc", 3), 3);
}

/* Every byte string escapes to a valid JSON string: all short strings of
 * interesting bytes, and random ones. */
static void test_escape_any_bytes(void **state)
{
	static const unsigned char alphabet[] = {
		0x00, 0x0a, 0x1f, 0x20, '"', '\\', 'a', 0x7f, 0x80, 0xbf,
		0xc0, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5,
		0xff, 0xa0, 0x9f, 0x90, 0x8f,
	};
	const size_t na = sizeof(alphabet);
	unsigned seed = 12345;
	(void)state;

	TABLE_BEGIN();
	/* Every string of up to 3 bytes over the alphabet. */
	for (size_t a = 0; a < na; a++)
		for (size_t b = 0; b <= na; b++)
			for (size_t c = 0; c <= na; c++) {
				char s[3];
				size_t n = 0;
				char *got;

				s[n++] = (char)alphabet[a];
				if (b < na) {
					s[n++] = (char)alphabet[b];
					if (c < na)
						s[n++] = (char)alphabet[c];
				} else if (c < na) {
					continue;
				}
				got = quoted(s, n);
				CHECK(valid_json_string_body(got),
				      "%02x %02x %02x -> %s", alphabet[a],
				      b < na ? alphabet[b] : 0, c < na ? alphabet[c] : 0, got);
				free(got);
			}
	/* Random strings. */
	for (int i = 0; i < 2000; i++) {
		char s[40];
		size_t n = (size_t)(rand_r(&seed) % 40);
		char *got;

		for (size_t j = 0; j < n; j++)
			s[j] = (char)(rand_r(&seed) & 0xff);
		got = quoted(s, n);
		CHECK(valid_json_string_body(got), "random string %d -> %s", i, got);
		free(got);
	}
	TABLE_END();
}

/* ------------------------------------------------------------ writer */

static void test_writer_structure(void **state)
{
	struct json_writer w;
	struct mem m;
	char *t;
	(void)state;

	mem_open(&m);
	json_init(&w, m.f);
	json_obj_begin(&w);
	json_kv_str(&w, "type", "x");
	json_kv_int(&w, "neg", -5);
	json_kv_uint(&w, "big", UINT64_MAX);
	json_kv_bool(&w, "t", true);
	json_key(&w, "n");
	json_null(&w);
	json_key(&w, "s");
	json_str(&w, NULL);
	json_key(&w, "a");
	json_arr_begin(&w);
	json_int(&w, 1);
	json_obj_begin(&w);
	json_kv_str(&w, "k\"ey", "v");
	json_obj_end(&w);
	json_arr_begin(&w);
	json_arr_end(&w);
	json_obj_begin(&w);
	json_obj_end(&w);
	json_arr_end(&w);
	json_kv_bool(&w, "f", false);
	json_obj_end(&w);
	json_end_line(&w);
	/* A second line starts afresh: no comma before it. */
	json_obj_begin(&w);
	json_kv_int(&w, "b", 2);
	json_obj_end(&w);
	json_end_line(&w);
	t = mem_take(&m);
	assert_string_equal(t,
		"{\"type\":\"x\",\"neg\":-5,\"big\":18446744073709551615,\"t\":true,"
		"\"n\":null,\"s\":null,\"a\":[1,{\"k\\\"ey\":\"v\"},[],{}],\"f\":false}\n"
		"{\"b\":2}\n");
	free(t);
}

/* Deeper than JSON_MAX_DEPTH: refused, never written wrong.  The line
 * stops where it was refused (no stray comma or bracket after it), the
 * error is returned by json_end_line and kept by json_error, and the
 * next line is written whole. */
static void test_writer_too_deep(void **state)
{
	struct json_writer w;
	struct mem m;
	char *t, want[256];
	size_t k = 0;
	(void)state;

	mem_open(&m);
	json_init(&w, m.f);
	/* As deep as allowed: written whole, no error. */
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_arr_begin(&w);
	json_int(&w, 1);
	json_int(&w, 2);
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_arr_end(&w);
	assert_int_equal(json_end_line(&w), 0);
	assert_int_equal(json_error(&w), 0);
	/* One deeper, inside an object with a key and a value before. */
	json_obj_begin(&w);
	json_kv_int(&w, "a", 1);
	json_key(&w, "b");
	for (int i = 1; i < JSON_MAX_DEPTH; i++)
		json_arr_begin(&w);
	json_int(&w, 7);
	json_arr_begin(&w);             /* the 17th: refused */
	json_int(&w, 8);
	json_arr_end(&w);
	json_int(&w, 9);
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_arr_end(&w);
	json_kv_str(&w, "c", "x");
	json_obj_end(&w);
	assert_int_equal(json_error(&w), -EOVERFLOW);
	assert_int_equal(json_end_line(&w), -EOVERFLOW);
	/* A close with nothing open is refused too. */
	json_obj_end(&w);
	assert_int_equal(json_end_line(&w), -EOVERFLOW);
	/* The next line is whole; the first error stays known. */
	json_obj_begin(&w);
	json_kv_int(&w, "d", 4);
	json_obj_end(&w);
	assert_int_equal(json_end_line(&w), 0);
	assert_int_equal(json_error(&w), -EOVERFLOW);
	t = mem_take(&m);

	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		want[k++] = '[';
	k += (size_t)sprintf(want + k, "1,2");
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		want[k++] = ']';
	k += (size_t)sprintf(want + k, "\n{\"a\":1,\"b\":");
	for (int i = 1; i < JSON_MAX_DEPTH; i++)
		want[k++] = '[';
	k += (size_t)sprintf(want + k, "7\n\n{\"d\":4}\n");
	want[k] = '\0';
	assert_string_equal(t, want);
	free(t);
}

static void test_writer_numbers(void **state)
{
	static const struct {
		int64_t ns;
		const char *want;
	} ms[] = {
		{ 0, "0.000" }, { 499, "0.000" }, { 500, "0.001" },
		{ 45499, "0.045" }, { 45500, "0.046" }, { 1234567, "1.235" },
		{ 999999999, "1000.000" }, { 3600LL * 1000 * MS, "3600000.000" },
		{ -1, "0.000" }, { -5 * MS, "0.000" },
	};
	struct json_writer w;
	struct mem m;
	char *t;
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(ms); i++) {
		mem_open(&m);
		json_init(&w, m.f);
		json_ms(&w, ms[i].ns);
		t = mem_take(&m);
		CHECK(!strcmp(t, ms[i].want), "%lld ns: %s want %s",
		      (long long)ms[i].ns, t, ms[i].want);
		free(t);
	}
	TABLE_END();

	mem_open(&m);
	json_init(&w, m.f);
	json_arr_begin(&w);
	json_double(&w, 0.0, 6);
	json_double(&w, 100.0, 6);
	json_double(&w, 100.0 / 3.0, 6);
	json_double(&w, 2.0 / 3.0 * 100.0, 6);
	json_double(&w, 0.0 / 0.0, 6);          /* NaN */
	json_double(&w, 1.0 / 0.0, 6);          /* inf */
	json_double(&w, -1.0 / 0.0, 6);
	json_seconds(&w, 1700000000, 123456789);
	json_seconds(&w, 5, 1000);
	json_arr_end(&w);
	t = mem_take(&m);
	assert_string_equal(t, "[0,100,33.3333,66.6667,null,null,null,"
			       "1700000000.123456,5.000001]");
	free(t);
}

/* ------------------------------------------------------------ histogram */

static void test_hist_buckets(void **state)
{
	(void)state;

	TABLE_BEGIN();
	/* Contiguous, increasing, at most 1/128 of their lower edge wide. */
	for (size_t i = 0; i < HIST_NBUCKETS; i++) {
		int64_t lo = hist_bucket_low(i), hi = hist_bucket_high(i);

		CHECK(lo <= hi, "bucket %zu: [%lld, %lld]", i, (long long)lo,
		      (long long)hi);
		if (i > 0)
			CHECK(lo == hist_bucket_high(i - 1) + 1, "bucket %zu starts at %lld",
			      i, (long long)lo);
		if (lo >= HIST_SUB)
			CHECK((hi - lo + 1) * 128 <= lo, "bucket %zu too wide", i);
		else
			CHECK(hi == lo, "bucket %zu below 128 ns not exact", i);
		CHECK(hist_index(lo) == i && hist_index(hi) == i,
		      "bucket %zu: edges map to %zu, %zu", i, hist_index(lo),
		      hist_index(hi));
	}
	TABLE_END();
	/* 1 us to 1 hour are inside the array. */
	assert_true(hist_bucket_high(HIST_NBUCKETS - 1) >= 3600LL * 1000 * MS);
	assert_int_equal(hist_index(0), 0);
	assert_int_equal(hist_index(-5), 0);
	assert_int_equal(hist_index(127), 127);
	assert_int_equal(hist_index(128), 128);
	assert_int_equal(hist_index(INT64_MAX), HIST_NBUCKETS - 1);
	assert_true(hist_index(3600LL * 1000 * MS) < HIST_NBUCKETS - 1);
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The exact nearest-rank percentile of sorted v[n]. */
static int64_t exact_pct(const int64_t *v, size_t n, double p)
{
	double r = p / 100.0 * (double)n;
	size_t rank = (size_t)r;

	if ((double)rank < r)
		rank++;
	if (rank < 1)
		rank = 1;
	return v[rank - 1];
}

static void check_pcts(int64_t *v, size_t n, const char *what)
{
	static const double ps[] = { 0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100 };
	struct hist h;

	hist_init(&h);
	for (size_t i = 0; i < n; i++)
		hist_add(&h, v[i]);
	qsort(v, n, sizeof(*v), cmp64);
	for (size_t i = 0; i < ARRAY_LEN(ps); i++) {
		int64_t want = exact_pct(v, n, ps[i]), got = hist_percentile(&h, ps[i]);
		int64_t diff = got > want ? got - want : want - got;

		/* Half a bucket: 1/256 of the value; exact below 128 ns. */
		CHECK(diff * 256 <= want || (want < HIST_SUB && diff == 0),
		      "%s p%g: %lld want %lld", what, ps[i], (long long)got,
		      (long long)want);
	}
	CHECK(hist_percentile(&h, 0) == v[0], "%s: p0 is the minimum", what);
	CHECK(hist_percentile(&h, 100) == v[n - 1], "%s: p100 is the maximum", what);
}

static void test_hist_percentiles(void **state)
{
	static int64_t v[20000];
	unsigned seed = 42;
	struct hist h;
	(void)state;

	hist_init(&h);
	assert_int_equal(hist_percentile(&h, 50), -1);

	/* One sample: every percentile is it. */
	hist_add(&h, 12345678);
	assert_int_equal(hist_percentile(&h, 50), 12345678);
	assert_int_equal(hist_percentile(&h, 99), 12345678);

	/* 1..100: nearest rank gives 50, 90, 99 exactly (small values). */
	hist_init(&h);
	for (int i = 100; i >= 1; i--)
		hist_add(&h, i);
	assert_int_equal(hist_percentile(&h, 50), 50);
	assert_int_equal(hist_percentile(&h, 90), 90);
	assert_int_equal(hist_percentile(&h, 99), 99);
	assert_int_equal(hist_percentile(&h, 100), 100);
	assert_int_equal(hist_percentile(&h, 0), 1);

	/* 1..1000 ms: within 0.4 % of 500, 900, 990 ms. */
	hist_init(&h);
	for (int i = 1; i <= 1000; i++)
		hist_add(&h, i * MS);
	assert_in_range(hist_percentile(&h, 50), 498 * MS, 502 * MS);
	assert_in_range(hist_percentile(&h, 90), 8965 * MS / 10, 9035 * MS / 10);
	assert_in_range(hist_percentile(&h, 99), 986 * MS, 994 * MS);

	TABLE_BEGIN();
	/* Uniform over 1 us .. 1 s, log-uniform over 1 us .. 1 h, and a
	 * bimodal mix, checked against the exact percentiles. */
	for (size_t i = 0; i < ARRAY_LEN(v); i++)
		v[i] = US + (int64_t)(((uint64_t)rand_r(&seed) << 16 ^ (uint64_t)rand_r(&seed)) %
				      (1000 * MS));
	check_pcts(v, ARRAY_LEN(v), "uniform");
	for (size_t i = 0; i < ARRAY_LEN(v); i++) {
		int e = rand_r(&seed) % 32;     /* 2^0 .. 2^31 us */
		int64_t x = (int64_t)1 << e;

		v[i] = US * (x + (int64_t)((unsigned)rand_r(&seed) % (unsigned)x));
		if (v[i] > 3600LL * 1000 * MS)
			v[i] = 3600LL * 1000 * MS;
	}
	check_pcts(v, ARRAY_LEN(v), "log-uniform");
	for (size_t i = 0; i < ARRAY_LEN(v); i++)
		v[i] = (i % 10 == 0 ? 250 * MS : 20 * US) + rand_r(&seed) % 1000;
	check_pcts(v, ARRAY_LEN(v), "bimodal");
	TABLE_END();

	/* Beyond the array: counted, and reported as the maximum. */
	hist_init(&h);
	hist_add(&h, 10 * MS);
	hist_add(&h, 5000LL * 1000 * MS);
	assert_int_equal(hist_percentile(&h, 100), 5000LL * 1000 * MS);
	assert_int_equal(hist_percentile(&h, 50), 10 * MS);
	assert_int_equal(h.count, 2);
}

static void test_hist_events(void **state)
{
	struct hist h;
	struct event ev;
	(void)state;

	hist_init(&h);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_REPLY;
	ev.has_rtt = true;
	ev.rtt_ns = 5 * MS;
	hist_on_event(&h, &ev);
	ev.dup = true;                  /* duplicates count, as in stats */
	hist_on_event(&h, &ev);
	ev.dup = false;
	ev.bad_cksum = true;            /* corrupted replies do not */
	hist_on_event(&h, &ev);
	ev.bad_cksum = false;
	ev.has_rtt = false;             /* nor replies without a time */
	hist_on_event(&h, &ev);
	ev.has_rtt = true;
	ev.type = EV_ERROR;
	hist_on_event(&h, &ev);
	assert_int_equal(h.count, 2);
}

/* ------------------------------------------------------------ probes */

struct lost_log {
	uint64_t probe[64];
	uint16_t seq[64];
	size_t n;
};

static void log_lost(void *ctx, uint64_t probe, uint16_t seq)
{
	struct lost_log *l = ctx;

	if (l->n < ARRAY_LEN(l->probe)) {
		l->probe[l->n] = probe;
		l->seq[l->n] = seq;
	}
	l->n++;
}

static struct event pev(enum event_type type, uint64_t nsent, uint16_t seq)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.nsent = nsent;
	ev.seq = seq;
	ev.ttl = -1;
	return ev;
}

static void test_probes(void **state)
{
	static struct probes p;
	struct lost_log l = { .n = 0 };
	struct event ev;
	(void)state;

	assert_int_equal(probes_number(5, 5), 5);
	assert_int_equal(probes_number(5, 3), 3);
	assert_int_equal(probes_number(5, 0), 0);
	assert_int_equal(probes_number(5, 6), 0);
	assert_int_equal(probes_number(70000, 70000 - 65536), 70000);
	assert_int_equal(probes_number(70000, 4463), 70000 - 1);
	assert_int_equal(probes_number(0, 0), 0);

	/* 1 replied (and duplicated), 2 lost, 3 an ICMP error, 4 a corrupted
	 * reply only, 5 a redirect only, 6 a local error. */
	probes_init(&p, log_lost, &l);
	for (uint16_t k = 1; k <= 6; k++) {
		ev = pev(EV_SENT, k, k);
		probes_update(&p, &ev);
	}
	ev = pev(EV_REPLY, 6, 1);
	probes_update(&p, &ev);
	ev.dup = true;
	probes_update(&p, &ev);
	ev = pev(EV_ERROR, 6, 3);
	probes_update(&p, &ev);
	ev = pev(EV_REPLY, 6, 4);
	ev.bad_cksum = true;
	probes_update(&p, &ev);
	ev = pev(EV_ERROR, 6, 5);
	ev.notice = true;
	probes_update(&p, &ev);
	ev = pev(EV_LOCAL_ERROR, 6, 6);
	probes_update(&p, &ev);
	/* A probe that was never sent cannot be answered. */
	ev = pev(EV_REPLY, 6, 9);
	probes_update(&p, &ev);
	assert_int_equal(l.n, 0);
	ev = pev(EV_END, 6, 0);
	probes_update(&p, &ev);
	probes_finish(&p);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.probe[0], 2);
	assert_int_equal(l.probe[1], 4);
	assert_int_equal(l.probe[2], 5);
	assert_int_equal(p.nanswered, 3);
	probes_finish(&p);              /* once only */
	assert_int_equal(l.n, 3);

	/* Sequence numbers come round: probe 1 is lost when 65537 goes out
	 * with its number, in order, and the rest at the end. */
	l.n = 0;
	probes_init(&p, log_lost, &l);
	for (uint64_t k = 1; k <= 65538; k++) {
		ev = pev(EV_SENT, k, (uint16_t)k);
		probes_update(&p, &ev);
		if (k != 1 && k != 3 && k != 65538) {
			ev = pev(EV_REPLY, k, (uint16_t)k);
			probes_update(&p, &ev);
		}
	}
	assert_int_equal(l.n, 1);
	assert_int_equal(l.probe[0], 1);
	assert_int_equal(l.seq[0], 1);
	probes_finish(&p);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.probe[1], 3);
	assert_int_equal(l.probe[2], 65538);
	assert_int_equal(l.seq[2], 2);
}

/* ------------------------------------------------------------ reporters */

struct fixture {
	struct sockaddr_in dst, src, hop;
	struct stats stats;
	struct hist hist;
	struct report_machine_cfg cfg;
};

static void fixture_init(struct fixture *f, FILE *out)
{
	memset(f, 0, sizeof(*f));
	f->dst.sin_family = AF_INET;
	inet_pton(AF_INET, "198.18.1.2", &f->dst.sin_addr);
	f->src.sin_family = AF_INET;
	inet_pton(AF_INET, "198.18.1.1", &f->src.sin_addr);
	f->hop.sin_family = AF_INET;
	inet_pton(AF_INET, "198.18.2.2", &f->hop.sin_addr);
	stats_init(&f->stats);
	hist_init(&f->hist);
	f->cfg.out = out;
	f->cfg.command = "ping";
	f->cfg.host = "t\"est\n";
	f->cfg.canon = "t\"est\n";
	f->cfg.dst = (struct sockaddr *)&f->dst;
	f->cfg.src = (struct sockaddr *)&f->src;
	f->cfg.datalen = 56;
	f->cfg.ttl = -1;
	f->cfg.raw = true;
	f->cfg.start.tv_sec = 1700000000;
	f->cfg.start.tv_nsec = 500000000;
	f->cfg.stats = &f->stats;
	f->cfg.hist = &f->hist;
}

/* Feed one event to stats, histogram and a reporter, as the engine's sinks
 * get it. */
static void feed(struct fixture *f, void (*sink)(void *, const struct event *),
		 void *r, struct event *ev)
{
	ev->family = AF_INET;
	if (ev->type == EV_REPLY || ev->type == EV_ERROR) {
		ev->from = (struct sockaddr *)(ev->type == EV_ERROR ? &f->hop : &f->dst);
		ev->fromlen = sizeof(struct sockaddr_in);
	}
	stats_update(&f->stats, ev);
	hist_update(&f->hist, ev);
	sink(r, ev);
}

static struct event reply(uint64_t nsent, uint16_t seq, int64_t rtt, bool dup)
{
	struct event ev = pev(EV_REPLY, nsent, seq);

	ev.bytes = 64;
	ev.ttl = 61;
	ev.has_rtt = true;
	ev.rtt_ns = rtt;
	ev.dup = dup;
	ev.has_when = true;
	ev.when.tv_sec = 1700000001;
	ev.when.tv_nsec = 250000000;
	ev.wrong_byte = -1;
	return ev;
}

/* Probes 1..5: 1 answered (and duplicated), 2 lost, 3 an ICMP time
 * exceeded, 4 answered with another ttl, 5 a failed send. */
static void scenario(struct fixture *f, void (*sink)(void *, const struct event *),
		     void *r)
{
	struct event ev = pev(EV_START, 0, 0);

	feed(f, sink, r, &ev);
	ev = pev(EV_SENT, 1, 1);
	feed(f, sink, r, &ev);
	ev = reply(1, 1, 1234567, false);
	feed(f, sink, r, &ev);
	ev = reply(1, 1, 2345678, true);
	feed(f, sink, r, &ev);
	ev = pev(EV_SENT, 2, 2);
	feed(f, sink, r, &ev);
	ev = pev(EV_SENT, 3, 3);
	feed(f, sink, r, &ev);
	ev = pev(EV_ERROR, 3, 3);
	ev.icmp_type = 11;
	ev.icmp_code = 0;
	feed(f, sink, r, &ev);
	ev = pev(EV_SENT, 4, 4);
	feed(f, sink, r, &ev);
	ev = reply(4, 4, 999, false);
	ev.ttl = 60;
	feed(f, sink, r, &ev);
	ev = pev(EV_LOCAL_ERROR, 5, 5);
	ev.err = 101;                   /* ENETUNREACH */
	ev.icmp_code = EV_LOCAL_FROM_SEND;
	feed(f, sink, r, &ev);
	ev = pev(EV_END, 5, 0);
	feed(f, sink, r, &ev);
}

static void test_report_json(void **state)
{
	static struct report_json r;
	struct fixture f;
	struct mem m;
	char *t;
	(void)state;

	mem_open(&m);
	fixture_init(&f, m.f);
	report_json_init(&r, &f.cfg);
	r.elapsed_ns = 4 * 1000 * MS + 1500;
	scenario(&f, report_json_on_event, &r);
	t = mem_take(&m);
	assert_string_equal(t,
		"{\"type\":\"start\",\"schema_version\":2,\"command\":\"ping\","
		"\"target\":\"t\\\"est\\u000a\",\"canonical_name\":\"t\\\"est\\u000a\","
		"\"address\":\"198.18.1.2\",\"family\":\"inet\",\"source\":\"198.18.1.1\","
		"\"data_size\":56,\"ttl\":null,\"socket\":\"raw\","
		"\"timestamp\":1700000000.500000}\n"
		"{\"type\":\"reply\",\"seq\":1,\"bytes\":64,\"from\":\"198.18.1.2\","
		"\"ttl\":61,\"rtt_ms\":1.235,\"dup\":false,\"corrupted\":false,"
		"\"truncated\":false,\"timestamp\":1700000001.250000}\n"
		"{\"type\":\"reply\",\"seq\":1,\"bytes\":64,\"from\":\"198.18.1.2\","
		"\"ttl\":61,\"rtt_ms\":2.346,\"dup\":true,\"corrupted\":false,"
		"\"truncated\":false,\"timestamp\":1700000001.250000}\n"
		"{\"type\":\"error\",\"seq\":3,\"from\":\"198.18.2.2\",\"icmp_type\":11,"
		"\"icmp_code\":0,\"reason\":\"Time to live exceeded\",\"notice\":false,"
		"\"timestamp\":null}\n"
		"{\"type\":\"reply\",\"seq\":4,\"bytes\":64,\"from\":\"198.18.1.2\","
		"\"ttl\":60,\"rtt_ms\":0.001,\"dup\":false,\"corrupted\":false,"
		"\"truncated\":false,\"timestamp\":1700000001.250000}\n"
		"{\"type\":\"local_error\",\"seq\":5,\"origin\":\"send\",\"errno\":101,"
		"\"reason\":\"Network is unreachable\",\"mtu\":null}\n"
		"{\"type\":\"timeout\",\"seq\":2,\"final\":true,\"timestamp\":null}\n"
		"{\"type\":\"summary\",\"transmitted\":5,\"received\":2,\"duplicates\":1,"
		"\"corrupted\":0,\"errors\":2,\"timeouts\":1,\"loss_pct\":60,"
		"\"time_ms\":4000.002,\"min_ms\":0.001,\"avg_ms\":1.194,\"max_ms\":2.346,"
		"\"mdev_ms\":0.958,\"p50_ms\":1.233,\"p90_ms\":2.346,\"p99_ms\":2.346}\n");
	free(t);
}

static void test_report_json_quiet_and_empty(void **state)
{
	static struct report_json r;
	struct fixture f;
	struct event ev;
	struct mem m;
	char *t;
	(void)state;

	/* -q: start and summary only; nothing received: null times. */
	mem_open(&m);
	fixture_init(&f, m.f);
	f.cfg.quiet = true;
	f.cfg.src = NULL;
	f.cfg.ttl = 3;
	f.cfg.raw = false;
	f.cfg.host = f.cfg.canon = "x";
	report_json_init(&r, &f.cfg);
	ev = pev(EV_START, 0, 0);
	feed(&f, report_json_on_event, &r, &ev);
	for (uint16_t k = 1; k <= 2; k++) {
		ev = pev(EV_SENT, k, k);
		feed(&f, report_json_on_event, &r, &ev);
		ev = pev(EV_NOANSWER, k, k);
		feed(&f, report_json_on_event, &r, &ev);
	}
	ev = pev(EV_END, 2, 0);
	feed(&f, report_json_on_event, &r, &ev);
	t = mem_take(&m);
	assert_string_equal(t,
		"{\"type\":\"start\",\"schema_version\":2,\"command\":\"ping\","
		"\"target\":\"x\",\"canonical_name\":\"x\",\"address\":\"198.18.1.2\","
		"\"family\":\"inet\",\"source\":null,\"data_size\":56,\"ttl\":3,"
		"\"socket\":\"dgram\",\"timestamp\":1700000000.500000}\n"
		"{\"type\":\"summary\",\"transmitted\":2,\"received\":0,\"duplicates\":0,"
		"\"corrupted\":0,\"errors\":0,\"timeouts\":2,\"loss_pct\":100,"
		"\"time_ms\":0.000,\"min_ms\":null,\"avg_ms\":null,\"max_ms\":null,"
		"\"mdev_ms\":null,\"p50_ms\":null,\"p90_ms\":null,\"p99_ms\":null}\n");
	free(t);

	/* Without -q, -O's "no answer yet" is a provisional timeout. */
	mem_open(&m);
	fixture_init(&f, m.f);
	report_json_init(&r, &f.cfg);
	ev = pev(EV_SENT, 1, 1);
	feed(&f, report_json_on_event, &r, &ev);
	ev = pev(EV_NOANSWER, 1, 1);
	ev.has_when = true;
	ev.when.tv_sec = 7;
	feed(&f, report_json_on_event, &r, &ev);
	ev = pev(EV_STATUS, 1, 0);
	feed(&f, report_json_on_event, &r, &ev);
	t = mem_take(&m);
	assert_string_equal(t,
		"{\"type\":\"timeout\",\"seq\":1,\"final\":false,\"timestamp\":7.000000}\n"
		"{\"type\":\"status\",\"transmitted\":1,\"received\":0,\"duplicates\":0,"
		"\"corrupted\":0,\"errors\":0,\"loss_pct\":100,"
		"\"time_ms\":0.000,\"min_ms\":null,\"avg_ms\":null,\"max_ms\":null,"
		"\"mdev_ms\":null,\"p50_ms\":null,\"p90_ms\":null,\"p99_ms\":null}\n");
	free(t);
}

static void test_report_atlas(void **state)
{
	struct report_atlas r;
	struct fixture f;
	struct mem m;
	char *t;
	(void)state;

	mem_open(&m);
	fixture_init(&f, m.f);
	f.cfg.host = "b\xc3\xbc" "cher.example";
	report_atlas_init(&r, &f.cfg);
	scenario(&f, report_atlas_on_event, &r);
	t = mem_take(&m);
	assert_string_equal(t,
		"{\"fw\":4750,\"lts\":-1,\"dst_name\":\"b\xc3\xbc" "cher.example\","
		"\"af\":4,\"dst_addr\":\"198.18.1.2\",\"src_addr\":\"198.18.1.1\","
		"\"proto\":\"ICMP\",\"ttl\":61,\"size\":56,\"result\":["
		"{\"rtt\":1.235},{\"rtt\":2.346,\"dup\":1},{\"x\":\"*\"},"
		"{\"error\":\"Time to live exceeded from 198.18.2.2\"},"
		"{\"rtt\":0.001,\"ttl\":60},"
		"{\"error\":\"sendto failed: Network is unreachable\"}],"
		"\"dup\":1,\"rcvd\":2,\"sent\":5,\"min\":0.001,\"max\":2.346,"
		"\"avg\":1.194,\"msm_id\":0,\"prb_id\":0,\"timestamp\":1700000000,"
		"\"msm_name\":\"Ping\",\"type\":\"ping\"}\n");
	free(t);
	report_atlas_free(&r);

	/* Nothing came back; replies out of order are listed in probe
	 * order. */
	mem_open(&m);
	fixture_init(&f, m.f);
	f.cfg.src = NULL;
	report_atlas_init(&r, &f.cfg);
	{
		struct event ev;

		for (uint16_t k = 1; k <= 3; k++) {
			ev = pev(EV_SENT, k, k);
			feed(&f, report_atlas_on_event, &r, &ev);
		}
		ev = reply(3, 3, 3 * MS, false);
		feed(&f, report_atlas_on_event, &r, &ev);
		ev = reply(3, 2, 2 * MS, false);
		feed(&f, report_atlas_on_event, &r, &ev);
		ev = pev(EV_END, 3, 0);
		feed(&f, report_atlas_on_event, &r, &ev);
	}
	t = mem_take(&m);
	assert_non_null(strstr(t, "\"result\":[{\"x\":\"*\"},{\"rtt\":2.000},{\"rtt\":3.000}]"));
	assert_null(strstr(t, "src_addr"));
	free(t);
	report_atlas_free(&r);

	mem_open(&m);
	fixture_init(&f, m.f);
	report_atlas_init(&r, &f.cfg);
	{
		struct event ev = pev(EV_SENT, 1, 1);

		feed(&f, report_atlas_on_event, &r, &ev);
		ev = pev(EV_END, 1, 0);
		feed(&f, report_atlas_on_event, &r, &ev);
	}
	t = mem_take(&m);
	assert_non_null(strstr(t, "\"size\":56,\"result\":[{\"x\":\"*\"}],\"dup\":0,"
			       "\"rcvd\":0,\"sent\":1,\"min\":-1,\"max\":-1,\"avg\":-1,"));
	free(t);
	report_atlas_free(&r);
}

/* ------------------------------------------------------------ options */

static int parse(const char *const *args, struct ping_opts *o, char *err,
		 size_t len)
{
	char *argv[16];
	int argc = 0;

	while (args[argc]) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	ping_opts_default(o);
	return ping_opts_parse(argc, argv, true, o, err, len);
}

static void test_format_options(void **state)
{
	static const struct {
		const char *argv[8];
		int rc;
		enum ping_format format;
		const char *err;
	} t[] = {
		{ { "ping", "h", NULL }, PING_OPTS_OK, PING_FORMAT_TEXT, NULL },
		{ { "ping", "--json", "h", NULL }, PING_OPTS_OK, PING_FORMAT_JSON, NULL },
		{ { "ping", "--format=json", "h", NULL }, PING_OPTS_OK, PING_FORMAT_JSON, NULL },
		{ { "ping", "--format", "atlas", "h", NULL }, PING_OPTS_OK,
		  PING_FORMAT_ATLAS, NULL },
		{ { "ping", "--format=text", "h", NULL }, PING_OPTS_OK, PING_FORMAT_TEXT, NULL },
		{ { "ping", "--json", "--format=atlas", "h", NULL }, PING_OPTS_OK,
		  PING_FORMAT_ATLAS, NULL },
		{ { "ping", "--format=atlas", "--json", "h", NULL }, PING_OPTS_OK,
		  PING_FORMAT_JSON, NULL },
		{ { "ping", "-c", "2", "--json", "-q", "h", NULL }, PING_OPTS_OK,
		  PING_FORMAT_JSON, NULL },
		{ { "ping", "--format=xml", "h", NULL }, PING_OPTS_EXIT, PING_FORMAT_TEXT,
		  "invalid --format argument: 'xml' (text, json or atlas)" },
		{ { "ping", "--format=", "h", NULL }, PING_OPTS_EXIT, PING_FORMAT_TEXT,
		  "invalid --format argument: '' (text, json or atlas)" },
		{ { "ping", "h", "--format", NULL }, PING_OPTS_EXIT, PING_FORMAT_TEXT,
		  "option '--format' requires an argument" },
		{ { "ping", "--json=1", "h", NULL }, PING_OPTS_EXIT, PING_FORMAT_TEXT,
		  "option '--json' doesn't allow an argument" },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct ping_opts o;
		char err[256];
		int rc = parse(t[i].argv, &o, err, sizeof(err));

		CHECK(rc == t[i].rc, "row %zu: rc %d want %d (%s)", i, rc, t[i].rc, err);
		if (rc == PING_OPTS_OK)
			CHECK(o.format == t[i].format, "row %zu: format %d want %d", i,
			      o.format, t[i].format);
		if (t[i].err)
			CHECK(!strcmp(err, t[i].err), "row %zu: err \"%s\" want \"%s\"",
			      i, err, t[i].err);
	}
	TABLE_END();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_table),
		cmocka_unit_test(test_escape_small_buffer),
		cmocka_unit_test(test_escape_any_bytes),
		cmocka_unit_test(test_writer_structure),
		cmocka_unit_test(test_writer_too_deep),
		cmocka_unit_test(test_writer_numbers),
		cmocka_unit_test(test_hist_buckets),
		cmocka_unit_test(test_hist_percentiles),
		cmocka_unit_test(test_hist_events),
		cmocka_unit_test(test_probes),
		cmocka_unit_test(test_report_json),
		cmocka_unit_test(test_report_json_quiet_and_empty),
		cmocka_unit_test(test_report_atlas),
		cmocka_unit_test(test_format_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
