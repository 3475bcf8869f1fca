/* mtr's --report table (mtr 0.95), from rounds of the trace engine:
 *
 *   Start: 2026-11-28T18:23:53+0000
 *   HOST: vm                          Loss%   Snt   Last   Avg  Best  Wrst StDev
 *     1.|-- 198.18.1.2                 0.0%     6    0.1   0.1   0.1   0.1   0.0
 *     2.|-- ???                      100.0%     6    0.0   0.0   0.0   0.0   0.0
 *
 * mtr writes the host column 33 wide and then the fields over its end,
 * so the "HOST: name" and " N.|-- host" prefixes are cut at column 33. */
#include <arpa/inet.h>
#include <string.h>

#include "report.h"
#include "trace_mtr.h"

#define HOST_COLS 33

void report_trace_mtr_init(struct report_trace_mtr *r, FILE *out,
			   bool numeric, struct report_namer namer)
{
	memset(r, 0, sizeof(*r));
	r->out = out;
	r->numeric = numeric;
	r->namer = namer;
}

void report_trace_mtr_on_event(void *ctx, const struct event *ev)
{
	struct report_trace_mtr *r = ctx;
	const struct event *p = ev;
	bool answered;

	if (!ev->trace)
		return;
	if (ev->type == EV_START && !r->first_ttl)
		r->first_ttl = ev->trace->first_ttl;
	if (ev->type != EV_PROBE || p->hop > TRACE_MAX_HOPS)
		return;
	answered = p->answer != EV_ANS_NONE && p->answer != EV_ANS_LOCAL &&
		   p->fromlen;
	trace_hop_stats_add(&r->hop[p->hop], answered, (double)p->rtt_ns / 1e6);
	if (answered && !r->addrlen[p->hop] && p->fromlen <= sizeof(r->addr[0])) {
		memcpy(&r->addr[p->hop], p->from, p->fromlen);
		r->addrlen[p->hop] = p->fromlen;
	}
	if (p->hop > r->last_ttl)
		r->last_ttl = p->hop;
}

static const char *host_of(struct report_trace_mtr *r, unsigned ttl,
			   char *buf, size_t len)
{
	const struct sockaddr *sa = (const struct sockaddr *)&r->addr[ttl];

	if (!r->addrlen[ttl])
		return "???";
	if (!r->numeric && r->namer.pretty) {
		/* mtr shows the name alone: "name (addr)" -> "name". */
		const char *n = r->namer.pretty(r->namer.ctx, sa, r->addrlen[ttl]);
		const char *cut = strstr(n, " (");

		snprintf(buf, len, "%.*s", cut ? (int)(cut - n) : (int)strlen(n), n);
		return buf;
	}
	return report_numeric(sa, buf, len);
}

void report_trace_mtr_print(struct report_trace_mtr *r, const char *hostname,
			    const char *start)
{
	char pre[400], num[300];

	fprintf(r->out, "Start: %s\n", start);
	snprintf(pre, sizeof(pre), "HOST: %-*s", HOST_COLS, hostname);
	fprintf(r->out, "%.*s Loss%%   Snt   Last   Avg  Best  Wrst StDev\n",
		HOST_COLS, pre);
	for (unsigned ttl = r->first_ttl ? r->first_ttl : 1;
	     ttl <= r->last_ttl; ttl++) {
		const struct trace_hop_stats *h = &r->hop[ttl];

		snprintf(pre, sizeof(pre), " %2u.|-- %-*s", ttl, HOST_COLS,
			 host_of(r, ttl, num, sizeof(num)));
		fprintf(r->out, "%.*s%5.1f%%%6u%7.1f%6.1f%6.1f%6.1f%6.1f\n",
			HOST_COLS, pre,
			trace_hop_stats_loss(h), h->sent, h->last_ms,
			h->mean_ms, h->best_ms, h->worst_ms,
			trace_hop_stats_stdev(h));
	}
	fflush(r->out);
}
