/* Unit tests for traceroute's machine-readable output
 * (src/report/trace_json.c, trace_atlas.c), fed with synthetic engine
 * results: probes laid out by hand and the events the engine would emit
 * for them, and traceroute's --json / --format options. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "unit.h"
#include "cli/trace_opts.h"
#include "engine/trace.h"
#include "engine/trace_int.h"
#include "report/trace_json.h"

#define MS 1000000LL

/* ------------------------------------------------------------ helpers */

struct mem {
	char *buf;
	size_t len;
	FILE *f;
};

static void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
}

static char *mem_take(struct mem *m)
{
	fclose(m->f);
	return m->buf;
}

static void set_addr(struct sockaddr_storage *ss, socklen_t *len,
		     const char *a)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(a, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, a, &s6->sin6_addr), 1);
		if (len)
			*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, a, &s4->sin_addr), 1);
		if (len)
			*len = sizeof(*s4);
	}
}

/* A trace as the engine's events describe it: its shape, and max_ttl *
 * nq probes, keys and times left at zero. */
struct fixture {
	struct event_trace t;
	struct trace_probe *probes;
	unsigned nprobes;
	struct sockaddr_storage dst, src;
};

static void fixture_init(struct fixture *f, enum probe_method m,
			 const char *dst, const char *src, unsigned first,
			 unsigned max, unsigned nq)
{
	struct event_trace *t = &f->t;
	socklen_t dlen, slen;
	size_t ip;

	memset(f, 0, sizeof(*f));
	set_addr(&f->dst, &dlen, dst);
	set_addr(&f->src, &slen, src);
	t->dst = (struct sockaddr *)&f->dst;
	t->dstlen = dlen;
	t->src = (struct sockaddr *)&f->src;
	ip = f->dst.ss_family == AF_INET6 ? 40 : 20;
	t->method = m == PROBE_TCP ? "tcp" : m == PROBE_ICMP ? "icmp" : "udp";
	t->proto = m == PROBE_TCP ? IPPROTO_TCP : m == PROBE_UDP ? IPPROTO_UDP :
		   f->dst.ss_family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	t->first_ttl = first;
	t->max_ttl = max;
	t->nqueries = nq;
	t->data_len = m == PROBE_TCP ? 0 : 32;
	t->packet_len = ip + (m == PROBE_TCP ? 40 : 8) + t->data_len;
	t->paris = true;
	t->dport = m == PROBE_UDP ? 33434 : m == PROBE_TCP ? 80 : 0;
	f->nprobes = max * nq;
	f->probes = calloc(f->nprobes, sizeof(*f->probes));
	assert_non_null(f->probes);
	for (unsigned i = 0; i < f->nprobes; i++) {
		f->probes[i].ttl = i / nq + 1;
		f->probes[i].query = i % nq;
		f->probes[i].recv_ttl = -1;
		f->probes[i].reply_len = -1;
	}
	t->wall_start.tv_sec = 1700000000;
	t->wall_start.tv_nsec = 500000000;
	t->wall_end.tv_sec = 1700000002;
	t->wall_end.tv_nsec = 250000;
	t->mono_start = 10 * MS;
	t->mono_end = 10 * MS + 1234567;
}

static void fixture_free(struct fixture *f)
{
	free(f->probes);
	f->probes = NULL;
}

/* Probe idx answered by an ICMP error (type, code) from `from`. */
static struct trace_probe *icmp(struct fixture *f, unsigned idx,
				const char *from, uint8_t type, uint8_t code,
				int64_t rtt, bool final)
{
	struct trace_probe *p = &f->probes[idx];

	p->sent = p->done = true;
	p->answer = EV_ANS_ICMP;
	set_addr(&p->from, &p->fromlen, from);
	p->type = type;
	p->code = code;
	p->rtt_ns = rtt;
	p->final = final;
	p->recv_ttl = 64 - (int)p->ttl + 1;
	p->reply_len = 68;
	return p;
}

static void silent(struct fixture *f, unsigned idx)
{
	struct trace_probe *p = &f->probes[idx];

	p->sent = p->done = true;
	p->answer = EV_ANS_NONE;
}

/* A two-label MPLS stack (RFC 4950) in an extension structure; a zero
 * checksum means "none". */
static void mpls(struct trace_probe *p)
{
	static const uint8_t ext[] = {
		0x20, 0, 0, 0,                  /* version 2, no checksum */
		0, 12, 1, 1,                    /* object: 12 bytes, MPLS */
		0x05, 0xdc, 0x10, 0x01,         /* 24001, TC 0, S 0, TTL 1 */
		0x00, 0x01, 0x0b, 0x01,         /* 16, TC 5, S 1, TTL 1 */
	};

	memcpy(p->ext, ext, sizeof(ext));
	p->ext_len = sizeof(ext);
	p->ext_rfc4884 = true;
}

/* Emit what the engine emits: start, the probes from..to in order, end. */
static void run(struct fixture *f, void (*sink)(void *, const struct event *),
		void *r, unsigned from, unsigned to)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_START;
	ev.trace = &f->t;
	sink(r, &ev);
	for (unsigned i = from; i < to; i++) {
		memset(&ev, 0, sizeof(ev));
		trace_probe_event(&f->probes[i], &f->t, &ev);
		sink(r, &ev);
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_END;
	ev.trace = &f->t;
	sink(r, &ev);
}

/* Hops 1-2, two probes each: time exceeded and silence at hop 1; a host
 * unreachable with an MPLS stack and a "fragmentation needed" at hop 2,
 * from a router: the trace ends there, short of the destination. */
static void scenario_v4(struct fixture *f)
{
	struct trace_probe *p;

	fixture_init(f, PROBE_UDP, "198.18.9.2", "198.18.1.1", 1, 30, 2);
	icmp(f, 0, "198.18.1.2", 11, 0, 1234567, false);
	silent(f, 1);
	p = icmp(f, 2, "198.18.2.2", 3, 1, 2 * MS, true);
	mpls(p);
	p = icmp(f, 3, "198.18.2.2", 3, 4, 45499, true);
	p->info = 1400;
	p->reply_len = -1;
	p->recv_ttl = -1;
}

/* ------------------------------------------------------------ --json */

static void test_json_v4(void **state)
{
	static struct report_trace_json r;
	struct report_trace_machine_cfg cfg;
	struct fixture f;
	struct mem m;
	char *t;
	(void)state;

	mem_open(&m);
	scenario_v4(&f);
	cfg = (struct report_trace_machine_cfg){ m.f, "t\"est\n", "canon" };
	report_trace_json_init(&r, &cfg);
	run(&f, report_trace_json_on_event, &r, 0, 4);
	t = mem_take(&m);
	assert_string_equal(t,
		"{\"type\":\"start\",\"schema_version\":2,\"command\":\"traceroute\","
		"\"target\":\"t\\\"est\\u000a\",\"canonical_name\":\"canon\","
		"\"address\":\"198.18.9.2\",\"family\":\"inet\",\"source\":\"198.18.1.1\","
		"\"data_size\":32,\"ttl\":null,\"socket\":\"raw\","
		"\"timestamp\":1700000000.500000,\"method\":\"udp\",\"port\":33434,"
		"\"first_hop\":1,\"max_hops\":30,\"probes_per_hop\":2,"
		"\"packet_size\":60,\"paris\":true}\n"
		"{\"type\":\"hop\",\"hop\":1,\"probes\":["
		"{\"from\":\"198.18.1.2\",\"rtt_ms\":1.235,\"ttl\":64,\"bytes\":68,"
		"\"answer\":\"icmp_error\",\"icmp_type\":11,\"icmp_code\":0,"
		"\"annotation\":null,\"mtu\":null,\"final\":false,\"mpls\":[]},"
		"{\"from\":null,\"rtt_ms\":null,\"ttl\":null,\"bytes\":null,"
		"\"answer\":\"none\",\"icmp_type\":null,\"icmp_code\":null,"
		"\"annotation\":null,\"mtu\":null,\"final\":false,\"mpls\":[]}]}\n"
		"{\"type\":\"hop\",\"hop\":2,\"probes\":["
		"{\"from\":\"198.18.2.2\",\"rtt_ms\":2.000,\"ttl\":63,\"bytes\":68,"
		"\"answer\":\"icmp_error\",\"icmp_type\":3,\"icmp_code\":1,"
		"\"annotation\":\"!H\",\"mtu\":null,\"final\":true,\"mpls\":["
		"{\"label\":24001,\"exp\":0,\"s\":0,\"ttl\":1},"
		"{\"label\":16,\"exp\":5,\"s\":1,\"ttl\":1}]},"
		"{\"from\":\"198.18.2.2\",\"rtt_ms\":0.045,\"ttl\":null,\"bytes\":null,"
		"\"answer\":\"icmp_error\",\"icmp_type\":3,\"icmp_code\":4,"
		"\"annotation\":\"!F-1400\",\"mtu\":1400,\"final\":true,\"mpls\":[]}]}\n"
		"{\"type\":\"end\",\"stop\":\"unreachable\",\"reached\":false,"
		"\"hops\":2,\"last_hop\":2,\"probes\":4,\"answered\":3,\"error\":null,"
		"\"time_ms\":1.235,\"timestamp\":1700000002.000250}\n");
	free(t);
	fixture_free(&f);
}

static void test_json_reached_and_error(void **state)
{
	static struct report_trace_json r;
	struct report_trace_machine_cfg cfg;
	struct fixture f;
	struct trace_probe *p;
	struct mem m;
	char *t;
	(void)state;

	/* IPv6, ICMP, from hop 2, one probe per hop: an echo reply from
	 * the destination at hop 3 (datagram socket: no port). */
	mem_open(&m);
	fixture_init(&f, PROBE_ICMP, "2001:2::9", "2001:2::1", 2, 5, 1);
	f.t.dgram = true;
	icmp(&f, 1, "2001:2:0:2::2", 3, 0, MS, false);
	p = icmp(&f, 2, "2001:2::9", 129, 0, MS, true);
	p->answer = EV_ANS_ECHO;
	p->reply_len = 40;
	cfg = (struct report_trace_machine_cfg){ m.f, "h", NULL };
	report_trace_json_init(&r, &cfg);
	run(&f, report_trace_json_on_event, &r, 1, 3);
	t = mem_take(&m);
	assert_non_null(strstr(t, "\"target\":\"h\",\"canonical_name\":\"h\","
			       "\"address\":\"2001:2::9\",\"family\":\"inet6\","
			       "\"source\":\"2001:2::1\",\"data_size\":32,\"ttl\":null,"
			       "\"socket\":\"dgram\","));
	assert_non_null(strstr(t, "\"method\":\"icmp\",\"port\":null,\"first_hop\":2,"
			       "\"max_hops\":5,\"probes_per_hop\":1,\"packet_size\":80,"));
	assert_non_null(strstr(t, "{\"type\":\"hop\",\"hop\":3,\"probes\":["
			       "{\"from\":\"2001:2::9\",\"rtt_ms\":1.000,\"ttl\":62,"
			       "\"bytes\":40,\"answer\":\"echo_reply\",\"icmp_type\":129,"
			       "\"icmp_code\":0,\"annotation\":null,\"mtu\":null,"
			       "\"final\":true,\"mpls\":[]}]}\n"));
	assert_non_null(strstr(t, "{\"type\":\"end\",\"stop\":\"destination\","
			       "\"reached\":true,\"hops\":2,\"last_hop\":3,\"probes\":2,"
			       "\"answered\":2,\"error\":null,"));
	free(t);
	fixture_free(&f);

	/* A send that failed halfway through hop 2: what was settled of it,
	 * then the error. */
	mem_open(&m);
	fixture_init(&f, PROBE_TCP, "198.18.9.2", "198.18.1.1", 1, 30, 3);
	for (unsigned i = 0; i < 3; i++)
		icmp(&f, i, "198.18.1.2", 11, 0, MS, false);
	silent(&f, 3);
	f.t.error = -ENETUNREACH;
	cfg = (struct report_trace_machine_cfg){ m.f, "h", NULL };
	report_trace_json_init(&r, &cfg);
	run(&f, report_trace_json_on_event, &r, 0, 4);
	t = mem_take(&m);
	assert_non_null(strstr(t, "\"data_size\":0,"));
	assert_non_null(strstr(t, "\"method\":\"tcp\",\"port\":80,"));
	assert_non_null(strstr(t, "{\"type\":\"hop\",\"hop\":2,\"probes\":[{\"from\":null,"));
	assert_non_null(strstr(t, "{\"type\":\"end\",\"stop\":\"error\",\"reached\":false,"
			       "\"hops\":2,\"last_hop\":2,\"probes\":4,\"answered\":3,"
			       "\"error\":\"Network is unreachable\","));
	free(t);
	fixture_free(&f);

	/* Nothing but silence to -m: max_hops; no hop at all: null. */
	mem_open(&m);
	fixture_init(&f, PROBE_UDP, "198.18.9.2", "198.18.1.1", 1, 2, 1);
	silent(&f, 0);
	silent(&f, 1);
	cfg.out = m.f;
	report_trace_json_init(&r, &cfg);
	run(&f, report_trace_json_on_event, &r, 0, 2);
	t = mem_take(&m);
	assert_non_null(strstr(t, "\"stop\":\"max_hops\",\"reached\":false,\"hops\":2,"
			       "\"last_hop\":2,\"probes\":2,\"answered\":0,"));
	free(t);
	mem_open(&m);
	cfg.out = m.f;
	report_trace_json_init(&r, &cfg);
	run(&f, report_trace_json_on_event, &r, 0, 0);
	t = mem_take(&m);
	assert_non_null(strstr(t, "\"stop\":\"interrupted\",\"reached\":false,\"hops\":0,"
			       "\"last_hop\":null,\"probes\":0,\"answered\":0,"));
	free(t);
	fixture_free(&f);
}

/* ------------------------------------------------------------ atlas */

static void test_atlas_v4(void **state)
{
	struct report_trace_atlas r;
	struct report_trace_machine_cfg cfg;
	struct fixture f;
	struct mem m;
	char *t;
	(void)state;

	mem_open(&m);
	scenario_v4(&f);
	cfg = (struct report_trace_machine_cfg){ m.f, "b\xc3\xbc" "cher.example", NULL };
	report_trace_atlas_init(&r, &cfg);
	run(&f, report_trace_atlas_on_event, &r, 0, 4);
	report_trace_atlas_free(&r);
	t = mem_take(&m);
	assert_string_equal(t,
		"{\"fw\":4750,\"lts\":-1,\"endtime\":1700000002,"
		"\"dst_name\":\"b\xc3\xbc" "cher.example\",\"dst_addr\":\"198.18.9.2\","
		"\"src_addr\":\"198.18.1.1\",\"proto\":\"UDP\",\"af\":4,\"size\":32,"
		"\"paris_id\":0,\"result\":["
		"{\"hop\":1,\"result\":[{\"from\":\"198.18.1.2\",\"ttl\":64,\"size\":60,"
		"\"rtt\":1.235},{\"x\":\"*\"}]},"
		"{\"hop\":2,\"result\":[{\"from\":\"198.18.2.2\",\"ttl\":63,\"size\":60,"
		"\"rtt\":2.000,\"err\":\"H\",\"icmpext\":{\"version\":2,\"rfc4884\":1,"
		"\"obj\":[{\"class\":1,\"type\":1,\"mpls\":["
		"{\"label\":24001,\"exp\":0,\"s\":0,\"ttl\":1},"
		"{\"label\":16,\"exp\":5,\"s\":1,\"ttl\":1}]}]}},"
		"{\"from\":\"198.18.2.2\",\"rtt\":0.045,\"mtu\":1400}]}],"
		"\"msm_id\":0,\"prb_id\":0,\"timestamp\":1700000000,"
		"\"msm_name\":\"Traceroute\",\"type\":\"traceroute\"}\n");
	free(t);
	fixture_free(&f);
}

/* The "err" codes of the Atlas probe, both families. */
static void test_atlas_err(void **state)
{
	static const struct {
		const char *dst;
		enum probe_method m;
		uint8_t type, code;
		const char *want;       /* the reply's tail after "rtt":1.000 */
	} t[] = {
		{ "198.18.9.2", PROBE_UDP, 3, 0, ",\"err\":\"N\"}" },
		{ "198.18.9.2", PROBE_UDP, 3, 1, ",\"err\":\"H\"}" },
		{ "198.18.9.2", PROBE_UDP, 3, 2, ",\"err\":\"P\"}" },
		{ "198.18.9.2", PROBE_UDP, 3, 3, "}" },
		{ "198.18.9.2", PROBE_ICMP, 3, 3, ",\"err\":\"p\"}" },
		{ "198.18.9.2", PROBE_UDP, 3, 13, ",\"err\":\"A\"}" },
		{ "198.18.9.2", PROBE_UDP, 3, 10, ",\"err\":10}" },
		{ "198.18.9.2", PROBE_UDP, 11, 0, "}" },
		{ "198.18.9.2", PROBE_UDP, 12, 0, ",\"err\":\"12-0\"}" },
		{ "2001:2::9", PROBE_UDP, 1, 0, ",\"err\":\"N\"}" },
		{ "2001:2::9", PROBE_UDP, 1, 1, ",\"err\":\"A\"}" },
		{ "2001:2::9", PROBE_UDP, 1, 2, ",\"err\":\"h\"}" },
		{ "2001:2::9", PROBE_UDP, 1, 3, ",\"err\":\"H\"}" },
		{ "2001:2::9", PROBE_UDP, 1, 4, "}" },
		{ "2001:2::9", PROBE_UDP, 1, 5, ",\"err\":5}" },
		{ "2001:2::9", PROBE_UDP, 2, 0, ",\"mtu\":1280}" },
		{ "2001:2::9", PROBE_UDP, 3, 0, "}" },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct report_trace_atlas r;
		struct report_trace_machine_cfg cfg;
		struct trace_probe *p;
		struct fixture f;
		struct mem m;
		char want[96], *out;

		mem_open(&m);
		fixture_init(&f, t[i].m, t[i].dst,
			     strchr(t[i].dst, ':') ? "2001:2::1" : "198.18.1.1", 1, 30, 1);
		p = icmp(&f, 0, t[i].dst, t[i].type, t[i].code, MS, true);
		p->info = 1280;
		p->reply_len = -1;
		p->recv_ttl = -1;
		cfg = (struct report_trace_machine_cfg){ m.f, "h", NULL };
		report_trace_atlas_init(&r, &cfg);
		run(&f, report_trace_atlas_on_event, &r, 0, 1);
		report_trace_atlas_free(&r);
		out = mem_take(&m);
		snprintf(want, sizeof(want), "\"rtt\":1.000%s]}]", t[i].want);
		CHECK(strstr(out, want) != NULL, "row %zu: no %s in %s", i, want, out);
		free(out);
		fixture_free(&f);
	}
	TABLE_END();
}

static void test_atlas_tcp_local_error(void **state)
{
	struct report_trace_atlas r;
	struct report_trace_machine_cfg cfg;
	struct trace_probe *p;
	struct fixture f;
	struct mem m;
	char *t;
	(void)state;

	/* TCP: a RST+ACK from the destination at hop 2, 20 bytes; then a
	 * send that failed at hop 3. */
	mem_open(&m);
	fixture_init(&f, PROBE_TCP, "2001:2::9", "2001:2::1", 1, 30, 1);
	icmp(&f, 0, "2001:2::5", 3, 0, MS, false);
	p = icmp(&f, 1, "2001:2::9", 0, 0, 2 * MS, false);
	p->answer = EV_ANS_TCP;
	p->tcp_flags = 0x14;
	p->reply_len = 20;
	f.t.error = -EPERM;
	f.t.paris = false;
	cfg = (struct report_trace_machine_cfg){ m.f, "h", NULL };
	report_trace_atlas_init(&r, &cfg);
	run(&f, report_trace_atlas_on_event, &r, 0, 2);
	report_trace_atlas_free(&r);
	t = mem_take(&m);
	assert_non_null(strstr(t, "\"proto\":\"TCP\",\"af\":6,\"size\":0,\"result\":["));
	assert_non_null(strstr(t, "{\"hop\":2,\"result\":[{\"from\":\"2001:2::9\","
			       "\"ttl\":63,\"size\":0,\"flags\":\"RA\",\"rtt\":2.000}]},"
			       "{\"hop\":3,\"result\":[{\"error\":"
			       "\"sendto failed: Operation not permitted\"}]}],"));
	assert_null(strstr(t, "paris_id"));
	free(t);
	fixture_free(&f);

	/* -F and a probe bigger than our first link: refused by our kernel. */
	mem_open(&m);
	fixture_init(&f, PROBE_ICMP, "198.18.9.2", "198.18.1.1", 1, 30, 1);
	p = &f.probes[0];
	p->sent = p->done = p->final = true;
	p->answer = EV_ANS_LOCAL;
	p->info = 1500;
	p->rtt_ns = 11000;
	cfg = (struct report_trace_machine_cfg){ m.f, "h", NULL };
	report_trace_atlas_init(&r, &cfg);
	run(&f, report_trace_atlas_on_event, &r, 0, 1);
	report_trace_atlas_free(&r);
	t = mem_take(&m);
	assert_non_null(strstr(t, "\"proto\":\"ICMP\",\"af\":4,\"size\":32,\"paris_id\":0,"
			       "\"result\":[{\"hop\":1,\"result\":[{\"error\":"
			       "\"sendto failed: Message too long, mtu=1500\"}]}],"));
	free(t);
	fixture_free(&f);

	/* The same in --json: no sender, a time, the annotation. */
	{
		static struct report_trace_json rj;

		mem_open(&m);
		fixture_init(&f, PROBE_ICMP, "198.18.9.2", "198.18.1.1", 1, 30, 1);
		p = &f.probes[0];
		p->sent = p->done = p->final = true;
		p->answer = EV_ANS_LOCAL;
		p->info = 1500;
		p->rtt_ns = 11000;
		cfg = (struct report_trace_machine_cfg){ m.f, "h", NULL };
		report_trace_json_init(&rj, &cfg);
		run(&f, report_trace_json_on_event, &rj, 0, 1);
		t = mem_take(&m);
		assert_non_null(strstr(t, "{\"from\":null,\"rtt_ms\":0.011,\"ttl\":null,"
				       "\"bytes\":null,\"answer\":\"local_error\","
				       "\"icmp_type\":null,\"icmp_code\":null,"
				       "\"annotation\":\"!F-1500\",\"mtu\":1500,"
				       "\"final\":true,\"mpls\":[]}"));
		assert_non_null(strstr(t, "\"stop\":\"unreachable\",\"reached\":false,"));
		free(t);
		fixture_free(&f);
	}
}

/* ------------------------------------------------------------ options */

static int parse(const char *const *args, struct trace_opts *o, char *err,
		 size_t len)
{
	char *argv[16];
	int argc = 0;

	while (args[argc]) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	trace_opts_default(o);
	return trace_opts_parse(argc, argv, o, err, len);
}

static void test_format_options(void **state)
{
	static const struct {
		const char *argv[8];
		int rc;
		enum trace_format format;
		const char *err;
	} t[] = {
		{ { "traceroute", "h", NULL }, TRACE_OPTS_OK, TRACE_FORMAT_TEXT, NULL },
		{ { "traceroute", "--json", "h", NULL }, TRACE_OPTS_OK, TRACE_FORMAT_JSON, NULL },
		{ { "traceroute", "--format=json", "h", NULL }, TRACE_OPTS_OK,
		  TRACE_FORMAT_JSON, NULL },
		{ { "traceroute", "--format", "atlas", "h", NULL }, TRACE_OPTS_OK,
		  TRACE_FORMAT_ATLAS, NULL },
		{ { "traceroute", "--format=text", "h", NULL }, TRACE_OPTS_OK,
		  TRACE_FORMAT_TEXT, NULL },
		{ { "traceroute", "--json", "--format=atlas", "h", NULL }, TRACE_OPTS_OK,
		  TRACE_FORMAT_ATLAS, NULL },
		{ { "traceroute", "--format=atlas", "--json", "h", NULL }, TRACE_OPTS_OK,
		  TRACE_FORMAT_JSON, NULL },
		{ { "traceroute", "h", "-I", "--json", "-q", "1", NULL }, TRACE_OPTS_OK,
		  TRACE_FORMAT_JSON, NULL },
		{ { "traceroute", "--format=xml", "h", NULL }, TRACE_OPTS_EXIT,
		  TRACE_FORMAT_TEXT, "invalid --format argument: 'xml' (text, json or atlas)" },
		{ { "traceroute", "--format=", "h", NULL }, TRACE_OPTS_EXIT,
		  TRACE_FORMAT_TEXT, "invalid --format argument: '' (text, json or atlas)" },
		{ { "traceroute", "h", "--format", NULL }, TRACE_OPTS_EXIT,
		  TRACE_FORMAT_TEXT, "Option `--format' (argc 2) requires an argument: `--format=FMT'" },
		{ { "traceroute", "--json=1", "h", NULL }, TRACE_OPTS_EXIT,
		  TRACE_FORMAT_TEXT, "Bad option `--json=1' (with arg `1') (argc 1)" },
		/* Other messages are untouched. */
		{ { "traceroute", "h", "-q", NULL }, TRACE_OPTS_EXIT,
		  TRACE_FORMAT_TEXT, "Option `-q' (argc 2) requires an argument: `-q nqueries'" },
		{ { "traceroute", "--bogus", "h", NULL }, TRACE_OPTS_EXIT,
		  TRACE_FORMAT_TEXT, "Bad option `--bogus' (argc 1)" },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct trace_opts o;
		char err[256];
		int rc = parse(t[i].argv, &o, err, sizeof(err));

		CHECK(rc == t[i].rc, "row %zu: rc %d want %d (%s)", i, rc, t[i].rc, err);
		if (rc == TRACE_OPTS_OK)
			CHECK(o.format == t[i].format, "row %zu: format %d want %d", i,
			      o.format, t[i].format);
		if (t[i].err)
			CHECK(!strcmp(err, t[i].err), "row %zu: err \"%s\" want \"%s\"",
			      i, err, t[i].err);
	}
	TABLE_END();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_v4),
		cmocka_unit_test(test_json_reached_and_error),
		cmocka_unit_test(test_atlas_v4),
		cmocka_unit_test(test_atlas_err),
		cmocka_unit_test(test_atlas_tcp_local_error),
		cmocka_unit_test(test_format_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
