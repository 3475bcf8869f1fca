/* `echolot sweep`'s options (sweep_opts.h). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sweep_opts.h"
#include "../engine/dedup.h"

_Static_assert(DEDUP_WINDOW_MAX == 16777216, "--dedup-window's message");

enum {
	OPT_EXCLUDE = 256, OPT_SEED, OPT_SHARD, OPT_RATE, OPT_RETRIES, OPT_WAIT,
	OPT_FIELDS, OPT_FORMAT, OPT_JSON, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_THREADS,
	OPT_DEDUP_WINDOW,
};

static const struct option longopts[] = {
	{ "file", required_argument, NULL, 'f' },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "wait", required_argument, NULL, OPT_WAIT },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "dedup-window", required_argument, NULL, OPT_DEDUP_WINDOW },
	{ "output-fields", required_argument, NULL, OPT_FIELDS },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "size", required_argument, NULL, 's' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void sweep_opts_default(struct sweep_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->family = AF_UNSPEC;
	o->shards = 1;
	o->rate = SWEEP_RATE_DEFAULT;
	o->wait = 1.0;
	o->datalen = 32;
	o->progress = -1;
	o->out.format = SWEEP_TEXT;
}

static int bad(char *err, size_t len, const char *fmt, const char *arg)
{
	snprintf(err, len, fmt, arg);
	return SWEEP_OPTS_EXIT;
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end;
}

static bool parse_secs(const char *s, double *v, double max)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return *s && !*end && !errno && isfinite(*v) && *v >= 0 && *v <= max;
}

/* "I/N", 0 <= I < N. */
static bool parse_shard(const char *s, uint32_t *i, uint32_t *n)
{
	const char *slash = strchr(s, '/');
	char buf[32];
	uint64_t a, b;

	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		return false;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (!parse_u64(buf, &a) || !parse_u64(slash + 1, &b) || b == 0 ||
	    b > UINT32_MAX || a >= b)
		return false;
	*i = (uint32_t)a;
	*n = (uint32_t)b;
	return true;
}

static int one(struct sweep_opts *o, int c, const char *arg, char *err, size_t len)
{
	uint64_t u;

	switch (c) {
	case '4':
		o->family = AF_INET;
		break;
	case '6':
		o->family = AF_INET6;
		break;
	case 'f':
		if (o->nfiles == sizeof(o->files) / sizeof(o->files[0]))
			return bad(err, len, "too many -f files%s", "");
		o->files[o->nfiles++] = arg;
		break;
	case OPT_EXCLUDE:
		if (o->nexclude == sizeof(o->exclude) / sizeof(o->exclude[0]))
			return bad(err, len, "too many --exclude files%s", "");
		o->exclude[o->nexclude++] = arg;
		break;
	case OPT_SEED:
		if (!parse_u64(arg, &o->seed))
			return bad(err, len, "invalid --seed: '%s'", arg);
		o->has_seed = true;
		break;
	case OPT_SHARD:
		if (!parse_shard(arg, &o->shard, &o->shards))
			return bad(err, len, "invalid --shard: '%s' (I/N, 0 <= I < N)", arg);
		break;
	case OPT_RATE:
		if (!strcmp(arg, "max")) {
			o->rate = 0;
		} else if (!parse_secs(arg, &o->rate, 1e9) || o->rate < 1) {
			return bad(err, len, "invalid --rate: '%s' (probes/s, at least 1, or max)",
				   arg);
		}
		break;
	case OPT_RETRIES:
		if (!parse_u64(arg, &u) || u > 100)
			return bad(err, len, "invalid --retries: '%s' (0 to 100)", arg);
		o->retries = (unsigned)u;
		break;
	case OPT_DEDUP_WINDOW:
		if (!parse_u64(arg, &u) || u < 1 || u > DEDUP_WINDOW_MAX)
			return bad(err, len, "invalid --dedup-window: '%s' (1 to 16777216 answers)",
				   arg);
		o->dedup_window = (uint32_t)u;
		break;
	case OPT_WAIT:
		if (!parse_secs(arg, &o->wait, 3600))
			return bad(err, len, "invalid --wait: '%s' (seconds, 0 to 3600)", arg);
		break;
	case OPT_THREADS:
		if (!strcmp(arg, "auto"))
			o->threads = 0;
		else if (!parse_u64(arg, &u) || u < 1 || u > SWEEP_THREADS_OPT_MAX)
			return bad(err, len, "invalid --threads: '%s' (1 to 32, or auto)", arg);
		else
			o->threads = (unsigned)u;
		break;
	case 's':
		if (!parse_u64(arg, &u) || u < 32 || u > 65000)
			return bad(err, len, "invalid -s: '%s' (32 to 65000 data bytes)", arg);
		o->datalen = (size_t)u;
		break;
	case OPT_FIELDS:
		if (sweep_out_fields(&o->out, arg, err, len) < 0)
			return SWEEP_OPTS_EXIT;
		break;
	case OPT_FORMAT:
		if (!strcmp(arg, "text"))
			o->out.format = SWEEP_TEXT;
		else if (!strcmp(arg, "csv"))
			o->out.format = SWEEP_CSV;
		else if (!strcmp(arg, "json"))
			o->out.format = SWEEP_JSON;
		else
			return bad(err, len, "invalid --format argument: '%s' (text, csv or json)",
				   arg);
		break;
	case OPT_JSON:
		o->out.format = SWEEP_JSON;
		break;
	case OPT_PROGRESS:
		o->progress = 1;
		break;
	case OPT_NO_PROGRESS:
		o->progress = 0;
		break;
	case 'q':
		o->out.quiet = true;
		break;
	case 'v':
		o->out.verbose = true;
		break;
	case 'h':
		o->help = true;
		return SWEEP_OPTS_EXIT;
	case 'V':
		o->version = true;
		break;
	default:
		err[0] = '\0';
		return SWEEP_OPTS_EXIT;
	}
	return SWEEP_OPTS_OK;
}

int sweep_opts_parse(int argc, char **argv, struct sweep_opts *o, char *err,
		     size_t errlen)
{
	int c;

	err[0] = '\0';
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+46f:qvs:hV", longopts, NULL)) != -1) {
		if (c == '?') {
			if (optopt && optopt < 256)
				snprintf(err, errlen, "invalid option -- '%c'", optopt);
			else
				snprintf(err, errlen, "invalid option: '%s'", argv[optind - 1]);
			return SWEEP_OPTS_EXIT;
		}
		if (one(o, c, optarg, err, errlen) != SWEEP_OPTS_OK)
			return SWEEP_OPTS_EXIT;
	}
	if (o->version)
		return SWEEP_OPTS_OK;
	o->targets = argv + optind;
	o->ntargets = argc - optind;
	if (o->ntargets == 0 && o->nfiles == 0)
		return bad(err, errlen, "no targets (give CIDR blocks, ranges, addresses, "
			   "names or -f FILE)%s", "");
	if (o->shards > 1 && !o->has_seed)
		return bad(err, errlen, "--shard needs --seed (every shard the same)%s", "");
	return SWEEP_OPTS_OK;
}
