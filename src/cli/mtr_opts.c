/* mtr's options, checked as mtr 0.95 checks them (ui/mtr.c's parse_arg
 * read for behaviour: strtonum_or_err's "invalid argument: 'X'", -f and
 * -m clamped, -Q out of range taken as 0, -u/-T exclusive). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mtr_opts.h"
#include "../report/mtr_screen.h"

#define MTR_MAX_HOST 256        /* mtr's MaxHost: TTLs 1 .. 255 */
#define MTR_DISPLAY_MODES MTR_SCREEN_MODES       /* the screen's d modes */

void mtr_opts_default(struct mtr_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->family = AF_UNSPEC;
	o->display = MTR_DISPLAY_CURSES;
	o->count = 10;
	o->interval = 1.0;
	o->gracetime = 5.0;
	o->psize = 64;
	o->first_ttl = 1;
	o->max_ttl = 30;
	o->max_unknown = 12;
	o->method = PROBE_ICMP;
	o->paths = 1;
	snprintf(o->fields, sizeof(o->fields), "%s", MTR_FIELDS_DEFAULT);
}

/* strtonum_or_err: a whole number 0 .. INT_MAX - 1. */
static bool parse_uint(const char *s, long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v >= INT_MAX)
		return false;
	*out = (long)v;
	return true;
}

/* -s takes a negative size too (mtr: random sizes up to it). */
static bool parse_int(const char *s, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= INT_MIN || v >= INT_MAX)
		return false;
	*out = v;
	return true;
}

static bool parse_float(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v > 3.4e38)
		return false;
	*out = v;
	return true;
}

enum { OPT_DISPLAYMODE = 256, OPT_PATHS, OPT_REPORT_ON_EXIT };

static const struct option lopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ "inet", no_argument, NULL, '4' },
	{ "inet6", no_argument, NULL, '6' },
	{ "filename", required_argument, NULL, 'F' },
	{ "report", no_argument, NULL, 'r' },
	{ "report-wide", no_argument, NULL, 'w' },
	{ "xml", no_argument, NULL, 'x' },
	{ "curses", no_argument, NULL, 't' },
	{ "gtk", no_argument, NULL, 'g' },
	{ "raw", no_argument, NULL, 'l' },
	{ "csv", no_argument, NULL, 'C' },
	{ "json", no_argument, NULL, 'j' },
	{ "displaymode", required_argument, NULL, OPT_DISPLAYMODE },
	{ "split", no_argument, NULL, 'p' },
	{ "no-dns", no_argument, NULL, 'n' },
	{ "show-ips", no_argument, NULL, 'b' },
	{ "order", required_argument, NULL, 'o' },
	{ "ipinfo", required_argument, NULL, 'y' },
	{ "aslookup", no_argument, NULL, 'z' },
	{ "interval", required_argument, NULL, 'i' },
	{ "report-cycles", required_argument, NULL, 'c' },
	{ "psize", required_argument, NULL, 's' },
	{ "bitpattern", required_argument, NULL, 'B' },
	{ "tos", required_argument, NULL, 'Q' },
	{ "mpls", no_argument, NULL, 'e' },
	{ "interface", required_argument, NULL, 'I' },
	{ "address", required_argument, NULL, 'a' },
	{ "first-ttl", required_argument, NULL, 'f' },
	{ "max-ttl", required_argument, NULL, 'm' },
	{ "max-unknown", required_argument, NULL, 'U' },
	{ "udp", no_argument, NULL, 'u' },
	{ "tcp", no_argument, NULL, 'T' },
	{ "sctp", no_argument, NULL, 'S' },
	{ "port", required_argument, NULL, 'P' },
	{ "localport", required_argument, NULL, 'L' },
	{ "timeout", required_argument, NULL, 'Z' },
	{ "gracetime", required_argument, NULL, 'G' },
	{ "mark", required_argument, NULL, 'M' },
	{ "paths", required_argument, NULL, OPT_PATHS },
	{ "report-on-exit", no_argument, NULL, OPT_REPORT_ON_EXIT },
	{ NULL, 0, NULL, 0 },
};

#define SHORTOPTS ":hv46F:rwxtglCjpnbo:y:zi:c:s:B:Q:eI:a:f:m:U:uTSP:L:Z:G:M:"

static void set_display(struct mtr_opts *o, enum mtr_display d)
{
	o->display = d;
	o->display_set = true;
}

/* One option; false with err set. */
static bool one(struct mtr_opts *o, int c, const char *arg, bool root,
		char *err, size_t errlen)
{
	long v;
	double d;

	switch (c) {
	case 'h': o->help = true; return true;
	case 'v': o->version = true; return true;
	case '4': o->family = AF_INET; return true;
	case '6': o->family = AF_INET6; return true;
	case 'r': set_display(o, MTR_DISPLAY_REPORT); return true;
	case 'w': o->wide = true; set_display(o, MTR_DISPLAY_REPORT); return true;
	case 'x': set_display(o, MTR_DISPLAY_XML); return true;
	case 't': set_display(o, MTR_DISPLAY_CURSES); return true;
	case 'C': set_display(o, MTR_DISPLAY_CSV); return true;
	case 'j': set_display(o, MTR_DISPLAY_JSON); return true;
	case 'n': o->numeric = true; return true;
	case 'b': o->show_ips = true; return true;
	case 'e': o->mpls = true; return true;
	case 'I': o->device = arg; return true;
	case 'a': o->address = arg; return true;
	case OPT_REPORT_ON_EXIT: o->report_on_exit = true; return true;
	case 'F': case 'g': case 'l': case 'p': case 'y': case 'z': case 'S':
	case 'B': case 'M':
		snprintf(err, errlen, "-%c: not supported by echolot mtr", c);
		return false;
	case 'u':
	case 'T':
		if (o->method != PROBE_ICMP) {
			snprintf(err, errlen, "-u , -T and -S are mutually exclusive");
			return false;
		}
		o->method = c == 'u' ? PROBE_UDP : PROBE_TCP;
		if (c == 'T' && !o->port)
			o->port = 80;
		return true;
	case 'i':
		if (!parse_float(arg, &d))
			break;
		if (d <= 0) {
			snprintf(err, errlen, "wait time must be positive");
			return false;
		}
		if (!root && d < 1.0) {
			snprintf(err, errlen,
				 "non-root users cannot request an interval < 1.0 seconds");
			return false;
		}
		o->interval = d;
		return true;
	case 'G':
		if (!parse_float(arg, &d))
			break;
		if (d <= 0) {
			snprintf(err, errlen, "wait time must be positive");
			return false;
		}
		o->gracetime = d;
		return true;
	case 'Z':
		if (!parse_uint(arg, &v))
			break;
		o->timeout = (double)v;
		return true;
	case OPT_DISPLAYMODE:
		if (!parse_uint(arg, &v))
			break;
		if (v > MTR_DISPLAY_MODES - 1) {
			snprintf(err, errlen, "value out of range (0 - %d): %s",
				 MTR_DISPLAY_MODES - 1, arg);
			return false;
		}
		o->display_mode = (int)v;
		return true;
	case 'c':
		if (!parse_uint(arg, &v) || v < 1)
			break;
		o->count = (unsigned)v;
		o->count_set = true;
		return true;
	case 's':
		if (!parse_int(arg, &v))
			break;
		o->psize = (int)v;
		return true;
	case 'f':
		if (!parse_uint(arg, &v))
			break;
		/* As mtr: clamped to 1 .. -m. */
		o->first_ttl = v < 1 ? 1 : v > o->max_ttl ? o->max_ttl : (unsigned)v;
		return true;
	case 'm':
		if (!parse_uint(arg, &v))
			break;
		o->max_ttl = v < 1 ? 1 : v > MTR_MAX_HOST - 1 ? MTR_MAX_HOST - 1 : (unsigned)v;
		if (o->first_ttl > o->max_ttl)
			o->first_ttl = o->max_ttl;
		return true;
	case 'U':
		if (!parse_uint(arg, &v))
			break;
		o->max_unknown = v < 1 ? 1 : (unsigned)v;
		return true;
	case 'o': {
		const char *bad;

		if (strlen(arg) > MTR_FIELDS_MAX) {
			snprintf(err, errlen, "Too many fields: %s", arg);
			return false;
		}
		bad = mtr_fields_check(arg);
		if (bad) {
			snprintf(err, errlen, "Unknown field identifier: %c", *bad);
			return false;
		}
		snprintf(o->fields, sizeof(o->fields), "%s", arg);
		return true;
	}
	case 'Q':
		if (!parse_uint(arg, &v))
			break;
		o->tos = v > 255 ? 0 : (int)v;
		return true;
	case 'P':
	case 'L':
		if (!parse_uint(arg, &v))
			break;
		if (v < (c == 'P' ? 1 : 1024) || v > 65535) {
			snprintf(err, errlen, "Illegal port number: %ld", v);
			return false;
		}
		if (c == 'P')
			o->port = (int)v;
		else
			o->localport = (int)v;
		return true;
	case OPT_PATHS:
		if (!parse_uint(arg, &v))
			break;
		if (v < 1 || v > MTR_MAX_PATHS) {
			snprintf(err, errlen, "--paths: 1 to %d flows", MTR_MAX_PATHS);
			return false;
		}
		o->paths = (unsigned)v;
		return true;
	default:
		return false;
	}
	snprintf(err, errlen, "invalid argument: '%s'", arg ? arg : "");
	return false;
}

int mtr_opts_parse(int argc, char **argv, struct mtr_opts *o, bool root,
		   char *err, size_t errlen)
{
	int c, li;

	err[0] = '\0';
	optind = 0;     /* a fresh scan: the unit tests parse many times */
	opterr = 0;
	for (li = -1; (c = getopt_long(argc, argv, SHORTOPTS, lopts, &li)) != -1; li = -1) {
		if (c == ':') {
			snprintf(err, errlen, "option requires an argument -- '%s'",
				 argv[optind - 1]);
			return MTR_OPTS_EXIT;
		}
		if (c == '?') {
			if (optopt && optopt < 256)
				snprintf(err, errlen, "invalid option -- '%c'", optopt);
			else
				snprintf(err, errlen, "unrecognized option '%s'",
					 argv[optind - 1]);
			return MTR_OPTS_EXIT;
		}
		if (!one(o, c, optarg, root, err, errlen))
			return MTR_OPTS_EXIT;
		if (o->help || o->version)
			return MTR_OPTS_EXIT;
	}
	if (optind >= argc)
		return MTR_OPTS_EXIT;           /* usage */
	o->target = argv[optind++];
	if (optind < argc) {
		/* mtr 0.95 reads several hosts in report mode; one here. */
		snprintf(err, errlen, "one host at a time: extra argument '%s'",
			 argv[optind]);
		return MTR_OPTS_EXIT;
	}
	if (!*o->target) {
		snprintf(err, errlen, "Failed to resolve host: ''");
		return MTR_OPTS_EXIT;
	}
	return MTR_OPTS_OK;
}
