/* Inside the trace engine: what trace.c (schedule, send, waits) and
 * trace_rx.c (answers, matching) share.  Not a public interface. */
#ifndef ECHOLOT_TRACE_INT_H
#define ECHOLOT_TRACE_INT_H

#include <string.h>
#include <time.h>
#include <netinet/in.h>

#include "trace.h"
#include "../wire/wire.h"

#define NSEC 1000000000LL
#define MSEC 1000000LL
#define RX_BATCH 8

/* Hand an event to every sink. */
void trace_emit(struct trace *t, enum trace_ev_type type,
		const struct trace_probe *p);

static inline int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NSEC + ts->tv_nsec;
}

static inline const void *sa_addr(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return &((const struct sockaddr_in6 *)ss)->sin6_addr;
	return &((const struct sockaddr_in *)ss)->sin_addr;
}

static inline bool addr_is(const struct sockaddr_storage *a, int family,
		    const void *b)
{
	if (a->ss_family != family)
		return false;
	return memcmp(sa_addr(a), b, family == AF_INET6 ? 16 : 4) == 0;
}

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Which probe does a key name?  -1: none of ours. */
static inline int probe_of_key(const struct trace *t, uint32_t key)
{
	uint32_t d = key - t->key_base;

	if (t->cfg.method != PROBE_TCP)
		d &= 0xffff;
	return d < t->nprobes ? (int)d : -1;
}

/* --mtu: shrink the probes to mtu (whole datagram).  False when that is
 * not a shrink that can be done (not --mtu, TCP, not smaller than the
 * probes are, or too small for the headers). */
bool trace_shrink(struct trace *t, uint32_t mtu);

/* Read every socket dry, settling the probes answered; returns how many
 * datagrams came, or -errno. */
int trace_drain(struct trace *t);
/* The sending socket's error queue alone (also clears a pending error
 * that would fail the next send). */
int trace_drain_errqueue(struct trace *t);

#endif
