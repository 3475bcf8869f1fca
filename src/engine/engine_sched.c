/* The schedule: when each target's next probe may go, when a target is
 * done, and when the run may end.  Every target has its own token bucket
 * and its own end, as iputils paces its one target; the loop (engine.c)
 * sends whatever is due, taking the targets in turn. */
#include "engine.h"
#include "engine_int.h"

/* With flood and no replies, probes still go out this often (iputils). */
#define FLOOD_MIN_INTERVAL (10 * MSEC)

/* Probes out and not yet answered, as iputils counts them: everything
 * sent after the newest answer, so that a lost probe stops counting once a
 * later one is answered (flood would otherwise slow to 100/s after
 * `preload` losses). */
uint64_t engine_in_flight(const struct engine_target *t)
{
	uint16_t diff = (uint16_t)((uint16_t)t->ntransmitted - t->acked);
	uint64_t answered = t->nreceived + t->nerrors;

	if (diff <= 0x7fff)
		return diff;
	return t->ntransmitted > answered ? t->ntransmitted - answered : 0;
}

/* The newest answered sequence, in 16-bit sequence space. */
void engine_acknowledge(struct engine_target *t, uint16_t seq)
{
	if ((uint16_t)(seq - t->acked) <= 0x7fff)
		t->acked = seq;
}

/* -A: the interval follows the smoothed RTT, in whole milliseconds as
 * iputils keeps it, never below the unprivileged floor. */
static int64_t interval_now(const struct engine *e, const struct engine_target *t)
{
	int64_t iv;

	if (!e->cfg.adaptive || !t->rtt_ewma8_ns)
		return e->cfg.interval_ns;
	iv = (t->rtt_ewma8_ns / 8 + MSEC / 2) / MSEC * MSEC;
	if (e->cfg.min_user_interval && iv < 2 * MSEC)
		iv = 2 * MSEC;
	return iv < e->cfg.interval_ns ? iv : e->cfg.interval_ns;
}

/* How long until t's next probe may go: <= 0 means now, and then the
 * token is taken.  A token bucket of interval-sized tokens, holding up to
 * `preload` of them, as iputils paces; with interval 0 (flood) a probe
 * goes as soon as the previous one is answered, but at least every 10 ms. */
static int64_t target_next(struct engine *e, struct engine_target *t, int64_t now)
{
	int64_t iv = interval_now(e, t), elapsed, ntok, cap;

	if (e->exiting)
		return NSEC;
	if (e->cfg.count && t->ntransmitted >= e->cfg.count && !e->cfg.deadline_ns)
		return NSEC;
	if (t->last_send_mono == 0) {
		t->tokens_ns = iv * (int64_t)(e->cfg.preload - 1);
		t->last_send_mono = now;
		return 0;
	}
	elapsed = now - t->last_send_mono;
	if (iv == 0 && elapsed < FLOOD_MIN_INTERVAL &&
	    engine_in_flight(t) >= e->cfg.preload)
		return FLOOD_MIN_INTERVAL - elapsed;
	ntok = elapsed + t->tokens_ns;
	cap = iv * (int64_t)e->cfg.preload;
	if (ntok > cap)
		ntok = cap;
	if (ntok < iv)
		return iv - ntok;
	t->last_send_mono = now;
	t->tokens_ns = ntok - iv;
	return 0;
}

int64_t engine_next_send(struct engine *e, unsigned *ti, int64_t now)
{
	int64_t wait = NSEC;

	/* From the target after the last one served, so that none starves. */
	for (unsigned k = 0; k < e->ntargets; k++) {
		unsigned i = (e->next_target + k) % e->ntargets;
		int64_t w;

		if (engine_target_done(e, &e->targets[i]))
			continue;
		w = target_next(e, &e->targets[i], now);
		if (w <= 0) {
			*ti = i;
			e->next_target = (i + 1) % e->ntargets;
			e->last_send_mono = now;
			return 0;
		}
		if (w < wait)
			wait = w;
	}
	return wait;
}

bool engine_target_done(const struct engine *e, const struct engine_target *t)
{
	if (e->cfg.count && t->nreceived + t->nerrors >= e->cfg.count)
		return true;
	/* iputils ends a run with a deadline at its first error. */
	if (e->cfg.deadline_ns && t->nerrors)
		return true;
	return false;
}

bool engine_done(const struct engine *e)
{
	for (unsigned i = 0; i < e->ntargets; i++)
		if (!engine_target_done(e, &e->targets[i]))
			return false;
	return true;
}

void engine_schedule_exit(struct engine *e, unsigned ti, int64_t now)
{
	struct engine_target *t = &e->targets[ti];
	int64_t wait;

	if (t->exit_at || !e->cfg.count || t->ntransmitted < e->cfg.count)
		return;
	/* After the last probe: how long to wait for stragglers. */
	if (t->nreceived) {
		wait = 2 * t->tmax_ns;
		if (wait < e->cfg.interval_ns)
			wait = e->cfg.interval_ns;
	} else {
		wait = e->cfg.linger_ns;
		if (wait == 0) {        /* -W 0: wait for ever, as iputils */
			t->exit_at = INT64_MAX;
			return;
		}
	}
	t->exit_at = now + wait;
}

int64_t engine_exit_in(const struct engine *e, int64_t now)
{
	int64_t last = 0;

	for (unsigned i = 0; i < e->ntargets; i++) {
		const struct engine_target *t = &e->targets[i];

		if (engine_target_done(e, t))
			continue;
		if (!t->exit_at || t->exit_at == INT64_MAX)
			return INT64_MAX;       /* still probing, or for ever */
		if (t->exit_at - now > last)
			last = t->exit_at - now;
	}
	return last;
}

int64_t engine_elapsed_ns(const struct engine *e)
{
	/* As iputils counts it: from the start to the last probe sent. */
	if (!e->start_mono || !e->last_send_mono)
		return 0;
	return e->last_send_mono - e->start_mono;
}
