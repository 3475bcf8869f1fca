/* The exporter's configuration: smokeping_prober's YAML format, read with
 * libyaml (loaded when a file is read, as libidn2 is: ping never pays for
 * it).  Stricter than smokeping_prober, whose decoder drops what it does
 * not know: an unknown key, a value of the wrong kind, a bad duration or
 * a host listed twice is refused with its line and the reason.
 *
 *   targets:
 *   - hosts: [a.example, 198.18.0.2]
 *     interval: 1s          # Go duration; default 1s
 *     network: ip           # ip (IPv4 first), ip4, ip6
 *     protocol: icmp        # icmp or udp: both ICMP echo here
 *     size: 56              # data bytes, 24-65507
 *     source: 198.18.0.1    # send from this address
 *     tos: 0                # TOS / traffic class, 0-255 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <yaml.h>

#include "exporter.h"
#include "../wire/timeconv.h"

#define YAML_SONAME "libyaml-0.so.2"
#define CONFIG_MAX_BYTES (16 << 20)

struct ylib {
	void *dl;
	__typeof__(yaml_parser_initialize) *init;
	__typeof__(yaml_parser_delete) *del;
	__typeof__(yaml_parser_set_input_string) *input;
	__typeof__(yaml_parser_parse) *parse;
	__typeof__(yaml_event_delete) *event_delete;
};

struct yp {
	struct ylib lib;
	yaml_parser_t parser;
	yaml_event_t ev;
	bool have;              /* ev holds an event */
	const char *name;
	char *err;
	size_t errlen;
	struct xconfig *c;
};

static int ylib_open(struct ylib *l, char *err, size_t errlen)
{
	l->dl = dlopen(YAML_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!l->dl) {
		snprintf(err, errlen, "cannot load %s (install libyaml-0-2): %s",
			 YAML_SONAME, dlerror());
		return -1;
	}
	l->init = (__typeof__(l->init))dlsym(l->dl, "yaml_parser_initialize");
	l->del = (__typeof__(l->del))dlsym(l->dl, "yaml_parser_delete");
	l->input = (__typeof__(l->input))dlsym(l->dl, "yaml_parser_set_input_string");
	l->parse = (__typeof__(l->parse))dlsym(l->dl, "yaml_parser_parse");
	l->event_delete = (__typeof__(l->event_delete))dlsym(l->dl, "yaml_event_delete");
	if (!l->init || !l->del || !l->input || !l->parse || !l->event_delete) {
		snprintf(err, errlen, "%s: a function is missing", YAML_SONAME);
		dlclose(l->dl);
		return -1;
	}
	return 0;
}

static int line_of(const struct yp *p)
{
	return (int)p->ev.start_mark.line + 1;
}

static int fail(struct yp *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct yp *p, int line, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s", p->name, line, what);
	return -1;
}

static int next(struct yp *p)
{
	if (p->have)
		p->lib.event_delete(&p->ev);
	p->have = false;
	if (!p->lib.parse(&p->parser, &p->ev))
		return fail(p, (int)p->parser.problem_mark.line + 1, "%s%s%s",
			    p->parser.problem ? p->parser.problem : "not YAML",
			    p->parser.context ? " " : "",
			    p->parser.context ? p->parser.context : "");
	p->have = true;
	if (p->ev.type == YAML_ALIAS_EVENT)
		return fail(p, line_of(p), "aliases (*name) are not supported");
	return 0;
}

static const char *scalar(const struct yp *p)
{
	return (const char *)p->ev.data.scalar.value;
}

/* A plain empty or "null"/"~" scalar: YAML's null. */
static bool is_null(const struct yp *p)
{
	const char *s = scalar(p);

	return p->ev.type == YAML_SCALAR_EVENT &&
	       p->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*s || !strcmp(s, "null") || !strcmp(s, "~") || !strcmp(s, "Null") ||
		!strcmp(s, "NULL"));
}

/* The next event must be a scalar (the value of key). */
static int want_scalar(struct yp *p, const char *key)
{
	if (next(p) < 0)
		return -1;
	if (p->ev.type != YAML_SCALAR_EVENT)
		return fail(p, line_of(p), "%s: a single value is wanted here", key);
	if (strlen(scalar(p)) != p->ev.data.scalar.length)
		return fail(p, line_of(p), "%s: a NUL byte in the value", key);
	return 0;
}

static int add_host(struct yp *p, unsigned group)
{
	struct xconfig *c = p->c;
	const char *s = scalar(p);
	struct xhost *h;

	if (!*s || strlen(s) != p->ev.data.scalar.length)
		return fail(p, line_of(p), "hosts: an empty name, or one with a NUL byte");
	if (strlen(s) > LOOKUP_NAME_MAX)
		return fail(p, line_of(p), "hosts: a name longer than %d bytes",
			    LOOKUP_NAME_MAX);
	if ((c->nhosts & (c->nhosts - 1)) == 0) {  /* 0, 1, 2, 4, ...: grow */
		h = realloc(c->hosts, (size_t)(c->nhosts ? c->nhosts * 2 : 1) * sizeof(*h));
		if (!h)
			return fail(p, line_of(p), "out of memory");
		c->hosts = h;
	}
	h = &c->hosts[c->nhosts];
	h->name = strdup(s);
	if (!h->name)
		return fail(p, line_of(p), "out of memory");
	h->group = group;
	h->line = line_of(p);
	c->nhosts++;
	return 0;
}

static int parse_hosts(struct yp *p, unsigned group)
{
	if (next(p) < 0)
		return -1;
	if (is_null(p))
		return 0;
	if (p->ev.type != YAML_SEQUENCE_START_EVENT)
		return fail(p, line_of(p), "hosts: a list of host names is wanted");
	for (;;) {
		if (next(p) < 0)
			return -1;
		if (p->ev.type == YAML_SEQUENCE_END_EVENT)
			return 0;
		if (p->ev.type != YAML_SCALAR_EVENT)
			return fail(p, line_of(p), "hosts: each entry is one host name");
		if (add_host(p, group) < 0)
			return -1;
	}
}

static int parse_int(struct yp *p, const char *key, long lo, long hi, long *out)
{
	const char *s = scalar(p);
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (end == s || *end || errno || v < lo || v > hi)
		return fail(p, line_of(p), "%s: '%s' is not a number from %ld to %ld",
			    key, s, lo, hi);
	*out = v;
	return 0;
}

/* One key of a group and its value. */
static int group_key(struct yp *p, struct xgroup *g, unsigned gi, const char *key)
{
	long v;

	if (!strcmp(key, "hosts"))
		return parse_hosts(p, gi);
	if (!strcmp(key, "labels") || !strcmp(key, "host"))
		return fail(p, line_of(p), "%s: not supported (smokeping_prober 0.6.1 has "
			    "no such key)", key);
	if (strcmp(key, "interval") && strcmp(key, "network") && strcmp(key, "protocol") &&
	    strcmp(key, "size") && strcmp(key, "source") && strcmp(key, "tos"))
		return fail(p, line_of(p), "unknown key '%s' (hosts, interval, network, "
			    "protocol, size, source, tos)", key);
	if (want_scalar(p, key) < 0)
		return -1;
	if (!strcmp(key, "interval")) {
		if (xparse_duration(scalar(p), &g->interval_ns) < 0)
			return fail(p, line_of(p), "interval: '%s' is not a duration (1s, 500ms, 1m)",
				    scalar(p));
		if (g->interval_ns < MSEC)
			return fail(p, line_of(p), "interval: %s is below 1ms", scalar(p));
	} else if (!strcmp(key, "network")) {
		if (!strcmp(scalar(p), "ip"))
			g->network = AF_UNSPEC;
		else if (!strcmp(scalar(p), "ip4"))
			g->network = AF_INET;
		else if (!strcmp(scalar(p), "ip6"))
			g->network = AF_INET6;
		else
			return fail(p, line_of(p), "network: '%s': one of ip, ip4, ip6", scalar(p));
	} else if (!strcmp(key, "protocol")) {
		if (strcmp(scalar(p), "icmp") && strcmp(scalar(p), "udp"))
			return fail(p, line_of(p), "protocol: '%s': icmp or udp", scalar(p));
	} else if (!strcmp(key, "size")) {
		if (parse_int(p, key, 24, 65507, &v) < 0)
			return -1;
		g->prof.size = (unsigned)v;
	} else if (!strcmp(key, "tos")) {
		if (parse_int(p, key, 0, 255, &v) < 0)
			return -1;
		g->prof.tos = (int)v;
	} else {
		struct sockaddr_storage *ss = &g->prof.source;

		memset(ss, 0, sizeof(*ss));
		if (inet_pton(AF_INET, scalar(p), &((struct sockaddr_in *)ss)->sin_addr) == 1) {
			ss->ss_family = AF_INET;
			g->prof.source_len = sizeof(struct sockaddr_in);
		} else if (inet_pton(AF_INET6, scalar(p),
				     &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
			ss->ss_family = AF_INET6;
			g->prof.source_len = sizeof(struct sockaddr_in6);
		} else {
			return fail(p, line_of(p), "source: '%s' is not an IP address", scalar(p));
		}
		g->prof.has_source = true;
	}
	return 0;
}

static int parse_group(struct yp *p)
{
	struct xconfig *c = p->c;
	struct xgroup *g;
	unsigned gi = c->ngroups, seen = 0;
	static const char *const keys[] = { "hosts", "interval", "network", "protocol",
					    "size", "source", "tos" };

	g = realloc(c->groups, (size_t)(c->ngroups + 1) * sizeof(*g));
	if (!g)
		return fail(p, line_of(p), "out of memory");
	c->groups = g;
	g = &c->groups[gi];
	memset(g, 0, sizeof(*g));
	g->interval_ns = NSEC;
	g->network = AF_UNSPEC;
	g->prof.size = 56;
	g->prof.tos = -1;
	g->line = line_of(p);
	c->ngroups++;
	for (;;) {
		char key[64];

		if (next(p) < 0)
			return -1;
		if (p->ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (p->ev.type != YAML_SCALAR_EVENT)
			return fail(p, line_of(p), "a target group's keys are names");
		snprintf(key, sizeof(key), "%s", scalar(p));
		for (unsigned k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			if (strcmp(key, keys[k]))
				continue;
			if (seen & (1u << k))
				return fail(p, line_of(p), "%s: given twice in this group", key);
			seen |= 1u << k;
		}
		if (group_key(p, &c->groups[gi], gi, key) < 0)
			return -1;
	}
	if (c->groups[gi].prof.has_source && c->groups[gi].network != AF_UNSPEC &&
	    c->groups[gi].network != c->groups[gi].prof.source.ss_family)
		return fail(p, c->groups[gi].line, "source: its family is not the group's network");
	return 0;
}

static int parse_targets(struct yp *p)
{
	if (next(p) < 0)
		return -1;
	if (is_null(p))
		return 0;
	if (p->ev.type != YAML_SEQUENCE_START_EVENT)
		return fail(p, line_of(p), "targets: a list of target groups is wanted");
	for (;;) {
		if (next(p) < 0)
			return -1;
		if (p->ev.type == YAML_SEQUENCE_END_EVENT)
			return 0;
		if (p->ev.type != YAML_MAPPING_START_EVENT)
			return fail(p, line_of(p), "targets: each entry is a group (hosts: ...)");
		if (parse_group(p) < 0)
			return -1;
	}
}

static int parse_doc(struct yp *p)
{
	bool targets = false;

	do {
		if (next(p) < 0)
			return -1;
	} while (p->ev.type == YAML_STREAM_START_EVENT);
	if (p->ev.type == YAML_STREAM_END_EVENT)
		return 0;               /* an empty file: no targets */
	if (p->ev.type != YAML_DOCUMENT_START_EVENT || next(p) < 0)
		return p->have ? fail(p, line_of(p), "not a YAML document") : -1;
	if (is_null(p))
		return 0;
	if (p->ev.type != YAML_MAPPING_START_EVENT)
		return fail(p, line_of(p), "the file is a mapping (targets: ...)");
	for (;;) {
		if (next(p) < 0)
			return -1;
		if (p->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		if (p->ev.type != YAML_SCALAR_EVENT || strcmp(scalar(p), "targets"))
			return fail(p, line_of(p), "unknown key '%s' (targets)",
				    p->ev.type == YAML_SCALAR_EVENT ? scalar(p) : "?");
		if (targets)
			return fail(p, line_of(p), "targets: given twice");
		targets = true;
		if (parse_targets(p) < 0)
			return -1;
	}
}

static int cmp_host(const void *a, const void *b, void *ctx)
{
	const struct xconfig *c = ctx;
	const struct xhost *x = a, *y = b;
	int nx = c->groups[x->group].network, ny = c->groups[y->group].network;

	if (nx != ny)
		return nx - ny;
	return strcmp(x->name, y->name) ? strcmp(x->name, y->name) : x->line - y->line;
}

/* A host twice in one network would be two series with one name. */
static int check_twice(struct yp *p)
{
	struct xconfig *c = p->c;
	struct xhost *sorted;

	if (c->nhosts < 2)
		return 0;
	sorted = malloc((size_t)c->nhosts * sizeof(*sorted));
	if (!sorted)
		return fail(p, 0, "out of memory");
	memcpy(sorted, c->hosts, (size_t)c->nhosts * sizeof(*sorted));
	qsort_r(sorted, c->nhosts, sizeof(*sorted), cmp_host, c);
	for (unsigned i = 1; i < c->nhosts; i++) {
		const struct xhost *x = &sorted[i - 1], *y = &sorted[i];

		if (c->groups[x->group].network == c->groups[y->group].network &&
		    !strcmp(x->name, y->name)) {
			int line = y->line, first = x->line;
			char host[80];

			snprintf(host, sizeof(host), "%s", y->name);
			free(sorted);
			return fail(p, line, "host '%s' is listed twice (also on line %d)",
				    host, first);
		}
	}
	free(sorted);
	return 0;
}

int xconfig_parse(const char *name, const char *text, size_t len,
		  struct xconfig *c, char *err, size_t errlen)
{
	struct yp p;
	int rc;

	memset(c, 0, sizeof(*c));
	memset(&p, 0, sizeof(p));
	p.name = name;
	p.err = err;
	p.errlen = errlen;
	p.c = c;
	if (ylib_open(&p.lib, err, errlen) < 0)
		return -1;
	if (!p.lib.init(&p.parser)) {
		dlclose(p.lib.dl);
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	p.lib.input(&p.parser, (const unsigned char *)text, len);
	rc = parse_doc(&p);
	if (p.have)
		p.lib.event_delete(&p.ev);
	p.lib.del(&p.parser);
	dlclose(p.lib.dl);
	if (rc == 0)
		rc = check_twice(&p);
	if (rc < 0)
		xconfig_free(c);
	return rc;
}

int xconfig_load(const char *path, struct xconfig *c, char *err, size_t errlen)
{
	struct stat st;
	char *text;
	ssize_t n;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	memset(c, 0, sizeof(*c));
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > CONFIG_MAX_BYTES) {
		snprintf(err, errlen, "%s: not a regular file of at most %d bytes", path,
			 CONFIG_MAX_BYTES);
		close(fd);
		return -1;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		close(fd);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	while (got < (size_t)st.st_size &&
	       (n = read(fd, text + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	text[got] = '\0';
	rc = xconfig_parse(path, text, got, c, err, errlen);
	free(text);
	return rc;
}

void xconfig_free(struct xconfig *c)
{
	for (unsigned i = 0; i < c->nhosts; i++)
		free(c->hosts[i].name);
	free(c->hosts);
	free(c->groups);
	memset(c, 0, sizeof(*c));
}

bool xprofile_equal(const struct xprofile *a, const struct xprofile *b)
{
	if (a->size != b->size || a->tos != b->tos || a->has_source != b->has_source)
		return false;
	return !a->has_source || (a->source_len == b->source_len &&
				  !memcmp(&a->source, &b->source, a->source_len));
}
