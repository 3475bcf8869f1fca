/* `echolot sweep`'s output (sweep_out.h).  Text: one line per responder,
 * "ADDR  ttl=64  rtt=0.052 ms  os=Linux/Unix  hops=0", and per address a
 * router's error answered, "ADDR  Destination Host Unreachable  from=R";
 * CSV: a header and the chosen fields; JSON: docs/json-schema.md's
 * conventions (every field, null when unknown).  Progress and the summary
 * go to stderr (JSON: the summary on stdout too, as its last line). */
#include <math.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "sweep_out.h"
#include "ping_json.h"
#include "../analysis/fp.h"

static const char *const field_names[SF_COUNT] = {
	"addr", "status", "ttl", "rtt", "os", "initial", "hops", "from",
	"pass", "index",
};

static const enum sweep_field text_default[] = { SF_ADDR, SF_TTL, SF_RTT, SF_OS, SF_HOPS };
static const enum sweep_field csv_default[] = {
	SF_ADDR, SF_STATUS, SF_TTL, SF_RTT, SF_OS, SF_HOPS, SF_FROM,
};

int sweep_out_fields(struct sweep_out_cfg *cfg, const char *list, char *err,
		     size_t errlen)
{
	const char *p = list;

	cfg->nfields = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		unsigned f;

		for (f = 0; f < SF_COUNT; f++)
			if (strlen(field_names[f]) == n && !strncmp(p, field_names[f], n))
				break;
		if (f == SF_COUNT || cfg->nfields == SWEEP_MAX_FIELDS) {
			snprintf(err, errlen, "unknown output field: '%.*s' (addr, status, "
				 "ttl, rtt, os, initial, hops, from, pass, index)", (int)n, p);
			return -1;
		}
		cfg->fields[cfg->nfields++] = (enum sweep_field)f;
		p += n;
		if (*p == ',')
			p++;
	}
	if (!cfg->nfields) {
		snprintf(err, errlen, "no output fields");
		return -1;
	}
	return 0;
}

void sweep_out_init(struct sweep_out *o, const struct sweep_out_cfg *cfg)
{
	memset(o, 0, sizeof(*o));
	o->cfg = *cfg;
	if (!o->cfg.nfields) {
		const enum sweep_field *d = cfg->format == SWEEP_CSV ? csv_default : text_default;
		unsigned n = cfg->format == SWEEP_CSV ? sizeof(csv_default) / sizeof(*d) :
							 sizeof(text_default) / sizeof(*d);

		memcpy(o->cfg.fields, d, n * sizeof(*d));
		o->cfg.nfields = n;
	}
	json_init(&o->json, cfg->out);
}

const char *sweep_os(int ttl, int *initial, int *hops)
{
	int init = ttl >= 0 ? fp_initial_ttl(ttl) : -1;

	*initial = init;
	*hops = init >= 0 ? init - ttl : -1;
	return init >= 0 ? fp_label(init) : NULL;
}

/* A field's text for this event, "" when it has none. */
static void field_text(const struct event *ev, enum sweep_field f, char *buf,
		       size_t len)
{
	int init, hops;
	const char *os = ev->type == EV_REPLY ? sweep_os(ev->ttl, &init, &hops) : NULL;

	if (ev->type != EV_REPLY)
		init = hops = -1;
	buf[0] = '\0';
	switch (f) {
	case SF_ADDR:
		report_numeric(ev->to, buf, len);
		break;
	case SF_STATUS:
		if (ev->type == EV_REPLY)
			snprintf(buf, len, "reply");
		else
			report_error_text(buf, len, ev);
		break;
	case SF_TTL:
		if (ev->type == EV_REPLY && ev->ttl >= 0)
			snprintf(buf, len, "%d", ev->ttl);
		break;
	case SF_RTT:
		if (ev->has_rtt)
			snprintf(buf, len, "%.3f", (double)ev->rtt_ns / 1e6);
		break;
	case SF_OS:
		if (os)
			snprintf(buf, len, "%s", os);
		break;
	case SF_INITIAL:
		if (init >= 0)
			snprintf(buf, len, "%d", init);
		break;
	case SF_HOPS:
		if (hops >= 0)
			snprintf(buf, len, "%d", hops);
		break;
	case SF_FROM:
		if (ev->type == EV_ERROR && ev->from)
			report_numeric(ev->from, buf, len);
		break;
	case SF_PASS:
		if (ev->probe)
			snprintf(buf, len, "%u", ev->probe);
		break;
	case SF_INDEX:
		snprintf(buf, len, "%llu", (unsigned long long)ev->index);
		break;
	case SF_COUNT:
		break;
	}
}

static void csv_cell(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static bool has_field(const struct sweep_out *o, enum sweep_field fl)
{
	for (unsigned i = 0; i < o->cfg.nfields; i++)
		if (o->cfg.fields[i] == fl)
			return true;
	return false;
}

static void line_text(struct sweep_out *o, const struct event *ev)
{
	FILE *f = o->cfg.out;
	char buf[160];
	bool first = true;

	for (unsigned i = 0; i < o->cfg.nfields; i++) {
		enum sweep_field fl = o->cfg.fields[i];

		field_text(ev, fl, buf, sizeof(buf));
		if (!buf[0])
			continue;
		fputs(first ? "" : "  ", f);
		first = false;
		if (fl == SF_ADDR || (fl == SF_STATUS && ev->type == EV_ERROR))
			fputs(buf, f);
		else if (fl == SF_RTT)
			fprintf(f, "rtt=%s ms", buf);
		else
			fprintf(f, "%s=%s", field_names[fl], buf);
	}
	/* An error line says what and who, whatever the fields. */
	if (ev->type == EV_ERROR) {
		field_text(ev, SF_STATUS, buf, sizeof(buf));
		if (!has_field(o, SF_STATUS))
			fprintf(f, "%s%s", first ? "" : "  ", buf);
		field_text(ev, SF_FROM, buf, sizeof(buf));
		if (buf[0] && !has_field(o, SF_FROM))
			fprintf(f, "  from=%s", buf);
	}
	fputc('\n', f);
}

static void line_csv(struct sweep_out *o, const struct event *ev)
{
	char buf[160];

	if (!o->header_done) {
		for (unsigned i = 0; i < o->cfg.nfields; i++)
			fprintf(o->cfg.out, "%s%s%s", i ? "," : "",
				field_names[o->cfg.fields[i]],
				o->cfg.fields[i] == SF_RTT ? "_ms" : "");
		fputc('\n', o->cfg.out);
		o->header_done = true;
	}
	for (unsigned i = 0; i < o->cfg.nfields; i++) {
		if (i)
			fputc(',', o->cfg.out);
		field_text(ev, o->cfg.fields[i], buf, sizeof(buf));
		csv_cell(o->cfg.out, buf);
	}
	fputc('\n', o->cfg.out);
}

static void json_str_or_null(struct json_writer *w, const char *k, const char *v)
{
	json_key(w, k);
	if (v && *v)
		json_str(w, v);
	else
		json_null(w);
}

static void json_int_or_null(struct json_writer *w, const char *k, int v)
{
	json_key(w, k);
	if (v >= 0)
		json_int(w, v);
	else
		json_null(w);
}

static void json_timestamp(struct json_writer *w)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	json_key(w, "timestamp");
	json_seconds(w, ts.tv_sec, ts.tv_nsec);
}

static void line_json(struct sweep_out *o, const struct event *ev)
{
	struct json_writer *w = &o->json;
	char buf[160];
	int init = -1, hops = -1;
	const char *os = ev->type == EV_REPLY ? sweep_os(ev->ttl, &init, &hops) : NULL;

	json_obj_begin(w);
	json_kv_str(w, "type", ev->type == EV_REPLY ? "host" : "host_error");
	json_timestamp(w);
	field_text(ev, SF_ADDR, buf, sizeof(buf));
	json_kv_str(w, "addr", buf);
	json_kv_str(w, "family", ev->family == AF_INET6 ? "inet6" : "inet");
	if (ev->type == EV_REPLY) {
		json_int_or_null(w, "ttl", ev->ttl);
		json_key(w, "rtt_ms");
		if (ev->has_rtt)
			json_ms(w, ev->rtt_ns);
		else
			json_null(w);
		json_str_or_null(w, "os", os);
		json_int_or_null(w, "initial_ttl", init);
		json_int_or_null(w, "hops", hops);
	} else {
		field_text(ev, SF_FROM, buf, sizeof(buf));
		json_str_or_null(w, "from", buf);
		json_kv_int(w, "icmp_type", ev->icmp_type);
		json_kv_int(w, "icmp_code", ev->icmp_code);
		report_error_text(buf, sizeof(buf), ev);
		json_kv_str(w, "error", buf);
	}
	json_key(w, "pass");
	if (ev->probe)
		json_uint(w, ev->probe);
	else
		json_null(w);
	json_obj_end(w);
	json_end_line(w);
}

static void json_counts(struct json_writer *w, const struct event_sweep *s)
{
	json_kv_uint(w, "total", s->total);
	json_kv_uint(w, "sent", s->sent);
	json_kv_uint(w, "probed", s->probed);
	json_kv_uint(w, "alive", s->alive);
	json_kv_uint(w, "errored", s->errored);
	json_kv_uint(w, "duplicates", s->dups);
	json_kv_uint(w, "foreign", s->foreign);
	json_kv_uint(w, "send_errors", s->send_errors);
	json_kv_uint(w, "pass", s->pass);
	json_kv_uint(w, "passes", s->passes);
	json_key(w, "elapsed_ms");
	json_ms(w, s->elapsed_ns);
}

static void json_event(struct sweep_out *o, const char *type, const struct event *ev)
{
	struct json_writer *w = &o->json;
	const struct event_sweep *s = ev->sweep;

	json_obj_begin(w);
	json_kv_str(w, "type", type);
	if (ev->type == EV_START) {
		json_kv_int(w, "schema_version", REPORT_JSON_SCHEMA_VERSION);
		json_kv_str(w, "command", "sweep");
	}
	json_timestamp(w);
	if (ev->type == EV_START) {
		json_kv_uint(w, "shard", s->shard);
		json_kv_uint(w, "shards", s->shards);
		json_kv_uint(w, "seed", s->seed);
		json_key(w, "rate_pps");
		if (s->rate_pps > 0)
			json_double(w, s->rate_pps, 10);
		else
			json_null(w);
	}
	json_counts(w, s);
	if (ev->type == EV_END) {
		double secs = (double)s->elapsed_ns / 1e9;

		json_key(w, "rate_pps_achieved");
		json_double(w, secs > 0 ? (double)s->sent / secs : 0, 6);
	}
	json_obj_end(w);
	json_end_line(w);
}

/* "1:05" */
static void fmt_clock(char *buf, size_t len, int64_t ns)
{
	long s = (long)(ns / 1000000000);

	if (s >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, len, "%ld:%02ld", s / 60, s % 60);
}

/* zmap's status line, ours: elapsed, done, ETA, send rate, replies, hit
 * rate. */
static void progress(struct sweep_out *o, const struct event_sweep *s)
{
	double done = s->total ? (double)s->probed / (double)s->total : 1;
	int64_t dt = s->elapsed_ns - o->last_ns;
	double rate = dt > 0 ? (double)(s->sent - o->last_sent) * 1e9 / (double)dt : 0;
	char el[32], eta[32] = "?";

	fmt_clock(el, sizeof(el), s->elapsed_ns);
	if (done > 0 && done < 1 && s->pass == 1)
		fmt_clock(eta, sizeof(eta), (int64_t)((double)s->elapsed_ns * (1 - done) / done));
	else if (done >= 1)
		snprintf(eta, sizeof(eta), "0:00");
	fprintf(o->cfg.err, "%s%s %5.1f%% (ETA %s); pass %u/%u; sent %llu (%.0f p/s); "
		"replies %llu; errors %llu; hit rate %.2f%%%s",
		o->cfg.progress_tty ? "\r\033[K" : "", el, done * 100, eta, s->pass,
		s->passes, (unsigned long long)s->sent, rate,
		(unsigned long long)s->alive, (unsigned long long)s->errored,
		s->probed ? 100.0 * (double)s->alive / (double)s->probed : 0.0,
		o->cfg.progress_tty ? "" : "\n");
	fflush(o->cfg.err);
	o->status_shown = o->cfg.progress_tty;
	o->last_sent = s->sent;
	o->last_ns = s->elapsed_ns;
}

static void end_progress(struct sweep_out *o)
{
	if (o->status_shown) {
		fputc('\n', o->cfg.err);
		o->status_shown = false;
	}
}

static void summary(struct sweep_out *o, const struct event_sweep *s)
{
	double secs = (double)s->elapsed_ns / 1e9;

	end_progress(o);
	fprintf(o->cfg.err, "sweep: %llu probed, %llu alive (%.2f%%), %llu answered by "
		"an error, %.2f s, %.0f probes/s\n",
		(unsigned long long)s->probed, (unsigned long long)s->alive,
		s->probed ? 100.0 * (double)s->alive / (double)s->probed : 0.0,
		(unsigned long long)s->errored, secs,
		secs > 0 ? (double)s->sent / secs : 0.0);
}

static void on_answer(struct sweep_out *o, const struct event *ev)
{
	char buf[64];

	if (o->cfg.quiet) {
		if (ev->type == EV_REPLY) {
			fputs(report_numeric(ev->to, buf, sizeof(buf)), o->cfg.out);
			fputc('\n', o->cfg.out);
		}
		return;
	}
	if (o->status_shown)
		end_progress(o);
	switch (o->cfg.format) {
	case SWEEP_TEXT:
		line_text(o, ev);
		break;
	case SWEEP_CSV:
		if (ev->type == EV_REPLY || has_field(o, SF_STATUS) || has_field(o, SF_FROM))
			line_csv(o, ev);
		break;
	case SWEEP_JSON:
		line_json(o, ev);
		break;
	}
}

static void on_other(struct sweep_out *o, const struct event *ev)
{
	char a[64], b[64];

	if (!o->cfg.verbose)
		return;
	end_progress(o);
	if (ev->type == EV_LOCAL_ERROR) {
		fprintf(o->cfg.err, "sweep: %s: %s\n", report_numeric(ev->to, a, sizeof(a)),
			strerror(ev->err));
		return;
	}
	if (ev->type == EV_FOREIGN) {
		if (ev->from)
			report_numeric(ev->from, b, sizeof(b));
		else
			snprintf(b, sizeof(b), "?");
		fprintf(o->cfg.err, "sweep: not credited: from %s (%s)\n", b,
			ev->foreign == EV_FOREIGN_TAG ? "tag fails" :
			ev->foreign == EV_FOREIGN_ADDR ? "not an address of the set" :
			"not ours");
	}
}

void sweep_out_on_event(void *ctx, const struct event *ev)
{
	struct sweep_out *o = ctx;

	switch (ev->type) {
	case EV_START:
		if (o->cfg.format == SWEEP_JSON && !o->cfg.quiet)
			json_event(o, "start", ev);
		break;
	case EV_REPLY:
	case EV_ERROR:
		on_answer(o, ev);
		break;
	case EV_STATUS:
		if (o->cfg.progress)
			progress(o, ev->sweep);
		if (o->cfg.format == SWEEP_JSON && !o->cfg.quiet)
			json_event(o, "status", ev);
		break;
	case EV_END:
		o->end = *ev->sweep;
		o->ended = true;
		if (o->cfg.format == SWEEP_JSON && !o->cfg.quiet)
			json_event(o, "summary", ev);
		summary(o, ev->sweep);
		break;
	default:
		on_other(o, ev);
		break;
	}
}
