/* ping option parsing with iputils' limits and messages. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "ping_opts.h"
#include "../wire/ni.h"

#define NSEC 1000000000LL
#define MSEC 1000000LL
/* The shortest interval an unprivileged user may ask for (iputils). */
#define MIN_USER_INTERVAL (2 * MSEC)
#define MAX_USER_PRELOAD 3

void ping_opts_default(struct ping_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->family = AF_UNSPEC;
	o->interval_ns = -1;
	o->linger_ns = 10 * NSEC;
	o->datalen = 56;
	o->ttl = -1;
	o->tos = -1;
	o->mark = -1;
	o->pmtudisc = -1;
	o->ident = -1;
	o->preload = 1;
	o->timestamp = -1;
	o->ni.qtype = -1;
	o->ni.subject_type = -1;
}

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return PING_OPTS_EXIT;
}

/* A number iputils' integer parser refuses: exit status 1, not 2. */
static int fail1(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return PING_OPTS_EXIT1;
}

static int out_of_range(char *err, size_t len, const char *s, long long min,
			long long max)
{
	return fail1(err, len,
		     "invalid argument: '%s': out of range: %lld <= value <= %lld",
		     s, min, max);
}

/* An integer in [min, max], with iputils' three kinds of complaint. */
static int parse_int(const char *s, long long min, long long max,
		     long long *out, char *err, size_t len)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end)
		return fail1(err, len, "invalid argument: '%s'", s);
	if (errno == ERANGE)
		return fail1(err, len, "invalid argument: '%s': %s", s,
			     strerror(ERANGE));
	if (v < min || v > max)
		return out_of_range(err, len, s, min, max);
	*out = v;
	return 0;
}

/* Seconds as a decimal fraction, to nanoseconds. */
static int parse_seconds(const char *s, double max, int64_t *ns, char *err,
			 size_t len)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || !isfinite(v))
		return fail1(err, len, "invalid argument: '%s'", s);
	if (v < 0 || v > max)
		return -1;      /* the caller words it */
	*ns = (int64_t)(v * 1e9 + 0.5);
	return 0;
}

static int parse_pattern(const char *s, struct ping_opts *o, char *err,
			 size_t len)
{
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return fail(err, len,
				    "patterns must be specified as hex digits: %s", s);
	/* Pairs of hex digits, at most 16 bytes; extra digits are ignored,
	 * as iputils ignores them. */
	o->patlen = 0;
	for (i = 0; i + 1 < n + 1 && o->patlen < PING_MAX_PATTERN; i += 2) {
		char b[3] = { s[i], i + 1 < n ? s[i + 1] : '\0', '\0' };

		if (!b[0])
			break;
		o->pattern[o->patlen++] = (uint8_t)strtoul(b, NULL, 16);
	}
	return 0;
}

/* A number as iputils reads -Q and -F: hexadecimal after 0x, else
 * decimal (a leading 0 is not octal). */
static bool parse_hex_or_dec(const char *s, unsigned long *v)
{
	int base = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10;
	char *end;

	errno = 0;
	*v = strtoul(s, &end, base);
	return end != s && !*end && !errno && s[0] != '-';
}

static int parse_tos(const char *s, int *tos, char *err, size_t len)
{
	unsigned long v;

	if (!parse_hex_or_dec(s, &v))
		return fail(err, len, "bad TOS value: %s", s);
	if (v > 255)
		return fail(err, len,
			    "the decimal value of TOS bits must be in range 0-255: %lu", v);
	*tos = (int)v;
	return 0;
}

void ping_ni_help(FILE *f)
{
	fputs("ping -6 -N <nodeinfo opt>\n"
	      "Help:\n"
	      "  help\n"
	      "Query:\n"
	      "  name\n"
	      "  ipv6\n"
	      "  ipv6-all\n"
	      "  ipv6-compatible\n"
	      "  ipv6-global\n"
	      "  ipv6-linklocal\n"
	      "  ipv6-sitelocal\n"
	      "  ipv4\n"
	      "  ipv4-all\n"
	      "Subject:\n"
	      "  subject-ipv6=addr\n"
	      "  subject-ipv4=addr\n"
	      "  subject-name=name\n"
	      "  subject-fqdn=name\n", f);
}

/* -N's words, as iputils has them ("fqdn" is its unlisted "name"). */
static const struct {
	const char *name;
	bool has_arg;           /* name=ARG */
	int qtype;              /* -1: not a query */
	uint16_t flag;
	int subject;            /* -1: not a subject */
	bool fqdn;
} ni_words[] = {
	{ "name", false, WIRE_NI_QTYPE_NAME, 0, -1, false },
	{ "fqdn", false, WIRE_NI_QTYPE_NAME, 0, -1, false },
	{ "ipv6", false, WIRE_NI_QTYPE_IPV6, 0, -1, false },
	{ "ipv6-all", false, WIRE_NI_QTYPE_IPV6, WIRE_NI_FLAG_ALL, -1, false },
	{ "ipv6-compatible", false, WIRE_NI_QTYPE_IPV6, WIRE_NI_FLAG_COMPAT, -1, false },
	{ "ipv6-linklocal", false, WIRE_NI_QTYPE_IPV6, WIRE_NI_FLAG_LINKLOCAL, -1, false },
	{ "ipv6-sitelocal", false, WIRE_NI_QTYPE_IPV6, WIRE_NI_FLAG_SITELOCAL, -1, false },
	{ "ipv6-global", false, WIRE_NI_QTYPE_IPV6, WIRE_NI_FLAG_GLOBAL, -1, false },
	{ "ipv4", false, WIRE_NI_QTYPE_IPV4, 0, -1, false },
	{ "ipv4-all", false, WIRE_NI_QTYPE_IPV4, WIRE_NI_FLAG_ALL, -1, false },
	{ "subject-ipv6", true, -1, 0, WIRE_NI_SUBJ_IPV6, false },
	{ "subject-ipv4", true, -1, 0, WIRE_NI_SUBJ_IPV4, false },
	{ "subject-name", true, -1, 0, WIRE_NI_SUBJ_NAME, false },
	{ "subject-fqdn", true, -1, 0, WIRE_NI_SUBJ_NAME, true },
};

/* One -N argument.  A bad one (unknown, or in conflict with an earlier
 * one) is a usage error: iputils prints the conflict on stdout and its
 * list on stderr. */
static int parse_ni(const char *arg, struct ping_opts *o, char *err, size_t len)
{
	o->ni_given = true;
	if (!strcmp(arg, "help")) {
		o->ni_help = true;
		return PING_OPTS_EXIT;
	}
	for (size_t i = 0; i < sizeof(ni_words) / sizeof(ni_words[0]); i++) {
		size_t n = strlen(ni_words[i].name);

		if (strncmp(arg, ni_words[i].name, n) ||
		    arg[n] != (ni_words[i].has_arg ? '=' : '\0'))
			continue;
		if (ni_words[i].qtype >= 0) {
			if (o->ni.qtype >= 0 && o->ni.qtype != ni_words[i].qtype) {
				snprintf(err, len, "Qtype conflict");
				break;
			}
			o->ni.qtype = ni_words[i].qtype;
			o->ni.flags |= ni_words[i].flag;
			return PING_OPTS_OK;
		}
		if (o->ni.subject_type >= 0 && o->ni.subject_type != ni_words[i].subject) {
			snprintf(err, len, "Subject type conflict");
			break;
		}
		o->ni.subject_type = ni_words[i].subject;
		o->ni.subject = arg + n + 1;
		o->ni.fqdn = ni_words[i].fqdn;
		return PING_OPTS_OK;
	}
	o->ni_usage = true;
	return PING_OPTS_EXIT;
}

/* Long options without a short form. */
enum { OPT_JSON = 256, OPT_FORMAT, OPT_HELP, OPT_TCP };

static const struct option longopts[] = {
	{ "os", no_argument, NULL, 'o' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "tcp", required_argument, NULL, OPT_TCP },
	{ "sandbox-selftest", optional_argument, NULL, 'X' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

int ping_opts_parse(int argc, char **argv, bool privileged,
		    struct ping_opts *o, char *err, size_t len)
{
	long long v;
	int c, rc;

	err[0] = '\0';
	/* 0, not 1: glibc then forgets the previous argv entirely. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv,
				"346aAbBc:CdDe:fF:hHi:I:l:Lm:M:nN:Op:qQ:rRs:S:t:T:UvVw:W:",
				longopts, NULL)) != -1) {
		switch (c) {
		case '4':
		case '6':
			if (o->family != AF_UNSPEC &&
			    o->family != (c == '4' ? AF_INET : AF_INET6))
				return fail(err, len,
					    "only one -4 or -6 option may be specified");
			o->family = c == '4' ? AF_INET : AF_INET6;
			break;
		case '3': o->precise = true; break;
		case 'a': o->audible = true; break;
		case 'A': o->adaptive = true; break;
		case 'b': o->broadcast = true; break;
		case 'B': o->strict_source = true; break;
		case 'C': o->do_connect = true; break;
		case 'd': o->debug = true; break;
		case 'D': o->timestamps = true; break;
		case 'f': o->flood = true; break;
		case 'H': o->force_names = true; break;
		case 'L': o->no_mcast_loop = true; break;
		case 'n': o->numeric = true; break;
		case 'O': o->outstanding = true; break;
		case 'q': o->quiet = true; break;
		case 'r': o->dontroute = true; break;
		case 'U': o->user_latency = true; break;
		case 'v': o->verbose = true; break;
		case 'V':
			/* At once, as iputils: what follows is not looked at. */
			o->version = true;
			return PING_OPTS_OK;
		case 'h': o->help = true; return PING_OPTS_EXIT;
		case OPT_HELP:
			o->help = o->help_stdout = true;
			return PING_OPTS_EXIT;
		case 'o': o->os = true; break;
		case 'N':
			if ((rc = parse_ni(optarg, o, err, len)))
				return rc;
			break;
		case 'R':
			if (o->timestamp >= 0)
				return fail(err, len, "only one of -T or -R may be used");
			o->rroute = true;
			break;
		case 'T':
			if (o->rroute)
				return fail(err, len, "only one of -T or -R may be used");
			if (!strcmp(optarg, "tsonly"))
				o->timestamp = PING_TS_TSONLY;
			else if (!strcmp(optarg, "tsandaddr"))
				o->timestamp = PING_TS_TSANDADDR;
			else if (!strcmp(optarg, "tsprespec"))
				o->timestamp = PING_TS_PRESPEC;
			else
				return fail(err, len, "invalid timestamp type: %s", optarg);
			break;
		case OPT_JSON: o->format = PING_FORMAT_JSON; break;
		case OPT_TCP:
			if ((rc = parse_int(optarg, 1, 65535, &v, err, len)))
				return rc;
			o->tcp_port = (int)v;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "text"))
				o->format = PING_FORMAT_TEXT;
			else if (!strcmp(optarg, "json"))
				o->format = PING_FORMAT_JSON;
			else if (!strcmp(optarg, "atlas"))
				o->format = PING_FORMAT_ATLAS;
			else
				return fail(err, len,
					    "invalid --format argument: '%s' (text, json or atlas)",
					    optarg);
			break;
		case 'X': o->sandbox_selftest = optarg ? optarg : "socket"; break;
		case 'c':
			if ((rc = parse_int(optarg, 1, LLONG_MAX, &v, err, len)))
				return rc;
			o->count = (uint64_t)v;
			break;
		case 'e':
			if ((rc = parse_int(optarg, 0, 65535, &v, err, len)))
				return rc;
			o->ident = (int)v;
			break;
		case 'F': {
			unsigned long fl;

			if (!parse_hex_or_dec(optarg, &fl))
				return fail(err, len, "bad value for flowinfo: %s", optarg);
			if (fl > 0xfffff)
				return fail(err, len, "flow value is greater than 20 bits: %s",
					    optarg);
			o->flowlabel = (uint32_t)fl;
			o->has_flowlabel = true;
			break;
		}
		case 'i':
			/* iputils keeps intervals in int milliseconds. */
			/* Strict where iputils warns: status 2, as its other
			 * -i complaints. */
			rc = parse_seconds(optarg, INT_MAX / 1000 - 1, &o->interval_ns, err, len);
			if (rc > 0)
				return PING_OPTS_EXIT;
			o->interval_arg = optarg;
			if (rc < 0)
				return fail(err, len, "bad timing interval: %s", optarg);
			break;
		case 'I':
			o->iface = optarg;
			break;
		case 'l':
			if ((rc = parse_int(optarg, 1, 65536, &v, err, len)))
				return rc;
			if (!privileged && v > MAX_USER_PRELOAD)
				return fail(err, len,
					    "cannot set preload to value greater than %d: %lld",
					    MAX_USER_PRELOAD, v);
			o->preload = (unsigned)v;
			break;
		case 'm':
			if ((rc = parse_int(optarg, 0, UINT_MAX, &v, err, len)))
				return rc;
			o->mark = v;
			break;
		case 'M':
			if (!strcmp(optarg, "do"))
				o->pmtudisc = 2;        /* IP_PMTUDISC_DO */
			else if (!strcmp(optarg, "dont"))
				o->pmtudisc = 0;        /* IP_PMTUDISC_DONT */
			else if (!strcmp(optarg, "want"))
				o->pmtudisc = 1;        /* IP_PMTUDISC_WANT */
			else if (!strcmp(optarg, "probe"))
				o->pmtudisc = 3;        /* IP_PMTUDISC_PROBE */
			else
				return fail(err, len, "invalid -M argument: %s", optarg);
			break;
		case 'p':
			if ((rc = parse_pattern(optarg, o, err, len)))
				return rc;
			break;
		case 'Q':
			if ((rc = parse_tos(optarg, &o->tos, err, len)))
				return rc;
			break;
		case 's':
			/* The IPv4 limit is checked once the family is known
			 * (ping_opts_check_family), unless it already is. */
			if ((rc = parse_int(optarg, 0, o->family == AF_INET ?
					    PING_MAX_DATALEN4 : PING_MAX_DATALEN6,
					    &v, err, len)))
				return rc;
			o->datalen = (long)v;
			o->datalen_arg = optarg;
			break;
		case 'S':
			if ((rc = parse_int(optarg, 1, INT_MAX, &v, err, len)))
				return rc;
			o->sndbuf = (int)v;
			break;
		case 't':
			/* 0: an IPv6 hop limit may be 0; the kernel refuses an
			 * IPv4 TTL of 0, and ping says so as iputils. */
			if ((rc = parse_int(optarg, 0, 255, &v, err, len)))
				return rc;
			o->ttl = (int)v;
			break;
		case 'w':
			rc = parse_seconds(optarg, INT_MAX, &o->deadline_ns, err, len);
			if (rc > 0)
				return rc;
			if (rc < 0)
				return out_of_range(err, len, optarg, 0, INT_MAX);
			break;
		case 'W':
			rc = parse_seconds(optarg, INT_MAX / 1000 - 1, &o->linger_ns, err, len);
			if (rc > 0)
				return PING_OPTS_EXIT;
			if (rc < 0)
				return fail(err, len, "bad linger time: %s", optarg);
			break;
		case '?':
			if (optopt == OPT_FORMAT)
				return fail(err, len,
					    "option '--format' requires an argument");
			if (optopt == OPT_TCP)
				return fail(err, len,
					    "option '--tcp' requires an argument");
			if (optopt == OPT_JSON)
				return fail(err, len,
					    "option '--json' doesn't allow an argument");
			if (optopt > 0 && optopt < 256 && strchr("ceFiIlmMNpQsStTwW", optopt))
				return fail(err, len,
					    "option requires an argument -- '%c'", optopt);
			if (optopt)
				return fail(err, len, "invalid option -- '%c'", optopt);
			return fail(err, len, "unrecognized option '%s'",
				    argv[optind - 1]);
		default:
			return PING_OPTS_EXIT;
		}
	}
	if (optind >= argc)
		return fail1(err, len, "usage error: Destination address required");
	/* Hops before the target: ping_opts_check_family decides. */
	o->operands = argv + optind;
	o->noperands = argc - optind;
	o->target = argv[argc - 1];

	if (o->flood && o->interval_ns < 0)
		o->interval_ns = 0;
	if (!privileged && o->interval_ns >= 0 &&
	    o->interval_ns < MIN_USER_INTERVAL)
		return fail(err, len,
			    "cannot flood; minimal interval allowed for user is %lldms",
			    MIN_USER_INTERVAL / MSEC);
	if (o->interval_ns < 0)
		o->interval_ns = NSEC;
	/* Both in range, but together beyond what the schedule counts. */
	if (o->interval_ns > PING_MAX_CREDIT_NS / (int64_t)o->preload)
		return fail(err, len, "bad timing interval: %s (at most %lld seconds "
			    "with -l %u)", o->interval_arg ? o->interval_arg : "?",
			    (long long)(PING_MAX_CREDIT_NS / (int64_t)o->preload / NSEC),
			    o->preload);
	return PING_OPTS_OK;
}

int ping_opts_check_family(const struct ping_opts *o, int family, char *err,
			   size_t len)
{
	int hops = o->noperands - 1;

	err[0] = '\0';
	/* As iputils, a usage error (no message) for hops it cannot use. */
	if (hops > 0 && (family != AF_INET || o->rroute ||
			 (o->timestamp >= 0 && o->timestamp != PING_TS_PRESPEC) ||
			 (o->timestamp == PING_TS_PRESPEC && hops > 4) || hops > 9))
		return PING_OPTS_EXIT;
	if (family == AF_INET && o->datalen > PING_MAX_DATALEN4)
		return out_of_range(err, len, o->datalen_arg ? o->datalen_arg : "?",
				    0, PING_MAX_DATALEN4);
	return PING_OPTS_OK;
}
