/* ping's text, as iputils prints it. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "../wire/ni.h"
#include "../wire/wire.h"

void report_ping_init(struct report_ping *r, const struct report_ping_cfg *cfg)
{
	memset(r, 0, sizeof(*r));
	r->cfg = *cfg;
}

static const char *pretty(struct report_ping *r, const struct sockaddr *sa,
			  socklen_t len)
{
	static char buf[INET6_ADDRSTRLEN];
	const char *text;

	if (r->cfg.namer.pretty)
		text = r->cfg.namer.pretty(r->cfg.namer.ctx, sa, len);
	else
		text = report_numeric(sa, buf, sizeof(buf));
	/* A link-local address with its scope, as iputils (getnameinfo)
	 * shows it: fe80::1%eth0. */
	return report_scoped(sa, text, r->cfg.ifnames, r->scoped, sizeof(r->scoped));
}

/* Reply times in microseconds, rounded to three significant digits the
 * way iputils does: 0.045, 1.23, 12.3, 123. */
int report_fmt_rtt(char *buf, size_t len, int64_t rtt_ns, bool precise)
{
	int64_t us = (rtt_ns + 500) / 1000;

	if (us < 0)
		us = 0;
	if (precise)
		return snprintf(buf, len, "%" PRId64 ".%03" PRId64, us / 1000,
				us % 1000);
	if (us >= 100000 - 50)
		return snprintf(buf, len, "%" PRId64, (us + 500) / 1000);
	if (us >= 10000 - 5)
		return snprintf(buf, len, "%" PRId64 ".%01" PRId64,
				(us + 50) / 1000, ((us + 50) % 1000) / 100);
	if (us >= 1000)
		return snprintf(buf, len, "%" PRId64 ".%02" PRId64,
				(us + 5) / 1000, ((us + 5) % 1000) / 10);
	return snprintf(buf, len, "%" PRId64 ".%03" PRId64, us / 1000, us % 1000);
}

void report_ping_header(struct report_ping *r)
{
	const struct report_ping_cfg *c = &r->cfg;
	char a[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN];

	/* iputils prints the pattern as it parses -p, before the header. */
	if (c->patlen && !c->quiet) {
		fprintf(c->out, "PATTERN: 0x");
		for (size_t i = 0; i < c->patlen; i++)
			fprintf(c->out, "%02x", c->pattern[i]);
		fprintf(c->out, "\n");
	}
	if (c->tcp_port) {
		/* --tcp: no iputils line to follow; the same shape. */
		fprintf(c->out, "PING %s (%s) port %d: TCP SYN probes.\n",
			c->dst->sa_family == AF_INET6 ? c->host : c->canon,
			report_numeric(c->dst, a, sizeof(a)), c->tcp_port);
	} else if (c->dst->sa_family == AF_INET6) {
		/* iputils names an IPv6 target as typed, no space. */
		fprintf(c->out, "PING %s(%s) ", c->host,
			pretty(r, c->dst, c->dstlen));
		if (c->has_flowlabel)
			fprintf(c->out, ", flow 0x%05x, ", c->flowlabel);
		if (c->device || c->src)
			fprintf(c->out, "from %s %s: ",
				c->src ? report_scoped(c->src, report_numeric(c->src, s, sizeof(s)),
						       c->ifnames, r->scoped, sizeof(r->scoped)) : "::",
				c->device ? c->device : "");
		fprintf(c->out, "%zu data bytes\n", c->datalen);
	} else {
		fprintf(c->out, "PING %s (%s) ", c->canon,
			report_numeric(c->dst, a, sizeof(a)));
		if (c->device || c->src)
			fprintf(c->out, "from %s %s: ",
				c->src ? report_numeric(c->src, s, sizeof(s)) : "0.0.0.0",
				c->device ? c->device : "");
		fprintf(c->out, "%zu(%zu) bytes of data.\n", c->datalen,
			c->datalen + 8 + 20 + c->ip_optlen);
	}
}

static void stamp(struct report_ping *r, const struct event *ev)
{
	if (r->cfg.timestamps && ev->has_when)
		fprintf(r->cfg.out, "[%ld.%06ld] ", (long)ev->when.tv_sec,
			(long)(ev->when.tv_nsec / 1000));
}

/* Through stdio and flushed at once, one write as before, so that a
 * failure sets the stream's error flag the end of the run checks. */
static void flood_char(struct report_ping *r, const char *s, size_t n)
{
	fwrite(s, 1, n, r->cfg.out);
	fflush(r->cfg.out);
}

static void opt_addr(struct report_ping *r, const uint8_t *p)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	memcpy(&sin.sin_addr, p, 4);
	if (sin.sin_addr.s_addr == 0)
		fprintf(r->cfg.out, "\t0.0.0.0");
	else
		fprintf(r->cfg.out, "\t%s",
			pretty(r, (struct sockaddr *)&sin, sizeof(sin)));
}

/* A route option's recorded addresses (RR, LSRR, SSRR): as many 4-byte
 * entries as the pointer says were filled, never past the option. */
static void opt_route(struct report_ping *r, const struct wire_ip4_opt *o,
		      const char *title)
{
	const uint8_t *p = o->data + 1;
	size_t avail = o->data_len ? o->data_len - 1 : 0;
	long i = (long)(o->data[0] > o->len ? o->len : o->data[0]) - 4;

	fputs(title, r->cfg.out);
	for (size_t at = 0; i > 0 && at + 4 <= avail; at += 4, i -= 4) {
		opt_addr(r, p + at);
		fputc('\n', r->cfg.out);
	}
}

/* IPv4 options of a reply, as iputils shows them whether or not it asked
 * for any: record route (or "(same route)"), timestamps, source routes,
 * NOPs, unknown ones. */
static void print_ip_opts(struct report_ping *r, const struct event *ev)
{
	struct wire_ip4_opt o;
	size_t off = 0;

	while (wire_ip4_opt_next(ev->ip_opts, ev->ip_opts_len, &off, &o) == 1) {
		switch (o.type) {
		case WIRE_IPOPT_NOP:
			fprintf(r->cfg.out, "\nNOP");
			break;
		case WIRE_IPOPT_RR: {
			long i;

			if (o.data_len < 1)
				break;
			i = (long)(o.data[0] > o.len ? o.len : o.data[0]) - 4;
			if (i <= 0)
				break;
			if ((size_t)i > o.data_len - 1)
				i = (long)o.data_len - 1;
			if ((size_t)i == r->old_rrlen &&
			    !memcmp(o.data + 1, r->old_rr, (size_t)i) && !r->cfg.flood) {
				fprintf(r->cfg.out, "\t(same route)");
				break;
			}
			r->old_rrlen = (size_t)i < sizeof(r->old_rr) ? (size_t)i : 0;
			memcpy(r->old_rr, o.data + 1, r->old_rrlen);
			opt_route(r, &o, "\nRR: ");
			break;
		}
		case WIRE_IPOPT_LSRR:
		case WIRE_IPOPT_SSRR:
			if (o.data_len >= 1)
				opt_route(r, &o, o.type == WIRE_IPOPT_SSRR ? "\nSSRR: " :
									     "\nLSRR: ");
			break;
		case WIRE_IPOPT_TS: {
			const uint8_t *p;
			size_t avail, at = 0;
			long i, stdtime = 0, nonstd = 0;
			uint8_t flags;

			if (o.data_len < 2)
				break;
			i = (long)(o.data[0] > o.len ? o.len : o.data[0]) - 5;
			if (i <= 0)
				break;
			flags = o.data[1];
			p = o.data + 2;
			avail = o.data_len - 2;
			fprintf(r->cfg.out, "\nTS: ");
			while (i > 0) {
				long l;

				if ((flags & 0x0f) != 0) {      /* not timestamps only */
					if (at + 4 > avail)
						break;
					opt_addr(r, p + at);
					at += 4;
					i -= 4;
					if (i <= 0)
						break;
				}
				if (at + 4 > avail)
					break;
				l = (long)((uint32_t)p[at] << 24 | (uint32_t)p[at + 1] << 16 |
					   (uint32_t)p[at + 2] << 8 | p[at + 3]);
				at += 4;
				if (l & 0x80000000L) {
					l &= 0x7fffffffL;
					if (nonstd == 0)
						fprintf(r->cfg.out, "\t%ld absolute not-standard", l);
					else
						fprintf(r->cfg.out, "\t%ld not-standard", l - nonstd);
					nonstd = l;
				} else {
					if (stdtime == 0)
						fprintf(r->cfg.out, "\t%ld absolute", l);
					else
						fprintf(r->cfg.out, "\t%ld", l - stdtime);
					stdtime = l;
				}
				i -= 4;
				fputc('\n', r->cfg.out);
			}
			if (flags >> 4)
				fprintf(r->cfg.out, "Unrecorded hops: %d\n", flags >> 4);
			break;
		}
		default:
			fprintf(r->cfg.out, "\nunknown option %x", o.type);
			break;
		}
	}
}

static const char *seq_name(const struct report_ping_cfg *c)
{
	return c->tcp_port ? "tcp_seq" : "icmp_seq";
}

static void on_reply(struct report_ping *r, const struct event *ev)
{
	const struct report_ping_cfg *c = &r->cfg;
	char t[32];

	if (c->quiet)
		return;
	if (c->flood) {
		flood_char(r, "\b \b", 3);
		return;
	}
	stamp(r, ev);
	if (ev->answer == EV_ANS_TCP) {
		/* A SYN-ACK: the port is open; a RST: closed, but the host
		 * answered. */
		fprintf(c->out, "%zu bytes from %s: tcp_seq=%u port %d %s", ev->bytes,
			pretty(r, ev->from, ev->fromlen), ev->seq, c->tcp_port,
			ev->tcp_flags & WIRE_TCP_RST ? "closed" : "open");
	} else if (ev->family == AF_INET6 && ev->icmp_type == WIRE_ICMP6_NI_REPLY) {
		/* ping6 -N: what the node said in place of icmp_seq. */
		fprintf(c->out, "%zu bytes from %s:", ev->bytes,
			pretty(r, ev->from, ev->fromlen));
		report_ni_reply(c->out, ev->data, ev->data_len);
	} else {
		fprintf(c->out, "%zu bytes from %s: icmp_seq=%u", ev->bytes,
			pretty(r, ev->from, ev->fromlen), ev->seq);
	}
	if (c->verbose && ev->ident >= 0)
		fprintf(c->out, " ident=%d", ev->ident);
	if (ev->ttl >= 0)
		fprintf(c->out, " ttl=%d", ev->ttl);
	if (ev->truncated) {
		/* A reply too short for our tag is no reply of ours. */
		fprintf(c->out, ev->bad_tag ? " (truncated) (BAD TAG!)\n" :
					      " (truncated)\n");
		fflush(c->out);
		return;
	}
	if (ev->has_rtt && !c->untimed) {
		report_fmt_rtt(t, sizeof(t), ev->rtt_ns, c->precise);
		fprintf(c->out, " time=%s ms", t);
	}
	if (ev->dup)
		fprintf(c->out, " (DUP!)");
	if (ev->bad_cksum)
		fprintf(c->out, " (BAD CHECKSUM!)");
	/* Our number, not our tag: forged, replayed or altered on the way. */
	if (ev->bad_tag)
		fprintf(c->out, " (BAD TAG!)");
	if (ev->other_addr)
		fprintf(c->out, " (DIFFERENT ADDRESS!)");
	if (ev->wrong_byte >= 0) {
		fprintf(c->out, "\nwrong data byte #%ld should be 0x%x but was 0x%x",
			ev->wrong_byte, ev->wrong_expected, ev->wrong_got);
		for (size_t i = ev->data_skip; i < ev->data_len && i < c->datalen; i++) {
			if (i % 32 == ev->data_skip)
				fprintf(c->out, "\n#%zu\t", i);
			fprintf(c->out, "%x ", ev->data[i]);
		}
	}
	if (c->audible)
		fputc('\a', c->out);
	if (ev->ip_opts_len)
		print_ip_opts(r, ev);
	fputc('\n', c->out);
	fflush(c->out);
}

static void on_error(struct report_ping *r, const struct event *ev)
{
	const struct report_ping_cfg *c = &r->cfg;
	char text[160] = "";

	if (c->quiet)
		return;
	if (c->flood) {
		if (!ev->notice)
			flood_char(r, "\bE", 2);
		return;
	}
	if (ev->bad_cksum)      /* only advice gets this far (engine) */
		snprintf(text, sizeof(text), "(BAD CHECKSUM)");
	report_error_text(text + strlen(text), sizeof(text) - strlen(text), ev);
	stamp(r, ev);
	if (ev->from)
		/* Advice (redirect, quench) has a colon after the address. */
		fprintf(c->out, ev->notice ? "From %s: %s=%u %s\n" :
					     "From %s %s=%u %s\n",
			pretty(r, ev->from, ev->fromlen), seq_name(c), ev->seq, text);
	else
		fprintf(c->out, "From %s=%u %s\n", seq_name(c), ev->seq, text);
	fflush(c->out);
}

static void on_local_error(struct report_ping *r, const struct event *ev)
{
	const struct report_ping_cfg *c = &r->cfg;
	const char *prog = c->prog ? c->prog : "ping";

	if (c->quiet_send_einval && ev->icmp_code == EV_LOCAL_FROM_SEND &&
	    ev->err == EINVAL)
		return;
	if (c->quiet)
		return;
	if (c->flood) {
		flood_char(r, "E", 1);
		return;
	}
	fflush(c->out);
	if (ev->icmp_code == EV_LOCAL_FROM_QUEUE) {
		if (ev->err == EMSGSIZE)
			fprintf(stderr, ev->family == AF_INET6 ?
				"%s: local error: message too long, mtu: %u\n" :
				"%s: local error: message too long, mtu=%u\n",
				prog, ev->icmp_info);
		else
			fprintf(stderr, "%s: local error: %s\n", prog, strerror(ev->err));
	} else {
		fprintf(stderr, "%s: sendmsg: %s\n", prog, strerror(ev->err));
	}
}

/* -v: why a packet was not credited to a probe. */
static void on_foreign(struct report_ping *r, const struct event *ev)
{
	static const char *const why[] = {
		[EV_FOREIGN_OTHER] = "not an answer to our probes",
		[EV_FOREIGN_ID] = "another program's identifier",
		[EV_FOREIGN_UNSENT] = "a sequence number we did not send, or no longer remember",
		[EV_FOREIGN_TAG] = "our sequence number but not our tag: forged or replayed",
		[EV_FOREIGN_ADDR] = "an error about a probe to another address",
		[EV_FOREIGN_CKSUM] = "an ICMP error with a bad checksum",
	};
	const struct report_ping_cfg *c = &r->cfg;
	unsigned w = (unsigned)ev->foreign;

	if (!c->verbose || c->quiet || c->flood || !ev->from)
		return;
	stamp(r, ev);
	fprintf(c->out, "From %s: %s=%u dropped: %s\n", pretty(r, ev->from, ev->fromlen),
		seq_name(c), ev->seq,
		w < sizeof(why) / sizeof(why[0]) && why[w] ? why[w] : why[0]);
	fflush(c->out);
}

static void status_line(struct report_ping *r)
{
	const struct stats *s = r->cfg.stats;
	long loss = s->transmitted ?
		(long)((s->transmitted - s->received) * 100 / s->transmitted) : 0;

	fprintf(stderr, "\r%" PRIu64 "/%" PRIu64 " packets, %ld%% loss",
		s->received, s->transmitted, loss);
	if (s->nrtt && !r->cfg.untimed) {
		struct stats_us u;
		int64_t ewma = s->ewma8_ns / 8000;

		stats_us(s, &u);
		fprintf(stderr, ", min/avg/ewma/max = %" PRId64 ".%03" PRId64
			"/%" PRId64 ".%03" PRId64 "/%" PRId64 ".%03" PRId64
			"/%" PRId64 ".%03" PRId64 " ms",
			u.min / 1000, u.min % 1000, u.avg / 1000, u.avg % 1000,
			ewma / 1000, ewma % 1000, u.max / 1000, u.max % 1000);
	}
	fputc('\n', stderr);
}

const struct sockaddr *report_ping_named(void *ctx, const struct event *ev)
{
	const struct report_ping *r = ctx;

	/* What on_reply() and on_error() pass to pretty(). */
	if (r->cfg.quiet || r->cfg.flood || r->cfg.numeric)
		return NULL;
	if (ev->type == EV_REPLY || ev->type == EV_ERROR ||
	    (ev->type == EV_FOREIGN && r->cfg.verbose))
		return ev->from;
	return NULL;
}

void report_ping_on_event(void *ctx, const struct event *ev)
{
	struct report_ping *r = ctx;

	switch (ev->type) {
	case EV_START:
		report_ping_header(r);
		break;
	case EV_SENT:
		if (r->cfg.flood && !r->cfg.quiet)
			flood_char(r, ".", 1);
		break;
	case EV_REPLY:
		on_reply(r, ev);
		break;
	case EV_ERROR:
		on_error(r, ev);
		break;
	case EV_LOCAL_ERROR:
		on_local_error(r, ev);
		break;
	case EV_NOANSWER:
		/* Shown even with -q and -f, as iputils does. */
		stamp(r, ev);
		fprintf(r->cfg.out, "no answer yet for %s=%u\n", seq_name(&r->cfg),
			ev->seq);
		fflush(r->cfg.out);
		break;
	case EV_STATUS:
		status_line(r);
		break;
	case EV_FOREIGN:
		on_foreign(r, ev);
		break;
	case EV_TIMEOUT:
	case EV_PROBE:
	case EV_END:
		break;
	}
}

/* Milliseconds with microsecond digits, the microseconds truncated as
 * iputils' integer arithmetic truncates them. */
static void ms3(FILE *out, double ns)
{
	int64_t us = ns > 0 ? (int64_t)(ns / 1000.0) : 0;

	fprintf(out, "%" PRId64 ".%03" PRId64, us / 1000, us % 1000);
}

void report_ping_summary(struct report_ping *r, int64_t elapsed_ns)
{
	const struct report_ping_cfg *c = &r->cfg;
	const struct stats *s = c->stats;
	const char *comma = "";

	/* As the header: IPv6 names the destination as typed. */
	fprintf(c->out, "\n--- %s ping statistics ---\n",
		c->dst->sa_family == AF_INET6 && c->host ? c->host : c->canon);
	fprintf(c->out, "%" PRIu64 " packets transmitted, %" PRIu64 " received",
		s->transmitted, s->received);
	if (s->duplicates)
		fprintf(c->out, ", +%" PRIu64 " duplicates", s->duplicates);
	if (s->corrupted)
		fprintf(c->out, ", +%" PRIu64 " corrupted", s->corrupted);
	if (s->errors)
		fprintf(c->out, ", +%" PRIu64 " errors", s->errors);
	if (s->transmitted) {
		fprintf(c->out, ", %g%% packet loss", (float)stats_loss_percent(s));
		fprintf(c->out, ", time %" PRId64 "ms", (elapsed_ns + 500000) / 1000000);
	}
	fputc('\n', c->out);
	if (s->received && s->nrtt && !c->untimed) {
		struct stats_us u;

		/* One rule for the four (stats_us): min <= avg <= max. */
		stats_us(s, &u);
		fprintf(c->out, "rtt min/avg/max/mdev = %" PRId64 ".%03" PRId64
			"/%" PRId64 ".%03" PRId64 "/%" PRId64 ".%03" PRId64
			"/%" PRId64 ".%03" PRId64 " ms",
			u.min / 1000, u.min % 1000, u.avg / 1000, u.avg % 1000,
			u.max / 1000, u.max % 1000, u.mdev / 1000, u.mdev % 1000);
		comma = ", ";
	}
	if (s->pipesize > 1) {
		fprintf(c->out, "%spipe %" PRIu64, comma, s->pipesize);
		comma = ", ";
	}
	if (s->received && c->ipg && s->transmitted > 1) {
		double ipg = (double)elapsed_ns / (double)(s->transmitted - 1);

		fprintf(c->out, "%sipg/ewma ", comma);
		ms3(c->out, ipg);
		fputc('/', c->out);
		/* Untimed (-N), iputils' ewma stays 0. */
		ms3(c->out, c->untimed ? 0.0 : (double)s->ewma8_ns / 8.0);
		fprintf(c->out, " ms");
		comma = ", ";
	}
	/* iputils ends the block with a newline even when no line is open,
	 * which leaves an empty line after a run without times. */
	fputc('\n', c->out);
	fflush(c->out);
}
