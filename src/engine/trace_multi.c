/* Several traces at once in one engine: mtr --paths N probes N flows,
 * one trace each (its own socket, so its own source port or ICMP
 * identifier: a flow a load balancer keeps on one path), side by side.
 * This plan only hands the loop's calls to the trace plan of the flow
 * concerned (by target: each trace is one target of the engine); every
 * trace keeps its own window, rounds and hop-order settling, and its
 * keys never meet another's (trace_flows_init, below). */
#include <errno.h>
#include <stdlib.h>

#include "engine_int.h"
#include "trace_int.h"

/* --paths: the key of probe 0 in this round's block. */
uint32_t trace_flow_base(const struct trace *t)
{
	if (t->cfg.method == PROBE_TCP)
		return t->cfg.seed + t->block * t->nprobes;
	return 1 + t->block * t->nprobes;
}

/* --paths: blocks of nprobes keys, a block a flow a round.  0 or
 * -EINVAL (too many flows for 16-bit keys, or classic UDP, whose keys
 * are ports). */
int trace_flows_init(struct trace *t)
{
	uint32_t n = t->cfg.nflows;

	if (t->cfg.flow >= n || (t->cfg.method == PROBE_UDP && !t->paris))
		return -EINVAL;
	if (t->cfg.method == PROBE_TCP) {
		t->block = t->cfg.flow;
		return 0;
	}
	t->nblocks = 0xfffeu / t->nprobes;
	t->nblocks -= t->nblocks % n;
	if (t->nblocks < n)
		return -EINVAL;
	t->block = (t->cfg.seed % t->nblocks) / n * n + t->cfg.flow;
	return 0;
}

struct trace_many {
	struct trace *const *t;
	unsigned n;
	unsigned next;          /* who is asked first: flows take turns */
};

static struct trace *of_target(struct trace_many *m, uint32_t target)
{
	for (unsigned i = 0; i < m->n; i++)
		if (m->t[i]->target == target)
			return m->t[i];
	return NULL;
}

static void many_start(void *ctx, struct engine *e, int64_t now)
{
	struct trace_many *m = ctx;

	for (unsigned i = 0; i < m->n; i++)
		trace_plan.start(m->t[i], e, now);
}

/* The first flow with a probe due sends it; else the soonest wait. */
static int64_t many_next(void *ctx, struct engine *e, int64_t now,
			 struct probe_req *req)
{
	struct trace_many *m = ctx;
	int64_t best = PLAN_DONE;

	for (unsigned k = 0; k < m->n; k++) {
		unsigned i = (m->next + k) % m->n;
		int64_t w = trace_plan.next(m->t[i], e, now, req);

		if (w == 0) {
			m->next = i + 1;
			return 0;
		}
		if (w != PLAN_DONE && (best == PLAN_DONE || w < best))
			best = w;
	}
	return best;
}

static void many_sent(void *ctx, struct engine *e, const struct probe_req *req,
		      struct probe_rec *rec, int err)
{
	struct trace *t = of_target(ctx, req->target);

	if (t)
		trace_plan.sent(t, e, req, rec, err);
}

static void many_answer(void *ctx, struct engine *e, struct probe_rec *rec,
			struct probe_answer *a)
{
	struct trace *t = rec ? of_target(ctx, rec->target) : NULL;

	/* Nothing a trace can credit is left when no probe matched. */
	if (t)
		trace_plan.answer(t, e, rec, a);
}

static void many_local_error(void *ctx, struct engine *e, struct probe_rec *rec,
			     int err, uint32_t info)
{
	struct trace *t = rec ? of_target(ctx, rec->target) : NULL;

	if (t)
		trace_plan.local_error(t, e, rec, err, info);
}

static void many_end(void *ctx, struct engine *e, int err)
{
	struct trace_many *m = ctx;

	for (unsigned i = 0; i < m->n; i++)
		trace_plan.end(m->t[i], e, err);
}

static const struct engine_plan many_plan = {
	.name = "trace-many",
	.retry_send = true,
	.read_after_send = true,
	.start = many_start,
	.next = many_next,
	.sent = many_sent,
	.answer = many_answer,
	.local_error = many_local_error,
	.end = many_end,
};

int trace_run_many(struct trace *const *t, unsigned n, struct engine *e,
		   const struct engine_signals *sig)
{
	struct trace_many m = { t, n, 0 };
	int rc;

	if (n == 0)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++) {
		t[i]->round = 0;
		t[i]->in_round = false;
		t[i]->error = 0;
	}
	rc = engine_run(e, &many_plan, &m, sig);
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < n; i++)
		if (t[i]->error)
			return t[i]->error;
	return 0;
}
