/* The trace engine's receiving side: every answer is matched to its probe
 * through what it quotes or echoes of the probe's key (see trace.c), and
 * settles that probe; nothing is matched by arrival order. */
#include <errno.h>
#include <time.h>
#include <linux/errqueue.h>

#include "trace_int.h"

/* ------------------------------------------------------------ answers */

struct answer {
	enum trace_answer kind;
	const struct sockaddr_storage *from;
	socklen_t fromlen;
	uint8_t type, code;
	uint32_t info;
	uint8_t tcp_flags;
	int ttl;
	const uint8_t *ext;
	size_t ext_len;
	bool ext_rfc4884;
	int len;                /* ICMP message / TCP segment; -1 unknown */
};

static int64_t rtt_of(const struct trace_probe *p, const struct sock_rx *rx)
{
	int64_t mono = ts_ns(&rx->mono) - p->sent_mono;

	/* The kernel's arrival stamp, when it agrees with the monotonic
	 * clock (CLOCK_REALTIME can jump). */
	if (rx->has_kstamp) {
		int64_t k = ts_ns(&rx->kstamp) - p->sent_wall;

		if (k >= 0 && k <= mono + 10000)
			return k;
	}
	return mono < 0 ? 0 : mono;
}

static bool is_final(const struct trace *t, const struct answer *a)
{
	if (a->kind != TRACE_ANS_ICMP)
		return true;
	/* Time exceeded in transit is the one answer that is not the end. */
	if (t->family == AF_INET6)
		return !(a->type == WIRE_ICMP6_TIMXCEED && a->code == 0);
	return !(a->type == WIRE_ICMP4_TIMXCEED && a->code == 0);
}

/* "Fragmentation needed" / "packet too big". */
static bool is_too_big(const struct trace *t, const struct answer *a)
{
	if (a->kind != TRACE_ANS_ICMP)
		return false;
	if (t->family == AF_INET6)
		return a->type == WIRE_ICMP6_PACKET_TOO_BIG;
	return a->type == WIRE_ICMP4_UNREACH && a->code == 4;
}

static void settle(struct trace *t, int idx, const struct sock_rx *rx,
		   const struct answer *a)
{
	struct trace_probe *p;

	if (idx < 0 || (unsigned)idx >= t->nprobes)
		return;
	p = &t->probes[idx];
	/* Late (given up already) or a duplicate: the first answer stands. */
	if (!p->sent || p->done)
		return;
	if (is_too_big(t, a) && trace_shrink(t, a->info)) {
		/* --mtu: not an answer; the probe goes again, smaller. */
		p->sent = false;
		p->new_mtu = a->info;
		return;
	}
	p->done = true;
	p->answer = a->kind;
	if (a->from && a->fromlen <= sizeof(p->from)) {
		memcpy(&p->from, a->from, a->fromlen);
		p->fromlen = a->fromlen;
	}
	p->rtt_ns = rtt_of(p, rx);
	p->type = a->type;
	p->code = a->code;
	p->info = a->info;
	p->tcp_flags = a->tcp_flags;
	p->recv_ttl = a->ttl;
	p->final = is_final(t, a);
	/* The destination answered: nothing beyond this hop goes out. */
	if (p->final && (idx / t->cfg.nqueries + 1) * t->cfg.nqueries < t->end)
		t->end = (idx / t->cfg.nqueries + 1) * t->cfg.nqueries;
	if (a->ext && a->ext_len <= sizeof(p->ext)) {
		memcpy(p->ext, a->ext, a->ext_len);
		p->ext_len = a->ext_len;
		p->ext_rfc4884 = a->ext_rfc4884;
	}
	p->reply_len = a->len;
	if (p->rtt_ns > t->max_rtt_ns)
		t->max_rtt_ns = p->rtt_ns;
	trace_emit(t, TRACE_EV_ANSWER, p);
}

/* The probe an ICMP error's quote names, or -1. */
static int probe_of_quote(const struct trace *t, const struct wire_quote *q)
{
	const void *qdst = q->family == AF_INET6 ? (const void *)&q->dst6 :
						   (const void *)&q->dst4;
	const struct probe_socks *ps = t->socks;

	if (!q->has_ip || !q->has_l4 || !addr_is(&t->dst, q->family, qdst))
		return -1;
	switch (t->cfg.method) {
	case PROBE_ICMP: {
		uint8_t echo = t->family == AF_INET6 ? WIRE_ICMP6_ECHO :
						       WIRE_ICMP4_ECHO;
		uint8_t proto = t->family == AF_INET6 ? IPPROTO_ICMPV6 :
							IPPROTO_ICMP;

		if (q->proto != proto || q->l4[0] != echo)
			return -1;
		if (ps->tx.kind == SOCK_KIND_RAW &&
		    get16(q->l4 + 4) != t->cfg.icmp_id)
			return -1;
		return probe_of_key(t, get16(q->l4 + 6));
	}
	case PROBE_UDP:
		if (q->proto != IPPROTO_UDP || get16(q->l4) != ps->sport)
			return -1;
		if (!t->paris)
			return probe_of_key(t, get16(q->l4 + 2));
		if (get16(q->l4 + 2) != t->dport)
			return -1;
		return probe_of_key(t, get16(q->l4 + 6));
	case PROBE_TCP:
		if (q->proto != IPPROTO_TCP || get16(q->l4) != ps->sport ||
		    get16(q->l4 + 2) != t->dport)
			return -1;
		return probe_of_key(t, get32(q->l4 + 4));
	}
	return -1;
}

/* A datagram from a raw ICMP socket: an error or an echo reply. */
static void on_icmp(struct trace *t, const struct sock_rx *rx)
{
	struct wire_icmp m;
	struct wire_ip4 ip;
	struct answer a;
	const uint8_t *msg = rx->buf;
	int idx = -1;

	memset(&a, 0, sizeof(a));
	a.ttl = rx->ttl;
	if (t->family == AF_INET) {
		if (wire_ip4_icmp_parse(rx->buf, rx->len, &ip, &m) < 0)
			return;
		msg = rx->buf + ip.ihl_bytes;
		a.ttl = ip.ttl;
	} else if (wire_icmp_parse(AF_INET6, rx->buf, rx->len, &m) < 0) {
		return;
	}
	a.from = &rx->from;
	a.fromlen = rx->fromlen;
	a.type = m.type;
	a.code = m.code;
	a.len = (int)m.len;
	if (wire_icmp_is_echo_reply(&m)) {
		if (t->cfg.method != PROBE_ICMP || m.id != t->cfg.icmp_id)
			return;
		a.kind = TRACE_ANS_ECHO;
		idx = probe_of_key(t, m.seq);
	} else if (wire_icmp_is_error(t->family, m.type)) {
		struct wire_icmp_ext x;

		idx = probe_of_quote(t, &m.quote);
		if (idx < 0)
			return;
		a.kind = TRACE_ANS_ICMP;
		/* The MTU of "fragmentation needed" / "packet too big". */
		a.info = t->family == AF_INET6 ? m.rest : (m.rest & 0xffff);
		if (t->cfg.extensions &&
		    wire_icmp_ext_find(t->family, msg, m.len, &x) == 0) {
			a.ext = msg + x.off;
			a.ext_len = x.len;
			/* The original datagram's length, in the header. */
			a.ext_rfc4884 = msg[t->family == AF_INET6 ? 4 : 5] != 0;
		}
	} else {
		return;
	}
	settle(t, idx, rx, &a);
}

/* The error queue of a datagram socket: the kernel matched the error to
 * our socket and hands back what the router quoted of our payload. */
static void on_errqueue(struct trace *t, const struct sock_rx *rx)
{
	struct answer a;
	int idx = -1;

	if (rx->kind != SOCK_RX_ERROR ||
	    (rx->ee.origin != SO_EE_ORIGIN_ICMP &&
	     rx->ee.origin != SO_EE_ORIGIN_ICMP6))
		return;
	memset(&a, 0, sizeof(a));
	a.kind = TRACE_ANS_ICMP;
	a.len = -1;             /* the queue gives our datagram, not theirs */
	a.type = rx->ee.type;
	a.code = rx->ee.code;
	a.info = rx->ee.info;
	a.ttl = rx->ttl;
	if (rx->ee.has_offender) {
		a.from = &rx->ee.offender;
		a.fromlen = rx->ee.offender.ss_family == AF_INET6 ?
			    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	}
	if (t->cfg.method == PROBE_UDP) {
		/* msg_name is where the probe went, port included. */
		if (!addr_is(&t->dst, rx->from.ss_family, sa_addr(&rx->from)))
			return;
		if (t->paris && rx->len >= 4)
			idx = probe_of_key(t, get16(rx->buf + 2));
		else if (!t->paris)
			idx = probe_of_key(t, ntohs(rx->from.ss_family == AF_INET6 ?
				((const struct sockaddr_in6 *)&rx->from)->sin6_port :
				((const struct sockaddr_in *)&rx->from)->sin_port));
	} else if (t->cfg.method == PROBE_ICMP) {
		/* The body is the echo request we sent. */
		if (rx->len >= WIRE_ICMP_HDR_LEN)
			idx = probe_of_key(t, get16(rx->buf + 6));
	}
	settle(t, idx, rx, &a);
}

/* What the sending socket itself receives. */
static void on_tx_data(struct trace *t, const struct sock_rx *rx)
{
	struct answer a;

	memset(&a, 0, sizeof(a));
	a.from = &rx->from;
	a.fromlen = rx->fromlen;
	a.ttl = rx->ttl;
	if (t->cfg.method == PROBE_TCP) {
		const uint8_t *seg = rx->buf;
		size_t len = rx->len;
		struct wire_tcp h;
		uint8_t f;

		if (t->family == AF_INET) {
			struct wire_ip4 ip;

			if (wire_ip4_parse(rx->buf, rx->len, &ip) < 0 ||
			    ip.proto != IPPROTO_TCP || ip.frag_off)
				return;
			seg += ip.ihl_bytes;
			len -= ip.ihl_bytes;
			a.ttl = ip.ttl;
		}
		if (wire_tcp_parse(seg, len, &h) < 0 ||
		    !addr_is(&t->dst, rx->from.ss_family, sa_addr(&rx->from)) ||
		    h.sport != t->dport || h.dport != t->socks->sport)
			return;
		f = h.flags & (WIRE_TCP_SYN | WIRE_TCP_ACK | WIRE_TCP_RST);
		if (f != (WIRE_TCP_SYN | WIRE_TCP_ACK) && !(f & WIRE_TCP_RST))
			return;
		/* A reset without ACK acknowledges nothing: no key. */
		if (!(h.flags & WIRE_TCP_ACK))
			return;
		a.kind = TRACE_ANS_TCP;
		a.tcp_flags = h.flags;
		a.len = (int)len;
		settle(t, probe_of_key(t, h.ack - 1), rx, &a);
	} else if (t->cfg.method == PROBE_ICMP) {
		if (t->socks->tx.kind == SOCK_KIND_RAW) {
			on_icmp(t, rx);
		} else {
			struct wire_icmp m;

			/* A datagram socket: only our echo replies come. */
			if (wire_icmp_parse(t->family, rx->buf, rx->len, &m) < 0 ||
			    !wire_icmp_is_echo_reply(&m))
				return;
			a.kind = TRACE_ANS_ECHO;
			a.type = m.type;
			a.len = (int)m.len;
			settle(t, probe_of_key(t, m.seq), rx, &a);
		}
	}
	/* UDP: nothing is expected; whatever came is read and dropped. */
}

int trace_drain_errqueue(struct trace *t)
{
	int n, total = 0;

	while ((n = sock_recv_errqueue(&t->socks->tx, t->rx, RX_BATCH)) > 0) {
		for (int i = 0; i < n; i++)
			on_errqueue(t, &t->rx[i]);
		total += n;
		if (n < RX_BATCH)
			break;
	}
	return total;
}

/* Read one socket dry; returns how many datagrams came, or -errno. */
static int drain_one(struct trace *t, struct sock *s,
		     void (*fn)(struct trace *, const struct sock_rx *))
{
	int n, total = 0;

	while ((n = sock_recv(s, t->rx, RX_BATCH)) > 0) {
		for (int i = 0; i < n; i++)
			fn(t, &t->rx[i]);
		total += n;
		if (n < RX_BATCH)
			break;
	}
	return n < 0 && n != -EINTR ? n : total;
}

int trace_drain(struct trace *t)
{
	struct probe_socks *ps = t->socks;
	int total, n;

	/* Always looked at: a local error lands there even on sockets that
	 * do not take ICMP errors that way, and would keep poll awake. */
	total = trace_drain_errqueue(t);
	n = drain_one(t, &ps->tx, on_tx_data);
	if (n < 0)
		return n;
	total += n;
	if (ps->icmp.fd >= 0) {
		n = drain_one(t, &ps->icmp, on_icmp);
		if (n < 0)
			return n;
		total += n;
	}
	return total;
}

