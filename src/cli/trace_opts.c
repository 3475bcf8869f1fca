/* traceroute's options, checked as traceroute 2.1.x checks them. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
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

/* A whole number in [min, max]; false if s is not one. */
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

static bool parse_double(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v))
		return false;
	*out = v;
	return true;
}

/* -w MAX[,HERE[,NEAR]] (traceroute 2.1 also takes "MAX/HERE/NEAR"). */
static bool parse_wait(const char *s, struct trace_opts *o)
{
	double v[3] = { o->wait_max, o->wait_here, o->wait_near };
	char buf[128], *tok, *save = NULL;
	int i = 0;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",/", &save); tok;
	     tok = strtok_r(NULL, ",/", &save)) {
		if (i >= 3 || !parse_double(tok, &v[i]))
			return false;
		i++;
	}
	if (i == 0)
		return false;
	o->wait_max = v[0];
	o->wait_here = v[1];
	o->wait_near = v[2];
	return true;
}

enum { OPT_BACK = 256, OPT_SPORT, OPT_JSON, OPT_FORMAT, OPT_REPORT,
       OPT_INTERVAL, OPT_MTU };

int trace_opts_parse(int argc, char **argv, struct trace_opts *o,
		     char *err, size_t errlen)
{
	static const struct option lopts[] = {
		{ "icmp", no_argument, NULL, 'I' },
		{ "tcp", no_argument, NULL, 'T' },
		{ "udp", no_argument, NULL, 'U' },
		{ "first", required_argument, NULL, 'f' },
		{ "max-hops", required_argument, NULL, 'm' },
		{ "queries", required_argument, NULL, 'q' },
		{ "sim-queries", required_argument, NULL, 'N' },
		{ "wait", required_argument, NULL, 'w' },
		{ "sendwait", required_argument, NULL, 'z' },
		{ "port", required_argument, NULL, 'p' },
		{ "source", required_argument, NULL, 's' },
		{ "interface", required_argument, NULL, 'i' },
		{ "tos", required_argument, NULL, 't' },
		{ "extensions", no_argument, NULL, 'e' },
		{ "dont-fragment", no_argument, NULL, 'F' },
		{ "back", no_argument, NULL, OPT_BACK },
		{ "mtu", no_argument, NULL, OPT_MTU },
		{ "sport", required_argument, NULL, OPT_SPORT },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "report", no_argument, NULL, OPT_REPORT },
		{ "report-cycles", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, li = -1;
	long v;

	err[0] = '\0';
	optind = 0;     /* a fresh scan: the unit tests parse many times */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":46ITUnerFVhf:m:q:N:w:z:p:s:i:t:c:",
				lopts, &li)) != -1) {
		const char *arg = optarg;
		char name[32];

		if (li >= 0)
			snprintf(name, sizeof(name), "--%s", lopts[li].name);
		else
			snprintf(name, sizeof(name), "-%c", c);
		li = -1;

		switch (c) {
		case '4':
			o->family = AF_INET;
			break;
		case '6':
			o->family = AF_INET6;
			break;
		case 'I':
			o->method = PROBE_ICMP;
			break;
		case 'T':
			o->method = PROBE_TCP;
			break;
		case 'U':
			/* traceroute -U: UDP to one port, 53 unless -p. */
			o->method = PROBE_UDP;
			if (o->port < 0)
				o->port = 53;
			break;
		case 'n':
			o->numeric = true;
			break;
		case 'e':
			o->extensions = true;
			break;
		case 'r':
			o->dontroute = true;
			break;
		case 'F':
			o->dontfrag = true;
			break;
		case 'V':
			o->version = true;
			return TRACE_OPTS_EXIT;
		case 'h':
			o->help = true;
			return TRACE_OPTS_EXIT;
		case OPT_BACK:
			o->back = true;
			break;
		case OPT_MTU:
			o->mtu = true;
			break;
		case OPT_JSON:
			o->format = TRACE_FORMAT_JSON;
			break;
		case OPT_FORMAT:
			/* The last --format / --json counts, as for ping. */
			if (!strcmp(arg, "text")) {
				o->format = TRACE_FORMAT_TEXT;
			} else if (!strcmp(arg, "json")) {
				o->format = TRACE_FORMAT_JSON;
			} else if (!strcmp(arg, "atlas")) {
				o->format = TRACE_FORMAT_ATLAS;
			} else {
				snprintf(err, errlen, "invalid --format argument: '%s' "
					 "(text, json or atlas)", arg);
				return TRACE_OPTS_EXIT;
			}
			break;
		case OPT_REPORT:
			o->report = true;
			break;
		case 'c':
			if (!parse_long(arg, 1, 1000000, &v))
				goto bad_arg;
			o->count = (unsigned)v;
			break;
		case OPT_INTERVAL:
			if (!parse_double(arg, &o->interval) || o->interval < 0)
				goto bad_arg;
			break;
		case 'f':
		case 'm':
		case 'q':
		case 'N':
			if (!parse_long(arg, 0, 1000000, &v))
				goto bad_arg;
			if (c == 'f')
				o->first_ttl = (unsigned)v;
			else if (c == 'm')
				o->max_ttl = (unsigned)v;
			else if (c == 'q')
				o->nqueries = (unsigned)v;
			else
				o->sim = v ? (unsigned)v : 1;
			break;
		case 'w':
			if (!parse_wait(arg, o))
				goto bad_arg;
			break;
		case 'z':
			if (!parse_double(arg, &o->sendwait))
				goto bad_arg;
			break;
		case 'p':
			if (!parse_long(arg, 0, 65535, &v))
				goto bad_arg;
			o->port = (int)v;
			break;
		case OPT_SPORT:
			if (!parse_long(arg, 1, 65535, &v))
				goto bad_arg;
			o->sport = (int)v;
			break;
		case 't':
			if (!parse_long(arg, 0, 255, &v))
				goto bad_arg;
			o->tos = (int)v;
			break;
		case 's':
			o->source = arg;
			break;
		case 'i':
			o->device = arg;
			break;
		case ':':
			if (optopt == OPT_FORMAT)
				snprintf(err, errlen,
					 "option '--format' requires an argument");
			else
				snprintf(err, errlen,
					 "option requires an argument -- '%s'",
					 argv[optind - 1]);
			return TRACE_OPTS_EXIT;
		default:
			if (optopt == OPT_JSON)
				snprintf(err, errlen,
					 "option '--json' doesn't allow an argument");
			else if (optopt && optopt < 256)
				snprintf(err, errlen, "Bad option `-%c'", optopt);
			else
				snprintf(err, errlen, "Bad option `%s'",
					 argv[optind - 1]);
			return TRACE_OPTS_EXIT;
		}
		continue;
bad_arg:
		snprintf(err, errlen, "Cannot handle `%s' option with arg `%s'",
			 name, arg);
		return TRACE_OPTS_EXIT;
	}
	if (optind >= argc)
		return TRACE_OPTS_EXIT;         /* usage */
	o->target = argv[optind++];
	if (optind < argc) {
		if (!parse_long(argv[optind], 0, 1000000000, &v)) {
			snprintf(err, errlen,
				 "Cannot handle \"packetlen\" cmdline arg `%s'",
				 argv[optind]);
			return TRACE_OPTS_EXIT;
		}
		o->packet_len = v;
		optind++;
	}
	if (optind < argc) {
		snprintf(err, errlen, "Extra arg `%s'", argv[optind]);
		return TRACE_OPTS_EXIT;
	}

	/* The checks and the words of traceroute 2.1.x. */
	if (o->max_ttl > MAX_HOPS) {
		snprintf(err, errlen, "max hops cannot be more than %d", MAX_HOPS);
		return TRACE_OPTS_EXIT;
	}
	if (o->first_ttl == 0 || o->first_ttl > o->max_ttl) {
		snprintf(err, errlen, "first hop out of range");
		return TRACE_OPTS_EXIT;
	}
	if (o->nqueries == 0 || o->nqueries > MAX_QUERIES) {
		snprintf(err, errlen, "no more than %d probes per hop", MAX_QUERIES);
		return TRACE_OPTS_EXIT;
	}
	if (o->wait_max < 0 || o->wait_here < 0 || o->wait_near < 0) {
		snprintf(err, errlen, "bad wait specifications `%g,%g,%g' used",
			 o->wait_max, o->wait_here, o->wait_near);
		return TRACE_OPTS_EXIT;
	}
	if (o->packet_len > MAX_PACKET_LEN) {
		snprintf(err, errlen, "too big packetlen %ld specified", o->packet_len);
		return TRACE_OPTS_EXIT;
	}
	if (o->sendwait < 0) {
		snprintf(err, errlen, "bad sendtime `%g' specified", o->sendwait);
		return TRACE_OPTS_EXIT;
	}
	if (o->report && o->format != TRACE_FORMAT_TEXT) {
		snprintf(err, errlen, "--report is a text table: not with --format");
		return TRACE_OPTS_EXIT;
	}
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
