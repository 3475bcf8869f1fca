/* Per-hop statistics for the traceroute report mode (mtr's --report). */
#include <math.h>

#include "trace_stats.h"

void trace_hop_stats_add(struct trace_hop_stats *h, bool answered,
			 double rtt_ms)
{
	double d;

	h->sent++;
	if (!answered)
		return;
	h->recv++;
	h->last_ms = rtt_ms;
	if (h->recv == 1 || rtt_ms < h->best_ms)
		h->best_ms = rtt_ms;
	if (h->recv == 1 || rtt_ms > h->worst_ms)
		h->worst_ms = rtt_ms;
	d = rtt_ms - h->mean_ms;
	h->mean_ms += d / h->recv;
	h->m2 += d * (rtt_ms - h->mean_ms);
}

double trace_hop_stats_loss(const struct trace_hop_stats *h)
{
	return h->sent ? 100.0 * (h->sent - h->recv) / h->sent : 0.0;
}

double trace_hop_stats_stdev(const struct trace_hop_stats *h)
{
	return h->recv > 1 ? sqrt(h->m2 / (h->recv - 1)) : 0.0;
}
