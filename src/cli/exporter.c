/* `echolot exporter`: the daemon.  One engine run that never ends (the
 * monitor plan), the HTTP server, the lookup threads' answers, the
 * re-resolution timer and SIGHUP all descriptors that one loop watches.
 * Sockets (ICMP and the listening one) are opened first, then every
 * capability is dropped and the seccomp filter covers the rest of the
 * daemon's life, HTTP server included. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include "cli.h"
#include "exporter.h"
#include "../sock/sandbox.h"
#include "../wire/timeconv.h"

#define RING 65536              /* probes remembered: rate x timeout */
#ifndef TIMER_SLACK_NS
#define TIMER_SLACK_NS 200000
#endif

static volatile sig_atomic_t stop_flag;

static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* ------------------------------------------------------------ sockets */

static int add_profile(struct exporter *x, const struct xprofile *p)
{
	int k = xsocks_find(x, p);

	if (k >= 0)
		return k;
	if (x->nsocks == XMAX_PROFILES) {
		fprintf(stderr, XP ": more than %d different (size, tos, source) "
			"combinations\n", XMAX_PROFILES);
		return -1;
	}
	memset(&x->socks[x->nsocks], 0, sizeof(x->socks[0]));
	x->socks[x->nsocks].prof = *p;
	x->socks[x->nsocks].si4 = x->socks[x->nsocks].si6 = -1;
	x->socks[x->nsocks].s4.fd = x->socks[x->nsocks].s6.fd = -1;
	return (int)x->nsocks++;
}

/* One family's socket of a profile; its engine index or -1. */
static int open_one(struct exporter *x, struct xsocks *xs, int family)
{
	struct sock *s = family == AF_INET6 ? &xs->s6 : &xs->s4;
	struct probe_echo_cfg *echo = family == AF_INET6 ? &xs->echo6 : &xs->echo4;
	struct probe_open_err err;
	struct sock_opts so;
	int rc;

	memset(&so, 0, sizeof(so));
	so.ttl = so.pmtudisc = so.sndbuf = -1;
	so.mark = -1;
	so.tos = xs->prof.tos;
	so.rcvbuf = 4 << 20;
	so.timestamps = SOCK_TS_RXTX;
	if (xs->prof.has_source) {
		so.source = (struct sockaddr *)&xs->prof.source;
		so.source_len = xs->prof.source_len;
	}
	memset(echo, 0, sizeof(*echo));
	if (probe_echo_open(echo, family, false, &so, s, &err) < 0) {
		if (!strcmp(err.what, "socket"))
			fprintf(stderr, XP ": no IPv%c ICMP socket: raw: %s, datagram: %s\n",
				family == AF_INET6 ? '6' : '4',
				strerror(err.open.raw_errno), strerror(err.open.dgram_errno));
		else
			fprintf(stderr, XP ": IPv%c socket: %s: %s\n",
				family == AF_INET6 ? '6' : '4', err.what, strerror(err.err));
		sock_close(s);
		return -1;
	}
	if (err.warn)
		fprintf(stderr, XP ": IPv%c socket: %s: %s\n", family == AF_INET6 ? '6' : '4',
			err.warn, strerror(err.warn_err));
	echo->datalen = xs->prof.size;
	echo->fill = PROBE_FILL_PING;
	rc = engine_add_sock(x->e, s, ENGINE_SOCK_TX, &probe_echo, echo);
	if (rc < 0) {
		sock_close(s);
		return -1;
	}
	return rc;
}

static int open_sockets(struct exporter *x, const struct xconfig *c)
{
	struct xprofile dflt = { .size = 56, .tos = -1 };
	struct xprofile cli = { .size = x->o.size, .tos = -1 };
	bool any = false;

	x->dflt_profile = add_profile(x, &dflt);
	if (add_profile(x, &cli) < 0)
		return -1;
	for (unsigned i = 0; c && i < c->ngroups; i++)
		if (add_profile(x, &c->groups[i].prof) < 0)
			return -1;
	for (unsigned i = 0; i < x->nsocks; i++) {
		struct xsocks *xs = &x->socks[i];
		int fam = xs->prof.has_source ? xs->prof.source.ss_family : AF_UNSPEC;

		if (fam != AF_INET6)
			xs->si4 = open_one(x, xs, AF_INET);
		if (fam != AF_INET)
			xs->si6 = open_one(x, xs, AF_INET6);
		any |= xs->si4 >= 0 || xs->si6 >= 0;
	}
	if (!any)
		fprintf(stderr, XP ": no ICMP socket at all: give the binary CAP_NET_RAW "
			"(setcap cap_net_raw+ep, or AmbientCapabilities=CAP_NET_RAW) or allow "
			"its group in net.ipv4.ping_group_range\n");
	return any ? 0 : -1;
}

/* ------------------------------------------------------------ watches */

static bool http_ready(void *ctx)
{
	struct exporter *x = ctx;

	http_run(x->http);
	return true;
}

static bool lookup_ready(void *ctx)
{
	struct exporter *x = ctx;
	struct lookup_answer a;
	int rc;

	while ((rc = lookup_take(x->lk, &a)) > 0) {
		if (a.id & XPROBE_ID)
			xweb_on_lookup(x, &a);
		else
			xtargets_on_lookup(x, &a);
	}
	if (rc < 0)
		fprintf(stderr, XP ": the lookup threads are gone: names stay as they are\n");
	return rc == 0;
}

static bool resolve_tick(void *ctx)
{
	struct exporter *x = ctx;
	uint64_t n;

	if (read(x->resolve_timer, &n, sizeof(n)) == (ssize_t)sizeof(n))
		xtargets_resolve_all(x);
	return true;
}

static bool probe_tick(void *ctx)
{
	struct exporter *x = ctx;
	uint64_t n;

	if (read(x->probe_timer, &n, sizeof(n)) == (ssize_t)sizeof(n))
		xweb_deadlines(x);
	return true;
}

static bool signal_came(void *ctx)
{
	struct exporter *x = ctx;
	struct signalfd_siginfo si;

	while (read(x->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo == SIGHUP)
			xtargets_reload(x);
	return true;
}

/* --------------------------------------------------------------- setup */

/* All targets together send sum(1 / interval) probes a second; the ring
 * must remember each for its timeout. */
static void fit_timeout(struct exporter *x, const struct xconfig *c)
{
	double rate = (double)x->o.nhosts * NSEC / (double)x->o.interval_ns;
	double max_s;

	for (unsigned i = 0; c && i < c->nhosts; i++)
		rate += (double)NSEC / (double)c->groups[c->hosts[i].group].interval_ns;
	if (x->o.rate > 0 && rate > x->o.rate)
		rate = x->o.rate;
	max_s = rate > 0 ? (RING * 0.9) / rate : 3600;
	if ((double)x->o.timeout_ns / NSEC > max_s) {
		fprintf(stderr, XP ": --ping.timeout cut to %.3f s: %.0f probes/s can wait "
			"no longer in a ring of %d\n", max_s, rate, RING);
		x->o.timeout_ns = (int64_t)(max_s * NSEC);
	}
}

static int new_engine(struct exporter *x)
{
	struct engine_cfg ec;

	memset(&ec, 0, sizeof(ec));
	ec.inflight = RING;
	ec.rate_pps = x->o.rate;
	ec.burst = 32;
	ec.rx_batch = 32;
	if (getrandom(ec.tag_key, sizeof(ec.tag_key), 0) != sizeof(ec.tag_key)) {
		fprintf(stderr, XP ": getrandom: %s\n", strerror(errno));
		return -1;
	}
	x->e = engine_new(&ec);
	if (!x->e) {
		fprintf(stderr, XP ": out of memory\n");
		return -1;
	}
	return 0;
}

static int open_http(struct exporter *x)
{
	struct http_cfg hc;
	char err[400];

	memset(&hc, 0, sizeof(hc));
	hc.listen = x->o.listen;
	hc.max_conns = x->o.max_conns;
	/* One address may not take every connection. */
	hc.per_ip = x->o.max_conns > 8 ? x->o.max_conns * 3 / 4 : x->o.max_conns;
	hc.timeout_s = (unsigned)(x->o.web_timeout_ns / NSEC);
	hc.conn_memory = 32 * 1024;
	hc.h = (struct http_handler){ xweb_on_request, xweb_on_close, x };
	if (http_open(&x->http, &hc, err, sizeof(err)) < 0) {
		fprintf(stderr, XP ": %s\n", err);
		return -1;
	}
	return 0;
}

static int timers_and_signals(struct exporter *x)
{
	struct itimerspec it;
	struct sigaction sa;
	sigset_t hup;

	x->resolve_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	x->probe_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	/* SIGHUP stays blocked (in the loop's wait too) and comes as a
	 * descriptor: a reload runs between turns of the loop, never inside
	 * a signal handler. */
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	sigprocmask(SIG_BLOCK, &hup, NULL);
	x->sig_fd = signalfd(-1, &hup, SFD_NONBLOCK | SFD_CLOEXEC);
	if (x->resolve_timer < 0 || x->probe_timer < 0 || x->sig_fd < 0) {
		fprintf(stderr, XP ": timerfd / signalfd: %s\n", strerror(errno));
		return -1;
	}
	memset(&it, 0, sizeof(it));
	it.it_value = it.it_interval = wire_ns_ts(x->o.resolve_ns);
	timerfd_settime(x->resolve_timer, 0, &it, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	return 0;
}

static int add_watches(struct exporter *x)
{
	int fds[2], rc = 0;
	unsigned n = http_fds(x->http, fds);

	for (unsigned i = 0; i < n; i++)
		rc |= engine_add_watch(x->e, (struct engine_watch){ fds[i], http_ready, x });
	rc |= engine_add_watch(x->e, (struct engine_watch){ lookup_fd(x->lk), lookup_ready, x });
	rc |= engine_add_watch(x->e, (struct engine_watch){ x->resolve_timer, resolve_tick, x });
	rc |= engine_add_watch(x->e, (struct engine_watch){ x->probe_timer, probe_tick, x });
	rc |= engine_add_watch(x->e, (struct engine_watch){ x->sig_fd, signal_came, x });
	return rc ? -1 : 0;
}

static int setup_monitor(struct exporter *x)
{
	struct monitor_cfg mc = { .timeout_ns = x->o.timeout_ns };

	if (metrics_init(&x->m, x->o.buckets, x->o.nbuckets) < 0)
		return -1;
	x->mon = monitor_new(x->e, &mc);
	if (!x->mon)
		return -1;
	engine_add_sink(x->e, (struct event_sink){ metrics_on_event, &x->m });
	engine_add_sink(x->e, (struct event_sink){ xweb_on_event, x });
	x->prom = (struct prom_source){
		.m = &x->m, .n = &x->n_ti, .get = xtargets_get, .ctx = x,
		.version = ECHOLOT_VERSION, .reload_ok = &x->reload_ok,
		.reload_time = &x->reload_time,
		.timeout_s = (double)x->o.timeout_ns / NSEC,
	};
	return 0;
}

static int selftest(const char *what)
{
	/* The tests' proof: a forbidden call kills the daemon (SIGSYS). */
	fprintf(stderr, XP ": sandbox selftest (%s) returned %d\n", what,
		sandbox_selftest(what));
	return 3;
}

static void version(FILE *f)
{
	struct cli_version_run v = {
		.sockets = CLI_SOCK_PING, .names = 1, .facts_only = true,
		.exporter = true,
	};

	fprintf(f, "echolot exporter %s (smokeping_prober 0.6.1 and "
		"blackbox_exporter ICMP compatible metrics)\n", ECHOLOT_VERSION);
	cli_version_run(f, &v);
}

static void teardown(struct exporter *x)
{
	xweb_stop(x);
	http_close(x->http);
	lookup_stop(x->lk);
	monitor_free(x->mon);
	engine_free(x->e);
	for (unsigned i = 0; i < x->nsocks; i++) {
		sock_close(&x->socks[i].s4);
		sock_close(&x->socks[i].s6);
	}
	metrics_free(&x->m);
	xtargets_free(x);
	if (x->resolve_timer >= 0)
		close(x->resolve_timer);
	if (x->probe_timer >= 0)
		close(x->probe_timer);
	if (x->sig_fd >= 0)
		close(x->sig_fd);
}

static int run(struct exporter *x, struct xconfig *c)
{
	struct engine_signals sig = { &stop_flag, NULL };
	int rc;

	fit_timeout(x, c);
	if (new_engine(x) < 0 || open_sockets(x, c) < 0 || open_http(x) < 0)
		return 2;
	/* Every socket is open: nothing below needs a privilege. */
	if (sock_drop_privileges() < 0) {
		fprintf(stderr, XP ": cannot drop privileges: %s\n", strerror(errno));
		return 2;
	}
	rc = lookup_start(&x->lk, 2);
	if (rc < 0) {
		fprintf(stderr, XP ": lookup threads: %s\n", strerror(-rc));
		return 2;
	}
	if (timers_and_signals(x) < 0 || setup_monitor(x) < 0 || add_watches(x) < 0)
		return 2;
	/* The kernel may fire our timer up to this late, and so wake us once
	 * for the probes of several targets rather than once each: at 10,000
	 * probes/s a third of the CPU was waking up.  Every probe is as late
	 * as its neighbours, so a target's gaps stay even. */
	(void)prctl(PR_SET_TIMERSLACK, TIMER_SLACK_NS, 0, 0, 0);
	/* From here on: probe, serve HTTP, look names up, read the
	 * configuration; nothing else. */
	rc = sandbox_enter_exporter();
	if (rc < 0) {
		fprintf(stderr, XP ": seccomp: %s\n", strerror(-rc));
		return 2;
	}
	if (x->o.selftest && sandbox_available())
		return selftest(x->o.selftest);
	if (xtargets_start(x, c) < 0)
		return 2;
	xconfig_free(c);
	fprintf(stderr, XP ": listening on %s, %u targets\n", http_listening(x->http),
		x->ntargets);
	rc = engine_run_monitor(x->mon, &sig);
	if (rc < 0) {
		fprintf(stderr, XP ": %s\n", strerror(-rc));
		return 2;
	}
	return 0;
}

int cli_exporter(int argc, char **argv, int family)
{
	struct exporter *x = calloc(1, sizeof(*x));
	struct xconfig c;
	char err[600];
	int rc;

	(void)family;
	memset(&c, 0, sizeof(c));
	if (!x) {
		fprintf(stderr, XP ": out of memory\n");
		return 2;
	}
	x->resolve_timer = x->probe_timer = x->sig_fd = -1;
	if (xopts_parse(argc, argv, &x->o, err, sizeof(err)) < 0) {
		fprintf(stderr, XP ": %s\n", err);
		xopts_free(&x->o);
		free(x);
		return 2;
	}
	if (x->o.help || x->o.version) {
		if (x->o.help)
			xopts_usage(stdout);
		else
			version(stdout);
		xopts_free(&x->o);
		free(x);
		return 0;
	}
	if (x->o.config_file && xconfig_load(x->o.config_file, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, XP ": %s\n", err);
		xopts_free(&x->o);
		free(x);
		return 2;
	}
	if (!x->o.config_file && x->o.nhosts == 0)
		fprintf(stderr, XP ": no targets yet (give hosts, or --config.file and "
			"SIGHUP); /probe works\n");
	rc = run(x, &c);
	xconfig_free(&c);
	teardown(x);
	xopts_free(&x->o);
	free(x);
	return rc;
}
