/* The trace plan: hops x queries, a window of probes in flight, settled in
 * hop order, in rounds.
 *
 * Matching.  Every probe's number is its key (key_base + its place in the
 * hop grid), which the kind puts on the wire (probe_echo.c, probe_udp.c,
 * probe_tcp.c): an answer is matched to a probe only through what it
 * quotes or echoes of that key, never by arrival order.
 *
 * Paris traceroute.  A load balancer that spreads flows over paths hashes
 * the addresses, the protocol, the ports (UDP, TCP), the ICMP type, code,
 * identifier and often the ICMP checksum.  Within a run every probe keeps
 * all of those constant, so every probe of every hop follows one path and
 * the hops printed are a real path, not a mix of several (the kinds say
 * how).  See docs/traceroute.md.
 *
 * Waiting.  traceroute 2.x's -w MAX,HERE,NEAR: a probe is given up after
 * MAX seconds, or HERE times the RTT of an answered probe of the same
 * hop, or NEAR times that of an answered probe further on.  Only the
 * oldest unsettled probe is ever given up; the rest wait their turn. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>

#include "engine_int.h"
#include "trace_int.h"
#include "../wire/addr.h"
#include "../wire/wire.h"

/* traceroute adds 1 ms to an RTT before multiplying it, because its
 * times have millisecond-scale error; ours are kernel stamps, so a much
 * smaller pad is enough. */
#define WAIT_PREC (50 * USEC)

#define UDP_DEF_PORT 33434
#define TCP_DEF_PORT 80
#define TCP_OPTS_LEN 20

/* ------------------------------------------------------------- setup */

size_t trace_packet_len(const struct trace *t)
{
	return t->ip_len + t->l4_len + t->data_len;
}

static void set_data_len(struct trace *t, size_t len)
{
	t->data_len = len;
	t->shape.data_len = len;
	t->echo.datalen = len;
	t->path.data_len = len;
	t->shape.packet_len = trace_packet_len(t);
}

/* --mtu: shrink the probes to mtu (whole datagram).  False when that is
 * not a shrink that can be done (not --mtu, TCP, not smaller than the
 * probes are, or too small for the headers and a Paris key). */
static bool shrink(struct trace *t, uint32_t mtu)
{
	size_t hdr = t->ip_len + t->l4_len;

	if (!t->cfg.mtu_disc || t->cfg.method == PROBE_TCP ||
	    mtu < hdr + 4 || mtu >= trace_packet_len(t))
		return false;
	set_data_len(t, mtu - hdr);
	return true;
}

/* Keys for this round, each probe's answer fields cleared. */
static void arm(struct trace *t, uint32_t base)
{
	t->key_base = base;
	for (unsigned i = 0; i < t->nprobes; i++) {
		struct trace_probe *p = &t->probes[i];

		memset(p, 0, sizeof(*p));
		p->ttl = i / t->cfg.nqueries + 1;
		p->query = i % t->cfg.nqueries;
		p->key = base + i;
		if (t->cfg.method != PROBE_TCP)
			p->key &= 0xffff;
		p->recv_ttl = -1;
		p->reply_len = -1;
	}
	t->last_send = 0;
}

/* The next round's keys move on, so that a late answer to the last round
 * never settles a probe of this one. */
static void rearm(struct trace *t)
{
	uint32_t base = t->key_base + t->nprobes;

	if (t->cfg.nflows > 1) {
		/* --paths: flow f's blocks are f, f + nflows, ... (mod a
		 * multiple of nflows), so no two flows ever share a key. */
		t->block += t->cfg.nflows;
		if (t->nblocks)
			t->block %= t->nblocks;
		arm(t, trace_flow_base(t));
		return;
	}

	/* Keys of UDP and ICMP are 16 bits, and a Paris UDP key is a
	 * checksum (1 .. 0xfffe): start over rather than wrap. */
	if (t->cfg.method != PROBE_TCP && base + t->nprobes > 0xfffe)
		base = 1;
	if (t->cfg.method == PROBE_UDP && !t->paris)
		base = t->dport;        /* classic: the ports again */
	arm(t, base);
}

void trace_next_round_keys(struct trace *t)
{
	rearm(t);
}

static const char *method_name(enum probe_method m)
{
	return m == PROBE_TCP ? "tcp" : m == PROBE_ICMP ? "icmp" : "udp";
}

int trace_new(struct trace **tp, const struct trace_cfg *cfg,
	      const struct sockaddr *dst, socklen_t dstlen)
{
	struct trace *t;
	size_t hdr, data = 0;
	uint32_t base = 0;

	*tp = NULL;
	if (dstlen > sizeof(t->dst) || cfg->max_ttl < 1 ||
	    cfg->max_ttl > TRACE_MAX_HOPS || cfg->first_ttl < 1 ||
	    cfg->first_ttl > cfg->max_ttl || cfg->nqueries < 1 ||
	    cfg->nqueries > TRACE_MAX_QUERIES)
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->cfg = *cfg;
	t->socks.tx.fd = t->socks.icmp.fd = t->socks.hold_fd = -1;
	if (t->cfg.sim < 1)
		t->cfg.sim = 1;
	if (t->cfg.rounds < 1)
		t->cfg.rounds = 1;
	memcpy(&t->dst, dst, dstlen);
	t->dstlen = dstlen;
	t->family = dst->sa_family;
	t->ip_len = t->family == AF_INET6 ? WIRE_IP6_HDR_LEN : WIRE_IP4_MIN_HDR;
	t->nprobes = cfg->max_ttl * cfg->nqueries;
	t->l4_len = cfg->method == PROBE_UDP ? WIRE_UDP_HDR_LEN :
		    cfg->method == PROBE_ICMP ? WIRE_ICMP_HDR_LEN :
		    WIRE_TCP_HDR_LEN + TCP_OPTS_LEN;
	hdr = t->ip_len + t->l4_len;
	if (cfg->method != PROBE_TCP && cfg->packet_len > hdr)
		data = cfg->packet_len - hdr;
	if (data > 65000) {
		free(t);
		return -EMSGSIZE;
	}
	t->data_len = data;

	switch (cfg->method) {
	case PROBE_UDP:
		t->kind = &probe_udp;
		t->dport = cfg->port >= 0 ? (uint16_t)cfg->port : UDP_DEF_PORT;
		t->paris = data >= 4;
		/* A Paris key is a checksum: 1 .. 0xfffe. */
		base = t->paris ? 1 + cfg->seed % (0xfffeu - t->nprobes) : t->dport;
		break;
	case PROBE_ICMP:
		t->kind = &probe_echo;
		t->paris = data >= 2;
		base = cfg->port >= 0 ? (uint16_t)cfg->port : 1;
		break;
	case PROBE_TCP:
		t->kind = &probe_tcp;
		t->dport = cfg->port >= 0 ? (uint16_t)cfg->port : TCP_DEF_PORT;
		t->paris = true;
		base = cfg->seed;
		break;
	}
	t->echo.id = cfg->icmp_id;
	t->echo.fill = PROBE_FILL_TRACE;
	t->path.dport = t->dport;
	t->path.paris = t->paris;

	t->probes = calloc(t->nprobes, sizeof(*t->probes));
	if (!t->probes) {
		free(t);
		return -ENOMEM;
	}
	t->shape.method = method_name(cfg->method);
	t->shape.proto = cfg->method == PROBE_UDP ? IPPROTO_UDP :
			 cfg->method == PROBE_TCP ? IPPROTO_TCP :
			 t->family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	t->shape.first_ttl = cfg->first_ttl;
	t->shape.max_ttl = cfg->max_ttl;
	t->shape.nqueries = cfg->nqueries;
	t->shape.dport = t->dport;
	t->shape.paris = t->paris;
	t->shape.dst = (const struct sockaddr *)&t->dst;
	t->shape.dstlen = t->dstlen;
	set_data_len(t, data);
	if (cfg->nflows > 1) {
		if (trace_flows_init(t) < 0) {
			free(t->probes);
			free(t);
			return -EINVAL;
		}
		base = trace_flow_base(t);
	}
	t->shape.flow = cfg->flow;
	arm(t, base);
	*tp = t;
	return 0;
}

void trace_free(struct trace *t)
{
	if (!t)
		return;
	probe_sock_close(&t->socks);
	free(t->probes);
	free(t);
}

int trace_adopt(struct trace *t, struct engine *e, struct probe_socks *ps)
{
	void *kctx = t->cfg.method == PROBE_ICMP ? (void *)&t->echo : (void *)&t->path;
	int si, rc;
	int64_t ti;

	/* The trace's now: trace_free closes them. */
	t->socks = *ps;
	ps->tx.fd = ps->icmp.fd = ps->hold_fd = -1;
	t->path.ps = &t->socks;
	if (t->cfg.method == PROBE_ICMP) {
		t->echo.raw = t->socks.tx.kind == SOCK_KIND_RAW;
		/* A raw ICMP socket sees every echo reply on the host: only
		 * ours may wake us. */
		if (t->echo.raw && (rc = sock_filter_id(&t->socks.tx, t->echo.id)) < 0)
			return rc;
	}
	si = engine_adopt(e, t->kind, kctx, &t->socks);
	if (si < 0)
		return si;
	t->shape.src = (const struct sockaddr *)&t->socks.src;
	t->shape.dgram = t->socks.tx.kind == SOCK_KIND_DGRAM;
	ti = engine_add_target(e, (const struct sockaddr *)&t->dst, t->dstlen,
			       (unsigned)si);
	if (ti < 0)
		return (int)ti;
	t->target = (uint32_t)ti;
	return 0;
}

/* -------------------------------------------------------------- waits */

static int64_t scaled(int64_t rtt, double factor, int64_t max, int64_t min)
{
	double v = (double)(rtt + WAIT_PREC) * factor;

	if (v < (double)min)
		v = (double)min;
	return v < (double)max ? (int64_t)v : max;
}

static bool answered(const struct trace_probe *p)
{
	return p->done && p->answer != EV_ANS_NONE && p->rtt_ns > 0;
}

int64_t trace_timeout(const struct trace *t, unsigned idx)
{
	const struct trace_cfg *c = &t->cfg;
	unsigned q = c->nqueries, first = idx - idx % q;

	if (c->here_factor > 0)
		for (unsigned i = first; i < first + q && i < t->nprobes; i++)
			if (answered(&t->probes[i]))
				return scaled(t->probes[i].rtt_ns, c->here_factor,
					      c->wait_max_ns, c->wait_min_ns);
	/* NEAR: only from probes further on, as traceroute 2.x.  An earlier
	 * hop's answer says nothing of this one: a host behind a router that
	 * must first resolve it (Host Unreachable after ~2.3 s), or one whose
	 * ICMP is rate-limited, answers late or not at all. */
	if (c->near_factor > 0)
		for (unsigned i = idx + 1; i < t->nprobes && t->probes[i].sent; i++)
			if (answered(&t->probes[i]))
				return scaled(t->probes[i].rtt_ns, c->near_factor,
					      c->wait_max_ns, c->wait_min_ns);
	return c->wait_max_ns;
}

/* ------------------------------------------------------------- events */

static void probe_event(struct trace *t, struct engine *e, const struct trace_probe *p)
{
	struct event ev;

	engine_event_init(e, &ev, EV_PROBE, t->target);
	trace_probe_event(p, &t->shape, &ev);
	engine_emit(e, &ev);
}

void trace_probe_event(const struct trace_probe *p, const struct event_trace *shape,
		       struct event *evp)
{
	struct event ev = *evp;

	ev.type = EV_PROBE;
	ev.family = shape->dst->sa_family;
	ev.trace = shape;
	ev.hop = p->ttl;
	ev.query = p->query;
	ev.answer = p->answer;
	if (p->fromlen) {
		ev.from = (const struct sockaddr *)&p->from;
		ev.fromlen = p->fromlen;
	}
	ev.has_rtt = p->answer != EV_ANS_NONE;
	ev.rtt_ns = p->rtt_ns;
	ev.icmp_type = p->type;
	ev.icmp_code = p->code;
	ev.icmp_info = p->info;
	ev.tcp_flags = p->tcp_flags;
	ev.ttl = p->recv_ttl;
	if (p->ext_len) {
		ev.ext = p->ext;
		ev.ext_len = p->ext_len;
		ev.ext_rfc4884 = p->ext_rfc4884;
	}
	ev.reply_len = p->reply_len;
	ev.new_mtu = p->new_mtu;
	ev.final = p->final;
	*evp = ev;
}

static void round_event(struct trace *t, struct engine *e, enum event_type type,
			int64_t now)
{
	struct event ev;

	if (type == EV_START) {
		clock_gettime(CLOCK_REALTIME, &t->shape.wall_start);
		t->shape.mono_start = now;
		t->shape.error = 0;
	} else {
		clock_gettime(CLOCK_REALTIME, &t->shape.wall_end);
		t->shape.mono_end = now;
		t->shape.error = t->error;
	}
	t->shape.round = t->round;
	engine_event_init(e, &ev, type, t->target);
	ev.trace = &t->shape;
	ev.err = -t->error;
	engine_emit(e, &ev);
}

/* --------------------------------------------------------------- plan */

static void plan_start(void *ctx, struct engine *e, int64_t now)
{
	struct trace *t = ctx;

	(void)e;
	t->next_round_at = now;
}

/* The next probe to send: the first unsent one in the window of `sim`
 * probes in flight.  True with req filled (req NULL: only whether there
 * is one); false, with *wake set when -z holds it back. */
static bool pick(struct trace *t, int64_t now, struct probe_req *req,
		 int64_t *wake)
{
	unsigned num = 0;

	for (unsigned n = t->start; n < t->end; n++) {
		struct trace_probe *p = &t->probes[n];

		if (p->done)
			continue;
		if (p->sent) {
			if (++num >= t->cfg.sim)
				return false;
			continue;
		}
		if (t->cfg.sendwait_ns && t->last_send &&
		    now - t->last_send < t->cfg.sendwait_ns) {
			*wake = t->last_send + t->cfg.sendwait_ns;
			return false;
		}
		if (req) {
			req->target = t->target;
			req->tseq = n;
			req->pn = p->key;
			req->pn_set = true;
			req->ttl = (int)p->ttl;
		}
		return true;
	}
	return false;
}

/* Settle in hop order: the oldest probe is given up when its wait has run
 * out, and every settled probe at the front goes to the sinks.  Returns
 * when to look again (0: nothing in flight), or -1 when every probe of
 * the round is settled. */
static int64_t settle(struct trace *t, struct engine *e, int64_t now)
{
	const unsigned q = t->cfg.nqueries;

	for (unsigned n = t->start; n < t->end; n++) {
		struct trace_probe *p = &t->probes[n];

		if (n == t->start && p->sent && !p->done) {
			int64_t exp = p->sent_mono + trace_timeout(t, n);

			if (exp > now)
				return exp;
			p->done = true;         /* silence */
		}
		if (!p->done)
			return p->sent ? p->sent_mono + trace_timeout(t, n) : 0;
		if (n == t->start) {
			probe_event(t, e, p);
			t->start++;
		}
		if (p->final && (n / q + 1) * q < t->end)
			t->end = (n / q + 1) * q;
	}
	return t->start >= t->end ? -1 : 0;
}

static int64_t plan_next(void *ctx, struct engine *e, int64_t now,
			 struct probe_req *req)
{
	struct trace *t = ctx;

	for (;;) {
		int64_t wake = 0, at;
		unsigned start;

		if (t->error)
			return PLAN_DONE;
		if (!t->in_round) {
			if (t->round >= t->cfg.rounds && !t->cfg.endless)
				return PLAN_DONE;
			if (t->paused)
				return NSEC;    /* trace_pause(false) wakes it */
			if (now < t->next_round_at)
				return t->next_round_at - now;
			if (t->round > 0)
				rearm(t);
			t->start = (t->cfg.first_ttl - 1) * t->cfg.nqueries;
			t->end = t->cfg.stop_at_dst && t->dst_end ? t->dst_end :
				 t->nprobes;
			t->in_round = true;
			round_event(t, e, EV_START, now);
		}
		/* Sends first: every probe the window allows goes out before a
		 * line is printed (a line may wait for a name). */
		if (pick(t, now, req, &wake))
			return 0;
		start = t->start;
		at = settle(t, e, now);
		if (at < 0) {           /* every probe settled */
			t->dst_end = t->end > 0 && t->probes[t->end - 1].final ?
				     t->end : 0;
			round_event(t, e, EV_END, now);
			t->in_round = false;
			t->round++;
			t->next_round_at = now + t->cfg.round_gap_ns;
			/* mtr's -i: one round an interval, start to start. */
			if (t->cfg.round_period)
				t->next_round_at = t->shape.mono_start + t->cfg.round_gap_ns;
			continue;
		}
		if (t->start != start)
			continue;       /* the window moved: more may go */
		if (wake && (!at || wake < at))
			at = wake;
		if (at > now)
			return at - now;
		if (!at)
			return NSEC;    /* nothing in flight, nothing to send */
		/* a wait ran out: look again */
	}
}

static void plan_sent(void *ctx, struct engine *e, const struct probe_req *req,
		      struct probe_rec *rec, int err)
{
	struct trace *t = ctx;
	struct trace_probe *p = &t->probes[req->tseq];

	(void)rec;
	if (!err) {
		p->sent = true;
		p->sent_mono = req->sent_mono;
		t->last_send = req->sent_mono;
		return;
	}
	if (err == -EMSGSIZE && t->socks.mtu > 0 && shrink(t, (uint32_t)t->socks.mtu)) {
		/* --mtu: down to our first link's MTU, and again. */
		p->new_mtu = (uint32_t)t->socks.mtu;
		return;
	}
	if (err == -EMSGSIZE) {
		/* -F and a probe bigger than the path takes: settled here, as
		 * traceroute shows it ("*  0.1 ms !F-1500"), and final. */
		p->sent = p->done = p->final = true;
		p->answer = EV_ANS_LOCAL;
		p->info = (uint32_t)t->socks.mtu;
		p->rtt_ns = engine_now() - req->sent_mono;
		t->last_send = req->sent_mono;
		return;
	}
	(void)e;
	t->error = err;
}

static bool is_final(const struct trace *t, const struct event *ev)
{
	if (ev->answer != EV_ANS_ICMP)
		return true;
	/* Time exceeded in transit is the one answer that is not the end. */
	if (t->family == AF_INET6)
		return !(ev->icmp_type == WIRE_ICMP6_TIMXCEED && ev->icmp_code == 0);
	return !(ev->icmp_type == WIRE_ICMP4_TIMXCEED && ev->icmp_code == 0);
}

/* "Fragmentation needed" / "packet too big". */
static bool is_too_big(const struct trace *t, const struct event *ev)
{
	if (ev->answer != EV_ANS_ICMP)
		return false;
	if (t->family == AF_INET6)
		return ev->icmp_type == WIRE_ICMP6_PACKET_TOO_BIG;
	return ev->icmp_type == WIRE_ICMP4_UNREACH && ev->icmp_code == 4;
}

static void plan_answer(void *ctx, struct engine *e, struct probe_rec *rec,
			struct probe_answer *a)
{
	struct trace *t = ctx;
	struct event *ev = &a->ev;
	struct trace_probe *p;
	uint32_t mtu;

	/* Not ours, or not one we can credit: a trace says nothing of it. */
	if (!rec || rec->tseq >= t->nprobes || ev->bad_tag || ev->bad_cksum)
		return;
	p = &t->probes[rec->tseq];
	/* Late (given up already), a round before, or a duplicate: the first
	 * answer stands. */
	if (p->key != rec->pn || !p->sent || p->done)
		return;
	/* The MTU of "fragmentation needed" / "packet too big". */
	mtu = t->family == AF_INET6 ? ev->icmp_info : (ev->icmp_info & 0xffff);
	if (is_too_big(t, ev) && shrink(t, mtu)) {
		/* --mtu: not an answer; the probe goes again, smaller. */
		p->sent = false;
		p->new_mtu = mtu;
		return;
	}
	p->done = true;
	inflight_set_live(&e->ring, rec, false);
	p->answer = ev->answer;
	if (ev->from && ev->fromlen <= sizeof(p->from)) {
		memcpy(&p->from, ev->from, ev->fromlen);
		p->fromlen = ev->fromlen;
	}
	p->rtt_ns = ev->rtt_ns;
	p->type = ev->icmp_type;
	p->code = ev->icmp_code;
	p->info = ev->answer == EV_ANS_ICMP ? mtu : 0;
	p->tcp_flags = ev->tcp_flags;
	p->recv_ttl = ev->ttl;
	p->final = is_final(t, ev);
	/* The destination answered: nothing beyond this hop goes out. */
	if (p->final) {
		unsigned end = (rec->tseq / t->cfg.nqueries + 1) * t->cfg.nqueries;

		if (end < t->end)
			t->end = end;
	}
	if (t->cfg.extensions && ev->ext && ev->ext_len <= sizeof(p->ext)) {
		memcpy(p->ext, ev->ext, ev->ext_len);
		p->ext_len = ev->ext_len;
		p->ext_rfc4884 = ev->ext_rfc4884;
	}
	p->reply_len = ev->reply_len;
	/* As it came: for a sink that starts early (a name lookup). */
	ev->trace = &t->shape;
	ev->hop = p->ttl;
	ev->query = p->query;
	engine_emit(e, ev);
}

static void plan_local_error(void *ctx, struct engine *e, struct probe_rec *rec,
			     int err, uint32_t info)
{
	/* A send's own error: plan_sent hears of the failure itself. */
	(void)ctx;
	(void)e;
	(void)rec;
	(void)err;
	(void)info;
}

static void plan_end(void *ctx, struct engine *e, int err)
{
	struct trace *t = ctx;

	if (err && !t->error)
		t->error = err;
	if (t->in_round) {
		round_event(t, e, EV_END, engine_now());
		t->in_round = false;
	}
}

const struct engine_plan trace_plan = {
	.name = "trace",
	/* An error that an earlier probe raised fails one send on a socket
	 * with IP_RECVERR: read the queue (which clears it) and send again. */
	.retry_send = true,
	/* A near peer may have answered already: read it before the next
	 * send, so that the destination's answer stops the probes beyond it. */
	.read_after_send = true,
	.start = plan_start,
	.next = plan_next,
	.sent = plan_sent,
	.answer = plan_answer,
	.local_error = plan_local_error,
	.end = plan_end,
};

void trace_pause(struct trace *t, bool paused)
{
	t->paused = paused;
}

int trace_run(struct trace *t, struct engine *e, const struct engine_signals *sig)
{
	int rc;

	t->round = 0;
	t->in_round = false;
	t->error = 0;
	rc = engine_run(e, &trace_plan, t, sig);
	return rc < 0 ? rc : t->error;
}
