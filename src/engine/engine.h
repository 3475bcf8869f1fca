/* engine: the one core every command runs on.  It owns the sockets it
 * reads, the targets, the probes in flight and time; it sends what a plan
 * (the schedule of a command: ping's, a trace's, a sweep's) says is due,
 * reads every answer through one receive path, matches it to its probe in
 * O(1) and hands events to any number of sinks.  It knows no output
 * format, and no probe kind: kinds are tables (probe.h), plans are tables
 * (plan.h).  docs/architecture.md walks through it.
 *
 * struct engine is opaque outside src/engine. */
#ifndef ECHOLOT_ENGINE_H
#define ECHOLOT_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "event.h"
#include "probe.h"
#include "../sock/sock.h"

struct engine;
struct engine_plan;

struct engine_cfg {
	uint8_t tag_key[16];    /* per-run secret for the probes' tags */
	uint32_t inflight;      /* probes remembered at once (rounded up to a
	                           power of two, at least 1024): rate x the
	                           longest wait for an answer */
	double rate_pps;        /* one token bucket over every send, 0: none */
	uint32_t burst;         /* its depth in probes (0: 1) */
	unsigned rx_batch;      /* datagrams read per call, 0: 8 */
};

/* NULL when out of memory. */
struct engine *engine_new(const struct engine_cfg *cfg);
void engine_free(struct engine *e);

/* Consumers of events, any number, called in the order added. */
int engine_add_sink(struct engine *e, struct event_sink sink);

/* A descriptor the loop watches besides the sockets (the name resolver's
 * answers): on_ready(ctx) runs when it is readable, and returns false when
 * the descriptor is to be watched no more (it is closed). */
struct engine_watch {
	int fd;
	bool (*on_ready)(void *ctx);
	void *ctx;
};
int engine_add_watch(struct engine *e, struct engine_watch w);

/* A socket the engine reads, and sends on, with the kind that builds and
 * recognises its probes (kctx is the kind's configuration, kept by the
 * caller for the engine's life).  rx_icmp: a raw ICMP socket beside the
 * sending one that only brings the kind's ICMP errors.  Returns the
 * socket's index or -errno. */
enum engine_sock_role { ENGINE_SOCK_TX, ENGINE_SOCK_RX_ICMP };
int engine_add_sock(struct engine *e, struct sock *s, enum engine_sock_role role,
		    const struct probe_kind *kind, void *kctx);

/* Take over a traceroute-style method's sockets (sock.h: probe_sock_open
 * while privileged, probe_sock_bind once the name is known): the sending
 * one and, if open, the raw ICMP one for its errors.  The caller keeps *ps
 * open for the engine's life.  Returns the sending socket's index or
 * -errno. */
int engine_adopt(struct engine *e, const struct probe_kind *kind, void *kctx,
		 struct probe_socks *ps);

/* A target probed through socket `sock` (an index from engine_add_sock).
 * 64 bytes of state while nothing is in flight.  Returns its index or
 * -errno. */
int64_t engine_add_target(struct engine *e, const struct sockaddr *addr,
			  socklen_t addrlen, unsigned sock);
uint32_t engine_ntargets(const struct engine *e);
/* Room for n targets at once (one allocation, no doubling).  0 or
 * -ENOMEM. */
int engine_reserve_targets(struct engine *e, uint32_t n);
/* What the engine costs: per target while nothing is in flight (its
 * record and its place in a plan's heap), and fixed (the in-flight ring,
 * the receive and send buffers). */
size_t engine_target_bytes(void);
size_t engine_fixed_bytes(const struct engine *e);
/* The target's address, as added. */
socklen_t engine_target_addr(const struct engine *e, uint32_t ti,
			     struct sockaddr_storage *ss);

/* Flags the engine polls; set from signal handlers (or, for a sweep's
 * threads, by another thread: the loop reads stop with a relaxed atomic
 * load, and such a writer stores with one).  The loop blocks these
 * signals except while it waits (ppoll with the caller's mask), so a stop
 * is seen at once. */
struct engine_signals {
	volatile sig_atomic_t *stop;    /* SIGINT, SIGTERM, SIGALRM: finish now */
	volatile sig_atomic_t *status;  /* SIGQUIT: a status line (may be NULL) */
};

/* One more signal the loop blocks except inside ppoll, turned into a
 * call: when its handler has set *flag, the loop clears it and calls
 * on(ctx) (a screen's SIGWINCH).  The caller installs the handler.  One
 * such signal an engine; 0 or -EBUSY. */
int engine_on_signal(struct engine *e, int signo, volatile sig_atomic_t *flag,
		     void (*on)(void *ctx), void *ctx);

/* Run plan (with its state p) until it is done or a stop.  Returns 0 or
 * -errno (a socket failed beyond repair). */
int engine_run(struct engine *e, const struct engine_plan *plan, void *p,
	       const struct engine_signals *sig);

/* Current CLOCK_MONOTONIC time in ns. */
int64_t engine_now(void);

#endif
