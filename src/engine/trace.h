/* trace: the traceroute engine.  Probes for many hops in flight at once,
 * each keyed so that the datagram an ICMP error quotes names it; results
 * handed to sinks in hop order, probe by probe, as traceroute prints
 * them.  No output format here. */
#ifndef ECHOLOT_TRACE_H
#define ECHOLOT_TRACE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../sock/sock.h"

#define TRACE_MAX_HOPS 255
#define TRACE_MAX_QUERIES 10
#define TRACE_EXT_MAX 256
#define TRACE_MAX_SINKS 4

struct trace_cfg {
	enum probe_method method;
	unsigned first_ttl;     /* -f */
	unsigned max_ttl;       /* -m */
	unsigned nqueries;      /* -q: probes per hop */
	unsigned sim;           /* -N: probes in flight at once */
	int64_t wait_max_ns;    /* -w MAX */
	double here_factor;     /* -w ,HERE: 0 off */
	double near_factor;     /* -w ,,NEAR: 0 off (also the adaptive wait) */
	int64_t sendwait_ns;    /* -z: pause between probes */
	size_t packet_len;      /* the whole datagram, IP header included,
	                           as asked (clamped to the headers) */
	int port;               /* -p; -1: the method's default */
	bool extensions;        /* -e: keep ICMP extensions */
	bool mtu_disc;          /* --mtu: a probe too big for the path (our
	                           kernel's EMSGSIZE, "fragmentation needed",
	                           "packet too big") shrinks the probes to the
	                           MTU named and is sent again */
	uint16_t icmp_id;       /* identifier on a raw ICMP socket */
	uint32_t seed;          /* random, per run: where probe keys start */
};

/* How a probe was answered. */
enum trace_answer {
	TRACE_ANS_NONE,         /* no answer (timed out) */
	TRACE_ANS_ICMP,         /* an ICMP error quoting it */
	TRACE_ANS_ECHO,         /* an echo reply (-I) */
	TRACE_ANS_TCP,          /* SYN-ACK or RST (-T) */
	TRACE_ANS_LOCAL,        /* refused by our kernel: too big for the
	                           path with -F (info: the MTU) */
};

struct trace_probe {
	unsigned ttl;
	unsigned query;         /* 0 .. nqueries-1 */
	uint32_t key;           /* what names it on the wire */
	bool sent, done, final;
	int64_t sent_mono;      /* ns, CLOCK_MONOTONIC */
	int64_t sent_wall;      /* ns, CLOCK_REALTIME */

	enum trace_answer answer;
	struct sockaddr_storage from;   /* who answered */
	socklen_t fromlen;
	int64_t rtt_ns;
	uint8_t type, code;     /* TRACE_ANS_ICMP */
	uint32_t info;          /* MTU of "fragmentation needed" / too big,
	                           or of the first link (TRACE_ANS_LOCAL) */
	uint8_t tcp_flags;      /* TRACE_ANS_TCP */
	int recv_ttl;           /* TTL / hop limit of the answer, -1 unknown */
	size_t ext_len;         /* ICMP extension structure (-e), raw */
	uint8_t ext[TRACE_EXT_MAX];
	bool ext_rfc4884;       /* found at the RFC 4884 length (else at
	                           the 128-byte compat offset) */
	int reply_len;          /* the answer's ICMP message or TCP segment,
	                           bytes; -1 unknown (error queue, none) */
	uint32_t new_mtu;       /* --mtu: the MTU this probe was shrunk to
	                           and sent again at (traceroute's "F="),
	                           0: none */
};

enum trace_ev_type {
	TRACE_EV_START,
	TRACE_EV_PROBE,         /* a probe is settled: answered or given up */
	TRACE_EV_END,
	/* A probe was answered, as the answer came (before its hop's turn
	 * for TRACE_EV_PROBE): for a sink that wants to start early, such
	 * as looking the answering address's name up. */
	TRACE_EV_ANSWER,
};

struct trace;

struct trace_event {
	enum trace_ev_type type;
	const struct trace *trace;
	const struct trace_probe *probe;        /* TRACE_EV_PROBE, _ANSWER */
};

struct trace_sink {
	void (*on_event)(void *ctx, const struct trace_event *ev);
	void *ctx;
};

struct trace {
	struct trace_cfg cfg;
	struct probe_socks *socks;
	int family;
	struct sockaddr_storage dst;
	socklen_t dstlen;

	/* The wire layout, from cfg.packet_len. */
	size_t ip_len;          /* IP header */
	size_t l4_len;          /* UDP / ICMP / TCP header with options */
	size_t data_len;        /* payload */
	bool paris;             /* keys kept out of the flow's hashed fields */
	uint16_t dport;         /* UDP / TCP destination port (UDP: the
	                           first one when not paris) */
	uint32_t key_base;      /* the key of probe 0 */

	struct trace_probe *probes;     /* max_ttl * nqueries, by hop */
	unsigned nprobes;
	unsigned start, end;    /* the next probe to settle; the end */
	int64_t last_send;
	int64_t max_rtt_ns;     /* the longest RTT seen at any hop */
	uint8_t *txbuf;
	size_t txlen;
	struct sock_rx *rx;

	struct trace_sink sinks[TRACE_MAX_SINKS];
	unsigned nsinks;

	/* For the sinks: when trace_run started (set before TRACE_EV_START)
	 * and ended, and why it stopped early (set before TRACE_EV_END). */
	struct timespec wall_start, wall_end;   /* CLOCK_REALTIME */
	int64_t mono_start, mono_end;           /* ns, CLOCK_MONOTONIC */
	int error;              /* 0, or the -errno that ended the run */
};

/* Set up a trace towards dst through socks (already open).  Returns 0 or
 * -errno. */
int trace_init(struct trace *t, const struct trace_cfg *cfg,
	       struct probe_socks *socks, const struct sockaddr *dst,
	       socklen_t dstlen);
void trace_free(struct trace *t);
int trace_add_sink(struct trace *t, struct trace_sink sink);

/* The length a probe really has: cfg.packet_len, or the headers alone
 * when that was less, and fixed for TCP (traceroute's SYN). */
size_t trace_packet_len(const struct trace *t);

/* Run to the destination or max_ttl, or until *stop.  Returns 0 or
 * -errno when a send failed beyond repair. */
int trace_run(struct trace *t, volatile sig_atomic_t *stop);

/* How long probe idx is waited for (traceroute's -w MAX,HERE,NEAR,
 * adaptive: see trace.c).  Exposed for the unit tests. */
int64_t trace_timeout(const struct trace *t, unsigned idx);

#endif
