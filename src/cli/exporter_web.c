/* The exporter's HTTP side: /metrics (streamed, smokeping_prober's
 * names), /probe (blackbox_exporter's ICMP module: one probe through the
 * same engine, the request held until it is answered or given up), the
 * landing page and /-/healthy. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>

#include "exporter.h"
#include "../wire/addr.h"
#include "../wire/timeconv.h"

#define XPROBE_MAX 256          /* /probe requests under way at once */
#define BLACKBOX_OFFSET_S 0.5   /* blackbox_exporter's --timeout-offset */

struct xprobe {
	struct exporter *x;
	struct http_req *rq;
	uint64_t id;
	int want;               /* AF_INET, AF_INET6, or AF_UNSPEC (IPv6 first) */
	int64_t start, resolved_at, sent_at, deadline;
	bool resolved, in_engine, success;
	uint32_t ti;
	struct sockaddr_storage addr;
	int hop_limit;
	double rtt_s;
	struct xprobe *prev, *next;
};

static void text(struct http_req *rq, unsigned status, const char *body)
{
	http_reply(rq, status, "text/plain; charset=utf-8", body, strlen(body));
}

/* ------------------------------------------------------------ /metrics */

static ssize_t scrape_gen(void *ctx, char *buf, size_t max)
{
	return prom_scrape_read(ctx, buf, max);
}

static void scrape_done(void *ctx)
{
	prom_scrape_free(ctx);
}

static void metrics(struct exporter *x, struct http_req *rq)
{
	struct prom_scrape *s = prom_scrape_new(&x->prom);

	if (!s) {
		text(rq, 503, "out of memory\n");
		return;
	}
	if (http_reply_stream(rq, 200, PROM_CONTENT_TYPE, scrape_gen, s, scrape_done) < 0)
		text(rq, 503, "out of memory\n");
}

/* -------------------------------------------------------------- /probe */

static void unlink_probe(struct exporter *x, struct xprobe *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		x->probes = p->next;
	if (p->next)
		p->next->prev = p->prev;
	x->nprobes--;
	if (p->in_engine) {
		monitor_remove(x->mon, p->ti);
		x->probe_by_ti[p->ti] = NULL;
		p->in_engine = false;
	}
}

/* The earliest deadline on the probe timer. */
static void arm(struct exporter *x)
{
	int64_t first = INT64_MAX, now = engine_now();
	struct itimerspec it;

	for (struct xprobe *p = x->probes; p; p = p->next)
		if (p->deadline < first)
			first = p->deadline;
	memset(&it, 0, sizeof(it));
	if (first != INT64_MAX)
		it.it_value = wire_ns_ts(first > now ? first - now : 1);
	(void)timerfd_settime(x->probe_timer, 0, &it, NULL);
}

/* The probe is over: its page, and it is forgotten. */
static void finish(struct xprobe *p)
{
	struct exporter *x = p->x;
	struct prom_probe pp;
	struct prom_buf b = { 0 };
	int64_t now = engine_now();

	memset(&pp, 0, sizeof(pp));
	pp.resolved = p->resolved;
	pp.family = p->addr.ss_family;
	pp.addr = p->resolved ? wire_sa_bytes((struct sockaddr *)&p->addr) : NULL;
	pp.success = p->success;
	pp.hop_limit = p->hop_limit;
	pp.resolve_s = p->resolved ? (double)(p->resolved_at - p->start) / NSEC : 0;
	pp.setup_s = p->sent_at ? (double)(p->sent_at - p->resolved_at) / NSEC : 0;
	pp.rtt_s = p->success ? p->rtt_s : 0;
	pp.duration_s = (double)(now - p->start) / NSEC;
	prom_probe_page(&b, &pp);
	unlink_probe(x, p);
	if (p->rq) {
		http_set_data(p->rq, NULL);
		if (b.oom)
			text(p->rq, 503, "out of memory\n");
		else
			http_reply(p->rq, 200, PROM_CONTENT_TYPE, b.p, b.len);
	}
	prom_buf_free(&b);
	free(p);
	arm(x);
}

/* The address is known: one probe through the engine. */
static void launch(struct xprobe *p)
{
	struct exporter *x = p->x;
	int si = xsocks_for(x, (unsigned)x->dflt_profile, p->addr.ss_family);
	int64_t ti;

	p->resolved = true;
	p->resolved_at = engine_now();
	if (si < 0) {
		finish(p);      /* no socket of that family: a failure */
		return;
	}
	ti = monitor_add(x->mon, (struct sockaddr *)&p->addr,
			 wire_sa_len(p->addr.ss_family), (unsigned)si, NSEC, 1);
	if (ti < 0 || xmaps_room(x, (uint32_t)ti) < 0) {
		if (ti >= 0)
			monitor_remove(x->mon, (uint32_t)ti);
		finish(p);
		return;
	}
	p->ti = (uint32_t)ti;
	p->in_engine = true;
	x->probe_by_ti[ti] = p;
}

static double scrape_timeout(const struct http_req *rq, bool *bad)
{
	const char *h = http_header(rq, "X-Prometheus-Scrape-Timeout-Seconds");
	double t = 0;

	*bad = false;
	if (h) {
		char *end;

		t = strtod(h, &end);
		if (end == h || *end || !isfinite(t) || t < 0) {
			*bad = true;
			return 0;
		}
	}
	/* As blackbox_exporter: 120 s without the header, less its offset. */
	if (t == 0)
		t = 120;
	t -= BLACKBOX_OFFSET_S;
	return t > 0 ? t : 0.1;
}

static void probe(struct exporter *x, struct http_req *rq)
{
	const char *target = http_arg(rq, "target");
	const char *module = http_arg(rq, "module");
	struct xprobe *p;
	double timeout;
	char msg[400];
	bool bad;
	int want;

	if (!module || !strcmp(module, "icmp"))
		want = AF_UNSPEC;
	else if (!strcmp(module, "icmp_ipv4") || !strcmp(module, "icmp4"))
		want = AF_INET;
	else if (!strcmp(module, "icmp_ipv6") || !strcmp(module, "icmp6"))
		want = AF_INET6;
	else {
		snprintf(msg, sizeof(msg), "Unknown module \"%.300s\"\n", module);
		text(rq, 400, msg);
		return;
	}
	if (!target || !*target) {
		text(rq, 400, "Target parameter is missing\n");
		return;
	}
	if (strlen(target) > LOOKUP_NAME_MAX) {
		text(rq, 400, "Target parameter is too long\n");
		return;
	}
	timeout = scrape_timeout(rq, &bad);
	if (bad) {
		text(rq, 400, "Failed to parse timeout from Prometheus header\n");
		return;
	}
	if (x->nprobes >= XPROBE_MAX || x->stopping) {
		text(rq, 503, "Too many probes under way\n");
		return;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		text(rq, 503, "out of memory\n");
		return;
	}
	p->x = x;
	p->rq = rq;
	p->want = want;
	p->hop_limit = -1;
	p->start = engine_now();
	p->deadline = p->start + (int64_t)(timeout * NSEC);
	p->id = XPROBE_ID | ++x->probe_serial;
	p->next = x->probes;
	if (x->probes)
		x->probes->prev = p;
	x->probes = p;
	x->nprobes++;
	http_set_data(rq, p);
	http_hold(rq);
	if (lookup_ask(x->lk, p->id, target, want, want == AF_INET ? AF_INET : AF_INET6) < 0) {
		finish(p);
		return;
	}
	arm(x);
}

void xweb_on_lookup(struct exporter *x, const struct lookup_answer *a)
{
	struct xprobe *p;

	for (p = x->probes; p; p = p->next)
		if (p->id == a->id)
			break;
	if (!p || p->resolved)
		return;
	if (a->err) {
		p->resolved_at = engine_now();
		finish(p);
		return;
	}
	p->addr = a->addr;
	launch(p);
}

void xweb_on_event(void *ctx, const struct event *ev)
{
	struct exporter *x = ctx;
	struct xprobe *p;

	if (ev->type == EV_FOREIGN || ev->target >= x->n_ti || ev->target >= x->cap_ti ||
	    !(p = x->probe_by_ti[ev->target]))
		return;
	switch (ev->type) {
	case EV_SENT:
		p->sent_at = engine_now();
		return;
	case EV_REPLY:
		if (ev->dup || ev->bad_tag || ev->bad_cksum || ev->late)
			return;
		p->success = true;
		p->hop_limit = ev->ttl;
		p->rtt_s = ev->has_rtt ? (double)ev->rtt_ns / NSEC : 0;
		break;
	case EV_TIMEOUT:
	case EV_ERROR:
	case EV_LOCAL_ERROR:
		break;  /* a failure, told at once */
	default:
		return;
	}
	finish(p);
}

void xweb_deadlines(struct exporter *x)
{
	int64_t now = engine_now();
	struct xprobe *p = x->probes, *n;

	for (; p; p = n) {
		n = p->next;
		if (p->deadline <= now)
			finish(p);
	}
	arm(x);
}

void xweb_stop(struct exporter *x)
{
	x->stopping = true;
	while (x->probes)
		finish(x->probes);
}

/* ------------------------------------------------------- the requests */

static const char landing[] =
	"<html>\n"
	"<head><title>echolot exporter</title></head>\n"
	"<body>\n"
	"<h1>echolot exporter</h1>\n"
	"<p><a href=\"%s\">Metrics</a> (smokeping_prober's names, and echolot's own)</p>\n"
	"<p><a href=\"/probe?target=127.0.0.1&amp;module=icmp\">Probe 127.0.0.1</a> "
	"(blackbox_exporter's ICMP module)</p>\n"
	"<p><a href=\"/-/healthy\">Health</a></p>\n"
	"</body>\n"
	"</html>\n";

void xweb_on_request(void *ctx, struct http_req *rq)
{
	struct exporter *x = ctx;
	const char *m = http_method(rq), *path = http_path(rq);

	if (strcmp(m, "GET") && strcmp(m, "HEAD")) {
		text(rq, 405, "Method Not Allowed\n");
		return;
	}
	if (!strcmp(path, x->o.metrics_path)) {
		metrics(x, rq);
	} else if (!strcmp(path, "/probe")) {
		probe(x, rq);
	} else if (!strcmp(path, "/-/healthy")) {
		text(rq, 200, "Healthy\n");
	} else if (!strcmp(path, "/")) {
		char page[sizeof(landing) + 300];

		snprintf(page, sizeof(page), landing, x->o.metrics_path);
		http_reply(rq, 200, "text/html; charset=utf-8", page, strlen(page));
	} else {
		text(rq, 404, "404 page not found\n");
	}
}

void xweb_on_close(void *ctx, struct http_req *rq)
{
	struct xprobe *p = http_data(rq);

	(void)ctx;
	if (p) {
		/* Gone before its answer (the server stops): no page. */
		p->rq = NULL;
		finish(p);
	}
}
