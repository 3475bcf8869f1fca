/* traceroute --json: NDJSON, one object per line: `start`, one `hop` per
 * hop once all its probes are settled, `end`.  The schema is
 * docs/json-schema.md; change both together. */
#include <string.h>
#include <arpa/inet.h>

#include "ping_json.h"          /* report_addr */
#include "trace_json.h"
#include "trace_text.h"         /* report_trace_annotation */
#include "../wire/wire.h"

const char *report_trace_method(enum probe_method m)
{
	return m == PROBE_ICMP ? "icmp" : m == PROBE_TCP ? "tcp" : "udp";
}

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

static bool same_addr(const struct sockaddr_storage *a,
		      const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
	return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
	       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
}

static void on_start(struct report_trace_json *r, const struct trace *t)
{
	struct json_writer *w = &r->w;
	const struct probe_socks *ps = t->socks;
	bool port = t->cfg.method != PROBE_ICMP;

	json_obj_begin(w);
	json_kv_str(w, "type", "start");
	json_kv_int(w, "schema_version", REPORT_JSON_SCHEMA_VERSION);
	json_kv_str(w, "command", "traceroute");
	json_kv_str(w, "target", r->cfg.host);
	json_kv_str(w, "canonical_name", r->cfg.canon ? r->cfg.canon : r->cfg.host);
	kv_addr(w, "address", (const struct sockaddr *)&t->dst);
	json_kv_str(w, "family", t->family == AF_INET6 ? "inet6" : "inet");
	kv_addr(w, "source", ps ? (const struct sockaddr *)&ps->src : NULL);
	json_kv_uint(w, "data_size", t->data_len);
	json_key(w, "ttl");
	json_null(w);           /* every probe has its own */
	json_kv_str(w, "socket", ps && ps->tx.kind == SOCK_KIND_DGRAM ?
				 "dgram" : "raw");
	json_key(w, "timestamp");
	json_seconds(w, t->wall_start.tv_sec, t->wall_start.tv_nsec);
	json_kv_str(w, "method", report_trace_method(t->cfg.method));
	kv_int_or_null(w, "port", port, t->dport);
	json_kv_uint(w, "first_hop", t->cfg.first_ttl);
	json_kv_uint(w, "max_hops", t->cfg.max_ttl);
	json_kv_uint(w, "probes_per_hop", t->cfg.nqueries);
	json_kv_uint(w, "packet_size", trace_packet_len(t));
	json_kv_bool(w, "paris", t->paris);
	json_obj_end(w);
	json_end_line(w);
}

static const char *answer_name(const struct trace_probe *p)
{
	switch (p->answer) {
	case TRACE_ANS_NONE:
		return "none";
	case TRACE_ANS_ICMP:
		return "icmp_error";
	case TRACE_ANS_ECHO:
		return "echo_reply";
	case TRACE_ANS_TCP:
		return p->tcp_flags & WIRE_TCP_RST ? "tcp_rst" : "tcp_syn_ack";
	case TRACE_ANS_LOCAL:
		return "local_error";
	}
	return "none";
}

/* The MTU an answer names: "fragmentation needed", "packet too big", or
 * our own first link (refused locally); with --mtu, the MTU the probe was
 * shrunk to on its way (text's "F="); 0 when none. */
static uint32_t answer_mtu(int family, const struct trace_probe *p)
{
	if (p->new_mtu && p->answer != TRACE_ANS_NONE)
		return p->new_mtu;
	if (p->answer == TRACE_ANS_LOCAL)
		return p->info;
	if (p->answer != TRACE_ANS_ICMP)
		return 0;
	if (family == AF_INET6)
		return p->type == WIRE_ICMP6_PACKET_TOO_BIG ? p->info : 0;
	return p->type == WIRE_ICMP4_UNREACH && p->code == 4 ? p->info : 0;
}

static void mpls_array(struct json_writer *w, const struct trace_probe *p)
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

static void probe_obj(struct json_writer *w, const struct trace *t,
		      const struct trace_probe *p)
{
	bool answered = p->answer != TRACE_ANS_NONE;
	bool icmp = p->answer == TRACE_ANS_ICMP || p->answer == TRACE_ANS_ECHO;
	bool from = answered && p->answer != TRACE_ANS_LOCAL && p->fromlen;
	uint32_t mtu = answer_mtu(t->family, p);
	char note[32] = "";

	if (p->answer == TRACE_ANS_ICMP || p->answer == TRACE_ANS_LOCAL)
		report_trace_annotation(note, sizeof(note), t->family, p);
	json_obj_begin(w);
	kv_addr(w, "from", from ? (const struct sockaddr *)&p->from : NULL);
	json_key(w, "rtt_ms");
	if (answered)
		json_ms(w, p->rtt_ns);
	else
		json_null(w);
	kv_int_or_null(w, "ttl", answered && p->recv_ttl >= 0, p->recv_ttl);
	kv_int_or_null(w, "bytes", answered && p->reply_len >= 0, p->reply_len);
	json_kv_str(w, "answer", answer_name(p));
	kv_int_or_null(w, "icmp_type", icmp, p->type);
	kv_int_or_null(w, "icmp_code", icmp, p->code);
	json_kv_str(w, "annotation", note[0] ? note : NULL);
	kv_int_or_null(w, "mtu", mtu > 0, mtu);
	json_kv_bool(w, "final", answered && p->final);
	mpls_array(w, p);
	json_obj_end(w);
}

/* The hop whose probes are t->probes[first .. first + n). */
static void hop_line(struct report_trace_json *r, const struct trace *t,
		     unsigned first, unsigned n)
{
	struct json_writer *w = &r->w;

	if (!n || first >= t->nprobes)
		return;
	json_obj_begin(w);
	json_kv_str(w, "type", "hop");
	json_kv_uint(w, "hop", t->probes[first].ttl);
	json_key(w, "probes");
	json_arr_begin(w);
	for (unsigned i = first; i < first + n && i < t->nprobes; i++)
		probe_obj(w, t, &t->probes[i]);
	json_arr_end(w);
	json_obj_end(w);
	json_end_line(w);
	r->nhops++;
	r->last_hop = t->probes[first].ttl;
}

static void on_probe(struct report_trace_json *r, const struct trace *t,
		     const struct trace_probe *p)
{
	unsigned idx = (unsigned)(p - t->probes);

	if (!r->hop_seen)
		r->hop_first = idx;
	r->hop_seen++;
	r->nprobes++;
	if (p->answer != TRACE_ANS_NONE)
		r->nanswered++;
	if (p->answer != TRACE_ANS_NONE && p->final) {
		r->final_seen = true;
		if (p->fromlen && same_addr(&p->from, &t->dst))
			r->reached = true;
	}
	if (p->query + 1 >= t->cfg.nqueries) {
		hop_line(r, t, r->hop_first, r->hop_seen);
		r->hop_seen = 0;
	}
}

/* Why the run stopped. */
static const char *stop_reason(const struct report_trace_json *r,
			       const struct trace *t)
{
	if (t->error)
		return "error";
	if (r->final_seen)
		return r->reached ? "destination" : "unreachable";
	if (r->last_hop >= t->cfg.max_ttl)
		return "max_hops";
	return "interrupted";
}

static void on_end(struct report_trace_json *r, const struct trace *t)
{
	struct json_writer *w = &r->w;

	/* A hop cut short (a send failed): what was settled of it. */
	if (r->hop_seen) {
		hop_line(r, t, r->hop_first, r->hop_seen);
		r->hop_seen = 0;
	}
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

void report_trace_json_on_event(void *ctx, const struct trace_event *ev)
{
	struct report_trace_json *r = ctx;

	switch (ev->type) {
	case TRACE_EV_START:
		on_start(r, ev->trace);
		break;
	case TRACE_EV_PROBE:
		on_probe(r, ev->trace, ev->probe);
		break;
	case TRACE_EV_END:
		on_end(r, ev->trace);
		break;
	case TRACE_EV_ANSWER:       /* in hop order only */
		break;
	}
}
