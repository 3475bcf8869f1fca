/* The engine's receive side: a datagram or an error-queue entry ->
 * which probe it answers -> an event.  (engine.c sends and runs the loop,
 * engine_sched.c says when.) */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/errqueue.h>
#include <netinet/in.h>

#include "engine.h"
#include "engine_int.h"
#include "../wire/wire.h"

static bool addr_equal(const struct sockaddr_storage *a, const void *b,
		       int family)
{
	if (a->ss_family != family)
		return false;
	if (family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, b,
			      16) == 0;
	return memcmp(&((const struct sockaddr_in *)a)->sin_addr, b, 4) == 0;
}

static const void *sa_addr(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return &((const struct sockaddr_in6 *)ss)->sin6_addr;
	return &((const struct sockaddr_in *)ss)->sin_addr;
}

/* When it arrived, for ping -D: the kernel's stamp, or now when the kernel
 * gave none (the first packets after timestamping is switched on may
 * come without). */
static void arrival_time(struct event *ev, const struct sock_rx *rx)
{
	if (rx->has_kstamp)
		ev->when = rx->kstamp;
	else
		clock_gettime(CLOCK_REALTIME, &ev->when);
	ev->has_when = true;
}

/* Replies from many hosts are expected for multicast and broadcast
 * targets and for an IPv6 subnet-router anycast address. */
static bool group_address(const struct engine *e, const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET6) {
		const uint8_t *b = ((const struct sockaddr_in6 *)a)->sin6_addr.s6_addr;
		static const uint8_t zero[8];

		return b[0] == 0xff || memcmp(b + 8, zero, 8) == 0;
	}
	return e->cfg.broadcast ||
	       IN_MULTICAST(ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr));
}

/* Which target does a reply with this id from this address belong to? */
static int find_target(const struct engine *e, const struct sock *s,
		       uint16_t id, const struct sockaddr_storage *from)
{
	for (unsigned i = 0; i < e->ntargets; i++) {
		const struct engine_target *t = &e->targets[i];

		if (t->sock != s)
			continue;
		if (s->kind == SOCK_KIND_RAW && t->id != id)
			continue;
		/* One target may answer from anywhere (broadcast, anycast);
		 * many targets are told apart by who answers. */
		if (e->ntargets == 1 || addr_equal(&t->addr, sa_addr(from),
						   from->ss_family))
			return (int)i;
	}
	return -1;
}

static int64_t rtt_of(const struct engine_slot *slot, const struct sock_rx *rx)
{
	int64_t mono = engine_ts_ns(&rx->mono) - slot->sent_mono;

	/* The receive stamp is the kernel's; the send stamp too when the
	 * kernel gave one, else ours from just before the send.  Both are on
	 * CLOCK_REALTIME, which can jump: use them only when they agree with
	 * the monotonic clock around the same pair. */
	if (rx->has_kstamp) {
		int64_t k = engine_ts_ns(&rx->kstamp) - slot->sent_wall;

		if (k >= 0 && k <= mono + 10000)
			return k;
	}
	return mono < 0 ? 0 : mono;
}

static void on_echo_reply(struct engine *e, struct sock *s,
			  const struct sock_rx *rx, const struct wire_icmp *m,
			  int ttl, int tos, const struct wire_ip4 *ip)
{
	struct event ev;
	struct engine_target *t;
	struct engine_slot *slot;
	int ti = find_target(e, s, m->id, &rx->from);
	size_t skip, n;

	if (ti < 0)
		return;
	t = &e->targets[ti];
	slot = &t->slots[m->seq & t->slot_mask];
	engine_event_init(&ev, EV_REPLY, e, (unsigned)ti);
	ev.seq = m->seq;
	ev.from = (const struct sockaddr *)&rx->from;
	ev.fromlen = rx->fromlen;
	arrival_time(&ev, rx);
	ev.bytes = m->len;
	ev.ttl = ttl;
	ev.tos = tos;
	ev.data = m->data;
	ev.data_len = m->data_len;
	ev.reply_code = m->code;
	if (ip) {
		ev.has_ip_hdr = true;
		ev.ip_id = ip->id;
		ev.ip_df = ip->df;
		ev.ip_opts = ip->opts;
		ev.ip_opts_len = ip->opts_len;
	}
	if (!engine_was_sent(t, m->seq)) {
		/* Never sent: forged, or from a run before ours. */
		ev.type = EV_FOREIGN;
		ev.icmp_type = m->type;
		engine_emit(e, &ev);
		return;
	}
	if (m->cksum_ok && !engine_authentic(e, t, slot, m)) {
		/* Our id and a sequence we sent, but not our tag: forged, a
		 * replay, or so late that we no longer remember the probe. */
		ev.type = EV_FOREIGN;
		ev.forged = true;
		ev.icmp_type = m->type;
		engine_emit(e, &ev);
		return;
	}
	ev.has_rtt = slot->live && slot->seq == m->seq;
	if (ev.has_rtt)
		ev.rtt_ns = rtt_of(slot, rx);
	ev.other_addr = !addr_equal(&t->addr, sa_addr(&rx->from),
				    rx->from.ss_family) &&
			!group_address(e, &t->addr);
	if (s->kind == SOCK_KIND_RAW)
		ev.ident = t->id;
	ev.bad_cksum = !m->cksum_ok;
	ev.dup = engine_bit_get(t->replied, m->seq);
	ev.truncated = m->data_len < e->cfg.datalen;

	/* Compare the data after the stamp with what we sent. */
	skip = e->cfg.datalen >= ENGINE_STAMP_LEN ? ENGINE_STAMP_LEN : engine_tag_len(e);
	ev.data_skip = skip;
	n = m->data_len < e->cfg.datalen ? m->data_len : e->cfg.datalen;
	for (size_t i = skip; i < n && !ev.bad_cksum; i++) {
		uint8_t want = t->txbuf[WIRE_ICMP_HDR_LEN + i];

		if (m->data[i] != want) {
			ev.wrong_byte = (long)i;
			ev.wrong_expected = want;
			ev.wrong_got = m->data[i];
			break;
		}
	}

	if (ev.bad_cksum) {
		t->nchecksum++;
	} else if (ev.dup) {
		t->nrepeats++;
	} else {
		t->nreceived++;
		engine_bit_set(t->replied, m->seq, true);
		engine_acknowledge(t, m->seq);
		if (ev.rtt_ns > t->tmax_ns)
			t->tmax_ns = ev.rtt_ns;
		t->rtt_ewma8_ns = t->rtt_ewma8_ns ?
			t->rtt_ewma8_ns + ev.rtt_ns - t->rtt_ewma8_ns / 8 :
			ev.rtt_ns * 8;
	}
	engine_emit(e, &ev);
}

/* An ICMP error: is the datagram it quotes one of our probes? */
static int quoted_probe(const struct engine *e, const struct sock *s,
			const struct wire_quote *q, uint16_t *seq)
{
	uint8_t echo_type = q->family == AF_INET6 ? WIRE_ICMP6_ECHO
						   : WIRE_ICMP4_ECHO;
	uint8_t proto = q->family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	uint16_t id;

	if (!q->has_ip || !q->has_l4 || q->proto != proto || q->l4[0] != echo_type)
		return -1;
	id = (uint16_t)(q->l4[4] << 8 | q->l4[5]);
	*seq = (uint16_t)(q->l4[6] << 8 | q->l4[7]);
	for (unsigned i = 0; i < e->ntargets; i++) {
		const struct engine_target *t = &e->targets[i];
		const void *dst = q->family == AF_INET6 ? (const void *)&q->dst6
							: (const void *)&q->dst4;

		if (t->sock == s && t->id == id &&
		    addr_equal(&t->addr, dst, q->family))
			/* Only a probe we sent can have caused an error. */
			return engine_was_sent(t, *seq) ? (int)i : -1;
	}
	return -1;
}

static void on_icmp_error(struct engine *e, struct sock *s,
			  const struct sock_rx *rx, const struct wire_icmp *m)
{
	struct event ev;
	uint16_t seq;
	bool notice = s->family == AF_INET &&
		      (m->type == WIRE_ICMP4_REDIRECT ||
		       m->type == WIRE_ICMP4_SOURCEQUENCH);
	int ti = quoted_probe(e, s, &m->quote, &seq);

	/* A corrupted error is dropped as the kernel drops it from the error
	 * queue; iputils shows advice (redirect, quench) marked instead. */
	if (ti < 0 || (!m->cksum_ok && !notice)) {
		engine_event_init(&ev, EV_FOREIGN, e, 0);
		ev.family = s->family;
		ev.from = (const struct sockaddr *)&rx->from;
		ev.fromlen = rx->fromlen;
		ev.icmp_type = m->type;
		ev.icmp_code = m->code;
		ev.icmp_info = m->rest;
		engine_emit(e, &ev);
		return;
	}
	engine_event_init(&ev, EV_ERROR, e, (unsigned)ti);
	ev.seq = seq;
	ev.from = (const struct sockaddr *)&rx->from;
	ev.fromlen = rx->fromlen;
	arrival_time(&ev, rx);
	ev.icmp_type = m->type;
	ev.icmp_code = m->code;
	ev.icmp_info = m->rest;
	ev.bytes = m->len;
	/* Redirects and source quenches are advice, not a lost probe. */
	ev.notice = notice;
	ev.bad_cksum = !m->cksum_ok;
	if (!ev.notice) {
		e->targets[ti].nerrors++;
		engine_acknowledge(&e->targets[ti], seq);
	}
	engine_emit(e, &ev);
}

static void on_data(struct engine *e, struct sock *s, const struct sock_rx *rx)
{
	struct wire_icmp m;
	struct wire_ip4 ip;
	const struct wire_ip4 *iph = NULL;
	int ttl = rx->ttl, tos = rx->tos;

	if (s->family == AF_INET && s->kind == SOCK_KIND_RAW) {
		if (wire_ip4_icmp_parse(rx->buf, rx->len, &ip, &m) < 0)
			return;
		ttl = ip.ttl;
		tos = ip.tos;
		iph = &ip;
	} else if (wire_icmp_parse(s->family, rx->buf, rx->len, &m) < 0) {
		return;
	}
	if (wire_icmp_is_echo_reply(&m))
		on_echo_reply(e, s, rx, &m, ttl, tos, iph);
	else if (wire_icmp_is_error(s->family, m.type))
		on_icmp_error(e, s, rx, &m);
}

/* Errors and send stamps from the error queue. */
static void on_errqueue(struct engine *e, struct sock *s,
			const struct sock_rx *rx)
{
	struct event ev;

	if (rx->kind == SOCK_RX_TXSTAMP) {
		struct engine_txmap *m = &e->txmap[rx->txkey % ENGINE_TXRING];

		if (m->used && m->key == rx->txkey && rx->has_kstamp &&
		    m->target < e->ntargets) {
			struct engine_target *t = &e->targets[m->target];
			struct engine_slot *slot = &t->slots[m->seq & t->slot_mask];

			if (slot->live && slot->seq == m->seq) {
				slot->sent_wall = engine_ts_ns(&rx->kstamp);
				slot->kernel_stamp = true;
			}
			m->used = false;
		}
		return;
	}
	if (rx->ee.origin == SO_EE_ORIGIN_ICMP || rx->ee.origin == SO_EE_ORIGIN_ICMP6) {
		struct wire_icmp m;
		int ti = -1;
		uint16_t seq = 0;

		/* A raw socket saw the error itself, with the whole quote. */
		if (s->kind == SOCK_KIND_RAW)
			return;
		/* A datagram socket: the kernel matched it to us; the body is
		 * the echo request we sent. */
		if (wire_icmp_parse(s->family, rx->buf, rx->len, &m) == 0) {
			seq = m.seq;
			for (unsigned i = 0; i < e->ntargets; i++)
				if (e->targets[i].sock == s &&
				    addr_equal(&e->targets[i].addr,
					       sa_addr(&rx->from), rx->from.ss_family))
					ti = (int)i;
		}
		if (ti < 0)
			return;
		engine_event_init(&ev, EV_ERROR, e, (unsigned)ti);
		ev.seq = seq;
		ev.from = rx->ee.has_offender ?
			  (const struct sockaddr *)&rx->ee.offender : NULL;
		ev.fromlen = sizeof(rx->ee.offender);
		arrival_time(&ev, rx);
		ev.icmp_type = rx->ee.type;
		ev.icmp_code = rx->ee.code;
		ev.icmp_info = rx->ee.info;
		e->targets[ti].nerrors++;
		engine_acknowledge(&e->targets[ti], seq);
		engine_emit(e, &ev);
		return;
	}
	if (rx->ee.origin == SO_EE_ORIGIN_LOCAL) {
		unsigned ti = e->send_failed ? e->send_failed_target : 0;
		uint16_t seq = e->send_failed ? e->send_failed_seq : 0;

		e->send_failed = false;
		engine_local_error(e, ti, seq, rx->ee.err, rx->ee.info,
			    EV_LOCAL_FROM_QUEUE);
	}
}

void engine_drain_errqueue(struct engine *e, struct sock *s)
{
	int n;

	while ((n = sock_recv_errqueue(s, e->rx, RX_BATCH)) > 0) {
		for (int i = 0; i < n; i++)
			on_errqueue(e, s, &e->rx[i]);
		if (n < RX_BATCH)
			break;
	}
}

/* How many datagrams to ask for at once: the probes in flight on s. */
static unsigned expected(const struct engine *e, const struct sock *s)
{
	uint64_t out = 0;

	for (unsigned i = 0; i < e->ntargets && out < RX_BATCH; i++)
		if (e->targets[i].sock == s)
			out += engine_in_flight(&e->targets[i]);
	return out < 1 ? 1 : out > RX_BATCH ? RX_BATCH : (unsigned)out;
}

int engine_drain(struct engine *e, struct sock *s)
{
	struct sock_rx *rx = e->rx;
	unsigned want;
	int n, total = 0;

	/* Send stamps first: a reply's RTT wants its probe's stamp.  Without
	 * them (flood) the queue holds only errors: look now and then, and
	 * whenever poll says so, not on every packet. */
	if (s->tx_stamps || ++e->since_errq >= 32) {
		e->since_errq = 0;
		engine_drain_errqueue(e, s);
	}
	/* Ask for as many datagrams as there are probes out: with one in
	 * flight (flood) recvmmsg then stops after the reply instead of
	 * trying, and failing, to read a second one.  Anything more (a
	 * duplicate, a stranger) is read on the next pass. */
	want = expected(e, s);
	while ((n = sock_recv(s, rx, want)) > 0) {
		for (int i = 0; i < n; i++)
			on_data(e, s, &rx[i]);
		total += n;
		if ((unsigned)n < RX_BATCH)
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
		 * EHOSTUNREACH, ECONNREFUSED, ...) fails one receive; its
		 * details wait in the error queue. */
		if (n < 0 && n != -EAGAIN && n != -EINTR)
			engine_drain_errqueue(e, s);
		return total;
	}
}

