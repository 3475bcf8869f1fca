/* The fping plan (fping_plan.h).  Two heaps, as fping's two event queues:
 * the targets by their next probe's time (ties in the order they were
 * queued, so the targets go in the order given), and the probes in flight
 * by their timeout.  A target remembers which of its last 64 probes were
 * answered (a reply to an older one is late, and fping drops it anyway);
 * nothing else is kept per probe. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "fping_plan.h"
#include "../wire/addr.h"

#define WIN 64

struct host {
	int64_t due;            /* its next probe */
	uint64_t qseq;          /* ties: the order it was queued */
	int64_t timeout;        /* the current timeout (backoff) */
	uint64_t answered;      /* bit i % 64: probe i was answered */
	uint32_t next;          /* the next probe's number */
	uint32_t sent;
	bool replied;
	bool queued;
};

struct tmo {
	int64_t at;
	uint32_t host, index;
};

struct fping {
	struct fping_plan_cfg cfg;
	struct host *h;
	uint32_t *pq;           /* heap of hosts by (due, qseq) */
	uint32_t npq;
	struct tmo *tq;         /* heap of timeouts */
	size_t ntq, captq;
	uint64_t qseq;          /* from 1: 0 is a retry's */
	int64_t next_report;
	bool failed;            /* out of memory: end */
	int64_t finish_at;      /* SIGINT: when the run ends, 0: not yet */
	uint32_t unsent;        /* handed to the engine, not yet sent (a
	                           batch): their timeouts are still to come */
	struct sockaddr_storage to, ev_to;
};

/* ------------------------------------------------------------ heaps */

static bool p_less(const struct fping *f, uint32_t a, uint32_t b)
{
	const struct host *x = &f->h[a], *y = &f->h[b];

	return x->due < y->due || (x->due == y->due && x->qseq < y->qseq);
}

/* Queue host hi at due; first: ahead of every host due at the same time. */
static void p_push(struct fping *f, uint32_t hi, int64_t due, bool first)
{
	uint32_t i = f->npq++;

	f->h[hi].due = due;
	f->h[hi].qseq = first ? 0 : f->qseq++;
	f->h[hi].queued = true;
	while (i > 0) {
		uint32_t up = (i - 1) / 2;

		if (!p_less(f, hi, f->pq[up]))
			break;
		f->pq[i] = f->pq[up];
		i = up;
	}
	f->pq[i] = hi;
}

static uint32_t p_pop(struct fping *f)
{
	uint32_t top = f->pq[0], last = f->pq[--f->npq], i = 0;

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= f->npq)
			break;
		if (c + 1 < f->npq && p_less(f, f->pq[c + 1], f->pq[c]))
			c++;
		if (!p_less(f, f->pq[c], last))
			break;
		f->pq[i] = f->pq[c];
		i = c;
	}
	if (f->npq)
		f->pq[i] = last;
	f->h[top].queued = false;
	return top;
}

static int t_push(struct fping *f, struct tmo t)
{
	size_t i;

	if (f->ntq == f->captq) {
		size_t nc = f->captq ? f->captq * 2 : 1024;
		struct tmo *n = realloc(f->tq, nc * sizeof(*n));

		if (!n)
			return -ENOMEM;
		f->tq = n;
		f->captq = nc;
	}
	for (i = f->ntq++; i > 0; i = (i - 1) / 2) {
		if (f->tq[(i - 1) / 2].at <= t.at)
			break;
		f->tq[i] = f->tq[(i - 1) / 2];
	}
	f->tq[i] = t;
	return 0;
}

static struct tmo t_pop(struct fping *f)
{
	struct tmo top = f->tq[0], last = f->tq[--f->ntq];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= f->ntq)
			break;
		if (c + 1 < f->ntq && f->tq[c + 1].at < f->tq[c].at)
			c++;
		if (f->tq[c].at >= last.at)
			break;
		f->tq[i] = f->tq[c];
		i = c;
	}
	if (f->ntq)
		f->tq[i] = last;
	return top;
}

/* ------------------------------------------------------------ events */

static bool answered(const struct host *h, uint32_t index)
{
	/* Older than the window: take it as settled. */
	if (h->next > WIN && index < h->next - WIN)
		return true;
	return h->answered & (UINT64_C(1) << (index % WIN));
}

static void event_for(struct fping *f, struct engine *e, struct event *ev,
		      enum event_type type, uint32_t hi, uint32_t index)
{
	const struct fping_target *t = &f->cfg.targets[hi];

	engine_event_init(e, ev, type, UINT32_MAX);
	ev->target = hi;
	ev->probe = index;
	ev->family = t->family;
	ev->tolen = wire_addr16_to_sa(t->addr, t->family, 0, &f->ev_to);
	ev->to = (const struct sockaddr *)&f->ev_to;
	ev->nsent = f->h[hi].sent;
}

static void status(struct fping *f, struct engine *e, enum event_type type)
{
	struct event ev;

	engine_event_init(e, &ev, type, UINT32_MAX);
	(void)f;
	engine_emit(e, &ev);
}

static void fping_start(void *p, struct engine *e, int64_t now)
{
	struct fping *f = p;

	for (uint32_t i = 0; i < f->cfg.ntargets; i++) {
		f->h[i].timeout = f->cfg.timeout_ns;
		p_push(f, i, now, false);
	}
	f->next_report = f->cfg.report_ns ? now + f->cfg.report_ns : INT64_MAX;
	status(f, e, EV_START);
}

/* Probes whose time is up: EV_TIMEOUT, and in default mode a retry. */
static void expire(struct fping *f, struct engine *e, int64_t now)
{
	while (f->ntq && f->tq[0].at <= now) {
		struct tmo t = t_pop(f);
		struct host *h = &f->h[t.host];
		struct event ev;

		if (answered(h, t.index))
			continue;
		h->answered |= UINT64_C(1) << (t.index % WIN);  /* settled */
		event_for(f, e, &ev, EV_TIMEOUT, t.host, t.index);
		engine_emit(e, &ev);
		if (f->cfg.mode == FPING_MODE_DEFAULT && !h->replied &&
		    h->sent < f->cfg.retry + 1 && !h->queued) {
			h->timeout = (int64_t)((double)h->timeout * f->cfg.backoff);
			/* fping sends a retry at once: first in line. */
			p_push(f, t.host, now, true);
		}
	}
}

/* The time of the next thing fping would do. */
static int64_t next_event(const struct fping *f, int64_t now)
{
	int64_t t = f->next_report;

	if (f->npq && f->h[f->pq[0]].due < t)
		t = f->h[f->pq[0]].due;
	if (f->ntq && f->tq[0].at < t)
		t = f->tq[0].at;
	return t == INT64_MAX ? now : t;
}

/* After SIGINT: wait for the next event, handle it (a report, timeouts),
 * then end. */
static int64_t finishing(struct fping *f, struct engine *e, int64_t now)
{
	if (!f->finish_at)
		f->finish_at = next_event(f, now);
	if (now < f->finish_at)
		return f->finish_at - now;
	if (now >= f->next_report)
		status(f, e, EV_STATUS);
	expire(f, e, now);
	return PLAN_DONE;
}

static int64_t fping_next(void *p, struct engine *e, int64_t now,
			  struct probe_req *req)
{
	struct fping *f = p;
	int64_t wait = INT64_MAX;
	uint32_t hi;
	struct host *h;

	if (f->cfg.finish && *f->cfg.finish)
		return finishing(f, e, now);
	expire(f, e, now);
	if (now >= f->next_report) {
		status(f, e, EV_STATUS);
		while (f->next_report <= now)
			f->next_report += f->cfg.report_ns;
	}
	if ((!f->npq && !f->ntq && !f->unsent) || f->failed)
		return PLAN_DONE;
	if (f->ntq)
		wait = f->tq[0].at - now;
	/* Probes the engine still holds for a batch time out no sooner. */
	if (f->unsent && f->cfg.timeout_ns < wait)
		wait = f->cfg.timeout_ns;
	if (f->cfg.report_ns && f->next_report - now < wait)
		wait = f->next_report - now;
	if (!f->npq || f->h[f->pq[0]].due > now) {
		if (f->npq && f->h[f->pq[0]].due - now < wait)
			wait = f->h[f->pq[0]].due - now;
		return wait > 0 ? wait : 1;
	}
	if (!req)
		return 0;
	hi = p_pop(f);
	h = &f->h[hi];
	req->direct = true;
	req->sock = (unsigned)(f->cfg.targets[hi].family == AF_INET6 ? f->cfg.sock6 :
								       f->cfg.sock4);
	req->tolen = wire_addr16_to_sa(f->cfg.targets[hi].addr,
				       f->cfg.targets[hi].family, 0, &f->to);
	req->to = (const struct sockaddr *)&f->to;
	req->target = hi;
	req->tseq = h->next;
	req->cookie = (uint64_t)hi | (uint64_t)h->next << 32;
	h->answered &= ~(UINT64_C(1) << (h->next % WIN));
	h->next++;
	f->unsent++;
	if (f->cfg.mode == FPING_MODE_LOOP ||
	    (f->cfg.mode == FPING_MODE_COUNT && h->next < f->cfg.count))
		p_push(f, hi, h->due + f->cfg.period_ns, false);
	return 0;
}

static void fping_sent(void *p, struct engine *e, const struct probe_req *req,
		       struct probe_rec *rec, int err)
{
	struct fping *f = p;
	struct host *h = &f->h[req->target];
	struct event ev;

	(void)rec;
	h->sent++;
	f->unsent--;
	if (err < 0) {
		h->answered |= UINT64_C(1) << (req->tseq % WIN);
		event_for(f, e, &ev, EV_LOCAL_ERROR, req->target, req->tseq);
		ev.err = -err;
		ev.icmp_code = EV_LOCAL_FROM_SEND;
		engine_emit(e, &ev);
		return;
	}
	if (t_push(f, (struct tmo){ req->sent_mono + h->timeout, req->target,
				   req->tseq }) < 0)
		f->failed = true;
}

static void fping_answer(void *p, struct engine *e, struct probe_rec *rec,
			 struct probe_answer *a)
{
	struct fping *f = p;
	struct event *ev = &a->ev;
	uint32_t hi, index;
	struct host *h;

	(void)rec;
	if (ev->type != EV_REPLY || !a->has_cookie) {
		/* fping counts other ICMP, and shows nothing. */
		if (ev->type != EV_REPLY)
			status(f, e, EV_FOREIGN);
		return;
	}
	hi = (uint32_t)a->cookie;
	index = (uint32_t)(a->cookie >> 32);
	if (hi >= f->cfg.ntargets ||
	    memcmp(f->cfg.targets[hi].addr, a->probed, 16) || index >= f->h[hi].next)
		return;
	h = &f->h[hi];
	ev->target = hi;
	ev->probe = index;
	ev->tolen = wire_addr16_to_sa(f->cfg.targets[hi].addr,
				      f->cfg.targets[hi].family, 0, &f->ev_to);
	ev->to = (const struct sockaddr *)&f->ev_to;
	ev->family = f->cfg.targets[hi].family;
	if (answered(h, index)) {
		ev->dup = true;
		engine_emit(e, ev);
		return;
	}
	/* A reply later than the timeout is dropped, as fping drops it. */
	if (ev->rtt_ns > h->timeout)
		return;
	h->answered |= UINT64_C(1) << (index % WIN);
	h->replied = true;
	h->timeout = f->cfg.timeout_ns;
	engine_emit(e, ev);
	/* fping's wait ends with an answer too. */
	if (f->cfg.finish && *f->cfg.finish)
		f->finish_at = engine_now();
}

static void fping_local_error(void *p, struct engine *e, struct probe_rec *rec,
			      int err, uint32_t info)
{
	(void)p;
	(void)e;
	(void)rec;
	(void)err;
	(void)info;
}

static void fping_status(void *p, struct engine *e)
{
	status(p, e, EV_STATUS);
}

static void fping_end(void *p, struct engine *e, int err)
{
	struct event ev;

	(void)p;
	engine_event_init(e, &ev, EV_END, UINT32_MAX);
	ev.err = -err;       /* errno, as event.h has it */
	engine_emit(e, &ev);
}

static const struct engine_plan fping_plan = {
	.name = "fping",
	.start = fping_start,
	.next = fping_next,
	.sent = fping_sent,
	.answer = fping_answer,
	.local_error = fping_local_error,
	.status = fping_status,
	.end = fping_end,
};

int engine_run_fping(struct engine *e, const struct fping_plan_cfg *cfg,
		     const struct engine_signals *sig)
{
	struct fping *f = calloc(1, sizeof(*f));
	int rc;

	if (!f)
		return -ENOMEM;
	f->cfg = *cfg;
	f->qseq = 1;
	f->h = calloc(cfg->ntargets ? cfg->ntargets : 1, sizeof(*f->h));
	f->pq = calloc(cfg->ntargets ? cfg->ntargets : 1, sizeof(*f->pq));
	if (!f->h || !f->pq) {
		free(f->h);
		free(f->pq);
		free(f);
		return -ENOMEM;
	}
	rc = engine_run(e, &fping_plan, f, sig);
	free(f->h);
	free(f->pq);
	free(f->tq);
	free(f);
	return rc;
}
