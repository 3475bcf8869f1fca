/* The trace plan: probes for many hops in flight at once, each keyed so
 * that the datagram an ICMP error quotes names it; results handed to
 * sinks as events in hop order, probe by probe, as traceroute prints
 * them; in rounds for --report and mtr.  No output format here.
 * struct trace is opaque outside src/engine. */
#ifndef ECHOLOT_TRACE_H
#define ECHOLOT_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "engine.h"

#define TRACE_MAX_HOPS 255
#define TRACE_MAX_QUERIES 10
#define TRACE_EXT_MAX 256

struct trace_cfg {
	enum probe_method method;
	unsigned first_ttl;     /* -f */
	unsigned max_ttl;       /* -m */
	unsigned nqueries;      /* -q: probes per hop */
	unsigned sim;           /* -N: probes in flight at once */
	int64_t wait_max_ns;    /* -w MAX */
	double here_factor;     /* -w ,HERE: 0 off */
	double near_factor;     /* -w ,,NEAR: 0 off */
	int64_t sendwait_ns;    /* -z: pause between probes */
	size_t packet_len;      /* the whole datagram, IP header included,
	                           as asked (clamped to the headers) */
	int port;               /* -p; -1: the method's default */
	bool extensions;        /* -e: keep ICMP extensions */
	bool mtu_disc;          /* --mtu: a probe too big for the path (our
	                           kernel's EMSGSIZE, "fragmentation needed",
	                           "packet too big") shrinks the probes to the
	                           MTU named and is sent again */
	uint16_t icmp_id;       /* identifier on a raw ICMP socket, 0: random */
	uint32_t seed;          /* random, per run: where probe keys start */
	unsigned rounds;        /* --report, mtr: rounds of the trace (0: 1) */
	int64_t round_gap_ns;   /* the pause between rounds */
	/* mtr (additive; all zero for traceroute): */
	bool endless;           /* rounds until a stop; rounds is ignored */
	bool round_period;      /* round_gap_ns runs from one round's start to
	                           the next (mtr's -i), not from its end */
	bool stop_at_dst;       /* a round after one that reached the
	                           destination probes no further than its hop
	                           (mtr); a longer path shows as a round that
	                           did not reach it, and the next probes all */
	int64_t wait_min_ns;    /* HERE and NEAR waits last at least this
	                           (mtr: the interval), 0: no floor */
	unsigned flow, nflows;  /* --paths: flow `flow` (0-based) of nflows
	                           traces run in one engine (trace_run_many);
	                           their keys never meet.  0, 0: alone */
};

struct trace;

/* A trace towards dst.  0 or -errno. */
int trace_new(struct trace **t, const struct trace_cfg *cfg,
	      const struct sockaddr *dst, socklen_t dstlen);
void trace_free(struct trace *t);

/* Take over the method's sockets (opened with probe_sock_open and bound
 * with probe_sock_bind: *ps is left empty, the trace closes them), add
 * them to e and make dst e's target.  0 or -errno. */
int trace_adopt(struct trace *t, struct engine *e, struct probe_socks *ps);

/* The length a probe really has: cfg.packet_len, or the headers alone
 * when that was less, and fixed for TCP (traceroute's SYN). */
size_t trace_packet_len(const struct trace *t);

/* Run every round, to the destination or max_ttl, or until a stop.
 * Returns 0 or the -errno of a send that failed beyond repair. */
int trace_run(struct trace *t, struct engine *e, const struct engine_signals *sig);

/* Hold new rounds back (what is in flight still settles), or let them go
 * again: mtr's pause and resume.  Safe from a watch or a sink. */
void trace_pause(struct trace *t, bool paused);

/* Run n traces at once in one engine (mtr --paths: one trace a flow,
 * each opened with trace_open on e and configured with its flow and
 * nflows = n).  Returns as trace_run (the first error). */
int trace_run_many(struct trace *const *t, unsigned n, struct engine *e,
		   const struct engine_signals *sig);

#endif
