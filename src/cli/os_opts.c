/* `echolot os`'s options. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "os_opts.h"

#define NSEC 1000000000LL

static int fail(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return OS_OPTS_EXIT;
}

int os_opts_parse(int argc, char **argv, struct os_opts *o, char *err,
		  size_t len)
{
	static const struct option longopts[] = {
		{ "ttl-only", no_argument, NULL, 'T' },
		{ "read", required_argument, NULL, 'R' },
		{ "json", no_argument, NULL, 'J' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	err[0] = '\0';
	o->deadline_ns = 10 * NSEC;
	/* 0, not 1: glibc then forgets any earlier scan entirely. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":46nw:h", longopts, NULL)) != -1) {
		switch (c) {
		case '4':
		case '6':
			if (o->family != AF_UNSPEC &&
			    o->family != (c == '4' ? AF_INET : AF_INET6))
				return fail(err, len,
					    "only one -4 or -6 option may be specified");
			o->family = c == '4' ? AF_INET : AF_INET6;
			break;
		case 'n':
			o->numeric = true;
			break;
		case 'w': {
			char *end;
			double v;

			errno = 0;
			v = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(v > 0) ||
			    v > OS_MAX_DEADLINE_S)
				return fail(err, len, "invalid deadline: '%s' (seconds, "
					    "more than 0 and at most %d)", optarg,
					    OS_MAX_DEADLINE_S);
			/* Under a nanosecond (1e-20) is one, not none. */
			o->deadline_ns = (int64_t)(v * NSEC);
			if (o->deadline_ns < 1)
				o->deadline_ns = 1;
			break;
		}
		case 'T':
			o->ttl_only = true;
			break;
		case 'R':
			o->read_path = optarg;
			break;
		case 'J':
			o->json = true;
			break;
		case 'F':
			/* The last --format / --json counts, as in ping. */
			if (!strcmp(optarg, "json"))
				o->json = true;
			else if (!strcmp(optarg, "text"))
				o->json = false;
			else
				return fail(err, len, "invalid --format argument: '%s' "
					    "(text or json)", optarg);
			break;
		case 'h':
			o->help = true;
			return OS_OPTS_EXIT;
		case ':':
			o->usage = true;
			/* A long option's optopt is its val: name it instead. */
			if (!strncmp(argv[optind - 1], "--", 2))
				return fail(err, len, "option '%s' requires an argument",
					    argv[optind - 1]);
			return fail(err, len, "option requires an argument -- '%c'",
				    optopt);
		default:
			o->usage = true;
			if (optopt)
				return fail(err, len, "invalid option -- '%c'", optopt);
			return fail(err, len, "unrecognized option '%s'", argv[optind - 1]);
		}
	}
	if (o->json && o->read_path)
		return fail(err, len, "--json (--format=json) does not go with --read: "
			    "a capture is reported as text only");
	if (optind >= argc && o->read_path) {
		o->target = NULL;
		return OS_OPTS_OK;
	}
	if (optind >= argc) {
		o->usage = true;
		return fail(err, len, "usage error: Destination address required");
	}
	if (optind + 1 < argc)
		return fail(err, len, "one destination only: '%s' is extra",
			    argv[optind + 1]);
	o->target = argv[optind];
	return OS_OPTS_OK;
}
