/* engine_multi: drives echolot's engine with several targets at once, for
 * tests/net/t_multi.sh (no command line of echolot's has more than one
 * target yet).  Real sockets, real packets; run it inside a namespace.
 *
 *   engine_multi [-c COUNT] [-i MS] [-l PRELOAD] ADDR...
 *
 * One raw socket per family, shared by the targets of that family, with
 * one ICMP identifier.  Prints a line per event and a summary per target:
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

#define MAX_TARGETS 16

static volatile sig_atomic_t stop, status;

struct run {
	struct engine e;
	char names[MAX_TARGETS][INET6_ADDRSTRLEN];
};

static void on_event(void *ctx, const struct event *ev)
{
	struct run *r = ctx;
	const char *name = ev->target < r->e.ntargets ? r->names[ev->target] : "?";
	const struct engine_target *t;

	switch (ev->type) {
	case EV_SENT:
		printf("sent %s seq=%u\n", name, ev->seq);
		break;
	case EV_REPLY:
		printf("reply %s seq=%u%s\n", name, ev->seq, ev->dup ? " dup" : "");
		break;
	case EV_ERROR:
		printf("error %s seq=%u type=%u code=%u\n", name, ev->seq,
		       ev->icmp_type, ev->icmp_code);
		break;
	case EV_END:
		for (unsigned i = 0; i < r->e.ntargets; i++) {
			t = &r->e.targets[i];
			printf("end %s sent=%llu received=%llu errors=%llu\n",
			       r->names[i], (unsigned long long)t->ntransmitted,
			       (unsigned long long)t->nreceived,
			       (unsigned long long)t->nerrors);
		}
		break;
	default:
		break;
	}
	fflush(stdout);
}

static int open_family(struct sock *s, int family, uint16_t id)
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
	if (sock_apply(s, &so, &what, &warn, &warn_err) < 0)
		return -1;
	return sock_filter_id(s, id);
}

int main(int argc, char **argv)
{
	static struct run r;
	struct sock socks[2];
	bool opened[2] = { false, false };
	struct engine_cfg cfg;
	struct engine_signals sig = { &stop, &status };
	uint16_t id;
	int c, rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.datalen = 56;
	cfg.interval_ns = 200 * 1000000LL;
	cfg.count = 5;
	cfg.linger_ns = 1000000000LL;
	cfg.preload = 1;
	while ((c = getopt(argc, argv, "c:i:l:")) != -1) {
		switch (c) {
		case 'c': cfg.count = strtoull(optarg, NULL, 10); break;
		case 'i': cfg.interval_ns = strtoll(optarg, NULL, 10) * 1000000LL; break;
		case 'l': cfg.preload = (unsigned)strtoul(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (optind >= argc || argc - optind > MAX_TARGETS || cfg.count == 0) {
		fprintf(stderr, "usage: engine_multi [-c COUNT] [-i MS] [-l PRELOAD] ADDR...\n");
		return 2;
	}
	if (getrandom(cfg.tag_key, sizeof(cfg.tag_key), 0) != sizeof(cfg.tag_key) ||
	    getrandom(&id, sizeof(id), 0) != sizeof(id))
		return 2;
	engine_init(&r.e, &cfg);
	engine_add_sink(&r.e, (struct event_sink){ on_event, &r });
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
		if (!opened[k]) {
			if (open_family(&socks[k], ss.ss_family, id) < 0) {
				perror("engine_multi: socket");
				return 2;
			}
			opened[k] = true;
		}
		snprintf(r.names[r.e.ntargets], sizeof(r.names[0]), "%s", argv[i]);
		if (engine_add_target(&r.e, (struct sockaddr *)&ss, len, &socks[k], id) < 0)
			return 2;
	}
	rc = engine_run(&r.e, &sig);
	engine_free(&r.e);
	for (int k = 0; k < 2; k++)
		if (opened[k])
			sock_close(&socks[k]);
	return rc < 0 ? 2 : 0;
}
