/* traceroute --format=atlas: the run as one RIPE Atlas traceroute result,
 * printed at the end.  Field names, types and the codes of "err" follow
 * the Atlas result format (traceroute, firmware 4750 and later) and what
 * the Atlas probe's own traceroute writes; docs/json-schema.md has the
 * mapping.  Each settled probe's event is kept (copied) until the end. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "ping_json.h"          /* report_addr */
#include "trace_json.h"
#include "../wire/bytes.h"
#include "../wire/wire.h"

/* The Atlas result-format version whose traceroute fields this follows. */
#define ATLAS_FW 4750

void report_trace_atlas_init(struct report_trace_atlas *r,
			     const struct report_trace_machine_cfg *cfg)
{
	memset(r, 0, sizeof(r[0]));
	r->cfg = *cfg;
}

/* "icmpext": the extension structure as the Atlas probe writes it:
 * version, whether the sender gave the RFC 4884 length, and each object's
 * class and type, with the label stack of an MPLS object. */
static void icmpext(struct json_writer *w, const struct event *p)
{
	struct wire_icmp_ext x;

	if (!p->ext_len || wire_icmp_ext_parse(p->ext, p->ext_len, &x) < 0)
		return;
	json_key(w, "icmpext");
	json_obj_begin(w);
	json_kv_uint(w, "version", p->ext[0] >> 4);
	json_kv_uint(w, "rfc4884", p->ext_rfc4884 ? 1 : 0);
	json_key(w, "obj");
	json_arr_begin(w);
	for (unsigned i = 0; i < x.nobj && i < WIRE_EXT_MAX_OBJ; i++) {
		const struct wire_ext_obj *o = &x.obj[i];

		json_obj_begin(w);
		json_kv_uint(w, "class", o->cls);
		json_kv_uint(w, "type", o->ctype);
		if (o->cls == 1 && o->ctype == 1) {
			json_key(w, "mpls");
			json_arr_begin(w);
			for (size_t k = 0; k + 4 <= o->len; k += 4) {
				uint32_t e = wire_get32(o->data + k);

				json_obj_begin(w);
				json_kv_uint(w, "label", e >> 12);
				json_kv_uint(w, "exp", (e >> 9) & 7);
				json_kv_uint(w, "s", (e >> 8) & 1);
				json_kv_uint(w, "ttl", e & 0xff);
				json_obj_end(w);
			}
			json_arr_end(w);
		}
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}

/* "err" and "mtu" of an ICMP error, as the Atlas probe writes them:
 * unreachable codes as letters (N network, H host, A prohibited, P
 * protocol, h beyond scope, p port for ICMP probes), other unreachable
 * codes as a number; time exceeded and the destination's port
 * unreachable (the normal end of a UDP trace) without one.  Atlas knows
 * no other error types; echolot writes "<type>-<code>" for those. */
static void icmp_err(struct json_writer *w, const struct event *p)
{
	const char *s = NULL;
	char buf[16];
	int code = -1;

	if (p->family == AF_INET6) {
		switch (p->icmp_type) {
		case WIRE_ICMP6_TIMXCEED:
			return;
		case WIRE_ICMP6_PACKET_TOO_BIG:
			json_kv_uint(w, "mtu", p->icmp_info);
			return;
		case WIRE_ICMP6_UNREACH:
			switch (p->icmp_code) {
			case 0: s = "N"; break;
			case 1: s = "A"; break;
			case 2: s = "h"; break;
			case 3: s = "H"; break;
			case 4: return;
			default: code = p->icmp_code; break;
			}
			break;
		default:
			break;
		}
	} else {
		switch (p->icmp_type) {
		case WIRE_ICMP4_TIMXCEED:
			return;
		case WIRE_ICMP4_UNREACH:
			switch (p->icmp_code) {
			case 0: s = "N"; break;
			case 1: s = "H"; break;
			case 2: s = "P"; break;
			case 3:
				if (p->trace->proto != IPPROTO_ICMP)
					return;
				s = "p";
				break;
			case 4:
				json_kv_uint(w, "mtu", p->icmp_info);
				return;
			case 13: s = "A"; break;
			default: code = p->icmp_code; break;
			}
			break;
		default:
			break;
		}
	}
	json_key(w, "err");
	if (s) {
		json_str(w, s);
	} else if (code >= 0) {
		json_int(w, code);
	} else {
		snprintf(buf, sizeof(buf), "%u-%u", p->icmp_type, p->icmp_code);
		json_str(w, buf);
	}
}

static void tcp_flags(struct json_writer *w, uint8_t f)
{
	char buf[8];
	size_t n = 0;

	/* The Atlas probe's order: F S R P A U. */
	if (f & WIRE_TCP_FIN) buf[n++] = 'F';
	if (f & WIRE_TCP_SYN) buf[n++] = 'S';
	if (f & WIRE_TCP_RST) buf[n++] = 'R';
	if (f & WIRE_TCP_PSH) buf[n++] = 'P';
	if (f & WIRE_TCP_ACK) buf[n++] = 'A';
	if (f & 0x20) buf[n++] = 'U';          /* URG */
	buf[n] = '\0';
	json_kv_str(w, "flags", buf);
}

static void reply(struct json_writer *w, const struct event *p)
{
	char a[INET6_ADDRSTRLEN], line[96];

	json_obj_begin(w);
	if (p->answer == EV_ANS_LOCAL) {
		/* Refused by our own kernel (-F, bigger than the first link):
		 * the Atlas probe's words for a send that failed. */
		snprintf(line, sizeof(line), "sendto failed: %s, mtu=%u",
			 strerror(EMSGSIZE), (unsigned)p->icmp_info);
		json_kv_str(w, "error", line);
	} else if (p->answer == EV_ANS_NONE || !p->fromlen ||
		   !report_addr(p->from, a, sizeof(a))) {
		json_kv_str(w, "x", "*");
	} else {
		/* "size": what follows the ICMP (8) or TCP (20) header. */
		int hdr = p->answer == EV_ANS_TCP ? 20 : 8;

		json_kv_str(w, "from", a);
		if (p->ttl >= 0)
			json_kv_int(w, "ttl", p->ttl);
		if (p->reply_len >= 0)
			json_kv_int(w, "size", p->reply_len > hdr ?
					       p->reply_len - hdr : 0);
		if (p->answer == EV_ANS_TCP)
			tcp_flags(w, p->tcp_flags);
		json_kv_ms(w, "rtt", p->rtt_ns);
		if (p->answer == EV_ANS_ICMP)
			icmp_err(w, p);
		icmpext(w, p);
	}
	json_obj_end(w);
}

static void hop_begin(struct json_writer *w, unsigned ttl)
{
	json_obj_begin(w);
	json_kv_uint(w, "hop", ttl);
	json_key(w, "result");
	json_arr_begin(w);
}

static void hop_end(struct json_writer *w)
{
	json_arr_end(w);
	json_obj_end(w);
}

static void results(struct report_trace_atlas *r, struct json_writer *w,
		    const struct event *end)
{
	const struct event_trace *t = end->trace;
	unsigned open = 0;
	char line[160];

	json_key(w, "result");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n; i++) {
		const struct event *p = &r->probes[i].ev;

		if (p->hop != open) {
			if (open)
				hop_end(w);
			hop_begin(w, p->hop);
			open = p->hop;
		}
		reply(w, p);
	}
	if (t->error) {
		/* The run stopped: the error where it stopped, as the Atlas
		 * probe puts it, in the hop of the next probe. */
		unsigned ttl = r->n ? r->probes[r->n - 1].ev.hop : t->first_ttl;

		if (r->n && r->probes[r->n - 1].ev.query + 1 >= t->nqueries &&
		    ttl < t->max_ttl)
			ttl++;
		if (ttl != open) {
			if (open)
				hop_end(w);
			hop_begin(w, ttl);
			open = ttl;
		}
		json_obj_begin(w);
		snprintf(line, sizeof(line), "sendto failed: %s",
			 strerror(-t->error));
		json_kv_str(w, "error", line);
		json_obj_end(w);
	}
	if (open)
		hop_end(w);
	json_arr_end(w);
}

static void print(struct report_trace_atlas *r, const struct event *ev)
{
	const struct event_trace *t = ev->trace;
	const char *proto = t->proto == IPPROTO_TCP ? "TCP" :
			    t->proto == IPPROTO_UDP ? "UDP" : "ICMP";
	char a[INET6_ADDRSTRLEN];
	struct json_writer w;

	json_init(&w, r->cfg.out);
	json_obj_begin(&w);
	json_kv_int(&w, "fw", ATLAS_FW);
	json_kv_int(&w, "lts", -1);     /* clock sync unknown */
	json_kv_int(&w, "endtime", (int64_t)t->wall_end.tv_sec);
	json_kv_str(&w, "dst_name", r->cfg.host);
	json_kv_str(&w, "dst_addr", report_addr(t->dst, a, sizeof(a)));
	if (t->src && report_addr(t->src, a, sizeof(a)))
		json_kv_str(&w, "src_addr", a);
	json_kv_str(&w, "proto", proto);
	json_kv_int(&w, "af", t->dst->sa_family == AF_INET6 ? 6 : 4);
	json_kv_uint(&w, "size", t->data_len);
	/* One flow for the whole run (Paris): variation 0. */
	if (t->paris)
		json_kv_int(&w, "paris_id", 0);
	results(r, &w, ev);
	/* Not an Atlas measurement nor an Atlas probe; parsers such as
	 * ripe-atlas-sagan want both keys. */
	json_kv_int(&w, "msm_id", 0);
	json_kv_int(&w, "prb_id", 0);
	json_kv_int(&w, "timestamp", (int64_t)t->wall_start.tv_sec);
	json_kv_str(&w, "msm_name", "Traceroute");
	json_kv_str(&w, "type", "traceroute");
	json_obj_end(&w);
	json_end_line(&w);
}

void report_trace_keep(struct report_trace_kept *k, const struct event *ev)
{
	k->ev = *ev;
	if (ev->from && ev->fromlen <= sizeof(k->from)) {
		memcpy(&k->from, ev->from, ev->fromlen);
		k->ev.from = (const struct sockaddr *)&k->from;
	} else {
		k->ev.from = NULL;
		k->ev.fromlen = 0;
	}
	k->ev.ext_len = ev->ext_len <= sizeof(k->ext) ? ev->ext_len : 0;
	if (k->ev.ext_len)
		memcpy(k->ext, ev->ext, k->ev.ext_len);
	k->ev.ext = k->ext;
	/* Pointers into the engine's buffers are not kept. */
	k->ev.to = NULL;
	k->ev.data = NULL;
	k->ev.data_len = 0;
	k->ev.ip_opts = NULL;
	k->ev.ip_opts_len = 0;
}

/* Keep a settled probe for the end. */
static void keep(struct report_trace_atlas *r, const struct event *ev)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		struct report_trace_kept *n = realloc(r->probes, cap * sizeof(*n));

		if (!n) {
			r->lost++;
			return;
		}
		r->probes = n;
		r->cap = cap;
	}
	report_trace_keep(&r->probes[r->n++], ev);
}

void report_trace_atlas_free(struct report_trace_atlas *r)
{
	free(r->probes);
	r->probes = NULL;
	r->n = r->cap = 0;
}

void report_trace_atlas_on_event(void *ctx, const struct event *ev)
{
	struct report_trace_atlas *r = ctx;

	if (!ev->trace)
		return;
	switch (ev->type) {
	case EV_START:
		r->n = 0;
		break;
	case EV_PROBE:
		keep(r, ev);
		break;
	case EV_END:
		print(r, ev);
		break;
	default:        /* in hop order only */
		break;
	}
}
