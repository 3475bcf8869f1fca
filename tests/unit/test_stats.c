/* Unit tests for src/analysis/stats: counting, loss, min/avg/max/mdev and
 * ewma, checked against direct computations and iputils' own formulas. */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "analysis/stats.h"

#define US 1000LL
#define MS 1000000LL
#define DAY (86400LL * 1000000000LL)

/* No libm: the tests link without -lm. */
static double dabs(double x)
{
	return x < 0 ? -x : x;
}

/* ------------------------------------------------------------ events */

static struct event mk(enum event_type type, uint64_t nsent, uint16_t seq)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.family = AF_INET;
	ev.nsent = nsent;
	ev.seq = seq;
	ev.ttl = -1;
	ev.tos = -1;
	ev.wrong_byte = -1;
	return ev;
}

static struct event reply(uint64_t nsent, uint16_t seq, int64_t rtt_ns)
{
	struct event ev = mk(EV_REPLY, nsent, seq);

	ev.has_rtt = true;
	ev.rtt_ns = rtt_ns;
	return ev;
}

/* Feed replies of these times (ns), one probe each, in order. */
static void feed(struct stats *s, const int64_t *rtt, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct event ev = mk(EV_SENT, i + 1, (uint16_t)(i + 1));

		stats_update(s, &ev);
		ev = reply(i + 1, (uint16_t)(i + 1), rtt[i]);
		stats_update(s, &ev);
	}
}

/* ------------------------------------------------------------ counting */

enum step_kind { SENT, REPLY, NOTIME, DUP, BAD, ERR, NOTICE, LOCAL, OTHER };

struct step {
	enum step_kind kind;
	uint64_t nsent;
	uint16_t seq;
};

static void apply(struct stats *s, const struct step *st)
{
	struct event ev = mk(EV_SENT, st->nsent, st->seq);

	switch (st->kind) {
	case SENT:
		break;
	case REPLY:
		ev = reply(st->nsent, st->seq, 10 * MS);
		break;
	case NOTIME:
		ev = reply(st->nsent, st->seq, 0);
		ev.has_rtt = false;
		break;
	case DUP:
		ev = reply(st->nsent, st->seq, 20 * MS);
		ev.dup = true;
		break;
	case BAD:
		ev = reply(st->nsent, st->seq, 30 * MS);
		ev.bad_cksum = true;
		break;
	case ERR:
		ev.type = EV_ERROR;
		ev.icmp_type = 11;
		break;
	case NOTICE:
		ev.type = EV_ERROR;
		ev.icmp_type = 5;
		ev.notice = true;
		break;
	case LOCAL:
		ev.type = EV_LOCAL_ERROR;
		break;
	case OTHER:
		ev.type = EV_FOREIGN;
		break;
	}
	stats_update(s, &ev);
}

static void test_init(void **state)
{
	struct stats s;
	(void)state;

	memset(&s, 0xa5, sizeof(s));
	stats_init(&s);
	assert_int_equal(s.transmitted, 0);
	assert_int_equal(s.received, 0);
	assert_int_equal(s.duplicates, 0);
	assert_int_equal(s.corrupted, 0);
	assert_int_equal(s.errors, 0);
	assert_int_equal(s.nrtt, 0);
	assert_int_equal(s.ewma8_ns, 0);
	assert_true(stats_loss_percent(&s) == 0.0);
	assert_true(stats_mdev_ns(&s) == 0.0);
}

static void test_counts(void **state)
{
	static const struct {
		const char *name;
		struct step steps[12];
		size_t nsteps;
		uint64_t tx, rx, dup, bad, err, nrtt;
	} t[] = {
		{ "one reply", { { SENT, 1, 1 }, { REPLY, 1, 1 } }, 2,
		  1, 1, 0, 0, 0, 1 },
		{ "two of four", { { SENT, 1, 1 }, { SENT, 2, 2 }, { SENT, 3, 3 },
				   { SENT, 4, 4 }, { REPLY, 4, 1 }, { REPLY, 4, 3 } },
		  6, 4, 2, 0, 0, 0, 2 },
		/* A duplicate is not a reply, but its time counts, as in
		 * iputils (tsum over nreceived + nrepeats). */
		{ "duplicate", { { SENT, 1, 1 }, { REPLY, 1, 1 }, { DUP, 1, 1 },
				 { DUP, 1, 1 } }, 4, 1, 1, 2, 0, 0, 3 },
		/* A bad checksum is neither a reply nor a time. */
		{ "corrupted", { { SENT, 1, 1 }, { BAD, 1, 1 } }, 2, 1, 0, 0, 1,
		  0, 0 },
		{ "corrupted then good", { { SENT, 1, 1 }, { BAD, 1, 1 },
					   { REPLY, 1, 1 } }, 3, 1, 1, 0, 1, 0, 1 },
		{ "reply without a time", { { SENT, 1, 1 }, { NOTIME, 1, 1 } }, 2,
		  1, 1, 0, 0, 0, 0 },
		{ "errors", { { SENT, 1, 1 }, { ERR, 1, 1 }, { SENT, 2, 2 },
			      { LOCAL, 2, 2 }, { SENT, 3, 3 }, { ERR, 3, 3 } },
		  6, 3, 0, 0, 0, 3, 0 },
		/* Redirects and source quenches are shown, not counted. */
		{ "notices", { { SENT, 1, 1 }, { NOTICE, 1, 1 }, { REPLY, 1, 1 } },
		  3, 1, 1, 0, 0, 0, 1 },
		{ "transmitted never goes back", { { SENT, 5, 5 }, { REPLY, 3, 3 },
						   { ERR, 1, 1 } },
		  3, 5, 1, 0, 0, 1, 1 },
		{ "transmitted from any event", { { OTHER, 7, 0 } }, 1,
		  7, 0, 0, 0, 0, 0 },
		{ "foreign counts nothing", { { SENT, 1, 1 }, { OTHER, 1, 1 },
					      { OTHER, 1, 9 } }, 3,
		  1, 0, 0, 0, 0, 0 },
		{ "everything", { { SENT, 1, 1 }, { REPLY, 1, 1 }, { SENT, 2, 2 },
				  { DUP, 2, 1 }, { BAD, 2, 2 }, { SENT, 3, 3 },
				  { ERR, 3, 3 }, { SENT, 4, 4 }, { LOCAL, 4, 4 },
				  { REPLY, 4, 2 }, { NOTIME, 4, 4 } }, 11,
		  4, 3, 1, 1, 2, 3 },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct stats s;

		stats_init(&s);
		for (size_t k = 0; k < t[i].nsteps; k++)
			apply(&s, &t[i].steps[k]);
		CHECK(s.transmitted == t[i].tx, "%s: transmitted %lu want %lu",
		      t[i].name, (unsigned long)s.transmitted, (unsigned long)t[i].tx);
		CHECK(s.received == t[i].rx, "%s: received %lu want %lu", t[i].name,
		      (unsigned long)s.received, (unsigned long)t[i].rx);
		CHECK(s.duplicates == t[i].dup, "%s: duplicates %lu want %lu",
		      t[i].name, (unsigned long)s.duplicates, (unsigned long)t[i].dup);
		CHECK(s.corrupted == t[i].bad, "%s: corrupted %lu want %lu",
		      t[i].name, (unsigned long)s.corrupted, (unsigned long)t[i].bad);
		CHECK(s.errors == t[i].err, "%s: errors %lu want %lu", t[i].name,
		      (unsigned long)s.errors, (unsigned long)t[i].err);
		CHECK(s.nrtt == t[i].nrtt, "%s: nrtt %lu want %lu", t[i].name,
		      (unsigned long)s.nrtt, (unsigned long)t[i].nrtt);
	}
	TABLE_END();
}

static void test_on_event_is_update(void **state)
{
	struct stats a, b;
	struct event ev = reply(3, 2, 1234567);
	(void)state;

	stats_init(&a);
	stats_init(&b);
	stats_update(&a, &ev);
	stats_on_event(&b, &ev);
	ev.dup = true;
	stats_update(&a, &ev);
	stats_on_event(&b, &ev);
	assert_memory_equal(&a, &b, sizeof(a));
}

/* ------------------------------------------------------------ loss */

static void test_loss(void **state)
{
	static const struct {
		uint64_t tx, rx;
		double want;
	} t[] = {
		{ 0, 0, 0.0 }, { 1, 1, 0.0 }, { 1, 0, 100.0 }, { 2, 1, 50.0 },
		{ 3, 1, 200.0 / 3.0 }, { 3, 2, 100.0 / 3.0 }, { 10, 7, 30.0 },
		{ 1000000, 999999, 1e-4 },
		/* More replies than probes cannot be a negative loss. */
		{ 4, 5, 0.0 },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct stats s;
		double got;

		stats_init(&s);
		s.transmitted = t[i].tx;
		s.received = t[i].rx;
		got = stats_loss_percent(&s);
		CHECK(dabs(got - t[i].want) <= 1e-9 * (t[i].want + 1), "%lu/%lu: "
		      "%.12g want %.12g", (unsigned long)t[i].rx,
		      (unsigned long)t[i].tx, got, t[i].want);
	}
	/* The loss of real runs: from events. */
	{
		struct stats s;
		static const struct step st[] = {
			{ SENT, 1, 1 }, { SENT, 2, 2 }, { SENT, 3, 3 },
			{ REPLY, 3, 2 }, { DUP, 3, 2 }, { BAD, 3, 3 },
		};

		stats_init(&s);
		for (size_t k = 0; k < ARRAY_LEN(st); k++)
			apply(&s, &st[k]);
		/* Duplicates and corrupted replies do not reduce the loss. */
		CHECK(dabs(stats_loss_percent(&s) - 200.0 / 3.0) < 1e-9, "events: %g",
		      stats_loss_percent(&s));
	}
	TABLE_END();
}

/* ------------------------------------------------------------ RTT */

/* Population variance, two passes in long double.  (Compared with the
 * square of stats_mdev_ns, so that the test needs no libm.) */
static long double ref_var(const int64_t *v, size_t n)
{
	long double mean = 0, acc = 0;

	for (size_t i = 0; i < n; i++)
		mean += v[i];
	mean /= n;
	for (size_t i = 0; i < n; i++)
		acc += ((long double)v[i] - mean) * ((long double)v[i] - mean);
	return acc / n;
}

/* mdev (ns) against a variance (ns^2): relative 1e-9, or 1e-3 ns. */
static bool mdev_matches(double mdev, long double var)
{
	long double sq = (long double)mdev * mdev;
	long double d = sq > var ? sq - var : var - sq;

	return mdev >= 0 && (d <= 1e-9L * var || (mdev < 1e-3 && var < 1e-6L));
}

static long long iputils_llsqrt(long long a)
{
	long long prev = LLONG_MAX, x = a;

	if (x > 0) {
		while (x < prev) {
			prev = x;
			x = (x + (a / x)) / 2;
		}
	}
	return x;
}

/* iputils' mdev on microseconds: finish() in ping_common.c. */
static long long iputils_mdev_us(const int64_t *us, size_t n)
{
	long long tsum = 0, tmavg, tmvar;
	double tsum2 = 0;
	long total = (long)n;

	for (size_t i = 0; i < n; i++) {
		tsum += us[i];
		tsum2 += (double)(us[i] * us[i]);
	}
	tmavg = tsum / total;
	if (tsum < INT_MAX)
		tmvar = (long long)((tsum2 - (double)((tsum * tsum) / total)) / total);
	else
		tmvar = (long long)(tsum2 / total) - tmavg * tmavg;
	return iputils_llsqrt(tmvar);
}

static void test_rtt_summary(void **state)
{
	static const struct {
		const char *name;
		int64_t us[12];         /* times in whole microseconds */
		size_t n;
	} t[] = {
		{ "three", { 45, 50, 55 }, 3 },
		{ "one sample", { 1000 }, 1 },
		{ "zeros", { 0, 0, 0 }, 3 },
		{ "one to ten", { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 10 },
		{ "spread", { 100, 100000, 250 }, 3 },
		{ "loopback", { 21, 35, 29, 30, 27, 44, 26, 31 }, 8 },
		{ "wan", { 12345, 15000, 11876, 40123, 12001 }, 5 },
		{ "same", { 777, 777, 777, 777 }, 4 },
		{ "one outlier", { 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
				   5000000 }, 12 },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		int64_t ns[12], mn = INT64_MAX, mx = INT64_MIN;
		double mean = 0, got;
		long double var;
		long long ip;
		struct stats s;

		for (size_t k = 0; k < t[i].n; k++) {
			ns[k] = t[i].us[k] * US;
			mn = ns[k] < mn ? ns[k] : mn;
			mx = ns[k] > mx ? ns[k] : mx;
			mean += (double)ns[k];
		}
		mean /= (double)t[i].n;
		stats_init(&s);
		feed(&s, ns, t[i].n);
		CHECK(s.nrtt == t[i].n, "%s: nrtt", t[i].name);
		CHECK(s.min_ns == mn, "%s: min %ld want %ld", t[i].name,
		      (long)s.min_ns, (long)mn);
		CHECK(s.max_ns == mx, "%s: max %ld want %ld", t[i].name,
		      (long)s.max_ns, (long)mx);
		CHECK(dabs(s.mean_ns - mean) <= 1e-9 * mean + 1e-6, "%s: mean %.6f "
		      "want %.6f", t[i].name, s.mean_ns, mean);
		got = stats_mdev_ns(&s);
		var = ref_var(ns, t[i].n);
		CHECK(mdev_matches(got, var), "%s: mdev %.6f, variance %.6Lf",
		      t[i].name, got, var);
		/* iputils works in whole microseconds and its integer square
		 * root may land on either side (llsqrt(8) is 3): within 1 us. */
		ip = iputils_mdev_us(t[i].us, t[i].n);
		CHECK(dabs(got / 1000.0 - (double)ip) <= 1.0,
		      "%s: mdev %.3f us, iputils %lld us", t[i].name, got / 1000.0, ip);
	}
	TABLE_END();
}

static void test_rtt_random(void **state)
{
	static int64_t ns[5000], us[5000];
	uint32_t x = 99;
	struct stats s;
	long long ip;
	(void)state;

	for (size_t k = 0; k < ARRAY_LEN(ns); k++) {
		x = x * 1103515245u + 12345u;
		us[k] = (x >> 8) % 200000;      /* up to 200 ms */
		ns[k] = us[k] * US;
	}
	stats_init(&s);
	feed(&s, ns, ARRAY_LEN(ns));
	assert_true(mdev_matches(stats_mdev_ns(&s), ref_var(ns, ARRAY_LEN(ns))));
	ip = iputils_mdev_us(us, ARRAY_LEN(us));
	assert_true(dabs(stats_mdev_ns(&s) / 1000.0 - (double)ip) <= 1.0);
}

/* A long run of large, nearly equal times: the spread must survive (a
 * sum of squares in double would cancel it away). */
static void test_rtt_stability(void **state)
{
	struct stats s;
	(void)state;

	stats_init(&s);
	for (int i = 0; i < 200000; i++) {
		struct event ev = reply((uint64_t)i + 1, (uint16_t)(i + 1),
					10 * 1000 * MS + (i & 1) * 1000);

		stats_update(&s, &ev);
	}
	assert_int_equal(s.min_ns, 10 * 1000 * MS);
	assert_int_equal(s.max_ns, 10 * 1000 * MS + 1000);
	assert_true(dabs(s.mean_ns - (10.0e9 + 500.0)) < 1e-3);
	/* Half at x, half at x + 1000: the deviation is 500 ns. */
	assert_true(dabs(stats_mdev_ns(&s) - 500.0) < 0.5);
}

static void test_rtt_edges(void **state)
{
	static const struct {
		const char *name;
		int64_t ns[4];
		size_t n;
		int64_t min, max;
		double mean, mdev;
	} t[] = {
		{ "rtt 0", { 0 }, 1, 0, 0, 0.0, 0.0 },
		{ "one sample", { 12345678 }, 1, 12345678, 12345678, 12345678.0, 0.0 },
		{ "one ns", { 1 }, 1, 1, 1, 1.0, 0.0 },
		{ "three days", { 3 * DAY }, 1, 3 * DAY, 3 * DAY, 3.0 * DAY, 0.0 },
		{ "one and three days", { DAY, 3 * DAY }, 2, DAY, 3 * DAY,
		  2.0 * DAY, 1.0 * DAY },
		{ "a year and a microsecond", { 365 * DAY, 1000 }, 2, 1000,
		  365 * DAY, (365.0 * DAY + 1000) / 2, (365.0 * DAY - 1000) / 2 },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct stats s;

		stats_init(&s);
		feed(&s, t[i].ns, t[i].n);
		CHECK(s.min_ns == t[i].min, "%s: min %ld", t[i].name, (long)s.min_ns);
		CHECK(s.max_ns == t[i].max, "%s: max %ld", t[i].name, (long)s.max_ns);
		CHECK(dabs(s.mean_ns - t[i].mean) <= 1e-12 * t[i].mean + 1e-9,
		      "%s: mean %.3f want %.3f", t[i].name, s.mean_ns, t[i].mean);
		CHECK(dabs(stats_mdev_ns(&s) - t[i].mdev) <= 1e-12 * t[i].mdev + 1e-6,
		      "%s: mdev %.3f want %.3f", t[i].name, stats_mdev_ns(&s),
		      t[i].mdev);
		/* The first sample sets ewma8 = 8 * rtt. */
		CHECK(t[i].n != 1 || s.ewma8_ns == 8 * t[i].ns[0],
		      "%s: ewma8 %ld", t[i].name, (long)s.ewma8_ns);
	}
	TABLE_END();
}

/* Regression test (fixed; was: src/analysis/stats.c, stats_update, the ewma update after
 * add_rtt): a negative time (a clock step, or a kernel stamp older than
 * the send stamp) is clamped to 0 for min/avg/max/mdev, but the ewma is
 * fed the raw negative value: reply(rtt_ns = -1000) leaves ewma8_ns =
 * -8000, and the summary prints "ipg/ewma .../-0.001 ms".  iputils clamps
 * the sample itself (triptime = 0, "time of day goes back"), so ewma8 must
 * stay 0, and the next sample then starts it afresh at 8 * rtt. */
static void test_negative_rtt_clamped(void **state)
{
	struct stats s;
	struct event ev = reply(1, 1, -1000);
	(void)state;

	stats_init(&s);
	stats_update(&s, &ev);
	assert_int_equal(s.received, 1);
	assert_int_equal(s.nrtt, 1);
	assert_int_equal(s.min_ns, 0);
	assert_int_equal(s.max_ns, 0);
	assert_true(s.mean_ns == 0.0);
	assert_true(stats_mdev_ns(&s) == 0.0);
	assert_int_equal(s.ewma8_ns, 0);        /* was -8000 */

	ev = reply(2, 2, 1 * MS);
	stats_update(&s, &ev);
	assert_int_equal(s.min_ns, 0);
	assert_int_equal(s.max_ns, 1 * MS);
	assert_int_equal(s.ewma8_ns, 8 * MS);   /* was 1002000 */
}

/* ------------------------------------------------------------ ewma */

/* iputils: if (!rtt) rtt = t * 8; else rtt += t - rtt / 8; here in ns. */
static int64_t ref_ewma8(int64_t e8, int64_t t)
{
	return e8 ? e8 + t - e8 / 8 : t * 8;
}

static void test_ewma(void **state)
{
	static const struct {
		const char *name;
		int64_t us[10];
		size_t n;
	} t[] = {
		{ "steady", { 1000, 1000, 1000, 1000 }, 4 },
		{ "rising", { 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000 }, 10 },
		{ "spike", { 50, 50, 50, 90000, 50, 50, 50, 50 }, 8 },
		{ "odd values", { 3, 7, 11, 13, 17, 19, 23 }, 7 },
		/* ewma8 back at 0 after a zero first sample: iputils then
		 * starts afresh with 8 * t, and so do we. */
		{ "zero first", { 0, 500, 500 }, 3 },
		{ "huge", { 2 * 86400LL * 1000000, 3 * 86400LL * 1000000 }, 2 },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct stats s;
		int64_t e8 = 0, e8us = 0;

		stats_init(&s);
		for (size_t k = 0; k < t[i].n; k++) {
			struct event ev = reply(k + 1, (uint16_t)(k + 1),
						t[i].us[k] * US);

			stats_update(&s, &ev);
			e8 = ref_ewma8(e8, t[i].us[k] * US);
			e8us = ref_ewma8(e8us, t[i].us[k]);
			CHECK(s.ewma8_ns == e8, "%s step %zu: ewma8 %ld want %ld",
			      t[i].name, k, (long)s.ewma8_ns, (long)e8);
		}
		/* What iputils prints, in whole microseconds, within 1 us of
		 * ours (its division truncates at every step). */
		CHECK(llabs(s.ewma8_ns / 8 / 1000 - e8us / 8) <= 1,
		      "%s: ewma %ld us, iputils %ld us", t[i].name,
		      (long)(s.ewma8_ns / 8000), (long)(e8us / 8));
	}
	TABLE_END();
}

static void test_ewma_which_replies(void **state)
{
	struct stats s;
	struct event ev;
	int64_t e8;
	(void)state;

	stats_init(&s);
	ev = reply(1, 1, 1 * MS);
	stats_update(&s, &ev);
	e8 = 8 * MS;
	assert_int_equal(s.ewma8_ns, e8);

	/* A duplicate's time counts: iputils updates rtt for every reply
	 * whose checksum is good. */
	ev = reply(1, 1, 9 * MS);
	ev.dup = true;
	stats_update(&s, &ev);
	e8 = ref_ewma8(e8, 9 * MS);
	assert_int_equal(s.ewma8_ns, e8);

	/* A corrupted reply's time does not. */
	ev = reply(2, 2, 50 * MS);
	ev.bad_cksum = true;
	stats_update(&s, &ev);
	assert_int_equal(s.ewma8_ns, e8);

	/* Nor does a reply without a time. */
	ev = reply(3, 3, 50 * MS);
	ev.has_rtt = false;
	stats_update(&s, &ev);
	assert_int_equal(s.ewma8_ns, e8);
	assert_int_equal(s.nrtt, 2);
}

/* ------------------------------------------------------------ pipe */

static void test_pipesize(void **state)
{
	static const struct {
		const char *name;
		uint64_t nsent;
		uint16_t seq;
		bool bad, notice, error;
		uint64_t want;          /* pipesize after this event alone */
	} t[] = {
		{ "one out", 1, 1, false, false, false, 1 },
		{ "three out", 3, 1, false, false, false, 3 },
		{ "newest", 3, 3, false, false, false, 1 },
		{ "across the 16-bit wrap", 65537, 65535, false, false, false, 3 },
		{ "seq ahead of nsent: ignored", 2, 5, false, false, false, 0 },
		{ "error counts", 4, 1, false, false, true, 4 },
		{ "notice does not", 4, 1, false, true, true, 0 },
		/* Regression test (fixed; was: src/analysis/stats.c, stats_update, the pipe block):
		 * a reply with a bad checksum raises pipesize today (to 4
		 * here).  iputils calls acknowledge(), which keeps pipesize,
		 * only "if (!csfailed)" (gather_statistics), so a corrupted
		 * reply must leave it alone. */
		{ "corrupted does not", 4, 1, true, false, false, 0 },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct stats s;
		struct event ev = reply(t[i].nsent, t[i].seq, 1 * MS);

		if (t[i].error) {
			ev = mk(EV_ERROR, t[i].nsent, t[i].seq);
			ev.icmp_type = t[i].notice ? 5 : 11;
			ev.notice = t[i].notice;
		}
		ev.bad_cksum = t[i].bad;
		stats_init(&s);
		stats_update(&s, &ev);
		CHECK(s.pipesize == t[i].want, "%s: pipesize %lu want %lu",
		      t[i].name, (unsigned long)s.pipesize, (unsigned long)t[i].want);
	}
	TABLE_END();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_on_event_is_update),
		cmocka_unit_test(test_loss),
		cmocka_unit_test(test_rtt_summary),
		cmocka_unit_test(test_rtt_random),
		cmocka_unit_test(test_rtt_stability),
		cmocka_unit_test(test_rtt_edges),
		cmocka_unit_test(test_negative_rtt_clamped),
		cmocka_unit_test(test_ewma),
		cmocka_unit_test(test_ewma_which_replies),
		cmocka_unit_test(test_pipesize),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
