/* Shared between the engine's files (engine.c: schedule, send, loop;
 * engine_rx.c: receive and match).  Not for use outside src/engine. */
#ifndef ECHOLOT_ENGINE_INT_H
#define ECHOLOT_ENGINE_INT_H

#include "engine.h"
#include "../wire/wire.h"

#define NSEC 1000000000LL
#define MSEC 1000000LL
#define NSEQ 65536
#define RX_BATCH 8

int64_t engine_ts_ns(const struct timespec *ts);
void engine_emit(struct engine *e, const struct event *ev);
void engine_event_init(struct event *ev, enum event_type type,
		       const struct engine *e, unsigned ti);
bool engine_bit_get(const uint8_t *map, uint16_t i);
void engine_bit_set(uint8_t *map, uint16_t i, bool v);
void engine_local_error(struct engine *e, unsigned ti, uint16_t seq, int err,
			uint32_t info, uint8_t origin);

/* How many data bytes the tag takes (0..8, less with a tiny -s). */
size_t engine_tag_len(const struct engine *e);
/* Is seq one of the last 65536 probes sent to t? */
bool engine_was_sent(const struct engine_target *t, uint16_t seq);
/* Does the reply carry the tag of the probe remembered under its seq? */
bool engine_authentic(const struct engine *e, const struct engine_target *t,
		      const struct engine_slot *slot, const struct wire_icmp *m);
/* Probes out and not yet answered, counted as iputils counts them. */
uint64_t engine_in_flight(const struct engine_target *t);
/* The newest answered sequence, in 16-bit sequence space. */
void engine_acknowledge(struct engine_target *t, uint16_t seq);

/* Read the error queue (send stamps, errors); then, engine_drain, the
 * datagrams.  engine_drain returns how many were read or -errno when the
 * socket itself is broken. */
void engine_drain_errqueue(struct engine *e, struct sock *s);
int engine_drain(struct engine *e, struct sock *s);

#endif
