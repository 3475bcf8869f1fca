/* traceroute's options, read and checked as traceroute 2.1.x reads them
 * (its CLIF parser): the same messages, naming the argv index ("argc")
 * where the trouble is.  A small parser of its own rather than getopt:
 * getopt permutes argv, and the indices would not be those typed. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "trace_opts.h"

#define MAX_HOPS 255
#define MAX_QUERIES 10
#define MAX_PACKET_LEN 65000

void trace_opts_default(struct trace_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->family = AF_UNSPEC;
	o->method = PROBE_UDP;
	o->first_ttl = 1;
	o->max_ttl = 30;
	o->nqueries = 3;
	o->sim = 16;
	o->wait_max = 5.0;
	o->wait_here = 3.0;
	o->wait_near = 10.0;
	o->port = -1;
	o->sport = -1;
	o->tos = -1;
	o->packet_len = -1;
	o->count = 10;
	o->interval = 1.0;
}

enum opt_id {
	O_4 = 1, O_6, O_ICMP, O_TCP, O_UDP, O_NUMERIC, O_EXT, O_DONTROUTE,
	O_DONTFRAG, O_VERSION, O_HELP, O_BACK, O_MTU, O_JSON, O_REPORT,
	/* with an argument */
	O_FIRST, O_MAXHOPS, O_QUERIES, O_SIM, O_WAIT, O_SENDWAIT, O_PORT,
	O_SOURCE, O_DEVICE, O_TOS, O_CYCLES, O_SPORT, O_FORMAT, O_INTERVAL,
};

struct opt {
	char c;                 /* short form, or 0 */
	const char *name;       /* long form, or NULL */
	const char *arg;        /* the argument's name in messages; NULL: none */
	enum opt_id id;
	bool abbrev;            /* the long form may be shortened (CLIF_ABBREV) */
};

static const struct opt opts[] = {
	{ '4', NULL, NULL, O_4, false },
	{ '6', NULL, NULL, O_6, false },
	{ 'I', "icmp", NULL, O_ICMP, false },
	{ 'T', "tcp", NULL, O_TCP, false },
	{ 'U', "udp", NULL, O_UDP, false },
	{ 'n', NULL, NULL, O_NUMERIC, false },
	{ 'e', "extensions", NULL, O_EXT, true },
	{ 'r', NULL, NULL, O_DONTROUTE, false },
	{ 'F', "dont-fragment", NULL, O_DONTFRAG, true },
	{ 'V', "version", NULL, O_VERSION, false },
	{ 0, "help", NULL, O_HELP, false },
	{ 0, "back", NULL, O_BACK, false },
	{ 0, "mtu", NULL, O_MTU, false },
	{ 0, "json", NULL, O_JSON, false },
	{ 0, "report", NULL, O_REPORT, false },
	{ 'f', "first", "first_ttl", O_FIRST, false },
	{ 'm', "max-hops", "max_ttl", O_MAXHOPS, false },
	{ 'q', "queries", "nqueries", O_QUERIES, false },
	{ 'N', "sim-queries", "squeries", O_SIM, false },
	{ 'w', "wait", "MAX,HERE,NEAR", O_WAIT, false },
	{ 'z', "sendwait", "sendwait", O_SENDWAIT, false },
	{ 'p', "port", "port", O_PORT, false },
	{ 's', "source", "src_addr", O_SOURCE, false },
	{ 'i', "interface", "device", O_DEVICE, false },
	{ 't', "tos", "tos", O_TOS, false },
	{ 'c', "report-cycles", "count", O_CYCLES, false },
	{ 0, "sport", "num", O_SPORT, false },
	{ 0, "format", "FMT", O_FORMAT, false },
	{ 0, "interval", "secs", O_INTERVAL, false },
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

static int fail(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return TRACE_OPTS_EXIT;
}

/* An unsigned number as traceroute reads one (strtoul, any base, "-1"
 * wrapping round): false if s is not one.  Saturates at UINT_MAX, which
 * the range checks then refuse with traceroute's words. */
static bool parse_uint(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (end == s || *end)
		return false;
	*out = v > 0xffffffffUL ? 0xffffffffU : (unsigned)v;
	return true;
}

/* A whole number in [min, max], base 10 or 0x/0 prefixed. */
static bool parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* A number of seconds: any a double reads as; the bounds come later,
 * with traceroute's words for what it refuses. */
static bool parse_double(const char *s, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return end != s && !*end;
}

/* -w MAX[,HERE[,NEAR]], as traceroute 2.1 reads it: the factors not
 * given are 0 (off), and any one character separates the numbers. */
static bool parse_wait(const char *s, struct trace_opts *o)
{
	double v[3] = { 0, 0, 0 };
	const char *p = s;
	char *end;

	for (int i = 0; i < 3; i++) {
		v[i] = strtod(p, &end);
		if (end == p)
			return false;
		if (!*end)
			break;
		if (i == 2)
			return false;
		p = end + 1;
	}
	o->wait_max = v[0];
	o->wait_here = v[1];
	o->wait_near = v[2];
	return true;
}

static const struct opt *find_short(char c)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].c == c)
			return &opts[i];
	return NULL;
}

static const struct opt *find_long(const char *name, size_t n)
{
	for (size_t i = 0; i < NOPTS; i++) {
		const char *l = opts[i].name;

		if (!l)
			continue;
		if (strlen(l) == n && !strncmp(l, name, n))
			return &opts[i];
		if (opts[i].abbrev && n < strlen(l) && !strncmp(l, name, n))
			return &opts[i];
	}
	return NULL;
}

/* One option with its argument (NULL for a flag).  as: the option as
 * typed ("-m", "--max-hops"); argi: where its argument is in argv. */
static int apply(struct trace_opts *o, const struct opt *op, const char *as,
		 const char *arg, int argi, char *err, size_t len)
{
	long v;
	unsigned u;

	switch (op->id) {
	case O_4: o->family = AF_INET; break;
	case O_6: o->family = AF_INET6; break;
	case O_ICMP: o->method = PROBE_ICMP; break;
	case O_TCP: o->method = PROBE_TCP; break;
	case O_UDP:
		/* traceroute -U: UDP to one port, 53 unless -p. */
		o->method = PROBE_UDP;
		if (o->port < 0)
			o->port = 53;
		break;
	case O_NUMERIC: o->numeric = true; break;
	case O_EXT: o->extensions = true; break;
	case O_DONTROUTE: o->dontroute = true; break;
	case O_DONTFRAG: o->dontfrag = true; break;
	case O_BACK: o->back = true; break;
	case O_MTU: o->mtu = true; break;
	case O_JSON: o->format = TRACE_FORMAT_JSON; break;
	case O_REPORT: o->report = true; break;
	case O_VERSION:
		o->version = true;
		return TRACE_OPTS_EXIT;
	case O_HELP:
		o->help = true;
		return TRACE_OPTS_EXIT;
	case O_FIRST:
	case O_MAXHOPS:
	case O_QUERIES:
	case O_SIM:
		if (!parse_uint(arg, &u))
			goto bad;
		if (op->id == O_FIRST)
			o->first_ttl = u;
		else if (op->id == O_MAXHOPS)
			o->max_ttl = u;
		else if (op->id == O_QUERIES)
			o->nqueries = u;
		else    /* 0 runs as 1; more than every probe, as every probe */
			o->sim = u == 0 ? 1 : u > TRACE_MAX_SIM ? TRACE_MAX_SIM : u;
		break;
	case O_CYCLES:
		if (!parse_long(arg, 1, 1000000, &v))
			goto bad;
		o->count = (unsigned)v;
		break;
	case O_WAIT:
		if (!parse_wait(arg, o))
			goto bad;
		break;
	case O_SENDWAIT:
		if (!parse_double(arg, &o->sendwait))
			goto bad;
		break;
	case O_INTERVAL:
		if (!parse_double(arg, &o->interval) || !(o->interval >= 0) ||
		    o->interval > TRACE_MAX_SECONDS)
			goto bad;
		break;
	case O_PORT:
		if (!parse_long(arg, 0, 65535, &v))
			goto bad;
		o->port = (int)v;
		break;
	case O_SPORT:
		if (!parse_long(arg, 1, 65535, &v))
			goto bad;
		o->sport = (int)v;
		break;
	case O_TOS:
		if (!parse_long(arg, 0, 255, &v))
			goto bad;
		o->tos = (int)v;
		break;
	case O_SOURCE:
		o->source = arg;
		o->source_argi = argi;
		snprintf(o->source_as, sizeof(o->source_as), "%s", as);
		break;
	case O_DEVICE:
		o->device = arg;
		break;
	case O_FORMAT:
		/* The last --format / --json counts, as for ping. */
		if (!strcmp(arg, "text"))
			o->format = TRACE_FORMAT_TEXT;
		else if (!strcmp(arg, "json"))
			o->format = TRACE_FORMAT_JSON;
		else if (!strcmp(arg, "atlas"))
			o->format = TRACE_FORMAT_ATLAS;
		else    /* echolot's own option: its own words */
			return fail(err, len, "invalid --format argument: '%s' "
				    "(text, json or atlas)", arg);
		break;
	}
	return TRACE_OPTS_OK;
bad:
	return fail(err, len, "Cannot handle `%s' option with arg `%s' (argc %d)",
		    as, arg, argi);
}

/* An operand: the host (position 1), the packet length (2), or extra. */
static int operand(struct trace_opts *o, const char *a, int i, int *pos,
		   char *err, size_t len)
{
	long v;

	++*pos;
	if (*pos == 1) {
		o->target = a;
		o->target_argi = i;
	} else if (*pos == 2) {
		if (!parse_long(a, -2147483647L - 1, 2147483647L, &v))
			return fail(err, len, "Cannot handle \"packetlen\" cmdline arg "
				    "`%s' on position %d (argc %d)", a, *pos, i);
		o->packet_len = v < 0 ? -1 : v;        /* negative: the default */
	} else {
		return fail(err, len, "Extra arg `%s' (position %d, argc %d)", a,
			    *pos, i);
	}
	return TRACE_OPTS_OK;
}

/* --name, --name=value or --name value. */
static int long_option(struct trace_opts *o, int argc, char **argv, int *i,
		       char *err, size_t len)
{
	const char *a = argv[*i], *name = a + 2, *eq = strchr(name, '=');
	size_t n = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt *op = find_long(name, n);
	char as[40];
	int rc;

	if (!op && eq)
		return fail(err, len, "Bad option `%s' (with arg `%s') (argc %d)", a,
			    eq + 1, *i);
	if (!op || (eq && !op->arg)) {
		if (eq)
			return fail(err, len, "Bad option `%s' (with arg `%s') (argc %d)",
				    a, eq + 1, *i);
		return fail(err, len, "Bad option `%s' (argc %d)", a, *i);
	}
	snprintf(as, sizeof(as), "--%s", op->name);
	if (!op->arg)
		return apply(o, op, as, NULL, *i, err, len);
	if (eq)
		return apply(o, op, as, eq + 1, *i, err, len);
	/* traceroute wants --name=value; the value as the next argument is
	 * taken too, as getopt takes it. */
	if (*i + 1 >= argc)
		return fail(err, len, "Option `%s' (argc %d) requires an argument: "
			    "`%s=%s'", as, *i, as, op->arg);
	rc = apply(o, op, as, argv[*i + 1], *i + 1, err, len);
	++*i;
	return rc;
}

/* -abc, -m5, -m 5. */
static int short_options(struct trace_opts *o, int argc, char **argv, int *i,
			 char *err, size_t len)
{
	const char *a = argv[*i];

	for (size_t j = 1; a[j]; j++) {
		const struct opt *op = find_short(a[j]);
		char as[3] = { '-', a[j], '\0' };
		int rc;

		if (!op)
			return fail(err, len, "Bad option `-%c' (argc %d)", a[j], *i);
		if (!op->arg) {
			rc = apply(o, op, as, NULL, *i, err, len);
			if (rc != TRACE_OPTS_OK)
				return rc;
			continue;
		}
		if (a[j + 1])
			return apply(o, op, as, a + j + 1, *i, err, len);
		if (*i + 1 >= argc)
			return fail(err, len, "Option `%s' (argc %d) requires an argument: "
				    "`%s %s'", as, *i, as, op->arg);
		++*i;
		return apply(o, op, as, argv[*i], *i, err, len);
	}
	return TRACE_OPTS_OK;
}

/* The checks of traceroute 2.1.x after the command line, in its order,
 * and echolot's bounds. */
static int check(struct trace_opts *o, char *err, size_t len)
{
	if (o->first_ttl == 0 || o->first_ttl > o->max_ttl)
		return fail(err, len, "first hop out of range");
	if (o->max_ttl > MAX_HOPS)
		return fail(err, len, "max hops cannot be more than %d", MAX_HOPS);
	if (o->nqueries == 0 || o->nqueries > MAX_QUERIES)
		return fail(err, len, "no more than %d probes per hop", MAX_QUERIES);
	/* Negative, as traceroute; and (echolot) what is no time at all:
	 * not a number, or beyond a day, or factors beyond TRACE_MAX_FACTOR. */
	if (!(o->wait_max >= 0 && o->wait_here >= 0 && o->wait_near >= 0) ||
	    o->wait_max > TRACE_MAX_SECONDS || o->wait_here > TRACE_MAX_FACTOR ||
	    o->wait_near > TRACE_MAX_FACTOR)
		return fail(err, len, "bad wait specifications `%g,%g,%g' used",
			    o->wait_max, o->wait_here, o->wait_near);
	if (o->packet_len > MAX_PACKET_LEN)
		return fail(err, len, "too big packetlen %ld specified", o->packet_len);
	if (!(o->sendwait >= 0) || (o->sendwait >= 10 ?
				     o->sendwait / 1000 : o->sendwait) > TRACE_MAX_SECONDS)
		return fail(err, len, "bad sendtime `%g' specified", o->sendwait);
	if (o->report && o->format != TRACE_FORMAT_TEXT)
		return fail(err, len, "--report is a text table: not with --format");
	return TRACE_OPTS_OK;
}

int trace_opts_parse(int argc, char **argv, struct trace_opts *o,
		     char *err, size_t errlen)
{
	bool only_operands = false;
	int pos = 0, rc;

	err[0] = '\0';
	if (argc <= 1) {
		/* traceroute alone: its help, and success. */
		o->usage = true;
		return TRACE_OPTS_EXIT;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		rc = TRACE_OPTS_OK;
		if (!only_operands && !strcmp(a, "--"))
			only_operands = true;
		else if (!only_operands && a[0] == '-' && a[1] == '-')
			rc = long_option(o, argc, argv, &i, err, errlen);
		else if (!only_operands && a[0] == '-' && a[1])
			rc = short_options(o, argc, argv, &i, err, errlen);
		else
			rc = operand(o, a, i, &pos, err, errlen);
		if (rc != TRACE_OPTS_OK)
			return rc;
	}
	if (!o->target)
		return fail(err, errlen, "Specify \"host\" missing argument.");
	rc = check(o, err, errlen);
	if (rc != TRACE_OPTS_OK)
		return rc;
	if (o->mtu) {
		/* As traceroute: don't fragment, one probe at a time, and
		 * 65000 bytes unless a length was given. */
		o->dontfrag = true;
		o->sim = 1;
		if (o->packet_len < 0)
			o->packet_len = MAX_PACKET_LEN;
	}
	if (o->sendwait >= 10)          /* milliseconds */
		o->sendwait /= 1000;
	return TRACE_OPTS_OK;
}
