/* Inside the engine: what loop.c (the loop and sending), rx.c (the one
 * receive path), inflight.c (probes in flight), targets.c and the plans
 * share.  Not for use outside src/engine. */
#ifndef ECHOLOT_ENGINE_INT_H
#define ECHOLOT_ENGINE_INT_H

#include "engine.h"
#include "inflight.h"
#include "plan.h"
#include "probe.h"
#include "../wire/timeconv.h"

/* Kernel send stamps come back keyed by the socket's send count; this
 * ring maps a key to the probe it stamped. */
#define ENGINE_TXMAP 1024
struct engine_txmap {
	uint32_t key;
	uint32_t pn;
	bool used;
};

struct engine_sock {
	struct sock *s;
	enum engine_sock_role role;
	const struct probe_kind *kind;
	void *kctx;
	struct engine_txmap *txmap;     /* tx sockets with send stamps */
	unsigned since_errq;            /* loops since its error queue was read */
};

/* A target: 56 bytes, and 4 more in a plan's heap, while nothing is in
 * flight (the probes' state is in the in-flight ring). */
struct engine_target {
	uint8_t addr[16];       /* IPv6, or IPv4 mapped */
	int64_t due;            /* the plan's next time for it, ns */
	int64_t tat;            /* its token bucket: theoretical arrival time
	                           of the next probe (GCRA, sched.h) */
	uint64_t sent;          /* probes sent (the engine counts them, failed
	                           sends included) */
	uint32_t answered;      /* distinct replies and errors (a count is at
	                           most 2^32 - 1: the ping plan says so) */
	uint32_t acked;         /* the newest answered probe number */
	uint32_t heap;          /* its place in the plan's heap */
	uint16_t flags;         /* ENGINE_T_* */
	uint8_t sock;
	uint8_t family;
};

enum {
	ENGINE_T_REPLIED = 1 << 0,      /* a reply came */
	ENGINE_T_ERRORED = 1 << 1,      /* an error came */
	ENGINE_T_EXITING = 1 << 2,      /* all sent: due is its end */
	ENGINE_T_DONE = 1 << 3,         /* no more probes, no more waiting */
	ENGINE_T_LAST_REPLIED = 1 << 4, /* its newest probe has its reply */
};

_Static_assert(sizeof(struct engine_target) <= 56,
	       "a target is 56 bytes (60 with its place in a heap)");

struct engine {
	uint8_t tag_key[16];
	struct engine_sock *socks;
	unsigned nsocks;
	struct event_sink *sinks;
	unsigned nsinks;
	struct engine_watch *watch;
	unsigned nwatch;
	struct engine_target *targets;
	uint32_t ntargets, cap_targets;
	uint32_t scope_id;      /* link-local IPv6 targets' interface */

	struct inflight ring;
	uint32_t next_pn;       /* the engine's count when the plan picks none */
	uint32_t newest_pn;     /* the latest pn sent: 16-bit keys unwrap
	                           around it */

	double rate_pps;        /* the global token bucket (GCRA) */
	int64_t rate_iv;        /* ns per token */
	int64_t rate_tat;
	uint32_t burst;

	struct sock_rx *rx;     /* receive batch */
	int64_t rx_mono;        /* when the datagram being handled was read
	                           (CLOCK_MONOTONIC): a plan's "now" */
	unsigned rx_batch;
	uint8_t *txbuf;         /* the probe being built */

	/* Direct probes built and waiting to go in one sendmmsg (loop.c). */
	struct engine_txq *txq;
	unsigned ntxq;
	unsigned txq_sock;

	/* A send that failed, waiting for the error queue to say why. */
	bool send_failed;
	uint32_t send_failed_pn;

	struct sockaddr_storage ev_to;  /* the address events point to */

	const struct engine_plan *plan;
	void *plan_ctx;
	bool stopping;

	/* engine_on_signal: one more signal, as a call (0: none). */
	int sig_no;
	volatile sig_atomic_t *sig_flag;
	void (*sig_on)(void *ctx);
	void *sig_ctx;
};

/* Hand an event to every sink. */
void engine_emit(struct engine *e, const struct event *ev);
/* An event about target ti (type, target, family, address, nsent). */
void engine_event_target(struct engine *e, struct event *ev, uint32_t ti);
void engine_event_init(struct engine *e, struct event *ev,
		       enum event_type type, uint32_t ti);
/* The target's address as a sockaddr (in a buffer of the engine's,
 * valid until the next call). */
const struct sockaddr *engine_target_sa(struct engine *e, uint32_t ti,
					socklen_t *len);

/* loop.c: send the probe req describes on the target's socket; fills
 * and returns its in-flight record, or NULL (*err: -errno) when the send
 * failed (the plan is told through plan->sent either way). */
struct probe_rec *engine_send(struct engine *e, struct probe_req *req,
			      int *err);

/* rx.c: read socket i dry (error queue, then data).  Returns how many
 * datagrams came, or -errno when the socket itself is broken. */
int engine_drain(struct engine *e, unsigned i);
/* The error queue of socket i alone. */
int engine_drain_errqueue(struct engine *e, unsigned i);

/* RTT of the probe rec answered by rx: the kernel's stamps when they agree
 * with the monotonic clock, else ours. */
int64_t engine_rtt(const struct probe_rec *rec, const struct sock_rx *rx);

#endif
