/* The Prometheus text format's pieces, and /probe's page (prom.h).  The
 * scrape of /metrics is prom_scrape.c. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "prom.h"

/* The buffer never grows past this: a block of a scrape is one target's
 * lines of one family, a page a few hundred bytes. */
#define PROM_BUF_MAX (1u << 20)

size_t prom_float(char *buf, size_t cap, double v)
{
	char e[40], digits[20];
	const char *p;
	int prec, exp, nd = 0, n;
	bool neg;

	if (cap == 0)
		return 0;
	if (isnan(v))
		return (size_t)snprintf(buf, cap, "NaN");
	if (isinf(v))
		return (size_t)snprintf(buf, cap, v > 0 ? "+Inf" : "-Inf");
	if (v == 0)
		return (size_t)snprintf(buf, cap, signbit(v) ? "-0" : "0");
	/* The shortest %e that reads back as v. */
	for (prec = 0; prec < 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec, v);
		if (strtod(e, NULL) == v)
			break;
	}
	neg = e[0] == '-';
	for (p = e + neg; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			digits[nd++] = *p;
	exp = atoi(p + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	/* Go's shortest 'g': the exponent form when the decimal exponent is
	 * below -4 or at least 6 (ftoa.go: "use precision 6 for this
	 * decision"); trailing zeros never printed. */
	if (exp < -4 || exp >= 6)
		n = snprintf(buf, cap, "%s%c%s%se%c%02d", neg ? "-" : "", digits[0],
			     nd > 1 ? "." : "", digits + 1, exp < 0 ? '-' : '+',
			     exp < 0 ? -exp : exp);
	else if (exp < 0)               /* 0.000ddd */
		n = snprintf(buf, cap, "%s0.%.*s%s", neg ? "-" : "", -exp - 1,
			     "0000", digits);
	else if (nd <= exp + 1)         /* ddd000 */
		n = snprintf(buf, cap, "%s%s%.*s", neg ? "-" : "", digits,
			     exp + 1 - nd, "000000");
	else                            /* ddd.ddd */
		n = snprintf(buf, cap, "%s%.*s.%s", neg ? "-" : "", exp + 1, digits,
			     digits + exp + 1);
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/* ---------------------------------------------------------- the buffer */

static bool room(struct prom_buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 1024;
	while (cap < b->len + more + 1)
		cap *= 2;
	if (cap > PROM_BUF_MAX || !(p = realloc(b->p, cap))) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void prom_buf_free(struct prom_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static void put(struct prom_buf *b, const char *s, size_t n)
{
	if (!room(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void prom_puts(struct prom_buf *b, const char *s)
{
	put(b, s, strlen(s));
}

void prom_printf(struct prom_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !room(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void prom_escape(struct prom_buf *b, const char *s, bool help)
{
	const char *run = s;

	for (; *s; s++) {
		const char *esc = NULL;

		if (*s == '\\')
			esc = "\\\\";
		else if (*s == '\n')
			esc = "\\n";
		else if (*s == '"' && !help)
			esc = "\\\"";
		if (!esc)
			continue;
		put(b, run, (size_t)(s - run));
		put(b, esc, 2);
		run = s + 1;
	}
	put(b, run, (size_t)(s - run));
}

void prom_family(struct prom_buf *b, const char *name, const char *type,
		 const char *help)
{
	prom_printf(b, "# HELP %s ", name);
	prom_escape(b, help, true);
	prom_printf(b, "\n# TYPE %s %s\n", name, type);
}

void prom_sample(struct prom_buf *b, const char *name,
		 const char *const *labels, unsigned n, double v)
{
	char num[40];

	prom_puts(b, name);
	for (unsigned i = 0; i < n; i++) {
		prom_printf(b, "%s%s=\"", i ? "," : "{", labels[2 * i]);
		prom_escape(b, labels[2 * i + 1], false);
		prom_puts(b, "\"");
	}
	if (n)
		prom_puts(b, "}");
	prom_float(num, sizeof(num), v);
	prom_printf(b, " %s\n", num);
}

/* ------------------------------------------------------------ /probe */

/* blackbox_exporter: FNV-1a, 32 bits, over the address's bytes. */
static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static void gauge(struct prom_buf *b, const char *name, const char *help,
		  double v)
{
	prom_family(b, name, "gauge", help);
	prom_sample(b, name, NULL, 0, v);
}

void prom_probe_page(struct prom_buf *b, const struct prom_probe *p)
{
	static const char *const phases[] = { "resolve", "rtt", "setup" };
	double phase_s[] = { p->resolve_s, p->rtt_s, p->setup_s };
	size_t alen = p->family == AF_INET6 ? 16 : 4;

	/* As blackbox_exporter prints them: sorted by name. */
	gauge(b, "probe_dns_lookup_time_seconds",
	      "Returns the time taken for probe dns lookup in seconds", p->resolve_s);
	gauge(b, "probe_duration_seconds",
	      "Returns how long the probe took to complete in seconds", p->duration_s);
	prom_family(b, "probe_icmp_duration_seconds", "gauge",
		    "Duration of icmp request by phase");
	for (unsigned i = 0; i < 3; i++) {
		const char *l[] = { "phase", phases[i] };

		prom_sample(b, "probe_icmp_duration_seconds", l, 1,
			    p->resolved ? phase_s[i] : 0);
	}
	if (p->success && p->hop_limit >= 0)
		gauge(b, "probe_icmp_reply_hop_limit",
		      "Replied packet hop limit (TTL for ipv4)", p->hop_limit);
	gauge(b, "probe_ip_addr_hash",
	      "Specifies the hash of IP address. It's useful to detect if the IP address changes.",
	      p->resolved && p->addr ? fnv1a(p->addr, alen) : 0);
	gauge(b, "probe_ip_protocol",
	      "Specifies whether probe ip protocol is IP4 or IP6",
	      !p->resolved ? 0 : p->family == AF_INET6 ? 6 : 4);
	gauge(b, "probe_success", "Displays whether or not the probe was a success",
	      p->success ? 1 : 0);
}
