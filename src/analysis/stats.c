/* Counting and RTT statistics. */
#include <math.h>
#include <string.h>

#include "stats.h"

void stats_init(struct stats *s)
{
	memset(s, 0, sizeof(*s));
}

/* ns -> whole microseconds, rounded as the reply lines round them. */
static int64_t round_us(int64_t ns)
{
	return (ns + 500) / 1000;
}

static void add_rtt(struct stats *s, int64_t rtt)
{
	double delta;
	int64_t us = round_us(rtt);

	if (s->nrtt == 0 || rtt < s->min_ns)
		s->min_ns = rtt;
	if (s->nrtt == 0 || rtt > s->max_ns)
		s->max_ns = rtt;
	s->nrtt++;
	delta = (double)rtt - s->mean_ns;
	s->mean_ns += delta / (double)s->nrtt;
	s->m2 += delta * ((double)rtt - s->mean_ns);
	s->sum_us += (uint64_t)us;
	s->sum2_us += (double)us * (double)us;
}

void stats_update(struct stats *s, const struct event *ev)
{
	int64_t rtt;

	if (ev->nsent > s->transmitted)
		s->transmitted = ev->nsent;
	if ((ev->type == EV_REPLY && !ev->bad_cksum && !ev->bad_tag) ||
	    (ev->type == EV_ERROR && !ev->notice)) {
		/* How many probes were out when this answer came. */
		uint64_t pipe = (uint16_t)((uint16_t)ev->nsent - ev->seq) + 1u;

		if (pipe > s->pipesize && pipe <= ev->nsent)
			s->pipesize = pipe;
	}
	switch (ev->type) {
	case EV_REPLY:
		/* A bad checksum, or data that fails our tag: the host answered,
		 * but not with what we sent.  Never received, no RTT. */
		if (ev->bad_cksum || ev->bad_tag) {
			s->corrupted++;
			return;
		}
		if (ev->dup)
			s->duplicates++;
		else
			s->received++;
		if (!ev->has_rtt)
			return;
		/* A negative time cannot be; a clock misread is taken as 0. */
		rtt = ev->rtt_ns < 0 ? 0 : ev->rtt_ns;
		add_rtt(s, rtt);
		/* Every timed reply, duplicates too, as iputils does. */
		s->ewma8_ns = s->ewma8_ns ? s->ewma8_ns + rtt - s->ewma8_ns / 8 :
					    rtt * 8;
		break;
	case EV_ERROR:
		if (ev->notice)
			return;
		/* fall through */
	case EV_LOCAL_ERROR:
		s->errors++;
		break;
	case EV_FOREIGN:
		if (ev->foreign == EV_FOREIGN_TAG)
			s->forged++;
		break;
	default:
		break;
	}
}

void stats_on_event(void *ctx, const struct event *ev)
{
	stats_update(ctx, ev);
}

double stats_loss_percent(const struct stats *s)
{
	if (!s->transmitted)
		return 0.0;
	return (double)(s->transmitted - (s->received < s->transmitted ?
					  s->received : s->transmitted)) *
	       100.0 / (double)s->transmitted;
}

double stats_mdev_ns(const struct stats *s)
{
	if (s->nrtt == 0)
		return 0.0;
	return sqrt(s->m2 / (double)s->nrtt);
}

/* The largest r with r * r <= v. */
static int64_t isqrt(int64_t v)
{
	int64_t r;

	if (v <= 0)
		return 0;
	r = (int64_t)sqrt((double)v);
	while (r > 0 && r * r > v)
		r--;
	while ((r + 1) * (r + 1) <= v)
		r++;
	return r;
}

void stats_us(const struct stats *s, struct stats_us *out)
{
	double n = (double)s->nrtt, sum = (double)s->sum_us, var;

	memset(out, 0, sizeof(*out));
	if (!s->nrtt)
		return;
	out->min = round_us(s->min_ns);
	out->max = round_us(s->max_ns);
	/* Integer division of whole microseconds: never below min, whose
	 * rounded value is a lower bound of every term of the sum. */
	out->avg = (int64_t)(s->sum_us / s->nrtt);
	/* iputils' variance: exact for small sums, the other form when the
	 * square of the sum would lose precision. */
	if (sum < 2147483647.0)
		var = (s->sum2_us - sum * sum / n) / n;
	else
		var = s->sum2_us / n - (double)out->avg * (double)out->avg;
	out->mdev = var > 0 && var < 9.2e18 ? isqrt((int64_t)var) : 0;
}
