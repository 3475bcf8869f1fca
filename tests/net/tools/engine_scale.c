/* engine_scale: echolot's engine with a great many targets, each probed
 * once, for tests/net/t_scale.sh.  Real sockets, real packets; run it
 * inside a namespace whose peer answers a whole prefix (AnyIP).
 *
 *   engine_scale [-r PPS] [-t TIMEOUT_MS] PREFIX COUNT
 *
 * PREFIX is an IPv6 address; the targets are PREFIX + 0 .. COUNT - 1 (the
 * low 32 bits counted up).  One raw ICMPv6 socket, one identifier: every
 * probe's key is its 16-bit sequence number, so target k and target
 * k + 65536 share a key, and only the in-flight ring and the address check
 * keep them apart.  Prints, at the end:
 *   targets N sent N replied N once N twice N wrong N foreign N timeouts N
 *   rss_base KB rss_targets KB rss_peak KB fixed_bytes N target_bytes N
 * "wrong": replies credited to a target whose address they do not come
 * from; "once": targets with exactly one reply.  Exit 0 when the run ends
 * normally, 2 on a usage or setup error. */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "../../../src/engine/engine.h"
#include "../../../src/engine/ping_plan.h"

static volatile sig_atomic_t stop, status;

struct run {
	uint8_t base[16];
	uint32_t n;
	uint8_t *replies;       /* per target: replies seen, saturating at 2 */
	unsigned long long sent, wrong, foreign, timeouts;
};

static void addr_of(const struct run *r, uint32_t i, uint8_t out[16])
{
	uint32_t low = ((uint32_t)r->base[12] << 24 | (uint32_t)r->base[13] << 16 |
			(uint32_t)r->base[14] << 8 | r->base[15]) + i;

	memcpy(out, r->base, 12);
	out[12] = (uint8_t)(low >> 24);
	out[13] = (uint8_t)(low >> 16);
	out[14] = (uint8_t)(low >> 8);
	out[15] = (uint8_t)low;
}

static void on_event(void *ctx, const struct event *ev)
{
	struct run *r = ctx;
	uint8_t want[16];

	switch (ev->type) {
	case EV_SENT:
		r->sent++;
		break;
	case EV_REPLY:
		if (ev->target >= r->n || ev->dup || ev->bad_tag || ev->bad_cksum)
			break;
		addr_of(r, ev->target, want);
		if (!ev->from || ev->from->sa_family != AF_INET6 ||
		    memcmp(&((const struct sockaddr_in6 *)(const void *)ev->from)->sin6_addr,
			   want, 16)) {
			r->wrong++;
			break;
		}
		if (r->replies[ev->target] < 2)
			r->replies[ev->target]++;
		break;
	case EV_FOREIGN:
		r->foreign++;
		break;
	case EV_TIMEOUT:
		r->timeouts++;
		break;
	default:
		break;
	}
}

/* A field of /proc/self/status in kB (VmRSS, VmHWM). */
static long status_kb(const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':')
			kb = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	static struct run r;
	struct sock s;
	struct sock_open_err oe;
	struct sock_opts so;
	struct probe_echo_cfg echo;
	struct engine_cfg cfg;
	struct ping_plan_cfg pc;
	struct engine_signals sig = { &stop, &status };
	const char *what, *warn;
	struct engine *e;
	double rate = 100000;
	long timeout_ms = 1000, base_kb, targets_kb;
	unsigned long long once = 0, twice = 0;
	int c, si, warn_err, rc;

	while ((c = getopt(argc, argv, "r:t:")) != -1) {
		switch (c) {
		case 'r': rate = strtod(optarg, NULL); break;
		case 't': timeout_ms = strtol(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (argc - optind != 2 || inet_pton(AF_INET6, argv[optind], r.base) != 1 ||
	    rate <= 0 || timeout_ms <= 0) {
		fprintf(stderr, "usage: engine_scale [-r PPS] [-t MS] PREFIX COUNT\n");
		return 2;
	}
	r.n = (uint32_t)strtoul(argv[optind + 1], NULL, 10);
	r.replies = calloc(r.n ? r.n : 1, 1);
	if (!r.n || !r.replies)
		return 2;

	memset(&cfg, 0, sizeof(cfg));
	/* Every probe in flight for its wait: rate x timeout, in a 16-bit key
	 * space. */
	cfg.inflight = (uint32_t)(rate * (double)timeout_ms / 1000.0) + 1024;
	if (cfg.inflight > 65536)
		cfg.inflight = 65536;
	cfg.rate_pps = rate;
	cfg.burst = 32;
	cfg.rx_batch = 32;
	if (getrandom(cfg.tag_key, sizeof(cfg.tag_key), 0) != sizeof(cfg.tag_key))
		return 2;
	if (sock_open(&s, AF_INET6, true, &oe) < 0) {
		perror("engine_scale: socket");
		return 2;
	}
	memset(&so, 0, sizeof(so));
	so.ttl = so.tos = so.pmtudisc = so.sndbuf = -1;
	so.mark = -1;
	so.rcvbuf = 8 << 20;
	so.timestamps = SOCK_TS_RX;
	memset(&echo, 0, sizeof(echo));
	if (sock_apply(&s, &so, &what, &warn, &warn_err) < 0 ||
	    getrandom(&echo.id, sizeof(echo.id), 0) != sizeof(echo.id) ||
	    sock_filter_id(&s, echo.id) < 0) {
		perror("engine_scale: socket options");
		return 2;
	}
	echo.raw = true;
	echo.datalen = 16;
	echo.fill = PROBE_FILL_PING;

	base_kb = status_kb("VmRSS");
	e = engine_new(&cfg);
	if (!e)
		return 2;
	si = engine_add_sock(e, &s, ENGINE_SOCK_TX, &probe_echo, &echo);
	if (si < 0 || engine_reserve_targets(e, r.n) < 0)
		return 2;
	for (uint32_t i = 0; i < r.n; i++) {
		struct sockaddr_in6 a;

		memset(&a, 0, sizeof(a));
		a.sin6_family = AF_INET6;
		addr_of(&r, i, a.sin6_addr.s6_addr);
		if (engine_add_target(e, (struct sockaddr *)&a, sizeof(a),
				      (unsigned)si) < 0)
			return 2;
	}
	targets_kb = status_kb("VmRSS");
	engine_add_sink(e, (struct event_sink){ on_event, &r });

	memset(&pc, 0, sizeof(pc));
	pc.count = 1;
	pc.interval_ns = 1000000000LL;
	pc.timeout_ns = timeout_ms * 1000000LL;
	pc.preload = 1;
	rc = engine_run_ping(e, &pc, &sig);
	for (uint32_t i = 0; i < r.n; i++) {
		once += r.replies[i] == 1;
		twice += r.replies[i] >= 2;
	}
	printf("targets %u sent %llu replied %llu once %llu twice %llu wrong %llu "
	       "foreign %llu timeouts %llu\n", r.n, r.sent, once + twice, once,
	       twice, r.wrong, r.foreign, r.timeouts);
	printf("rss_base %ld rss_targets %ld rss_peak %ld fixed_bytes %zu "
	       "target_bytes %zu\n", base_kb, targets_kb, status_kb("VmHWM"),
	       engine_fixed_bytes(e), engine_target_bytes());
	engine_free(e);
	sock_close(&s);
	free(r.replies);
	return rc < 0 ? 2 : 0;
}
