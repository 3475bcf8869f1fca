/* `echolot sweep TARGET...`: which hosts of a set are up, and what they
 * are.  argv -> the target set (tset), the sockets, the reporter, and the
 * engine's sweep plan (engine/sweep.h).  Exit: 0 some host answered, 1
 * none, 2 an error. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/random.h>

#include "cli.h"
#include "sweep_opts.h"
#include "../engine/engine.h"
#include "../engine/sweep.h"
#include "../engine/tset.h"
#include "../report/sweep_out.h"
#include "../sock/resolve.h"
#include "../sock/sandbox.h"

static volatile sig_atomic_t stop_flag;

static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void usage(FILE *f)
{
	fputs("Usage: echolot sweep [options] TARGET...\n"
	      "Which hosts of a set answer ICMP echo, and what they are.\n"
	      "\n"
	      "Targets: CIDR blocks (198.18.0.0/16, 2001:2::/112; IPv6 down to /104),\n"
	      "ranges (198.18.0.1-198.18.0.99), addresses and names.\n"
	      "  -f, --file FILE        targets from FILE, one a line, # comments ('-': stdin)\n"
	      "      --exclude FILE     skip the blocks in FILE (zmap's blocklist format)\n"
	      "  -4, -6                 IPv4 or IPv6 targets only\n"
	      "\n"
	      "Probing:\n"
	      "      --rate PPS         probes per second (default 10000), or max\n"
	      "      --retries N        probe those that did not answer N more times\n"
	      "      --wait S           wait S seconds after the last probe (default 1)\n"
	      "      --seed N           the order of the walk (default: random)\n"
	      "      --dedup-window N   tell answers apart over the last N (default: a bit an\n"
	      "                         address up to 2^27 addresses, then the last 2^20)\n"
	      "      --shard I/N        probe shard I (0-based) of N; needs --seed\n"
	      "  -s, --size N           data bytes a probe (32 to 65000, default 32)\n"
	      "      --threads N        probe from N threads, each with its own socket\n"
	      "                         (1 to 32; default auto: one a CPU for large\n"
	      "                         sets at --rate max or above 100000)\n"
	      "\n"
	      "Output:\n"
	      "  -q, --quiet            responders' addresses only\n"
	      "  -v, --verbose          also answers not credited and refused sends\n"
	      "      --format FMT       text (default), csv or json\n"
	      "      --json             same as --format=json\n"
	      "      --output-fields L  fields and their order: addr,status,ttl,rtt,os,\n"
	      "                         initial,hops,from,pass,index\n"
	      "      --progress         a status line each second on stderr (default\n"
	      "                         when stderr is a terminal); --no-progress\n"
	      "  -h, --help, -V, --version\n"
	      "\n"
	      "Exit status: 0 some host answered, 1 none, 2 an error.\n"
	      "For more details see echolot(8).\n", f);
}

static const char *resolve_one(void *ctx, const char *name, int family,
			       struct sockaddr_storage *out)
{
	static char err[600];
	char canon[256];
	socklen_t len;

	(void)ctx;
	if (resolve_target(name, family, out, &len, canon, sizeof(canon), err,
			   sizeof(err)) == 0)
		return NULL;
	/* resolve_target says "name: why": keep the why. */
	{
		const char *why = strstr(err, ": ");

		return why ? why + 2 : err;
	}
}

/* Lines of a target or blocklist file into the set. */
static int read_file(struct tset *set, const char *path, bool exclude, int family)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char line[1024], err[700];
	unsigned long n = 0, lineno = 0;

	if (!f) {
		fprintf(stderr, "sweep: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *t = tset_line(line);
		int rc;

		lineno++;
		if (!t)
			continue;
		rc = exclude ? tset_exclude(set, t, err, sizeof(err)) :
			       tset_add(set, t, family, resolve_one, NULL, err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "sweep: %s:%lu: %s\n", path, lineno, err);
			if (f != stdin)
				fclose(f);
			return -1;
		}
		n++;
	}
	if (f != stdin)
		fclose(f);
	if (!n && !exclude) {
		fprintf(stderr, "sweep: %s: no targets\n", path);
		return -1;
	}
	return 0;
}

static int build_set(struct tset *set, const struct sweep_opts *o)
{
	char err[700];

	for (int i = 0; i < o->ntargets; i++)
		if (tset_add(set, o->targets[i], o->family, resolve_one, NULL, err,
			     sizeof(err)) < 0) {
			fprintf(stderr, "sweep: %s\n", err);
			return -1;
		}
	for (unsigned i = 0; i < o->nfiles; i++)
		if (read_file(set, o->files[i], false, o->family) < 0)
			return -1;
	for (unsigned i = 0; i < o->nexclude; i++)
		if (read_file(set, o->exclude[i], true, o->family) < 0)
			return -1;
	if (tset_finish(set) < 0) {
		fprintf(stderr, "sweep: out of memory\n");
		return -1;
	}
	if (set->size == 0) {
		fprintf(stderr, "sweep: no addresses left to probe\n");
		return -1;
	}
	return 0;
}

/* One thread's engine and its sockets, a family each. */
struct sweep_member {
	struct engine *engine;
	struct probe_sweep_cfg kc[2];
	struct probe_socks ps[2];
	int open_rc[2];
	struct probe_open_err open_err[2];
};

struct sweep_run {
	struct sweep_opts o;
	struct tset set;
	struct sweep_member m[SWEEP_THREADS_OPT_MAX];
	unsigned nopen;         /* members whose sockets were opened */
	unsigned n;             /* members that run */
	struct sweep_out out;
	int sock4, sock6;
	bool sandbox_failed;
};

/* Above this rate (or at max) one thread is not enough to be sure of it;
 * below, one thread keeps one exact token bucket. */
#define AUTO_THREADS_RATE 100000
/* Threads only for sets this large a thread: below, starting them costs
 * more than they save. */
#define AUTO_THREADS_MIN_ADDRS 4096
#define AUTO_THREADS_MAX 8

/* How many members may run: --threads, or one a CPU this process may
 * use.  Known before the set is (the sockets are opened first). */
static unsigned threads_wanted(const struct sweep_opts *o)
{
	cpu_set_t cpus;
	int n;

	if (o->threads)
		return o->threads;
	if (o->rate > 0 && o->rate <= AUTO_THREADS_RATE)
		return 1;
	n = sched_getaffinity(0, sizeof(cpus), &cpus) == 0 ? CPU_COUNT(&cpus) : 1;
	return n < 1 ? 1 : n > AUTO_THREADS_MAX ? AUTO_THREADS_MAX : (unsigned)n;
}

/* ... and how many do, once the set is known. */
static unsigned threads_used(const struct sweep_run *r)
{
	uint64_t n = r->nopen;

	if (!r->o.threads && r->set.size / AUTO_THREADS_MIN_ADDRS < n)
		n = r->set.size / AUTO_THREADS_MIN_ADDRS;
	if (n > r->set.size)
		n = r->set.size;
	return n < 1 ? 1 : (unsigned)n;
}

/* A raw socket's identifier, unlike those of the members before j (each
 * member's socket keeps only the replies to its own probes). */
static bool id_taken(const struct sweep_run *r, unsigned j, unsigned k)
{
	for (unsigned i = 0; i < j; i++)
		if (r->m[i].open_rc[k] == 0 && r->m[i].kc[k].echo.raw &&
		    r->m[i].kc[k].echo.id == r->m[j].kc[k].echo.id)
			return true;
	return false;
}

/* One family's socket of member j, raw where we may, else the ICMP
 * datagram socket: opened while privileged, before any name is looked
 * up; what went wrong is said only if the set needs this family. */
static void open_family(struct sweep_run *r, unsigned j, int family)
{
	struct sweep_member *m = &r->m[j];
	unsigned k = family == AF_INET6;
	struct sock_opts so;

	memset(&so, 0, sizeof(so));
	so.ttl = so.tos = so.pmtudisc = -1;
	so.mark = -1;
	/* DF on a probe that fits any path (as the default would set it):
	 * the kernel then skips the IP ID's hash, a good part of a send. */
	if (family == AF_INET && r->o.datalen <= 548)
		so.pmtudisc = IP_PMTUDISC_PROBE;
	/* Replies of a whole block arrive at line rate. */
	so.rcvbuf = 8 << 20;
	so.sndbuf = 0;
	m->kc[k].datalen = r->o.datalen;
	for (int tries = 0; tries < 8; tries++) {
		m->open_rc[k] = probe_echo_open(&m->kc[k].echo, family, false, &so,
						&m->ps[k].tx, &m->open_err[k]);
		if (m->open_rc[k] < 0 || !id_taken(r, j, k))
			break;
		sock_close(&m->ps[k].tx);
	}
	if (m->open_rc[k] < 0)
		sock_close(&m->ps[k].tx);
}

/* The set's family's socket of member j, into its engine.  -1 after
 * saying why. */
static int add_family(struct sweep_run *r, unsigned j, int family)
{
	struct sweep_member *m = &r->m[j];
	unsigned k = family == AF_INET6;
	const struct probe_open_err *pe = &m->open_err[k];
	int si;

	if (m->open_rc[k] < 0) {
		if (pe->what && !strcmp(pe->what, "socket"))
			fprintf(stderr, "sweep: cannot open an ICMP%s socket: raw: %s, datagram: %s; "
				"run as root, give the binary CAP_NET_RAW, or allow your group "
				"in sysctl net.ipv4.ping_group_range\n",
				family == AF_INET6 ? "v6" : "",
				strerror(pe->open.raw_errno), strerror(pe->open.dgram_errno));
		else
			fprintf(stderr, "sweep: %s: %s\n", pe->what ? pe->what : "socket",
				strerror(pe->err));
		return -1;
	}
	si = engine_add_sock(m->engine, &m->ps[k].tx, ENGINE_SOCK_TX, &probe_sweep,
			     &m->kc[k]);
	if (si < 0)
		fprintf(stderr, "sweep: %s\n", strerror(-si));
	return si;
}

/* Member j's engine, with its sockets: at the same indices in every
 * engine (v4 first).  -1 after saying why. */
static int member_engine(struct sweep_run *r, unsigned j, const struct engine_cfg *ec)
{
	struct sweep_member *m = &r->m[j];
	int s4 = -1, s6 = -1;

	m->engine = engine_new(ec);
	if (!m->engine) {
		fprintf(stderr, "sweep: out of memory\n");
		return -1;
	}
	if (r->set.has4 && (s4 = add_family(r, j, AF_INET)) < 0)
		return -1;
	if (r->set.has6 && (s6 = add_family(r, j, AF_INET6)) < 0)
		return -1;
	r->sock4 = s4;
	r->sock6 = s6;
	return 0;
}

/* Every member's thread runs: now the sandbox, which covers them all. */
static int enter_sandbox(void *ctx)
{
	struct sweep_run *r = ctx;
	int err = sandbox_enter(false);

	if (err < 0) {
		fprintf(stderr, "sweep: seccomp: %s\n", strerror(-err));
		r->sandbox_failed = true;
	}
	return err;
}

static int run(struct sweep_run *r)
{
	struct engine_signals sig = { &stop_flag, NULL };
	struct engine *engines[SWEEP_THREADS_OPT_MAX];
	struct sweep_engines group;
	struct engine_cfg ec;
	struct sweep_cfg sc;
	struct sigaction sa;
	int err;

	memset(&ec, 0, sizeof(ec));
	if (getrandom(ec.tag_key, sizeof(ec.tag_key), 0) != sizeof(ec.tag_key)) {
		fprintf(stderr, "sweep: getrandom: %s\n", strerror(errno));
		return 2;
	}
	r->n = threads_used(r);
	/* One global rate, shared out. */
	ec.rate_pps = r->o.rate / r->n;
	/* Late wake-ups are made up for, in bursts of at most this many
	 * (all threads together). */
	ec.burst = (16 + r->n - 1) / r->n;
	ec.rx_batch = 32;
	for (unsigned j = 0; j < r->n; j++) {
		if (member_engine(r, j, &ec) < 0)
			return 2;
		engines[j] = r->m[j].engine;
	}
	if (!r->o.has_seed &&
	    getrandom(&r->o.seed, sizeof(r->o.seed), 0) != sizeof(r->o.seed))
		r->o.seed = (uint64_t)engine_now();
	r->o.out.out = stdout;
	r->o.out.err = stderr;
	r->o.out.progress_tty = isatty(STDERR_FILENO);
	r->o.out.progress = r->o.progress == 1 ||
			    (r->o.progress < 0 && r->o.out.progress_tty);
	sweep_out_init(&r->out, &r->o.out);
	/* The first engine's sinks hear every member's events. */
	engine_add_sink(engines[0], (struct event_sink){ sweep_out_on_event, &r->out });

	/* Waits of tens of microseconds between probes: the default 50 us
	 * of timer slack would cost a fifth of the rate.  (Threads inherit
	 * it.) */
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	memset(&sc, 0, sizeof(sc));
	sc.set = &r->set;
	sc.seed = r->o.seed;
	sc.shard = r->o.shard;
	sc.shards = r->o.shards;
	sc.retries = r->o.retries;
	sc.dedup_window = r->o.dedup_window;
	sc.wait_ns = (int64_t)(r->o.wait * 1e9);
	sc.status_ns = r->o.out.progress || r->o.out.format == SWEEP_JSON ?
		       1000000000 : 0;
	sc.sock4 = r->sock4;
	sc.sock6 = r->sock6;
	sc.rate_pps = r->o.rate;
	group.e = engines;
	group.n = r->n;
	group.ready = enter_sandbox;
	group.ready_ctx = r;
	err = engine_run_sweep_threads(&group, &sc, &sig);
	fflush(stdout);
	if (err < 0) {
		if (!r->sandbox_failed)
			fprintf(stderr, "sweep: %s\n", strerror(-err));
		return 2;
	}
	return r->out.end.alive ? 0 : 1;
}

int cli_sweep(int argc, char **argv, int family)
{
	struct sweep_run *r = calloc(1, sizeof(*r));
	char err[512];
	int rc;

	(void)family;
	if (!r) {
		fprintf(stderr, "sweep: out of memory\n");
		return 2;
	}
	for (unsigned j = 0; j < SWEEP_THREADS_OPT_MAX; j++)
		for (unsigned k = 0; k < 2; k++)
			r->m[j].ps[k].tx.fd = r->m[j].ps[k].icmp.fd =
				r->m[j].ps[k].hold_fd = -1;
	sweep_opts_default(&r->o);
	rc = sweep_opts_parse(argc, argv, &r->o, err, sizeof(err));
	if (rc != SWEEP_OPTS_OK || r->o.version) {
		if (r->o.help)
			usage(stdout);
		else if (r->o.version)
			cli_version(stdout);
		else if (err[0])
			fprintf(stderr, "sweep: %s\n", err);
		else
			usage(stderr);
		rc = r->o.help || r->o.version ? 0 : 2;
		free(r);
		return rc;
	}
	tset_init(&r->set);
	/* Sockets first, then every privilege dropped, then the names (the
	 * set's, its files): nothing read from the network or the resolver's
	 * files is parsed with a privilege. */
	r->nopen = threads_wanted(&r->o);
	for (unsigned j = 0; j < r->nopen; j++) {
		if (r->o.family != AF_INET6)
			open_family(r, j, AF_INET);
		else
			r->m[j].open_rc[0] = -EAFNOSUPPORT;
		if (r->o.family != AF_INET)
			open_family(r, j, AF_INET6);
		else
			r->m[j].open_rc[1] = -EAFNOSUPPORT;
	}
	rc = sock_drop_privileges();
	if (rc < 0) {
		fprintf(stderr, "sweep: cannot drop privileges: %s\n", strerror(-rc));
		rc = 2;
		goto out;
	}
	rc = build_set(&r->set, &r->o) < 0 ? 2 : run(r);
out:
	for (unsigned j = 0; j < r->nopen; j++) {
		engine_free(r->m[j].engine);
		for (unsigned k = 0; k < 2; k++)
			sock_close(&r->m[j].ps[k].tx);
	}
	tset_free(&r->set);
	free(r);
	return rc;
}
