/* fping 5.1's options (fping_opts.h): the same letters, the same long
 * names, numbers read as fping reads them (sscanf "%f" in ms, atoi), the
 * same checks in the same order. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fping_opts.h"

static const struct option longopts[] = {
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "alive", no_argument, NULL, 'a' },
	{ "addr", no_argument, NULL, 'A' },
	{ "size", required_argument, NULL, 'b' },
	{ "backoff", required_argument, NULL, 'B' },
	{ "count", required_argument, NULL, 'c' },
	{ "vcount", required_argument, NULL, 'C' },
	{ "rdns", no_argument, NULL, 'd' },
	{ "timestamp", no_argument, NULL, 'D' },
	{ "elapsed", no_argument, NULL, 'e' },
	{ "file", required_argument, NULL, 'f' },
	{ "generate", no_argument, NULL, 'g' },
	{ "help", no_argument, NULL, 'h' },
	{ "ttl", required_argument, NULL, 'H' },
	{ "interval", required_argument, NULL, 'i' },
	{ "iface", required_argument, NULL, 'I' },
	{ "loop", no_argument, NULL, 'l' },
	{ "all", no_argument, NULL, 'm' },
	{ "dontfrag", no_argument, NULL, 'M' },
	{ "name", no_argument, NULL, 'n' },
	{ "netdata", no_argument, NULL, 'N' },
	{ "outage", no_argument, NULL, 'o' },
	{ "tos", required_argument, NULL, 'O' },
	{ "period", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "squiet", required_argument, NULL, 'Q' },
	{ "retry", required_argument, NULL, 'r' },
	{ "random", no_argument, NULL, 'R' },
	{ "stats", no_argument, NULL, 's' },
	{ "src", required_argument, NULL, 'S' },
	{ "timeout", required_argument, NULL, 't' },
	{ "unreach", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'v' },
	{ "reachable", required_argument, NULL, 'x' },
	{ NULL, 0, NULL, 0 },
};

void fping_opts_default(struct fping_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->family = AF_UNSPEC;
	o->retry = 3;
	o->datalen = 56;
	o->backoff = 1.5;
	o->timeout_ns = 500 * 1000000LL;
	o->interval_ns = 10 * 1000000LL;
	o->period_ns = 1000 * 1000000LL;
	o->tos = -1;
}

/* Times past these (a million seconds) are refused as a bad number is:
 * fping converts any float, inf and nan too, to a 64-bit count, which C
 * leaves undefined. */
#define FPING_MS_MAX 1e9
#define FPING_SECS_MAX 1e6

/* sscanf("%f") as fping reads a time in ms: a float, not negative. */
static bool ms(const char *s, int64_t *ns)
{
	float v;

	if (sscanf(s, "%f", &v) != 1 || !(v >= 0 && v <= FPING_MS_MAX))
		return false;
	*ns = (int64_t)(v * 1000000);
	return true;
}

static int msg(char *err, size_t len, const char *prog, const char *text)
{
	snprintf(err, len, "%s: %s", prog, text);
	return FPING_OPTS_MSG;
}

static int one(struct fping_opts *o, int c, const char *arg, const char *prog,
	       char *err, size_t len)
{
	float f;

	switch (c) {
	case '4':
	case '6':
		if (o->family != AF_UNSPEC && o->family != (c == '4' ? AF_INET : AF_INET6))
			return msg(err, len, prog, "can't specify both -4 and -6");
		o->family = c == '4' ? AF_INET : AF_INET6;
		break;
	case 'M': o->dontfrag = true; break;
	case 't':
		if (!ms(arg, &o->timeout_ns))
			return FPING_OPTS_USAGE;
		o->timeout_set = true;
		break;
	case 'r':
		if (sscanf(arg, "%u", &o->retry) != 1)
			return FPING_OPTS_USAGE;
		break;
	case 'i':
		if (!ms(arg, &o->interval_ns))
			return FPING_OPTS_USAGE;
		break;
	case 'p':
		if (!ms(arg, &o->period_ns))
			return FPING_OPTS_USAGE;
		break;
	case 'c':
	case 'C':
		if (!(o->count = (uint32_t)atoi(arg)))
			return FPING_OPTS_USAGE;
		o->count_flag = true;
		if (c == 'C')
			o->all_rtts = true;
		break;
	case 'b':
		if (sscanf(arg, "%u", &o->datalen) != 1)
			return FPING_OPTS_USAGE;
		break;
	case 'h': o->help = true; return FPING_OPTS_OK;
	case 'q': o->quiet = true; break;
	case 'Q':
		o->quiet = true;
		if (sscanf(arg, "%f", &f) != 1 || !(f >= 0 && f <= FPING_SECS_MAX))
			return FPING_OPTS_USAGE;
		o->report_ns = (int64_t)(f * 1e9);
		break;
	case 'e': o->elapsed = true; break;
	case 'm': o->all = true; break;
	case 'N': o->netdata = true; break;
	case 'n':
		o->name = true;
		if (o->rdns)
			return msg(err, len, prog, "use either one of -d or -n");
		break;
	case 'd':
		o->rdns = true;
		if (o->name)
			return msg(err, len, prog, "use either one of -d or -n");
		break;
	case 'A': o->addr = true; break;
	case 'B':
		if (!(o->backoff = atof(arg)))
			return FPING_OPTS_USAGE;
		break;
	case 's': o->stats = true; break;
	case 'D': o->timestamp = true; break;
	case 'R': o->random = true; break;
	case 'l': o->loop = true; break;
	case 'u': o->unreach = true; break;
	case 'a': o->alive = true; break;
	case 'H':
		if (!(o->ttl = (unsigned)atoi(arg)))
			return FPING_OPTS_USAGE;
		break;
	case 'v': o->version = true; return FPING_OPTS_OK;
	case 'x':
		if (!(o->min_reachable = (unsigned)atoi(arg)))
			return FPING_OPTS_USAGE;
		break;
	case 'f': o->file = arg; break;
	case 'g': o->generate = true; break;
	case 'S': o->src = arg; break;
	case 'I': o->iface = arg; break;
	case 'T': break;        /* ignored, as fping ignores it */
	case 'O':
		if (sscanf(arg, "%i", &o->tos) != 1)
			return FPING_OPTS_USAGE;
		break;
	case 'o': o->outage = true; break;
	default:
		return FPING_OPTS_USAGE;
	}
	return FPING_OPTS_OK;
}

int fping_opts_parse(int argc, char **argv, const char *prog,
		     struct fping_opts *o, char *err, size_t errlen)
{
	int c, rc;

	err[0] = '\0';
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":46aAb:B:c:C:dDef:ghH:i:I:lmMnNoO:p:qQ:r:RsS:t:T:uvx:",
				longopts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			char what[64];

			if (optopt && optopt < 256)
				snprintf(what, sizeof(what), "'%c'", optopt);
			else
				snprintf(what, sizeof(what), "'%s'",
					 argv[optind - 1] + strspn(argv[optind - 1], "-"));
			snprintf(err, errlen, "%s: %s -- %s\nsee 'fping -h' for usage information",
				 argv[0], c == ':' ? "option requires an argument" :
						     "invalid option", what);
			return FPING_OPTS_MSG;
		}
		rc = one(o, c, optarg, prog, err, errlen);
		if (rc != FPING_OPTS_OK || o->help || o->version)
			return rc;
	}
	o->targets = argv + optind;
	o->ntargets = argc - optind;
	if (o->ttl > 255) {
		snprintf(err, errlen, "%s: ttl %u out of range", prog, o->ttl);
		return FPING_OPTS_MSG;
	}
	if (o->unreach && o->alive)
		return msg(err, errlen, prog, "specify only one of a, u");
	if (o->count_flag && o->loop)
		return msg(err, errlen, prog, "specify only one of c, l");
	if (o->datalen > 65507) {
		snprintf(err, errlen, "%s: data size %u not valid, must be lower than %u",
			 prog, o->datalen, 65507u);
		return FPING_OPTS_MSG;
	}
	if (!(o->backoff >= 1.0 && o->backoff <= 5.0)) {        /* nan too */
		snprintf(err, errlen, "%s: backoff factor %.1f not valid, must be between %.1f and %.1f",
			 prog, o->backoff, 1.0, 5.0);
		return FPING_OPTS_MSG;
	}
	if ((o->ntargets && o->file) || (o->file && o->generate) ||
	    (o->generate && !o->ntargets))
		return FPING_OPTS_USAGE;
	if (o->generate && o->ntargets > 2)
		return FPING_OPTS_USAGE;
	return FPING_OPTS_OK;
}
