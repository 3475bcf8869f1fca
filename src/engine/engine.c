/* The probe engine: targets, sinks, sending and the loop (the schedule is
 * in engine_sched.c, receiving and matching in engine_rx.c). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <linux/errqueue.h>
#include <netinet/in.h>

#include "engine.h"
#include "engine_int.h"
#include "../wire/wire.h"


int64_t engine_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

int64_t engine_ts_ns(const struct timespec *ts)
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

int engine_add_watch(struct engine *e, struct engine_watch w)
{
	if (w.fd < 0)
		return -EBADF;
	if (e->nwatch >= ENGINE_MAX_WATCH)
		return -ENOSPC;
	e->watch[e->nwatch++] = w;
	return 0;
}

void engine_emit(struct engine *e, const struct event *ev)
{
	for (unsigned i = 0; i < e->nsinks; i++)
		e->sinks[i].on_event(e->sinks[i].ctx, ev);
}

void engine_event_init(struct event *ev, enum event_type type,
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

bool engine_bit_get(const uint8_t *map, uint16_t i)
{
	return map[i >> 3] & (1u << (i & 7));
}

void engine_bit_set(uint8_t *map, uint16_t i, bool v)
{
	if (v)
		map[i >> 3] |= (uint8_t)(1u << (i & 7));
	else
		map[i >> 3] &= (uint8_t)~(1u << (i & 7));
}

void engine_local_error(struct engine *e, unsigned ti, uint16_t seq, int err,
			uint32_t info, uint8_t origin)
{
	struct event ev;

	engine_event_init(&ev, EV_LOCAL_ERROR, e, ti);
	ev.seq = seq;
	ev.err = err;
	ev.icmp_info = info;
	ev.icmp_code = origin;
	if (ti < e->ntargets)
		e->targets[ti].nerrors++;
	engine_emit(e, &ev);
}

/* ------------------------------------------------------------------ tags */

size_t engine_tag_len(const struct engine *e)
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
bool engine_was_sent(const struct engine_target *t, uint16_t seq)
{
	uint64_t window = t->ntransmitted < NSEQ ? t->ntransmitted : NSEQ;

	return (uint16_t)(t->ntransmitted - seq) < window;
}

/* Does the reply carry the tag of the probe we still remember under its
 * sequence number?  Without data there is nothing to check: a run with
 * -s 0 cannot tell a forged reply from ours (as iputils never can). */
bool engine_authentic(const struct engine *e, const struct engine_target *t,
		      const struct engine_slot *slot, const struct wire_icmp *m)
{
	size_t n = engine_tag_len(e);
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
	    !engine_bit_get(t->replied, (uint16_t)t->ntransmitted)) {
		engine_event_init(&ev, EV_NOANSWER, e, ti);
		ev.seq = (uint16_t)t->ntransmitted;
		ev.has_when = clock_gettime(CLOCK_REALTIME, &ev.when) == 0;
		engine_emit(e, &ev);
	}

	{
		/* The data starts with a tag only we can make (SipHash under a
		 * per-run key over id, sequence and send time): a reply that a
		 * stranger forged or replayed fails it.  Then, with room, the
		 * send time in microseconds for whoever reads a capture; the
		 * RTT never comes from it, only from our own memory. */
		uint8_t *p = t->txbuf + WIRE_ICMP_HDR_LEN;
		uint64_t tag = probe_tag(e, t, seq, now);
		size_t n = engine_tag_len(e);

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

	engine_bit_set(t->replied, seq, false);
	clock_gettime(CLOCK_REALTIME, &wall);
	slot->seq = seq;
	slot->live = true;
	slot->kernel_stamp = false;
	slot->sent_mono = now;
	slot->sent_wall = engine_ts_ns(&wall);
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
		engine_drain_errqueue(e, t->sock);
		if (e->send_failed) {
			e->send_failed = false;
			engine_local_error(e, ti, seq, -rc, 0, EV_LOCAL_FROM_SEND);
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
	engine_event_init(&ev, EV_SENT, e, ti);
	ev.seq = seq;
	engine_emit(e, &ev);
	return 0;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

int engine_run(struct engine *e, const struct engine_signals *sig)
{
	struct sock *socks[2];
	struct pollfd pfd[2 + ENGINE_MAX_WATCH];
	unsigned nsock = 0;
	struct event ev;
	int64_t deadline_at = 0;
	int rc = 0;

	if (e->ntargets == 0)
		return -EINVAL;
	/* The targets' sockets, each once: one per family at most. */
	for (unsigned i = 0; i < e->ntargets; i++) {
		struct sock *s = e->targets[i].sock;
		unsigned k = 0;

		while (k < nsock && socks[k] != s)
			k++;
		if (k == nsock && nsock < 2)
			socks[nsock++] = s;
		else if (k == nsock)
			return -EINVAL; /* more sockets than the loop polls */
	}
	e->rx = malloc(RX_BATCH * sizeof(*e->rx));
	if (!e->rx)
		return -ENOMEM;
	for (unsigned i = 0; i < e->ntargets; i++) {
		engine_event_init(&ev, EV_START, e, i);
		engine_emit(e, &ev);
	}
	e->start_mono = engine_now();
	if (e->cfg.deadline_ns)
		deadline_at = e->start_mono + e->cfg.deadline_ns;

	for (;;) {
		int64_t now, wait;
		struct timespec ts;
		unsigned ti;
		int n;

		if (*sig->stop || e->exiting || engine_done(e))
			break;
		if (*sig->status) {
			*sig->status = 0;
			engine_event_init(&ev, EV_STATUS, e, 0);
			engine_emit(e, &ev);
		}
		now = engine_now();
		if (deadline_at && now >= deadline_at)
			break;
		if (engine_exit_in(e, now) <= 0)
			break;
		/* Send what is due, to every target it is due to. */
		while ((wait = engine_next_send(e, &ti, now)) <= 0) {
			send_probe(e, ti, now);
			engine_schedule_exit(e, ti, now);
			if (engine_done(e))
				break;
			now = engine_now();
		}
		if (engine_done(e))
			break;
		/* A fast peer has often answered by the time send returns:
		 * look before sleeping. */
		n = 0;
		for (unsigned i = 0; i < nsock; i++) {
			int got = engine_drain(e, socks[i]);

			if (got < 0) {
				rc = got;
				goto out;
			}
			n += got;
		}
		if (n > 0)
			continue;
		wait = min64(wait, engine_exit_in(e, now));
		if (deadline_at)
			wait = min64(wait, deadline_at - now);
		if (wait < 0)
			wait = 0;
		for (unsigned i = 0; i < nsock; i++) {
			pfd[i].fd = socks[i]->fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		for (unsigned i = 0; i < e->nwatch; i++) {
			pfd[nsock + i].fd = e->watch[i].fd;
			pfd[nsock + i].events = POLLIN;
			pfd[nsock + i].revents = 0;
		}
		ts.tv_sec = wait / NSEC;
		ts.tv_nsec = wait % NSEC;
		if (ppoll(pfd, nsock + e->nwatch, &ts, NULL) < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		for (unsigned i = 0; i < nsock; i++)
			if (pfd[i].revents & POLLERR)
				engine_drain_errqueue(e, socks[i]);
		for (unsigned i = e->nwatch; i-- > 0;) {
			short rev = pfd[nsock + i].revents;

			if (!rev)
				continue;
			if ((rev & POLLNVAL) || !e->watch[i].on_ready(e->watch[i].ctx))
				e->watch[i] = e->watch[--e->nwatch];
		}
	}
out:
	e->end_mono = engine_now();
	free(e->rx);
	e->rx = NULL;
	engine_event_init(&ev, EV_END, e, 0);
	engine_emit(e, &ev);
	return rc;
}
