/* stats: events -> the numbers of ping's summary. */
#ifndef ECHOLOT_STATS_H
#define ECHOLOT_STATS_H

#include <stdint.h>

#include "../engine/event.h"

struct stats {
	uint64_t transmitted;
	uint64_t received;      /* distinct good replies */
	uint64_t duplicates;
	uint64_t corrupted;     /* bad checksum */
	uint64_t errors;        /* ICMP errors and local errors */
	uint64_t pipesize;      /* most probes out when an answer came */
	uint64_t forged;        /* replies with our id and sequence but not our
	                           tag: dropped, counted here only */

	/* RTT over every reply with a time, duplicates included (as iputils
	 * does), in nanoseconds.  Mean and variance by Welford's method: no
	 * sum of squares to overflow on long runs. */
	uint64_t nrtt;
	int64_t min_ns, max_ns;
	double mean_ns;
	double m2;
	/* The smoothed RTT iputils prints as ewma: rtt += sample - rtt/8,
	 * kept x8. */
	int64_t ewma8_ns;
	/* Each time rounded to whole microseconds, as its reply line shows
	 * it, summed: the text summary's figures come from these. */
	uint64_t sum_us;
	double sum2_us;
};

/* min/avg/max/mdev in whole microseconds by one rule: every time rounded
 * to the microsecond (as its reply line shows it), then iputils' integer
 * arithmetic (avg and mdev truncated).  min <= avg <= max always. */
struct stats_us {
	int64_t min, avg, max, mdev;
};

void stats_init(struct stats *s);
void stats_update(struct stats *s, const struct event *ev);

/* As an event sink (ctx is a struct stats). */
void stats_on_event(void *ctx, const struct event *ev);

double stats_loss_percent(const struct stats *s);
/* Population standard deviation, as iputils' mdev. */
double stats_mdev_ns(const struct stats *s);
/* The summary's figures (struct stats_us); all 0 without times. */
void stats_us(const struct stats *s, struct stats_us *out);

#endif
