/* `traceroute`, `traceroute6`, `echolot trace`: argv -> config, open the
 * sockets the method needs, drop privileges, run, print. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/random.h>

#include "cli.h"
#include "trace.h"
#include "trace_opts.h"
#include "../engine/engine.h"
#include "../engine/trace.h"
#include "../report/trace_json.h"
#include "../report/trace_mtr.h"
#include "../report/trace_text.h"
#include "../sock/resolve.h"
#include "../sock/sandbox.h"
#include "../sock/sock.h"
#include "../wire/timeconv.h"
#include "../wire/addr.h"


static const char *prog = "traceroute";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage:\n"
		"  %s [ -46IUTnFe ] [ -f first_ttl ] [ -i device ] [ -m max_ttl ]"
		" [ -N squeries ] [ -p port ] [ -t tos ] [ -w MAX,HERE,NEAR ]"
		" [ -q nqueries ] [ -s src_addr ] [ -z sendwait ] host [ packetlen ]\n"
		"Options:\n"
		"  -4                          Use IPv4\n"
		"  -6                          Use IPv6\n"
		"  -I  --icmp                  Use ICMP ECHO for tracerouting\n"
		"  -T  --tcp                   Use TCP SYN for tracerouting (default port is 80)\n"
		"  -U  --udp                   Use UDP to a particular port (default 53)\n"
		"  -F  --dont-fragment         Do not fragment packets\n"
		"  -f first_ttl  --first=first_ttl\n"
		"                              Start from the first_ttl hop (instead from 1)\n"
		"  -i device  --interface=device\n"
		"                              Specify a network interface to operate with\n"
		"  -m max_ttl  --max-hops=max_ttl\n"
		"                              Set the max number of hops (max TTL to be\n"
		"                              reached). Default is 30\n"
		"  -N squeries  --sim-queries=squeries\n"
		"                              Set the number of probes to be tried\n"
		"                              simultaneously (default is 16)\n"
		"  -n                          Do not resolve IP addresses to their domain names\n"
		"  -p port  --port=port        Set the destination port (UDP: 33434, -U: 53,\n"
		"                              TCP: 80; constant for the whole run), or the\n"
		"                              first ICMP sequence number for -I\n"
		"  -t tos  --tos=tos           Set the TOS (IPv4 type of service) or TC (IPv6\n"
		"                              traffic class) value for outgoing packets\n"
		"  -w MAX,HERE,NEAR  --wait=MAX,HERE,NEAR\n"
		"                              Wait for a probe no more than HERE (default 3)\n"
		"                              times longer than a response from the same hop,\n"
		"                              or no more than NEAR (default 10) times than some\n"
		"                              next (or, adaptive, earlier) hop, or MAX\n"
		"                              (default 5.0) seconds\n"
		"  -q nqueries  --queries=nqueries\n"
		"                              Set the number of probes per each hop. Default is 3\n"
		"  -r                          Bypass the normal routing\n"
		"  -s src_addr  --source=src_addr\n"
		"                              Use source src_addr for outgoing packets\n"
		"  -z sendwait  --sendwait=sendwait\n"
		"                              Minimal time interval between probes (default 0).\n"
		"                              If more than 10, milliseconds, else seconds\n"
		"  -e  --extensions            Show ICMP extensions (if present), including MPLS\n"
		"  --sport=num                 Use source port num for outgoing packets\n"
		"  --mtu                       Discover MTU along the path being traced\n"
		"                              (implies -F -N 1; 65000 byte packets by default)\n"
		"  --back                      Guess the number of hops in the backward path\n"
		"                              and print if it differs\n"
		"  --format=FMT                Output format: text (default), json (NDJSON:\n"
		"                              start, one line per hop, end) or atlas (a\n"
		"                              RIPE Atlas traceroute result)\n"
		"  --json                      Same as --format=json\n"
		"  --report                    Trace -c times (one probe per hop each time),\n"
		"                              then print mtr's report table\n"
		"  -c count  --report-cycles=count\n"
		"                              Rounds of --report (default 10)\n"
		"  --interval=secs             Pause between rounds of --report (default 1)\n"
		"  -V  --version               Print version info and exit\n"
		"  --help                      Read this help and exit\n"
		"\n"
		"Arguments:\n"
		"+     host          The host to traceroute to\n"
		"      packetlen     The full packet length (default is the length of an IP\n"
		"                    header plus 40). Can be ignored or increased to a minimal\n"
		"                    allowed value\n"
		"\n"
		"Probes keep every field a load balancer hashes constant (Paris traceroute);\n"
		"see docs/traceroute.md.\n",
		prog);
}

static const char *method_name(enum probe_method m)
{
	return m == PROBE_TCP ? "TCP (-T)" : m == PROBE_ICMP ? "ICMP (-I)" : "UDP";
}

/* traceroute shows "name (addr)", and "addr (addr)" when the address has
 * no name; ping's namer gives "addr" alone then. */
struct trace_namer {
	struct resolve_cache cache;
	char buf[320];
};

static const char *trace_pretty(void *ctx, const struct sockaddr *sa,
				socklen_t len)
{
	struct trace_namer *n = ctx;
	const char *s = resolve_pretty(&n->cache, sa, len);

	if (n->cache.numeric || strstr(s, " ("))
		return s;
	snprintf(n->buf, sizeof(n->buf), "%s (%s)", s, s);
	return n->buf;
}

/* Names looked up at once; a trace rarely needs more than this many
 * before its first lines are due. */
#define TRACE_RESOLVERS 4

/* An answer came: start looking its address's name up. */
static void prefetch_name(void *ctx, const struct event *ev)
{
	if ((ev->type == EV_REPLY || ev->type == EV_ERROR) && ev->from &&
	    ev->fromlen)
		(void)resolve_ready(ctx, ev->from, ev->fromlen);
}

struct trace_run {
	struct trace_opts o;
	struct sockaddr_storage dst, src;
	socklen_t dstlen, srclen;
	char canon[1025];
	struct engine *engine;
	struct trace *trace;
	struct probe_socks socks;
	/* Before the name: a family's sockets, and why they failed. */
	struct probe_socks spare;
	struct probe_sock_err sock_err[2];
	int sock_rc[2];
	struct report_trace report;
	struct report_trace_json json;          /* --format=json */
	struct report_trace_atlas atlas;        /* --format=atlas */
	struct report_trace_mtr mtr;            /* --report */
	struct trace_namer names;
	struct sock_ifnames ifnames;            /* link-local scopes */
};

/* IPv6: interface names for the scopes of link-local addresses, read
 * while a socket may still be opened to ask (the sandbox forbids it). */
static const struct sock_ifnames *scope_names(struct trace_run *r)
{
	if (r->dst.ss_family != AF_INET6)
		return NULL;
	sock_ifnames_read(&r->ifnames);
	return &r->ifnames;
}

/* What traceroute prints before failing when a socket cannot be set up:
 * its header, without the newline its message on stderr then starts
 * with.  The probe length comes from the engine, as in a real run. */
static void header_before_error(struct trace_run *r)
{
	struct trace_cfg tc;
	struct report_trace_cfg rc;
	struct trace *t;
	size_t iphdr = r->dst.ss_family == AF_INET6 ? 40 : 20;

	if (r->o.format != TRACE_FORMAT_TEXT || r->o.report)
		return;
	memset(&tc, 0, sizeof(tc));
	tc.method = r->o.method;
	tc.first_ttl = 1;
	tc.max_ttl = 1;
	tc.nqueries = 1;
	tc.packet_len = r->o.packet_len >= 0 ? (size_t)r->o.packet_len : iphdr + 40;
	tc.port = r->o.port;
	if (trace_new(&t, &tc, (struct sockaddr *)&r->dst, r->dstlen) < 0)
		return;
	memset(&rc, 0, sizeof(rc));
	rc.out = stdout;
	rc.host = r->o.target;
	rc.dst = (struct sockaddr *)&r->dst;
	rc.dstlen = r->dstlen;
	rc.max_ttl = r->o.max_ttl;
	rc.packet_len = trace_packet_len(t);
	rc.ifnames = scope_names(r);
	report_trace_init(&r->report, &rc);
	report_trace_header_start(&r->report);
	fflush(stdout);
	trace_free(t);
}

/* A socket that cannot be set up: traceroute's "\nWHAT: REASON" after its
 * header, exit status 1, as its error() does; but a missing privilege is
 * named with its fixes (echolot's words), also with status 1. */
static int open_error(struct trace_run *r, const char *what, int err)
{
	const char *m = method_name(r->o.method);

	if (!what) {
		if (r->o.method == PROBE_TCP)
			fprintf(stderr, "%s: %s probes need a raw socket: %s; "
				"run as root or give the binary CAP_NET_RAW "
				"(setcap cap_net_raw+ep)\n", prog, m, strerror(err));
		else
			fprintf(stderr, "%s: %s probes need a raw socket (CAP_NET_RAW) "
				"or an ICMP datagram socket: %s; run as root, give the "
				"binary CAP_NET_RAW (setcap cap_net_raw+ep), or allow "
				"your group in sysctl net.ipv4.ping_group_range\n",
				prog, m, strerror(err));
		return 1;
	}
	header_before_error(r);
	/* Socket options in traceroute's words: "setsockopt IP_TOS". */
	fprintf(stderr, "%s%s%s: %s\n",
		r->o.format == TRACE_FORMAT_TEXT && !r->o.report ? "\n" : "",
		strchr(what, '_') ? "setsockopt " : "", what, strerror(err));
	return 1;
}

static int sock_failed(struct trace_run *r, const struct probe_sock_err *e)
{
	int err = e->err < 0 ? -e->err : e->err;

	return open_error(r, e->need_raw ? NULL : e->what ? e->what : "socket", err);
}

static int bad_host(const struct trace_run *r)
{
	fprintf(stderr, "Cannot handle \"host\" cmdline arg `%s' on position 1 "
		"(argc %d)\n", r->o.target, r->o.target_argi);
	return -1;
}

/* The target: -4 / -6 as asked; with neither, IPv4 first as traceroute. */
static int resolve(struct trace_run *r)
{
	char err[1200];
	int rc;

	if (r->o.family == AF_UNSPEC) {
		rc = resolve_target(r->o.target, AF_INET, &r->dst, &r->dstlen,
				    r->canon, sizeof(r->canon), err, sizeof(err));
		if (rc == 0)
			return 0;
	}
	rc = resolve_target(r->o.target, r->o.family, &r->dst, &r->dstlen,
			    r->canon, sizeof(r->canon), err, sizeof(err));
	if (rc) {
		/* traceroute's two lines: the resolver's, then its parser's. */
		fprintf(stderr, "%s\n", err);
		return bad_host(r);
	}
	/* A v4-mapped address means the IPv4 host (nothing on a real
	 * network has one): traced over IPv4, which -6 refuses. */
	if (r->o.family == AF_INET6 && r->dst.ss_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)&r->dst)->sin6_addr))
		return bad_host(r);
	wire_sa_unmap4(&r->dst, &r->dstlen);
	return 0;
}

/* -s and -i, after the name: 0, or the exit status after saying why
 * not, in traceroute's words. */
static int setup_source(struct trace_run *r)
{
	struct trace_opts *o = &r->o;
	char canon[256], err[1200];

	if (o->source) {
		if (resolve_target(o->source, AF_UNSPEC, &r->src, &r->srclen, canon,
				   sizeof(canon), err, sizeof(err))) {
			fprintf(stderr, "%s\nCannot handle `%s' option with arg `%s' "
				"(argc %d)\n", err, o->source_as, o->source,
				o->source_argi);
			return 2;
		}
		if (r->src.ss_family != r->dst.ss_family) {
			fprintf(stderr, "IP version mismatch in addresses specified\n");
			return 2;
		}
	}
	if (o->device && if_nametoindex(o->device) == 0)
		return open_error(r, "SO_BINDTODEVICE", ENODEV);
	return 0;
}

static uint32_t random32(void)
{
	uint32_t v;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (uint32_t)getpid() * 2654435761u;
	return v;
}

static void free_run(struct trace_run *r)
{
	engine_free(r->engine);
	trace_free(r->trace);
	report_trace_atlas_free(&r->atlas);
	r->engine = NULL;
	r->trace = NULL;
}

/* traceroute dies of SIGINT as traceroute does: no handler, so the flag
 * stays 0. */
static volatile sig_atomic_t stop_flag;

static int run(struct trace_run *r)
{
	struct trace_opts *o = &r->o;
	int family = r->dst.ss_family;
	struct engine_signals sig = { &stop_flag, NULL };
	struct engine_cfg ec;
	struct trace_cfg tc;
	struct report_trace_cfg rc;
	size_t iphdr = family == AF_INET6 ? 40 : 20;
	bool text = o->format == TRACE_FORMAT_TEXT;
	/* JSON and Atlas output carry addresses only, never names. */
	bool numeric = o->numeric || !text;
	char hostname[256] = "";
	char started[64] = "";
	time_t start = time(NULL);
	struct tm tm;
	int err;

	/* The sockets are open and bound, every privilege is gone and the
	 * name resolved (prepare, below). */
	memset(&tc, 0, sizeof(tc));
	tc.method = o->method;
	tc.first_ttl = o->first_ttl;
	tc.max_ttl = o->max_ttl;
	/* --report: one probe per hop a round, as mtr. */
	tc.nqueries = o->report ? 1 : o->nqueries;
	tc.sim = o->sim;
	tc.wait_max_ns = (int64_t)(o->wait_max * NSEC);
	tc.here_factor = o->wait_here;
	tc.near_factor = o->wait_near;
	tc.sendwait_ns = (int64_t)(o->sendwait * NSEC);
	tc.packet_len = o->packet_len >= 0 ? (size_t)o->packet_len : iphdr + 40;
	tc.port = o->port;
	/* The machine formats always carry the extensions (MPLS). */
	tc.extensions = o->extensions || !text;
	tc.mtu_disc = o->mtu;
	tc.seed = random32() | 1;
	tc.icmp_id = (uint16_t)random32();
	tc.rounds = o->report ? o->count : 1;
	tc.round_gap_ns = (int64_t)(o->interval * NSEC);
	err = trace_new(&r->trace, &tc, (struct sockaddr *)&r->dst, r->dstlen);
	memset(&ec, 0, sizeof(ec));
	ec.inflight = 2 * tc.max_ttl * tc.nqueries;
	if (getrandom(ec.tag_key, sizeof(ec.tag_key), 0) != sizeof(ec.tag_key))
		err = -errno;
	if (!err && !(r->engine = engine_new(&ec)))
		err = -ENOMEM;
	if (err < 0) {
		fprintf(stderr, "%s: %s\n", prog, strerror(-err));
		free_run(r);
		return 2;
	}

	err = trace_adopt(r->trace, r->engine, &r->socks);
	if (err < 0) {
		fprintf(stderr, "%s: %s\n", prog, strerror(-err));
		free_run(r);
		return 2;
	}

	resolve_cache_init(&r->names.cache, numeric);
	/* Names: threads of their own look up each answering address as its
	 * answer comes, several at once, while the probing goes on; a hop's
	 * line waits for its name only if that lookup is still running.
	 * (Without the threads, lookups happen as lines are printed.) */
	if (!numeric && resolve_background(&r->names.cache, TRACE_RESOLVERS) == 0)
		engine_add_sink(r->engine, (struct event_sink){ prefetch_name,
								&r->names.cache });
	memset(&rc, 0, sizeof(rc));
	rc.out = stdout;
	rc.host = o->target;
	rc.dst = (struct sockaddr *)&r->dst;
	rc.dstlen = r->dstlen;
	rc.max_ttl = o->max_ttl;
	rc.packet_len = trace_packet_len(r->trace);
	rc.numeric = o->numeric;
	rc.extensions = o->extensions;
	rc.back = o->back;
	rc.namer.pretty = trace_pretty;
	rc.namer.ctx = &r->names;
	rc.ifnames = scope_names(r);
	report_trace_init(&r->report, &rc);
	if (o->report) {
		report_trace_mtr_init(&r->mtr, stdout, o->numeric, rc.namer);
		engine_add_sink(r->engine, (struct event_sink){
			report_trace_mtr_on_event, &r->mtr });
		if (gethostname(hostname, sizeof(hostname) - 1) < 0)
			strcpy(hostname, "?");
		/* Before the sandbox: the time zone is a file. */
		localtime_r(&start, &tm);
		strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%S%z", &tm);
	} else if (text) {
		engine_add_sink(r->engine, (struct event_sink){
			report_trace_on_event, &r->report });
	} else {
		struct report_trace_machine_cfg mc = { stdout, o->target,
						       r->canon };

		if (o->format == TRACE_FORMAT_ATLAS) {
			report_trace_atlas_init(&r->atlas, &mc);
			engine_add_sink(r->engine, (struct event_sink){
				report_trace_atlas_on_event, &r->atlas });
		} else {
			report_trace_json_init(&r->json, &mc);
			engine_add_sink(r->engine, (struct event_sink){
				report_trace_json_on_event, &r->json });
		}
	}
	/* From here on: send, receive, wait, print (and look names up). */
	err = sandbox_enter(!numeric);
	if (err < 0) {
		fprintf(stderr, "%s: seccomp: %s\n", prog, strerror(-err));
		free_run(r);
		return 2;
	}
	if (text && !o->report)
		report_trace_header(&r->report);
	err = trace_run(r->trace, r->engine, &sig);
	if (o->report)
		report_trace_mtr_print(&r->mtr, hostname, started);
	free_run(r);
	resolve_cache_free(&r->names.cache);
	if (err < 0) {
		fprintf(stderr, "%s: send: %s\n", prog, strerror(-err));
		return 1;
	}
	return 0;
}

/* ------------------------------------------ privileges, then the name
 *
 * The sockets are opened while privileged, for the family asked for or,
 * when the name decides, for both; every privilege goes before any name
 * is looked up (the target, -s), so that no line of /etc/hosts, no DNS
 * answer and no libidn2 is read by a process that holds one.  Binding to
 * the route's source address and the first link's MTU depend on the
 * resolved address: they come after, and need no privilege
 * (probe_sock_bind). */

static void sock_opts(const struct trace_run *r, struct probe_sock_opts *so)
{
	const struct trace_opts *o = &r->o;

	memset(so, 0, sizeof(*so));
	so->dst = (const struct sockaddr *)&r->dst;
	so->dstlen = r->dstlen;
	so->device = o->device;
	if (o->source) {
		so->source = (const struct sockaddr *)&r->src;
		so->source_len = r->srclen;
	}
	so->sport = o->sport > 0 ? (uint16_t)o->sport : 0;
	so->tos = o->tos;
	so->dontfrag = o->dontfrag;
	so->dontroute = o->dontroute;
	so->rcvbuf = 1 << 18;
}

/* r->socks: IPv4's (or the only family's), r->spare: IPv6's. */
static void open_socks(struct trace_run *r)
{
	struct trace_opts *o = &r->o;
	struct probe_sock_opts so;
	struct probe_socks *ps[2] = { &r->socks, &r->spare };
	int fam[2] = { AF_INET, AF_INET6 };
	int n = o->family == AF_UNSPEC ? 2 : 1;

	if (n == 1)
		fam[0] = o->family;
	sock_opts(r, &so);
	/* What fails is said after the name (pick_socks): traceroute prints
	 * its header first, and only the family the name has counts. */
	r->sock_rc[1] = -EAFNOSUPPORT;
	for (int i = 0; i < n; i++) {
		r->sock_rc[i] = probe_sock_open(ps[i], fam[i], o->method, &so,
						&r->sock_err[i]);
		if (r->sock_rc[i] < 0)
			probe_sock_close(ps[i]);
	}
	if (n == 1)
		r->sock_err[1] = r->sock_err[0];
}

/* The resolved family's sockets become r->socks, bound; the other
 * family's are closed.  0, or the exit status after saying why not. */
static int pick_socks(struct trace_run *r)
{
	struct probe_sock_opts so;
	struct probe_sock_err se;
	int i = 0;

	if (r->o.family == AF_UNSPEC && r->dst.ss_family == AF_INET6) {
		probe_sock_close(&r->socks);
		r->socks = r->spare;
		r->spare.tx.fd = r->spare.icmp.fd = r->spare.hold_fd = -1;
		i = 1;
	} else {
		probe_sock_close(&r->spare);
	}
	if (r->sock_rc[i] < 0)
		return sock_failed(r, &r->sock_err[i]);
	sock_opts(r, &so);
	if (probe_sock_bind(&r->socks, &so, &se) < 0)
		return sock_failed(r, &se);
	return 0;
}

/* Sockets first, every privilege dropped, then the names (the target,
 * -s).  0, or the exit status after saying why not. */
static int prepare(struct trace_run *r)
{
	int rc;

	open_socks(r);
	rc = sock_drop_privileges();
	if (rc < 0) {
		fprintf(stderr, "%s: cannot drop privileges: %s\n", prog,
			strerror(-rc));
		return 2;
	}
	if (resolve(r) < 0)
		return 2;
	rc = setup_source(r);
	return rc ? rc : pick_socks(r);
}

int cli_trace(int argc, char **argv, int family)
{
	struct trace_run *r;
	char err[512];
	int rc;

	if (argc > 0 && argv[0]) {
		const char *b = strrchr(argv[0], '/');

		b = b ? b + 1 : argv[0];
		/* "trace" under echolot; otherwise the name we were called by. */
		prog = !strcmp(b, "traceroute6") ? "traceroute6" : "traceroute";
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 2;
	}
	r->socks.tx.fd = r->socks.icmp.fd = r->socks.hold_fd = -1;
	r->spare.tx.fd = r->spare.icmp.fd = r->spare.hold_fd = -1;
	trace_opts_default(&r->o);
	r->o.family = family;
	rc = trace_opts_parse(argc, argv, &r->o, err, sizeof(err));
	if (rc != TRACE_OPTS_OK) {
		rc = 0;
		if (r->o.version) {
			/* traceroute's line, on stderr as traceroute's; then
			 * what a run would do, read from the process. */
			struct cli_version_run v = {
				.prog = prog,
				.sockets = r->o.method == PROBE_TCP ? CLI_SOCK_TCP :
					   r->o.method == PROBE_ICMP ? CLI_SOCK_ICMP :
					   CLI_SOCK_UDP,
				.names = r->o.numeric ||
					 r->o.format != TRACE_FORMAT_TEXT ? 0 : 1,
				.facts_only = true,
			};

			fprintf(stderr, "echolot %s traceroute, compatible with Modern "
				"traceroute for Linux, version 2.1.2\n", ECHOLOT_VERSION);
			cli_version_run(stderr, &v);
		} else if (r->o.help) {         /* on stdout, for a pager */
			usage(stdout);
		} else if (r->o.usage) {        /* no arguments: as traceroute */
			usage(stderr);
		} else {
			/* traceroute's words, without a program name. */
			fprintf(stderr, "%s\n", err);
			rc = 2;
		}
		free(r);
		return rc;
	}
	rc = prepare(r);
	if (rc == 0)
		rc = run(r);
	probe_sock_close(&r->socks);
	probe_sock_close(&r->spare);
	free(r);
	return rc;
}
