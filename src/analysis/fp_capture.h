/* fp_capture: the hosts of a packet capture, each with what `echolot os`
 * measures live: the TTLs of its echo replies, its hop count where
 * TTL-limited echo requests to it were captured with their answers (the
 * smallest TTL that got a reply, one less that got a Time Exceeded), and
 * the signals of fp_active.h (code, IP ID, DF, TOS, timestamps).  The
 * TTLs of requests are as captured: a capture at the prober sees them as
 * sent.  Pure: parsed packets in, per-host records out. */
#ifndef ECHOLOT_FP_CAPTURE_H
#define ECHOLOT_FP_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fp.h"
#include "fp_active.h"
#include "../wire/wire.h"

#define FP_CAP_MAX_HOSTS 256
#define FP_CAP_RING 64          /* recent requests kept per host */
#define FP_CAP_IDS 64

struct fp_cap_req {
	uint16_t id, seq;       /* ICMP identifier and sequence */
	uint16_t ip_id;
	uint8_t ttl, tos, code;
	bool df, used;
};

struct fp_cap_host {
	int family;
	uint8_t addr[16];
	struct fp fp;           /* its echo replies' TTLs */
	struct fp_cap_req ring[FP_CAP_RING];
	unsigned next;
	uint64_t requests, replies, errors;
	int reach_min;          /* smallest request TTL answered, 256: none */
	int fail_max;           /* largest that expired on the way, 0: none */
	uint8_t at[16];         /* the router that said so */
	bool has_at;
	uint16_t ids_sent[FP_CAP_IDS], ids_got[FP_CAP_IDS];
	unsigned nids;
	unsigned df_set, df_clear;      /* replies to requests with DF */
	int code_sent, code_got;        /* non-zero code requests, -1 none */
	bool code_mixed;
	int tos_sent, tos_got;
	uint64_t ts_req, ts_rep;
};

struct fp_capture {
	struct fp_cap_host *hosts;      /* in order of appearance */
	size_t nhosts;
	uint64_t packets, icmp, dropped_hosts;
};

int fp_capture_init(struct fp_capture *c);      /* 0 or -ENOMEM */
void fp_capture_free(struct fp_capture *c);
/* One captured IP datagram. */
void fp_capture_add(struct fp_capture *c, const struct wire_pkt *p);
/* The forward hop count the capture proves, or -1. */
int fp_capture_hops(const struct fp_cap_host *h);
/* The signals of a host, for fp_active_verdict(). */
void fp_capture_signals(const struct fp_cap_host *h, struct fp_signals *s);

#endif
