/* Shared between the engine's files (engine.c: targets, send, the loop;
 * engine_sched.c: when to send and when to end; engine_rx.c: receive and
 * match).  Not for use outside src/engine. */
#ifndef ECHOLOT_ENGINE_INT_H
#define ECHOLOT_ENGINE_INT_H

#include "engine.h"
#include "../wire/wire.h"

#define NSEC 1000000000LL
#define MSEC 1000000LL
#define NSEQ 65536
#define SLOT_RING_MIN 1024
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
/* engine_sched.c: the schedule.
 * Probes out and not yet answered, counted as iputils counts them. */
uint64_t engine_in_flight(const struct engine_target *t);
/* The newest answered sequence, in 16-bit sequence space. */
void engine_acknowledge(struct engine_target *t, uint16_t seq);
/* How long until a probe is due (<= 0: now, to target *ti, whose token is
 * then taken). */
int64_t engine_next_send(struct engine *e, unsigned *ti, int64_t now);
/* Has the target all the answers it needs?  Have all? */
bool engine_target_done(const struct engine *e, const struct engine_target *t);
bool engine_done(const struct engine *e);
/* After target ti's last probe: when to stop waiting for its answers. */
void engine_schedule_exit(struct engine *e, unsigned ti, int64_t now);
/* How long until every unfinished target has waited enough: <= 0 the run
 * is over, INT64_MAX while one still probes (or waits for ever). */
int64_t engine_exit_in(const struct engine *e, int64_t now);

/* Read the error queue (send stamps, errors); then, engine_drain, the
 * datagrams.  engine_drain returns how many were read or -errno when the
 * socket itself is broken. */
void engine_drain_errqueue(struct engine *e, struct sock *s);
int engine_drain(struct engine *e, struct sock *s);

#endif
