/* `echolot mtr` (and the binary called as mtr): mtr 0.95's command line
 * on the engine.  The probing is the trace plan in rounds (one probe a
 * hop a round, every hop at once, a round an interval; with --paths N,
 * N traces of one flow each in the same engine); the statistics are a
 * sink (analysis/mtr_stats), and so is the screen (report/mtr_screen);
 * the report, CSV, JSON and XML are written from the statistics at the
 * end (report/mtr_out).  Without a terminal it reports, as mtr. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/random.h>

#include "cli.h"
#include "mtr.h"
#include "../report/mtr_out.h"
#include "../sock/sandbox.h"
#include "../wire/timeconv.h"
#include "../wire/addr.h"

static const char *prog = "mtr";

static void usage(FILE *f)
{
	fputs("\nUsage:\n"
	      " mtr [options] hostname\n\n"
	      " -4                         use IPv4 only\n"
	      " -6                         use IPv6 only\n"
	      " -u, --udp                  use UDP instead of ICMP echo\n"
	      " -T, --tcp                  use TCP instead of ICMP echo\n"
	      " -I, --interface NAME       use named network interface\n"
	      " -a, --address ADDRESS      bind the outgoing socket to ADDRESS\n"
	      " -f, --first-ttl NUMBER     set what TTL to start\n"
	      " -m, --max-ttl NUMBER       maximum number of hops\n"
	      " -U, --max-unknown NUMBER   maximum unknown host\n"
	      " -P, --port PORT            target port number for TCP, SCTP, or UDP\n"
	      " -L, --localport LOCALPORT  source port number for UDP\n"
	      " -s, --psize PACKETSIZE     set the packet size used for probing\n"
	      " -i, --interval SECONDS     ICMP echo request interval\n"
	      " -G, --gracetime SECONDS    number of seconds to wait for responses\n"
	      " -Q, --tos NUMBER           type of service field in IP header\n"
	      " -e, --mpls                 display information from ICMP extensions\n"
	      " -Z, --timeout SECONDS      seconds to wait for a probe's answer\n"
	      " -r, --report               output using report mode\n"
	      " -w, --report-wide          output wide report\n"
	      " -c, --report-cycles COUNT  set the number of pings sent\n"
	      " -j, --json                 output json\n"
	      " -x, --xml                  output xml\n"
	      " -C, --csv                  output comma separated values\n"
	      " -t, --curses               use curses terminal interface\n"
	      "     --displaymode MODE     select initial display mode\n"
	      " -n, --no-dns               do not resolve host names\n"
	      " -b, --show-ips             show IP numbers and host names\n"
	      " -o, --order FIELDS         select output fields\n"
	      "     --paths N              probe N flows, each on one path (Paris),\n"
	      "                            and show each distinct path\n"
	      "     --report-on-exit       print the report when the screen ends\n"
	      " -h, --help                 display this help and exit\n"
	      " -v, --version              output version information and exit\n"
	      "\n"
	      "Fields (-o): mtr's LDRSNBAWVGJMXI and ' ', and P, Q, Z (p50, p90,\n"
	      "p99 RTT) and O (the initial TTL of the hop's router).\n"
	      "See docs/mtr.md for details.\n", f);
}

static int resolve(struct mtr_run *r)
{
	char err[1200];

	if (resolve_target(r->o.target, r->o.family, &r->dst, &r->dstlen,
			   r->canon, sizeof(r->canon), err, sizeof(err))) {
		fprintf(stderr, "%s: Failed to resolve host: %s\n", prog, err);
		return -1;
	}
	/* No v4-mapped addresses on a real network: trace v4. */
	wire_sa_unmap4(&r->dst, &r->dstlen);
	return 0;
}

static int setup_source(struct mtr_run *r)
{
	char canon[256], err[1200];

	if (!r->o.address)
		return 0;
	if (!resolve_is_numeric(r->o.address) ||
	    resolve_target(r->o.address, r->dst.ss_family, &r->src, &r->srclen,
			   canon, sizeof(canon), err, sizeof(err))) {
		fprintf(stderr, "%s: invalid local address\n", prog);
		return -1;
	}
	return 0;
}

static uint32_t random32(void)
{
	uint32_t v;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (uint32_t)getpid() * 2654435761u;
	return v;
}

/* The trace of flow f. */
static void trace_config(const struct mtr_run *r, unsigned f, uint32_t seed,
			 struct trace_cfg *tc)
{
	const struct mtr_opts *o = &r->o;
	double wait = o->timeout > 0 ? o->timeout :
		      o->interval > 1.0 ? o->interval : 1.0;

	memset(tc, 0, sizeof(*tc));
	tc->method = o->method;
	tc->first_ttl = o->first_ttl;
	tc->max_ttl = o->max_ttl;
	tc->nqueries = 1;
	/* Every hop at once: each router gets one probe a round anyway. */
	tc->sim = o->max_ttl;
	/* A round waits for its probes this long at most (rounds do not
	 * overlap; see docs/mtr.md); a hop that stays silent while a hop
	 * beyond it answered is given up sooner: after ten times that RTT,
	 * but never before the interval is over. */
	tc->wait_max_ns = (int64_t)(wait * NSEC);
	tc->near_factor = 10;
	tc->wait_min_ns = (int64_t)(o->interval * NSEC);
	if (tc->wait_min_ns > tc->wait_max_ns)
		tc->wait_min_ns = tc->wait_max_ns;
	tc->packet_len = (size_t)(o->psize < 0 ? -(long)o->psize : o->psize);
	tc->port = o->port > 0 ? o->port : -1;
	tc->extensions = true;          /* MPLS labels, for -e and the key */
	tc->seed = seed;
	tc->icmp_id = (uint16_t)random32();
	tc->rounds = o->count;
	tc->endless = o->display == MTR_DISPLAY_CURSES && !o->count_set;
	tc->round_gap_ns = (int64_t)(o->interval * NSEC);
	tc->round_period = true;
	tc->stop_at_dst = true;         /* as mtr: no probe beyond the target */
	if (o->paths > 1) {
		tc->flow = f;
		tc->nflows = o->paths;
	}
}

static void free_run(struct mtr_run *r)
{
	engine_free(r->engine);
	for (unsigned i = 0; i < r->ntraces; i++)
		trace_free(r->trace[i]);
	r->engine = NULL;
	r->ntraces = 0;
}

static void socket_error(const struct mtr_run *r, const struct probe_sock_err *e)
{
	int err = e->err < 0 ? -e->err : e->err;

	if (e->need_raw)
		fprintf(stderr, "%s: %s probes need a raw socket (CAP_NET_RAW)%s: %s\n",
			prog, r->o.method == PROBE_TCP ? "TCP" :
			r->o.method == PROBE_UDP ? "UDP" : "ICMP",
			r->o.method == PROBE_ICMP ? " or an ICMP datagram socket" : "",
			strerror(err));
	else
		fprintf(stderr, "%s: %s: %s\n", prog, e->what ? e->what : "socket",
			strerror(err));
}

/* What probe_sock_open (before the name) and probe_sock_bind (after) take
 * for flow f. */
static void sock_opts(const struct mtr_run *r, unsigned f,
		      struct probe_sock_opts *so)
{
	memset(so, 0, sizeof(*so));
	so->dst = (const struct sockaddr *)&r->dst;
	so->dstlen = r->dstlen;
	so->device = r->o.device;
	if (r->o.address) {
		so->source = (const struct sockaddr *)&r->src;
		so->source_len = r->srclen;
	}
	so->tos = r->o.tos ? r->o.tos : -1;
	so->rcvbuf = 1 << 18;
	/* -L: flow f from port L + f; else the kernel's own each. */
	so->sport = r->o.localport ? (uint16_t)(r->o.localport + (int)f) : 0;
}

/* While privileged: every flow's sockets, for the family asked for or
 * both (the name decides), before any name is looked up. */
static int open_socks(struct mtr_run *r)
{
	int fam[2] = { AF_INET, AF_INET6 };
	unsigned n = r->o.family == AF_UNSPEC ? 2 : 1;
	struct probe_sock_opts so;
	bool any = false;

	if (n == 1)
		fam[0] = r->o.family;
	for (unsigned k = 0; k < n; k++)
		for (unsigned f = 0; f < r->o.paths; f++) {
			sock_opts(r, f, &so);
			r->sock_rc[k][f] = probe_sock_open(&r->socks[k][f], fam[k],
							   r->o.method, &so,
							   &r->sock_err[k][f]);
			if (r->sock_rc[k][f] < 0)
				probe_sock_close(&r->socks[k][f]);
			else
				any = true;
		}
	if (!any) {
		socket_error(r, &r->sock_err[0][0]);
		return -1;
	}
	return 0;
}

static void close_socks(struct mtr_run *r)
{
	for (unsigned k = 0; k < 2; k++)
		for (unsigned f = 0; f < MTR_MAX_PATHS; f++)
			probe_sock_close(&r->socks[k][f]);
}

/* The name known, every privilege gone: the family's sockets, bound to
 * the route's source (no privilege needed); the other family's closed. */
static int pick_socks(struct mtr_run *r)
{
	unsigned k = r->o.family == AF_UNSPEC && r->dst.ss_family == AF_INET6;
	struct probe_sock_opts so;
	struct probe_sock_err se;

	for (unsigned f = 0; f < MTR_MAX_PATHS; f++)
		probe_sock_close(&r->socks[!k][f]);
	for (unsigned f = 0; f < r->o.paths; f++) {
		if (r->sock_rc[k][f] < 0) {
			socket_error(r, &r->sock_err[k][f]);
			return -1;
		}
		sock_opts(r, f, &so);
		if (probe_sock_bind(&r->socks[k][f], &so, &se) < 0) {
			socket_error(r, &se);
			return -1;
		}
	}
	r->family_slot = k;
	return 0;
}

/* Sockets first, privileges dropped, then the names (the target, -a). */
static int prepare(struct mtr_run *r)
{
	int rc;

	if (r->o.device && if_nametoindex(r->o.device) == 0) {
		fprintf(stderr, "%s: no such interface\n", prog);
		return -1;
	}
	if (open_socks(r) < 0)
		return -1;
	rc = sock_drop_privileges();
	if (rc < 0) {
		fprintf(stderr, "%s: cannot drop privileges: %s\n", prog, strerror(-rc));
		return -1;
	}
	if (resolve(r) < 0 || setup_source(r) < 0)
		return -1;
	return pick_socks(r);
}

/* The engine, and a trace a flow on it, each taking its flow's sockets. */
static int open_traces(struct mtr_run *r)
{
	struct engine_cfg ec;
	uint32_t seed = random32() | 1;
	int err;

	memset(&ec, 0, sizeof(ec));
	ec.inflight = 2 * r->o.paths * r->o.max_ttl;
	if (getrandom(ec.tag_key, sizeof(ec.tag_key), 0) != sizeof(ec.tag_key) ||
	    !(r->engine = engine_new(&ec))) {
		fprintf(stderr, "%s: %s\n", prog, strerror(errno ? errno : ENOMEM));
		return -1;
	}
	for (unsigned f = 0; f < r->o.paths; f++) {
		struct trace_cfg tc;

		trace_config(r, f, seed, &tc);
		err = trace_new(&r->trace[f], &tc, (struct sockaddr *)&r->dst, r->dstlen);
		if (err < 0) {
			fprintf(stderr, "%s: %s\n", prog, err == -EINVAL && r->o.paths > 1 ?
				"--paths: too many flows for this packet size and method" :
				strerror(-err));
			return -1;
		}
		r->ntraces++;
		err = trace_adopt(r->trace[f], r->engine, &r->socks[r->family_slot][f]);
		if (err < 0) {
			fprintf(stderr, "%s: %s\n", prog, strerror(-err));
			return -1;
		}
	}
	return 0;
}

static void names_prefetch(void *ctx, const struct event *ev)
{
	if ((ev->type == EV_REPLY || ev->type == EV_ERROR) && ev->from && ev->fromlen)
		(void)resolve_ready(ctx, ev->from, ev->fromlen);
}

static void out_config(struct mtr_run *r, struct mtr_out_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->out = stdout;
	c->local_host = r->hostname;
	c->target = r->o.target;
	c->fields = r->o.fields;
	c->wide = r->o.wide;
	c->mpls = r->o.mpls;
	c->tos = r->o.tos;
	c->psize = r->o.psize;
	c->tests = r->o.count;
	c->now = time(NULL);
	c->start = r->started;
	c->names.dns = !r->o.numeric;
	c->names.show_ips = r->o.show_ips;
	c->names.namer.pretty = resolve_pretty;
	c->names.namer.ready = resolve_ready;
	c->names.namer.ctx = &r->names;
}

static void print_result(struct mtr_run *r)
{
	struct mtr_out_cfg c;

	out_config(r, &c);
	switch (r->o.display) {
	case MTR_DISPLAY_CSV:
		mtr_out_csv(&c, &r->stats);
		break;
	case MTR_DISPLAY_JSON:
		mtr_out_json(&c, &r->stats);
		break;
	case MTR_DISPLAY_XML:
		mtr_out_xml(&c, &r->stats);
		break;
	default:
		mtr_out_report(&c, &r->stats);
		break;
	}
}

static int run(struct mtr_run *r)
{
	struct engine_signals sig = { mtr_live_stop(), NULL };
	bool live = r->o.display == MTR_DISPLAY_CURSES;
	time_t start = time(NULL);
	struct tm tm;
	int err;

	/* The sockets are open and bound, every privilege is gone and the
	 * name resolved (prepare). */
	if (open_traces(r) < 0) {
		free_run(r);
		return 1;
	}
	if (gethostname(r->hostname, sizeof(r->hostname) - 1) < 0)
		strcpy(r->hostname, "UNKNOWNHOST");
	/* Before the sandbox: the time zone is a file. */
	tzset();
	localtime_r(&start, &tm);
	strftime(r->started, sizeof(r->started), "%Y-%m-%dT%H:%M:%S%z", &tm);

	mtr_stats_init(&r->stats, r->o.paths);
	engine_add_sink(r->engine, (struct event_sink){ mtr_stats_on_event, &r->stats });
	resolve_cache_init(&r->names, r->o.numeric);
	/* Names are looked up by threads of their own as answers come. */
	if (!r->o.numeric && resolve_background(&r->names, 4) == 0)
		engine_add_sink(r->engine, (struct event_sink){ names_prefetch,
								&r->names });
	mtr_live_signals();
	if (live && mtr_live_open(r) < 0) {
		fprintf(stderr, "%s: cannot open the terminal\n", prog);
		free_run(r);
		resolve_cache_free(&r->names);
		mtr_stats_free(&r->stats);
		return 1;
	}
	err = live ? sandbox_enter_screen(!r->o.numeric) : sandbox_enter(!r->o.numeric);
	if (err < 0) {
		if (live)
			mtr_live_close(r);
		fprintf(stderr, "%s: seccomp: %s\n", prog, strerror(-err));
		free_run(r);
		return 1;
	}
	err = trace_run_many(r->trace, r->ntraces, r->engine, &sig);
	if (live) {
		mtr_live_close(r);
		if (r->o.report_on_exit)
			print_result(r);
	} else if (err >= 0) {
		print_result(r);
	}
	free_run(r);
	resolve_cache_free(&r->names);
	if (r->stats.error)
		fprintf(stderr, "%s: %s\n", prog, strerror(-r->stats.error));
	mtr_stats_free(&r->stats);
	if (err < 0) {
		fprintf(stderr, "%s: send: %s\n", prog, strerror(-err));
		return 1;
	}
	return 0;
}

int cli_mtr(int argc, char **argv, int family)
{
	struct mtr_run *r;
	char err[512];
	int rc;

	(void)family;
	r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	r->timer_fd = -1;
	/* Nothing open yet: what close_socks closes must say so. */
	for (unsigned k = 0; k < 2; k++)
		for (unsigned f = 0; f < MTR_MAX_PATHS; f++) {
			r->socks[k][f].tx.fd = r->socks[k][f].icmp.fd = -1;
			r->socks[k][f].hold_fd = -1;
			r->sock_rc[k][f] = -EAFNOSUPPORT;
		}
	mtr_opts_default(&r->o);
	rc = mtr_opts_parse(argc, argv, &r->o, geteuid() == 0, err, sizeof(err));
	if (rc != MTR_OPTS_OK) {
		rc = 1;
		if (r->o.version) {
			printf("mtr 0.95 (echolot %s)\n", ECHOLOT_VERSION);
			rc = 0;
		} else if (r->o.help) {
			usage(stdout);
			rc = 0;
		} else if (err[0]) {
			fprintf(stderr, "%s: %s\n", prog, err);
		} else {
			usage(stderr);
		}
		free(r);
		return rc;
	}
	/* No terminal: a report, as mtr. */
	if (r->o.display == MTR_DISPLAY_CURSES && (!isatty(STDOUT_FILENO) ||
						   !isatty(STDIN_FILENO)))
		r->o.display = MTR_DISPLAY_REPORT;
	rc = prepare(r) < 0 ? 1 : run(r);
	close_socks(r);
	free(r);
	return rc;
}
