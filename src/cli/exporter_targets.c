/* The exporter's targets: the command line's and the configuration's,
 * their names looked up (at start, on a schedule, in the lookup threads),
 * a SIGHUP's reload (targets that stay keep their index and so their
 * counters), and /metrics' view of them. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exporter.h"
#include "../wire/addr.h"

int xsocks_find(const struct exporter *x, const struct xprofile *p)
{
	for (unsigned i = 0; i < x->nsocks; i++)
		if (xprofile_equal(&x->socks[i].prof, p))
			return (int)i;
	return -1;
}

int xsocks_for(const struct exporter *x, unsigned k, int family)
{
	if (k >= x->nsocks)
		return -1;
	return family == AF_INET6 ? x->socks[k].si6 : x->socks[k].si4;
}

/* Room for engine index ti in the maps. */
int xmaps_room(struct exporter *x, uint32_t ti)
{
	if (ti >= x->cap_ti) {
		uint32_t cap = x->cap_ti ? x->cap_ti : 64;
		struct xtarget **t;
		struct xprobe **p;

		while (cap <= ti)
			cap *= 2;
		t = realloc(x->by_ti, (size_t)cap * sizeof(*t));
		if (!t)
			return -ENOMEM;
		memset(t + x->cap_ti, 0, (size_t)(cap - x->cap_ti) * sizeof(*t));
		x->by_ti = t;
		p = realloc(x->probe_by_ti, (size_t)cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		memset(p + x->cap_ti, 0, (size_t)(cap - x->cap_ti) * sizeof(*p));
		x->probe_by_ti = p;
		x->cap_ti = cap;
	}
	if (ti >= x->n_ti)
		x->n_ti = ti + 1;
	return 0;
}

/* A host name fit for a log line: control characters (a newline in a
 * quoted YAML name) shown as '?', so that one line stays one line. */
static const char *shown(const char *host, char buf[80])
{
	size_t i;

	for (i = 0; host[i] && i < 79; i++)
		buf[i] = (unsigned char)host[i] < 0x20 || host[i] == 0x7f ? '?' : host[i];
	buf[i] = '\0';
	return buf;
}

static void set_ip(struct xtarget *t)
{
	const uint8_t *b = wire_sa_bytes((struct sockaddr *)&t->addr);

	if (!b || !inet_ntop(t->addr.ss_family, b, t->ip, sizeof(t->ip)))
		snprintf(t->ip, sizeof(t->ip), "?");
}

/* A numeric host's address, if it is one (and fits its network). */
static bool numeric(struct xtarget *t)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)&t->addr;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&t->addr;

	memset(&t->addr, 0, sizeof(t->addr));
	if (inet_pton(AF_INET, t->host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		t->addrlen = sizeof(*a4);
	} else if (inet_pton(AF_INET6, t->host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		t->addrlen = sizeof(*a6);
	} else {
		return false;
	}
	t->numeric = true;
	return true;
}

static void ask(struct exporter *x, struct xtarget *t)
{
	uint64_t id;

	/* One count for all targets: an answer for a place's previous
	 * occupant never matches the new one's. */
	t->gen = ++x->lookup_serial;
	id = ((uint64_t)t->ti << 32) | t->gen;
	if (lookup_ask(x->lk, id, t->host, t->network,
		       t->network == AF_INET6 ? AF_INET6 : AF_INET) < 0) {
		t->resolved = false;
		t->resolve_errors++;
	}
}

/* The target into the monitor at engine index (its address, if any). */
static int place(struct exporter *x, struct xtarget *t)
{
	int si = t->has_addr ? xsocks_for(x, t->profile, t->addr.ss_family) :
			       xsocks_for(x, t->profile, AF_INET);
	int64_t ti;

	if (si < 0)
		si = xsocks_for(x, t->profile, AF_INET6);
	if (si < 0)
		return -EAFNOSUPPORT;
	ti = monitor_add(x->mon, t->has_addr ? (struct sockaddr *)&t->addr : NULL,
			 t->addrlen, (unsigned)si, t->interval_ns, 0);
	if (ti < 0)
		return (int)ti;
	if (xmaps_room(x, (uint32_t)ti) < 0) {
		monitor_remove(x->mon, (uint32_t)ti);
		return -ENOMEM;
	}
	t->ti = (uint32_t)ti;
	x->by_ti[ti] = t;
	return 0;
}

static struct xtarget *add(struct exporter *x, const char *host, int network,
			   unsigned profile, int64_t interval, bool from_cli)
{
	struct xtarget *t = calloc(1, sizeof(*t));
	char sb[80];

	if (!t || !(t->host = strdup(host))) {
		free(t);
		return NULL;
	}
	t->network = network;
	t->profile = profile;
	t->interval_ns = interval;
	t->from_cli = from_cli;
	if (numeric(t)) {
		bool fits = network == AF_UNSPEC || network == t->addr.ss_family;

		t->has_addr = fits && xsocks_for(x, profile, t->addr.ss_family) >= 0;
		t->resolved = t->has_addr;
		t->resolve_errors = !t->has_addr;
		if (t->has_addr)
			set_ip(t);
		else
			fprintf(stderr, XP ": %s: no %s socket for this address\n",
				shown(host, sb), fits ? "open" : "matching");
	}
	if (place(x, t) < 0) {
		fprintf(stderr, XP ": %s: cannot add the target\n", shown(host, sb));
		free(t->host);
		free(t);
		return NULL;
	}
	x->ntargets++;
	if (!t->numeric)
		ask(x, t);
	return t;
}

static void drop(struct exporter *x, struct xtarget *t)
{
	monitor_remove(x->mon, t->ti);
	x->by_ti[t->ti] = NULL;
	x->ntargets--;
	free(t->host);
	free(t);
}

static int cmp_target(const void *a, const void *b)
{
	const struct xtarget *x = *(const struct xtarget *const *)a;
	const struct xtarget *y = *(const struct xtarget *const *)b;

	if (x->from_cli != y->from_cli)
		return x->from_cli - y->from_cli;
	if (x->network != y->network)
		return x->network - y->network;
	return strcmp(x->host, y->host);
}

/* The targets sorted by (origin, network, host), for lookups in
 * O(log n): a reload of ten thousand hosts must not stall the probes. */
struct index {
	struct xtarget **v;
	uint32_t n;
};

static int index_build(struct exporter *x, struct index *ix)
{
	ix->n = 0;
	ix->v = malloc((size_t)(x->n_ti ? x->n_ti : 1) * sizeof(*ix->v));
	if (!ix->v)
		return -ENOMEM;
	for (uint32_t i = 0; i < x->n_ti; i++)
		if (x->by_ti[i])
			ix->v[ix->n++] = x->by_ti[i];
	qsort(ix->v, ix->n, sizeof(*ix->v), cmp_target);
	return 0;
}

static struct xtarget *find(const struct index *ix, const char *host, int network,
			    bool from_cli)
{
	struct xtarget key = { .host = (char *)host, .network = network,
			       .from_cli = from_cli };
	struct xtarget *kp = &key, **hit;

	if (!ix->n)
		return NULL;
	hit = bsearch(&kp, ix->v, ix->n, sizeof(*ix->v), cmp_target);
	return hit ? *hit : NULL;
}

/* Every host of c has a profile with sockets: else the name of one that
 * has not, for the message. */
static const char *missing_profile(const struct exporter *x, const struct xconfig *c)
{
	for (unsigned i = 0; i < c->nhosts; i++)
		if (xsocks_find(x, &c->groups[c->hosts[i].group].prof) < 0)
			return c->hosts[i].name;
	return NULL;
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int xtargets_start(struct exporter *x, const struct xconfig *c)
{
	struct xprofile cli = { .size = x->o.size, .tos = -1 };
	int k = xsocks_find(x, &cli);
	const char *miss = c ? missing_profile(x, c) : NULL;

	struct index ix;

	if (miss) {
		fprintf(stderr, XP ": %s: no socket for its group's probes\n", miss);
		return -1;
	}
	for (unsigned i = 0; i < x->o.nhosts; i++) {
		bool twice = false;

		for (unsigned j = 0; j < i && !twice; j++)
			twice = !strcmp(x->o.hosts[i], x->o.hosts[j]);
		if (twice)
			continue;       /* named twice: one target */
		if (k < 0 || !add(x, x->o.hosts[i], AF_UNSPEC, (unsigned)k,
				  x->o.interval_ns, true))
			return -1;
	}
	if (index_build(x, &ix) < 0)
		return -1;
	for (unsigned i = 0; c && i < c->nhosts; i++) {
		const struct xgroup *g = &c->groups[c->hosts[i].group];

		if (find(&ix, c->hosts[i].name, g->network, true))
			continue;       /* also on the command line */
		if (!add(x, c->hosts[i].name, g->network,
			 (unsigned)xsocks_find(x, &g->prof), g->interval_ns, false)) {
			free(ix.v);
			return -1;
		}
	}
	free(ix.v);
	x->reload_ok = true;
	x->reload_time = wall_now();
	return 0;
}

/* A kept target's group may have changed: its interval, its probes. */
static void update(struct exporter *x, struct xtarget *t, const struct xgroup *g)
{
	unsigned k = (unsigned)xsocks_find(x, &g->prof);

	if (t->interval_ns != g->interval_ns) {
		t->interval_ns = g->interval_ns;
		monitor_set_interval(x->mon, t->ti, g->interval_ns);
	}
	if (k != t->profile) {
		int si = xsocks_for(x, k, t->has_addr ? t->addr.ss_family : AF_INET);

		if (si >= 0) {
			t->profile = k;
			monitor_move(x->mon, t->ti, t->has_addr ?
				     (struct sockaddr *)&t->addr : NULL, t->addrlen,
				     (unsigned)si);
		}
	}
}

void xtargets_reload(struct exporter *x)
{
	struct xconfig c;
	char err[600];
	const char *miss;
	unsigned added = 0, removed = 0, kept = 0;

	if (!x->o.config_file)
		return;
	if (xconfig_load(x->o.config_file, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, XP ": reload failed, the configuration stays as it was: %s\n", err);
		x->reload_ok = false;
		return;
	}
	miss = missing_profile(x, &c);
	if (miss) {
		char sb[80];

		fprintf(stderr, XP ": reload failed: %s: its group's probes (size, tos, "
			"source) need a socket that was not opened at start; restart the "
			"exporter\n", shown(miss, sb));
		x->reload_ok = false;
		xconfig_free(&c);
		return;
	}
	struct index ix;

	if (index_build(x, &ix) < 0) {
		fprintf(stderr, XP ": reload failed: out of memory\n");
		x->reload_ok = false;
		xconfig_free(&c);
		return;
	}
	for (uint32_t i = 0; i < x->n_ti; i++)
		if (x->by_ti[i])
			x->by_ti[i]->seen = false;
	for (unsigned i = 0; i < c.nhosts; i++) {
		const struct xgroup *g = &c.groups[c.hosts[i].group];
		struct xtarget *t = find(&ix, c.hosts[i].name, g->network, false);

		if (find(&ix, c.hosts[i].name, g->network, true))
			continue;
		if (t) {
			t->seen = true;
			update(x, t, g);
			kept++;
		} else if ((t = add(x, c.hosts[i].name, g->network,
				    (unsigned)xsocks_find(x, &g->prof), g->interval_ns,
				    false))) {
			t->seen = true;
			added++;
		}
	}
	for (uint32_t i = 0; i < x->n_ti; i++) {
		struct xtarget *t = x->by_ti[i];

		if (t && !t->from_cli && !t->seen) {
			drop(x, t);
			removed++;
		}
	}
	free(ix.v);
	xconfig_free(&c);
	x->reload_ok = true;
	x->reload_time = wall_now();
	fprintf(stderr, XP ": reloaded %s: %u targets kept, %u added, %u removed\n",
		x->o.config_file, kept, added, removed);
}

void xtargets_resolve_all(struct exporter *x)
{
	for (uint32_t i = 0; i < x->n_ti; i++) {
		struct xtarget *t = x->by_ti[i];

		if (t && !t->numeric)
			ask(x, t);
	}
}

static void resolve_failed(struct xtarget *t, const char *why)
{
	char sb[80];

	/* Said once as it stops resolving, not at every try. */
	if (t->resolved || t->resolve_errors == 0)
		fprintf(stderr, XP ": %s: %s%s\n", shown(t->host, sb), why,
			t->has_addr ? "; still probing its last address" : "");
	t->resolved = false;
	t->resolve_errors++;
}

void xtargets_on_lookup(struct exporter *x, const struct lookup_answer *a)
{
	uint32_t ti = (uint32_t)(a->id >> 32);
	struct xtarget *t = ti < x->n_ti ? x->by_ti[ti] : NULL;
	int si;

	if (!t || t->gen != (uint32_t)a->id)
		return;         /* for a target gone, or an older lookup */
	if (a->err) {
		resolve_failed(t, gai_strerror(a->err));
		return;
	}
	si = xsocks_for(x, t->profile, a->addr.ss_family);
	if (si < 0) {
		resolve_failed(t, a->addr.ss_family == AF_INET6 ? "no IPv6 socket" :
			       "no IPv4 socket");
		return;
	}
	t->resolved = true;
	if (t->has_addr && wire_sa_equal((struct sockaddr *)&t->addr,
					 (const struct sockaddr *)&a->addr))
		return;
	if (t->has_addr) {
		/* It moved: a new series (host, new ip), from zero.  The old
		 * address's probes still out are no longer its. */
		char old[48];

		memcpy(old, t->ip, sizeof(old));
		monitor_remove(x->mon, t->ti);
		x->by_ti[t->ti] = NULL;
		t->addr = a->addr;
		t->addrlen = a->addrlen;
		set_ip(t);
		if (place(x, t) < 0) {
			x->ntargets--;
			free(t->host);
			free(t);
			return;
		}
		char sb[80];

		fprintf(stderr, XP ": %s moved from %s to %s\n", shown(t->host, sb), old, t->ip);
		return;
	}
	t->addr = a->addr;
	t->addrlen = a->addrlen;
	t->has_addr = true;
	set_ip(t);
	monitor_move(x->mon, t->ti, (struct sockaddr *)&t->addr, t->addrlen,
		     (unsigned)si);
}

void xtargets_free(struct exporter *x)
{
	for (uint32_t i = 0; i < x->n_ti; i++) {
		if (x->by_ti[i]) {
			free(x->by_ti[i]->host);
			free(x->by_ti[i]);
		}
	}
	free(x->by_ti);
	free(x->probe_by_ti);
	x->by_ti = NULL;
	x->probe_by_ti = NULL;
	x->n_ti = x->cap_ti = 0;
}

bool xtargets_get(void *ctx, uint32_t i, struct prom_target *pt)
{
	struct exporter *x = ctx;
	const struct xtarget *t = i < x->n_ti ? x->by_ti[i] : NULL;

	if (!t)
		return false;
	pt->host = t->host;
	pt->ip = t->has_addr ? t->ip : NULL;
	pt->ti = i;
	pt->resolved = t->resolved;
	pt->resolve_errors = t->resolve_errors;
	return true;
}
