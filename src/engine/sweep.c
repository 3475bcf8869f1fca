/* The sweep plan (sweep.h).  Each pass walks the shard's part of the
 * permutation from the same start; a retry pass skips the responders and
 * starts no sooner than wait_ns after the previous pass started, so a
 * reply still on its way is not asked for again at once.  The run ends
 * wait_ns after the last probe, or as soon as every address replied.
 *
 * In a group (sweep_group.c: one engine a thread, each walking its part
 * of the shard) a member shares the group's bitmaps, hands its events to
 * the group, which serialises them, and publishes its counts instead of
 * emitting EV_START, EV_STATUS and EV_END: the group emits those, over
 * every member's counts. */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "sweep.h"
#include "sweep_int.h"
#include "../wire/addr.h"

/* The cookie: the index in the set (40 bits), the pass above it. */
#define COOKIE_INDEX_BITS 40
#define COOKIE_INDEX_MASK ((UINT64_C(1) << COOKIE_INDEX_BITS) - 1)

/* A group member publishes its counts this often (the group's status
 * line sums them). */
#define PUBLISH_NS 50000000

struct sweep {
	struct sweep_cfg cfg;
	struct tset_perm walk;
	/* The indices that replied, and those an ICMP error answered
	 * (dedup.h): in a group, the group's bitmaps, or windows of this
	 * member's own (each index is one member's alone). */
	struct dedup seen;
	struct dedup errd;
	struct sweep_group *grp;        /* NULL: alone */
	unsigned member;
	int64_t next_publish;
	struct event_sweep st;
	int64_t start, pass_start, last_send, next_status;
	int64_t pending;        /* the next index, drawn but not yet sent */
	bool drawn;             /* the first pass is all drawn: probed is
	                           exactly this walk's share of the set */
	bool walked;            /* every pass is out */
	struct sockaddr_storage to;
	struct sockaddr_storage ev_to;
};

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* Every address replied: nothing left to wait for.  Known once the
 * first pass is all drawn (a shard's total is only its expected share;
 * what it probed is exact). */
static bool all_alive(const struct sweep *s)
{
	return s->drawn && s->st.alive == s->st.probed;
}

/* To the sinks: the engine's, or the group's (one member at a time). */
static void emit(struct sweep *s, struct engine *e, const struct event *ev)
{
	if (s->grp)
		sweep_group_emit(s->grp, ev);
	else
		engine_emit(e, ev);
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static void counts(struct sweep *s, int64_t now)
{
	s->st.elapsed_ns = now - s->start;
}

static void emit_counts(struct sweep *s, struct engine *e, enum event_type t,
			int64_t now)
{
	struct event ev;

	counts(s, now);
	if (s->grp) {
		/* The group says it, for every member. */
		sweep_group_publish(s->grp, s->member, &s->st);
		s->next_publish = now + PUBLISH_NS;
		return;
	}
	engine_event_init(e, &ev, t, UINT32_MAX);
	ev.sweep = &s->st;
	ev.elapsed_ns = s->st.elapsed_ns;
	engine_emit(e, &ev);
}

static void sweep_start(void *p, struct engine *e, int64_t now)
{
	struct sweep *s = p;

	s->start = s->pass_start = now;
	s->next_status = s->cfg.status_ns && !s->grp ? now + s->cfg.status_ns :
		       INT64_MAX;
	emit_counts(s, e, EV_START, now);
}

/* The next index this pass probes, or -1 at its end. */
static int64_t draw(struct sweep *s)
{
	int64_t i;

	do
		i = tset_perm_next(&s->walk);
	while (i >= 0 && s->st.pass > 1 && dedup_has(&s->seen, (uint64_t)i));
	if (i < 0 && s->st.pass == 1)
		s->drawn = true;
	return i;
}

/* The pass is over: the next one, or the end of the walk.  Returns the
 * index to probe, or -1 when the next pass is not due yet or none is. */
static int64_t next_pass(struct sweep *s, int64_t now)
{
	if (s->st.pass >= s->st.passes || all_alive(s)) {
		s->walked = true;
		return -1;
	}
	if (now < s->pass_start + s->cfg.wait_ns)
		return -1;
	s->st.pass++;
	s->pass_start = now;
	tset_perm_rewind(&s->walk);
	return draw(s);
}

static int64_t sweep_next(void *p, struct engine *e, int64_t now,
			  struct probe_req *req)
{
	struct sweep *s = p;
	uint8_t a16[16];
	int fam;

	if (now >= s->next_status) {
		emit_counts(s, e, EV_STATUS, now);
		while (s->next_status <= now)
			s->next_status += s->cfg.status_ns;
	}
	if (s->grp && now >= s->next_publish)
		emit_counts(s, e, EV_STATUS, now);
	if (s->pending < 0 && !s->walked) {
		s->pending = draw(s);
		if (s->pending < 0)
			s->pending = next_pass(s, now);
	}
	if (s->pending < 0) {
		int64_t end = s->last_send + s->cfg.wait_ns;

		if (s->walked) {
			if (now >= end || all_alive(s))
				return PLAN_DONE;
			return min64(end, s->next_status) - now;
		}
		/* Between passes. */
		return min64(s->pass_start + s->cfg.wait_ns, s->next_status) - now;
	}
	if (!req)
		return 0;
	fam = tset_addr(s->cfg.set, (uint64_t)s->pending, a16);
	req->direct = true;
	req->sock = (unsigned)(fam == AF_INET6 ? s->cfg.sock6 : s->cfg.sock4);
	req->tolen = wire_addr16_to_sa(a16, fam, 0, &s->to);
	req->to = (const struct sockaddr *)&s->to;
	req->cookie = (uint64_t)s->pending | (uint64_t)s->st.pass << COOKIE_INDEX_BITS;
	req->tseq = s->st.pass;
	if (s->st.pass == 1)
		s->st.probed++;
	s->pending = -1;
	/* The engine may hold it for a batch: the wait runs from now. */
	s->last_send = now;
	return 0;
}

static void sweep_sent(void *p, struct engine *e, const struct probe_req *req,
		       struct probe_rec *rec, int err)
{
	struct sweep *s = p;

	(void)rec;
	s->st.sent++;
	if (err < 0) {
		struct event ev;

		s->st.send_errors++;
		engine_event_init(e, &ev, EV_LOCAL_ERROR, UINT32_MAX);
		ev.to = req->to;
		ev.tolen = req->tolen;
		ev.family = req->to->sa_family;
		ev.err = -err;
		ev.icmp_code = EV_LOCAL_FROM_SEND;
		ev.index = req->cookie & COOKIE_INDEX_MASK;
		ev.sweep = &s->st;
		emit(s, e, &ev);
	}
}

/* Which address of the set an answer is about: the cookie's index when
 * the answer carried it (and it names the same address), else the
 * address's place in the set.  -1: none of ours. */
static int64_t answer_index(const struct sweep *s, const struct probe_answer *a)
{
	if (a->has_cookie) {
		uint64_t i = a->cookie & COOKIE_INDEX_MASK;
		uint8_t a16[16];

		if (i >= s->cfg.set->size)
			return -1;
		tset_addr(s->cfg.set, i, a16);
		return memcmp(a16, a->probed, 16) ? -1 : (int64_t)i;
	}
	return tset_index(s->cfg.set, a->probed);
}

static void sweep_answer(void *p, struct engine *e, struct probe_rec *rec,
			 struct probe_answer *a)
{
	struct sweep *s = p;
	struct event *ev = &a->ev;
	int64_t i;
	int fam;

	(void)rec;
	ev->sweep = &s->st;
	if (ev->type != EV_REPLY && ev->type != EV_ERROR) {
		s->st.foreign++;
		emit(s, e, ev);
		return;
	}
	i = answer_index(s, a);
	if (i < 0) {
		ev->type = EV_FOREIGN;
		ev->foreign = EV_FOREIGN_ADDR;
		s->st.foreign++;
		emit(s, e, ev);
		return;
	}
	if (ev->type == EV_REPLY) {
		if (dedup_has(&s->seen, (uint64_t)i)) {
			s->st.dups++;
			return;
		}
		dedup_add(&s->seen, (uint64_t)i);
		s->st.alive++;
	} else {
		if (dedup_has(&s->errd, (uint64_t)i) ||
		    dedup_has(&s->seen, (uint64_t)i)) {
			s->st.dups++;
			return;
		}
		dedup_add(&s->errd, (uint64_t)i);
		s->st.errored++;
	}
	fam = memcmp(a->probed, v4mapped, sizeof(v4mapped)) ? AF_INET6 : AF_INET;
	ev->tolen = wire_addr16_to_sa(a->probed, fam, 0, &s->ev_to);
	ev->to = (const struct sockaddr *)&s->ev_to;
	ev->family = fam;
	ev->index = (uint64_t)i;
	ev->target = (uint32_t)i;
	ev->probe = a->has_cookie ? (uint32_t)(a->cookie >> COOKIE_INDEX_BITS) : 0;
	/* When it was read: no clock read an answer. */
	counts(s, e->rx_mono);
	emit(s, e, ev);
}

static void sweep_local_error(void *p, struct engine *e, struct probe_rec *rec,
			      int err, uint32_t info)
{
	(void)p;
	(void)e;
	(void)rec;
	(void)err;
	(void)info;
	/* The failed send was counted and shown by sweep_sent. */
}

static void sweep_end(void *p, struct engine *e, int err)
{
	struct sweep *s = p;

	s->st.error = err;
	emit_counts(s, e, EV_END, engine_now());
}

static const struct engine_plan sweep_plan = {
	.name = "sweep",
	.start = sweep_start,
	.next = sweep_next,
	.retry_send = false,
	.read_after_send = false,
	.sent = sweep_sent,
	.answer = sweep_answer,
	.local_error = sweep_local_error,
	.status = NULL,
	.end = sweep_end,
};

void sweep_counts_init(struct event_sweep *st, const struct sweep_cfg *cfg,
		       uint64_t total)
{
	st->total = total;
	st->pass = 1;
	st->passes = 1 + cfg->retries;
	st->shard = cfg->shard;
	st->shards = cfg->shards ? cfg->shards : 1;
	st->seed = cfg->seed;
	st->rate_pps = cfg->rate_pps;
}

int sweep_run(struct engine *e, const struct sweep_cfg *cfg,
	      const struct engine_signals *sig, struct sweep_group *grp,
	      unsigned member)
{
	struct sweep *s;
	int rc, rc2 = 0;

	if (!cfg->set->finished || (cfg->set->has4 && cfg->sock4 < 0) ||
	    (cfg->set->has6 && cfg->sock6 < 0))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cfg = *cfg;
	s->grp = grp;
	s->member = member;
	rc = tset_perm_init(&s->walk, cfg->set->size, cfg->seed, cfg->shard,
			    cfg->shards ? cfg->shards : 1);
	if (rc == 0 && grp) {
		const struct dedup *seen, *errd;

		sweep_group_maps(grp, &seen, &errd);
		rc = dedup_share(&s->seen, seen);
		rc2 = dedup_share(&s->errd, errd);
	} else if (rc == 0) {
		rc = dedup_init(&s->seen, cfg->set->size, cfg->dedup_window);
		rc2 = dedup_init(&s->errd, cfg->set->size, cfg->dedup_window);
	}
	if (rc < 0 || rc2 < 0) {
		dedup_free(&s->seen);
		dedup_free(&s->errd);
		free(s);
		return rc < 0 ? rc : rc2;
	}
	s->pending = -1;
	sweep_counts_init(&s->st, cfg, tset_perm_count(&s->walk));
	rc = engine_run(e, &sweep_plan, s, sig);
	dedup_free(&s->seen);
	dedup_free(&s->errd);
	free(s);
	return rc;
}

int engine_run_sweep(struct engine *e, const struct sweep_cfg *cfg,
		     const struct engine_signals *sig)
{
	return sweep_run(e, cfg, sig, NULL, 0);
}
