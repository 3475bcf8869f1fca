/* traceroute --json: NDJSON, one object per line: `start`, one `hop` per
 * hop once all its probes are settled, `end`.  The schema is
 * docs/json-schema.md; change both together. */
#include <string.h>
#include <arpa/inet.h>

#include "ping_json.h"          /* report_addr */
#include "trace_json.h"
#include "trace_text.h"         /* report_trace_annotation */
#include "../wire/addr.h"
#include "../wire/wire.h"

void report_trace_json_init(struct report_trace_json *r,
			    const struct report_trace_machine_cfg *cfg)
{
	memset(r, 0, sizeof(r[0]));
	r->cfg = *cfg;
	json_init(&r->w, cfg->out);
}

static void kv_int_or_null(struct json_writer *w, const char *k, bool have,
			   int64_t v)
{
	json_key(w, k);
	if (have)
		json_int(w, v);
	else
		json_null(w);
}

static void kv_addr(struct json_writer *w, const char *k,
		    const struct sockaddr *sa)
{
	char buf[INET6_ADDRSTRLEN];

	json_kv_str(w, k, sa ? report_addr(sa, buf, sizeof(buf)) : NULL);
}

static void on_start(struct report_trace_json *r, const struct event_trace *t)
{
	struct json_writer *w = &r->w;
	bool port = t->proto == IPPROTO_UDP || t->proto == IPPROTO_TCP;

	json_obj_begin(w);
	json_kv_str(w, "type", "start");
	json_kv_int(w, "schema_version", REPORT_JSON_SCHEMA_VERSION);
	json_kv_str(w, "command", "traceroute");
	json_kv_str(w, "target", r->cfg.host);
	json_kv_str(w, "canonical_name", r->cfg.canon ? r->cfg.canon : r->cfg.host);
	kv_addr(w, "address", t->dst);
	json_kv_str(w, "family", t->dst->sa_family == AF_INET6 ? "inet6" : "inet");
	kv_addr(w, "source", t->src);
	json_kv_uint(w, "data_size", t->data_len);
	json_key(w, "ttl");
	json_null(w);           /* every probe has its own */
	json_kv_str(w, "socket", t->dgram ? "dgram" : "raw");
	json_key(w, "timestamp");
	json_seconds(w, t->wall_start.tv_sec, t->wall_start.tv_nsec);
	json_kv_str(w, "method", t->method);
	kv_int_or_null(w, "port", port, t->dport);
	json_kv_uint(w, "first_hop", t->first_ttl);
	json_kv_uint(w, "max_hops", t->max_ttl);
	json_kv_uint(w, "probes_per_hop", t->nqueries);
	json_kv_uint(w, "packet_size", t->packet_len);
	json_kv_bool(w, "paris", t->paris);
	json_obj_end(w);
	json_end_line(w);
}

static const char *answer_name(const struct event *p)
{
	switch (p->answer) {
	case EV_ANS_NONE:
		return "none";
	case EV_ANS_ICMP:
		return "icmp_error";
	case EV_ANS_ECHO:
		return "echo_reply";
	case EV_ANS_TCP:
		return p->tcp_flags & WIRE_TCP_RST ? "tcp_rst" : "tcp_syn_ack";
	case EV_ANS_LOCAL:
		return "local_error";
	}
	return "none";
}

/* The MTU an answer names: "fragmentation needed", "packet too big", or
 * our own first link (refused locally); with --mtu, the MTU the probe was
 * shrunk to on its way (text's "F="); 0 when none. */
static uint32_t answer_mtu(int family, const struct event *p)
{
	if (p->new_mtu && p->answer != EV_ANS_NONE)
		return p->new_mtu;
	if (p->answer == EV_ANS_LOCAL)
		return p->icmp_info;
	if (p->answer != EV_ANS_ICMP)
		return 0;
	if (family == AF_INET6)
		return p->icmp_type == WIRE_ICMP6_PACKET_TOO_BIG ? p->icmp_info : 0;
	return p->icmp_type == WIRE_ICMP4_UNREACH && p->icmp_code == 4 ? p->icmp_info : 0;
}

static void mpls_array(struct json_writer *w, const struct event *p)
{
	struct wire_icmp_ext x;

	json_key(w, "mpls");
	json_arr_begin(w);
	if (p->ext_len && wire_icmp_ext_parse(p->ext, p->ext_len, &x) == 0)
		for (unsigned i = 0; i < x.nmpls && i < WIRE_MPLS_MAX; i++) {
			json_obj_begin(w);
			json_kv_uint(w, "label", x.mpls[i].label);
			json_kv_uint(w, "exp", x.mpls[i].tc);
			json_kv_uint(w, "s", x.mpls[i].s);
			json_kv_uint(w, "ttl", x.mpls[i].ttl);
			json_obj_end(w);
		}
	json_arr_end(w);
}

static void probe_obj(struct json_writer *w, const struct event *p)
{
	bool answered = p->answer != EV_ANS_NONE;
	bool icmp = p->answer == EV_ANS_ICMP || p->answer == EV_ANS_ECHO;
	bool from = answered && p->answer != EV_ANS_LOCAL && p->fromlen;
	int family = p->trace->dst->sa_family;
	uint32_t mtu = answer_mtu(family, p);
	char note[32] = "";

	if (p->answer == EV_ANS_ICMP || p->answer == EV_ANS_LOCAL)
		report_trace_annotation(note, sizeof(note), family, p);
	json_obj_begin(w);
	kv_addr(w, "from", from ? p->from : NULL);
	json_key(w, "rtt_ms");
	if (answered)
		json_ms(w, p->rtt_ns);
	else
		json_null(w);
	kv_int_or_null(w, "ttl", answered && p->ttl >= 0, p->ttl);
	kv_int_or_null(w, "bytes", answered && p->reply_len >= 0, p->reply_len);
	json_kv_str(w, "answer", answer_name(p));
	kv_int_or_null(w, "icmp_type", icmp, p->icmp_type);
	kv_int_or_null(w, "icmp_code", icmp, p->icmp_code);
	json_kv_str(w, "annotation", note[0] ? note : NULL);
	kv_int_or_null(w, "mtu", mtu > 0, mtu);
	json_kv_bool(w, "final", answered && p->final);
	mpls_array(w, p);
	json_obj_end(w);
}

/* The hop whose probes are kept in r->hop. */
static void hop_line(struct report_trace_json *r)
{
	struct json_writer *w = &r->w;

	if (!r->hop_seen)
		return;
	json_obj_begin(w);
	json_kv_str(w, "type", "hop");
	json_kv_uint(w, "hop", r->hop[0].ev.hop);
	json_key(w, "probes");
	json_arr_begin(w);
	for (unsigned i = 0; i < r->hop_seen; i++)
		probe_obj(w, &r->hop[i].ev);
	json_arr_end(w);
	json_obj_end(w);
	json_end_line(w);
	r->nhops++;
	r->last_hop = r->hop[0].ev.hop;
	r->hop_seen = 0;
}

static void on_probe(struct report_trace_json *r, const struct event *p)
{
	const struct event_trace *t = p->trace;

	if (r->hop_seen < TRACE_MAX_QUERIES)
		report_trace_keep(&r->hop[r->hop_seen++], p);
	r->nprobes++;
	if (p->answer != EV_ANS_NONE)
		r->nanswered++;
	if (p->answer != EV_ANS_NONE && p->final) {
		r->final_seen = true;
		if (p->fromlen && wire_sa_equal(p->from, t->dst))
			r->reached = true;
	}
	if (p->query + 1 >= t->nqueries)
		hop_line(r);
}

/* Why the run stopped. */
static const char *stop_reason(const struct report_trace_json *r,
			       const struct event_trace *t)
{
	if (t->error)
		return "error";
	if (r->final_seen)
		return r->reached ? "destination" : "unreachable";
	if (r->last_hop >= t->max_ttl)
		return "max_hops";
	return "interrupted";
}

static void on_end(struct report_trace_json *r, const struct event_trace *t)
{
	struct json_writer *w = &r->w;

	/* A hop cut short (a send failed): what was settled of it. */
	hop_line(r);
	json_obj_begin(w);
	json_kv_str(w, "type", "end");
	json_kv_str(w, "stop", stop_reason(r, t));
	json_kv_bool(w, "reached", r->reached);
	json_kv_uint(w, "hops", r->nhops);
	kv_int_or_null(w, "last_hop", r->nhops > 0, r->last_hop);
	json_kv_uint(w, "probes", r->nprobes);
	json_kv_uint(w, "answered", r->nanswered);
	json_kv_str(w, "error", t->error ? strerror(-t->error) : NULL);
	json_kv_ms(w, "time_ms", t->mono_end - t->mono_start);
	json_key(w, "timestamp");
	json_seconds(w, t->wall_end.tv_sec, t->wall_end.tv_nsec);
	json_obj_end(w);
	json_end_line(w);
}

void report_trace_json_on_event(void *ctx, const struct event *ev)
{
	struct report_trace_json *r = ctx;

	if (!ev->trace)
		return;
	switch (ev->type) {
	case EV_START:
		on_start(r, ev->trace);
		break;
	case EV_PROBE:
		on_probe(r, ev);
		break;
	case EV_END:
		on_end(r, ev->trace);
		break;
	default:        /* in hop order only */
		break;
	}
}
