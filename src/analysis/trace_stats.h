/* trace_stats: per-hop numbers over many rounds of a trace, as mtr's
 * report shows them: loss, sent, last, mean, best, worst, deviation. */
#ifndef ECHOLOT_TRACE_STATS_H
#define ECHOLOT_TRACE_STATS_H

#include <stdbool.h>
#include <stdint.h>

struct trace_hop_stats {
	unsigned sent;
	unsigned recv;
	double last_ms, best_ms, worst_ms;
	double mean_ms, m2;     /* Welford: no sum of squares to overflow */
};

void trace_hop_stats_add(struct trace_hop_stats *h, bool answered,
			 double rtt_ms);
double trace_hop_stats_loss(const struct trace_hop_stats *h);  /* percent */
/* Sample standard deviation (n - 1), as mtr's; 0 below two answers. */
double trace_hop_stats_stdev(const struct trace_hop_stats *h);

#endif
