/* The probe engine: schedule, send, match, emit. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <linux/errqueue.h>
#include <netinet/in.h>

#include "engine.h"
#include "../wire/wire.h"

#define NSEC 1000000000LL
#define MSEC 1000000LL
#define NSEQ 65536
#define SLOT_RING_MIN 1024
#define RX_BATCH 8
/* With flood and no replies, probes still go out this often (iputils). */
#define FLOOD_MIN_INTERVAL (10 * MSEC)

int64_t engine_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NSEC + ts->tv_nsec;
}

int engine_init(struct engine *e, const struct engine_cfg *cfg)
{
	memset(e, 0, sizeof(*e));
	e->cfg = *cfg;
	if (e->cfg.preload == 0)
		e->cfg.preload = 1;
	return 0;
}

void engine_free(struct engine *e)
{
	for (unsigned i = 0; i < e->ntargets; i++) {
		free(e->targets[i].slots);
		free(e->targets[i].replied);
		free(e->targets[i].txbuf);
	}
	free(e->targets);
	e->targets = NULL;
	e->ntargets = 0;
}

int engine_add_sink(struct engine *e, struct event_sink sink)
{
	if (e->nsinks >= ENGINE_MAX_SINKS)
		return -ENOSPC;
	e->sinks[e->nsinks++] = sink;
	return 0;
}

static void emit(struct engine *e, const struct event *ev)
{
	for (unsigned i = 0; i < e->nsinks; i++)
		e->sinks[i].on_event(e->sinks[i].ctx, ev);
}

static void event_init(struct event *ev, enum event_type type,
		       const struct engine *e, unsigned ti)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->target = ti;
	ev->ttl = -1;
	ev->tos = -1;
	ev->wrong_byte = -1;
	ev->ident = -1;
	if (ti < e->ntargets) {
		ev->family = e->targets[ti].addr.ss_family;
		ev->nsent = e->targets[ti].ntransmitted;
	}
}

int engine_add_target(struct engine *e, const struct sockaddr *addr,
		      socklen_t addrlen, struct sock *sock, uint16_t id)
{
	struct engine_target *t, *nt;
	size_t len = WIRE_ICMP_HDR_LEN + e->cfg.datalen;

	if (addrlen > sizeof(t->addr) || len > 65535)
		return -EINVAL;
	nt = realloc(e->targets, (e->ntargets + 1) * sizeof(*nt));
	if (!nt)
		return -ENOMEM;
	e->targets = nt;
	t = &e->targets[e->ntargets];
	memset(t, 0, sizeof(*t));
	memcpy(&t->addr, addr, addrlen);
	t->addrlen = addrlen;
	t->sock = sock;
	t->id = id;
	/* Room for every probe that may be in flight, preload included. */
	t->slot_mask = SLOT_RING_MIN;
	while (t->slot_mask < 2u * e->cfg.preload && t->slot_mask < NSEQ)
		t->slot_mask *= 2;
	t->slots = calloc(t->slot_mask, sizeof(*t->slots));
	t->slot_mask -= 1;
	t->replied = calloc(NSEQ / 8, 1);
	t->txbuf = malloc(len);
	if (!t->slots || !t->replied || !t->txbuf) {
		free(t->slots);
		free(t->replied);
		free(t->txbuf);
		return -ENOMEM;
	}
	t->txlen = len;
	/* The data: the pattern throughout, the send time over its start. */
	wire_fill_pattern(t->txbuf + WIRE_ICMP_HDR_LEN, e->cfg.datalen,
			  e->cfg.pattern, e->cfg.patlen);
	return (int)e->ntargets++;
}

static bool bit_get(const uint8_t *map, uint16_t i)
{
	return map[i >> 3] & (1u << (i & 7));
}

static void bit_set(uint8_t *map, uint16_t i, bool v)
{
	if (v)
		map[i >> 3] |= (uint8_t)(1u << (i & 7));
	else
		map[i >> 3] &= (uint8_t)~(1u << (i & 7));
}

static void drain_errqueue(struct engine *e, struct sock *s);

static void local_error(struct engine *e, unsigned ti, uint16_t seq, int err,
			uint32_t info, uint8_t origin)
{
	struct event ev;

	event_init(&ev, EV_LOCAL_ERROR, e, ti);
	ev.seq = seq;
	ev.err = err;
	ev.icmp_info = info;
	ev.icmp_code = origin;
	if (ti < e->ntargets)
		e->targets[ti].nerrors++;
	emit(e, &ev);
}

/* ------------------------------------------------------------------ tags */

static size_t tag_len(const struct engine *e)
{
	return e->cfg.datalen < ENGINE_TAG_LEN ? e->cfg.datalen : ENGINE_TAG_LEN;
}

static uint64_t probe_tag(const struct engine *e, const struct engine_target *t,
			  uint16_t seq, int64_t sent_mono)
{
	uint8_t msg[12];

	msg[0] = (uint8_t)(t->id >> 8);
	msg[1] = (uint8_t)t->id;
	msg[2] = (uint8_t)(seq >> 8);
	msg[3] = (uint8_t)seq;
	for (int i = 0; i < 8; i++)
		msg[4 + i] = (uint8_t)((uint64_t)sent_mono >> (8 * i));
	return wire_siphash24(e->cfg.tag_key, msg, sizeof(msg));
}

/* Is seq one of the last 65536 probes sent to t? */
static bool was_sent(const struct engine_target *t, uint16_t seq)
{
	uint64_t window = t->ntransmitted < NSEQ ? t->ntransmitted : NSEQ;

	return (uint16_t)(t->ntransmitted - seq) < window;
}

/* Does the reply carry the tag of the probe we still remember under its
 * sequence number?  Without data there is nothing to check: a run with
 * -s 0 cannot tell a forged reply from ours (as iputils never can). */
static bool authentic(const struct engine *e, const struct engine_target *t,
		      const struct engine_slot *slot, const struct wire_icmp *m)
{
	size_t n = tag_len(e);
	uint64_t tag;

	if (n == 0)
		return true;
	if (!slot->live || slot->seq != m->seq || m->data_len < n)
		return false;
	tag = probe_tag(e, t, m->seq, slot->sent_mono);
	for (size_t i = 0; i < n; i++)
		if (m->data[i] != (uint8_t)(tag >> (8 * i)))
			return false;
	return true;
}

/* ------------------------------------------------------------------ send */

static int send_plain(void *ctx, struct sock *s, const void *buf, size_t len,
		      const struct sockaddr *to, socklen_t tolen, uint32_t *txkey)
{
	(void)ctx;
	return sock_send(s, buf, len, to, tolen, txkey);
}

static int send_probe(struct engine *e, unsigned ti, int64_t now)
{
	struct engine_target *t = &e->targets[ti];
	uint16_t seq = (uint16_t)(t->ntransmitted + 1);
	struct engine_slot *slot = &t->slots[seq & t->slot_mask];
	struct timespec wall;
	struct wire_echo echo;
	struct event ev;
	uint32_t key = 0;
	int rc;

	if (e->cfg.report_outstanding && t->ntransmitted > 0 &&
	    !bit_get(t->replied, (uint16_t)t->ntransmitted)) {
		event_init(&ev, EV_NOANSWER, e, ti);
		ev.seq = (uint16_t)t->ntransmitted;
		ev.has_when = clock_gettime(CLOCK_REALTIME, &ev.when) == 0;
		emit(e, &ev);
	}

	{
		/* The data starts with a tag only we can make (SipHash under a
		 * per-run key over id, sequence and send time): a reply that a
		 * stranger forged or replayed fails it.  Then, with room, the
		 * send time in microseconds for whoever reads a capture; the
		 * RTT never comes from it, only from our own memory. */
		uint8_t *p = t->txbuf + WIRE_ICMP_HDR_LEN;
		uint64_t tag = probe_tag(e, t, seq, now);
		size_t n = tag_len(e);

		for (size_t i = 0; i < n; i++)
			p[i] = (uint8_t)(tag >> (8 * i));
		if (e->cfg.datalen >= ENGINE_STAMP_LEN) {
			struct timespec w;
			uint64_t us;

			clock_gettime(CLOCK_REALTIME, &w);
			us = (uint64_t)w.tv_sec * 1000000u + (uint64_t)w.tv_nsec / 1000u;
			for (size_t i = 0; i < 8; i++)
				p[ENGINE_TAG_LEN + i] = (uint8_t)(us >> (8 * i));
		}
	}
	echo.family = t->addr.ss_family;
	echo.id = t->id;
	echo.seq = seq;
	echo.payload = t->txbuf + WIRE_ICMP_HDR_LEN;
	echo.payload_len = e->cfg.datalen;
	wire_echo_build(&echo, t->txbuf, t->txlen);

	bit_set(t->replied, seq, false);
	clock_gettime(CLOCK_REALTIME, &wall);
	slot->seq = seq;
	slot->live = true;
	slot->kernel_stamp = false;
	slot->sent_mono = now;
	slot->sent_wall = ts_ns(&wall);
	rc = (e->cfg.send ? e->cfg.send : send_plain)(e->cfg.send_ctx, t->sock,
		t->txbuf, t->txlen, (const struct sockaddr *)&t->addr,
		t->addrlen, &key);
	t->ntransmitted++;
	if (rc < 0) {
		/* The probe counts as sent, as iputils counts it: the loss
		 * figure then shows that it never arrived.  The error queue
		 * usually says why (e.g. the path MTU); that is the one error
		 * reported for this probe. */
		e->send_failed = true;
		e->send_failed_target = ti;
		e->send_failed_seq = seq;
		drain_errqueue(e, t->sock);
		if (e->send_failed) {
			e->send_failed = false;
			local_error(e, ti, seq, -rc, 0, EV_LOCAL_FROM_SEND);
		}
		return rc;
	}
	if (t->sock->tx_stamps) {
		struct engine_txmap *m = &e->txmap[key % ENGINE_TXRING];

		m->key = key;
		m->seq = seq;
		m->target = (uint16_t)ti;
		m->used = true;
	}
	event_init(&ev, EV_SENT, e, ti);
	ev.seq = seq;
	emit(e, &ev);
	return 0;
}

/* Probes out and not yet answered, as iputils counts them: everything
 * sent after the newest answer, so that a lost probe stops counting once a
 * later one is answered (flood would otherwise slow to 100/s after
 * `preload` losses). */
static uint64_t in_flight(const struct engine_target *t)
{
	uint16_t diff = (uint16_t)((uint16_t)t->ntransmitted - t->acked);
	uint64_t answered = t->nreceived + t->nerrors;

	if (diff <= 0x7fff)
		return diff;
	return t->ntransmitted > answered ? t->ntransmitted - answered : 0;
}

/* The newest answered sequence, in 16-bit sequence space. */
static void acknowledge(struct engine_target *t, uint16_t seq)
{
	if ((uint16_t)(seq - t->acked) <= 0x7fff)
		t->acked = seq;
}

/* -A: the interval follows the smoothed RTT, in whole milliseconds as
 * iputils keeps it, never below the unprivileged floor. */
static int64_t interval_now(const struct engine *e)
{
	const struct engine_target *t = &e->targets[0];
	int64_t iv;

	if (!e->cfg.adaptive || !t->rtt_ewma8_ns)
		return e->cfg.interval_ns;
	iv = (t->rtt_ewma8_ns / 8 + MSEC / 2) / MSEC * MSEC;
	if (e->cfg.min_user_interval && iv < 2 * MSEC)
		iv = 2 * MSEC;
	return iv < e->cfg.interval_ns ? iv : e->cfg.interval_ns;
}

/* How long until the next probe may go: <= 0 means now.  A token bucket
 * of interval-sized tokens, holding up to `preload` of them, as iputils
 * paces; with interval 0 (flood) a probe goes as soon as the previous one
 * is answered, but at least every 10 ms. */
static int64_t next_send_in(struct engine *e, int64_t now)
{
	struct engine_target *t = &e->targets[0];
	int64_t iv = interval_now(e), elapsed, ntok, cap;
	uint64_t inflight;

	if (e->exiting)
		return NSEC;
	if (e->cfg.count && t->ntransmitted >= e->cfg.count && !e->cfg.deadline_ns)
		return NSEC;
	if (e->last_send_mono == 0) {
		e->tokens_ns = iv * (int64_t)(e->cfg.preload - 1);
		e->last_send_mono = now;
		return 0;
	}
	elapsed = now - e->last_send_mono;
	inflight = in_flight(t);
	if (iv == 0 && elapsed < FLOOD_MIN_INTERVAL &&
	    inflight >= e->cfg.preload)
		return FLOOD_MIN_INTERVAL - elapsed;
	ntok = elapsed + e->tokens_ns;
	cap = iv * (int64_t)e->cfg.preload;
	if (ntok > cap)
		ntok = cap;
	if (ntok < iv)
		return iv - ntok;
	e->last_send_mono = now;
	e->tokens_ns = ntok - iv;
	return 0;
}

/* --------------------------------------------------------------- receive */

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
	int64_t mono = ts_ns(&rx->mono) - slot->sent_mono;

	/* The receive stamp is the kernel's; the send stamp too when the
	 * kernel gave one, else ours from just before the send.  Both are on
	 * CLOCK_REALTIME, which can jump: use them only when they agree with
	 * the monotonic clock around the same pair. */
	if (rx->has_kstamp) {
		int64_t k = ts_ns(&rx->kstamp) - slot->sent_wall;

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
	event_init(&ev, EV_REPLY, e, (unsigned)ti);
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
	if (!was_sent(t, m->seq)) {
		/* Never sent: forged, or from a run before ours. */
		ev.type = EV_FOREIGN;
		ev.icmp_type = m->type;
		emit(e, &ev);
		return;
	}
	if (m->cksum_ok && !authentic(e, t, slot, m)) {
		/* Our id and a sequence we sent, but not our tag: forged, a
		 * replay, or so late that we no longer remember the probe. */
		ev.type = EV_FOREIGN;
		ev.forged = true;
		ev.icmp_type = m->type;
		emit(e, &ev);
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
	ev.dup = bit_get(t->replied, m->seq);
	ev.truncated = m->data_len < e->cfg.datalen;

	/* Compare the data after the stamp with what we sent. */
	skip = e->cfg.datalen >= ENGINE_STAMP_LEN ? ENGINE_STAMP_LEN : tag_len(e);
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
		bit_set(t->replied, m->seq, true);
		acknowledge(t, m->seq);
		if (ev.rtt_ns > t->tmax_ns)
			t->tmax_ns = ev.rtt_ns;
		t->rtt_ewma8_ns = t->rtt_ewma8_ns ?
			t->rtt_ewma8_ns + ev.rtt_ns - t->rtt_ewma8_ns / 8 :
			ev.rtt_ns * 8;
	}
	emit(e, &ev);
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
			return was_sent(t, *seq) ? (int)i : -1;
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
		event_init(&ev, EV_FOREIGN, e, 0);
		ev.family = s->family;
		ev.from = (const struct sockaddr *)&rx->from;
		ev.fromlen = rx->fromlen;
		ev.icmp_type = m->type;
		ev.icmp_code = m->code;
		ev.icmp_info = m->rest;
		emit(e, &ev);
		return;
	}
	event_init(&ev, EV_ERROR, e, (unsigned)ti);
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
		acknowledge(&e->targets[ti], seq);
	}
	emit(e, &ev);
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
				slot->sent_wall = ts_ns(&rx->kstamp);
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
		event_init(&ev, EV_ERROR, e, (unsigned)ti);
		ev.seq = seq;
		ev.from = rx->ee.has_offender ?
			  (const struct sockaddr *)&rx->ee.offender : NULL;
		ev.fromlen = sizeof(rx->ee.offender);
		arrival_time(&ev, rx);
		ev.icmp_type = rx->ee.type;
		ev.icmp_code = rx->ee.code;
		ev.icmp_info = rx->ee.info;
		e->targets[ti].nerrors++;
		acknowledge(&e->targets[ti], seq);
		emit(e, &ev);
		return;
	}
	if (rx->ee.origin == SO_EE_ORIGIN_LOCAL) {
		unsigned ti = e->send_failed ? e->send_failed_target : 0;
		uint16_t seq = e->send_failed ? e->send_failed_seq : 0;

		e->send_failed = false;
		local_error(e, ti, seq, rx->ee.err, rx->ee.info,
			    EV_LOCAL_FROM_QUEUE);
	}
}

static void drain_errqueue(struct engine *e, struct sock *s)
{
	int n;

	while ((n = sock_recv_errqueue(s, e->rx, RX_BATCH)) > 0) {
		for (int i = 0; i < n; i++)
			on_errqueue(e, s, &e->rx[i]);
		if (n < RX_BATCH)
			break;
	}
}

static int drain(struct engine *e, struct sock *s)
{
	struct sock_rx *rx = e->rx;
	int n, total = 0;

	/* Send stamps first: a reply's RTT wants its probe's stamp.  Without
	 * them (flood) the queue holds only errors: look now and then, and
	 * whenever poll says so, not on every packet. */
	if (s->tx_stamps || ++e->since_errq >= 32) {
		e->since_errq = 0;
		drain_errqueue(e, s);
	}
	while ((n = sock_recv(s, rx, RX_BATCH)) > 0) {
		for (int i = 0; i < n; i++)
			on_data(e, s, &rx[i]);
		total += n;
		if (n < RX_BATCH)
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
			drain_errqueue(e, s);
		return total;
	}
}

/* ------------------------------------------------------------------ loop */

int64_t engine_elapsed_ns(const struct engine *e)
{
	/* As iputils counts it: from the start to the last probe sent. */
	if (!e->start_mono || !e->last_send_mono)
		return 0;
	return e->last_send_mono - e->start_mono;
}

static bool done(const struct engine *e)
{
	const struct engine_target *t = &e->targets[0];

	if (e->cfg.count && t->nreceived + t->nerrors >= e->cfg.count)
		return true;
	if (e->cfg.deadline_ns && t->nerrors)
		return true;
	return false;
}

/* After the last probe: how long to wait for stragglers. */
static void schedule_exit(struct engine *e, int64_t now)
{
	const struct engine_target *t = &e->targets[0];
	int64_t wait;

	if (e->exit_at || !e->cfg.count || t->ntransmitted < e->cfg.count)
		return;
	if (t->nreceived) {
		wait = 2 * t->tmax_ns;
		if (wait < e->cfg.interval_ns)
			wait = e->cfg.interval_ns;
	} else {
		wait = e->cfg.linger_ns;
		if (wait == 0) {        /* -W 0: wait for ever, as iputils */
			e->exit_at = INT64_MAX;
			return;
		}
	}
	e->exit_at = now + wait;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

int engine_run(struct engine *e, const struct engine_signals *sig)
{
	struct sock *socks[2];
	struct pollfd pfd[2];
	unsigned nsock = 0;
	struct event ev;
	int64_t deadline_at = 0;
	int rc = 0;

	if (e->ntargets == 0)
		return -EINVAL;
	for (unsigned i = 0; i < e->ntargets && nsock < 2; i++) {
		struct sock *s = e->targets[i].sock;

		if (nsock == 0 || socks[0] != s)
			socks[nsock++] = s;
	}
	e->rx = malloc(RX_BATCH * sizeof(*e->rx));
	if (!e->rx)
		return -ENOMEM;
	for (unsigned i = 0; i < e->ntargets; i++) {
		event_init(&ev, EV_START, e, i);
		emit(e, &ev);
	}
	e->start_mono = engine_now();
	if (e->cfg.deadline_ns)
		deadline_at = e->start_mono + e->cfg.deadline_ns;

	for (;;) {
		int64_t now, wait;
		struct timespec ts;
		int n;

		if (*sig->stop || e->exiting || done(e))
			break;
		if (*sig->status) {
			*sig->status = 0;
			event_init(&ev, EV_STATUS, e, 0);
			emit(e, &ev);
		}
		now = engine_now();
		if (deadline_at && now >= deadline_at)
			break;
		if (e->exit_at && now >= e->exit_at)
			break;
		/* Send what is due. */
		while ((wait = next_send_in(e, now)) <= 0) {
			send_probe(e, 0, now);
			schedule_exit(e, now);
			if (done(e))
				break;
			now = engine_now();
		}
		if (done(e))
			break;
		/* A fast peer has often answered by the time send returns:
		 * look before sleeping. */
		n = 0;
		for (unsigned i = 0; i < nsock; i++) {
			int got = drain(e, socks[i]);

			if (got < 0) {
				rc = got;
				goto out;
			}
			n += got;
		}
		if (n > 0)
			continue;
		if (e->exit_at && e->exit_at != INT64_MAX)
			wait = min64(wait, e->exit_at - now);
		if (deadline_at)
			wait = min64(wait, deadline_at - now);
		if (wait < 0)
			wait = 0;
		for (unsigned i = 0; i < nsock; i++) {
			pfd[i].fd = socks[i]->fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		ts.tv_sec = wait / NSEC;
		ts.tv_nsec = wait % NSEC;
		if (ppoll(pfd, nsock, &ts, NULL) < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		for (unsigned i = 0; i < nsock; i++)
			if (pfd[i].revents & POLLERR)
				drain_errqueue(e, socks[i]);
	}
out:
	e->end_mono = engine_now();
	free(e->rx);
	e->rx = NULL;
	event_init(&ev, EV_END, e, 0);
	emit(e, &ev);
	return rc;
}
