/* ping --format=atlas: the run as one RIPE Atlas ping result, printed at
 * the end.  Field names and types follow the Atlas result format (ping,
 * firmware 4750 and later); docs/json-schema.md has the mapping. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ping_json.h"
#include "report.h"

/* The Atlas result-format version whose ping fields this follows. */
#define ATLAS_FW 4750

void report_atlas_init(struct report_atlas *r, const struct report_machine_cfg *cfg)
{
	memset(r, 0, sizeof(*r));
	r->cfg = *cfg;
	r->first_ttl = -1;
}

void report_atlas_free(struct report_atlas *r)
{
	free(r->e);
	free(r->errors);
	r->e = NULL;
	r->errors = NULL;
	r->n = r->cap = r->nerr = r->errcap = 0;
}

/* Room for one more entry for probe; NULL (and the list cut there) when
 * the list is full or memory is short. */
static struct report_atlas_entry *add(struct report_atlas *r, uint64_t probe)
{
	struct report_atlas_entry *e;

	if (probe == 0)
		return NULL;
	if (r->n == r->cap && r->n < REPORT_ATLAS_MAX_RESULTS) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		void *p;

		if (cap > REPORT_ATLAS_MAX_RESULTS)
			cap = REPORT_ATLAS_MAX_RESULTS;
		p = realloc(r->e, cap * sizeof(*r->e));
		if (p) {
			r->e = p;
			r->cap = cap;
		}
	}
	if (r->n == r->cap) {
		if (!r->cut_at || probe < r->cut_at)
			r->cut_at = probe;
		return NULL;
	}
	e = &r->e[r->n];
	memset(e, 0, sizeof(*e));
	e->probe = probe;
	e->order = (uint32_t)r->n;
	e->ttl = -1;
	r->n++;
	return e;
}

static void add_error(struct report_atlas *r, uint64_t probe, const char *text)
{
	struct report_atlas_entry *e;

	if (r->nerr == r->errcap) {
		size_t cap = r->errcap ? r->errcap * 2 : 4;
		void *p = realloc(r->errors, cap * sizeof(*r->errors));

		if (!p) {
			if (!r->cut_at || probe < r->cut_at)
				r->cut_at = probe;
			return;
		}
		r->errors = p;
		r->errcap = cap;
	}
	e = add(r, probe);
	if (!e)
		return;
	e->rtt_ns = -1;
	e->err = (uint32_t)r->nerr;
	snprintf(r->errors[r->nerr++], sizeof(r->errors[0]), "%s", text);
}

static void on_reply(struct report_atlas *r, const struct event *ev)
{
	struct report_atlas_entry *e;

	/* A corrupted reply is no reply; one so late that its time is
	 * gone has nothing to list. */
	if (ev->bad_cksum || ev->bad_tag || !ev->has_rtt)
		return;
	if (!ev->dup && r->first_ttl < 0)
		r->first_ttl = ev->ttl;
	e = add(r, probes_number(ev->nsent, ev->seq));
	if (!e)
		return;
	e->rtt_ns = ev->rtt_ns < 0 ? 0 : ev->rtt_ns;
	e->dup = ev->dup;
	e->ttl = ev->ttl;
}

static void on_error(struct report_atlas *r, const struct event *ev)
{
	char text[160], from[INET6_ADDRSTRLEN];
	char line[224];

	if (ev->notice)
		return;
	report_error_text(text, sizeof(text), ev);
	if (report_addr(ev->from, from, sizeof(from)))
		snprintf(line, sizeof(line), "%s from %s", text, from);
	else
		snprintf(line, sizeof(line), "%s", text);
	add_error(r, probes_number(ev->nsent, ev->seq), line);
}

static void on_local_error(struct report_atlas *r, const struct event *ev)
{
	char line[224];

	/* The words of the Atlas probe for a failed send. */
	if (ev->icmp_code != EV_LOCAL_FROM_QUEUE)
		snprintf(line, sizeof(line), "sendto failed: %s", strerror(ev->err));
	else if (ev->err == EMSGSIZE)
		snprintf(line, sizeof(line), "local error: %s, mtu=%u",
			 strerror(ev->err), ev->icmp_info);
	else
		snprintf(line, sizeof(line), "local error: %s", strerror(ev->err));
	add_error(r, probes_number(ev->nsent, ev->seq), line);
}

static int by_probe(const void *a, const void *b)
{
	const struct report_atlas_entry *x = a, *y = b;

	if (x->probe != y->probe)
		return x->probe < y->probe ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void kv_ms_or_minus1(struct json_writer *w, const char *k, bool have,
			    int64_t ns)
{
	json_key(w, k);
	if (have)
		json_ms(w, ns);
	else
		json_int(w, -1);        /* what Atlas gives when nothing came */
}

static void results(struct report_atlas *r, struct json_writer *w)
{
	uint64_t last = r->cfg.stats->transmitted;
	size_t i = 0;

	if (r->cut_at && r->cut_at - 1 < last)
		last = r->cut_at - 1;
	if (r->n > 1)
		qsort(r->e, r->n, sizeof(*r->e), by_probe);
	json_key(w, "result");
	json_arr_begin(w);
	for (uint64_t k = 1; k <= last; k++) {
		bool any = false;

		for (; i < r->n && r->e[i].probe == k; i++) {
			const struct report_atlas_entry *e = &r->e[i];

			any = true;
			json_obj_begin(w);
			if (e->rtt_ns < 0) {
				json_kv_str(w, "error", r->errors[e->err]);
			} else {
				json_kv_ms(w, "rtt", e->rtt_ns);
				if (e->dup)
					json_kv_int(w, "dup", 1);
				if (e->ttl >= 0 && e->ttl != r->first_ttl)
					json_kv_int(w, "ttl", e->ttl);
			}
			json_obj_end(w);
		}
		if (!any) {
			json_obj_begin(w);
			json_kv_str(w, "x", "*");
			json_obj_end(w);
		}
		/* Entries for probes past the cut (or never sent) are
		 * skipped. */
		while (i < r->n && r->e[i].probe <= k)
			i++;
	}
	json_arr_end(w);
}

static void print(struct report_atlas *r)
{
	const struct report_machine_cfg *c = &r->cfg;
	const struct stats *s = c->stats;
	bool have = s->nrtt > 0;
	char a[INET6_ADDRSTRLEN];
	struct json_writer w;

	json_init(&w, c->out);
	json_obj_begin(&w);
	json_kv_int(&w, "fw", ATLAS_FW);
	json_kv_int(&w, "lts", -1);     /* clock sync unknown */
	json_kv_str(&w, "dst_name", c->host);
	json_kv_int(&w, "af", c->dst->sa_family == AF_INET6 ? 6 : 4);
	json_kv_str(&w, "dst_addr", report_addr(c->dst, a, sizeof(a)));
	if (report_addr(c->src, a, sizeof(a)))
		json_kv_str(&w, "src_addr", a);
	json_kv_str(&w, "proto", "ICMP");
	if (r->first_ttl >= 0)
		json_kv_int(&w, "ttl", r->first_ttl);
	json_kv_uint(&w, "size", c->datalen);
	results(r, &w);
	json_kv_uint(&w, "dup", s->duplicates);
	json_kv_uint(&w, "rcvd", s->received);
	json_kv_uint(&w, "sent", s->transmitted);
	kv_ms_or_minus1(&w, "min", have, s->min_ns);
	kv_ms_or_minus1(&w, "max", have, s->max_ns);
	kv_ms_or_minus1(&w, "avg", have, (int64_t)s->mean_ns);
	/* Not an Atlas measurement nor an Atlas probe; parsers such as
	 * ripe-atlas-sagan want both keys. */
	json_kv_int(&w, "msm_id", 0);
	json_kv_int(&w, "prb_id", 0);
	json_kv_int(&w, "timestamp", (int64_t)c->start.tv_sec);
	json_kv_str(&w, "msm_name", "Ping");
	json_kv_str(&w, "type", "ping");
	json_obj_end(&w);
	json_end_line(&w);
}

void report_atlas_on_event(void *ctx, const struct event *ev)
{
	struct report_atlas *r = ctx;

	switch (ev->type) {
	case EV_REPLY:
		on_reply(r, ev);
		break;
	case EV_ERROR:
		on_error(r, ev);
		break;
	case EV_LOCAL_ERROR:
		on_local_error(r, ev);
		break;
	case EV_END:
		print(r);
		break;
	default:
		break;
	}
}
