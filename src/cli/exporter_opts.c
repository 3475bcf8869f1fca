/* `echolot exporter`'s command line: smokeping_prober's flags (kingpin's
 * --flag=value and --flag value), and echolot's own. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exporter.h"
#include "../wire/timeconv.h"

/* smokeping_prober's: prometheus.ExponentialBuckets(0.00005, 2, 20). */
static const char default_buckets[] =
	"5e-05,0.0001,0.0002,0.0004,0.0008,0.0016,0.0032,0.0064,0.0128,0.0256,"
	"0.0512,0.1024,0.2048,0.4096,0.8192,1.6384,3.2768,6.5536,13.1072,26.2144";

void xopts_usage(FILE *f)
{
	fputs("usage: echolot exporter [<flags>] [<hosts>...]\n"
	      "\n"
	      "A Prometheus exporter: every host pinged at its interval, RTT histograms\n"
	      "and counters at /metrics (smokeping_prober's names), one-off probes at\n"
	      "/probe?target=HOST&module=icmp (blackbox_exporter's ICMP names).\n"
	      "\n"
	      "Flags:\n"
	      "  -h, --help                 show this help\n"
	      "      --config.file=FILE     targets in smokeping_prober's YAML format;\n"
	      "                             SIGHUP reads it again\n"
	      "      --web.listen-address=:9374\n"
	      "                             address to serve HTTP on\n"
	      "      --web.telemetry-path=/metrics\n"
	      "                             path of the metrics\n"
	      "      --buckets=LIST         RTT histogram bucket bounds, seconds, comma separated\n"
	      "  -i, --ping.interval=1s     interval of the command line's hosts\n"
	      "  -s, --ping.size=56         data bytes of their probes (24-65507)\n"
	      "      --privileged           accepted (echolot opens a raw socket when it may,\n"
	      "                             else an ICMP datagram socket)\n"
	      "      --ping.timeout=5s      a probe with no reply after this is lost\n"
	      "      --ping.rate-limit=0    probes per second, all targets together (0: none)\n"
	      "      --resolve-interval=1m  names are looked up again this often\n"
	      "      --web.max-connections=64\n"
	      "                             HTTP connections at once\n"
	      "      --web.timeout=10s      an idle HTTP connection is closed after this\n"
	      "      --log.level=info, --log.format=logfmt\n"
	      "                             accepted for smokeping_prober's units\n"
	      "      --version              show the version\n", f);
}

static bool is_unit(const char *s, size_t n, const char *u)
{
	return strlen(u) == n && !memcmp(s, u, n);
}

int xparse_duration(const char *s, int64_t *ns)
{
	double total = 0;
	bool neg = false;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!strcmp(s, "0")) {
		*ns = 0;
		return 0;
	}
	if (!*s)
		return -1;
	while (*s) {
		static const struct { const char *u; double ns; } units[] = {
			{ "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 },
			{ "\xce\xbcs", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
			{ "m", 60e9 }, { "h", 3600e9 },
		};
		const char *u, *end = s;
		double v = 0, scale = 1;
		size_t n;
		bool found = false, digits = false;

		/* [0-9]*(.[0-9]*)?, as Go reads it: no sign, no exponent. */
		for (; *end >= '0' && *end <= '9'; end++, digits = true)
			v = v * 10 + (*end - '0');
		if (*end == '.')
			for (end++; *end >= '0' && *end <= '9'; end++, digits = true)
				v += (*end - '0') * (scale /= 10);
		if (!digits)
			return -1;
		for (u = end; *u && !((*u >= '0' && *u <= '9') || *u == '.'); u++)
			;
		n = (size_t)(u - end);
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			if (is_unit(end, n, units[i].u)) {
				total += v * units[i].ns;
				found = true;
				break;
			}
		}
		if (!found)
			return -1;      /* no unit, or an unknown one */
		s = u;
	}
	if (total > 9.2e18)
		return -1;
	*ns = (int64_t)(total + 0.5) * (neg ? -1 : 1);
	return 0;
}

static int parse_buckets(const char *s, struct xopts *o)
{
	char *copy = strdup(s), *tok, *save = NULL;
	int rc = 0;

	if (!copy)
		return -1;
	o->nbuckets = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		double v = strtod(tok, &end);

		if (end == tok || *end || !isfinite(v) || o->nbuckets == METRICS_MAX_BUCKETS ||
		    (o->nbuckets && v <= o->buckets[o->nbuckets - 1])) {
			rc = -1;
			break;
		}
		o->buckets[o->nbuckets++] = v;
	}
	free(copy);
	return rc == 0 && o->nbuckets > 0 ? 0 : -1;
}

static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

struct flag {
	const char *name;       /* long name without the dashes */
	char shrt;              /* or 0 */
	bool has_value;
};

static const struct flag flags[] = {
	{ "help", 'h', false }, { "version", 0, false },
	{ "config.file", 0, true }, { "web.listen-address", 0, true },
	{ "web.telemetry-path", 0, true }, { "buckets", 0, true },
	{ "ping.interval", 'i', true }, { "ping.size", 's', true },
	{ "privileged", 0, false }, { "no-privileged", 0, false },
	{ "ping.timeout", 0, true }, { "ping.rate-limit", 0, true },
	{ "resolve-interval", 0, true }, { "web.max-connections", 0, true },
	{ "web.timeout", 0, true }, { "log.level", 0, true },
	{ "log.format", 0, true }, { "web.config.file", 0, true },
	{ "web.systemd-socket", 0, false }, { "sandbox-selftest", 0, true },
};

/* One flag's value into o.  0 or -1 (err says why). */
static int apply(struct xopts *o, const char *name, const char *v, char *err,
		 size_t errlen)
{
	int64_t d;

#define BAD(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)
	if (!strcmp(name, "help")) {
		o->help = true;
	} else if (!strcmp(name, "version")) {
		o->version = true;
	} else if (!strcmp(name, "config.file")) {
		o->config_file = v;
	} else if (!strcmp(name, "web.listen-address")) {
		if (o->nlisten++)
			BAD("only one --web.listen-address is supported");
		o->listen = v;
	} else if (!strcmp(name, "web.telemetry-path")) {
		if (v[0] != '/')
			BAD("--web.telemetry-path '%s': must start with /", v);
		o->metrics_path = v;
	} else if (!strcmp(name, "buckets")) {
		if (parse_buckets(v, o) < 0)
			BAD("--buckets '%s': a comma separated list of ascending numbers (at most %d)",
			    v, METRICS_MAX_BUCKETS);
	} else if (!strcmp(name, "ping.interval")) {
		if (xparse_duration(v, &d) < 0 || d < MSEC)
			BAD("--ping.interval '%s': a duration of at least 1ms (1s, 500ms)", v);
		o->interval_ns = d;
	} else if (!strcmp(name, "ping.size")) {
		if (parse_uint(v, 24, 65507, &o->size) < 0)
			BAD("--ping.size '%s': invalid packet size (24-65507)", v);
	} else if (!strcmp(name, "ping.timeout")) {
		if (xparse_duration(v, &d) < 0 || d < MSEC || d > 3600 * NSEC)
			BAD("--ping.timeout '%s': a duration from 1ms to 1h", v);
		o->timeout_ns = d;
	} else if (!strcmp(name, "ping.rate-limit")) {
		char *end;

		o->rate = strtod(v, &end);
		if (end == v || *end || !(o->rate >= 0) || o->rate > 1e7)
			BAD("--ping.rate-limit '%s': probes per second (0: none)", v);
	} else if (!strcmp(name, "resolve-interval")) {
		if (xparse_duration(v, &d) < 0 || d < NSEC)
			BAD("--resolve-interval '%s': a duration of at least 1s", v);
		o->resolve_ns = d;
	} else if (!strcmp(name, "web.max-connections")) {
		if (parse_uint(v, 1, 100000, &o->max_conns) < 0)
			BAD("--web.max-connections '%s': 1 to 100000", v);
	} else if (!strcmp(name, "web.timeout")) {
		if (xparse_duration(v, &d) < 0 || d < NSEC || d > 3600 * NSEC)
			BAD("--web.timeout '%s': a duration from 1s to 1h", v);
		o->web_timeout_ns = d;
	} else if (!strcmp(name, "log.level")) {
		if (strcmp(v, "debug") && strcmp(v, "info") && strcmp(v, "warn") &&
		    strcmp(v, "error"))
			BAD("--log.level '%s': one of debug, info, warn, error", v);
	} else if (!strcmp(name, "log.format")) {
		if (strcmp(v, "logfmt") && strcmp(v, "json"))
			BAD("--log.format '%s': one of logfmt, json", v);
	} else if (!strcmp(name, "web.config.file")) {
		if (*v)
			BAD("--web.config.file: TLS and authentication are not supported; "
			    "put a reverse proxy in front");
	} else if (!strcmp(name, "web.systemd-socket")) {
		BAD("--web.systemd-socket is not supported");
	} else if (!strcmp(name, "sandbox-selftest")) {
		if (strcmp(v, "exec") && strcmp(v, "raw") && strcmp(v, "write"))
			BAD("--sandbox-selftest '%s': exec, raw or write", v);
		o->selftest = v;
	}
	/* --privileged, --no-privileged: accepted, nothing to do. */
	return 0;
#undef BAD
}

static const struct flag *find_long(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strlen(flags[i].name) == n && !strncmp(flags[i].name, name, n))
			return &flags[i];
	return NULL;
}

static const struct flag *find_short(char c)
{
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (flags[i].shrt == c)
			return &flags[i];
	return NULL;
}

int xopts_parse(int argc, char **argv, struct xopts *o, char *err, size_t errlen)
{
	bool only_args = false;

	memset(o, 0, sizeof(*o));
	o->listen = ":9374";
	o->metrics_path = "/metrics";
	o->interval_ns = NSEC;
	o->size = 56;
	o->timeout_ns = 5 * NSEC;
	o->resolve_ns = 60 * NSEC;
	o->max_conns = 64;
	o->web_timeout_ns = 10 * NSEC;
	parse_buckets(default_buckets, o);
	o->hosts = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*o->hosts));
	if (!o->hosts) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const struct flag *f;

		if (only_args || a[0] != '-' || !a[1]) {
			if (!a[0]) {
				snprintf(err, errlen, "'' is not a valid hostname");
				return -1;
			}
			o->hosts[o->nhosts++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_args = true;
			continue;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');

			f = find_long(a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
			if (!f) {
				snprintf(err, errlen, "unknown long flag '%.*s'",
					 eq ? (int)(eq - a) : (int)strlen(a), a);
				return -1;
			}
			if (eq && !f->has_value) {
				snprintf(err, errlen, "flag '--%s' takes no value", f->name);
				return -1;
			}
			val = eq ? eq + 1 : NULL;
		} else {
			f = find_short(a[1]);
			if (!f) {
				snprintf(err, errlen, "unknown short flag '-%c'", a[1]);
				return -1;
			}
			if (a[2])
				val = f->has_value ? a + 2 : NULL;
			if (a[2] && !f->has_value) {
				snprintf(err, errlen, "unknown short flag '-%s'", a + 1);
				return -1;
			}
		}
		if (f->has_value && !val) {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "expected argument for flag '--%s'", f->name);
				return -1;
			}
			val = argv[++i];
		}
		if (apply(o, f->name, val ? val : "", err, errlen) < 0)
			return -1;
	}
	return 0;
}

void xopts_free(struct xopts *o)
{
	free(o->hosts);
	o->hosts = NULL;
}
