/* traceroute's text, as Linux traceroute 2.1.x prints it:
 *
 *   traceroute to target (198.18.4.2), 30 hops max, 60 byte packets
 *    1  r1 (198.18.1.2)  0.123 ms  0.101 ms  0.099 ms
 *    2  * * *
 *    3  198.18.3.2 (198.18.3.2)  0.201 ms !H  0.190 ms !H  *
 *
 * A hop line is "%2u " and then, per probe, " *" for silence, or the
 * address (when it is the hop's first answer or differs from the last
 * one), "  %.3f ms" and the annotation. */
#include <arpa/inet.h>
#include <string.h>

#include "report.h"
#include "trace_text.h"
#include "../wire/addr.h"
#include "../wire/bytes.h"
#include "../wire/wire.h"

void report_trace_init(struct report_trace *r, const struct report_trace_cfg *cfg)
{
	memset(r, 0, sizeof(*r));
	r->cfg = *cfg;
}

void report_trace_header(struct report_trace *r)
{
	report_trace_header_start(r);
	fputc('\n', r->cfg.out);
	fflush(r->cfg.out);
}

void report_trace_header_start(struct report_trace *r)
{
	char num[INET6_ADDRSTRLEN];

	/* A link-local destination with its scope, as traceroute. */
	fprintf(r->cfg.out, "traceroute to %s (%s), %u hops max, %zu byte packets",
		r->cfg.host, report_scoped(r->cfg.dst, report_numeric(r->cfg.dst, num,
								      sizeof(num)),
					   r->cfg.ifnames, r->scoped, sizeof(r->scoped)),
		r->cfg.max_ttl, r->cfg.packet_len);
}

static const char *unreach4(uint8_t code)
{
	switch (code) {
	case 0: case 6: case 8: case 11:
		return "!N";    /* net, net unknown, isolated, net for TOS */
	case 1: case 7: case 12:
		return "!H";    /* host, host unknown, host for TOS */
	case 2:
		return "!P";
	case 3:
		return "";      /* port: the destination answered */
	case 5:
		return "!S";
	case 9: case 10: case 13:
		return "!X";    /* prohibited, filtered */
	case 14:
		return "!V";
	case 15:
		return "!C";
	default:
		return NULL;
	}
}

static const char *unreach6(uint8_t code)
{
	switch (code) {
	case 0:
		return "!N";
	case 1:
		return "!X";
	case 2: case 3:
		return "!H";    /* beyond scope, address unreachable */
	case 4:
		return "";
	default:
		return NULL;
	}
}

int report_trace_annotation(char *buf, size_t len, int family,
			    const struct event *p)
{
	const char *s;

	if (p->answer == EV_ANS_LOCAL)
		return snprintf(buf, len, "!F-%d", (int)p->icmp_info);
	if (p->answer != EV_ANS_ICMP)
		return snprintf(buf, len, "%s", "");
	if (family == AF_INET6) {
		if (p->icmp_type == WIRE_ICMP6_TIMXCEED && p->icmp_code == 0)
			return snprintf(buf, len, "%s", "");
		if (p->icmp_type == WIRE_ICMP6_PACKET_TOO_BIG)
			return snprintf(buf, len, "!F-%d", (int)p->icmp_info);
		if (p->icmp_type == WIRE_ICMP6_UNREACH) {
			s = unreach6(p->icmp_code);
			return s ? snprintf(buf, len, "%s", s) :
				   snprintf(buf, len, "!<%u>", p->icmp_code);
		}
	} else {
		if (p->icmp_type == WIRE_ICMP4_TIMXCEED && p->icmp_code == 0)
			return snprintf(buf, len, "%s", "");
		if (p->icmp_type == WIRE_ICMP4_UNREACH) {
			if (p->icmp_code == 4)
				return snprintf(buf, len, "!F-%d", (int)p->icmp_info);
			s = unreach4(p->icmp_code);
			return s ? snprintf(buf, len, "%s", s) :
				   snprintf(buf, len, "!<%u>", p->icmp_code);
		}
	}
	return snprintf(buf, len, "!<%u-%u>", p->icmp_type, p->icmp_code);
}

/* Append to buf at *off, never past len. */
#define APPEND(...)                                                         \
	do {                                                                \
		int n_ = snprintf(buf + off, len - off, __VA_ARGS__);       \
		if (n_ < 0)                                                 \
			n_ = 0;                                             \
		off += (size_t)n_ < len - off ? (size_t)n_ : len - off - 1; \
	} while (0)

int report_trace_ext(char *buf, size_t len, const uint8_t *ext, size_t ext_len)
{
	struct wire_icmp_ext x;
	size_t off = 0;

	if (len == 0)
		return -1;
	buf[0] = '\0';
	if (!ext_len || wire_icmp_ext_parse(ext, ext_len, &x) < 0 || x.nobj == 0)
		return -1;
	for (unsigned i = 0; i < x.nobj; i++) {
		const struct wire_ext_obj *o = &x.obj[i];
		size_t words = o->len / 4;

		/* traceroute shows no structure with a ragged object. */
		if (o->len % 4) {
			buf[0] = '\0';
			return -1;
		}
		if (i)
			APPEND(";");
		if (o->cls == 1 && o->ctype == 1 && words) {
			APPEND("MPLS:");
			for (size_t k = 0; k < words; k++) {
				uint32_t e = wire_get32(o->data + 4 * k);

				APPEND("%sL=%u,E=%u,S=%u,T=%u", k ? "/" : "",
				       e >> 12, (e >> 9) & 7, (e >> 8) & 1, e & 0xff);
			}
		} else {
			APPEND("%u/%u:", o->cls, o->ctype);
			for (size_t k = 0; k < words; k++)
				APPEND("%s%08x", k ? "," : "", wire_get32(o->data + 4 * k));
		}
	}
	return (int)off;
}

int report_trace_hops_back(int ttl)
{
	return (ttl <= 64 ? 65 : ttl <= 128 ? 129 : 256) - ttl;
}

static void print_probe(struct report_trace *r, const struct event *p)
{
	FILE *f = r->cfg.out;
	char ext[sizeof(r->prev_ext)], note[32];
	int back = 0;

	if (p->query == 0) {
		if (r->line_open)
			fputc('\n', f);
		fprintf(f, "%2u ", p->hop);
		r->line_open = true;
		r->have_prev = false;
	}
	if (p->answer == EV_ANS_LOCAL) {
		/* Our kernel refused it: no one answered, but there is a time
		 * and a reason. */
		fputs(" *", f);
		fprintf(f, "  %.3f ms", (double)p->rtt_ns / 1e6);
		report_trace_annotation(note, sizeof(note), r->cfg.dst->sa_family, p);
		fprintf(f, " %s", note);
	} else if (p->answer == EV_ANS_NONE || !p->fromlen) {
		fputs(" *", f);
	} else {
		ext[0] = '\0';
		if (r->cfg.extensions && p->ext_len)
			report_trace_ext(ext, sizeof(ext), p->ext, p->ext_len);
		if (r->cfg.back && p->ttl > 0)
			back = report_trace_hops_back(p->ttl);
		/* The address again only when it changed within the hop. */
		if (!r->have_prev || !wire_sa_equal((const struct sockaddr *)&r->prev, p->from) ||
		    strcmp(r->prev_ext, ext) || back != r->prev_back) {
			const struct sockaddr *sa = p->from;
			char num[INET6_ADDRSTRLEN];

			const char *text;

			if (r->cfg.numeric || !r->cfg.namer.pretty)
				text = report_numeric(sa, num, sizeof(num));
			else
				text = r->cfg.namer.pretty(r->cfg.namer.ctx, sa, p->fromlen);
			fprintf(f, " %s", report_scoped(sa, text, r->cfg.ifnames,
							r->scoped, sizeof(r->scoped)));
			if (ext[0])
				fprintf(f, " <%s>", ext);
			if (back && back != (int)p->hop)
				fprintf(f, " '-%d'", back);
		}
		r->have_prev = true;
		if (p->fromlen <= sizeof(r->prev))
			memcpy(&r->prev, p->from, p->fromlen);
		memcpy(r->prev_ext, ext, sizeof(ext));
		r->prev_back = back;
		fprintf(f, "  %.3f ms", (double)p->rtt_ns / 1e6);
		/* --mtu: the probe was shrunk to this MTU on its way here. */
		if (p->new_mtu)
			fprintf(f, " F=%u", (unsigned)p->new_mtu);
		report_trace_annotation(note, sizeof(note), r->cfg.dst->sa_family, p);
		if (note[0])
			fprintf(f, " %s", note);
	}
	fflush(f);
}

void report_trace_on_event(void *ctx, const struct event *ev)
{
	struct report_trace *r = ctx;

	if (!ev->trace)
		return;
	switch (ev->type) {
	case EV_PROBE:
		print_probe(r, ev);
		if (ev->query + 1 == ev->trace->nqueries) {
			fputc('\n', r->cfg.out);
			r->line_open = false;
			fflush(r->cfg.out);
		}
		break;
	case EV_END:
		if (r->line_open)
			fputc('\n', r->cfg.out);
		r->line_open = false;
		fflush(r->cfg.out);
		break;
	default:        /* in hop order only */
		break;
	}
}
