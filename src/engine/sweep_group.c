/* A sweep on several engines at once (sweep.h: engine_run_sweep_threads).
 * Each member is an engine in a thread of its own, running the sweep plan
 * (sweep.c) over its part of the shard with the group's bitmaps; the
 * caller's thread supervises: it says EV_START, sums the members' counts
 * into EV_STATUS every status_ns and into EV_END once every member has
 * ended, and on a stop signal wakes them all (a byte down a pipe that
 * every member's engine watches).  One mutex serialises the sinks: the
 * reporters stay single-threaded code. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_int.h"
#include "sweep_int.h"
#include "../sock/workers.h"

struct member {
	struct sweep_group *g;
	unsigned i;
	struct engine *e;
	struct sweep_cfg cfg;   /* its part of the shard */
	pthread_t th;
	int rc;                 /* read once joined */
	struct event_sweep st;  /* as published, under g->mu */
};

struct sweep_group {
	pthread_mutex_t mu;     /* the sinks, the published counts, the gate */
	pthread_cond_t cv;
	unsigned started;       /* threads waiting at the gate */
	int gate;               /* 0 closed, 1 run, -1 give up */
	struct engine *e0;      /* whose sinks hear every event */
	volatile sig_atomic_t stop;     /* the members' stop flag */
	int wake[2];            /* a byte once stop is set */
	int done[2];            /* a byte a member, as it ends */
	struct dedup seen, errd;        /* a member's windows are its own */
	struct member *m;
	unsigned n;
	struct event_sweep base;        /* what is the group's own: total,
	                                   passes, shard, seed, rate */
	int64_t start;
};

void sweep_group_maps(struct sweep_group *g, const struct dedup **seen,
		      const struct dedup **errd)
{
	*seen = &g->seen;
	*errd = &g->errd;
}

void sweep_group_emit(struct sweep_group *g, const struct event *ev)
{
	pthread_mutex_lock(&g->mu);
	engine_emit(g->e0, ev);
	pthread_mutex_unlock(&g->mu);
}

void sweep_group_publish(struct sweep_group *g, unsigned member,
			 const struct event_sweep *st)
{
	pthread_mutex_lock(&g->mu);
	g->m[member].st = *st;
	pthread_mutex_unlock(&g->mu);
}

/* The group's counts: the members' summed (g->mu held). */
static void merged(const struct sweep_group *g, struct event_sweep *out,
		   int64_t now)
{
	*out = g->base;
	for (unsigned i = 0; i < g->n; i++) {
		const struct event_sweep *s = &g->m[i].st;

		out->sent += s->sent;
		out->probed += s->probed;
		out->alive += s->alive;
		out->errored += s->errored;
		out->dups += s->dups;
		out->foreign += s->foreign;
		out->send_errors += s->send_errors;
		if (s->pass > out->pass)
			out->pass = s->pass;
		if (!out->error)
			out->error = s->error;
	}
	out->elapsed_ns = now - g->start;
}

static void group_event(struct sweep_group *g, enum event_type t)
{
	struct event_sweep st;
	struct event ev;

	pthread_mutex_lock(&g->mu);
	merged(g, &st, engine_now());
	/* e0 is only read (its sinks), never its state: its member may be
	 * running. */
	engine_event_init(g->e0, &ev, t, UINT32_MAX);
	ev.sweep = &st;
	ev.elapsed_ns = st.elapsed_ns;
	engine_emit(g->e0, &ev);
	pthread_mutex_unlock(&g->mu);
}

/* The wake pipe: readable once stop is set; the loop then sees the flag
 * at the top of its turn. */
static bool on_wake(void *ctx)
{
	(void)ctx;
	return true;
}

static void *member_main(void *arg)
{
	struct member *m = arg;
	struct sweep_group *g = m->g;
	struct engine_signals sig = { &g->stop, NULL };
	int gate;

	pthread_mutex_lock(&g->mu);
	g->started++;
	pthread_cond_broadcast(&g->cv);
	while (!g->gate)
		pthread_cond_wait(&g->cv, &g->mu);
	gate = g->gate;
	pthread_mutex_unlock(&g->mu);
	if (gate > 0)
		m->rc = sweep_run(m->e, &m->cfg, &sig, g, m->i);
	if (write(g->done[1], "", 1) != 1) {
		/* Cannot happen: n bytes in a pipe of 64 KiB. */
	}
	return NULL;
}

static void group_free(struct sweep_group *g)
{
	for (int k = 0; k < 2; k++) {
		if (g->wake[k] >= 0)
			close(g->wake[k]);
		if (g->done[k] >= 0)
			close(g->done[k]);
	}
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
	dedup_free(&g->seen);
	dedup_free(&g->errd);
	free(g->m);
	free(g);
}

static struct sweep_group *group_new(const struct sweep_engines *ge,
				     const struct sweep_cfg *cfg, int *err)
{
	struct sweep_group *g = calloc(1, sizeof(*g));
	struct tset_perm walk;

	*err = -ENOMEM;
	if (!g)
		return NULL;
	g->wake[0] = g->wake[1] = g->done[0] = g->done[1] = -1;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	g->n = ge->n;
	g->e0 = ge->e[0];
	g->m = calloc(ge->n, sizeof(*g->m));
	if (!g->m)
		goto fail;
	*err = dedup_init_shared(&g->seen, cfg->set->size, cfg->dedup_window);
	if (*err == 0)
		*err = dedup_init_shared(&g->errd, cfg->set->size, cfg->dedup_window);
	if (*err < 0)
		goto fail;
	*err = -ENOMEM;
	if (pipe2(g->wake, O_CLOEXEC | O_NONBLOCK) < 0 ||
	    pipe2(g->done, O_CLOEXEC | O_NONBLOCK) < 0) {
		*err = -errno;
		goto fail;
	}
	*err = tset_perm_init(&walk, cfg->set->size, cfg->seed, cfg->shard,
			      cfg->shards ? cfg->shards : 1);
	if (*err < 0)
		goto fail;
	sweep_counts_init(&g->base, cfg, tset_perm_count(&walk));
	for (unsigned i = 0; i < ge->n; i++) {
		struct member *m = &g->m[i];

		m->g = g;
		m->i = i;
		m->e = ge->e[i];
		m->cfg = *cfg;
		/* zmap's threads within a shard: every (shards x n)-th element
		 * of the cycle, from the shard's own. */
		m->cfg.shard = cfg->shard + g->base.shards * i;
		m->cfg.shards = g->base.shards * ge->n;
		*err = engine_add_watch(m->e, (struct engine_watch){ g->wake[0], on_wake, NULL });
		if (*err < 0)
			goto fail;
	}
	*err = 0;
	return g;
fail:
	group_free(g);
	return NULL;
}

/* Until every member has ended: the status lines, and the stop signals
 * passed on.  The stop signals are blocked but inside ppoll, as in the
 * engine's loop. */
static void supervise(struct sweep_group *g, const struct engine_signals *sig,
		      int64_t status_ns)
{
	int64_t next = status_ns ? g->start + status_ns : INT64_MAX;
	sigset_t block, waitmask;
	unsigned ended = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGALRM);
	sigaddset(&block, SIGQUIT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	while (ended < g->n) {
		struct pollfd p = { g->done[0], POLLIN, 0 };
		struct timespec ts;
		char buf[SWEEP_THREADS_MAX];
		int64_t now;
		ssize_t k;

		if (*sig->stop && !g->stop) {
			/* The members' loops read it atomically (engine.h). */
			__atomic_store_n(&g->stop, 1, __ATOMIC_RELAXED);
			if (write(g->wake[1], "", 1) != 1) {
				/* Cannot happen: the pipe is empty. */
			}
		}
		if (sig->status && *sig->status) {
			*sig->status = 0;
			group_event(g, EV_STATUS);
		}
		now = engine_now();
		if (now >= next) {
			group_event(g, EV_STATUS);
			while (next <= now)
				next += status_ns;
		}
		ts = wire_ns_ts(next - now < 3600 * NSEC ? next - now : 3600 * NSEC);
		if (ppoll(&p, 1, &ts, &waitmask) < 0 && errno != EINTR)
			(void)poll(&p, 1, 100);        /* not expected: don't spin */
		while ((k = read(g->done[0], buf, sizeof(buf))) > 0)
			ended += (unsigned)k;
	}
	sigprocmask(SIG_SETMASK, &waitmask, NULL);
}

int engine_run_sweep_threads(const struct sweep_engines *ge,
			     const struct sweep_cfg *cfg,
			     const struct engine_signals *sig)
{
	struct sweep_group *g;
	unsigned spawned = 0;
	uint32_t shards = cfg->shards ? cfg->shards : 1;
	int rc;

	if (ge->n <= 1) {
		rc = ge->ready ? ge->ready(ge->ready_ctx) : 0;
		return rc < 0 ? rc : engine_run_sweep(ge->e[0], cfg, sig);
	}
	if (ge->n > SWEEP_THREADS_MAX || shards > UINT32_MAX / ge->n ||
	    !cfg->set->finished || (cfg->set->has4 && cfg->sock4 < 0) ||
	    (cfg->set->has6 && cfg->sock6 < 0))
		return -EINVAL;
	g = group_new(ge, cfg, &rc);
	if (!g)
		return rc;
	/* Every thread allocates from the main arena, which grows with brk:
	 * a thread's own arena would grow with mprotect, which the sandbox
	 * does not allow. */
	(void)mallopt(M_ARENA_MAX, 1);
	for (; spawned < g->n; spawned++) {
		rc = workers_thread(&g->m[spawned].th, member_main, &g->m[spawned]);
		if (rc < 0)
			break;
	}
	/* Every thread runs (what the C library does as a thread starts is
	 * done) before the sandbox, which need not allow it. */
	pthread_mutex_lock(&g->mu);
	while (g->started < spawned)
		pthread_cond_wait(&g->cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
	if (rc == 0 && ge->ready)
		rc = ge->ready(ge->ready_ctx);
	if (rc == 0) {
		g->start = engine_now();
		group_event(g, EV_START);
	}
	pthread_mutex_lock(&g->mu);
	g->gate = rc < 0 ? -1 : 1;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
	if (rc == 0)
		supervise(g, sig, cfg->status_ns);
	for (unsigned i = 0; i < spawned; i++) {
		pthread_join(g->m[i].th, NULL);
		if (rc == 0)
			rc = g->m[i].rc;
	}
	if (spawned == g->n && g->gate > 0)
		group_event(g, EV_END);
	group_free(g);
	return rc;
}
