/* `echolot os HOST`: the remote operating system from active probes.
 *
 * 1. An echo request with TTL 255 must be answered: its reply's TTL is
 *    the starting point.
 * 2. The forward hop count, by TTL-limited echo requests.  Definitions:
 *    the target is N routers away when N routers forward our probe; a
 *    probe sent with TTL t reaches the target iff t >= N + 1 (each router
 *    drops a probe that arrives with TTL 1 and answers Time Exceeded), so
 *    N + 1 is the smallest TTL that reaches it, the target's hop number in
 *    a traceroute.  Its replies cross the routers of the way back, N of
 *    them on a symmetric path, and arrive with TTL initial - N: so
 *    initial = reply TTL + N, and N is what fp_verdict() takes as the
 *    measured hop count.  A handful of probes find N: the reply TTL names
 *    a likely N (the passive estimate); a probe with TTL N + 1 that is
 *    answered and one with TTL N that expires prove it.  Otherwise a
 *    binary search between the largest TTL seen to expire and the
 *    smallest seen to reach.  An unanswered probe is sent once more; if
 *    that is lost too, a silent router is assumed (the target did answer
 *    TTL 255).
 * 3. Signals that tell the stacks of one TTL bucket apart (fp_active.h):
 *    three echo requests with code 123, DF, TOS 0x28 and random IP IDs,
 *    and an ICMP timestamp request.
 *
 * Every probe goes through the engine (src/engine/os_probe.c), one small
 * run per step (count 1, a wait for the reply that follows the RTT seen),
 * shaped by a send hook: TTL, TOS, DF, IP ID and code per probe, without
 * a setsockopt under the sandbox.  Each step uses an identifier of its own (raw socket) or a
 * fresh socket after a timeout (datagram socket), so a late answer to
 * one step is never taken for the answer to the next. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "../wire/timeconv.h"
#include "os.h"
#include "os_opts.h"
#include "../analysis/fp.h"
#include "../analysis/fp_active.h"
#include "../engine/engine.h"
#include "../engine/os_probe.h"
#include "../report/os_active.h"
#include "../report/os_json.h"
#include "../report/ping_json.h"
#include "../sock/resolve.h"
#include "../sock/sandbox.h"
#include "../sock/sock.h"



struct os_run {
	struct os_opts o;
	struct sockaddr_storage dst;
	socklen_t dstlen;
	char canon[1025];
	struct resolve_cache names;
	struct fp fp;
	struct engine_os p;     /* the probes (src/engine/os_probe.c) */
	/* Before the name: IPv6's probes when the name decides, and how
	 * opening went for p (IPv4, or the only family) and for spare. */
	struct engine_os spare;
	int open_rc[2];
	struct engine_os_err open_err[2];
};

/* SIGINT, SIGTERM: finish now (the engine polls it). */
static volatile sig_atomic_t os_stop;

static void on_stop(int sig)
{
	(void)sig;
	os_stop = 1;
}

static int64_t now_ns(void)
{
	return engine_now();
}

static void usage(FILE *f)
{
	fputs("\nUsage\n"
	      "  echolot os [options] <destination>\n"
	      "\n"
	      "Names the remote operating system from the TTL of its echo replies,\n"
	      "the hop count measured with TTL-limited probes, and how it answers\n"
	      "a few unusual probes.\n"
	      "\n"
	      "Options:\n"
	      "  -4                 use IPv4\n"
	      "  -6                 use IPv6\n"
	      "  -n                 no reverse DNS name resolution\n"
	      "  -w <deadline>      give up after <deadline> seconds (default 10)\n"
	      "      --ttl-only     the TTL verdict alone, no other signals\n"
	      "      --read <file>  classify every host whose ICMP replies are in a\n"
	      "                     capture (pcap or pcapng) instead of probing;\n"
	      "                     <destination> is then optional: only that host\n"
	      "      --format <fmt> output format: text (default) or json (NDJSON:\n"
	      "                     a start line, then the os event)\n"
	      "      --json         same as --format=json\n"
	      "  -h, --help         print help and exit\n"
	      "\n"
	      "For more details see echolot(8).\n", f);
}

/* ------------------------------------------------------------------ run */

static void open_error(const struct engine_os_err *e)
{
	if (e->what)
		fprintf(stderr, "os: %s: %s\n", e->what, strerror(e->err));
	else
		fprintf(stderr,
			"os: cannot open an ICMP socket: raw: %s, datagram: %s; "
			"give the binary CAP_NET_RAW (setcap cap_net_raw+ep) or allow "
			"your group in sysctl net.ipv4.ping_group_range\n",
			strerror(e->open.raw_errno), strerror(e->open.dgram_errno));
}

/* Open the probes' sockets while privileged, before the name is looked
 * up: for the family asked for, or for both when the name decides.  0, or
 * -1 after saying why (no family could have any). */
static int open_probes(struct os_run *r)
{
	struct engine_os_cfg cfg = {
		.signals = !r->o.ttl_only,
		.stop = &os_stop,
		.sink = { fp_on_event, &r->fp },
	};
	struct engine_os *p[2] = { &r->p, &r->spare };
	int fam[2] = { AF_INET, AF_INET6 };
	int n = r->o.family == AF_UNSPEC ? 2 : 1;

	if (n == 1)
		fam[0] = r->o.family;
	r->open_rc[1] = -1;
	memset(&r->open_err[1], 0, sizeof(r->open_err[1]));
	for (int i = 0; i < n; i++) {
		cfg.family = fam[i];
		r->open_rc[i] = engine_os_open(p[i], &cfg, &r->open_err[i]);
	}
	if (r->open_rc[0] < 0 && r->open_rc[1] < 0) {
		open_error(&r->open_err[0]);
		return -1;
	}
	return 0;
}

/* The resolved family's probes become r->p (the other family's are
 * closed), aimed at the destination.  0, or -1 after saying why. */
static int pick_probes(struct os_run *r)
{
	struct engine_os_err e;
	int i = 0;

	if (r->o.family == AF_UNSPEC && r->dst.ss_family == AF_INET6) {
		if (r->open_rc[0] == 0)
			engine_os_close(&r->p);
		/* Nothing in it points into itself before a target is set. */
		r->p = r->spare;
		r->open_rc[0] = r->open_rc[1];
		i = 1;
	} else if (r->open_rc[1] == 0) {
		engine_os_close(&r->spare);
	}
	r->open_rc[1] = -1;
	if (r->open_err[i].warn)
		fprintf(stderr, "os: %s: %s\n", r->open_err[i].warn,
			strerror(r->open_err[i].warn_err));
	if (r->open_rc[0] < 0) {
		open_error(&r->open_err[i]);
		return -1;
	}
	if (engine_os_set_target(&r->p, (struct sockaddr *)&r->dst, r->dstlen,
				 &e) < 0) {
		open_error(&e);
		return -1;
	}
	return 0;
}

/* What the probes saw, as the analysis takes it. */
static void to_signals(const struct engine_os *p,
		       const struct engine_os_signals *o, struct fp_signals *s)
{
	if (o->code_got >= 0) {
		s->code_sent = o->code_sent;
		s->code_got = o->code_got;
		s->code = o->code_got == o->code_sent ? FP_CODE_ECHOED :
			  o->code_got == 0 ? FP_CODE_ZEROED : FP_CODE_UNKNOWN;
	}
	if (o->timestamp >= 0)
		s->timestamp = o->timestamp ? FP_ANSWER_YES : FP_ANSWER_NO;
	if (o->quote_sent >= 0) {
		s->quote_v6 = o->quote_v6;
		s->quote_sent = o->quote_sent;
		s->quoted = o->quoted;
	}
	s->ipseq = fp_ipid_pattern(p->ids_sent, p->ids_got, p->nids);
	if (p->df_set + p->df_clear >= 2 && (!p->df_set || !p->df_clear))
		s->df_on_df = p->df_set > 0;
	if (p->tos_got >= 0) {
		s->tos_sent = ENGINE_OS_TOS;
		s->tos_got = p->tos_got;
	}
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
}

static int run_os(struct os_run *r)
{
	struct report_os_evidence ev;
	struct engine_os_hops h;
	struct engine_os_signals os;
	struct fp_verdict v;
	struct fp_signals sig;
	struct fp_active a;
	struct json_writer w;
	struct sockaddr_storage src;
	char target[400], at[400];
	int64_t start, end;
	int hops = -1, rc;

	/* No route: say so now, as ping does, rather than after the probes
	 * fail one by one. */
	memset(&src, 0, sizeof(src));
	rc = sock_route_source(r->dst.ss_family, (struct sockaddr *)&r->dst,
			       r->dstlen, NULL, &src);
	if (rc == -ENETUNREACH || rc == -EHOSTUNREACH) {
		fprintf(stderr, "os: connect: %s\n", strerror(-rc));
		return 2;
	}
	if (rc < 0)
		src.ss_family = AF_UNSPEC;
	resolve_cache_init(&r->names, r->o.numeric);
	snprintf(target, sizeof(target), "%s",
		 resolve_pretty(&r->names, (struct sockaddr *)&r->dst, r->dstlen));
	install_signals();
	rc = sandbox_enter(!r->o.numeric);
	if (rc < 0) {
		fprintf(stderr, "os: seccomp: %s\n", strerror(-rc));
		return 2;
	}

	json_init(&w, stdout);
	if (r->o.json) {
		/* ping's start line, "command": "os" (docs/json-schema.md). */
		struct report_machine_cfg mc;

		memset(&mc, 0, sizeof(mc));
		mc.command = "os";
		mc.host = r->o.target;
		mc.canon = r->canon;
		mc.dst = (struct sockaddr *)&r->dst;
		mc.src = src.ss_family == r->dst.ss_family ?
			 (struct sockaddr *)&src : NULL;
		mc.datalen = ENGINE_OS_DATALEN;
		mc.ttl = -1;
		mc.raw = r->p.raw;
		clock_gettime(CLOCK_REALTIME, &mc.start);
		report_json_start(&w, &mc);
	}
	fp_init(&r->fp);
	fp_signals_init(&sig);
	memset(&h, 0, sizeof(h));
	start = now_ns();
	end = start + r->o.deadline_ns;

	/* 1. The target must answer a probe that can reach it. */
	engine_os_reach(&r->p, end);
	if (r->fp.nttls) {
		/* 2. The hop count, from the passive estimate. */
		fp_verdict(&r->fp, -1, &v);
		hops = engine_os_hops(&r->p, &h, v.hops, 255, end);
		/* 3. The signals. */
		if (!r->o.ttl_only && !os_stop && now_ns() < end) {
			engine_os_signals(&r->p, &os, end);
			to_signals(&r->p, &os, &sig);
		}
	}

	fp_active_verdict(&r->fp, hops, &sig, &a);
	memset(&ev, 0, sizeof(ev));
	ev.target = target;
	ev.hops = hops;
	ev.reach_ttl = h.reach_min;
	ev.expire_ttl = hops > 0 ? h.fail_max : 0;
	if (h.atlen) {
		snprintf(at, sizeof(at), "%s",
			 resolve_pretty(&r->names, (struct sockaddr *)&h.at, h.atlen));
		ev.expired_at = at;
	}
	ev.hop_probes = h.probes;
	ev.silent = h.silent;
	ev.hop_note = h.note;
	if (!r->fp.nttls)
		ev.hop_note = r->p.step.other_err ? "the target did not answer (an ICMP error came back)" :
			      r->p.step.local_err ? strerror(r->p.step.local_err) :
			      "the target did not answer";
	ev.sent = r->p.probes;
	ev.answered = r->p.answered;
	ev.elapsed_ns = now_ns() - start;
	ev.ip_ids = r->p.ids_got;
	ev.nip_ids = r->p.nids;
	ev.fp = &r->fp;
	if (r->o.json)
		report_os_json_active(&w, &a, &sig, &ev);
	else
		report_os_active(stdout, &a, &sig, &ev);
	engine_os_close(&r->p);
	return r->fp.nttls ? 0 : 1;
}

int cli_os(int argc, char **argv, int family)
{
	struct os_run *r;
	char rerr[1200], err[512];
	int rc, e;

	r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "os: out of memory\n");
		return 2;
	}
	r->o.family = family;
	rc = os_opts_parse(argc, argv, &r->o, err, sizeof(err));
	if (rc != OS_OPTS_OK) {
		if (r->o.help) {
			usage(stdout);
			rc = 0;
		} else {
			fprintf(stderr, "os: %s\n", err);
			if (r->o.usage)
				usage(stderr);
		}
		free(r);
		return rc;
	}
	if (r->o.read_path) {
		rc = cli_os_read(r->o.read_path, r->o.family, r->o.numeric,
				 r->o.target);
		free(r);
		return rc;
	}
	/* Sockets first (while privileged), then every privilege dropped,
	 * then the name: no name is ever looked up with a privilege. */
	rc = 2;
	r->open_rc[0] = r->open_rc[1] = -1;
	if (open_probes(r) < 0)
		goto out;
	e = sock_drop_privileges();
	if (e < 0) {
		fprintf(stderr, "os: cannot drop privileges: %s\n", strerror(-e));
		goto out;
	}
	e = resolve_target(r->o.target, r->o.family, &r->dst, &r->dstlen,
			   r->canon, sizeof(r->canon), rerr, sizeof(rerr));
	if (e) {
		fprintf(stderr, "os: %s\n", rerr);
		goto out;
	}
	if (pick_probes(r) < 0)
		goto out;
	rc = run_os(r);
out:
	if (r->open_rc[0] == 0)
		engine_os_close(&r->p);
	if (r->open_rc[1] == 0)
		engine_os_close(&r->spare);
	free(r);
	return rc;
}
