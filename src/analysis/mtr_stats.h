/* mtr_stats: what `echolot mtr` knows of each hop, from the trace's
 * EV_PROBE events (one per probe, settled: answered or given up), kept
 * per flow (--paths N runs N flows, each on one Paris-stable path).
 *
 * Per hop, as mtr 0.95 keeps them: sent, received, last / best / worst /
 * mean / deviation, geometric mean, mtr's four jitter figures, the
 * addresses that answered (the latest, and up to MTR_MAX_ADDRS seen), the
 * MPLS labels they quoted, the last MTR_SAVED outcomes (the strips); and
 * beyond mtr: an RTT histogram (p50 / p90 / p99) and the reply TTLs (the
 * OS family and initial TTL of the hop's router, analysis/fp.c).  Times
 * are kept in microseconds, as mtr keeps them, so that its report, CSV
 * and JSON numbers come out the same way.  Memory is fixed per hop: a
 * run of any length stays flat. */
#ifndef ECHOLOT_MTR_STATS_H
#define ECHOLOT_MTR_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "fp.h"
#include "hist.h"
#include "../engine/event.h"

#define MTR_MAX_HOPS 255
#define MTR_MAX_FLOWS 16        /* --paths */
#define MTR_SAVED 200           /* outcomes a hop remembers (mtr's) */
#define MTR_MAX_ADDRS 8         /* addresses a hop remembers (mtr's) */
#define MTR_MAX_LABELS 8        /* MPLS labels kept an address (mtr's) */

/* A saved outcome: the RTT in us, or one of these. */
#define MTR_SAVED_NONE (-2)     /* no probe yet */
#define MTR_SAVED_LOST (-1)     /* no answer */

struct mtr_label {
	uint32_t label;
	uint8_t tc, s, ttl;
};

struct mtr_addr {
	uint8_t a[16];          /* 16-byte form (IPv4 mapped) */
	uint8_t nlabels;
	struct mtr_label labels[MTR_MAX_LABELS];
};

struct mtr_hop {
	uint32_t xmit, returned;
	bool up;                /* the latest probe was answered */
	bool final;             /* the destination, or an error that ends the
	                           path (unreachable) */
	uint8_t icmp_type, icmp_code;   /* of the latest answer */
	uint64_t seq;           /* when it last changed (stats-wide count) */
	/* Times in us, as mtr. */
	int64_t last, best, worst;
	double avg, ssd;        /* Welford: mean and sum of squared deviations */
	double log_sum;         /* for the geometric mean */
	int64_t jitter, jworst, jinta;
	double javg;
	bool has_addr;
	struct mtr_addr addr;   /* the latest to answer */
	unsigned naddrs;
	struct mtr_addr addrs[MTR_MAX_ADDRS];   /* every one seen, in order */
	unsigned saved_at;      /* the next slot of saved[] */
	int32_t saved[MTR_SAVED];       /* a ring, oldest at saved_at */
	struct fp ttls;         /* reply TTLs (OS column) */
	struct hist *hist;      /* RTTs in ns, NULL until the first answer */
};

struct mtr_flow {
	struct mtr_hop *hop[MTR_MAX_HOPS + 1];  /* by TTL, NULL until probed */
	uint64_t rounds;        /* rounds ended */
};

struct mtr_stats {
	int family;
	uint8_t dst[16];
	unsigned first_ttl, max_ttl;
	unsigned nflows;
	uint64_t seq;
	int error;              /* -errno of a hop's allocation, 0 */
	struct mtr_flow flow[MTR_MAX_FLOWS];
	struct hist scratch;    /* merged percentiles */
};

/* nflows: 1, or --paths. */
void mtr_stats_init(struct mtr_stats *s, unsigned nflows);
void mtr_stats_free(struct mtr_stats *s);
/* Forget everything seen (mtr's r key); what was allocated stays. */
void mtr_stats_reset(struct mtr_stats *s);
/* An event sink (ctx is a struct mtr_stats). */
void mtr_stats_on_event(void *ctx, const struct event *ev);
/* One probe's outcome (the sink calls it; for the tests): rtt_ns < 0 or
 * from == NULL: not answered. */
void mtr_stats_add(struct mtr_stats *s, unsigned flow, unsigned ttl,
		   const struct sockaddr *from, int64_t rtt_ns, int reply_ttl,
		   bool final, const uint8_t *ext, size_t ext_len);

/* ------------------------------------------------------------- views */

/* A path: the flows whose hops answered from the same addresses. */
struct mtr_path {
	unsigned nflows;
	unsigned flows[MTR_MAX_FLOWS];
	unsigned last_ttl;      /* rows: first_ttl .. last_ttl (0: none) */
};

/* The distinct paths, each with its flows, in order of their first flow;
 * with one flow, one path.  Returns how many. */
unsigned mtr_paths(const struct mtr_stats *s, struct mtr_path *out);
/* The last hop worth a row in flow f, as mtr's net_max: the destination,
 * or an error that ends the path, else one past the furthest that
 * answered (0: nothing yet). */
unsigned mtr_flow_last(const struct mtr_stats *s, unsigned f);
/* Hop ttl over the flows of p, merged into *out (its hist NULL; the
 * percentiles come from mtr_percentiles).  False when no flow of p has
 * probed the hop (out is zeroed, as an unprobed hop). */
bool mtr_row(const struct mtr_stats *s, const struct mtr_path *p, unsigned ttl,
	     struct mtr_hop *out);
/* The pct[i]-th percentiles (ms) of hop ttl over p's flows; -1 without
 * answers. */
void mtr_percentiles(struct mtr_stats *s, const struct mtr_path *p,
		     unsigned ttl, const double *pct, double *ms, unsigned n);

/* mtr's figures of a hop (as its net_* functions). */
double mtr_loss(const struct mtr_hop *h);       /* percent, mtr's rounding */
double mtr_gmean(const struct mtr_hop *h);      /* us */
double mtr_stdev(const struct mtr_hop *h);      /* us */
/* The i-th newest saved outcome (0: the newest), MTR_SAVED_* or us. */
int32_t mtr_saved(const struct mtr_hop *h, unsigned i);

/* The hop's router as the reply TTLs tell it: fp_verdict with the hop's
 * measured distance (ttl - 1 routers on the way back, if the way back is
 * as long as the way there). */
void mtr_os(const struct mtr_hop *h, unsigned ttl, struct fp_verdict *v);

#endif
