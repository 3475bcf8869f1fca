/* The monitor plan (monitor.h): per-target intervals for a daemon's whole
 * life, targets that come and go, one timeout for every probe.  A heap
 * keeps the active targets by due time (sched.h), as in the ping plan;
 * what this plan adds is the set's changes and the spread of start
 * times. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "engine_int.h"
#include "monitor.h"
#include "sched.h"
#include "../wire/addr.h"

enum mon_state {
	MON_FREE,               /* no target: its place awaits the next one */
	MON_PAUSED,             /* known, no address: not probed */
	MON_ACTIVE,             /* in the heap */
	MON_DONE,               /* its count sent; answers still credited */
};

struct mon_target {
	int64_t interval;
	uint32_t epoch;         /* the engine's probe count when it came:
	                           probes numbered before are not its own */
	uint32_t count;         /* 0: for ever */
	uint8_t state;
};

struct monitor {
	struct engine *e;
	struct monitor_cfg cfg;
	struct sched_heap heap;
	struct mon_target *t;   /* beside e->targets, as many */
	uint32_t cap;
	uint32_t *free;         /* removed places, reused first (room for
	                           cap of them) */
	uint32_t nfree;
	uint32_t local_pn;      /* the probe a local error was reported for */
	bool local_reported;
};

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

struct monitor *monitor_new(struct engine *e, const struct monitor_cfg *cfg)
{
	struct monitor *m;

	if (!e || cfg->timeout_ns <= 0)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->e = e;
	m->cfg = *cfg;
	if (sched_heap_init(&m->heap, 64) < 0) {
		free(m);
		return NULL;
	}
	return m;
}

void monitor_free(struct monitor *m)
{
	if (!m)
		return;
	sched_heap_free(&m->heap);
	free(m->t);
	free(m->free);
	free(m);
}

/* Room for targets up to index n - 1: here, in the heap and in the free
 * list (so that removing one never needs memory). */
static int reserve(struct monitor *m, uint32_t n)
{
	if (n > m->cap) {
		uint32_t cap = m->cap ? m->cap : 64;
		struct mon_target *t;
		uint32_t *f;

		while (cap < n)
			cap = cap > UINT32_MAX / 2 ? n : cap * 2;
		t = realloc(m->t, (size_t)cap * sizeof(*t));
		if (!t)
			return -ENOMEM;
		memset(t + m->cap, 0, (size_t)(cap - m->cap) * sizeof(*t));
		m->t = t;
		f = realloc(m->free, (size_t)cap * sizeof(*f));
		if (!f)
			return -ENOMEM;
		m->free = f;
		m->cap = cap;
	}
	return sched_heap_reserve(&m->heap, m->cap);
}

/* Where in its interval a target's first probe goes: the fractional part
 * of ti x the golden ratio, which spreads any number of targets evenly
 * (each new one falls in the largest gap), whatever order they come in. */
static int64_t phase(uint32_t ti, int64_t interval)
{
	uint64_t frac = ((uint64_t)ti * 0x9E3779B97F4A7C15ull) >> 11;

	return (int64_t)((double)frac / (double)(1ull << 53) * (double)interval);
}

static void schedule(struct monitor *m, uint32_t ti, int64_t due)
{
	struct engine_target *t = &m->e->targets[ti];

	t->due = due;
	if (sched_heap_has(&m->heap, m->e->targets, ti)) {
		sched_heap_fix(&m->heap, m->e->targets, ti);
	} else {
		t->heap = UINT32_MAX;
		sched_heap_push(&m->heap, m->e->targets, ti);
	}
	m->t[ti].state = MON_ACTIVE;
}

static void unschedule(struct monitor *m, uint32_t ti, enum mon_state state)
{
	sched_heap_remove(&m->heap, m->e->targets, ti);
	m->t[ti].state = (uint8_t)state;
}

/* The target's address, family and socket (NULL: a placeholder, never
 * sent to). */
static void set_addr(struct engine *e, uint32_t ti, const struct sockaddr *sa,
		     unsigned sock)
{
	struct engine_target *t = &e->targets[ti];
	static const uint8_t any4[4];

	if (sa) {
		wire_addr16_from(t->addr, sa->sa_family, wire_sa_bytes(sa));
		t->family = (uint8_t)sa->sa_family;
	} else {
		wire_addr16_from(t->addr, AF_INET, any4);
		t->family = AF_INET;
	}
	t->sock = (uint8_t)sock;
}

static bool valid_addr(const struct engine *e, const struct sockaddr *sa,
		       socklen_t len, unsigned sock)
{
	return sock < e->nsocks && (!sa || ((sa->sa_family == AF_INET ||
					     sa->sa_family == AF_INET6) &&
					    len >= wire_sa_len(sa->sa_family)));
}

int64_t monitor_add(struct monitor *m, const struct sockaddr *addr,
		    socklen_t addrlen, unsigned sock, int64_t interval_ns,
		    uint32_t count)
{
	struct engine *e = m->e;
	struct event ev;
	uint32_t ti;
	int rc;

	if (interval_ns <= 0 || !valid_addr(e, addr, addrlen, sock))
		return -EINVAL;
	if (m->nfree > 0) {
		ti = m->free[--m->nfree];
		memset(&e->targets[ti], 0, sizeof(e->targets[ti]));
	} else {
		struct sockaddr_in any = { .sin_family = AF_INET };
		int64_t n;

		rc = reserve(m, e->ntargets + 1);
		if (rc < 0)
			return rc;
		n = engine_add_target(e, (struct sockaddr *)&any, sizeof(any), sock);
		if (n < 0)
			return n;
		ti = (uint32_t)n;
	}
	set_addr(e, ti, addr, sock);
	e->targets[ti].heap = UINT32_MAX;
	m->t[ti] = (struct mon_target){
		.interval = interval_ns,
		.epoch = e->next_pn + 1,
		.count = count,
		.state = MON_PAUSED,
	};
	engine_event_init(e, &ev, EV_START, ti);
	engine_emit(e, &ev);
	if (addr && m->t[ti].state == MON_PAUSED)
		schedule(m, ti, engine_now() + (count == 1 ? 0 : phase(ti, interval_ns)));
	return ti;
}

int monitor_move(struct monitor *m, uint32_t ti, const struct sockaddr *addr,
		 socklen_t addrlen, unsigned sock)
{
	struct mon_target *mt;

	if (!monitor_has(m, ti) || !valid_addr(m->e, addr, addrlen, sock))
		return -EINVAL;
	mt = &m->t[ti];
	set_addr(m->e, ti, addr, sock);
	if (!addr) {
		if (mt->state == MON_ACTIVE)
			unschedule(m, ti, MON_PAUSED);
	} else if (mt->state == MON_PAUSED) {
		schedule(m, ti, engine_now() + phase(ti, mt->interval));
	}
	return 0;
}

int monitor_set_interval(struct monitor *m, uint32_t ti, int64_t interval_ns)
{
	if (!monitor_has(m, ti) || interval_ns <= 0)
		return -EINVAL;
	m->t[ti].interval = interval_ns;
	return 0;
}

void monitor_remove(struct monitor *m, uint32_t ti)
{
	if (!monitor_has(m, ti))
		return;
	unschedule(m, ti, MON_FREE);
	m->free[m->nfree++] = ti;
}

bool monitor_has(const struct monitor *m, uint32_t ti)
{
	return ti < m->cap && ti < m->e->ntargets && m->t[ti].state != MON_FREE;
}

/* Is rec a probe of ti's current occupant? */
static bool own_probe(const struct monitor *m, const struct probe_rec *rec)
{
	return monitor_has(m, rec->target) &&
	       (int32_t)(rec->pn - m->t[rec->target].epoch) >= 0;
}

/* ---------------------------------------------------------- the table */

static void plan_start(void *ctx, struct engine *e, int64_t now)
{
	(void)ctx;
	(void)e;
	(void)now;      /* each target had EV_START as it came */
}

static void on_expired(void *ctx, struct probe_rec *rec)
{
	struct monitor *m = ctx;
	struct event ev;

	if (!own_probe(m, rec))
		return;         /* its target is gone: nobody counts it */
	engine_event_init(m->e, &ev, EV_TIMEOUT, rec->target);
	ev.probe = rec->tseq;
	ev.pn = rec->pn;
	ev.seq = (uint16_t)rec->tseq;
	engine_emit(m->e, &ev);
}

/* Give up what waited too long; the ns until the oldest live probe is
 * due to be given up (INT64_MAX: none). */
static int64_t expire(struct monitor *m, int64_t now)
{
	struct engine *e = m->e;
	const struct probe_rec *old;

	inflight_expire(&e->ring, e->newest_pn, now - m->cfg.timeout_ns,
			on_expired, m);
	old = e->ring.any ? inflight_find(&e->ring, e->ring.oldest) : NULL;
	if (old && (old->flags & PROBE_REC_LIVE))
		return old->sent_mono + m->cfg.timeout_ns - now;
	return INT64_MAX;
}

static int64_t plan_next(void *ctx, struct engine *e, int64_t now,
			 struct probe_req *req)
{
	struct monitor *m = ctx;
	int64_t limit = expire(m, now);
	uint32_t ti;

	if (sched_heap_empty(&m->heap))
		return min64(limit, 3600 * NSEC);
	ti = sched_heap_top(&m->heap);
	if (e->targets[ti].due > now)
		return min64(e->targets[ti].due - now, limit);
	if (!req)
		return 0;       /* due, but the engine's bucket is empty */
	req->target = ti;
	req->tseq = (uint32_t)(e->targets[ti].sent + 1);
	if (m->cfg.ttl > 0)
		req->ttl = m->cfg.ttl;
	return 0;
}

/* After a send: the target's next time, one interval on from the time it
 * was due (not from now: no drift), past now (a stall skips what it
 * missed rather than send it in a burst). */
static void reschedule(struct monitor *m, uint32_t ti, int64_t now)
{
	struct engine_target *t = &m->e->targets[ti];
	struct mon_target *mt = &m->t[ti];
	int64_t next;

	if (mt->state != MON_ACTIVE)
		return;
	if (mt->count && t->sent >= mt->count) {
		unschedule(m, ti, MON_DONE);
		return;
	}
	next = t->due + mt->interval;
	if (next <= now)
		next += ((now - next) / mt->interval + 1) * mt->interval;
	schedule(m, ti, next);
}

static void plan_sent(void *ctx, struct engine *e, const struct probe_req *req,
		      struct probe_rec *rec, int err)
{
	struct monitor *m = ctx;
	struct mon_target *mt = &m->t[req->target];
	struct event ev;

	(void)rec;
	/* Probe numbers wrap at 2^32: keep the epoch within reach of them,
	 * below every probe the ring can still hold. */
	if ((uint32_t)(req->pn - mt->epoch) > (1u << 30))
		mt->epoch = req->pn - e->ring.mask - 1;
	reschedule(m, req->target, req->sent_mono);
	if (err) {
		if (m->local_reported && m->local_pn == req->pn)
			return; /* the error queue said why already */
		engine_event_init(e, &ev, EV_LOCAL_ERROR, req->target);
		ev.err = -err;
		ev.icmp_code = EV_LOCAL_FROM_SEND;
	} else {
		engine_event_init(e, &ev, EV_SENT, req->target);
		ev.pn = req->pn;
	}
	ev.probe = req->tseq;
	ev.seq = (uint16_t)req->tseq;
	engine_emit(e, &ev);
}

static void plan_answer(void *ctx, struct engine *e, struct probe_rec *rec,
			struct probe_answer *a)
{
	struct monitor *m = ctx;
	struct event *ev = &a->ev;
	struct engine_target *t;

	if (rec && !own_probe(m, rec)) {
		/* A probe of the place's previous target. */
		ev->type = EV_FOREIGN;
		ev->foreign = EV_FOREIGN_UNSENT;
		rec = NULL;
	}
	if (!rec) {
		engine_emit(e, ev);
		return;
	}
	t = &e->targets[rec->target];
	if (ev->type == EV_REPLY) {
		/* Many targets are told apart by who answers. */
		if (ev->other_addr) {
			ev->type = EV_FOREIGN;
			ev->foreign = EV_FOREIGN_ADDR;
			engine_emit(e, ev);
			return;
		}
		ev->dup = (rec->flags & PROBE_REC_ANSWERED) != 0;
		ev->late = (rec->flags & PROBE_REC_EXPIRED) != 0;
		if (!ev->bad_cksum && !ev->bad_tag && !ev->dup) {
			rec->flags = (uint16_t)((rec->flags & ~PROBE_REC_LIVE) |
						PROBE_REC_ANSWERED);
			t->answered++;
			t->flags |= ENGINE_T_REPLIED;
		}
	} else if (ev->type == EV_ERROR && !ev->notice) {
		/* The probe stays live: a reply may still come; if none does
		 * it is given up like any other. */
		t->answered++;
		t->flags |= ENGINE_T_ERRORED;
	}
	engine_emit(e, ev);
}

static void plan_local_error(void *ctx, struct engine *e, struct probe_rec *rec,
			     int err, uint32_t info)
{
	struct monitor *m = ctx;
	struct event ev;

	if (!rec || !own_probe(m, rec))
		return;
	engine_event_init(e, &ev, EV_LOCAL_ERROR, rec->target);
	ev.probe = rec->tseq;
	ev.seq = (uint16_t)rec->tseq;
	ev.err = err;
	ev.icmp_info = info;
	ev.icmp_code = EV_LOCAL_FROM_QUEUE;
	m->local_pn = rec->pn;
	m->local_reported = true;
	engine_emit(e, &ev);
}

static void plan_status(void *ctx, struct engine *e)
{
	struct event ev;

	(void)ctx;
	engine_event_init(e, &ev, EV_STATUS, UINT32_MAX);
	engine_emit(e, &ev);
}

static void plan_end(void *ctx, struct engine *e, int err)
{
	struct event ev;

	(void)ctx;
	engine_event_init(e, &ev, EV_END, UINT32_MAX);
	ev.err = -err;
	engine_emit(e, &ev);
}

static const struct engine_plan monitor_plan = {
	.name = "monitor",
	.retry_send = true,
	.start = plan_start,
	.next = plan_next,
	.sent = plan_sent,
	.answer = plan_answer,
	.local_error = plan_local_error,
	.status = plan_status,
	.end = plan_end,
};

int engine_run_monitor(struct monitor *m, const struct engine_signals *sig)
{
	return engine_run(m->e, &monitor_plan, m, sig);
}
