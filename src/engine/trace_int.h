/* Inside the trace plan: its state, for trace.c and its unit tests. */
#ifndef ECHOLOT_TRACE_INT_H
#define ECHOLOT_TRACE_INT_H

#include "event.h"
#include "plan.h"
#include "probe.h"
#include "trace.h"

struct trace_probe {
	unsigned ttl;
	unsigned query;         /* 0 .. nqueries-1 */
	uint32_t key;           /* its number: what names it on the wire */
	bool sent, done, final;
	int64_t sent_mono;      /* ns, CLOCK_MONOTONIC */

	enum event_answer answer;
	struct sockaddr_storage from;   /* who answered */
	socklen_t fromlen;
	int64_t rtt_ns;
	uint8_t type, code;     /* EV_ANS_ICMP */
	uint32_t info;          /* MTU of "fragmentation needed" / too big,
	                           or of the first link (EV_ANS_LOCAL) */
	uint8_t tcp_flags;      /* EV_ANS_TCP */
	int recv_ttl;           /* TTL / hop limit of the answer, -1 unknown */
	size_t ext_len;         /* ICMP extension structure (-e), raw */
	uint8_t ext[TRACE_EXT_MAX];
	bool ext_rfc4884;
	int reply_len;          /* the answer's ICMP message or TCP segment,
	                           bytes; -1 unknown (error queue, none) */
	uint32_t new_mtu;       /* --mtu: shrunk to this and sent again */
};

struct trace {
	struct trace_cfg cfg;
	int family;
	struct sockaddr_storage dst;
	socklen_t dstlen;
	struct probe_socks socks;
	struct probe_echo_cfg echo;     /* the kind's configuration: -I */
	struct probe_path_cfg path;     /* UDP, TCP */
	const struct probe_kind *kind;

	/* The wire layout, from cfg.packet_len. */
	size_t ip_len;          /* IP header */
	size_t l4_len;          /* UDP / ICMP / TCP header with options */
	size_t data_len;        /* payload */
	bool paris;             /* keys kept out of the flow's hashed fields */
	uint16_t dport;
	uint32_t key_base;      /* the key of probe 0 this round */
	uint32_t block;         /* --paths: this round's block of keys */
	uint32_t nblocks;       /* blocks of nprobes keys in 1 .. 0xfffe, a
	                           multiple of nflows (16-bit keys) */
	uint32_t target;        /* the engine's target index (trace_open) */
	bool paused;            /* trace_pause: no new round starts */
	unsigned dst_end;       /* stop_at_dst: the end of the last round
	                           that reached the destination, 0: none */

	struct trace_probe *probes;     /* max_ttl * nqueries, by hop */
	unsigned nprobes;
	unsigned start, end;    /* the next probe to settle; the end */
	int64_t last_send;

	struct event_trace shape;       /* what the events say of the trace */
	unsigned round;
	bool in_round;          /* EV_START of this round is out */
	int64_t next_round_at;
	int error;
};

/* The EV_PROBE event of a settled probe p of the trace shaped so (the
 * fields of *ev that it does not set are kept). */
void trace_probe_event(const struct trace_probe *p, const struct event_trace *shape,
		       struct event *ev);

/* The trace plan's table, for trace_multi.c (several traces at once). */
extern const struct engine_plan trace_plan;

/* --paths (trace_multi.c): flow f's keys come in blocks of nprobes, f,
 * f + nflows, ... (mod a multiple of nflows for 16-bit keys), so no two
 * flows ever share one.  trace_flows_init: 0 or -EINVAL (too many flows
 * for 16-bit keys, or classic UDP, whose keys are ports);
 * trace_flow_base: the key of probe 0 in this round's block. */
int trace_flows_init(struct trace *t);
uint32_t trace_flow_base(const struct trace *t);

/* The next round's keys (what a new round does; for the unit tests). */
void trace_next_round_keys(struct trace *t);

/* How long probe idx is waited for: traceroute 2.x's -w MAX,HERE,NEAR
 * (trace.c).  Exposed for the unit tests. */
int64_t trace_timeout(const struct trace *t, unsigned idx);

#endif
