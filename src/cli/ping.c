/* `ping`: argv -> config, wire the parts together, run, exit status. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <time.h>

#include "cli.h"
#include "ping_run.h"
#include "../report/os_line.h"
#include "../sock/sandbox.h"

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t status_flag;

static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void on_status(int sig)
{
	(void)sig;
	status_flag = 1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_status;
	sigaction(SIGQUIT, &sa, NULL);
}

static void usage(FILE *f)
{
	fputs("\nUsage\n"
	      "  ping [options] <destination>\n"
	      "\n"
	      "Options:\n"
	      "  <destination>      dns name or ip address\n"
	      "  -a                 use audible ping\n"
	      "  -A                 use adaptive ping\n"
	      "  -B                 sticky source address\n"
	      "  -c <count>         stop after <count> replies\n"
	      "  -C                 call connect() syscall on socket creation\n"
	      "  -D                 print timestamps\n"
	      "  -d                 use SO_DEBUG socket option\n"
	      "  -e <identifier>    define identifier for ping session, default is random for\n"
	      "                     SOCK_RAW and kernel defined for SOCK_DGRAM\n"
	      "                     Imply using SOCK_RAW\n"
	      "  -f                 flood ping\n"
	      "  -h                 print help and exit\n"
	      "  -H                 force reverse DNS name resolution (useful for numeric\n"
	      "                     destinations or for -f), override -n\n"
	      "  -I <interface>     either interface name or address\n"
	      "  -i <interval>      seconds between sending each packet\n"
	      "  -L                 suppress loopback of multicast packets\n"
	      "  -l <preload>       send <preload> number of packages while waiting replies\n"
	      "  -m <mark>          tag the packets going out\n"
	      "  -M <pmtud opt>     define mtu discovery, can be one of <do|dont|want|probe>\n"
	      "  -n                 no reverse DNS name resolution (-H overrides it)\n"
	      "  -O                 report outstanding replies\n"
	      "  -p <pattern>       contents of padding byte\n"
	      "  -q                 quiet output\n"
	      "  -Q <tclass>        use quality of service <tclass> bits\n"
	      "  -s <size>          use <size> as number of data bytes to be sent\n"
	      "  -S <size>          use <size> as SO_SNDBUF socket option value\n"
	      "  -t <ttl>           define time to live\n"
	      "  -U                 print user-to-user latency\n"
	      "  -v                 verbose output\n"
	      "  -V                 print version and exit\n"
	      "  -w <deadline>      reply wait <deadline> in seconds\n"
	      "  -W <timeout>       time to wait for response\n"
	      "  -3                 RTT precision (do not round up the result time)\n"
	      "      --os           name the remote operating system after the statistics\n"
	      "      --format <fmt> output format: text (default), json (one JSON object\n"
	      "                     per event and line) or atlas (a RIPE Atlas ping result)\n"
	      "      --json         same as --format=json\n"
	      "      --tcp <port>   TCP SYN probes to <port> (SYN-ACK or RST is a reply),\n"
	      "                     for networks that drop ICMP; needs CAP_NET_RAW\n"
	      "\n"
	      "IPv4 options:\n"
	      "  -4                 use IPv4\n"
	      "  -b                 allow pinging broadcast\n"
	      "  -R                 record route\n"
	      "  -T <timestamp>     define timestamp, can be one of <tsonly|tsandaddr|tsprespec>\n"
	      "\n"
	      "IPv6 options:\n"
	      "  -6                 use IPv6\n"
	      "  -F <flowlabel>     define flow label, default is none\n"
	      "  -N <nodeinfo opt>  use icmp6 node info query, try <help> as argument\n"
	      "\n"
	      "For more details see echolot(8).\n", f);
}

static void report_sink(void *ctx, const struct event *ev)
{
	struct ping_run *run = ctx;

	if (ev->type == EV_END) {
		report_ping_summary(&run->report, ev->elapsed_ns);
		return;
	}
	report_ping_on_event(&run->report, ev);
}

/* The resolver thread has answered: the lines that waited for those
 * names may go.  False once it is gone (its pipe closed). */
static bool names_came(void *ctx)
{
	struct ping_run *run = ctx;

	resolve_collect(&run->names);
	report_gate_release(&run->gate);
	return resolve_answer_fd(&run->names) >= 0;
}

/* --os: the reply TTLs, and the verdict after the statistics. */
static void os_sink(void *ctx, const struct event *ev)
{
	struct ping_run *run = ctx;
	struct fp_verdict v;

	if (ev->type == EV_END) {
		fp_verdict(&run->fp, -1, &v);
		report_os_line(stdout, &v);
		return;
	}
	fp_on_event(&run->fp, ev);
}

/* --format json / atlas: the machine-readable reporters; the run's time is
 * handed over before a status line and the summary, as to the text one. */
static void json_sink(void *ctx, const struct event *ev)
{
	struct ping_run *run = ctx;

	if (ev->type == EV_END || ev->type == EV_STATUS)
		run->json.elapsed_ns = ev->elapsed_ns;
	report_json_on_event(&run->json, ev);
}

static void add_machine_report(struct ping_run *r, int family)
{
	struct report_machine_cfg mc;

	memset(&mc, 0, sizeof(mc));
	mc.out = stdout;
	mc.command = "ping";
	mc.host = r->o.target;
	mc.canon = r->canon;
	mc.dst = (struct sockaddr *)&r->dst;
	mc.src = r->src.ss_family == family ? (struct sockaddr *)&r->src : NULL;
	mc.datalen = (size_t)r->o.datalen;
	mc.ttl = r->o.ttl;
	mc.raw = r->sock.kind == SOCK_KIND_RAW;
	mc.quiet = r->o.quiet;
	clock_gettime(CLOCK_REALTIME, &mc.start);
	mc.stats = &r->stats;
	if (r->o.format == PING_FORMAT_ATLAS) {
		report_atlas_init(&r->atlas, &mc);
		engine_add_sink(r->engine,
				(struct event_sink){ report_atlas_on_event, &r->atlas });
		return;
	}
	hist_init(&r->hist);
	mc.hist = &r->hist;
	if (r->o.os) {
		/* --os: the `os` event comes before the summary; the reply
		 * TTLs are all in by then (EV_END is the last event). */
		fp_init(&r->fp);
		mc.fp = &r->fp;
	}
	report_json_init(&r->json, &mc);
	/* The percentiles first, then the line that may print them. */
	engine_add_sink(r->engine, (struct event_sink){ hist_on_event, &r->hist });
	engine_add_sink(r->engine, (struct event_sink){ json_sink, r });
	if (r->o.os)
		engine_add_sink(r->engine, (struct event_sink){ fp_on_event, &r->fp });
}

/* The engine, before any socket: the sockets are opened through it. */
static int new_engine(struct ping_run *r)
{
	struct engine_cfg ec;

	memset(&ec, 0, sizeof(ec));
	/* Room for every probe that may be in flight, preload included. */
	ec.inflight = 2u * r->o.preload;
	if (getrandom(ec.tag_key, sizeof(ec.tag_key), 0) != sizeof(ec.tag_key)) {
		ping_msg(r, "getrandom: %s", strerror(errno));
		return -1;
	}
	r->engine = engine_new(&ec);
	if (!r->engine) {
		ping_msg(r, "out of memory");
		return -1;
	}
	return 0;
}

/* The ICMP socket (ping_prepare opened it), and its probes: echo
 * requests with the payload the options ask for.  The socket's index in
 * the engine, or -1 after saying why not. */
static int add_icmp(struct ping_run *r)
{
	const struct ping_opts *o = &r->o;
	int si;

	memset(&r->echo, 0, sizeof(r->echo));
	r->echo.raw = r->sock.kind == SOCK_KIND_RAW;
	r->echo.id = r->id;
	r->echo.datalen = (size_t)o->datalen;
	r->echo.fill = PROBE_FILL_PING;
	memcpy(r->echo.pattern, o->pattern, o->patlen);
	r->echo.patlen = o->patlen;
	si = engine_add_sock(r->engine, &r->sock, ENGINE_SOCK_TX, &probe_echo,
			     &r->echo);
	if (si < 0)
		ping_msg(r, "%s", strerror(-si));
	return si;
}

/* -N to an IPv6 target: node information queries on the raw ICMPv6
 * socket (ping_prepare opened it letting NI replies through). */
static int add_ni(struct ping_run *r)
{
	int si;

	memset(&r->ni, 0, sizeof(r->ni));
	r->ni.qtype = (uint16_t)r->o.ni.qtype;
	r->ni.flags = r->o.ni.flags;
	r->ni.ident = r->id;
	if (r->ni_subject_len) {
		r->ni.code = (uint8_t)r->o.ni.subject_type;
		r->ni.subject = r->ni_subject;
		r->ni.subject_len = r->ni_subject_len;
	}
	si = engine_add_sock(r->engine, &r->sock, ENGINE_SOCK_TX, &probe_ni, &r->ni);
	if (si < 0)
		ping_msg(r, "%s", strerror(-si));
	return si;
}

/* --tcp: the TCP kind's sockets (ping_prepare opened and bound them), SYN
 * probes to the port. */
static int add_tcp(struct ping_run *r)
{
	int si;

	memset(&r->tcp, 0, sizeof(r->tcp));
	r->tcp.dport = (uint16_t)r->o.tcp_port;
	r->tcp.paris = true;
	r->tcp.ps = &r->tcp_socks;
	si = engine_adopt(r->engine, &probe_tcp, &r->tcp, &r->tcp_socks);
	if (si < 0)
		ping_msg(r, "%s", strerror(-si));
	return si;
}

/* The target, and ping's schedule. */
static int setup_plan(struct ping_run *r, int si)
{
	const struct ping_opts *o = &r->o;
	struct ping_plan_cfg *pc = &r->plan;
	int64_t ti;

	ti = engine_add_target(r->engine, (struct sockaddr *)&r->dst, r->dstlen,
			       (unsigned)si);
	if (ti < 0) {
		ping_msg(r, "%s", strerror((int)-ti));
		return -1;
	}
	memset(pc, 0, sizeof(*pc));
	pc->interval_ns = o->interval_ns;
	pc->count = o->count;
	pc->deadline_ns = o->deadline_ns;
	pc->linger_ns = o->linger_ns;
	pc->preload = o->preload;
	pc->adaptive = o->adaptive;
	pc->report_outstanding = o->outstanding;
	pc->min_user_interval = getuid() != 0;
	pc->broadcast = o->broadcast;
	/* TCP probes carry -t themselves (the socket is the kind's). */
	if (o->tcp_port && o->ttl > 0)
		pc->ttl = o->ttl;
	return 0;
}

/* iputils' text: what it shows and how names are found. */
static void setup_text(struct ping_run *r, int family)
{
	const struct ping_opts *o = &r->o;
	struct report_ping_cfg rc;

	memset(&rc, 0, sizeof(rc));
	rc.out = stdout;
	rc.host = o->target;
	rc.canon = r->canon;
	rc.dst = (struct sockaddr *)&r->dst;
	rc.dstlen = r->dstlen;
	/* The header names the source with -I and with -B, as iputils. */
	rc.src = o->iface || o->strict_source ? (struct sockaddr *)&r->src : NULL;
	rc.device = r->device;
	rc.datalen = (size_t)o->datalen;
	rc.tcp_port = o->tcp_port;
	rc.interval_ns = o->interval_ns;
	rc.numeric = r->names.numeric;
	rc.quiet = o->quiet;
	rc.flood = o->flood;
	rc.audible = o->audible;
	rc.timestamps = o->timestamps;
	rc.verbose = o->verbose;
	rc.adaptive = o->adaptive;
	rc.ipg = o->interval_ns == 0 || o->flood || o->adaptive;
	rc.preload = o->preload;
	rc.precise = o->precise;
	rc.untimed = ping_ni_active(r);
	rc.has_flowlabel = o->has_flowlabel && family == AF_INET6;
	rc.flowlabel = o->flowlabel;
	rc.pattern = o->pattern;
	rc.patlen = o->patlen;
	rc.stats = &r->stats;
	rc.namer.pretty = resolve_pretty;
	rc.namer.ready = resolve_ready;
	rc.namer.wait = resolve_wait;
	rc.namer.ctx = &r->names;
	report_ping_init(&r->report, &rc);

	/* Names are looked up by a thread of their own, and the text waits
	 * for them at the gate: a slow resolver delays lines, not probes.
	 * (Without the thread, lookups happen as lines are printed.) */
	if (!r->names.numeric && !o->quiet && resolve_background(&r->names, 1) == 0) {
		struct report_gate_cfg gc = {
			.out = { report_sink, r },
			.named = report_ping_named,
			.named_ctx = &r->report,
			.namer = rc.namer,
		};

		report_gate_init(&r->gate, &gc);
		engine_add_sink(r->engine, (struct event_sink){ report_gate_on_event,
								 &r->gate });
		engine_add_watch(r->engine, (struct engine_watch){
			resolve_answer_fd(&r->names), names_came, r });
	} else {
		engine_add_sink(r->engine, (struct event_sink){ report_sink, r });
	}
	if (o->os) {
		/* After the text reporter: its line follows the summary. */
		fp_init(&r->fp);
		engine_add_sink(r->engine, (struct event_sink){ os_sink, r });
	}
}

/* A send refused for want of a scope, after the hint said why: as
 * iputils, counted as sent, not as an error. */
static bool explained(const struct ping_run *r, const struct event *ev)
{
	return r->scope_hint && ev->type == EV_LOCAL_ERROR &&
	       ev->icmp_code == EV_LOCAL_FROM_SEND && ev->err == EINVAL;
}

static void stats_sink(void *ctx, const struct event *ev)
{
	struct ping_run *r = ctx;

	if (explained(r, ev)) {
		if (ev->nsent > r->stats.transmitted)
			r->stats.transmitted = ev->nsent;
		return;
	}
	stats_on_event(&r->stats, ev);
}

/* IPv6: the interface names that link-local scopes print as (read now:
 * the sandbox forbids asking later), and iputils' hint when a datagram
 * socket is to reach a link-local address without a scope, which the
 * kernel refuses to send. */
static void scope_setup(struct ping_run *r)
{
	const struct in6_addr *a = &((struct sockaddr_in6 *)&r->dst)->sin6_addr;
	struct in6_addr parsed;

	sock_ifnames_read(&r->ifnames);
	if (r->sock.kind == SOCK_KIND_DGRAM && !strchr(r->o.target, '%') &&
	    inet_pton(AF_INET6, r->o.target, &parsed) == 1 &&
	    (IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_MC_LINKLOCAL(a))) {
		ping_msg(r, "Warning: IPv6 link-local address on ICMP datagram socket "
			 "may require ifname or scope-id => use: address%%<ifname|scope-id>");
		r->scope_hint = true;
	}
}

/* The exit status, as iputils gives it. */
static int outcome(const struct ping_run *r, int err)
{
	if (err < 0) {
		ping_msg(r, "%s", strerror(-err));
		return 2;
	}
	if (r->stats.received == 0)
		return 1;
	if (r->o.deadline_ns && r->o.count && r->stats.received < r->o.count)
		return 1;
	return 0;
}

/* The run, up to its exit status; run_ping frees what it leaves. */
static int run_steps(struct ping_run *r)
{
	struct ping_opts *o = &r->o;
	int family = r->dst.ss_family;
	struct engine_signals sig = { &stop_flag, &status_flag };
	int err, si;

	/* The sockets are open, every privilege dropped and the name
	 * resolved (ping_prepare): the engine takes them over. */
	if (new_engine(r) < 0)
		return 2;
	if (r->dst.ss_family == AF_INET6)
		scope_setup(r);
	/* -R, -T, hops: set with the rights the run keeps, as iputils. */
	if (ping_ip_options(r) < 0)
		return 2;
	si = o->tcp_port ? add_tcp(r) : ping_ni_active(r) ? add_ni(r) : add_icmp(r);
	if (si < 0 || setup_plan(r, si) < 0)
		return 2;
	stats_init(&r->stats);
	engine_add_sink(r->engine, (struct event_sink){ stats_sink, r });
	/* iputils prints addresses only with -n, -f, or a numeric target;
	 * JSON and Atlas output carry addresses only. */
	resolve_cache_init(&r->names, o->format != PING_FORMAT_TEXT ||
			   ((o->numeric || o->flood || resolve_is_numeric(o->target)) &&
			    !o->force_names));
	if (o->format == PING_FORMAT_TEXT) {
		setup_text(r, family);
		/* Its messages (local errors) start as ours do; its header
		 * counts the IP options. */
		r->report.cfg.prog = r->prog;
		r->report.cfg.ip_optlen = ping_ip_optlen(r);
		r->report.cfg.ifnames = &r->ifnames;
		r->report.cfg.quiet_send_einval = r->scope_hint;
	} else
		add_machine_report(r, family);

	/* The target's reverse name is asked for now, before the first
	 * probe; other hosts' names (routers' errors) once each, when first
	 * seen.  Without the resolver thread the target's is looked up here,
	 * before the schedule starts. */
	if (!r->names.numeric &&
	    resolve_ready(&r->names, (struct sockaddr *)&r->dst, r->dstlen))
		(void)resolve_pretty(&r->names, (struct sockaddr *)&r->dst, r->dstlen);
	install_signals();
	/* From here on the run may only send, receive, wait and print (and
	 * look names up if it prints names). */
	err = sandbox_enter(!r->names.numeric);
	if (err < 0) {
		ping_msg(r, "seccomp: %s", strerror(-err));
		return 2;
	}
	if (o->sandbox_selftest && sandbox_available()) {
		/* The tests' proof that a forbidden call is refused: this
		 * process must die of SIGSYS here. */
		ping_msg(r, "sandbox selftest %s: the call returned %d",
			 o->sandbox_selftest, sandbox_selftest(o->sandbox_selftest));
		return 3;
	}
	err = engine_run_ping(r->engine, &r->plan, &sig);
	return outcome(r, err);
}

static int run_ping(struct ping_run *r)
{
	int rc = run_steps(r);

	report_atlas_free(&r->atlas);
	report_gate_free(&r->gate);
	resolve_cache_free(&r->names);
	engine_free(r->engine);
	return rc;
}

int cli_ping(int argc, char **argv, int family)
{
	struct ping_run *r;
	char err[512];
	int rc;

	r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "%s: out of memory\n", argc > 0 ? argv[0] : "ping");
		return 2;
	}
	/* Nothing open yet: what run_ping frees must say so. */
	r->sock.fd = r->spare.fd = -1;
	r->tcp_socks.tx.fd = r->tcp_socks.icmp.fd = r->tcp_socks.hold_fd = -1;
	r->tcp_spare.tx.fd = r->tcp_spare.icmp.fd = r->tcp_spare.hold_fd = -1;
	workers_init(&r->names.w);
	r->prog = argc > 0 && argv[0] ? argv[0] : "ping";
	ping_opts_default(&r->o);
	r->o.family = family;
	rc = ping_opts_parse(argc, argv, getuid() == 0, &r->o, err, sizeof(err));
	if (rc != PING_OPTS_OK) {
		if (r->o.ni_help || r->o.ni_usage) {
			/* -N help: the list on stdout; a bad -N: the conflict
			 * (if any) on stdout and the list on stderr, as iputils. */
			if (err[0])
				printf("%s\n", err);
			fflush(stdout);
			ping_ni_help(r->o.ni_help ? stdout : stderr);
			rc = r->o.ni_help ? 0 : 2;
		} else if (r->o.help) {
			/* -h as iputils; --help the GNU way, for a pager. */
			usage(r->o.help_stdout ? stdout : stderr);
			rc = r->o.help_stdout ? 0 : 2;
		} else if (err[0]) {
			ping_msg(r, "%s", err);
			if (!strncmp(err, "invalid option", 14) ||
			    !strncmp(err, "option requires", 15) ||
			    !strncmp(err, "unrecognized", 12))
				usage(stderr);
		} else {
			usage(stderr);
		}
		free(r);
		return rc;
	}
	if (r->o.version) {
		ping_version(stdout, &r->o);
		free(r);
		return 0;
	}
	/* Sockets first, then privileges dropped, then the name
	 * (ping_socket.c). */
	rc = ping_prepare(r);
	if (r->usage)
		usage(stderr);
	if (rc == 0)
		rc = run_ping(r);
	ping_close_sockets(r);
	free(r);
	return rc;
}
