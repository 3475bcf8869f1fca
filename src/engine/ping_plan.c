/* The ping plan (ping_plan.h): every target has its own token bucket and
 * its own end, as iputils paces its one target; a heap keeps the targets
 * by their next due time, so the next send is found in O(1) and moved in
 * O(log N).  The counts it keeps per target are the ones the schedule
 * needs (engine_target); the statistics are the consumers'. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "engine_int.h"
#include "ping_plan.h"
#include "sched.h"
#include "../wire/addr.h"

/* With flood and no replies, probes still go out this often (iputils). */
#define FLOOD_MIN_INTERVAL (10 * MSEC)

struct ping_plan {
	struct ping_plan_cfg cfg;
	struct sched_heap heap;
	int64_t start_mono;
	int64_t last_send_mono; /* the latest probe, any target */
	int64_t deadline_at;    /* 0: none */
	int64_t tmax_ns;        /* largest RTT: how long to wait at the end */
	int64_t rtt_ewma8_ns;   /* 8 x EWMA of RTT, for -A */
	uint32_t local_pn;      /* the probe a local error was reported for */
	bool local_reported;
};

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* -A: the interval follows the smoothed RTT, in whole milliseconds as
 * iputils keeps it, never below the unprivileged floor. */
static int64_t interval_now(const struct ping_plan *p)
{
	int64_t iv;

	if (!p->cfg.adaptive || !p->rtt_ewma8_ns)
		return p->cfg.interval_ns;
	iv = (p->rtt_ewma8_ns / 8 + MSEC / 2) / MSEC * MSEC;
	if (p->cfg.min_user_interval && iv < 2 * MSEC)
		iv = 2 * MSEC;
	return iv < p->cfg.interval_ns ? iv : p->cfg.interval_ns;
}

/* Probes out and not yet answered, as iputils counts them: everything
 * sent after the newest answer, so that a lost probe stops counting once a
 * later one is answered (flood would otherwise slow to 100/s after
 * `preload` losses). */
static uint64_t in_flight(const struct engine_target *t)
{
	/* acked is a probe number, 32 bits as sent is counted in them. */
	return (uint32_t)((uint32_t)t->sent - t->acked);
}

static uint64_t count_of(const struct ping_plan *p, const struct engine *e,
			 const struct engine_target *t)
{
	return p->cfg.counts ? p->cfg.counts[t - e->targets] : p->cfg.count;
}

static bool target_done(const struct ping_plan *p, const struct engine *e,
			const struct engine_target *t)
{
	uint64_t count = count_of(p, e, t);

	if (t->flags & ENGINE_T_DONE)
		return true;
	if (count && t->answered >= count)
		return true;
	/* iputils ends a run with a deadline at its first error. */
	return p->cfg.deadline_ns && (t->flags & ENGINE_T_ERRORED);
}

static bool all_sent(const struct ping_plan *p, const struct engine *e,
		     const struct engine_target *t)
{
	uint64_t count = count_of(p, e, t);

	return count && t->sent >= count && !p->cfg.deadline_ns;
}

/* How long until t's next probe may go (<= 0: now).  A token bucket of
 * interval-sized tokens holding up to `preload`; with interval 0 (flood)
 * a probe goes as soon as fewer than `preload` are out, and at least every
 * 10 ms. */
static int64_t target_wait(const struct ping_plan *p, const struct engine_target *t,
			   int64_t now)
{
	int64_t iv = interval_now(p);

	if (t->sent == 0)
		return 0;
	if (iv == 0)
		return in_flight(t) < p->cfg.preload ? 0 :
		       t->tat + FLOOD_MIN_INTERVAL - now;
	return sched_bucket_wait(t->tat, iv, now);
}

static void take_token(const struct ping_plan *p, struct engine_target *t,
		       int64_t now)
{
	int64_t iv = interval_now(p);

	int64_t back;

	if (t->sent == 0) {     /* the first probe, and preload - 1 more */
		if (__builtin_mul_overflow(iv, (int64_t)(p->cfg.preload - 1), &back))
			back = INT64_MAX / 4;
		t->tat = now - back;
	} else if (iv == 0) {
		t->tat = now;   /* flood: the time of the latest probe */
	} else {
		t->tat = sched_bucket_take(t->tat, iv, p->cfg.preload, now);
	}
}

static void finish_target(struct ping_plan *p, struct engine *e, uint32_t ti)
{
	e->targets[ti].flags |= ENGINE_T_DONE;
	sched_heap_remove(&p->heap, e->targets, ti);
}

/* After t's last probe: how long to wait for stragglers. */
static void schedule_exit(struct ping_plan *p, struct engine_target *t,
			  int64_t now)
{
	int64_t wait;

	if (t->flags & ENGINE_T_EXITING)
		return;
	t->flags |= ENGINE_T_EXITING;
	if (p->cfg.timeout_ns) {
		wait = p->cfg.timeout_ns;
	} else if (t->flags & ENGINE_T_REPLIED) {
		wait = 2 * p->tmax_ns;
		if (wait < p->cfg.interval_ns)
			wait = p->cfg.interval_ns;
	} else {
		wait = p->cfg.linger_ns;
		if (wait == 0) {        /* -W 0: wait for ever, as iputils */
			t->due = INT64_MAX;
			return;
		}
	}
	t->due = now + wait;
}

/* t's next time in the heap: its end, or when its next probe may go. */
static void reschedule(struct ping_plan *p, struct engine *e, uint32_t ti,
		       int64_t now)
{
	struct engine_target *t = &e->targets[ti];

	if (target_done(p, e, t)) {
		finish_target(p, e, ti);
		return;
	}
	if (t->flags & ENGINE_T_EXITING)
		return;
	if (all_sent(p, e, t)) {
		schedule_exit(p, t, now);
	} else {
		int64_t w = target_wait(p, t, now);

		t->due = now + (w > 0 ? w : 0);
	}
	sched_heap_fix(&p->heap, e->targets, ti);
}

/* ---------------------------------------------------------- the table */

static void plan_start(void *ctx, struct engine *e, int64_t now)
{
	struct ping_plan *p = ctx;
	struct event ev;

	for (uint32_t i = 0; i < e->ntargets; i++) {
		engine_event_init(e, &ev, EV_START, i);
		engine_emit(e, &ev);
		e->targets[i].due = now;
		sched_heap_push(&p->heap, e->targets, i);
	}
	p->start_mono = now;
	if (p->cfg.deadline_ns)
		p->deadline_at = now + p->cfg.deadline_ns;
}

static void on_expired(void *ctx, struct probe_rec *rec)
{
	struct engine *e = ctx;
	struct event ev;

	engine_event_init(e, &ev, EV_TIMEOUT, rec->target);
	ev.probe = rec->tseq;
	ev.seq = (uint16_t)rec->tseq;
	engine_emit(e, &ev);
}

static int64_t plan_next(void *ctx, struct engine *e, int64_t now,
			 struct probe_req *req)
{
	struct ping_plan *p = ctx;
	int64_t limit = INT64_MAX;

	if (p->deadline_at) {
		if (now >= p->deadline_at)
			return PLAN_DONE;
		limit = p->deadline_at - now;
	}
	if (p->cfg.timeout_ns) {
		const struct probe_rec *old;

		inflight_expire(&e->ring, e->newest_pn, now - p->cfg.timeout_ns,
				on_expired, e);
		old = inflight_find(&e->ring, e->ring.oldest);
		if (old && (old->flags & PROBE_REC_LIVE))
			limit = min64(limit, old->sent_mono + p->cfg.timeout_ns - now);
	}
	while (!sched_heap_empty(&p->heap)) {
		uint32_t ti = sched_heap_top(&p->heap);
		struct engine_target *t = &e->targets[ti];
		int64_t w;

		if (target_done(p, e, t)) {
			finish_target(p, e, ti);
			continue;
		}
		if (t->due > now)
			return min64(t->due - now, limit);
		if (t->flags & ENGINE_T_EXITING) {
			finish_target(p, e, ti);        /* waited enough */
			continue;
		}
		w = target_wait(p, t, now);
		if (w > 0) {
			t->due = now + w;
			sched_heap_fix(&p->heap, e->targets, ti);
			continue;
		}
		if (!req)
			return 0;       /* due, but the engine's bucket is empty */
		if (p->cfg.report_outstanding && t->sent > 0) {
			if (!(t->flags & ENGINE_T_LAST_REPLIED)) {
				struct event ev;

				engine_event_init(e, &ev, EV_NOANSWER, ti);
				ev.probe = (uint32_t)t->sent;
				ev.seq = (uint16_t)t->sent;
				ev.has_when = clock_gettime(CLOCK_REALTIME, &ev.when) == 0;
				engine_emit(e, &ev);
			}
		}
		take_token(p, t, now);
		req->target = ti;
		req->tseq = (uint32_t)(t->sent + 1);
		if (p->cfg.ttl > 0)
			req->ttl = p->cfg.ttl;
		return 0;
	}
	return PLAN_DONE;
}

static void plan_sent(void *ctx, struct engine *e, const struct probe_req *req,
		      struct probe_rec *rec, int err)
{
	struct ping_plan *p = ctx;
	struct engine_target *t = &e->targets[req->target];
	struct event ev;

	/* A probe that failed counts as sent (the engine counted it), as
	 * iputils counts it: the loss figure then shows it never arrived. */
	p->last_send_mono = req->sent_mono;
	if (err) {
		/* The error queue usually said why already (e.g. the path
		 * MTU): that is the one error reported for this probe. */
		if (!(p->local_reported && p->local_pn == req->pn)) {
			engine_event_init(e, &ev, EV_LOCAL_ERROR, req->target);
			ev.probe = req->tseq;
			ev.seq = (uint16_t)req->tseq;
			ev.err = -err;
			ev.icmp_code = EV_LOCAL_FROM_SEND;
			t->answered++;
			t->flags |= ENGINE_T_ERRORED;
			engine_emit(e, &ev);
		}
	} else {
		(void)rec;
		engine_event_init(e, &ev, EV_SENT, req->target);
		ev.probe = req->tseq;
		ev.pn = req->pn;
		ev.seq = (uint16_t)req->tseq;
		engine_emit(e, &ev);
	}
	reschedule(p, e, req->target, req->sent_mono);
}

/* Replies from many hosts are expected for multicast and broadcast
 * targets and for an IPv6 subnet-router anycast address. */
static bool group_address(const struct ping_plan *p, const struct engine_target *t)
{
	static const uint8_t zero[8];

	if (t->family == AF_INET6)
		return t->addr[0] == 0xff || memcmp(t->addr + 8, zero, 8) == 0;
	return p->cfg.broadcast || (t->addr[12] & 0xf0) == 0xe0;
}

static void acknowledge(struct engine_target *t, uint32_t tseq)
{
	if ((int32_t)(tseq - t->acked) > 0)
		t->acked = tseq;
}

static void plan_answer(void *ctx, struct engine *e, struct probe_rec *rec,
			struct probe_answer *a)
{
	struct ping_plan *p = ctx;
	struct event *ev = &a->ev;
	struct engine_target *t;

	if (!rec) {
		engine_emit(e, ev);     /* EV_FOREIGN: shown with -v */
		return;
	}
	t = &e->targets[rec->target];
	if (ev->type == EV_REPLY) {
		if (ev->other_addr && group_address(p, t))
			ev->other_addr = false;
		/* Many targets are told apart by who answers. */
		if (ev->other_addr && e->ntargets > 1) {
			ev->type = EV_FOREIGN;
			ev->foreign = EV_FOREIGN_ADDR;
			engine_emit(e, ev);
			return;
		}
		ev->dup = (rec->flags & PROBE_REC_ANSWERED) != 0;
		ev->late = (rec->flags & PROBE_REC_EXPIRED) != 0;
		if (!ev->bad_cksum && !ev->bad_tag && !ev->dup) {
			inflight_set_live(&e->ring, rec, false);
			rec->flags |= PROBE_REC_ANSWERED;
			t->answered++;
			t->flags |= ENGINE_T_REPLIED;
			if (rec->tseq == t->sent)
				t->flags |= ENGINE_T_LAST_REPLIED;
			acknowledge(t, rec->tseq);
			if (ev->rtt_ns > p->tmax_ns)
				p->tmax_ns = ev->rtt_ns;
			p->rtt_ewma8_ns = p->rtt_ewma8_ns ?
				p->rtt_ewma8_ns + ev->rtt_ns - p->rtt_ewma8_ns / 8 :
				ev->rtt_ns * 8;
		}
	} else if (ev->type == EV_ERROR && !ev->notice) {
		/* The probe stays answerable: a reply may still come (iputils
		 * counts it), and -O still says it had none. */
		t->answered++;
		t->flags |= ENGINE_T_ERRORED;
		acknowledge(t, rec->tseq);
	}
	engine_emit(e, ev);
	/* An answer may free a flood's next probe, or end the target. */
	if (sched_heap_has(&p->heap, e->targets, rec->target))
		reschedule(p, e, rec->target, e->rx_mono);
}

static void plan_local_error(void *ctx, struct engine *e, struct probe_rec *rec,
			     int err, uint32_t info)
{
	struct ping_plan *p = ctx;
	uint32_t ti = rec ? rec->target : 0;
	struct event ev;

	if (ti >= e->ntargets)
		return;
	engine_event_init(e, &ev, EV_LOCAL_ERROR, ti);
	if (rec) {
		ev.probe = rec->tseq;
		ev.seq = (uint16_t)rec->tseq;
		p->local_pn = rec->pn;
		p->local_reported = true;
	}
	ev.err = err;
	ev.icmp_info = info;
	ev.icmp_code = EV_LOCAL_FROM_QUEUE;
	e->targets[ti].answered++;
	e->targets[ti].flags |= ENGINE_T_ERRORED;
	engine_emit(e, &ev);
}

static int64_t elapsed(const struct ping_plan *p)
{
	/* As iputils counts it: from the start to the last probe sent. */
	if (!p->start_mono || !p->last_send_mono)
		return 0;
	return p->last_send_mono - p->start_mono;
}

static void plan_status(void *ctx, struct engine *e)
{
	struct ping_plan *p = ctx;
	struct event ev;

	engine_event_init(e, &ev, EV_STATUS, 0);
	ev.elapsed_ns = elapsed(p);
	engine_emit(e, &ev);
}

static void plan_end(void *ctx, struct engine *e, int err)
{
	struct ping_plan *p = ctx;
	struct event ev;

	engine_event_init(e, &ev, EV_END, 0);
	ev.elapsed_ns = elapsed(p);
	ev.err = -err;
	engine_emit(e, &ev);
}

static const struct engine_plan ping_plan = {
	.name = "ping",
	.retry_send = false,
	.start = plan_start,
	.next = plan_next,
	.sent = plan_sent,
	.answer = plan_answer,
	.local_error = plan_local_error,
	.status = plan_status,
	.end = plan_end,
};

int engine_run_ping(struct engine *e, const struct ping_plan_cfg *cfg,
		    const struct engine_signals *sig)
{
	struct ping_plan p;
	int rc;

	if (e->ntargets == 0)
		return -EINVAL;
	memset(&p, 0, sizeof(p));
	p.cfg = *cfg;
	if (p.cfg.preload == 0)
		p.cfg.preload = 1;
	/* Answers are counted in 32 bits a target. */
	if (p.cfg.count > UINT32_MAX)
		p.cfg.count = UINT32_MAX;
	rc = sched_heap_init(&p.heap, e->ntargets);
	if (rc < 0)
		return rc;
	rc = engine_run(e, &ping_plan, &p, sig);
	sched_heap_free(&p.heap);
	return rc;
}
