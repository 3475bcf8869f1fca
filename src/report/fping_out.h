/* fping 5.1's text, from the fping plan's events (engine/fping_plan.h):
 * "HOST is alive", the per-reply and timeout lines of -c / -l, the
 * per-target summaries (-c, -C, -l), the interval splits (-Q, SIGQUIT),
 * netdata's charts (-N), the global statistics (-s) and -x's verdict.
 * The counts are fping's (a probe is counted as sent once it is answered
 * or given up), so that every figure matches. */
#ifndef ECHOLOT_FPING_OUT_H
#define ECHOLOT_FPING_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../engine/event.h"

struct fping_out_cfg {
	FILE *out, *err;
	const char *const *hosts;       /* each target's name as shown */
	const char *const *names;       /* as given (netdata's chart names) */
	uint32_t nhosts;
	unsigned noaddress;     /* names that did not resolve */
	bool count_mode, loop_mode;
	uint32_t count;         /* -c / -C */
	bool verbose;           /* fping's verbose_flag after its checks */
	bool per_recv;          /* a line per reply */
	bool alive, unreach;    /* -a, -u */
	bool elapsed;           /* -e */
	bool timestamp;         /* -D */
	bool all_rtts;          /* -C */
	bool stats;             /* -s */
	bool outage;            /* -o */
	bool netdata;           /* -N */
	bool quiet;             /* -q, -Q */
	unsigned min_reachable; /* -x */
	int64_t period_ns;      /* -p (outage, netdata) */
	int64_t report_ns;      /* -Q */
};

struct fping_host_stats {
	uint32_t sent, recv, recv_total, sent_i, recv_i;
	int64_t min, max, total, min_i, max_i, total_i;
	int64_t *resp;          /* -c / -C: each probe's RTT, or < 0 */
};

struct fping_out {
	struct fping_out_cfg cfg;
	struct fping_host_stats *h;
	int max_len;
	uint32_t alive, unreachable, timeouts, other_icmp, received;
	uint64_t pingsent;
	int64_t min, max, sum;
	uint64_t replies;
	int64_t start_ns, end_ns;       /* CLOCK_REALTIME */
	bool netdata_charts;
};

/* 0 or -ENOMEM. */
int fping_out_init(struct fping_out *o, const struct fping_out_cfg *cfg);
void fping_out_free(struct fping_out *o);
void fping_out_on_event(void *ctx, const struct event *ev);
/* After EV_END: fping's exit status (0 all alive, 1 not, 2 a name not
 * found; -x: enough or not). */
int fping_out_status(const struct fping_out *o);

/* fping's rendering of a time in ns as milliseconds ("0.045", "1.23",
 * "12.3", "123"); the buffer is the caller's, 16 bytes. */
const char *fping_tm(char *buf, int64_t ns);

#endif
