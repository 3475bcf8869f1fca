/* hist: a bounded-memory log-linear histogram of round-trip times, for
 * percentiles (p50, p90, p99) over runs of any length.
 *
 * Layout (as HdrHistogram's): times in nanoseconds; below 2^HIST_SUB_BITS
 * = 128 ns one bucket per nanosecond; above, every power of two [2^k,
 * 2^(k+1)) is cut into 128 equal buckets, so a bucket is at most 1/128 of
 * its lower edge wide.  A fixed array covers 0 .. 2^42 ns (73 minutes);
 * longer times are counted in the last bucket.  No allocation, ever.
 *
 * Precision: a percentile is reported as the middle of the bucket that
 * holds it, clamped to the smallest and largest sample (kept exactly), so
 * it is within 1/256 (0.39 %) of a sample's true value from 128 ns to 1
 * hour, and exact below 128 ns.  The percentile itself is nearest-rank:
 * the smallest recorded value with at least p % of the samples at or below
 * it (p100 is the maximum, p0 the minimum). */
#ifndef ECHOLOT_HIST_H
#define ECHOLOT_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "../engine/event.h"

#define HIST_SUB_BITS 7
#define HIST_SUB (1u << HIST_SUB_BITS)          /* 128 buckets per octave */
#define HIST_MAX_BITS 42                        /* 2^42 ns = 73 min */
#define HIST_NBUCKETS ((HIST_MAX_BITS - HIST_SUB_BITS + 1) * HIST_SUB)

struct hist {
	uint64_t count;
	int64_t min_ns, max_ns;
	uint64_t bucket[HIST_NBUCKETS];
};

void hist_init(struct hist *h);
/* One sample; negative times count as 0. */
void hist_add(struct hist *h, int64_t ns);
/* The samples ping's statistics use: every timed reply with a good
 * checksum, duplicates included (as min/avg/max/mdev). */
void hist_update(struct hist *h, const struct event *ev);
/* As an event sink (ctx is a struct hist). */
void hist_on_event(void *ctx, const struct event *ev);

/* The p-th percentile (0 <= p <= 100) in ns, or -1 with no samples. */
int64_t hist_percentile(const struct hist *h, double p);

/* The bucket of a time, and a bucket's range [low, high] in ns (exposed
 * for the tests). */
size_t hist_index(int64_t ns);
int64_t hist_bucket_low(size_t i);
int64_t hist_bucket_high(size_t i);

#endif
