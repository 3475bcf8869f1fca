/* engine_multi: drives echolot's engine with several targets at once, for
 * tests/net/t_multi.sh (no command line of echolot's has more than one
 * target yet).  Real sockets, real packets; run it inside a namespace.
 *
 *   engine_multi [-c COUNT] [-i MS] [-l PRELOAD] ADDR...
 *
 * One raw socket per family, shared by the targets of that family, with
 * one ICMP identifier: the engine tells replies apart by sequence number
 * and checks each against the address it probed.  Prints a line per event and a summary per target:
 *   reply ADDR seq=N      error ADDR seq=N type=T code=C
 *   sent ADDR seq=N       end ADDR sent=N received=N errors=N
 * Exit 0 when the run ends normally, 2 on a usage or setup error. */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "../../../src/engine/engine.h"
#include "../../../src/engine/ping_plan.h"

#define MAX_TARGETS 16

static volatile sig_atomic_t stop, status;

struct run {
	unsigned n;
	char names[MAX_TARGETS][INET6_ADDRSTRLEN];
	unsigned long long sent[MAX_TARGETS], received[MAX_TARGETS],
			   errors[MAX_TARGETS];
};

static void on_event(void *ctx, const struct event *ev)
{
	struct run *r = ctx;
	unsigned t = ev->target;
	const char *name = t < r->n ? r->names[t] : "?";

	switch (ev->type) {
	case EV_SENT:
		r->sent[t]++;
		printf("sent %s seq=%u\n", name, ev->seq);
		break;
	case EV_REPLY:
		if (!ev->dup && !ev->bad_cksum && !ev->bad_tag)
			r->received[t]++;
		printf("reply %s seq=%u%s\n", name, ev->seq, ev->dup ? " dup" : "");
		break;
	case EV_ERROR:
		r->errors[t]++;
		printf("error %s seq=%u type=%u code=%u\n", name, ev->seq,
		       ev->icmp_type, ev->icmp_code);
		break;
	case EV_END:
		for (unsigned i = 0; i < r->n; i++)
			printf("end %s sent=%llu received=%llu errors=%llu\n",
			       r->names[i], r->sent[i], r->received[i], r->errors[i]);
		break;
	default:
		break;
	}
	fflush(stdout);
}

static int open_family(struct sock *s, int family)
{
	struct sock_open_err oe;
	struct sock_opts so;
	const char *what, *warn;
	int warn_err;

	if (sock_open(s, family, true, &oe) < 0)
		return -1;
	memset(&so, 0, sizeof(so));
	so.ttl = -1;
	so.tos = -1;
	so.mark = -1;
	so.pmtudisc = -1;
	so.timestamps = SOCK_TS_RXTX;
	return sock_apply(s, &so, &what, &warn, &warn_err);
}

int main(int argc, char **argv)
{
	static struct run r;
	struct sock socks[2];
	struct probe_echo_cfg echo;
	int si[2] = { -1, -1 };
	struct engine_cfg cfg;
	struct ping_plan_cfg pc;
	struct engine_signals sig = { &stop, &status };
	struct engine *e;
	uint16_t id;
	int c, rc;

	memset(&pc, 0, sizeof(pc));
	pc.interval_ns = 200 * 1000000LL;
	pc.count = 5;
	pc.linger_ns = 1000000000LL;
	pc.preload = 1;
	while ((c = getopt(argc, argv, "c:i:l:")) != -1) {
		switch (c) {
		case 'c': pc.count = strtoull(optarg, NULL, 10); break;
		case 'i': pc.interval_ns = strtoll(optarg, NULL, 10) * 1000000LL; break;
		case 'l': pc.preload = (unsigned)strtoul(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (optind >= argc || argc - optind > MAX_TARGETS || pc.count == 0) {
		fprintf(stderr, "usage: engine_multi [-c COUNT] [-i MS] [-l PRELOAD] ADDR...\n");
		return 2;
	}
	memset(&cfg, 0, sizeof(cfg));
	if (getrandom(cfg.tag_key, sizeof(cfg.tag_key), 0) != sizeof(cfg.tag_key) ||
	    getrandom(&id, sizeof(id), 0) != sizeof(id))
		return 2;
	e = engine_new(&cfg);
	if (!e)
		return 2;
	/* One identifier for every target of both families: replies are
	 * told apart by their sequence number and checked against their
	 * source. */
	memset(&echo, 0, sizeof(echo));
	echo.id = id;
	echo.raw = true;
	echo.datalen = 56;
	echo.fill = PROBE_FILL_PING;
	engine_add_sink(e, (struct event_sink){ on_event, &r });
	for (int i = optind; i < argc; i++) {
		struct sockaddr_storage ss;
		socklen_t len;
		int k;

		memset(&ss, 0, sizeof(ss));
		if (inet_pton(AF_INET, argv[i], &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
			ss.ss_family = AF_INET;
			len = sizeof(struct sockaddr_in);
			k = 0;
		} else if (inet_pton(AF_INET6, argv[i],
				     &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
			ss.ss_family = AF_INET6;
			len = sizeof(struct sockaddr_in6);
			k = 1;
		} else {
			fprintf(stderr, "engine_multi: not an address: %s\n", argv[i]);
			return 2;
		}
		if (si[k] < 0) {
			if (open_family(&socks[k], ss.ss_family) < 0 ||
			    sock_filter_id(&socks[k], id) < 0) {
				perror("engine_multi: socket");
				return 2;
			}
			si[k] = engine_add_sock(e, &socks[k], ENGINE_SOCK_TX,
						&probe_echo, &echo);
			if (si[k] < 0)
				return 2;
		}
		snprintf(r.names[r.n++], sizeof(r.names[0]), "%s", argv[i]);
		if (engine_add_target(e, (struct sockaddr *)&ss, len, (unsigned)si[k]) < 0)
			return 2;
	}
	rc = engine_run_ping(e, &pc, &sig);
	engine_free(e);
	for (int k = 0; k < 2; k++)
		if (si[k] >= 0)
			sock_close(&socks[k]);
	return rc < 0 ? 2 : 0;
}
