/* engine_os: the probes of `echolot os`: sockets, the engine's send hook
 * and sink, one engine run per step, the hop search (the signal probes
 * are in os_signals.c).  The method is described at the top of
 * src/cli/os.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "engine.h"
#include "os_probe_int.h"
#include "ping_plan.h"
#include "../wire/timeconv.h"
#include "../wire/wire.h"

#define FIRST_TRIES 3
#define FIRST_WAIT (1 * NSEC)

enum probe_result { PR_REACH, PR_EXPIRED, PR_SILENT, PR_OTHER, PR_FAIL };

static int64_t now_ns(void)
{
	return engine_now();
}

/* --------------------------------------------------------------- sockets */

static int apply(struct sock *s, const char **what, int *err)
{
	struct sock_opts so;
	const char *w, *warn;
	int warn_err, rc;

	memset(&so, 0, sizeof(so));
	so.ttl = so.tos = so.pmtudisc = so.sndbuf = so.rcvbuf = -1;
	so.mark = -1;
	/* DF on every IPv4 probe (a raw socket writes it into its own
	 * header).  Send stamps too: besides the RTT, they make the engine
	 * read the error queue at every turn, which clears the error that
	 * a Time Exceeded leaves pending on a raw socket (IP_RECVERR) before
	 * it can fail the next receive. */
	if (s->family == AF_INET && s->kind == SOCK_KIND_DGRAM)
		so.pmtudisc = IP_PMTUDISC_DO;
	so.timestamps = SOCK_TS_RXTX;
	rc = sock_apply(s, &so, &w, &warn, &warn_err);
	if (rc < 0) {
		*what = w;
		*err = -rc;
	}
	return rc;
}

static int fail(struct engine_os_err *e, const char *what, int rc)
{
	e->what = what;
	e->err = -rc;
	return -1;
}

/* The raw socket's extras: an identifier range of our own, IP_HDRINCL,
 * and the signals' raw sockets, all now (no socket() in the sandbox, and
 * raw sockets need the privilege dropped before the name is resolved). */
static int open_raw(struct engine_os *p, struct engine_os_err *e)
{
	int family = p->cfg.family, rc;

	if (getrandom(&p->id_base, sizeof(p->id_base), 0) != sizeof(p->id_base))
		p->id_base = (uint16_t)getpid();
	p->id_base = (uint16_t)(1 + p->id_base % (65535 - ENGINE_OS_MAX_STEPS));
	rc = sock_filter_id_range(&p->pool[0], p->id_base, ENGINE_OS_MAX_STEPS);
	if (rc < 0)
		return fail(e, "SO_ATTACH_FILTER", rc);
	if (family == AF_INET) {
		rc = sock_hdrincl(&p->pool[0]);
		if (rc < 0)
			return fail(e, "IP_HDRINCL", rc);
		p->hdrincl = true;
		/* Timestamp replies, when there are signals to look for. */
		if (p->cfg.signals && sock_open_tstamp(&p->ts, 255) < 0)
			p->ts.fd = -1;
	}
	/* The quote of a Port Unreachable: a raw socket for the error now,
	 * the UDP socket that draws it once the destination is known
	 * (engine_os_set_target). */
	if (p->cfg.signals && sock_open_unreach(&p->unreach, family) < 0)
		p->unreach.fd = -1;
	return 0;
}

static int open_socks(struct engine_os *p, struct engine_os_err *e)
{
	int family = p->cfg.family;

	if (sock_open(&p->pool[0], family, false, &e->open) < 0)
		return -1;
	p->npool = 1;
	if (apply(&p->pool[0], &e->what, &e->err) < 0)
		return -1;
	p->raw = p->pool[0].kind == SOCK_KIND_RAW;
	if (p->raw)
		return open_raw(p, e);
	/* Datagram sockets: the kernel picks each one's identifier; a spare
	 * one for every step that may time out. */
	for (; p->npool < ENGINE_OS_POOL; p->npool++) {
		struct sock_open_err oe;

		if (sock_open(&p->pool[p->npool], family, false, &oe) < 0 ||
		    p->pool[p->npool].kind != SOCK_KIND_DGRAM ||
		    apply(&p->pool[p->npool], &e->warn, &e->warn_err) < 0) {
			sock_close(&p->pool[p->npool]);
			break;
		}
	}
	return 0;
}

int engine_os_open(struct engine_os *p, const struct engine_os_cfg *cfg,
		   struct engine_os_err *e)
{
	memset(p, 0, sizeof(*p));
	memset(e, 0, sizeof(*e));
	p->cfg = *cfg;
	p->tos_got = -1;
	p->ts.fd = -1;
	p->unreach.fd = -1;
	p->udp.fd = -1;
	for (unsigned i = 0; i < ENGINE_OS_POOL; i++)
		p->pool[i].fd = -1;
	if (open_socks(p, e) < 0)
		goto out;
	if (getrandom(p->tag_key, sizeof(p->tag_key), 0) != sizeof(p->tag_key)) {
		fail(e, "getrandom", -errno);
		goto out;
	}
	return 0;
out:
	engine_os_close(p);
	return -1;
}

int engine_os_set_target(struct engine_os *p, const struct sockaddr *dst,
			 socklen_t dstlen, struct engine_os_err *e)
{
	memset(e, 0, sizeof(*e));
	if (dstlen > sizeof(p->dst) || dst->sa_family != p->cfg.family)
		return fail(e, "address", -EINVAL);
	memcpy(&p->dst, dst, dstlen);
	p->dstlen = dstlen;
	/* A connected UDP socket: needs no privilege. */
	if (p->unreach.fd >= 0 &&
	    sock_open_udp_probe(&p->udp, (struct sockaddr *)&p->dst, p->dstlen,
				ENGINE_OS_QUOTE_PORT, &p->udp_sport) < 0) {
		sock_close(&p->unreach);
		p->unreach.fd = -1;
	}
	return 0;
}

void engine_os_close(struct engine_os *p)
{
	for (unsigned i = 0; i < p->npool; i++)
		sock_close(&p->pool[i]);
	if (p->ts.fd >= 0)
		sock_close(&p->ts);
	if (p->unreach.fd >= 0)
		sock_close(&p->unreach);
	sock_close(&p->udp);
}

/* ------------------------------------------------------------ one step */

/* The echo kind tells each probe's IP ID (hdrincl): remembered, to tell a
 * stack that copies it from one that counts. */
static void on_ip_id(void *ctx, uint16_t icmp_id, uint16_t seq, uint16_t ip_id)
{
	struct engine_os *p = ctx;

	if (p->nsent < ENGINE_OS_MAX_SENT) {
		struct engine_os_sent *q = &p->sent[p->nsent++];

		q->icmp_id = icmp_id;
		q->seq = seq;
		q->ip_id = ip_id;
	}
}

static bool sent_ip_id(const struct engine_os *p, int icmp_id, uint16_t seq,
		       uint16_t *ip_id)
{
	for (unsigned i = 0; i < p->nsent; i++)
		if (p->sent[i].icmp_id == icmp_id && p->sent[i].seq == seq) {
			*ip_id = p->sent[i].ip_id;
			return true;
		}
	return false;
}

static bool time_exceeded(const struct event *ev)
{
	return ev->family == AF_INET6 ? ev->icmp_type == WIRE_ICMP6_TIMXCEED :
					ev->icmp_type == WIRE_ICMP4_TIMXCEED;
}

static void on_reply(struct engine_os *p, const struct event *ev)
{
	p->step.replies++;
	p->answered++;
	if (ev->has_rtt && ev->rtt_ns > p->rtt_max)
		p->rtt_max = ev->rtt_ns;
	if (ev->ttl >= 0 && ev->ttl <= 255)
		p->ttl_replies++;
	if (p->cfg.sink.on_event)
		p->cfg.sink.on_event(p->cfg.sink.ctx, ev);
	if (ev->has_ip_hdr) {
		uint16_t id;

		if (ev->ip_df)
			p->df_set++;
		else
			p->df_clear++;
		if (ev->ident >= 0 && p->nids < ENGINE_OS_MAX_SENT &&
		    sent_ip_id(p, ev->ident, (uint16_t)ev->pn, &id)) {
			p->ids_sent[p->nids] = id;
			p->ids_got[p->nids++] = ev->ip_id;
		}
	}
	if (ev->tos >= 0)
		p->tos_got = ev->tos;
	if (p->collect_code) {
		if (p->code_got >= 0 && p->code_got != ev->reply_code)
			p->code_mixed = true;
		p->code_got = ev->reply_code;
	}
}

/* The signal probes' answers (a run with them beside the echoes). */
static void signal_event(struct engine_os *p, const struct event *ev)
{
	if (ev->type == EV_SENT) {
		p->probes++;
	} else if (ev->type == EV_REPLY && ev->target == p->ts_target &&
		   !ev->bad_cksum) {
		p->sig_ts = 1;
		p->answered++;
	} else if (ev->type == EV_ERROR && ev->target == p->quote_target &&
		   ev->quote_l4 >= 0 && p->sig_quoted < 0) {
		p->sig_quoted = ev->quote_l4;
		p->answered++;
	}
}

static void os_sink(void *ctx, const struct event *ev)
{
	struct engine_os *p = ctx;
	struct engine_os_step *st = &p->step;

	if (ev->target != 0 && ev->type != EV_END && ev->type != EV_START) {
		signal_event(p, ev);
		return;
	}
	switch (ev->type) {
	case EV_SENT:
		p->probes++;
		return;
	case EV_REPLY:
		if (!ev->dup && !ev->bad_cksum && !ev->bad_tag && !ev->other_addr)
			on_reply(p, ev);
		return;
	case EV_ERROR:
		if (ev->notice)
			return;
		p->answered++;
		if (time_exceeded(ev)) {
			st->exceeded++;
			if (ev->from && ev->fromlen <= sizeof(st->from)) {
				memcpy(&st->from, ev->from, ev->fromlen);
				st->fromlen = ev->fromlen;
			}
		} else {
			st->other_err++;
			st->err_type = ev->icmp_type;
			st->err_code = ev->icmp_code;
		}
		return;
	case EV_LOCAL_ERROR:
		st->local_err = ev->err;
		return;
	default:
		return;
	}
}

/* The signal probes' targets beside the echo requests' (target 0): a
 * timestamp request, and a UDP datagram to a closed port. */
static int add_signals(struct engine_os *p, struct engine *e, uint64_t *counts)
{
	int64_t rc;
	int si;

	p->ts_target = p->quote_target = UINT32_MAX;
	if (p->ts.fd >= 0) {
		p->ts_cfg.id = (uint16_t)(p->id_base + ENGINE_OS_MAX_STEPS - 1);
		si = engine_add_sock(e, &p->ts, ENGINE_SOCK_TX, &probe_tstamp,
				     &p->ts_cfg);
		rc = si < 0 ? si : engine_add_target(e, (struct sockaddr *)&p->dst,
						     p->dstlen, (unsigned)si);
		if (rc < 0)
			return (int)rc;
		p->ts_target = (uint32_t)rc;
		counts[rc] = 1;
		p->sig_ts = 0;
	}
	if (p->udp.fd >= 0 && p->unreach.fd >= 0) {
		p->quote_cfg.sport = p->udp_sport;
		p->quote_cfg.dport = ENGINE_OS_QUOTE_PORT;
		p->quote_cfg.datalen = ENGINE_OS_QUOTE_DATALEN;
		si = engine_add_sock(e, &p->udp, ENGINE_SOCK_TX, &probe_quote,
				     &p->quote_cfg);
		rc = si < 0 ? si : engine_add_sock(e, &p->unreach, ENGINE_SOCK_RX_ICMP,
						   &probe_quote, &p->quote_cfg);
		if (rc >= 0)
			rc = engine_add_target(e, (struct sockaddr *)&p->dst,
					       p->dstlen, (unsigned)si);
		if (rc < 0)
			return (int)rc;
		p->quote_target = (uint32_t)rc;
		counts[rc] = 1;
	}
	return 0;
}

int engine_os_run(struct engine_os *p, int ttl, unsigned count, uint8_t code,
		  int64_t wait_ns, bool signals)
{
	struct engine_signals sig = { p->cfg.stop, &p->status };
	uint64_t counts[3] = { count, 0, 0 };
	struct ping_plan_cfg pc;
	struct probe_echo_cfg echo;
	struct engine_cfg ec;
	struct engine *e;
	struct sock *s;
	int64_t rc;

	memset(&p->step, 0, sizeof(p->step));
	memset(&echo, 0, sizeof(echo));
	if (p->raw) {
		s = &p->pool[0];
		echo.id = (uint16_t)(p->id_base + p->steps % ENGINE_OS_MAX_STEPS);
	} else {
		s = &p->pool[p->cur];
	}
	p->steps++;
	echo.raw = p->raw;
	echo.datalen = ENGINE_OS_DATALEN;
	echo.fill = PROBE_FILL_PING;
	echo.code = code;
	echo.shape = true;
	echo.tos = ENGINE_OS_TOS;
	echo.hdrincl = p->hdrincl;
	echo.on_ip_id = on_ip_id;
	echo.on_ip_id_ctx = p;
	memset(&ec, 0, sizeof(ec));
	memcpy(ec.tag_key, p->tag_key, sizeof(ec.tag_key));
	e = engine_new(&ec);
	if (!e)
		return -ENOMEM;
	rc = engine_add_sock(e, s, ENGINE_SOCK_TX, &probe_echo, &echo);
	if (rc >= 0)
		rc = engine_add_target(e, (struct sockaddr *)&p->dst, p->dstlen,
				       (unsigned)rc);
	if (rc >= 0 && signals)
		rc = add_signals(p, e, counts);
	if (rc >= 0)
		rc = engine_add_sink(e, (struct event_sink){ os_sink, p });
	if (rc < 0) {
		engine_free(e);
		return (int)rc;
	}
	memset(&pc, 0, sizeof(pc));
	pc.counts = counts;
	pc.preload = count;
	pc.interval_ns = MSEC;
	pc.linger_ns = wait_ns > MSEC ? wait_ns : MSEC;
	pc.ttl = ttl;
	rc = engine_run_ping(e, &pc, &sig);
	engine_free(e);
	/* A datagram socket whose probe went unanswered may still get its
	 * answer: the next step takes a fresh one. */
	if (!p->raw && p->step.replies + p->step.exceeded + p->step.other_err == 0 &&
	    p->cur + 1 < p->npool)
		p->cur++;
	return (int)rc;
}

int engine_os_step(struct engine_os *p, int ttl, unsigned count, uint8_t code,
		   int64_t wait_ns)
{
	return engine_os_run(p, ttl, count, code, wait_ns, false);
}

/* How long to wait for an answer once an RTT is known: at most 1 s. */
int64_t engine_os_wait(const struct engine_os *p, int64_t end)
{
	int64_t w = 4 * p->rtt_max + 50 * MSEC, left = end - now_ns();

	if (w > NSEC)
		w = NSEC;
	return w < left ? w : left;
}

void engine_os_reach(struct engine_os *p, int64_t end)
{
	for (int i = 0; i < FIRST_TRIES && !p->ttl_replies && !*p->cfg.stop; i++) {
		int64_t left = end - now_ns();

		if (left <= 0)
			break;
		if (engine_os_step(p, 255, 1, 0, left < FIRST_WAIT ? left : FIRST_WAIT) < 0)
			break;
		if (p->step.other_err || p->step.local_err)
			break;
	}
}

/* ------------------------------------------------------------ hop count */

static enum probe_result try_ttl(struct engine_os *p, struct engine_os_hops *h,
				 int ttl, int64_t end)
{
	for (int tries = 0; tries < 2; tries++) {
		int64_t w = engine_os_wait(p, end);

		if (w <= 0 || *p->cfg.stop || p->steps >= ENGINE_OS_MAX_STEPS - 2)
			return PR_FAIL;
		if (engine_os_step(p, ttl, 1, 0, w) < 0)
			return PR_FAIL;
		h->probes++;
		if (p->step.replies) {
			if (ttl < h->reach_min)
				h->reach_min = ttl;
			return PR_REACH;
		}
		if (p->step.exceeded) {
			if (ttl > h->fail_max) {
				h->fail_max = ttl;
				memcpy(&h->at, &p->step.from, sizeof(h->at));
				h->atlen = p->step.fromlen;
			}
			return PR_EXPIRED;
		}
		if (p->step.other_err)
			return PR_OTHER;
	}
	/* Twice nothing, from a target that answers TTL 255: the probe died
	 * on the way at a router that says nothing. */
	h->silent++;
	if (ttl > h->fail_max) {
		h->fail_max = ttl;
		h->atlen = 0;
	}
	return PR_SILENT;
}

int engine_os_hops(struct engine_os *p, struct engine_os_hops *h, int guess,
		   int reached, int64_t end)
{
	enum probe_result pr;

	h->fail_max = 0;
	h->reach_min = reached;
	/* The passive estimate first: one probe at N + 1 that is answered
	 * and one at N that expires prove it. */
	if (guess >= 0 && guess + 1 < h->reach_min) {
		pr = try_ttl(p, h, guess + 1, end);
		if (pr == PR_REACH && guess > h->fail_max)
			pr = try_ttl(p, h, guess, end);
		if (pr == PR_OTHER || pr == PR_FAIL)
			goto out;
	}
	while (h->reach_min > h->fail_max + 1) {
		pr = try_ttl(p, h, (h->fail_max + h->reach_min) / 2, end);
		if (pr == PR_OTHER || pr == PR_FAIL)
			goto out;
	}
	return h->reach_min - 1;
out:
	h->note = pr == PR_OTHER ? "an ICMP error other than time exceeded" :
		  *p->cfg.stop ? "interrupted" : "out of time";
	return -1;
}
