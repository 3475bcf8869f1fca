/* `echolot os`, the probes: sockets, the engine's send hook and sink, one
 * engine run per step, the hop search and the signal probes.  The
 * method is described at the top of src/cli/os.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "os_run.h"
#include "../engine/engine.h"
#include "../wire/wire.h"

volatile sig_atomic_t os_stop;
static volatile sig_atomic_t status_flag;

static int64_t now_ns(void)
{
	return engine_now();
}

/* --------------------------------------------------------------- sockets */

static void no_socket(const struct sock_open_err *e)
{
	fprintf(stderr,
		"os: cannot open an ICMP socket: raw: %s, datagram: %s; "
		"give the binary CAP_NET_RAW (setcap cap_net_raw+ep) or allow "
		"your group in sysctl net.ipv4.ping_group_range\n",
		strerror(e->raw_errno), strerror(e->dgram_errno));
}

static int apply(struct sock *s)
{
	struct sock_opts so;
	const char *what, *warn;
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
	rc = sock_apply(s, &so, &what, &warn, &warn_err);
	if (rc < 0)
		fprintf(stderr, "os: %s: %s\n", what, strerror(-rc));
	return rc;
}

int os_open_sockets(struct os_run *r)
{
	int family = r->dst.ss_family;
	struct sock_open_err oe;
	int rc;

	r->ts.fd = -1;
	r->unreach.fd = -1;
	r->udp.fd = -1;
	for (unsigned i = 0; i < OS_POOL; i++)
		r->pool[i].fd = -1;
	rc = sock_open(&r->pool[0], family, false, &oe);
	if (rc < 0) {
		no_socket(&oe);
		return -1;
	}
	r->npool = 1;
	if (apply(&r->pool[0]) < 0)
		return -1;
	r->raw = r->pool[0].kind == SOCK_KIND_RAW;
	if (r->raw) {
		if (getrandom(&r->id_base, sizeof(r->id_base), 0) != sizeof(r->id_base))
			r->id_base = (uint16_t)getpid();
		r->id_base = (uint16_t)(1 + r->id_base % (65535 - OS_MAX_STEPS));
		rc = sock_filter_id_range(&r->pool[0], r->id_base, OS_MAX_STEPS);
		if (rc < 0) {
			fprintf(stderr, "os: SO_ATTACH_FILTER: %s\n", strerror(-rc));
			return -1;
		}
		if (family == AF_INET) {
			rc = sock_hdrincl(&r->pool[0]);
			if (rc < 0) {
				fprintf(stderr, "os: IP_HDRINCL: %s\n", strerror(-rc));
				return -1;
			}
			r->hdrincl = true;
			/* Timestamp replies, when there are signals to look for. */
			if (!r->o.ttl_only && sock_open_tstamp(&r->ts, 255) < 0)
				r->ts.fd = -1;
		}
		/* The quote of a Port Unreachable: a UDP socket and a raw
		 * one for the error, both now (no socket() in the sandbox). */
		if (!r->o.ttl_only && sock_open_unreach(&r->unreach, family) == 0) {
			rc = sock_open_udp_probe(&r->udp, (struct sockaddr *)&r->dst,
						 r->dstlen, OS_QUOTE_PORT,
						 &r->udp_sport);
			if (rc < 0) {
				sock_close(&r->unreach);
				r->unreach.fd = -1;
			}
		}
		return 0;
	}
	/* Datagram sockets: the kernel picks each one's identifier; a spare
	 * one for every step that may time out. */
	for (; r->npool < OS_POOL; r->npool++) {
		if (sock_open(&r->pool[r->npool], family, false, &oe) < 0 ||
		    r->pool[r->npool].kind != SOCK_KIND_DGRAM ||
		    apply(&r->pool[r->npool]) < 0) {
			sock_close(&r->pool[r->npool]);
			break;
		}
	}
	return 0;
}

void os_close_sockets(struct os_run *r)
{
	for (unsigned i = 0; i < r->npool; i++)
		sock_close(&r->pool[i]);
	if (r->ts.fd >= 0)
		sock_close(&r->ts);
	if (r->unreach.fd >= 0)
		sock_close(&r->unreach);
	sock_close(&r->udp);
}

/* ------------------------------------------------------------ one step */

/* The engine's send hook: the probe as the step wants it. */
static int os_send(void *ctx, struct sock *s, const void *buf, size_t len,
		   const struct sockaddr *to, socklen_t tolen, uint32_t *txkey)
{
	struct os_run *r = ctx;
	uint8_t msg[WIRE_ICMP_HDR_LEN + OS_DATALEN];
	struct sock_shape sh = r->shape;

	if (len > sizeof(msg))
		return -EMSGSIZE;
	memcpy(msg, buf, len);
	if (r->code)
		wire_icmp_set_code(s->family, msg, len, r->code);
	if (sh.hdrincl) {
		/* A random, non-zero ID: a stack that copies it cannot be
		 * mistaken for one that counts, or sends 0. */
		do {
			if (getrandom(&sh.ip_id, sizeof(sh.ip_id), 0) != sizeof(sh.ip_id))
				sh.ip_id = (uint16_t)(now_ns() >> 10);
		} while (sh.ip_id == 0);
		if (r->nsent < OS_MAX_SENT) {
			struct os_sent *p = &r->sent[r->nsent++];

			p->icmp_id = (uint16_t)(msg[4] << 8 | msg[5]);
			p->seq = (uint16_t)(msg[6] << 8 | msg[7]);
			p->ip_id = sh.ip_id;
		}
	}
	r->probes++;
	return sock_send_shaped(s, msg, len, to, tolen, &sh, txkey);
}

static bool sent_ip_id(const struct os_run *r, int icmp_id, uint16_t seq,
		       uint16_t *ip_id)
{
	for (unsigned i = 0; i < r->nsent; i++)
		if (r->sent[i].icmp_id == icmp_id && r->sent[i].seq == seq) {
			*ip_id = r->sent[i].ip_id;
			return true;
		}
	return false;
}

static bool time_exceeded(const struct event *ev)
{
	return ev->family == AF_INET6 ? ev->icmp_type == WIRE_ICMP6_TIMXCEED :
					ev->icmp_type == WIRE_ICMP4_TIMXCEED;
}

static void os_sink(void *ctx, const struct event *ev)
{
	struct os_run *r = ctx;
	struct os_step *st = &r->step;

	switch (ev->type) {
	case EV_REPLY:
		if (ev->dup || ev->bad_cksum || ev->other_addr)
			return;
		st->replies++;
		r->answered++;
		if (ev->has_rtt && ev->rtt_ns > r->rtt_max)
			r->rtt_max = ev->rtt_ns;
		fp_on_event(&r->fp, ev);
		if (ev->has_ip_hdr) {
			uint16_t id;

			if (ev->ip_df)
				r->df_set++;
			else
				r->df_clear++;
			if (ev->ident >= 0 && r->nids < OS_MAX_SENT &&
			    sent_ip_id(r, ev->ident, ev->seq, &id)) {
				r->ids_sent[r->nids] = id;
				r->ids_got[r->nids++] = ev->ip_id;
			}
		}
		if (ev->tos >= 0)
			r->tos_got = ev->tos;
		if (r->collect_code) {
			if (r->code_got >= 0 && r->code_got != ev->reply_code)
				r->code_mixed = true;
			r->code_got = ev->reply_code;
		}
		return;
	case EV_ERROR:
		if (ev->notice)
			return;
		r->answered++;
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

/* One engine run: count probes with this TTL, at once, then wait for
 * their answers up to wait_ns.  Returns 0 or -errno. */
int os_run_step(struct os_run *r, int ttl, unsigned count, uint8_t code,
		int64_t wait_ns)
{
	struct engine_signals sig = { &os_stop, &status_flag };
	struct engine_cfg ec;
	struct engine e;
	struct sock *s;
	uint16_t id = 0;
	int rc;

	memset(&r->step, 0, sizeof(r->step));
	if (r->raw) {
		s = &r->pool[0];
		id = (uint16_t)(r->id_base + r->steps % OS_MAX_STEPS);
	} else {
		s = &r->pool[r->cur];
	}
	r->steps++;
	memset(&ec, 0, sizeof(ec));
	ec.datalen = OS_DATALEN;
	ec.count = count;
	ec.preload = count;
	ec.interval_ns = MSEC;
	ec.linger_ns = wait_ns > MSEC ? wait_ns : MSEC;
	memcpy(ec.tag_key, r->tag_key, sizeof(ec.tag_key));
	ec.send = os_send;
	ec.send_ctx = r;
	r->shape.hdrincl = r->hdrincl;
	r->shape.ttl = ttl;
	r->shape.tos = OS_TOS;
	r->shape.df = true;
	r->code = code;
	engine_init(&e, &ec);
	if (engine_add_target(&e, (struct sockaddr *)&r->dst, r->dstlen, s, id) < 0) {
		engine_free(&e);
		return -ENOMEM;
	}
	engine_add_sink(&e, (struct event_sink){ os_sink, r });
	rc = engine_run(&e, &sig);
	engine_free(&e);
	/* A datagram socket whose probe went unanswered may still get its
	 * answer: the next step takes a fresh one. */
	if (!r->raw && r->step.replies + r->step.exceeded + r->step.other_err == 0 &&
	    r->cur + 1 < r->npool)
		r->cur++;
	return rc;
}

/* How long to wait for an answer once an RTT is known. */
static int64_t step_wait(const struct os_run *r, int64_t end)
{
	int64_t w = 4 * r->rtt_max + 50 * MSEC, left = end - now_ns();

	if (w > NSEC)
		w = NSEC;
	return w < left ? w : left;
}

/* ------------------------------------------------------------ hop count */

static enum probe_result try_ttl(struct os_run *r, struct os_hops *h,
				 int ttl, int64_t end)
{
	for (int tries = 0; tries < 2; tries++) {
		int64_t w = step_wait(r, end);

		if (w <= 0 || os_stop || r->steps >= OS_MAX_STEPS - 2)
			return PR_FAIL;
		if (os_run_step(r, ttl, 1, 0, w) < 0)
			return PR_FAIL;
		h->probes++;
		if (r->step.replies) {
			if (ttl < h->reach_min)
				h->reach_min = ttl;
			return PR_REACH;
		}
		if (r->step.exceeded) {
			if (ttl > h->fail_max) {
				h->fail_max = ttl;
				memcpy(&h->at, &r->step.from, sizeof(h->at));
				h->atlen = r->step.fromlen;
			}
			return PR_EXPIRED;
		}
		if (r->step.other_err)
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

int os_measure_hops(struct os_run *r, struct os_hops *h, int reached,
		    int64_t end)
{
	struct fp_verdict v;
	enum probe_result pr;

	h->fail_max = 0;
	h->reach_min = reached;
	/* The passive estimate first: one probe at N + 1 that is answered
	 * and one at N that expires prove it. */
	fp_verdict(&r->fp, -1, &v);
	if (v.hops >= 0 && v.hops + 1 < h->reach_min) {
		pr = try_ttl(r, h, v.hops + 1, end);
		if (pr == PR_REACH && v.hops > h->fail_max)
			pr = try_ttl(r, h, v.hops, end);
		if (pr == PR_OTHER || pr == PR_FAIL)
			goto out;
	}
	while (h->reach_min > h->fail_max + 1) {
		pr = try_ttl(r, h, (h->fail_max + h->reach_min) / 2, end);
		if (pr == PR_OTHER || pr == PR_FAIL)
			goto out;
	}
	return h->reach_min - 1;
out:
	h->note = pr == PR_OTHER ? "an ICMP error other than time exceeded" :
		  os_stop ? "interrupted" : "out of time";
	return -1;
}

/* -------------------------------------------------------------- signals */

/* The timestamp request: sent now, its answer read after the echoes. */
static int tstamp_send(struct os_run *r, uint16_t *id)
{
	uint8_t msg[WIRE_TSTAMP_LEN];
	struct timespec ts;
	uint32_t ms, key;

	clock_gettime(CLOCK_REALTIME, &ts);
	/* RFC 792: milliseconds since midnight UT. */
	ms = (uint32_t)((ts.tv_sec % 86400) * 1000 + ts.tv_nsec / 1000000);
	*id = (uint16_t)(r->id_base + OS_MAX_STEPS - 1);
	if (wire_tstamp_build(*id, 1, ms, msg, sizeof(msg)) < 0)
		return -EINVAL;
	r->probes++;
	return sock_send(&r->ts, msg, sizeof(msg), (struct sockaddr *)&r->dst,
			 r->dstlen, &key);
}

/* Is there a timestamp reply to us from the target by end? */
static bool tstamp_wait(struct os_run *r, uint16_t id, int64_t end)
{
	struct sock_rx *rx = malloc(sizeof(*rx));
	bool got = false;

	if (!rx)
		return false;
	while (!got && !os_stop) {
		int n = sock_recv(&r->ts, rx, 1);

		if (n < 0)
			break;
		if (n == 1) {
			struct wire_ip4 ip;
			struct wire_tstamp t;
			const struct sockaddr_in *from = (const void *)&rx->from;
			const struct sockaddr_in *dst = (const void *)&r->dst;

			if (wire_ip4_parse(rx->buf, rx->len, &ip) == 0 &&
			    wire_tstamp_parse(rx->buf + ip.ihl_bytes,
					      rx->len - ip.ihl_bytes, &t) == 0 &&
			    t.type == WIRE_ICMP4_TSTAMPREPLY && t.cksum_ok &&
			    t.id == id && t.seq == 1 &&
			    from->sin_addr.s_addr == dst->sin_addr.s_addr) {
				got = true;
				r->answered++;
			}
			continue;
		}
		if (now_ns() >= end || sock_wait(&r->ts, end - now_ns()) <= 0)
			break;
	}
	free(rx);
	return got;
}

/* The quote probe: a UDP datagram to a closed port.  0 or -errno. */
static int quote_send(struct os_run *r)
{
	uint8_t data[OS_QUOTE_DATALEN];
	uint32_t key;

	memset(data, 0, sizeof(data));
	memcpy(data, "echolot os quote probe", 22);
	r->probes++;
	return sock_send(&r->udp, data, sizeof(data), NULL, 0, &key);
}

static bool same_addr(const struct sockaddr_storage *a, int family,
		      const void *addr)
{
	if (a->ss_family != family)
		return false;
	if (family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)a)->sin_addr, addr, 4);
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, addr, 16);
}

/* The bytes after its IP header that the target's Port Unreachable for
 * our UDP probe quoted, by end; -1: none came. */
static int quote_wait(struct os_run *r, int64_t end)
{
	struct sock_rx *rx = malloc(sizeof(*rx));
	int family = r->dst.ss_family, quoted = -1;
	const void *dst = family == AF_INET ?
		(const void *)&((struct sockaddr_in *)&r->dst)->sin_addr :
		(const void *)&((struct sockaddr_in6 *)&r->dst)->sin6_addr;

	if (!rx)
		return -1;
	while (quoted < 0 && !os_stop) {
		int n = sock_recv(&r->unreach, rx, 1);

		if (n < 0)
			break;
		if (n == 1) {
			struct wire_ip4 ip;
			struct wire_icmp m;
			const struct wire_quote *q = &m.quote;
			bool port, ok;

			ok = family == AF_INET ?
			     wire_ip4_icmp_parse(rx->buf, rx->len, &ip, &m) == 0 :
			     wire_icmp_parse(AF_INET6, rx->buf, rx->len, &m) == 0;
			port = family == AF_INET ?
			       m.type == WIRE_ICMP4_UNREACH && m.code == 3 :
			       m.type == WIRE_ICMP6_UNREACH && m.code == 4;
			if (ok && port && q->has_ip && q->has_l4 &&
			    q->proto == IPPROTO_UDP &&
			    same_addr(&rx->from, family, dst) &&
			    !memcmp(family == AF_INET ? (const void *)&q->dst4 :
				    (const void *)&q->dst6, dst,
				    family == AF_INET ? 4 : 16) &&
			    (q->l4[0] << 8 | q->l4[1]) == r->udp_sport &&
			    (q->l4[2] << 8 | q->l4[3]) == OS_QUOTE_PORT) {
				size_t hl = family == AF_INET ?
					    (size_t)(m.data[0] & 0x0f) * 4 :
					    WIRE_IP6_HDR_LEN;

				quoted = q->len > hl ? (int)(q->len - hl) : 0;
				r->answered++;
			}
			continue;
		}
		if (now_ns() >= end || sock_wait(&r->unreach, end - now_ns()) <= 0)
			break;
	}
	free(rx);
	return quoted;
}

void os_signals(struct os_run *r, struct fp_signals *s, int64_t end)
{
	uint8_t code = r->raw ? OS_CODE : 0;    /* a datagram socket must send 0 */
	uint16_t tsid = 0;
	bool ts = r->ts.fd >= 0 && tstamp_send(r, &tsid) == 0;
	bool quote = r->udp.fd >= 0 && quote_send(r) == 0;
	int64_t w = step_wait(r, end), tsend;

	r->collect_code = code != 0;
	r->code_got = -1;
	tsend = now_ns() + w;
	if (w > 0)
		(void)os_run_step(r, 255, OS_SIGNAL_PROBES, code, w);
	r->collect_code = false;
	if (code && r->code_got >= 0 && !r->code_mixed) {
		s->code_sent = code;
		s->code_got = r->code_got;
		s->code = r->code_got == code ? FP_CODE_ECHOED :
			  r->code_got == 0 ? FP_CODE_ZEROED : FP_CODE_UNKNOWN;
	}
	if (ts)
		s->timestamp = tstamp_wait(r, tsid, tsend < end ? tsend : end) ?
			       FP_ANSWER_YES : FP_ANSWER_NO;
	if (quote) {
		s->quote_v6 = r->dst.ss_family == AF_INET6;
		s->quote_sent = 8 + OS_QUOTE_DATALEN;
		s->quoted = quote_wait(r, tsend < end ? tsend : end);
	}
	s->ipseq = fp_ipid_pattern(r->ids_sent, r->ids_got, r->nids);
	if (r->df_set + r->df_clear >= 2 && (!r->df_set || !r->df_clear))
		s->df_on_df = r->df_set > 0;
	if (r->tos_got >= 0) {
		s->tos_sent = OS_TOS;
		s->tos_got = r->tos_got;
	}
}

