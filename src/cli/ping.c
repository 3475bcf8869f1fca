/* `ping`: argv -> config, wire the parts together, run, exit status. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <time.h>

#include "cli.h"
#include "ping_opts.h"
#include "../analysis/fp.h"
#include "../analysis/hist.h"
#include "../analysis/stats.h"
#include "../engine/engine.h"
#include "../report/gate.h"
#include "../report/os_line.h"
#include "../report/ping_json.h"
#include "../report/report.h"
#include "../sock/resolve.h"
#include "../sock/sandbox.h"
#include "../sock/sock.h"

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
	      "\n"
	      "IPv4 options:\n"
	      "  -4                 use IPv4\n"
	      "  -b                 allow pinging broadcast\n"
	      "\n"
	      "IPv6 options:\n"
	      "  -6                 use IPv6\n"
	      "  -F <flowlabel>     define flow label (hex), default is none\n"
	      "\n"
	      "For more details see echolot(8).\n", f);
}

/* The line a user sees when no socket can be had: what failed and both
 * ways to fix it. */
static void no_socket(const struct sock_open_err *e, bool need_raw)
{
	if (need_raw)
		fprintf(stderr,
			"ping: cannot open a raw socket (needed for the options given): %s; "
			"give the binary CAP_NET_RAW (setcap cap_net_raw+ep) or run as root\n",
			strerror(e->raw_errno));
	else
		fprintf(stderr,
			"ping: cannot open an ICMP socket: raw: %s, datagram: %s; "
			"give the binary CAP_NET_RAW (setcap cap_net_raw+ep) or allow "
			"your group in sysctl net.ipv4.ping_group_range\n",
			strerror(e->raw_errno), strerror(e->dgram_errno));
}

static uint16_t random_id(void)
{
	uint16_t id;

	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = (uint16_t)getpid();
	return id;
}

struct ping_run {
	struct ping_opts o;
	struct sockaddr_storage dst, src;
	socklen_t dstlen;
	bool have_src;
	char canon[1025];
	const char *device;
	struct sock sock;
	struct stats stats;
	struct report_ping report;
	/* --format json / atlas (docs/json-schema.md) */
	struct hist hist;
	struct report_json json;
	struct report_atlas atlas;
	struct resolve_cache names;
	struct report_gate gate;        /* text lines wait here for names */
	struct engine engine;
	struct fp fp;           /* --os */
};

static void report_sink(void *ctx, const struct event *ev)
{
	struct ping_run *run = ctx;

	if (ev->type == EV_END) {
		report_ping_summary(&run->report,
				    engine_elapsed_ns(&run->engine));
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

	hist_update(&run->hist, ev);
	if (ev->type == EV_END || ev->type == EV_STATUS)
		run->json.elapsed_ns = engine_elapsed_ns(&run->engine);
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
		engine_add_sink(&r->engine,
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
	/* One sink for both (the engine has few): the percentiles, then the
	 * line that may print them. */
	engine_add_sink(&r->engine, (struct event_sink){ json_sink, r });
	if (r->o.os)
		engine_add_sink(&r->engine, (struct event_sink){ fp_on_event, &r->fp });
}

/* -I: an address to send from, or an interface to send through. */
static int setup_source(struct ping_run *r, int family)
{
	struct ping_opts *o = &r->o;
	int rc;

	if (o->iface) {
		unsigned char buf[16];

		if (inet_pton(AF_INET, o->iface, buf) == 1 ||
		    inet_pton(AF_INET6, o->iface, buf) == 1) {
			struct addrinfo;
			int fam = inet_pton(AF_INET, o->iface, buf) == 1 ?
				  AF_INET : AF_INET6;

			if (fam != family) {
				fprintf(stderr, "ping: %s: address family does not match the destination\n",
					o->iface);
				return -1;
			}
			memset(&r->src, 0, sizeof(r->src));
			r->src.ss_family = (sa_family_t)fam;
			if (fam == AF_INET)
				memcpy(&((struct sockaddr_in *)&r->src)->sin_addr, buf, 4);
			else
				memcpy(&((struct sockaddr_in6 *)&r->src)->sin6_addr, buf, 16);
			r->have_src = true;
			return 0;
		}
		if (if_nametoindex(o->iface) == 0) {
			fprintf(stderr, "ping: SO_BINDTODEVICE %s: %s\n", o->iface,
				strerror(ENODEV));
			return -1;
		}
		r->device = o->iface;
	}
	rc = sock_route_source(family, (struct sockaddr *)&r->dst, r->dstlen,
			       r->device, &r->src);
	if (rc == -EACCES && family == AF_INET && !o->broadcast) {
		fprintf(stderr, "ping: Do you want to ping broadcast? Then -b. "
			"If not, check your local firewall rules\n");
		return -1;
	}
	if (rc < 0 && rc != -EACCES) {
		if (rc == -ENETUNREACH || rc == -EHOSTUNREACH) {
			fprintf(stderr, "ping: connect: %s\n", strerror(-rc));
			return -1;
		}
	}
	/* Only -I names the source in the header. */
	r->have_src = r->device != NULL && rc == 0;
	return 0;
}

static int open_socket(struct ping_run *r, int family)
{
	struct ping_opts *o = &r->o;
	struct sock_open_err oe;
	struct sock_opts so;
	const char *what, *warn;
	int warn_err;
	bool need_raw = o->ident >= 0;
	int rc;

	rc = sock_open(&r->sock, family, need_raw, &oe);
	if (rc < 0) {
		no_socket(&oe, need_raw);
		return -1;
	}
	memset(&so, 0, sizeof(so));
	so.ttl = o->ttl;
	so.tos = o->tos;
	so.mark = o->mark;
	so.pmtudisc = o->pmtudisc;
	so.sndbuf = o->sndbuf;
	so.device = r->device;
	if ((o->iface && !r->device) || (o->strict_source && r->src.ss_family)) {
		so.source = (struct sockaddr *)&r->src;
		so.source_len = family == AF_INET6 ? sizeof(struct sockaddr_in6) :
						     sizeof(struct sockaddr_in);
	}
	so.broadcast = o->broadcast;
	so.no_mcast_loop = o->no_mcast_loop;
	so.debug = o->debug;
	so.dontroute = o->dontroute;
	/* Flood does without the kernel's send stamps (one system call less
	 * per probe: the send time is read just before sending) but keeps the
	 * receive stamps, or replies queued behind a preload would be timed
	 * when read, not when they came.  -U asks for user-to-user times. */
	so.timestamps = o->user_latency ? SOCK_TS_NONE :
			o->flood ? SOCK_TS_RX : SOCK_TS_RXTX;
	/* Big enough for a burst of replies at flood speed. */
	so.rcvbuf = o->flood || o->preload > 1 ? 1 << 20 : 0;
	rc = sock_apply(&r->sock, &so, &what, &warn, &warn_err);
	if (warn && !strcmp(warn, "SO_MARK"))
		fprintf(stderr, "ping: WARNING: failed to set mark: %lld: %s\n",
			(long long)o->mark, strerror(-warn_err));
	else if (warn)
		fprintf(stderr, "ping: WARNING: %s: %s\n", warn, strerror(-warn_err));
	if (rc < 0) {
		if (!strcmp(what, "SO_BINDTODEVICE"))
			fprintf(stderr, "ping: SO_BINDTODEVICE %s: %s\n", r->device,
				strerror(-rc));
		else if (!strcmp(what, "bind"))
			fprintf(stderr, "ping: bind: %s\n", strerror(-rc));
		else
			fprintf(stderr, "ping: %s: %s\n", what, strerror(-rc));
		return -1;
	}
	if (o->has_flowlabel && family == AF_INET6) {
		struct sockaddr_in6 *d6 = (struct sockaddr_in6 *)&r->dst;

		rc = sock_flowlabel(&r->sock, d6, o->flowlabel);
		if (rc < 0) {
			fprintf(stderr, "ping: can't send flowinfo: %s\n", strerror(-rc));
			return -1;
		}
		d6->sin6_flowinfo = htonl(o->flowlabel & 0xfffff);
	}
	if (o->do_connect) {
		rc = sock_connect(&r->sock, (struct sockaddr *)&r->dst, r->dstlen);
		if (rc < 0) {
			fprintf(stderr, "ping: connect: %s\n", strerror(-rc));
			return -1;
		}
	}
	return 0;
}

static int run_ping(struct ping_run *r)
{
	struct ping_opts *o = &r->o;
	int family = r->dst.ss_family;
	struct engine_cfg ec;
	struct report_ping_cfg rc;
	struct engine_signals sig = { &stop_flag, &status_flag };
	uint16_t id;
	int err;

	if (setup_source(r, family) < 0 || open_socket(r, family) < 0)
		return 2;
	if (r->sock.kind == SOCK_KIND_RAW) {
		id = o->ident >= 0 ? (uint16_t)o->ident : random_id();
		sock_filter_id(&r->sock, id);
	} else {
		id = 0;         /* the kernel's choice, matched by the kernel */
	}
	/* The sockets are open: nothing below needs a privilege. */
	if (sock_drop_privileges() < 0) {
		fprintf(stderr, "ping: cannot drop privileges: %s\n", strerror(errno));
		return 2;
	}

	memset(&ec, 0, sizeof(ec));
	ec.datalen = (size_t)o->datalen;
	memcpy(ec.pattern, o->pattern, o->patlen);
	ec.patlen = o->patlen;
	ec.interval_ns = o->interval_ns;
	ec.count = o->count;
	ec.deadline_ns = o->deadline_ns;
	ec.linger_ns = o->linger_ns;
	ec.preload = o->preload;
	ec.flood = o->flood;
	ec.adaptive = o->adaptive;
	ec.report_outstanding = o->outstanding;
	ec.min_user_interval = getuid() != 0;
	ec.broadcast = o->broadcast;
	if (getrandom(ec.tag_key, sizeof(ec.tag_key), 0) != sizeof(ec.tag_key)) {
		fprintf(stderr, "ping: getrandom: %s\n", strerror(errno));
		return 2;
	}
	engine_init(&r->engine, &ec);
	if (engine_add_target(&r->engine, (struct sockaddr *)&r->dst, r->dstlen,
			      &r->sock, id) < 0) {
		fprintf(stderr, "ping: out of memory\n");
		return 2;
	}

	stats_init(&r->stats);
	/* iputils prints addresses only with -n, -f, or a numeric target;
	 * JSON and Atlas output carry addresses only. */
	resolve_cache_init(&r->names, o->format != PING_FORMAT_TEXT ||
			   ((o->numeric || o->flood || resolve_is_numeric(o->target)) &&
			    !o->force_names));
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

	engine_add_sink(&r->engine, (struct event_sink){ stats_on_event, &r->stats });
	/* Names are looked up by a thread of their own, and the text waits
	 * for them at the gate: a slow resolver delays lines, not probes.
	 * (Without the thread, lookups happen as lines are printed.) */
	if (o->format == PING_FORMAT_TEXT && !r->names.numeric && !o->quiet &&
	    resolve_background(&r->names) == 0) {
		struct report_gate_cfg gc = {
			.out = { report_sink, r },
			.named = report_ping_named,
			.named_ctx = &r->report,
			.namer = rc.namer,
		};

		report_gate_init(&r->gate, &gc);
		engine_add_sink(&r->engine, (struct event_sink){ report_gate_on_event,
								 &r->gate });
		engine_add_watch(&r->engine, (struct engine_watch){
			resolve_answer_fd(&r->names), names_came, r });
	} else if (o->format == PING_FORMAT_TEXT) {
		engine_add_sink(&r->engine, (struct event_sink){ report_sink, r });
	} else {
		add_machine_report(r, family);
	}
	if (o->os && o->format == PING_FORMAT_TEXT) {
		/* After the text reporter: its line follows the summary. */
		fp_init(&r->fp);
		engine_add_sink(&r->engine, (struct event_sink){ os_sink, r });
	}

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
		fprintf(stderr, "ping: seccomp: %s\n", strerror(-err));
		return 2;
	}
	if (o->sandbox_selftest && sandbox_available()) {
		/* The tests' proof that a forbidden call is refused: this
		 * process must die of SIGSYS here. */
		fprintf(stderr, "ping: sandbox selftest: socket() returned %d\n",
			sandbox_selftest());
		return 3;
	}
	err = engine_run(&r->engine, &sig);
	report_atlas_free(&r->atlas);
	report_gate_free(&r->gate);
	resolve_cache_free(&r->names);
	engine_free(&r->engine);
	sock_close(&r->sock);
	if (err < 0) {
		fprintf(stderr, "ping: %s\n", strerror(-err));
		return 2;
	}
	if (r->stats.received == 0)
		return 1;
	if (o->deadline_ns && o->count && r->stats.received < o->count)
		return 1;
	return 0;
}

int cli_ping(int argc, char **argv, int family)
{
	struct ping_run *r;
	char err[512], rerr[1200];
	int rc;

	r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "ping: out of memory\n");
		return 2;
	}
	ping_opts_default(&r->o);
	r->o.family = family;
	rc = ping_opts_parse(argc, argv, getuid() == 0, &r->o, err, sizeof(err));
	if (rc != PING_OPTS_OK) {
		if (r->o.help) {
			usage(stderr);
			rc = 2;
		} else if (err[0]) {
			fprintf(stderr, "ping: %s\n", err);
			if (!strncmp(err, "invalid option", 14) ||
			    !strncmp(err, "option requires", 15) ||
			    !strncmp(err, "unrecognized", 12))
				usage(stderr);
		} else {
			usage(stderr);
		}
		free(r);
		return 2;
	}
	if (r->o.version) {
		cli_version(stdout);
		free(r);
		return 0;
	}
	rc = resolve_target(r->o.target, r->o.family, &r->dst, &r->dstlen,
			    r->canon, sizeof(r->canon), rerr, sizeof(rerr));
	if (rc) {
		fprintf(stderr, "ping: %s\n", rerr);
		free(r);
		return 2;
	}
	rc = run_ping(r);
	free(r);
	return rc;
}
