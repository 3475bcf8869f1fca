/* The engine's loop, and what it is made of: sockets, targets, sinks, the
 * global token bucket and the send.  Read engine_run() top to bottom: it
 * is the one loop every command runs (ping, traceroute, echolot os,
 * sweeps, fping, the exporter, mtr).  The receive path is rx.c, the
 * probes in flight inflight.c; what is due is the plan's (plan.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine_int.h"
#include "../wire/addr.h"

#define RX_BATCH_DEFAULT 8
#define RX_BATCH_MAX 32
#define TXBUF_LEN (SOCK_RX_BUFSZ + 64)
/* At most this many sends between two reads: at a sweep's rate the
 * answers would otherwise pile up past the socket's buffer and be lost. */
#define SEND_TURN_MAX 64
/* Direct probes go out in batches of up to this many (sendmmsg), each of
 * at most TXQ_SLOT bytes; larger ones, or shaped ones, go alone. */
#define TXQ_MAX 32
#define TXQ_SLOT 512

struct engine_txq {
	uint8_t buf[TXQ_SLOT];
	size_t len;
	struct sockaddr_storage to;
	struct probe_req req;
};

int64_t engine_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return wire_ts_ns(&ts);
}

/* ------------------------------------------------------------ set-up */

struct engine *engine_new(const struct engine_cfg *cfg)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	memcpy(e->tag_key, cfg->tag_key, sizeof(e->tag_key));
	if (inflight_init(&e->ring, cfg->inflight) < 0) {
		free(e);
		return NULL;
	}
	e->rate_pps = cfg->rate_pps;
	e->rate_iv = cfg->rate_pps > 0 ? (int64_t)((double)NSEC / cfg->rate_pps) : 0;
	e->burst = cfg->burst ? cfg->burst : 1;
	e->rx_batch = cfg->rx_batch ? cfg->rx_batch : RX_BATCH_DEFAULT;
	if (e->rx_batch > RX_BATCH_MAX)
		e->rx_batch = RX_BATCH_MAX;
	return e;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	for (unsigned i = 0; i < e->nsocks; i++) {
		const struct engine_sock *es = &e->socks[i];
		bool first = true;

		for (unsigned k = 0; k < i; k++)
			if (e->socks[k].kctx == es->kctx)
				first = false;
		if (first && es->kind->release)
			es->kind->release(es->kctx);
		free(es->txmap);
	}
	free(e->socks);
	free(e->sinks);
	free(e->watch);
	free(e->targets);
	free(e->rx);
	free(e->txbuf);
	free(e->txq);
	inflight_free(&e->ring);
	free(e);
}

/* Grow *arr (of n elements of size sz) by one; the new one is zeroed. */
static void *grow(void *arr, unsigned n, size_t sz)
{
	char *p = realloc(arr, (n + 1) * sz);

	if (p)
		memset(p + n * sz, 0, sz);
	return p;
}

int engine_add_sink(struct engine *e, struct event_sink sink)
{
	struct event_sink *s = grow(e->sinks, e->nsinks, sizeof(*s));

	if (!s)
		return -ENOMEM;
	e->sinks = s;
	e->sinks[e->nsinks++] = sink;
	return 0;
}

int engine_add_watch(struct engine *e, struct engine_watch w)
{
	struct engine_watch *n;

	if (w.fd < 0)
		return -EBADF;
	n = grow(e->watch, e->nwatch, sizeof(*n));
	if (!n)
		return -ENOMEM;
	e->watch = n;
	e->watch[e->nwatch++] = w;
	return 0;
}

int engine_add_sock(struct engine *e, struct sock *s, enum engine_sock_role role,
		    const struct probe_kind *kind, void *kctx)
{
	struct engine_sock *n;

	if (!s || s->fd < 0 || !kind || e->nsocks >= 255)
		return -EINVAL;
	/* A 16-bit key names a probe only while fewer than 2^16 are
	 * remembered. */
	if (kind->key_bits < 32 && inflight_size(&e->ring) > (1u << kind->key_bits))
		return -EINVAL;
	n = grow(e->socks, e->nsocks, sizeof(*n));
	if (!n)
		return -ENOMEM;
	e->socks = n;
	n = &e->socks[e->nsocks];
	n->s = s;
	n->role = role;
	n->kind = kind;
	n->kctx = kctx;
	if (role == ENGINE_SOCK_TX && s->tx_stamps) {
		n->txmap = calloc(ENGINE_TXMAP, sizeof(*n->txmap));
		if (!n->txmap)
			return -ENOMEM;
	}
	return (int)e->nsocks++;
}

int engine_adopt(struct engine *e, const struct probe_kind *kind, void *kctx,
		 struct probe_socks *ps)
{
	int rc, tx;

	tx = engine_add_sock(e, &ps->tx, ENGINE_SOCK_TX, kind, kctx);
	if (tx < 0)
		return tx;
	if (ps->icmp.fd >= 0) {
		rc = engine_add_sock(e, &ps->icmp, ENGINE_SOCK_RX_ICMP, kind, kctx);
		if (rc < 0)
			return rc;
	}
	return tx;
}

int64_t engine_add_target(struct engine *e, const struct sockaddr *addr,
			  socklen_t addrlen, unsigned sock)
{
	const uint8_t *b = wire_sa_bytes(addr);
	struct engine_target *t;

	if (!b || addrlen < wire_sa_len(addr->sa_family) || sock >= e->nsocks ||
	    e->ntargets == UINT32_MAX)
		return -EINVAL;
	if (e->ntargets == e->cap_targets) {
		uint32_t cap = e->cap_targets ? e->cap_targets * 2 : 4;
		struct engine_target *n;

		if (cap < e->cap_targets)
			cap = UINT32_MAX;
		n = realloc(e->targets, (size_t)cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		e->targets = n;
		e->cap_targets = cap;
	}
	t = &e->targets[e->ntargets];
	memset(t, 0, sizeof(*t));
	wire_addr16_from(t->addr, addr->sa_family, b);
	t->family = (uint8_t)addr->sa_family;
	t->sock = (uint8_t)sock;
	if (addr->sa_family == AF_INET6 &&
	    ((const struct sockaddr_in6 *)(const void *)addr)->sin6_scope_id)
		e->scope_id = ((const struct sockaddr_in6 *)(const void *)addr)->sin6_scope_id;
	return e->ntargets++;
}

uint32_t engine_ntargets(const struct engine *e)
{
	return e->ntargets;
}

int engine_reserve_targets(struct engine *e, uint32_t n)
{
	struct engine_target *t;

	if (n <= e->cap_targets)
		return 0;
	t = realloc(e->targets, (size_t)n * sizeof(*t));
	if (!t)
		return -ENOMEM;
	e->targets = t;
	e->cap_targets = n;
	return 0;
}

size_t engine_target_bytes(void)
{
	/* The heap of a plan holds one 32-bit index a target. */
	return sizeof(struct engine_target) + sizeof(uint32_t);
}

size_t engine_fixed_bytes(const struct engine *e)
{
	return (size_t)inflight_size(&e->ring) * sizeof(struct probe_rec) +
	       (size_t)e->rx_batch * sizeof(struct sock_rx) + TXBUF_LEN;
}

socklen_t engine_target_addr(const struct engine *e, uint32_t ti,
			     struct sockaddr_storage *ss)
{
	const struct engine_target *t = &e->targets[ti];

	return wire_addr16_to_sa(t->addr, t->family, e->scope_id, ss);
}

const struct sockaddr *engine_target_sa(struct engine *e, uint32_t ti,
					socklen_t *len)
{
	*len = engine_target_addr(e, ti, &e->ev_to);
	return (const struct sockaddr *)&e->ev_to;
}

/* ------------------------------------------------------------ events */

void engine_emit(struct engine *e, const struct event *ev)
{
	for (unsigned i = 0; i < e->nsinks; i++)
		e->sinks[i].on_event(e->sinks[i].ctx, ev);
}

void engine_event_target(struct engine *e, struct event *ev, uint32_t ti)
{
	ev->target = ti;
	if (ti < e->ntargets) {
		ev->family = e->targets[ti].family;
		ev->nsent = e->targets[ti].sent;
		ev->to = engine_target_sa(e, ti, &ev->tolen);
	}
}

void engine_event_init(struct engine *e, struct event *ev,
		       enum event_type type, uint32_t ti)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->ttl = -1;
	ev->tos = -1;
	ev->wrong_byte = -1;
	ev->ident = -1;
	ev->reply_len = -1;
	ev->quote_l4 = -1;
	engine_event_target(e, ev, ti);
}

/* -------------------------------------------------------------- send */

/* The global token bucket (GCRA): how long until a probe may go. */
static int64_t bucket_wait(const struct engine *e, int64_t now)
{
	if (!e->rate_iv)
		return 0;
	return e->rate_tat - (int64_t)(e->burst - 1) * e->rate_iv - now;
}

static void bucket_take(struct engine *e, int64_t now)
{
	if (e->rate_iv)
		e->rate_tat = (e->rate_tat > now ? e->rate_tat : now) + e->rate_iv;
}

static void remember_stamp_key(struct engine_sock *es, uint32_t key, uint32_t pn)
{
	struct engine_txmap *m;

	if (!es->txmap)
		return;
	m = &es->txmap[key % ENGINE_TXMAP];
	m->key = key;
	m->pn = pn;
	m->used = true;
}

/* Send the queued direct probes (sendmmsg) and tell the plan of each. */
static void txq_flush(struct engine *e)
{
	struct sock_msg m[TXQ_MAX];
	unsigned done = 0;

	for (unsigned i = 0; i < e->ntxq; i++) {
		m[i].buf = e->txq[i].buf;
		m[i].len = e->txq[i].len;
		m[i].to = (const struct sockaddr *)&e->txq[i].to;
		m[i].tolen = e->txq[i].req.tolen;
	}
	while (done < e->ntxq) {
		int rc = sock_send_many(e->socks[e->txq_sock].s, m + done, e->ntxq - done);
		unsigned went = rc > 0 ? (unsigned)rc : 0;

		for (unsigned i = done; i < done + went; i++)
			e->plan->sent(e->plan_ctx, e, &e->txq[i].req, NULL, 0);
		done += went;
		if (rc < 0) {
			/* The first one failed: told, and the rest go on. */
			e->plan->sent(e->plan_ctx, e, &e->txq[done].req, NULL, rc);
			done++;
		}
	}
	e->ntxq = 0;
}

/* A stateless probe (req->direct): the plan gave the socket and the
 * address; no target, no record (the probe carries what its answer
 * needs).  Plain ones wait in the queue for one sendmmsg. */
static struct probe_rec *send_direct(struct engine *e, struct probe_req *req,
				     int *err)
{
	struct engine_sock *es = &e->socks[req->sock];
	struct engine_txq *q;
	struct probe_tx tx;
	uint32_t key = 0;
	int rc;

	req->tag_key = e->tag_key;
	memset(&tx, 0, sizeof(tx));
	tx.dport = -1;
	tx.shape.ttl = req->ttl;
	tx.shape.tos = -1;
	rc = es->kind->build(es->kctx, req, e->txbuf, TXBUF_LEN, &tx);
	if (rc == 0)
		bucket_take(e, req->sent_mono);
	if (e->ntxq && (e->txq_sock != req->sock || e->ntxq == TXQ_MAX))
		txq_flush(e);
	if (rc == 0 && !e->txq)
		e->txq = malloc(TXQ_MAX * sizeof(*e->txq));
	if (rc == 0 && e->txq && tx.len <= TXQ_SLOT && tx.shape.ttl < 0 &&
	    tx.shape.tos < 0 && !tx.shape.hdrincl && req->tolen <= sizeof(q->to)) {
		q = &e->txq[e->ntxq++];
		e->txq_sock = req->sock;
		memcpy(q->buf, tx.buf, tx.len);
		q->len = tx.len;
		memcpy(&q->to, req->to, req->tolen);
		q->req = *req;
		q->req.to = (const struct sockaddr *)&q->to;
		*err = 0;
		return NULL;
	}
	if (e->ntxq)
		txq_flush(e);
	if (rc == 0)
		rc = sock_send(es->s, tx.buf, tx.len, req->to, req->tolen,
			       &tx.shape, &key);
	*err = rc;
	e->plan->sent(e->plan_ctx, e, req, NULL, rc);
	return NULL;
}

struct probe_rec *engine_send(struct engine *e, struct probe_req *req, int *err)
{
	struct engine_target *t;
	struct engine_sock *es;
	struct sockaddr_storage to;
	socklen_t tolen;
	struct probe_rec *rec;
	struct timespec wall;
	struct probe_tx tx;
	uint32_t key = 0;
	int rc;

	if (req->direct)
		return send_direct(e, req, err);
	t = &e->targets[req->target];
	es = &e->socks[t->sock];
	tolen = engine_target_addr(e, req->target, &to);
	if (!req->pn_set)
		req->pn = ++e->next_pn;
	clock_gettime(CLOCK_REALTIME, &wall);
	req->sent_wall = wire_ts_ns(&wall);
	req->to = (const struct sockaddr *)&to;
	req->tolen = tolen;
	req->tag_key = e->tag_key;
	memset(&tx, 0, sizeof(tx));
	tx.dport = -1;
	tx.shape.ttl = req->ttl;
	tx.shape.tos = -1;
	rc = es->kind->build(es->kctx, req, e->txbuf, TXBUF_LEN, &tx);
	if (rc < 0) {
		*err = rc;
		e->plan->sent(e->plan_ctx, e, req, NULL, rc);
		return NULL;
	}
	if (tx.dport >= 0)
		wire_sa_set_port((struct sockaddr *)&to, (uint16_t)tx.dport);

	rec = inflight_slot(&e->ring, req->pn);
	/* An older probe still out in this slot is forgotten: the ring is
	 * sized so that it has been given up or answered long since. */
	inflight_set_live(&e->ring, rec, false);
	memset(rec, 0, sizeof(*rec));
	rec->pn = req->pn;
	rec->target = req->target;
	rec->tseq = req->tseq;
	rec->sock = t->sock;
	rec->ttl = req->ttl > 0 && req->ttl < 256 ? (uint8_t)req->ttl : 0;
	memcpy(rec->addr, t->addr, 16);
	rec->sent_mono = req->sent_mono;
	rec->sent_wall = req->sent_wall;
	inflight_set_live(&e->ring, rec, true);
	if (!e->ring.any) {
		e->ring.oldest = req->pn;
		e->newest_pn = req->pn;
		e->ring.any = true;
	} else if ((int32_t)(req->pn - e->newest_pn) > 0) {
		e->newest_pn = req->pn;
	}
	t->flags &= (uint16_t)~ENGINE_T_LAST_REPLIED;
	/* Counted before the send: a probe that fails counts as sent, as
	 * iputils counts it, and the error queue's word on it (read below)
	 * speaks of a probe already counted. */
	t->sent++;
	bucket_take(e, req->sent_mono);

	for (int attempt = 0;; attempt++) {
		rc = sock_send(es->s, tx.buf, tx.len, (struct sockaddr *)&to,
			       tolen, &tx.shape, &key);
		if (rc == 0)
			break;
		/* The error queue usually says why (a path MTU; an error that
		 * an earlier probe raised, which fails one send); the plan
		 * hears of it before it hears of the failure. */
		inflight_set_live(&e->ring, rec, false);
		e->send_failed = true;
		e->send_failed_pn = req->pn;
		engine_drain_errqueue(e, t->sock);
		e->send_failed = false;
		if (attempt > 0 || !e->plan->retry_send) {
			*err = rc;
			e->plan->sent(e->plan_ctx, e, req, NULL, rc);
			return NULL;
		}
		inflight_set_live(&e->ring, rec, true);
	}
	remember_stamp_key(es, key, req->pn);
	*err = 0;
	e->plan->sent(e->plan_ctx, e, req, rec, 0);
	return rec;
}

/* -------------------------------------------------------------- loop */

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* The signals whose handlers set the flags the loop reads. */
static void loop_signals(sigset_t *set, const struct engine *e)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGALRM);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGHUP);
	if (e->sig_no)
		sigaddset(set, e->sig_no);
}

int engine_on_signal(struct engine *e, int signo, volatile sig_atomic_t *flag,
		     void (*on)(void *ctx), void *ctx)
{
	if (e->sig_no)
		return -EBUSY;
	e->sig_no = signo;
	e->sig_flag = flag;
	e->sig_on = on;
	e->sig_ctx = ctx;
	return 0;
}

/* Send everything that is due and the bucket allows.  Returns the ns
 * until something may be due, 0 when something is due but the bucket is
 * empty, or PLAN_DONE. */
static int64_t send_due_one(struct engine *e, const struct engine_plan *plan,
			    void *p, bool *sent)
{
	struct probe_req req;
	int64_t now = engine_now(), wait;
	unsigned turn = 0;
	int err;

	for (;; turn++) {
		int64_t bw = bucket_wait(e, now);

		if (turn == SEND_TURN_MAX)
			return 0;       /* read first, then send on */
		memset(&req, 0, sizeof(req));
		req.ttl = -1;
		/* An empty bucket: ask only whether anything is due. */
		wait = plan->next(p, e, now, bw > 0 ? NULL : &req);
		if (wait != 0)
			return wait;
		if (bw > 0)
			return bw;
		req.sent_mono = now;
		engine_send(e, &req, &err);
		*sent = true;
		if (plan->read_after_send)
			for (unsigned i = 0; i < e->nsocks; i++)
				if (engine_drain(e, i) < 0)
					break;  /* the loop sees it again */
		now = engine_now();
	}
}

/* The same, and the batch of direct probes goes before the loop reads or
 * waits. */
static int64_t send_due(struct engine *e, const struct engine_plan *plan,
			void *p, bool *sent)
{
	int64_t wait = send_due_one(e, plan, p, sent);

	/* The plan counts these as sent already when it says how long to
	 * wait (their answers and timeouts are to come). */
	if (e->ntxq)
		txq_flush(e);
	return wait;
}

int engine_run(struct engine *e, const struct engine_plan *plan, void *p,
	       const struct engine_signals *sig)
{
	struct pollfd *pfd;
	sigset_t block, waitmask;
	int rc = 0;

	if (e->nsocks == 0)
		return -EINVAL;
	pfd = calloc(e->nsocks + e->nwatch, sizeof(*pfd));
	e->rx = e->rx ? e->rx : malloc(e->rx_batch * sizeof(*e->rx));
	e->txbuf = e->txbuf ? e->txbuf : malloc(TXBUF_LEN);
	if (!pfd || !e->rx || !e->txbuf) {
		free(pfd);
		return -ENOMEM;
	}
	e->plan = plan;
	e->plan_ctx = p;
	/* The stop signals stay blocked except inside ppoll, which unblocks
	 * them atomically: a signal never slips in between the flag test and
	 * the wait, so it is seen at once. */
	loop_signals(&block, e);
	sigprocmask(SIG_BLOCK, &block, &waitmask);

	plan->start(p, e, engine_now());
	for (;;) {
		bool sent = false;
		int64_t wait;
		unsigned nfd = 0;
		int got = 0;
		struct timespec ts;

		if (__atomic_load_n(sig->stop, __ATOMIC_RELAXED))
			break;
		if (sig->status && *sig->status) {
			*sig->status = 0;
			if (plan->status)
				plan->status(p, e);
		}
		if (e->sig_no && *e->sig_flag) {
			*e->sig_flag = 0;
			e->sig_on(e->sig_ctx);
		}
		/* 1. Send what is due. */
		wait = send_due(e, plan, p, &sent);
		if (wait == PLAN_DONE) {
			/* Answers already queued count: a slow process (or a
			 * loaded machine) must not lose them to its own lag. */
			for (unsigned i = 0; i < e->nsocks; i++)
				if (engine_drain(e, i) < 0)
					break;
			break;
		}
		/* 2. Read what came: a near peer has often answered by the
		 * time the send returns. */
		for (unsigned i = 0; i < e->nsocks; i++) {
			int n = engine_drain(e, i);

			if (n < 0) {
				rc = n;
				goto out;
			}
			got += n;
		}
		if (got > 0)
			continue;
		/* 3. Wait for a datagram, a watched descriptor, the next due
		 * time or a signal. */
		for (unsigned i = 0; i < e->nsocks; i++)
			pfd[nfd++] = (struct pollfd){ e->socks[i].s->fd, POLLIN, 0 };
		for (unsigned i = 0; i < e->nwatch; i++)
			pfd[nfd++] = (struct pollfd){ e->watch[i].fd, POLLIN, 0 };
		ts = wire_ns_ts(wait < 0 ? 0 : min64(wait, 3600 * NSEC));
		if (ppoll(pfd, nfd, &ts, &waitmask) < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		for (unsigned i = 0; i < e->nsocks; i++)
			if (pfd[i].revents & POLLERR)
				engine_drain_errqueue(e, i);
		for (unsigned i = e->nwatch; i-- > 0;) {
			short rev = pfd[e->nsocks + i].revents;

			if (!rev)
				continue;
			if ((rev & POLLNVAL) || !e->watch[i].on_ready(e->watch[i].ctx))
				e->watch[i] = e->watch[--e->nwatch];
		}
	}
out:
	plan->end(p, e, rc);
	sigprocmask(SIG_SETMASK, &waitmask, NULL);
	free(pfd);
	return rc;
}
