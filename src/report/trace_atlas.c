/* traceroute --format=atlas: the run as one RIPE Atlas traceroute result,
 * printed at the end.  Field names, types and the codes of "err" follow
 * the Atlas result format (traceroute, firmware 4750 and later) and what
 * the Atlas probe's own traceroute writes; docs/json-schema.md has the
 * mapping.  The engine keeps every probe until the end, so nothing is
 * stored here but where the settled probes begin and how many there
 * are. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "ping_json.h"          /* report_addr */
#include "trace_json.h"
#include "../wire/wire.h"

/* The Atlas result-format version whose traceroute fields this follows. */
#define ATLAS_FW 4750

void report_trace_atlas_init(struct report_trace_atlas *r,
			     const struct report_trace_machine_cfg *cfg)
{
	memset(r, 0, sizeof(r[0]));
	r->cfg = *cfg;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* "icmpext": the extension structure as the Atlas probe writes it:
 * version, whether the sender gave the RFC 4884 length, and each object's
 * class and type, with the label stack of an MPLS object. */
static void icmpext(struct json_writer *w, const struct trace_probe *p)
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
				uint32_t e = get32(o->data + k);

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
static void icmp_err(struct json_writer *w, const struct trace *t,
		     const struct trace_probe *p)
{
	const char *s = NULL;
	char buf[16];
	int code = -1;

	if (t->family == AF_INET6) {
		switch (p->type) {
		case WIRE_ICMP6_TIMXCEED:
			return;
		case WIRE_ICMP6_PACKET_TOO_BIG:
			json_kv_uint(w, "mtu", p->info);
			return;
		case WIRE_ICMP6_UNREACH:
			switch (p->code) {
			case 0: s = "N"; break;
			case 1: s = "A"; break;
			case 2: s = "h"; break;
			case 3: s = "H"; break;
			case 4: return;
			default: code = p->code; break;
			}
			break;
		default:
			break;
		}
	} else {
		switch (p->type) {
		case WIRE_ICMP4_TIMXCEED:
			return;
		case WIRE_ICMP4_UNREACH:
			switch (p->code) {
			case 0: s = "N"; break;
			case 1: s = "H"; break;
			case 2: s = "P"; break;
			case 3:
				if (t->cfg.method != PROBE_ICMP)
					return;
				s = "p";
				break;
			case 4:
				json_kv_uint(w, "mtu", p->info);
				return;
			case 13: s = "A"; break;
			default: code = p->code; break;
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
		snprintf(buf, sizeof(buf), "%u-%u", p->type, p->code);
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

static void reply(struct json_writer *w, const struct trace *t,
		  const struct trace_probe *p)
{
	char a[INET6_ADDRSTRLEN], line[96];

	json_obj_begin(w);
	if (p->answer == TRACE_ANS_LOCAL) {
		/* Refused by our own kernel (-F, bigger than the first link):
		 * the Atlas probe's words for a send that failed. */
		snprintf(line, sizeof(line), "sendto failed: %s, mtu=%u",
			 strerror(EMSGSIZE), (unsigned)p->info);
		json_kv_str(w, "error", line);
	} else if (p->answer == TRACE_ANS_NONE || !p->fromlen ||
		   !report_addr((const struct sockaddr *)&p->from, a, sizeof(a))) {
		json_kv_str(w, "x", "*");
	} else {
		/* "size": what follows the ICMP (8) or TCP (20) header. */
		int hdr = p->answer == TRACE_ANS_TCP ? 20 : 8;

		json_kv_str(w, "from", a);
		if (p->recv_ttl >= 0)
			json_kv_int(w, "ttl", p->recv_ttl);
		if (p->reply_len >= 0)
			json_kv_int(w, "size", p->reply_len > hdr ?
					       p->reply_len - hdr : 0);
		if (p->answer == TRACE_ANS_TCP)
			tcp_flags(w, p->tcp_flags);
		json_kv_ms(w, "rtt", p->rtt_ns);
		if (p->answer == TRACE_ANS_ICMP)
			icmp_err(w, t, p);
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
		    const struct trace *t)
{
	unsigned end = r->first + r->nseen, open = 0;
	char line[160];

	if (end > t->nprobes)
		end = t->nprobes;
	json_key(w, "result");
	json_arr_begin(w);
	for (unsigned i = r->first; i < end; i++) {
		const struct trace_probe *p = &t->probes[i];

		if (p->ttl != open) {
			if (open)
				hop_end(w);
			hop_begin(w, p->ttl);
			open = p->ttl;
		}
		reply(w, t, p);
	}
	if (t->error) {
		/* The run stopped: the error where it stopped, as the Atlas
		 * probe puts it, in the hop of the next probe. */
		unsigned ttl = end < t->nprobes ? t->probes[end].ttl :
			       t->cfg.max_ttl;

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

static void print(struct report_trace_atlas *r, const struct trace *t)
{
	const struct probe_socks *ps = t->socks;
	const char *proto = t->cfg.method == PROBE_ICMP ? "ICMP" :
			    t->cfg.method == PROBE_TCP ? "TCP" : "UDP";
	char a[INET6_ADDRSTRLEN];
	struct json_writer w;

	json_init(&w, r->cfg.out);
	json_obj_begin(&w);
	json_kv_int(&w, "fw", ATLAS_FW);
	json_kv_int(&w, "lts", -1);     /* clock sync unknown */
	json_kv_int(&w, "endtime", (int64_t)t->wall_end.tv_sec);
	json_kv_str(&w, "dst_name", r->cfg.host);
	json_kv_str(&w, "dst_addr",
		    report_addr((const struct sockaddr *)&t->dst, a, sizeof(a)));
	if (ps && report_addr((const struct sockaddr *)&ps->src, a, sizeof(a)))
		json_kv_str(&w, "src_addr", a);
	json_kv_str(&w, "proto", proto);
	json_kv_int(&w, "af", t->family == AF_INET6 ? 6 : 4);
	json_kv_uint(&w, "size", t->data_len);
	/* One flow for the whole run (Paris): variation 0. */
	if (t->paris)
		json_kv_int(&w, "paris_id", 0);
	results(r, &w, t);
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

void report_trace_atlas_on_event(void *ctx, const struct trace_event *ev)
{
	struct report_trace_atlas *r = ctx;
	const struct trace *t = ev->trace;

	switch (ev->type) {
	case TRACE_EV_START:
		r->first = 0;
		r->nseen = 0;
		break;
	case TRACE_EV_PROBE:
		if (!r->nseen)
			r->first = (unsigned)(ev->probe - t->probes);
		r->nseen++;
		break;
	case TRACE_EV_END:
		print(r, t);
		break;
	case TRACE_EV_ANSWER:       /* in hop order only */
		break;
	}
}
