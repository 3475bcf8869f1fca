/* The exporter's /metrics (prom.h): smokeping_prober 0.6.1's families,
 * names, help texts, labels and buckets as Debian ships it, so that
 * dashboards and alerts made for it work unchanged, and echolot's own
 * beside them.  Families in name order, as the Go client sorts them.
 *
 * The text is made a block at a time (one family's header, or one
 * target's lines of one family) as the server sends it: ten thousand
 * targets make some 30 MB of text, which is never held whole. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"
#include "../analysis/fp.h"

struct fam;
typedef void (*per_target_fn)(struct prom_buf *b, const struct fam *f,
			      const struct prom_source *src,
			      const struct prom_target *t,
			      const struct metrics_target *mt, const uint64_t *hist);
typedef void (*global_fn)(struct prom_buf *b, const struct fam *f,
			  const struct prom_source *src);

struct fam {
	const char *name, *type, *help;
	per_target_fn target;   /* one block a target, or */
	global_fn global;       /* one block for the exporter */
	bool host_only;         /* also targets without an address */
};

/* ------------------------------------------------- the families' lines */

static void host_ip(const char *l[4], const struct prom_target *t)
{
	l[0] = "host";
	l[1] = t->host;
	l[2] = "ip";
	l[3] = t->ip;
}

#define COUNTER(fn, field) \
static void fn(struct prom_buf *b, const struct fam *f, \
	       const struct prom_source *src, const struct prom_target *t, \
	       const struct metrics_target *mt, const uint64_t *hist) \
{ \
	const char *l[4]; \
	(void)src; \
	(void)hist; \
	host_ip(l, t); \
	prom_sample(b, f->name, l, 2, (double)mt->field); \
}

COUNTER(t_sent, sent)
COUNTER(t_dups, dups)
COUNTER(t_lost, lost)
COUNTER(t_late, late)
COUNTER(t_forged, forged)
COUNTER(t_send_errors, send_errors)

static void t_ttl(struct prom_buf *b, const struct fam *f,
		  const struct prom_source *src, const struct prom_target *t,
		  const struct metrics_target *mt, const uint64_t *hist)
{
	const char *l[4];

	(void)src;
	(void)hist;
	host_ip(l, t);
	/* smokeping_prober shows 0 until the first reply. */
	prom_sample(b, f->name, l, 2, mt->last_ttl < 0 ? 0 : mt->last_ttl);
}

static void t_hist(struct prom_buf *b, const struct fam *f,
		   const struct prom_source *src, const struct prom_target *t,
		   const struct metrics_target *mt, const uint64_t *hist)
{
	const struct metrics *m = src->m;
	char name[128], le[40];
	const char *l[6];
	uint64_t cum = 0;

	host_ip(l, t);
	l[4] = "le";
	l[5] = le;
	snprintf(name, sizeof(name), "%s_bucket", f->name);
	for (unsigned i = 0; i <= m->nbounds; i++) {
		cum += hist[i];
		if (i < m->nbounds)
			prom_float(le, sizeof(le), m->bounds[i]);
		else
			snprintf(le, sizeof(le), "+Inf");
		prom_sample(b, name, l, 3, (double)cum);
	}
	snprintf(name, sizeof(name), "%s_sum", f->name);
	prom_sample(b, name, l, 2, mt->rtt_sum);
	snprintf(name, sizeof(name), "%s_count", f->name);
	prom_sample(b, name, l, 2, (double)cum);
}

static void t_hops(struct prom_buf *b, const struct fam *f,
		   const struct prom_source *src, const struct prom_target *t,
		   const struct metrics_target *mt, const uint64_t *hist)
{
	const char *l[4];

	(void)src;
	(void)hist;
	if (mt->initial_ttl < 0 || mt->last_ttl < 0)
		return;
	host_ip(l, t);
	prom_sample(b, f->name, l, 2, mt->initial_ttl - mt->last_ttl);
}

static void t_os(struct prom_buf *b, const struct fam *f,
		 const struct prom_source *src, const struct prom_target *t,
		 const struct metrics_target *mt, const uint64_t *hist)
{
	const char *label = mt->initial_ttl >= 0 ? fp_label(mt->initial_ttl) : NULL;
	char initial[8];
	const char *l[8];

	(void)src;
	(void)hist;
	if (!label)
		return;
	snprintf(initial, sizeof(initial), "%d", mt->initial_ttl);
	l[0] = "family";
	l[1] = label;
	l[2] = "host";
	l[3] = t->host;
	l[4] = "initial_ttl";
	l[5] = initial;
	l[6] = "ip";
	l[7] = t->ip;
	prom_sample(b, f->name, l, 4, 1);
}

static const char *icmp_type_name(int family, int type)
{
	if (family == AF_INET6) {
		switch (type) {
		case 1: return "destination_unreachable";
		case 2: return "packet_too_big";
		case 3: return "time_exceeded";
		case 4: return "parameter_problem";
		case 137: return "redirect";
		default: return "other";
		}
	}
	switch (type) {
	case 3: return "destination_unreachable";
	case 4: return "source_quench";
	case 5: return "redirect";
	case 11: return "time_exceeded";
	case 12: return "parameter_problem";
	default: return "other";
	}
}

static void t_errors(struct prom_buf *b, const struct fam *f,
		     const struct prom_source *src, const struct prom_target *t,
		     const struct metrics_target *mt, const uint64_t *hist)
{
	char code[8], router[INET6_ADDRSTRLEN];
	const char *l[10];

	(void)src;
	(void)hist;
	l[0] = "code";
	l[1] = code;
	l[2] = "host";
	l[3] = t->host;
	l[4] = "ip";
	l[5] = t->ip;
	l[6] = "router";
	l[7] = router;
	l[8] = "type";
	for (unsigned i = 0; i < mt->nerrs; i++) {
		const struct metrics_err *e = &mt->errs[i];
		int fam = e->family == AF_INET6 ? AF_INET6 : AF_INET;

		snprintf(code, sizeof(code), "%u", e->code);
		if (!e->family ||
		    !inet_ntop(fam, fam == AF_INET6 ? e->router : e->router + 12,
			       router, sizeof(router)))
			snprintf(router, sizeof(router), "unknown");
		l[9] = icmp_type_name(fam, e->type);
		prom_sample(b, f->name, l, 5, (double)e->count);
	}
	if (mt->errs_other) {
		code[0] = '\0';
		snprintf(router, sizeof(router), "other");
		l[9] = "other";
		prom_sample(b, f->name, l, 5, (double)mt->errs_other);
	}
}

static void t_resolved(struct prom_buf *b, const struct fam *f,
		       const struct prom_source *src, const struct prom_target *t,
		       const struct metrics_target *mt, const uint64_t *hist)
{
	const char *l[2] = { "host", t->host };

	(void)src;
	(void)mt;
	(void)hist;
	prom_sample(b, f->name, l, 1, t->resolved ? 1 : 0);
}

static void t_resolve_errors(struct prom_buf *b, const struct fam *f,
			     const struct prom_source *src,
			     const struct prom_target *t,
			     const struct metrics_target *mt, const uint64_t *hist)
{
	const char *l[2] = { "host", t->host };

	(void)src;
	(void)mt;
	(void)hist;
	prom_sample(b, f->name, l, 1, (double)t->resolve_errors);
}

static void g_build(struct prom_buf *b, const struct fam *f,
		    const struct prom_source *src)
{
	const char *l[2] = { "version", src->version };

	prom_sample(b, f->name, l, 1, 1);
}

static void g_foreign(struct prom_buf *b, const struct fam *f,
		      const struct prom_source *src)
{
	/* In the order of enum event_foreign. */
	static const char *const why[] = { "other", "identifier", "unsent", "tag",
					   "address", "checksum" };

	for (unsigned i = 0; i < sizeof(why) / sizeof(why[0]); i++) {
		const char *l[2] = { "reason", why[i] };

		prom_sample(b, f->name, l, 1, (double)src->m->foreign[i]);
	}
}

static void g_timeout(struct prom_buf *b, const struct fam *f,
		      const struct prom_source *src)
{
	prom_sample(b, f->name, NULL, 0, src->timeout_s);
}

static void g_reload_time(struct prom_buf *b, const struct fam *f,
			  const struct prom_source *src)
{
	prom_sample(b, f->name, NULL, 0, *src->reload_time);
}

static void g_reload_ok(struct prom_buf *b, const struct fam *f,
			const struct prom_source *src)
{
	prom_sample(b, f->name, NULL, 0, *src->reload_ok ? 1 : 0);
}

/* In name order.  The smokeping_* and smokeping_prober_* ones are
 * smokeping_prober 0.6.1's, help texts as it prints them. */
static const struct fam fams[] = {
	{ "echolot_exporter_build_info", "gauge",
	  "A metric with a constant '1' value labeled by the version of echolot.",
	  NULL, g_build, false },
	{ "echolot_foreign_packets_total", "counter",
	  "ICMP packets shaped like answers that were not credited to any probe, by reason.",
	  NULL, g_foreign, false },
	{ "echolot_hop_distance", "gauge",
	  "Hops back from the target: the initial TTL its stack likely uses less the last reply's TTL.",
	  t_hops, NULL, false },
	{ "echolot_icmp_errors_total", "counter",
	  "ICMP errors quoting a probe to the target, by type, code and the router that sent them.",
	  t_errors, NULL, false },
	{ "echolot_os_info", "gauge",
	  "The operating system family the target's reply TTL points to, and that initial TTL.",
	  t_os, NULL, false },
	{ "echolot_probe_timeout_seconds", "gauge",
	  "How long a probe waits for its reply before it is counted as lost.",
	  NULL, g_timeout, false },
	{ "echolot_probes_lost_total", "counter",
	  "Probes given up with no reply within the timeout.",
	  t_lost, NULL, false },
	{ "echolot_replies_forged_total", "counter",
	  "Replies dropped because they failed the probe's tag or checksum (forged or corrupted).",
	  t_forged, NULL, false },
	{ "echolot_replies_late_total", "counter",
	  "Replies that came after their probe was given up (not in the histogram).",
	  t_late, NULL, false },
	{ "echolot_resolve_errors_total", "counter",
	  "Lookups of the target's name that failed.",
	  t_resolve_errors, NULL, true },
	{ "echolot_send_errors_total", "counter",
	  "Probes the kernel refused to send, or reported a local error for.",
	  t_send_errors, NULL, false },
	{ "echolot_target_resolved", "gauge",
	  "Whether the target's name resolved the last time it was looked up (1) or not (0).",
	  t_resolved, NULL, true },
	{ "smokeping_prober_config_last_reload_success_timestamp_seconds", "gauge",
	  "Timestamp of the last successful configuration reload.",
	  NULL, g_reload_time, false },
	{ "smokeping_prober_config_last_reload_successful", "gauge",
	  "Blackbox exporter config loaded successfully.",
	  NULL, g_reload_ok, false },
	{ "smokeping_requests_total", "counter", "Number of ping requests sent",
	  t_sent, NULL, false },
	{ "smokeping_response_duplicates_total", "counter",
	  "The number of duplicated response packets.", t_dups, NULL, false },
	{ "smokeping_response_duration_seconds", "histogram",
	  "A histogram of latencies for ping responses.", t_hist, NULL, false },
	{ "smokeping_response_ttl", "gauge", "The last response Time To Live (TTL).",
	  t_ttl, NULL, false },
};

#define NFAMS (sizeof(fams) / sizeof(fams[0]))

/* ------------------------------------------------------- the walk */

struct prom_scrape {
	struct prom_source src;
	unsigned fam;           /* the family being made */
	uint32_t next;          /* its next target; UINT32_MAX: header next */
	struct prom_buf stage;  /* a block made, not yet all sent */
	size_t off;
};

/* The next block into s->stage; false at the end. */
static bool next_block(struct prom_scrape *s)
{
	s->stage.len = 0;
	s->off = 0;
	while (s->fam < NFAMS) {
		const struct fam *f = &fams[s->fam];
		struct prom_target t;
		const struct metrics_target *mt;

		if (s->next == UINT32_MAX) {
			prom_family(&s->stage, f->name, f->type, f->help);
			if (f->global) {
				f->global(&s->stage, f, &s->src);
				s->fam++;
			} else {
				s->next = 0;
			}
			return true;
		}
		if (s->next >= *s->src.n) {
			s->fam++;
			s->next = UINT32_MAX;
			continue;
		}
		memset(&t, 0, sizeof(t));
		if (!s->src.get(s->src.ctx, s->next++, &t) ||
		    (!t.ip && !f->host_only) || !(mt = metrics_target(s->src.m, t.ti)))
			continue;
		f->target(&s->stage, f, &s->src, &t, mt, metrics_hist(s->src.m, t.ti));
		if (s->stage.len)
			return true;
	}
	return false;
}

struct prom_scrape *prom_scrape_new(const struct prom_source *src)
{
	struct prom_scrape *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->src = *src;
	s->next = UINT32_MAX;
	return s;
}

ssize_t prom_scrape_read(struct prom_scrape *s, char *buf, size_t max)
{
	size_t n = 0;

	while (n < max) {
		size_t k;

		if (s->off == s->stage.len && !next_block(s))
			break;
		if (s->stage.oom)
			return -1;      /* a cut text would lie: abort it */
		k = s->stage.len - s->off;
		if (k > max - n)
			k = max - n;
		memcpy(buf + n, s->stage.p + s->off, k);
		s->off += k;
		n += k;
	}
	return (ssize_t)n;
}

void prom_scrape_free(struct prom_scrape *s)
{
	if (!s)
		return;
	prom_buf_free(&s->stage);
	free(s);
}

void prom_scrape_all(const struct prom_source *src, struct prom_buf *b)
{
	struct prom_scrape *s = prom_scrape_new(src);
	char chunk[4096];
	ssize_t n;

	if (!s) {
		b->oom = true;
		return;
	}
	while ((n = prom_scrape_read(s, chunk, sizeof(chunk))) > 0) {
		prom_printf(b, "%.*s", (int)n, chunk);
	}
	if (n < 0)
		b->oom = true;
	prom_scrape_free(s);
}
