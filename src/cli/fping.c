/* `fping` (and fping6, `echolot fping`): a drop-in fping 5.1 on the
 * engine's fping plan (engine/fping_plan.h) with fping's text
 * (report/fping_out.h).  Exit: 0 all alive, 1 some not (and bad options,
 * as fping 5.1), 2 a name not found, 4 a system call failed. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <time.h>

#include "cli.h"
#include "fping_opts.h"
#include "../engine/engine.h"
#include "../engine/fping_plan.h"
#include "../report/fping_out.h"
#include "../sock/sandbox.h"
#include "../wire/addr.h"

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t status_flag;
static volatile sig_atomic_t finish_flag;

static void on_signal(int sig)
{
	if (sig == SIGQUIT)
		status_flag = 1;
	else if (sig == SIGINT)
		finish_flag = 1;        /* as fping: after the next event */
	else
		stop_flag = 1;
}

static void usage(FILE *out, const char *prog)
{
	fprintf(out, "Usage: %s [options] [targets...]\n\n", prog);
	fprintf(out, "Probing options:\n");
	fprintf(out, "   -4, --ipv4         only ping IPv4 addresses\n");
	fprintf(out, "   -6, --ipv6         only ping IPv6 addresses\n");
	fprintf(out, "   -b, --size=BYTES   amount of ping data to send, in bytes (default: 56)\n");
	fprintf(out, "   -B, --backoff=N    set exponential backoff factor to N (default: 1.5)\n");
	fprintf(out, "   -c, --count=N      count mode: send N pings to each target\n");
	fprintf(out, "   -f, --file=FILE    read list of targets from a file ( - means stdin)\n");
	fprintf(out, "   -g, --generate     generate target list (only if no -f specified)\n");
	fprintf(out, "                      (give start and end IP in the target list, or a CIDR address)\n");
	fprintf(out, "                      (ex. %s -g 192.168.1.0 192.168.1.255 or %s -g 192.168.1.0/24)\n", prog, prog);
	fprintf(out, "   -H, --ttl=N        set the IP TTL value (Time To Live hops)\n");
	fprintf(out, "   -I, --iface=IFACE  bind to a particular interface\n");
	fprintf(out, "   -l, --loop         loop mode: send pings forever\n");
	fprintf(out, "   -m, --all          use all IPs of provided hostnames (e.g. IPv4 and IPv6), use with -A\n");
	fprintf(out, "   -M, --dontfrag     set the Don't Fragment flag\n");
	fprintf(out, "   -O, --tos=N        set the type of service (tos) flag on the ICMP packets\n");
	fprintf(out, "   -p, --period=MSEC  interval between ping packets to one target (in ms)\n");
	fprintf(out, "                      (in loop and count modes, default: 1000 ms)\n");
	fprintf(out, "   -r, --retry=N      number of retries (default: 3)\n");
	fprintf(out, "   -R, --random       random packet data (to foil link data compression)\n");
	fprintf(out, "   -S, --src=IP       set source address\n");
	fprintf(out, "   -t, --timeout=MSEC individual target initial timeout (default: 500 ms,\n");
	fprintf(out, "                      except with -l/-c/-C, where it's the -p period up to 2000 ms)\n");
	fprintf(out, "\n");
	fprintf(out, "Output options:\n");
	fprintf(out, "   -a, --alive        show targets that are alive\n");
	fprintf(out, "   -A, --addr         show targets by address\n");
	fprintf(out, "   -C, --vcount=N     same as -c, report results in verbose format\n");
	fprintf(out, "   -d, --rdns         show targets by name (force reverse-DNS lookup)\n");
	fprintf(out, "   -D, --timestamp    print timestamp before each output line\n");
	fprintf(out, "   -e, --elapsed      show elapsed time on return packets\n");
	fprintf(out, "   -i, --interval=MSEC  interval between sending ping packets (default: 10 ms)\n");
	fprintf(out, "   -n, --name         show targets by name (reverse-DNS lookup for target IPs)\n");
	fprintf(out, "   -N, --netdata      output compatible for netdata (-l -Q are required)\n");
	fprintf(out, "   -o, --outage       show the accumulated outage time (lost packets * packet interval)\n");
	fprintf(out, "   -q, --quiet        quiet (don't show per-target/per-ping results)\n");
	fprintf(out, "   -Q, --squiet=SECS  same as -q, but add interval summary every SECS seconds\n");
	fprintf(out, "   -s, --stats        print final stats\n");
	fprintf(out, "   -u, --unreach      show targets that are unreachable\n");
	fprintf(out, "   -v, --version      show version\n");
	fprintf(out, "   -x, --reachable=N  shows if >=N hosts are reachable or not\n");
}

struct fping_run {
	struct fping_opts o;
	const char *prog;
	struct fping_target *t;
	char **hosts, **names;
	uint32_t n, cap;
	unsigned noaddress;
	struct engine *engine;
	struct probe_sweep_cfg kc[2];
	struct probe_socks ps[2];
	int open_rc[2];
	struct probe_open_err open_err[2];
	struct fping_out out;
};

static int add_target(struct fping_run *r, const char *name, const char *host,
		      const struct sockaddr *sa)
{
	if (r->n == r->cap) {
		uint32_t nc = r->cap ? r->cap * 2 : 64;
		struct fping_target *t = realloc(r->t, nc * sizeof(*t));
		char **h = t ? realloc(r->hosts, nc * sizeof(*h)) : NULL;
		char **nm = h ? realloc(r->names, nc * sizeof(*nm)) : NULL;

		if (t)
			r->t = t;
		if (h)
			r->hosts = h;
		if (!nm)
			return -1;
		r->names = nm;
		r->cap = nc;
	}
	r->hosts[r->n] = strdup(host);
	r->names[r->n] = NULL;
	if (r->o.netdata) {
		r->names[r->n] = strdup(name);
		for (char *s = r->names[r->n]; s && *s; s++)
			if (!isalnum((unsigned char)*s))
				*s = '_';
	}
	if (!r->hosts[r->n] || (r->o.netdata && !r->names[r->n]))
		return -1;
	r->t[r->n].family = sa->sa_family;
	wire_addr16_from(r->t[r->n].addr, sa->sa_family, wire_sa_bytes(sa));
	r->n++;
	return 0;
}

/* fping's add_name: resolve, name it as -A / -n / -d say, add. */
static int add_name(struct fping_run *r, const char *name)
{
	struct addrinfo hints, *res0, *res;
	char namebuf[256], addrbuf[256], both[520];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = r->o.family;
	hints.ai_socktype = r->o.family == AF_UNSPEC ? SOCK_STREAM : SOCK_RAW;
	hints.ai_protocol = r->o.family == AF_INET ? IPPROTO_ICMP :
			    r->o.family == AF_INET6 ? IPPROTO_ICMPV6 : 0;
	rc = getaddrinfo(name, NULL, &hints, &res0);
	if (rc) {
		if (!r->o.quiet)
			fprintf(stderr, "%s: %s\n", name, gai_strerror(rc));
		r->noaddress++;
		return 0;
	}
	for (res = res0; res; res = res->ai_next) {
		const char *print = name;

		if (res->ai_family != AF_INET && res->ai_family != AF_INET6)
			continue;
		if (r->o.name || r->o.rdns) {
			bool rdns = r->o.rdns;
			struct addrinfo nh = hints, *nres;

			nh.ai_flags = AI_NUMERICHOST;
			if (r->o.name && getaddrinfo(name, NULL, &nh, &nres) == 0) {
				rdns = true;
				freeaddrinfo(nres);
			}
			if (rdns && getnameinfo(res->ai_addr, res->ai_addrlen, namebuf,
						sizeof(namebuf), NULL, 0, 0) == 0)
				print = namebuf;
		}
		if (r->o.addr) {
			rc = getnameinfo(res->ai_addr, res->ai_addrlen, addrbuf,
					 sizeof(addrbuf), NULL, 0, NI_NUMERICHOST);
			if (rc) {
				if (!r->o.quiet)
					fprintf(stderr, "%s: can't forward-lookup address (%s)\n",
						name, gai_strerror(rc));
				continue;
			}
			if (r->o.name || r->o.rdns) {
				snprintf(both, sizeof(both), "%s (%s)", print, addrbuf);
				print = both;
			} else {
				print = addrbuf;
			}
		}
		if (add_target(r, name, print, res->ai_addr) < 0) {
			freeaddrinfo(res0);
			return -1;
		}
		if (!r->o.all)
			break;
	}
	freeaddrinfo(res0);
	return 0;
}

static int add_v4(struct fping_run *r, uint32_t a)
{
	struct sockaddr_in sin;
	char buf[20];

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(a);
	inet_ntop(AF_INET, &sin.sin_addr, buf, sizeof(buf));
	return add_name(r, buf);
}

/* -g: a CIDR block (less its network and broadcast addresses below /31)
 * or a range; IPv4 only, as fping.  No cap on the count (fping's is
 * 100,000 for a range). */
static int generate(struct fping_run *r)
{
	struct in_addr a, b;
	char tmp[64];

	if (r->o.ntargets == 1) {
		char *slash = strchr(r->o.targets[0], '/');
		unsigned long mask;
		uint64_t lo, hi;

		if (!slash)
			return 3;
		snprintf(tmp, sizeof(tmp), "%.*s", (int)(slash - r->o.targets[0]),
			 r->o.targets[0]);
		mask = (unsigned long)atoi(slash + 1);
		if (inet_pton(AF_INET, tmp, &a) != 1) {
			unsigned char b6[16];

			if (inet_pton(AF_INET6, tmp, b6) == 1)
				fprintf(stderr, "%s: -g works only with IPv4 addresses\n", r->prog);
			else
				fprintf(stderr, "%s, can't parse address %s: %s\n", r->prog, tmp,
					gai_strerror(EAI_NONAME));
			return 1;
		}
		if (mask < 1 || mask > 32) {
			fprintf(stderr, "%s: netmask must be between 1 and 32 (is: %s)\n",
				r->prog, slash + 1);
			return 1;
		}
		lo = ntohl(a.s_addr) & (uint32_t)(0xffffffffull << (32 - mask));
		hi = lo + (1ull << (32 - mask)) - 1;
		if (mask < 31) {
			lo++;
			hi--;
		}
		for (uint64_t i = lo; i <= hi; i++)
			if (add_v4(r, (uint32_t)i) < 0)
				return 4;
		return 0;
	}
	for (int k = 0; k < 2; k++) {
		if (inet_pton(AF_INET, r->o.targets[k], k ? &b : &a) != 1) {
			unsigned char b6[16];

			if (inet_pton(AF_INET6, r->o.targets[k], b6) == 1)
				fprintf(stderr, "%s: -g works only with IPv4 addresses\n", r->prog);
			else
				fprintf(stderr, "%s: can't parse address %s: %s\n", r->prog,
					r->o.targets[k], gai_strerror(EAI_NONAME));
			return 1;
		}
	}
	for (uint64_t i = ntohl(a.s_addr); i <= ntohl(b.s_addr); i++)
		if (add_v4(r, (uint32_t)i) < 0)
			return 4;
	return 0;
}

static int read_targets(struct fping_run *r)
{
	FILE *f = strcmp(r->o.file, "-") ? fopen(r->o.file, "r") : stdin;
	char line[132], host[132];

	if (!f) {
		fprintf(stderr, "%s: fopen : %s\n", r->prog, strerror(errno));
		return 4;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%131s", host) != 1 || !host[0] || host[0] == '#')
			continue;
		if (add_name(r, host) < 0)
			return 4;
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

/* -S: the source address, numeric. */
static void source_of(const struct fping_opts *o, struct sockaddr_storage *src)
{
	memset(src, 0, sizeof(*src));
	if (!o->src)
		return;
	if (inet_pton(AF_INET, o->src, &((struct sockaddr_in *)src)->sin_addr) == 1)
		src->ss_family = AF_INET;
	else if (inet_pton(AF_INET6, o->src, &((struct sockaddr_in6 *)src)->sin6_addr) == 1)
		src->ss_family = AF_INET6;
}

/* One family's socket with fping's options, opened while privileged and
 * before any name is looked up (as fping does); what went wrong is said
 * only if a target needs the family. */
static void open_family(struct fping_run *r, int family)
{
	unsigned k = family == AF_INET6;
	struct sockaddr_storage src;
	struct sock_opts so;

	source_of(&r->o, &src);
	memset(&so, 0, sizeof(so));
	so.ttl = r->o.ttl ? (int)r->o.ttl : -1;
	so.tos = r->o.tos;
	so.mark = -1;
	so.pmtudisc = r->o.dontfrag ? 2 /* IP_PMTUDISC_DO, IPV6_PMTUDISC_DO */ : -1;
	so.rcvbuf = 8 << 20;
	so.device = r->o.iface;
	so.timestamps = SOCK_TS_RX;
	if (src.ss_family == family) {
		so.source = (struct sockaddr *)&src;
		so.source_len = wire_sa_len(family);
	}
	r->kc[k].datalen = r->o.datalen;
	r->open_rc[k] = probe_echo_open(&r->kc[k].echo, family, false, &so,
					&r->ps[k].tx, &r->open_err[k]);
	if (r->open_rc[k] < 0)
		sock_close(&r->ps[k].tx);
}

static void open_error(const struct fping_run *r, int family)
{
	const struct probe_open_err *pe = &r->open_err[family == AF_INET6];

	if (pe->what && !strcmp(pe->what, "socket"))
		fprintf(stderr, "%s: can't create socket (must run as root?)\n", r->prog);
	else if (pe->what && !strcmp(pe->what, "SO_BINDTODEVICE"))
		fprintf(stderr, "binding to specific interface (SO_BINTODEVICE)%s: %s\n",
			family == AF_INET6 ? ", IPV6" : "", strerror(pe->err));
	else
		fprintf(stderr, "%s: %s: %s\n", r->prog, pe->what ? pe->what : "socket",
			strerror(pe->err));
}

/* The sockets, then every privilege dropped: 0, or 4 (fping's "system
 * call failed") after saying why. */
static int open_sockets(struct fping_run *r)
{
	int rc;

	r->open_rc[0] = r->open_rc[1] = -EAFNOSUPPORT;
	if (r->o.family != AF_INET6)
		open_family(r, AF_INET);
	if (r->o.family != AF_INET)
		open_family(r, AF_INET6);
	if (r->open_rc[0] < 0 && r->open_rc[1] < 0) {
		open_error(r, r->o.family == AF_INET6 ? AF_INET6 : AF_INET);
		return 4;
	}
	rc = sock_drop_privileges();
	if (rc < 0) {
		errno = -rc;
		perror("fatal: failed to permanently drop privileges");
		return 4;
	}
	return 0;
}

/* A family the targets need, into the engine.  -1 after saying why. */
static int add_family(struct fping_run *r, int family)
{
	unsigned k = family == AF_INET6;
	int si;

	if (r->open_rc[k] < 0) {
		open_error(r, family);
		return -1;
	}
	si = engine_add_sock(r->engine, &r->ps[k].tx, ENGINE_SOCK_TX, &probe_sweep,
			     &r->kc[k]);
	if (si < 0)
		fprintf(stderr, "%s: %s\n", r->prog, strerror(-si));
	return si;
}

static int run(struct fping_run *r)
{
	struct engine_signals sig = { &stop_flag, &status_flag };
	struct fping_plan_cfg pc;
	struct fping_out_cfg oc;
	struct engine_cfg ec;
	struct sockaddr_storage src;
	struct sigaction sa;
	bool need[2] = { false, false };
	int sock[2] = { -1, -1 }, err;
	const struct fping_opts *o = &r->o;

	source_of(o, &src);
	for (uint32_t i = 0; i < r->n; i++)
		need[r->t[i].family == AF_INET6] = true;
	memset(&ec, 0, sizeof(ec));
	if (getrandom(ec.tag_key, sizeof(ec.tag_key), 0) != sizeof(ec.tag_key))
		return 4;
	ec.rate_pps = o->interval_ns > 0 ? 1e9 / (double)o->interval_ns : 0;
	ec.burst = 1;
	ec.rx_batch = 32;
	r->engine = engine_new(&ec);
	if (!r->engine)
		return 4;
	for (int k = 0; k < 2; k++)
		if (need[k] && (sock[k] = add_family(r, k ? AF_INET6 : AF_INET)) < 0)
			return 4;
	memset(&oc, 0, sizeof(oc));
	oc.out = stdout;
	oc.err = stderr;
	oc.hosts = (const char *const *)r->hosts;
	oc.names = (const char *const *)r->names;
	oc.nhosts = r->n;
	oc.noaddress = r->noaddress;
	oc.count_mode = o->count_flag;
	oc.loop_mode = o->loop;
	oc.count = o->count;
	oc.verbose = !o->quiet && !o->alive && !o->unreach && !o->min_reachable;
	oc.alive = o->alive;
	oc.unreach = o->unreach;
	if (o->count_flag) {
		oc.per_recv = oc.verbose;
		oc.alive = oc.unreach = oc.verbose = false;
	}
	if (o->loop) {
		oc.per_recv = !o->report_ns;
		oc.alive = oc.unreach = oc.verbose = false;
	}
	oc.elapsed = o->elapsed;
	oc.timestamp = o->timestamp;
	oc.all_rtts = o->all_rtts;
	oc.stats = o->stats;
	oc.outage = o->outage;
	oc.netdata = o->netdata;
	oc.quiet = o->quiet;
	oc.min_reachable = o->min_reachable;
	oc.period_ns = o->period_ns;
	oc.report_ns = o->report_ns;
	if (fping_out_init(&r->out, &oc) < 0)
		return 4;
	engine_add_sink(r->engine, (struct event_sink){ fping_out_on_event, &r->out });

	memset(&pc, 0, sizeof(pc));
	pc.targets = r->t;
	pc.ntargets = r->n;
	pc.sock4 = sock[0];
	pc.sock6 = sock[1];
	pc.mode = o->loop ? FPING_MODE_LOOP : o->count_flag ? FPING_MODE_COUNT :
							      FPING_MODE_DEFAULT;
	pc.count = o->count;
	pc.retry = o->retry;
	pc.backoff = o->backoff;
	pc.timeout_ns = o->timeout_ns;
	if ((o->loop || o->count_flag) && !o->timeout_set)
		pc.timeout_ns = o->period_ns < 2000 * 1000000LL ? o->period_ns : 2000 * 1000000LL;
	pc.period_ns = o->period_ns;
	pc.report_ns = (o->loop || o->count_flag) ? o->report_ns : 0;
	pc.finish = &finish_flag;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	setlinebuf(stdout);
	/* The splits' clock (-Q) reads the time zone now, not in the
	 * sandbox. */
	tzset();
	err = sandbox_enter(false);
	if (err < 0) {
		fprintf(stderr, "%s: seccomp: %s\n", r->prog, strerror(-err));
		return 4;
	}
	err = engine_run_fping(r->engine, &pc, &sig);
	if (err < 0) {
		fprintf(stderr, "%s: %s\n", r->prog, strerror(-err));
		return 4;
	}
	fflush(stdout);
	return fping_out_status(&r->out);
}

static void free_run(struct fping_run *r)
{
	fping_out_free(&r->out);
	engine_free(r->engine);
	for (unsigned k = 0; k < 2; k++)
		sock_close(&r->ps[k].tx);
	for (uint32_t i = 0; i < r->n; i++) {
		free(r->hosts[i]);
		free(r->names[i]);
	}
	free(r->hosts);
	free(r->names);
	free(r->t);
	free(r);
}

int cli_fping(int argc, char **argv, int family)
{
	struct fping_run *r = calloc(1, sizeof(*r));
	char err[512];
	int rc;

	if (!r)
		return 4;
	for (unsigned k = 0; k < 2; k++)
		r->ps[k].tx.fd = r->ps[k].icmp.fd = r->ps[k].hold_fd = -1;
	r->prog = argc > 0 ? argv[0] : "fping";
	fping_opts_default(&r->o);
	/* fping6: -6, for backward compatibility. */
	if (family == AF_INET6 || strstr(r->prog, "fping6"))
		r->o.family = AF_INET6;
	rc = fping_opts_parse(argc, argv, r->prog, &r->o, err, sizeof(err));
	if (r->o.help) {
		usage(stdout, r->prog);
		free_run(r);
		return 0;
	}
	if (r->o.version && rc == FPING_OPTS_OK) {
		/* Byte for byte fping's: SmokePing reads the version from it. */
		printf("%s: Version 5.1\n", r->prog);
		free_run(r);
		return 0;
	}
	if (rc == FPING_OPTS_USAGE || rc == FPING_OPTS_MSG) {
		if (rc == FPING_OPTS_USAGE)
			usage(stderr, r->prog);
		else
			fprintf(stderr, "%s\n", err);
		free_run(r);
		return 1;
	}
	/* Sockets first, then every privilege dropped, then the names. */
	rc = open_sockets(r);
	if (rc) {
		free_run(r);
		return rc;
	}
	if (r->o.generate)
		rc = generate(r);
	else if (r->o.ntargets)
		for (int i = 0; i < r->o.ntargets && rc == 0; i++)
			rc = add_name(r, r->o.targets[i]) < 0 ? 4 : 0;
	else {
		if (!r->o.file)
			r->o.file = "-";
		rc = read_targets(r);
	}
	if (rc == 3) {
		usage(stderr, r->prog);
		rc = 1;
	}
	if (rc == 0 && !r->n)
		rc = r->noaddress ? 2 : 1;
	else if (rc == 0)
		rc = run(r);
	free_run(r);
	return rc;
}
