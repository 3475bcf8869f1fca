/* The traceroute engine: schedule, send, match, settle in hop order.
 *
 * Matching.  Every probe has a key, and an answer is matched to a probe
 * only through what it quotes or echoes of that key, never by arrival
 * order:
 *   ICMP  the sequence number (the identifier is the run's);
 *   UDP   the UDP checksum, made equal to the key by two payload bytes
 *         (raw ICMP socket: the quote's checksum; error queue: the key is
 *         also in payload bytes 2..3); with less than 4 payload bytes,
 *         classic traceroute's destination port per probe instead;
 *   TCP   the sequence number (the SYN-ACK / RST acknowledges key + 1).
 *
 * Paris traceroute.  A load balancer that spreads flows over paths hashes
 * the addresses, the protocol, the ports (UDP, TCP), the ICMP type, code,
 * identifier and often the ICMP checksum (the first 4 bytes after the IP
 * header).  Within a run every probe keeps all of those constant, so
 * every probe of every hop follows one path and the hops printed are a
 * real path, not a mix of several:
 *   ICMP  identifier constant; the sequence varies, and two payload bytes
 *         carry its one's complement, so the checksum never changes;
 *   UDP   both ports constant; the checksum varies (it is the key), as
 *         the original Paris traceroute does;
 *   TCP   both ports constant; the sequence number varies.
 * See docs/traceroute.md.
 *
 * Waiting.  traceroute 2.x's -w MAX,HERE,NEAR: a probe is given up after
 * MAX seconds, or HERE times the RTT of an answered probe of the same
 * hop, or NEAR times that of an answered probe further on.  On top of
 * that, adaptive: with no such answer but RTTs known from earlier hops, a
 * silent hop is waited for NEAR times the longest RTT seen so far (at
 * least TRACE_ADAPT_FLOOR), not MAX: a trace whose tail is silent ends in
 * a fraction of a second per window of probes instead of MAX seconds. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>

#include "trace_int.h"

/* traceroute adds 1 ms to an RTT before multiplying it, because its
 * times have millisecond-scale error; ours are kernel stamps, so a much
 * smaller pad is enough, and silent hops cost NEAR x RTT, not 10 ms. */
#define WAIT_PREC (50 * USEC)
#ifndef USEC
#define USEC 1000LL
#endif
#define TRACE_ADAPT_FLOOR (100 * MSEC)

#define UDP_DEF_PORT 33434
#define TCP_DEF_PORT 80
#define TCP_OPTS_LEN 20
#define TCP_WINDOW 5840

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

/* ------------------------------------------------------------- setup */

size_t trace_packet_len(const struct trace *t)
{
	return t->ip_len + t->l4_len + t->data_len;
}

bool trace_shrink(struct trace *t, uint32_t mtu)
{
	size_t hdr = t->ip_len + t->l4_len;

	/* At least the 4 payload bytes a Paris UDP key needs. */
	if (!t->cfg.mtu_disc || t->cfg.method == PROBE_TCP ||
	    mtu < hdr + 4 || mtu >= trace_packet_len(t))
		return false;
	t->data_len = mtu - hdr;
	return true;
}

int trace_init(struct trace *t, const struct trace_cfg *cfg,
	       struct probe_socks *socks, const struct sockaddr *dst,
	       socklen_t dstlen)
{
	size_t hdr;

	memset(t, 0, sizeof(*t));
	t->cfg = *cfg;
	t->socks = socks;
	t->family = dst->sa_family;
	if (dstlen > sizeof(t->dst) || cfg->max_ttl < 1 ||
	    cfg->max_ttl > TRACE_MAX_HOPS || cfg->first_ttl < 1 ||
	    cfg->first_ttl > cfg->max_ttl || cfg->nqueries < 1 ||
	    cfg->nqueries > TRACE_MAX_QUERIES)
		return -EINVAL;
	memcpy(&t->dst, dst, dstlen);
	t->dstlen = dstlen;
	if (t->cfg.sim < 1)
		t->cfg.sim = 1;
	t->ip_len = t->family == AF_INET6 ? WIRE_IP6_HDR_LEN : WIRE_IP4_MIN_HDR;
	t->nprobes = cfg->max_ttl * cfg->nqueries;

	switch (cfg->method) {
	case PROBE_UDP:
		t->l4_len = WIRE_UDP_HDR_LEN;
		break;
	case PROBE_ICMP:
		t->l4_len = WIRE_ICMP_HDR_LEN;
		break;
	case PROBE_TCP:
		t->l4_len = WIRE_TCP_HDR_LEN + TCP_OPTS_LEN;
		break;
	}
	hdr = t->ip_len + t->l4_len;
	if (cfg->method != PROBE_TCP && cfg->packet_len > hdr)
		t->data_len = cfg->packet_len - hdr;
	if (t->data_len > 65000)
		return -EMSGSIZE;

	switch (cfg->method) {
	case PROBE_UDP:
		t->dport = cfg->port >= 0 ? (uint16_t)cfg->port : UDP_DEF_PORT;
		t->paris = t->data_len >= 4;
		if (t->paris)   /* a checksum: 1 .. 0xfffe */
			t->key_base = 1 + cfg->seed % (0xfffeu - t->nprobes);
		else
			t->key_base = t->dport;
		break;
	case PROBE_ICMP:
		t->paris = t->data_len >= 2;
		t->key_base = cfg->port >= 0 ? (uint16_t)cfg->port : 1;
		break;
	case PROBE_TCP:
		t->dport = cfg->port >= 0 ? (uint16_t)cfg->port : TCP_DEF_PORT;
		t->paris = true;
		t->key_base = cfg->seed;
		break;
	}

	t->probes = calloc(t->nprobes, sizeof(*t->probes));
	t->txbuf = malloc(t->l4_len + t->data_len);
	t->rx = malloc(RX_BATCH * sizeof(*t->rx));
	if (!t->probes || !t->txbuf || !t->rx) {
		trace_free(t);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < t->nprobes; i++) {
		struct trace_probe *p = &t->probes[i];

		p->ttl = i / cfg->nqueries + 1;
		p->query = i % cfg->nqueries;
		p->key = t->key_base + i;
		if (cfg->method != PROBE_TCP)
			p->key &= 0xffff;
		p->recv_ttl = -1;
		p->reply_len = -1;
	}
	return 0;
}

void trace_free(struct trace *t)
{
	free(t->probes);
	free(t->txbuf);
	free(t->rx);
	t->probes = NULL;
	t->txbuf = NULL;
	t->rx = NULL;
}

int trace_add_sink(struct trace *t, struct trace_sink sink)
{
	if (t->nsinks >= TRACE_MAX_SINKS)
		return -ENOSPC;
	t->sinks[t->nsinks++] = sink;
	return 0;
}

void trace_emit(struct trace *t, enum trace_ev_type type,
		const struct trace_probe *p)
{
	struct trace_event ev = { type, t, p };

	for (unsigned i = 0; i < t->nsinks; i++)
		t->sinks[i].on_event(t->sinks[i].ctx, &ev);
}

/* -------------------------------------------------------------- send */

/* traceroute's fill: byte i of the L4 datagram is 0x40 + i. */
static void fill(uint8_t *p, size_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(0x40 + ((off + i) & 0x3f));
}

static int build_probe(struct trace *t, struct trace_probe *p, int64_t now)
{
	const struct probe_socks *ps = t->socks;
	const void *src = sa_addr(&ps->src), *dst = sa_addr(&t->dst);
	uint8_t *b = t->txbuf;
	int n;

	switch (t->cfg.method) {
	case PROBE_UDP: {
		uint8_t *pl = b + WIRE_UDP_HDR_LEN;
		uint16_t dport = t->paris ? t->dport : (uint16_t)p->key;

		fill(pl, WIRE_UDP_HDR_LEN, t->data_len);
		if (t->paris) {
			pl[0] = pl[1] = 0;
			pl[2] = (uint8_t)(p->key >> 8);
			pl[3] = (uint8_t)p->key;
		}
		n = wire_udp_build(t->family, src, dst, ps->sport, dport, pl,
				   t->data_len, b, t->l4_len + t->data_len);
		if (n < 0)
			return n;
		if (t->paris) {
			uint16_t x = wire_csum_compensate(get16(b + 6),
							  (uint16_t)p->key);

			pl[0] = (uint8_t)(x >> 8);
			pl[1] = (uint8_t)x;
			b[6] = (uint8_t)(p->key >> 8);
			b[7] = (uint8_t)p->key;
		}
		/* A raw socket sends the whole datagram, a datagram socket
		 * the payload (the kernel writes the header, and the same
		 * checksum, unless it leaves that to the device). */
		t->txlen = ps->tx.kind == SOCK_KIND_RAW ? (size_t)n : t->data_len;
		return 0;
	}
	case PROBE_ICMP: {
		struct wire_echo e;
		uint8_t *pl = b + WIRE_ICMP_HDR_LEN;

		fill(pl, WIRE_ICMP_HDR_LEN, t->data_len);
		if (t->paris) {
			/* seq + ~seq is constant: so is the checksum. */
			uint16_t c = (uint16_t)~p->key;

			pl[0] = (uint8_t)(c >> 8);
			pl[1] = (uint8_t)c;
		}
		e.family = t->family;
		e.id = ps->tx.kind == SOCK_KIND_RAW ? t->cfg.icmp_id : 0;
		e.seq = (uint16_t)p->key;
		e.payload = pl;
		e.payload_len = t->data_len;
		n = wire_echo_build(&e, b, t->l4_len + t->data_len);
		if (n < 0)
			return n;
		t->txlen = (size_t)n;
		return 0;
	}
	case PROBE_TCP: {
		/* traceroute's SYN: MSS, SACK permitted, timestamps, NOP,
		 * window scale; 20 bytes of options. */
		uint32_t tsval = (uint32_t)(now / MSEC);
		uint8_t opts[TCP_OPTS_LEN] = {
			2, 4, 0x05, 0xb4,       /* MSS 1460 */
			4, 2,                   /* SACK permitted */
			8, 10, (uint8_t)(tsval >> 24), (uint8_t)(tsval >> 16),
			(uint8_t)(tsval >> 8), (uint8_t)tsval, 0, 0, 0, 0,
			1,                      /* NOP */
			3, 3, 2,                /* window scale 2 */
		};
		struct wire_tcp h;

		memset(&h, 0, sizeof(h));
		h.sport = ps->sport;
		h.dport = t->dport;
		h.seq = p->key;
		h.flags = WIRE_TCP_SYN;
		h.window = TCP_WINDOW;
		h.opts = opts;
		h.opts_len = sizeof(opts);
		n = wire_tcp_build(t->family, src, dst, &h, b, t->l4_len);
		if (n < 0)
			return n;
		t->txlen = (size_t)n;
		return 0;
	}
	}
	return -EINVAL;
}

static int send_probe(struct trace *t, unsigned idx, int64_t now)
{
	struct trace_probe *p = &t->probes[idx];
	struct sockaddr_storage to = t->dst;
	const uint8_t *buf = t->txbuf;
	struct timespec wall;
	int rc;

again:
	rc = build_probe(t, p, now);
	if (rc < 0)
		return rc;
	if (t->socks->tx.kind == SOCK_KIND_DGRAM && t->cfg.method == PROBE_UDP) {
		uint16_t port = t->paris ? t->dport : (uint16_t)p->key;

		buf = t->txbuf + WIRE_UDP_HDR_LEN;
		if (to.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&to)->sin6_port = htons(port);
		else
			((struct sockaddr_in *)&to)->sin_port = htons(port);
	} else if (to.ss_family == AF_INET6) {
		/* A raw IPv6 socket reads the port as a protocol number. */
		((struct sockaddr_in6 *)&to)->sin6_port = 0;
	}
	clock_gettime(CLOCK_REALTIME, &wall);
	p->sent_mono = now;
	p->sent_wall = ts_ns(&wall);
	rc = probe_sock_send(&t->socks->tx, buf, t->txlen,
			     (struct sockaddr *)&to, t->dstlen, (int)p->ttl);
	if (rc < 0 && t->socks->errqueue) {
		/* An error that arrived for an earlier probe is also left
		 * pending on the socket, and fails the next send once:
		 * read the queue (which clears it) and try again. */
		trace_drain_errqueue(t);
		rc = probe_sock_send(&t->socks->tx, buf, t->txlen,
				     (struct sockaddr *)&to, t->dstlen,
				     (int)p->ttl);
	}
	if (rc == -EMSGSIZE && t->socks->mtu > 0 &&
	    trace_shrink(t, (uint32_t)t->socks->mtu)) {
		/* --mtu: down to our first link's MTU, and again. */
		p->new_mtu = (uint32_t)t->socks->mtu;
		now = now_ns();
		goto again;
	}
	if (rc == -EMSGSIZE) {
		/* -F and a probe bigger than the path takes: settled here, as
		 * traceroute shows it ("*  0.1 ms !F-1500"), and final. */
		p->sent = p->done = p->final = true;
		p->answer = TRACE_ANS_LOCAL;
		p->info = (uint32_t)t->socks->mtu;
		p->rtt_ns = now_ns() - now;
		t->last_send = now;
		return 0;
	}
	if (rc < 0)
		return rc;
	p->sent = true;
	t->last_send = now;
	return 0;
}

/* -------------------------------------------------------------- loop */

static int64_t scaled(int64_t rtt, double factor, int64_t max)
{
	double v = (double)(rtt + WAIT_PREC) * factor;

	return v < (double)max ? (int64_t)v : max;
}

int64_t trace_timeout(const struct trace *t, unsigned idx)
{
	const struct trace_cfg *c = &t->cfg;
	unsigned q = c->nqueries, first = idx - idx % q;

	if (c->here_factor > 0)
		for (unsigned i = first; i < first + q && i < t->nprobes; i++) {
			const struct trace_probe *p = &t->probes[i];

			if (p->done && p->answer != TRACE_ANS_NONE && p->rtt_ns > 0)
				return scaled(p->rtt_ns, c->here_factor,
					      c->wait_max_ns);
		}
	if (c->near_factor > 0) {
		for (unsigned i = idx + 1; i < t->nprobes && t->probes[i].sent; i++) {
			const struct trace_probe *p = &t->probes[i];

			if (p->done && p->answer != TRACE_ANS_NONE && p->rtt_ns > 0)
				return scaled(p->rtt_ns, c->near_factor,
					      c->wait_max_ns);
		}
		/* Adaptive: nothing answered at this hop or beyond, but an
		 * earlier hop did. */
		if (t->max_rtt_ns > 0) {
			int64_t v = scaled(t->max_rtt_ns, c->near_factor,
					   c->wait_max_ns);

			if (v < TRACE_ADAPT_FLOOR)
				v = TRACE_ADAPT_FLOOR < c->wait_max_ns ?
				    TRACE_ADAPT_FLOOR : c->wait_max_ns;
			return v;
		}
	}
	return c->wait_max_ns;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

int trace_run(struct trace *t, volatile sig_atomic_t *stop)
{
	const unsigned q = t->cfg.nqueries;
	struct pollfd pfd[2];
	unsigned nfd = 0;
	int rc = 0;

	t->start = (t->cfg.first_ttl - 1) * q;
	t->end = t->nprobes;
	pfd[nfd++] = (struct pollfd){ .fd = t->socks->tx.fd, .events = POLLIN };
	if (t->socks->icmp.fd >= 0)
		pfd[nfd++] = (struct pollfd){ .fd = t->socks->icmp.fd,
					      .events = POLLIN };
	clock_gettime(CLOCK_REALTIME, &t->wall_start);
	t->mono_start = now_ns();
	t->error = 0;
	trace_emit(t, TRACE_EV_START, NULL);

	while (t->start < t->end && !(stop && *stop)) {
		int64_t now = now_ns(), next = 0, wait;
		unsigned num = 0;
		int got = 0;            /* answers read while sending */
		struct timespec ts;

		for (unsigned n = t->start; n < t->end; n++) {
			struct trace_probe *p = &t->probes[n];

			/* Only the oldest unsettled probe is ever given up:
			 * the rest wait their turn, as in traceroute 2.x. */
			if (n == t->start && p->sent && !p->done) {
				int64_t exp = p->sent_mono + trace_timeout(t, n);

				if (exp > now)
					next = exp;
				else
					p->done = true;         /* silence */
			}
			if (p->done) {
				if (n == t->start) {
					trace_emit(t, TRACE_EV_PROBE, p);
					t->start++;
				}
				if (p->final)
					t->end = (n / q + 1) * q;
				continue;
			}
			if (!p->sent) {
				if (t->cfg.sendwait_ns && t->last_send &&
				    now - t->last_send < t->cfg.sendwait_ns) {
					int64_t at = t->last_send + t->cfg.sendwait_ns;

					next = next ? min64(next, at) : at;
					break;
				}
				rc = send_probe(t, n, now);
				if (rc < 0)
					goto out;
				/* A near peer may have answered already: read it
				 * now, so that an answer from the destination
				 * stops the probes beyond it from going out. */
				rc = trace_drain(t);
				if (rc < 0)
					goto out;
				got += rc;
				rc = 0;
			}
			if (!next)
				next = p->sent_mono + trace_timeout(t, n);
			if (++num >= t->cfg.sim)
				break;
		}
		if (t->start >= t->end)
			break;
		/* A near peer has often answered by the time send returns. */
		rc = trace_drain(t);
		if (rc < 0)
			goto out;
		if (rc > 0 || got > 0)
			continue;       /* something settled: look again */
		wait = next ? next - now_ns() : 0;
		if (wait <= 0)
			continue;
		ts.tv_sec = wait / NSEC;
		ts.tv_nsec = wait % NSEC;
		for (unsigned i = 0; i < nfd; i++)
			pfd[i].revents = 0;
		if (ppoll(pfd, nfd, &ts, NULL) < 0 && errno != EINTR) {
			rc = -errno;
			goto out;
		}
		rc = trace_drain(t);
		if (rc < 0)
			goto out;
		rc = 0;
	}
out:
	clock_gettime(CLOCK_REALTIME, &t->wall_end);
	t->mono_end = now_ns();
	t->error = rc < 0 ? rc : 0;
	trace_emit(t, TRACE_EV_END, NULL);
	return rc;
}
