/* Which probes were answered, and which were lost. */
#include <string.h>

#include "probes.h"

void probes_init(struct probes *p, probes_lost_fn lost, void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->lost = lost;
	p->ctx = ctx;
}

static bool get(const struct probes *p, uint16_t seq)
{
	return p->answered[seq >> 3] & (1u << (seq & 7));
}

static void set(struct probes *p, uint16_t seq, bool v)
{
	if (v)
		p->answered[seq >> 3] |= (uint8_t)(1u << (seq & 7));
	else
		p->answered[seq >> 3] &= (uint8_t)~(1u << (seq & 7));
}

static void declare_lost(struct probes *p, uint64_t probe)
{
	p->nlost++;
	if (p->lost)
		p->lost(p->ctx, probe, (uint16_t)probe);
}

uint64_t probes_number(uint64_t nsent, uint16_t seq)
{
	uint64_t back = (uint16_t)((uint16_t)nsent - seq);

	return back < nsent ? nsent - back : 0;
}

/* Probes up to n went out: each new one takes over its sequence number
 * from the probe PROBES_WINDOW before it, which is lost if unanswered. */
static void advance(struct probes *p, uint64_t n)
{
	while (p->nsent < n) {
		uint64_t k = ++p->nsent;

		if (k > PROBES_WINDOW && !get(p, (uint16_t)k))
			declare_lost(p, k - PROBES_WINDOW);
		set(p, (uint16_t)k, false);
	}
}

static void answer(struct probes *p, const struct event *ev)
{
	uint64_t k = probes_number(p->nsent, ev->seq);

	if (k == 0 || get(p, ev->seq))
		return;
	set(p, ev->seq, true);
	p->nanswered++;
}

void probes_update(struct probes *p, const struct event *ev)
{
	if (ev->type == EV_END)
		return;
	advance(p, ev->nsent);
	switch (ev->type) {
	case EV_REPLY:
		if (!ev->bad_cksum && !ev->bad_tag && !ev->dup)
			answer(p, ev);
		break;
	case EV_ERROR:
		if (!ev->notice)
			answer(p, ev);
		break;
	case EV_LOCAL_ERROR:
		answer(p, ev);
		break;
	default:
		break;
	}
}

void probes_finish(struct probes *p)
{
	uint64_t first = p->nsent > PROBES_WINDOW ? p->nsent - PROBES_WINDOW + 1 : 1;

	for (uint64_t k = first; k <= p->nsent; k++) {
		if (!get(p, (uint16_t)k)) {
			declare_lost(p, k);
			/* Once only, if finish is called twice. */
			set(p, (uint16_t)k, true);
		}
	}
}
