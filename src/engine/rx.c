/* The engine's one receive path, the same for every command: a socket's
 * error queue (send stamps, errors the kernel matched to it, local
 * errors), then its datagrams, then any error left pending on it.  Each
 * datagram goes to the socket's probe kind, which says what it is and
 * which key it carries; the key names the probe in the in-flight ring;
 * the plan turns the match into events.  Nothing is matched by arrival
 * order or by scanning targets. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <linux/errqueue.h>

#include "engine_int.h"
#include "../wire/addr.h"
#include "../wire/wire.h"

int64_t engine_rtt(const struct probe_rec *rec, const struct sock_rx *rx)
{
	int64_t mono = wire_ts_ns(&rx->mono) - rec->sent_mono;

	/* The receive stamp is the kernel's; the send stamp too when the
	 * kernel gave one, else ours from just before the send.  Both are on
	 * CLOCK_REALTIME, which can jump: use them only when they agree with
	 * the monotonic clock around the same pair. */
	if (rx->has_kstamp) {
		int64_t k = wire_ts_ns(&rx->kstamp) - rec->sent_wall;

		if (k >= 0 && k <= mono + 10000)
			return k;
	}
	return mono < 0 ? 0 : mono;
}

/* When it arrived, for ping -D: the kernel's stamp, or now when the kernel
 * gave none. */
static void arrival_time(struct event *ev, const struct sock_rx *rx)
{
	if (rx->has_kstamp)
		ev->when = rx->kstamp;
	else
		clock_gettime(CLOCK_REALTIME, &ev->when);
	ev->has_when = true;
}

static void foreign(struct engine *e, struct probe_answer *a,
		    enum event_foreign why)
{
	a->ev.type = EV_FOREIGN;
	a->ev.foreign = why;
	if (a->has_key)
		a->ev.seq = (uint16_t)a->key;   /* as it came on the wire */
	e->plan->answer(e->plan_ctx, e, NULL, a);
}

/* A stateless kind's answer: its tag alone says whether it is ours; the
 * send times it carried give the RTT. */
static void deliver_stateless(struct engine *e, const struct engine_sock *es,
			      const struct sock_rx *rx, struct probe_answer *a)
{
	struct probe_rec r;

	if (!es->kind->verify(es->kctx, NULL, e->tag_key, a)) {
		foreign(e, a, EV_FOREIGN_TAG);
		return;
	}
	if (a->has_cookie) {
		memset(&r, 0, sizeof(r));
		r.sent_mono = a->sent_mono;
		r.sent_wall = a->sent_wall;
		a->ev.has_rtt = true;
		a->ev.rtt_ns = engine_rtt(&r, rx);
	}
	e->plan->answer(e->plan_ctx, e, NULL, a);
}

/* An answer the kind recognised: which probe, and is it really its? */
static void deliver(struct engine *e, unsigned si, const struct sock_rx *rx,
		    struct probe_answer *a)
{
	const struct engine_sock *es = &e->socks[si];
	struct event *ev = &a->ev;
	struct probe_rec *rec;
	uint32_t ti;

	e->rx_mono = wire_ts_ns(&rx->mono);
	arrival_time(ev, rx);
	if (ev->type == EV_FOREIGN || !a->has_key) {
		if (ev->type != EV_FOREIGN)
			ev->foreign = EV_FOREIGN_OTHER;
		foreign(e, a, ev->foreign);
		return;
	}
	if (es->kind->stateless) {
		deliver_stateless(e, es, rx, a);
		return;
	}
	rec = inflight_find(&e->ring, inflight_unwrap(e->newest_pn, a->key,
						      es->kind->key_bits));
	if (!rec || e->socks[rec->sock].kind != es->kind) {
		foreign(e, a, EV_FOREIGN_UNSENT);
		return;
	}
	ti = rec->target;
	if (a->has_probed && memcmp(rec->addr, a->probed, 16) != 0) {
		/* An error must quote the probe as it went; a reply from
		 * elsewhere is the plan's to judge (broadcast, a router
		 * answering for the host). */
		if (ev->type != EV_REPLY) {
			foreign(e, a, EV_FOREIGN_ADDR);
			return;
		}
		ev->other_addr = true;
	}
	if (es->kind->verify && !es->kind->verify(es->kctx, rec, e->tag_key, a)) {
		/* From the target, with a number we sent, but not the probe's
		 * tag: shown and counted as corrupted, never as received. */
		if (ev->type != EV_REPLY || ev->other_addr) {
			foreign(e, a, EV_FOREIGN_TAG);
			return;
		}
		ev->bad_tag = true;
	}
	engine_event_target(e, ev, ti);
	ev->probe = rec->tseq;
	ev->pn = rec->pn;
	ev->seq = (uint16_t)rec->tseq;
	if (!ev->bad_tag) {
		ev->has_rtt = true;
		ev->rtt_ns = engine_rtt(rec, rx);
	}
	e->plan->answer(e->plan_ctx, e, rec, a);
}

static void parse_data(struct engine *e, unsigned si, const struct sock_rx *rx)
{
	const struct engine_sock *es = &e->socks[si];
	struct probe_answer a;

	memset(&a, 0, sizeof(a));
	a.ev.ttl = rx->ttl;
	a.ev.tos = rx->tos;
	a.ev.wrong_byte = -1;
	a.ev.ident = -1;
	a.ev.reply_len = -1;
	a.ev.quote_l4 = -1;
	a.ev.family = es->s->family;
	a.ev.from = (const struct sockaddr *)&rx->from;
	a.ev.fromlen = rx->fromlen;
	if (es->kind->parse(es->kctx, es->s, (int)es->role, rx, &a) == 0)
		deliver(e, si, rx, &a);
}

/* A send stamp: the probe it belongs to gets the kernel's send time. */
static void on_txstamp(struct engine *e, struct engine_sock *es,
		       const struct sock_rx *rx)
{
	struct engine_txmap *m;
	struct probe_rec *rec;

	if (!es->txmap || !rx->has_kstamp)
		return;
	m = &es->txmap[rx->txkey % ENGINE_TXMAP];
	if (!m->used || m->key != rx->txkey)
		return;
	m->used = false;
	rec = inflight_find(&e->ring, m->pn);
	if (rec && (rec->flags & PROBE_REC_LIVE)) {
		rec->sent_wall = wire_ts_ns(&rx->kstamp);
		rec->flags |= PROBE_REC_KSTAMP;
	}
}

static void on_errqueue(struct engine *e, unsigned si, const struct sock_rx *rx)
{
	struct engine_sock *es = &e->socks[si];

	if (rx->kind == SOCK_RX_TXSTAMP) {
		on_txstamp(e, es, rx);
		return;
	}
	if (rx->ee.origin == SO_EE_ORIGIN_ICMP || rx->ee.origin == SO_EE_ORIGIN_ICMP6) {
		struct probe_answer a;

		/* A raw socket sees the error itself, whole: read there. */
		if (es->s->kind == SOCK_KIND_RAW || !es->kind->parse_errqueue)
			return;
		memset(&a, 0, sizeof(a));
		a.ev.type = EV_ERROR;
		a.ev.family = es->s->family;
		a.ev.ttl = rx->ttl;
		a.ev.tos = -1;
		a.ev.wrong_byte = -1;
		a.ev.ident = -1;
		a.ev.reply_len = -1;   /* the queue gives our datagram, not theirs */
		a.ev.quote_l4 = -1;
		a.ev.icmp_type = rx->ee.type;
		a.ev.icmp_code = rx->ee.code;
		a.ev.icmp_info = rx->ee.info;
		/* The kernel gives an IPv4 parameter problem's pointer alone;
		 * on the wire (and from a raw socket) it is the first byte of
		 * the four. */
		if (es->s->family == AF_INET && rx->ee.type == WIRE_ICMP4_PARAMPROB)
			a.ev.icmp_info <<= 24;
		a.ev.answer = EV_ANS_ICMP;
		if (rx->ee.has_offender) {
			a.ev.from = (const struct sockaddr *)&rx->ee.offender;
			a.ev.fromlen = wire_sa_len(rx->ee.offender.ss_family);
		}
		if (es->kind->parse_errqueue(es->kctx, es->s, rx, &a) == 0)
			deliver(e, si, rx, &a);
		return;
	}
	if (rx->ee.origin == SO_EE_ORIGIN_LOCAL) {
		struct probe_rec *rec = e->send_failed ?
			inflight_slot(&e->ring, e->send_failed_pn) : NULL;

		if (rec && rec->pn != e->send_failed_pn)
			rec = NULL;
		e->plan->local_error(e->plan_ctx, e, rec, rx->ee.err, rx->ee.info);
	}
}

int engine_drain_errqueue(struct engine *e, unsigned si)
{
	struct sock *s = e->socks[si].s;
	int n, total = 0;

	e->socks[si].since_errq = 0;
	while ((n = sock_recv_errqueue(s, e->rx, e->rx_batch)) > 0) {
		for (int i = 0; i < n; i++)
			on_errqueue(e, si, &e->rx[i]);
		total += n;
		if ((unsigned)n < e->rx_batch)
			break;
	}
	return total;
}

int engine_drain(struct engine *e, unsigned si)
{
	struct engine_sock *es = &e->socks[si];
	unsigned want;
	int n, total = 0;

	/* Send stamps first: a reply's RTT wants its probe's stamp.  Without
	 * them (flood) the queue holds only errors: look now and then, and
	 * whenever poll says so, not on every packet. */
	if (es->txmap || ++es->since_errq >= 32)
		total += engine_drain_errqueue(e, si);
	/* Ask for as many datagrams as there are probes out: with one in
	 * flight (flood) that is one read of one reply, not a batch whose
	 * second read fails.  Anything more (a duplicate, a stranger) is read
	 * on the next pass.  A stateless kind's probes are not in the ring:
	 * a whole batch, while batches come full. */
	want = es->kind->stateless || e->ring.live > e->rx_batch ? e->rx_batch :
	       e->ring.live < 1 ? 1 : e->ring.live;
	while ((n = sock_recv(es->s, e->rx, want)) > 0) {
		for (int i = 0; i < n; i++)
			parse_data(e, si, &e->rx[i]);
		total += n;
		if ((unsigned)n < e->rx_batch)
			break;
	}
	switch (n) {
	case -EBADF:
	case -ENOTSOCK:
	case -EFAULT:
	case -EINVAL:
		return n;       /* the socket itself is broken */
	default:
		/* A pending error that an ICMP message raised (IP_RECVERR:
		 * EHOSTUNREACH, ECONNREFUSED, ...) fails one receive and is
		 * cleared by it; its details wait in the error queue. */
		if (n < 0 && n != -EAGAIN && n != -EINTR)
			total += engine_drain_errqueue(e, si);
		return total;
	}
}
