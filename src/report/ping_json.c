/* ping --json: one JSON object per event, one per line (NDJSON).  The
 * schema is docs/json-schema.md; change both together. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "os_json.h"
#include "ping_json.h"
#include "report.h"

static void lost(void *ctx, uint64_t probe, uint16_t seq);

void report_json_init(struct report_json *r, const struct report_machine_cfg *cfg)
{
	memset(r, 0, sizeof(*r));
	r->cfg = *cfg;
	json_init(&r->w, cfg->out);
	probes_init(&r->probes, lost, r);
}

/* Every line starts {"type":"<type>" */
static struct json_writer *begin(struct report_json *r, const char *type)
{
	json_obj_begin(&r->w);
	json_kv_str(&r->w, "type", type);
	return &r->w;
}

static void end(struct report_json *r)
{
	json_obj_end(&r->w);
	json_end_line(&r->w);
}

static void kv_addr(struct json_writer *w, const char *k,
		    const struct sockaddr *sa)
{
	char buf[INET6_ADDRSTRLEN];

	json_kv_str(w, k, report_addr(sa, buf, sizeof(buf)));
}

static void kv_when(struct json_writer *w, const struct event *ev)
{
	json_key(w, "timestamp");
	if (ev->has_when)
		json_seconds(w, ev->when.tv_sec, ev->when.tv_nsec);
	else
		json_null(w);
}

void report_json_start(struct json_writer *w, const struct report_machine_cfg *c)
{
	json_obj_begin(w);
	json_kv_str(w, "type", "start");
	json_kv_int(w, "schema_version", REPORT_JSON_SCHEMA_VERSION);
	json_kv_str(w, "command", c->command);
	json_kv_str(w, "target", c->host);
	json_kv_str(w, "canonical_name", c->canon);
	kv_addr(w, "address", c->dst);
	json_kv_str(w, "family", c->dst->sa_family == AF_INET6 ? "inet6" : "inet");
	kv_addr(w, "source", c->src);
	json_kv_uint(w, "data_size", c->datalen);
	json_key(w, "ttl");
	if (c->ttl >= 0)
		json_int(w, c->ttl);
	else
		json_null(w);
	json_kv_str(w, "socket", c->raw ? "raw" : "dgram");
	json_key(w, "timestamp");
	json_seconds(w, c->start.tv_sec, c->start.tv_nsec);
	json_obj_end(w);
	json_end_line(w);
}

static void on_start(struct report_json *r)
{
	report_json_start(&r->w, &r->cfg);
}

static void on_reply(struct report_json *r, const struct event *ev)
{
	struct json_writer *w = begin(r, "reply");

	json_kv_uint(w, "seq", ev->seq);
	json_kv_uint(w, "bytes", ev->bytes);
	kv_addr(w, "from", ev->from);
	json_key(w, "ttl");
	if (ev->ttl >= 0)
		json_int(w, ev->ttl);
	else
		json_null(w);
	json_key(w, "rtt_ms");
	if (ev->has_rtt)
		json_ms(w, ev->rtt_ns);
	else
		json_null(w);
	json_kv_bool(w, "dup", ev->dup);
	json_kv_bool(w, "corrupted", ev->bad_cksum || ev->bad_tag);
	json_kv_bool(w, "truncated", ev->truncated);
	kv_when(w, ev);
	end(r);
}

static void timeout(struct report_json *r, uint16_t seq, bool final,
		    const struct event *ev)
{
	struct json_writer *w = begin(r, "timeout");

	json_kv_uint(w, "seq", seq);
	json_kv_bool(w, "final", final);
	json_key(w, "timestamp");
	if (ev && ev->has_when)
		json_seconds(w, ev->when.tv_sec, ev->when.tv_nsec);
	else
		json_null(w);
	end(r);
}

/* A probe that was never answered (from struct probes). */
static void lost(void *ctx, uint64_t probe, uint16_t seq)
{
	struct report_json *r = ctx;

	(void)probe;
	if (!r->cfg.quiet)
		timeout(r, seq, true, NULL);
}

static void on_error(struct report_json *r, const struct event *ev)
{
	struct json_writer *w;
	char text[160];

	report_error_text(text, sizeof(text), ev);
	w = begin(r, "error");
	json_kv_uint(w, "seq", ev->seq);
	kv_addr(w, "from", ev->from);
	json_kv_uint(w, "icmp_type", ev->icmp_type);
	json_kv_uint(w, "icmp_code", ev->icmp_code);
	json_kv_str(w, "reason", text);
	json_kv_bool(w, "notice", ev->notice);
	kv_when(w, ev);
	end(r);
}

static void on_local_error(struct report_json *r, const struct event *ev)
{
	struct json_writer *w = begin(r, "local_error");
	bool from_queue = ev->icmp_code == EV_LOCAL_FROM_QUEUE;

	json_kv_uint(w, "seq", ev->seq);
	json_kv_str(w, "origin", from_queue ? "queue" : "send");
	json_kv_int(w, "errno", ev->err);
	json_kv_str(w, "reason", strerror(ev->err));
	json_key(w, "mtu");
	if (from_queue && ev->err == EMSGSIZE)
		json_uint(w, ev->icmp_info);
	else
		json_null(w);
	end(r);
}

static void kv_ms_or_null(struct json_writer *w, const char *k, bool have,
			  int64_t ns)
{
	json_key(w, k);
	if (have)
		json_ms(w, ns);
	else
		json_null(w);
}

/* The statistics: the summary at the end, a status line on SIGQUIT. */
static void counts(struct report_json *r, const char *type)
{
	const struct stats *s = r->cfg.stats;
	const struct hist *h = r->cfg.hist;
	bool have = s->nrtt > 0, pct = have && h && h->count > 0;
	struct json_writer *w = begin(r, type);

	json_kv_uint(w, "transmitted", s->transmitted);
	json_kv_uint(w, "received", s->received);
	json_kv_uint(w, "duplicates", s->duplicates);
	json_kv_uint(w, "corrupted", s->corrupted);
	json_kv_uint(w, "errors", s->errors);
	if (!strcmp(type, "summary"))
		json_kv_uint(w, "timeouts", r->probes.nlost);
	json_key(w, "loss_pct");
	json_double(w, stats_loss_percent(s), 6);
	json_kv_ms(w, "time_ms", r->elapsed_ns);
	kv_ms_or_null(w, "min_ms", have, s->min_ns);
	kv_ms_or_null(w, "avg_ms", have, (int64_t)s->mean_ns);
	kv_ms_or_null(w, "max_ms", have, s->max_ns);
	kv_ms_or_null(w, "mdev_ms", have, (int64_t)stats_mdev_ns(s));
	kv_ms_or_null(w, "p50_ms", pct, pct ? hist_percentile(h, 50) : 0);
	kv_ms_or_null(w, "p90_ms", pct, pct ? hist_percentile(h, 90) : 0);
	kv_ms_or_null(w, "p99_ms", pct, pct ? hist_percentile(h, 99) : 0);
	end(r);
}

void report_json_on_event(void *ctx, const struct event *ev)
{
	struct report_json *r = ctx;
	bool quiet = r->cfg.quiet;

	/* First: a probe whose sequence number comes round again is lost. */
	probes_update(&r->probes, ev);
	switch (ev->type) {
	case EV_START:
		on_start(r);
		break;
	case EV_REPLY:
		if (!quiet)
			on_reply(r, ev);
		break;
	case EV_ERROR:
		if (!quiet)
			on_error(r, ev);
		break;
	case EV_LOCAL_ERROR:
		if (!quiet)
			on_local_error(r, ev);
		break;
	case EV_NOANSWER:
		if (!quiet)
			timeout(r, ev->seq, false, ev);
		break;
	case EV_STATUS:
		counts(r, "status");
		break;
	case EV_END:
		probes_finish(&r->probes);
		if (r->cfg.fp) {
			/* --os: the verdict, then the summary, last. */
			struct fp_verdict v;

			fp_verdict(r->cfg.fp, -1, &v);
			report_os_json_ping(&r->w, &v, r->cfg.fp);
		}
		counts(r, "summary");
		break;
	case EV_SENT:
	case EV_FOREIGN:
	case EV_TIMEOUT:
	case EV_PROBE:
		break;
	}
}
