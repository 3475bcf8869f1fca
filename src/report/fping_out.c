/* fping 5.1's text (fping_out.h).  Read against fping's man page and its
 * output; every format string here reproduces a line fping prints. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fping_out.h"

#define RESP_WAITING (-1)
#define RESP_UNUSED (-2)
#define RESP_ERROR (-3)
#define RESP_TIMEOUT (-4)

const char *fping_tm(char *buf, int64_t ns)
{
	double t = (double)ns / 1e6;

	if (t < 0.0)
		snprintf(buf, 16, "%.2g", t);
	else if (t < 1.0)
		snprintf(buf, 16, "%.3f", t);
	else if (t < 10.0)
		snprintf(buf, 16, "%.2f", t);
	else if (t < 100.0)
		snprintf(buf, 16, "%.1f", t);
	else if (t < 1000000.0)
		snprintf(buf, 16, "%.0f", t);
	else
		snprintf(buf, 16, "%.3e", t);
	return buf;
}

static int64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int fping_out_init(struct fping_out *o, const struct fping_out_cfg *cfg)
{
	memset(o, 0, sizeof(*o));
	o->cfg = *cfg;
	o->h = calloc(cfg->nhosts ? cfg->nhosts : 1, sizeof(*o->h));
	if (!o->h)
		return -ENOMEM;
	for (uint32_t i = 0; i < cfg->nhosts; i++) {
		int len = (int)strlen(cfg->hosts[i]);

		if (len > o->max_len)
			o->max_len = len;
		if (cfg->count_mode) {
			o->h[i].resp = malloc(cfg->count * sizeof(int64_t));
			if (!o->h[i].resp)
				return -ENOMEM;
			for (uint32_t j = 0; j < cfg->count; j++)
				o->h[i].resp[j] = RESP_UNUSED;
		}
	}
	o->start_ns = wall_ns();
	return 0;
}

void fping_out_free(struct fping_out *o)
{
	if (o->h)
		for (uint32_t i = 0; i < o->cfg.nhosts; i++)
			free(o->h[i].resp);
	free(o->h);
	o->h = NULL;
}

static void stats_add(struct fping_out *o, uint32_t hi, uint32_t index,
		      bool success, int64_t rtt)
{
	struct fping_host_stats *h = &o->h[hi];

	h->sent++;
	h->sent_i++;
	if (!success) {
		if (h->resp && index < o->cfg.count)
			h->resp[index] = RESP_TIMEOUT;
		o->timeouts++;
		return;
	}
	h->recv++;
	h->recv_i++;
	if (!h->max || rtt > h->max)
		h->max = rtt;
	if (!h->max_i || rtt > h->max_i)
		h->max_i = rtt;
	if (!h->min || rtt < h->min)
		h->min = rtt;
	if (!h->min_i || rtt < h->min_i)
		h->min_i = rtt;
	h->total += rtt;
	h->total_i += rtt;
	if (h->resp && index < o->cfg.count)
		h->resp[index] = rtt;
}

/* " (X avg, N% loss)" or "% return", as fping ends a reply or timeout
 * line. */
static void avg_loss(const struct fping_out *o, const struct fping_host_stats *h)
{
	char b[16];
	FILE *f = o->cfg.out;

	if (h->recv > 0)
		fprintf(f, " (%s avg, ", fping_tm(b, h->total / h->recv));
	else
		fprintf(f, " (NaN avg, ");
	if (h->recv <= h->sent)
		fprintf(f, "%u%% loss)", ((h->sent - h->recv) * 100) / h->sent);
	else
		fprintf(f, "%u%% return)", (h->recv_total * 100) / h->sent);
}

static void timestamp(const struct fping_out *o, int64_t ns)
{
	if (o->cfg.timestamp)
		fprintf(o->cfg.out, "[%.5f] ", (double)ns / 1e9);
}

static void on_reply(struct fping_out *o, const struct event *ev)
{
	uint32_t hi = ev->target;
	struct fping_host_stats *h = &o->h[hi];
	const char *host = o->cfg.hosts[hi];
	int64_t rtt = ev->has_rtt ? ev->rtt_ns : 0;
	int64_t when = ev->has_when ? (int64_t)ev->when.tv_sec * 1000000000 +
				      ev->when.tv_nsec : wall_ns();
	char b[16];

	h->recv_total++;
	o->received++;
	if (ev->dup && !o->cfg.loop_mode) {
		if (!o->cfg.per_recv)
			fprintf(o->cfg.err, "%s : duplicate for [%u], %zu bytes, %s ms\n",
				host, ev->probe, ev->bytes, fping_tm(b, rtt));
		return;
	}
	stats_add(o, hi, ev->probe, true, rtt);
	if (!o->max || rtt > o->max)
		o->max = rtt;
	if (!o->min || rtt < o->min)
		o->min = rtt;
	o->sum += rtt;
	o->replies++;
	if (h->recv == 1) {
		o->alive++;
		if (o->cfg.verbose || o->cfg.alive) {
			fputs(host, o->cfg.out);
			if (o->cfg.verbose)
				fputs(" is alive", o->cfg.out);
			if (o->cfg.elapsed)
				fprintf(o->cfg.out, " (%s ms)", fping_tm(b, rtt));
			fputc('\n', o->cfg.out);
		}
	}
	if (o->cfg.per_recv) {
		timestamp(o, when);
		fprintf(o->cfg.out, "%-*s : [%u], %zu bytes, %s ms", o->max_len, host,
			ev->probe, ev->bytes, fping_tm(b, rtt));
		fprintf(o->cfg.out, " (%s avg, ", fping_tm(b, h->total / h->recv));
		if (h->recv <= h->sent)
			fprintf(o->cfg.out, "%u%% loss)", ((h->sent - h->recv) * 100) / h->sent);
		else
			fprintf(o->cfg.out, "%u%% return)", (h->recv_total * 100) / h->sent);
		fputc('\n', o->cfg.out);
	}
}

static void on_timeout(struct fping_out *o, const struct event *ev)
{
	uint32_t hi = ev->target;

	stats_add(o, hi, ev->probe, false, -1);
	if (o->cfg.per_recv) {
		timestamp(o, wall_ns());
		fprintf(o->cfg.out, "%-*s : [%u], timed out", o->max_len,
			o->cfg.hosts[hi], ev->probe);
		avg_loss(o, &o->h[hi]);
		fputc('\n', o->cfg.out);
	}
}

static void on_send_error(struct fping_out *o, const struct event *ev)
{
	struct fping_host_stats *h = &o->h[ev->target];

	if (o->cfg.verbose && !o->cfg.quiet)
		fprintf(o->cfg.err, "%s: error while sending ping: %s\n",
			o->cfg.hosts[ev->target], strerror(ev->err));
	h->sent++;
	h->sent_i++;
	if (h->resp && ev->probe < o->cfg.count)
		h->resp[ev->probe] = RESP_ERROR;
}

/* " xmt/rcv/%loss = ..." and the times: one target's line of the summary
 * or of a split. */
static void host_line(const struct fping_out *o, uint32_t sent, uint32_t recv,
		      uint32_t recv_total, int64_t min, int64_t total, int64_t max,
		      bool split)
{
	FILE *f = o->cfg.err;
	char b[16];

	if (recv <= sent) {
		fprintf(f, " xmt/rcv/%%loss = %u/%u/%u%%", sent, recv,
			sent > 0 ? ((sent - recv) * 100) / sent : 0);
		if (o->cfg.outage)
			fprintf(f, ", outage(ms) = %d",
				(int)((double)((sent - recv) * o->cfg.period_ns) / 1e6));
	} else {
		fprintf(f, " xmt/rcv/%%return = %u/%u/%u%%", sent, recv,
			split ? (sent > 0 ? recv * 100 / sent : 0) : (recv * 100) / sent);
	}
	(void)recv_total;
	if (recv) {
		fprintf(f, ", min/avg/max = %s", fping_tm(b, min));
		fprintf(f, "/%s", fping_tm(b, (int64_t)(int)(total / recv)));
		fprintf(f, "/%s", fping_tm(b, max));
	}
	fputc('\n', f);
}

static void per_system_stats(struct fping_out *o)
{
	FILE *f = o->cfg.err;
	char b[16];

	if (o->cfg.verbose || o->cfg.per_recv)
		fputc('\n', f);
	for (uint32_t i = 0; i < o->cfg.nhosts; i++) {
		struct fping_host_stats *h = &o->h[i];

		fprintf(f, "%-*s :", o->max_len, o->cfg.hosts[i]);
		if (o->cfg.all_rtts) {
			for (uint32_t j = 0; j < h->sent && j < o->cfg.count; j++) {
				if (h->resp[j] >= 0)
					fprintf(f, " %s", fping_tm(b, h->resp[j]));
				else
					fputs(" -", f);
			}
			fputc('\n', f);
			continue;
		}
		host_line(o, h->sent, h->recv, h->recv_total, h->min, h->total, h->max,
			  false);
	}
}

static void splits(struct fping_out *o)
{
	FILE *f = o->cfg.err;
	time_t now = time(NULL);
	struct tm tm;

	if (o->cfg.verbose || o->cfg.per_recv)
		fputc('\n', f);
	localtime_r(&now, &tm);
	fprintf(f, "[%2.2d:%2.2d:%2.2d]\n", tm.tm_hour, tm.tm_min, tm.tm_sec);
	for (uint32_t i = 0; i < o->cfg.nhosts; i++) {
		struct fping_host_stats *h = &o->h[i];

		fprintf(f, "%-*s :", o->max_len, o->cfg.hosts[i]);
		host_line(o, h->sent_i, h->recv_i, 0, h->min_i, h->total_i, h->max_i, true);
		h->sent_i = h->recv_i = 0;
		h->max_i = h->min_i = h->total_i = 0;
	}
}

static void netdata(struct fping_out *o)
{
	FILE *f = o->cfg.out;
	double secs = (double)o->cfg.report_ns / 1e9;

	for (uint32_t i = 0; i < o->cfg.nhosts; i++) {
		struct fping_host_stats *h = &o->h[i];
		const char *n = o->cfg.names[i], *host = o->cfg.hosts[i];

		if (!o->netdata_charts) {
			fprintf(f, "CHART fping.%s_packets '' 'FPing Packets for host %s' packets '%s' fping.packets line 110020 %.0f\n",
				n, host, host, secs);
			fprintf(f, "DIMENSION xmt sent absolute 1 1\n");
			fprintf(f, "DIMENSION rcv received absolute 1 1\n");
		}
		fprintf(f, "BEGIN fping.%s_packets\n", n);
		fprintf(f, "SET xmt = %u\n", h->sent_i);
		fprintf(f, "SET rcv = %u\n", h->recv_i);
		fprintf(f, "END\n");
		if (!o->netdata_charts) {
			fprintf(f, "CHART fping.%s_quality '' 'FPing Quality for host %s' percentage '%s' fping.quality area 110010 %.0f\n",
				n, host, host, secs);
			fprintf(f, "DIMENSION returned '' absolute 1 1\n");
		}
		fprintf(f, "BEGIN fping.%s_quality\n", n);
		fprintf(f, "SET returned = %u\n", h->sent_i > 0 ? (h->recv_i * 100) / h->sent_i : 0);
		fprintf(f, "END\n");
		if (!o->netdata_charts) {
			fprintf(f, "CHART fping.%s_latency '' 'FPing Latency for host %s' ms '%s' fping.latency area 110000 %.0f\n",
				n, host, host, secs);
			fprintf(f, "DIMENSION min minimum absolute 1 1000000\n");
			fprintf(f, "DIMENSION max maximum absolute 1 1000000\n");
			fprintf(f, "DIMENSION avg average absolute 1 1000000\n");
		}
		fprintf(f, "BEGIN fping.%s_latency\n", n);
		if (h->recv_i) {
			fprintf(f, "SET min = %" PRId64 "\n", h->min_i);
			fprintf(f, "SET avg = %" PRId64 "\n", h->total_i / h->recv_i);
			fprintf(f, "SET max = %" PRId64 "\n", h->max_i);
		}
		fprintf(f, "END\n");
		h->sent_i = h->recv_i = 0;
		h->max_i = h->min_i = h->total_i = 0;
	}
	o->netdata_charts = true;
	fflush(f);
}

static void global_stats(struct fping_out *o)
{
	FILE *f = o->cfg.err;
	char b[16];
	int64_t min = o->min, max = o->max, sum = o->sum;
	uint64_t n = o->replies;

	fprintf(f, "\n");
	fprintf(f, " %7u targets\n", o->cfg.nhosts);
	fprintf(f, " %7u alive\n", o->alive);
	fprintf(f, " %7u unreachable\n", o->unreachable);
	fprintf(f, " %7u unknown addresses\n", o->cfg.noaddress);
	fprintf(f, "\n");
	fprintf(f, " %7u timeouts (waiting for response)\n", o->timeouts);
	fprintf(f, " %7" PRIu64 " ICMP Echos sent\n", o->pingsent);
	fprintf(f, " %7u ICMP Echo Replies received\n", o->received);
	fprintf(f, " %7u other ICMP received\n", o->other_icmp);
	fprintf(f, "\n");
	if (n == 0) {
		min = max = sum = 0;
		n = 1;
	}
	fprintf(f, " %s ms (min round trip time)\n", fping_tm(b, min));
	fprintf(f, " %s ms (avg round trip time)\n", fping_tm(b, sum / (int64_t)n));
	fprintf(f, " %s ms (max round trip time)\n", fping_tm(b, max));
	fprintf(f, " %12.3f sec (elapsed real time)\n",
		(double)(o->end_ns - o->start_ns) / 1e9);
	fprintf(f, "\n");
}

static void finish(struct fping_out *o)
{
	o->end_ns = wall_ns();
	for (uint32_t i = 0; i < o->cfg.nhosts; i++) {
		/* Probes answered or given up are the ones sent (fping's
		 * count), and the failed sends. */
		o->pingsent += o->h[i].sent;
		if (o->h[i].recv)
			continue;
		o->unreachable++;
		if (o->cfg.verbose || o->cfg.unreach) {
			fputs(o->cfg.hosts[i], o->cfg.out);
			if (o->cfg.verbose)
				fputs(" is unreachable", o->cfg.out);
			fputc('\n', o->cfg.out);
		}
	}
	fflush(o->cfg.out);
	if (o->cfg.count_mode || o->cfg.loop_mode)
		per_system_stats(o);
	if (o->cfg.stats)
		global_stats(o);
	if (o->cfg.min_reachable) {
		uint32_t up = o->cfg.nhosts - o->unreachable;

		printf("%s hosts reachable (required: %u, reachable: %u)\n",
		       up >= o->cfg.min_reachable ? "Enough" : "Not enough",
		       o->cfg.min_reachable, up);
	}
}

void fping_out_on_event(void *ctx, const struct event *ev)
{
	struct fping_out *o = ctx;

	switch (ev->type) {
	case EV_REPLY:
		on_reply(o, ev);
		break;
	case EV_TIMEOUT:
		on_timeout(o, ev);
		break;
	case EV_LOCAL_ERROR:
		on_send_error(o, ev);
		break;
	case EV_FOREIGN:
		o->other_icmp++;
		break;
	case EV_STATUS:
		if (o->cfg.netdata && o->cfg.report_ns)
			netdata(o);
		else
			splits(o);
		break;
	case EV_END:
		finish(o);
		break;
	default:
		break;
	}
}

int fping_out_status(const struct fping_out *o)
{
	if (o->cfg.min_reachable)
		return o->cfg.nhosts - o->unreachable >= o->cfg.min_reachable ? 0 : 1;
	if (o->cfg.noaddress)
		return 2;
	return o->alive != o->cfg.nhosts ? 1 : 0;
}
