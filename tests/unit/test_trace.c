/* Unit tests for traceroute's pieces that need no network: the option
 * parser (src/cli/trace_opts.c), the text (src/report/trace_text.c: hop
 * lines, annotations, extensions) and the engine's waits
 * (trace_timeout). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "unit.h"
#include "cli/trace_opts.h"
#include "engine/trace.h"
#include "engine/trace_int.h"
#include "report/trace_text.h"

#define MS 1000000LL

/* ------------------------------------------------------------- options */

static int parse(const char *line, struct trace_opts *o, char *err, size_t errlen)
{
	static char buf[512];
	char *argv[32], *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "traceroute %s", line);
	for (char *t = strtok_r(buf, " ", &save); t && argc < 31;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	trace_opts_default(o);
	return trace_opts_parse(argc, argv, o, err, errlen);
}

static void test_opts_good(void **state)
{
	struct trace_opts o;
	char err[256];

	(void)state;
	assert_int_equal(parse("host", &o, err, sizeof(err)), TRACE_OPTS_OK);
	assert_string_equal(o.target, "host");
	assert_int_equal(o.method, PROBE_UDP);
	assert_int_equal(o.max_ttl, 30);
	assert_int_equal(o.nqueries, 3);
	assert_int_equal(o.sim, 16);
	assert_true(o.wait_max == 5.0 && o.wait_here == 3.0 && o.wait_near == 10.0);
	assert_int_equal(o.packet_len, -1);

	assert_int_equal(parse("-6 -I -n -q 1 -m 5 -f 2 -N 4 -w 2,1,0 -p 7 -t 16 "
			       "-s 2001:2::1 -i eth0 -z 20 -e --back -F host 100",
			       &o, err, sizeof(err)), TRACE_OPTS_OK);
	assert_int_equal(o.family, AF_INET6);
	assert_int_equal(o.method, PROBE_ICMP);
	assert_true(o.numeric && o.extensions && o.back && o.dontfrag);
	assert_int_equal(o.nqueries, 1);
	assert_int_equal(o.max_ttl, 5);
	assert_int_equal(o.first_ttl, 2);
	assert_int_equal(o.sim, 4);
	assert_true(o.wait_max == 2.0 && o.wait_here == 1.0 && o.wait_near == 0.0);
	assert_int_equal(o.port, 7);
	assert_int_equal(o.tos, 16);
	assert_string_equal(o.source, "2001:2::1");
	assert_string_equal(o.device, "eth0");
	assert_true(o.sendwait > 0.0199 && o.sendwait < 0.0201);     /* ms */
	assert_int_equal(o.packet_len, 100);

	/* -U: UDP to port 53 unless -p; -T; options after the host. */
	assert_int_equal(parse("-U host", &o, err, sizeof(err)), TRACE_OPTS_OK);
	assert_int_equal(o.port, 53);
	assert_int_equal(parse("-p 99 -U host", &o, err, sizeof(err)), TRACE_OPTS_OK);
	assert_int_equal(o.port, 99);
	assert_int_equal(parse("host -T -n", &o, err, sizeof(err)), TRACE_OPTS_OK);
	assert_int_equal(o.method, PROBE_TCP);
	assert_true(o.numeric);
	assert_int_equal(parse("--wait=1 --queries=2 --max-hops=9 host", &o, err,
			       sizeof(err)), TRACE_OPTS_OK);
	/* -w MAX alone: the factors off, as traceroute 2.1 sets them. */
	assert_true(o.wait_max == 1.0 && o.wait_here == 0.0 && o.wait_near == 0.0);
	assert_int_equal(o.nqueries, 2);
	assert_int_equal(o.max_ttl, 9);
	/* -N 0 is taken as 1, as traceroute runs it. */
	assert_int_equal(parse("-N 0 host", &o, err, sizeof(err)), TRACE_OPTS_OK);
	assert_int_equal(o.sim, 1);
	assert_int_equal(parse("-z 0.5 host", &o, err, sizeof(err)), TRACE_OPTS_OK);
	assert_true(o.sendwait == 0.5);
	/* --mtu: -F, -N 1, and 65000 bytes unless a length is given. */
	assert_int_equal(parse("--mtu -N 8 host", &o, err, sizeof(err)), TRACE_OPTS_OK);
	assert_true(o.mtu && o.dontfrag);
	assert_int_equal(o.sim, 1);
	assert_int_equal(o.packet_len, 65000);
	assert_int_equal(parse("--mtu host 1400", &o, err, sizeof(err)), TRACE_OPTS_OK);
	assert_int_equal(o.packet_len, 1400);
	/* Numbers as traceroute reads them: any base, a sign. */
	assert_int_equal(parse("-m 0x10 -q +2 -f 010 host", &o, err, sizeof(err)),
			 TRACE_OPTS_OK);
	assert_int_equal(o.max_ttl, 16);
	assert_int_equal(o.nqueries, 2);
	assert_int_equal(o.first_ttl, 8);
	/* Any one character between -w's numbers; "-" and what follows
	 * "--" are operands; -N at most every probe of a trace. */
	assert_int_equal(parse("-w 2x1y4 -N 99999 -- -x 80", &o, err, sizeof(err)),
			 TRACE_OPTS_OK);
	assert_true(o.wait_max == 2.0 && o.wait_here == 1.0 && o.wait_near == 4.0);
	assert_int_equal(o.sim, TRACE_MAX_SIM);
	assert_string_equal(o.target, "-x");
	assert_int_equal(o.target_argi, 6);
	assert_int_equal(o.packet_len, 80);
	assert_int_equal(parse("-n -s src --source=s2 -", &o, err, sizeof(err)),
			 TRACE_OPTS_OK);
	assert_string_equal(o.target, "-");
	assert_string_equal(o.source, "s2");
	assert_string_equal(o.source_as, "--source");
	assert_int_equal(o.source_argi, 4);
	/* -V and --help end the parse where they stand; nothing at all is
	 * traceroute's help, and success. */
	assert_int_equal(parse("-V -q 0", &o, err, sizeof(err)), TRACE_OPTS_EXIT);
	assert_true(o.version);
	assert_int_equal(parse("--help -Z", &o, err, sizeof(err)), TRACE_OPTS_EXIT);
	assert_true(o.help);
	assert_int_equal(parse("", &o, err, sizeof(err)), TRACE_OPTS_EXIT);
	assert_true(o.usage && !err[0]);
	/* The largest values echolot takes. */
	assert_int_equal(parse("-w 86400,1000,1000 -z 86400 host", &o, err, sizeof(err)),
			 TRACE_OPTS_OK);
	assert_int_equal(parse("-z 86400000 --interval=86400 host", &o, err, sizeof(err)),
			 TRACE_OPTS_OK);
	assert_true(o.sendwait == 86400.0 && o.interval == 86400.0);
}

static void test_opts_bad(void **state)
{
	static const struct {
		const char *line;
		const char *err;
	} rows[] = {
		/* Checked against traceroute 2.1.2 (Debian 12): its words,
		 * and the argv index ("argc") of the trouble. */
		{ "-n", "Specify \"host\" missing argument." },
		{ "-q 0 host", "no more than 10 probes per hop" },
		{ "-q 11 host", "no more than 10 probes per hop" },
		{ "-q 70000 host", "no more than 10 probes per hop" },
		{ "-m 0 host", "first hop out of range" },
		{ "-m 256 host", "max hops cannot be more than 255" },
		{ "-m 99999999999999999999 host", "max hops cannot be more than 255" },
		{ "-f 0 host", "first hop out of range" },
		{ "-f 31 host", "first hop out of range" },
		{ "-f -1 host", "first hop out of range" },
		/* The factors not given are 0, as traceroute sets them. */
		{ "-w -1 host", "bad wait specifications `-1,0,0' used" },
		{ "-w 1,-2 host", "bad wait specifications `1,-2,0' used" },
		{ "-w abc host", "Cannot handle `-w' option with arg `abc' (argc 2)" },
		{ "-w 1,2,3,4 host", "Cannot handle `-w' option with arg `1,2,3,4' (argc 2)" },
		{ "-w 1, host", "Cannot handle `-w' option with arg `1,' (argc 2)" },
		{ "--wait=x host", "Cannot handle `--wait' option with arg `x' (argc 1)" },
		{ "-z -1 host", "bad sendtime `-1' specified" },
		{ "-z x host", "Cannot handle `-z' option with arg `x' (argc 2)" },
		{ "-q x host", "Cannot handle `-q' option with arg `x' (argc 2)" },
		{ "-q 1x host", "Cannot handle `-q' option with arg `1x' (argc 2)" },
		{ "-n -m x host", "Cannot handle `-m' option with arg `x' (argc 3)" },
		{ "-nm x host", "Cannot handle `-m' option with arg `x' (argc 2)" },
		{ "-mx host", "Cannot handle `-m' option with arg `x' (argc 1)" },
		{ "--max-hops=x host", "Cannot handle `--max-hops' option with arg `x' (argc 1)" },
		{ "--sport=x host", "Cannot handle `--sport' option with arg `x' (argc 1)" },
		{ "host 70000", "too big packetlen 70000 specified" },
		{ "host abc", "Cannot handle \"packetlen\" cmdline arg `abc' on position 2 (argc 2)" },
		{ "host 60 extra", "Extra arg `extra' (position 3, argc 3)" },
		{ "-Z host", "Bad option `-Z' (argc 1)" },
		{ "-nX host", "Bad option `-X' (argc 1)" },
		{ "-h", "Bad option `-h' (argc 1)" },
		{ "host -5", "Bad option `-5' (argc 2)" },
		{ "--bogus host", "Bad option `--bogus' (argc 1)" },
		{ "--bogus=1 host", "Bad option `--bogus=1' (with arg `1') (argc 1)" },
		{ "--icmp=3 host", "Bad option `--icmp=3' (with arg `3') (argc 1)" },
		{ "--ic host", "Bad option `--ic' (argc 1)" },
		{ "--max=2 host", "Bad option `--max=2' (with arg `2') (argc 1)" },
		{ "host -m", "Option `-m' (argc 2) requires an argument: `-m max_ttl'" },
		{ "-q", "Option `-q' (argc 1) requires an argument: `-q nqueries'" },
		{ "--max-hops", "Option `--max-hops' (argc 1) requires an argument: "
		  "`--max-hops=max_ttl'" },
		/* echolot's strictness: fields hold what they can. */
		{ "-p 70000 host", "Cannot handle `-p' option with arg `70000' (argc 2)" },
		{ "-t 256 host", "Cannot handle `-t' option with arg `256' (argc 2)" },
		/* echolot's bounds (issue 11): no time past a day, nothing
		 * that is not a number. */
		{ "-w 1e10 host", "bad wait specifications `1e+10,0,0' used" },
		{ "-w nan host", "bad wait specifications `nan,0,0' used" },
		{ "-w 5,1e300 host", "bad wait specifications `5,1e+300,0' used" },
		{ "-w 5,3,inf host", "bad wait specifications `5,3,inf' used" },
		{ "-z 1e300 host", "bad sendtime `1e+300' specified" },
		{ "--sendwait=1e300 host", "bad sendtime `1e+300' specified" },
		{ "-z nan host", "bad sendtime `nan' specified" },
		{ "-z 86400001 host", "bad sendtime `8.64e+07' specified" },
		{ "--interval=1e300 --report host",
		  "Cannot handle `--interval' option with arg `1e300' (argc 1)" },
	};

	(void)state;
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		struct trace_opts o;
		char err[256];
		int rc = parse(rows[i].line, &o, err, sizeof(err));

		CHECK(rc == TRACE_OPTS_EXIT, "'%s': rc %d", rows[i].line, rc);
		CHECK(!strcmp(err, rows[i].err), "'%s': err '%s', want '%s'",
		      rows[i].line, err, rows[i].err);
	}
	TABLE_END();
}

/* ---------------------------------------------------------- annotations */

static void test_annotations(void **state)
{
	static const struct {
		int family;
		uint8_t type, code;
		uint32_t info;
		const char *want;
	} rows[] = {
		{ AF_INET, 11, 0, 0, "" },
		{ AF_INET, 11, 1, 0, "!<11-1>" },
		{ AF_INET, 3, 0, 0, "!N" }, { AF_INET, 3, 1, 0, "!H" },
		{ AF_INET, 3, 2, 0, "!P" }, { AF_INET, 3, 3, 0, "" },
		{ AF_INET, 3, 4, 1400, "!F-1400" }, { AF_INET, 3, 5, 0, "!S" },
		{ AF_INET, 3, 6, 0, "!N" }, { AF_INET, 3, 7, 0, "!H" },
		{ AF_INET, 3, 8, 0, "!N" }, { AF_INET, 3, 9, 0, "!X" },
		{ AF_INET, 3, 10, 0, "!X" }, { AF_INET, 3, 11, 0, "!N" },
		{ AF_INET, 3, 12, 0, "!H" }, { AF_INET, 3, 13, 0, "!X" },
		{ AF_INET, 3, 14, 0, "!V" }, { AF_INET, 3, 15, 0, "!C" },
		{ AF_INET, 3, 16, 0, "!<16>" },
		{ AF_INET, 12, 0, 0, "!<12-0>" },
		{ AF_INET6, 3, 0, 0, "" }, { AF_INET6, 3, 1, 0, "!<3-1>" },
		{ AF_INET6, 1, 0, 0, "!N" }, { AF_INET6, 1, 1, 0, "!X" },
		{ AF_INET6, 1, 2, 0, "!H" }, { AF_INET6, 1, 3, 0, "!H" },
		{ AF_INET6, 1, 4, 0, "" }, { AF_INET6, 1, 5, 0, "!<5>" },
		{ AF_INET6, 1, 6, 0, "!<6>" },
		{ AF_INET6, 2, 0, 1280, "!F-1280" },
		{ AF_INET6, 4, 1, 0, "!<4-1>" },
	};

	(void)state;
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		struct event p;
		char buf[32];

		memset(&p, 0, sizeof(p));
		p.answer = EV_ANS_ICMP;
		p.icmp_type = rows[i].type;
		p.icmp_code = rows[i].code;
		p.icmp_info = rows[i].info;
		report_trace_annotation(buf, sizeof(buf), rows[i].family, &p);
		CHECK(!strcmp(buf, rows[i].want), "v%d %u/%u: '%s', want '%s'",
		      rows[i].family == AF_INET ? 4 : 6, rows[i].type,
		      rows[i].code, buf, rows[i].want);
	}
	TABLE_END();
	{
		struct event p;
		char buf[32];

		memset(&p, 0, sizeof(p));
		p.answer = EV_ANS_ECHO;
		report_trace_annotation(buf, sizeof(buf), AF_INET, &p);
		assert_string_equal(buf, "");
		p.answer = EV_ANS_TCP;
		report_trace_annotation(buf, sizeof(buf), AF_INET6, &p);
		assert_string_equal(buf, "");
	}
}

static void test_ext_text(void **state)
{
	/* Two labels, then an object of class 2 with two words. */
	static const uint8_t ext[] = {
		0x20, 0, 0, 0,
		0, 12, 1, 1,
		0x00, 0x01, 0x00, 0xff,         /* L=16 E=0 S=0 T=255 */
		0x00, 0x01, 0x13, 0x01,         /* L=17 E=1 S=1 T=1 */
		0, 12, 2, 3,
		0x0a, 0x0b, 0x0c, 0x0d, 0x01, 0x02, 0x03, 0x04,
	};
	static const uint8_t ragged[] = {
		0x20, 0, 0, 0, 0, 6, 2, 1, 0xaa, 0xbb,
	};
	char buf[256];

	(void)state;
	assert_true(report_trace_ext(buf, sizeof(buf), ext, sizeof(ext)) > 0);
	assert_string_equal(buf, "MPLS:L=16,E=0,S=0,T=255/L=17,E=1,S=1,T=1;2/3:0a0b0c0d,01020304");
	assert_int_equal(report_trace_ext(buf, sizeof(buf), ragged, sizeof(ragged)), -1);
	assert_string_equal(buf, "");
	assert_int_equal(report_trace_ext(buf, sizeof(buf), ext, 3), -1);
	/* A small buffer truncates, never overruns. */
	assert_true(report_trace_ext(buf, 10, ext, sizeof(ext)) >= 0);
	assert_int_equal(strlen(buf), 9);
	assert_int_equal(report_trace_hops_back(61), 4);
	assert_int_equal(report_trace_hops_back(125), 4);
	assert_int_equal(report_trace_hops_back(250), 6);
}

/* ------------------------------------------------------------ hop lines */

struct fake {
	struct event_trace t;
	struct trace_probe probes[12];
};

/* What the engine hands the reporter for probe i. */
static void feed(struct report_trace *r, struct fake *f, unsigned i)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	trace_probe_event(&f->probes[i], &f->t, &ev);
	report_trace_on_event(r, &ev);
}

static void feed_end(struct report_trace *r, struct fake *f)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_END;
	ev.trace = &f->t;
	report_trace_on_event(r, &ev);
}

static void set_answer(struct trace_probe *p, int family, const char *addr,
		       int64_t rtt_ns, enum event_answer a, uint8_t type,
		       uint8_t code)
{
	p->answer = a;
	p->rtt_ns = rtt_ns;
	p->type = type;
	p->code = code;
	memset(&p->from, 0, sizeof(p->from));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&p->from;

		s->sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &s->sin6_addr);
		p->fromlen = sizeof(*s);
	} else {
		struct sockaddr_in *s = (struct sockaddr_in *)&p->from;

		s->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &s->sin_addr);
		p->fromlen = sizeof(*s);
	}
}

static void test_hop_lines(void **state)
{
	struct fake f;
	struct report_trace r;
	struct report_trace_cfg c;
	struct sockaddr_in dst;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	assert_non_null(out);
	memset(&f, 0, sizeof(f));
	f.t.nqueries = 3;
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	inet_pton(AF_INET, "198.18.4.2", &dst.sin_addr);
	f.t.dst = (struct sockaddr *)&dst;
	for (unsigned i = 0; i < 12; i++) {
		f.probes[i].ttl = i / 3 + 1;
		f.probes[i].query = i % 3;
	}
	/* Hop 1: all from r1.  Hop 2: silence.  Hop 3: silence, then two
	 * routers.  Hop 4: the target, !H on one. */
	set_answer(&f.probes[0], AF_INET, "198.18.1.2", 123456, EV_ANS_ICMP, 11, 0);
	set_answer(&f.probes[1], AF_INET, "198.18.1.2", 101000, EV_ANS_ICMP, 11, 0);
	set_answer(&f.probes[2], AF_INET, "198.18.1.2", 99499, EV_ANS_ICMP, 11, 0);
	set_answer(&f.probes[7], AF_INET, "198.18.3.2", 1500000, EV_ANS_ICMP, 11, 0);
	set_answer(&f.probes[8], AF_INET, "198.18.33.2", 12345678, EV_ANS_ICMP, 11, 0);
	set_answer(&f.probes[9], AF_INET, "198.18.4.2", 200, EV_ANS_ICMP, 3, 3);
	set_answer(&f.probes[10], AF_INET, "198.18.4.2", 300, EV_ANS_ICMP, 3, 1);
	set_answer(&f.probes[11], AF_INET, "198.18.4.2", 400, EV_ANS_ECHO, 0, 0);

	memset(&c, 0, sizeof(c));
	c.out = out;
	c.host = "target";
	c.dst = (struct sockaddr *)&dst;
	c.dstlen = sizeof(dst);
	c.max_ttl = 30;
	c.packet_len = 60;
	c.numeric = true;
	report_trace_init(&r, &c);
	report_trace_header(&r);
	for (unsigned i = 0; i < 12; i++)
		feed(&r, &f, i);
	feed_end(&r, &f);
	fclose(out);
	assert_string_equal(text,
		"traceroute to target (198.18.4.2), 30 hops max, 60 byte packets\n"
		" 1  198.18.1.2  0.123 ms  0.101 ms  0.099 ms\n"
		" 2  * * *\n"
		" 3  * 198.18.3.2  1.500 ms 198.18.33.2  12.346 ms\n"
		" 4  198.18.4.2  0.000 ms  0.000 ms !H  0.000 ms\n");
	free(text);
}

/* An interrupted hop line still ends in a newline; hop numbers from 10
 * on take the two columns. */
static void test_hop_line_end(void **state)
{
	struct fake f;
	struct report_trace r;
	struct report_trace_cfg c;
	struct sockaddr_in6 dst;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	memset(&f, 0, sizeof(f));
	f.t.nqueries = 2;
	memset(&dst, 0, sizeof(dst));
	dst.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "2001:2::9", &dst.sin6_addr);
	f.t.dst = (struct sockaddr *)&dst;
	memset(&c, 0, sizeof(c));
	c.out = out;
	c.host = "2001:2::9";
	c.dst = (struct sockaddr *)&dst;
	c.dstlen = sizeof(dst);
	c.max_ttl = 12;
	c.packet_len = 80;
	c.numeric = true;
	report_trace_init(&r, &c);
	report_trace_header(&r);
	f.probes[0].ttl = 12;
	f.probes[0].query = 0;
	set_answer(&f.probes[0], AF_INET6, "2001:2::9", 2000000, EV_ANS_ICMP, 1, 4);
	feed(&r, &f, 0);
	feed_end(&r, &f);
	fclose(out);
	assert_string_equal(text,
		"traceroute to 2001:2::9 (2001:2::9), 12 hops max, 80 byte packets\n"
		"12  2001:2::9  2.000 ms\n");
	free(text);
}

/* --------------------------------------------------------------- waits */

static void test_timeouts(void **state)
{
	struct trace t;
	struct trace_probe p[9];

	(void)state;
	memset(&t, 0, sizeof(t));
	memset(p, 0, sizeof(p));
	t.probes = p;
	t.nprobes = 9;
	t.cfg.nqueries = 3;
	t.cfg.wait_max_ns = 5000 * MS;
	t.cfg.here_factor = 3;
	t.cfg.near_factor = 10;

	/* Nothing known: MAX. */
	assert_int_equal(trace_timeout(&t, 3), 5000 * MS);
	/* A later hop answered in 9 ms: NEAR x (9 ms + a 50 us pad). */
	p[6].sent = p[6].done = true;
	p[6].answer = EV_ANS_ICMP;
	p[6].rtt_ns = 9 * MS;
	for (int i = 3; i < 6; i++)
		p[i].sent = true;
	assert_int_equal(trace_timeout(&t, 3), 10 * (9 * MS + 50000));
	/* The same hop answered in 4 ms: HERE x (4 ms + the pad). */
	p[4].done = true;
	p[4].answer = EV_ANS_ICMP;
	p[4].rtt_ns = 4 * MS;
	assert_int_equal(trace_timeout(&t, 3), 3 * (4 * MS + 50000));
	/* Never more than MAX. */
	p[4].rtt_ns = 4000 * MS;
	assert_int_equal(trace_timeout(&t, 3), 5000 * MS);
	/* Only an earlier hop answered (30 ms): MAX, as traceroute 2.x (an
	 * earlier hop says nothing of a host that must first be resolved by
	 * its router, or whose ICMP is rate-limited). */
	memset(p, 0, sizeof(p));
	p[0].sent = p[0].done = true;
	p[0].answer = EV_ANS_ICMP;
	p[0].rtt_ns = 30 * MS;
	for (int i = 3; i < 9; i++)
		p[i].sent = true;
	assert_int_equal(trace_timeout(&t, 3), 5000 * MS);
	/* NEAR 0 turns NEAR off: a later hop's answer no longer counts. */
	p[7].done = true;
	p[7].answer = EV_ANS_ICMP;
	p[7].rtt_ns = 2 * MS;
	assert_int_equal(trace_timeout(&t, 3), 10 * (2 * MS + 50000));
	t.cfg.near_factor = 0;
	assert_int_equal(trace_timeout(&t, 3), 5000 * MS);
	p[7].done = false;
	/* A silent probe of the same hop does not count as an answer. */
	t.cfg.near_factor = 10;
	p[4].done = true;
	assert_int_equal(trace_timeout(&t, 3), 5000 * MS);
}

/* mtr: a silent hop's NEAR wait is never shorter than the interval. */
static void test_wait_min(void **state)
{
	struct trace t;
	struct trace_probe p[3];

	(void)state;
	memset(&t, 0, sizeof(t));
	memset(p, 0, sizeof(p));
	t.probes = p;
	t.nprobes = 3;
	t.cfg.nqueries = 1;
	t.cfg.wait_max_ns = 1000 * MS;
	t.cfg.near_factor = 10;
	t.cfg.wait_min_ns = 100 * MS;
	for (int i = 0; i < 3; i++)
		p[i].sent = true;
	p[2].done = true;
	p[2].answer = EV_ANS_ECHO;
	p[2].rtt_ns = 1 * MS;
	assert_int_equal(trace_timeout(&t, 0), 100 * MS);
	p[2].rtt_ns = 50 * MS;
	assert_int_equal(trace_timeout(&t, 0), 10 * (50 * MS + 50000));
	p[2].rtt_ns = 500 * MS;
	assert_int_equal(trace_timeout(&t, 0), 1000 * MS);
}

/* --paths: the keys of N flows never meet, in one round or across
 * neighbouring rounds, over many rounds (the 16-bit ones wrap). */
static void test_flow_keys(void **state)
{
	static const enum probe_method methods[] = { PROBE_UDP, PROBE_ICMP, PROBE_TCP };
	struct sockaddr_in dst;
	enum { NF = 3, HOPS = 30, ROUNDS = 3000 };

	(void)state;
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	inet_pton(AF_INET, "198.18.9.9", &dst.sin_addr);
	TABLE_BEGIN();
	for (unsigned m = 0; m < ARRAY_LEN(methods); m++) {
		struct trace *t[NF];
		static uint32_t prev[NF][HOPS], cur[NF][HOPS];

		for (unsigned f = 0; f < NF; f++) {
			struct trace_cfg c;

			memset(&c, 0, sizeof(c));
			c.method = methods[m];
			c.first_ttl = 1;
			c.max_ttl = HOPS;
			c.nqueries = 1;
			c.packet_len = 60;
			c.port = -1;
			c.seed = 0x9e3779b9u;
			c.flow = f;
			c.nflows = NF;
			assert_int_equal(trace_new(&t[f], &c, (struct sockaddr *)&dst,
						   sizeof(dst)), 0);
		}
		for (unsigned r = 0; r < ROUNDS; r++) {
			for (unsigned f = 0; f < NF; f++) {
				if (r)
					trace_next_round_keys(t[f]);
				for (unsigned i = 0; i < HOPS; i++) {
					cur[f][i] = t[f]->probes[i].key;
					if (methods[m] != PROBE_TCP)
						CHECK(cur[f][i] >= 1 && cur[f][i] <= 0xfffe,
						      "m %u r %u: key %u", m, r, cur[f][i]);
				}
			}
			/* No key of flow f this round is one of flow g's this
			 * round or the last. */
			for (unsigned f = 0; f < NF; f++)
				for (unsigned g = 0; g < NF; g++) {
					if (g == f)
						continue;
					for (unsigned i = 0; i < HOPS; i++)
						for (unsigned j = 0; j < HOPS; j++) {
							CHECK(cur[f][i] != cur[g][j],
							      "m %u r %u: flows %u %u share %u",
							      m, r, f, g, cur[f][i]);
							CHECK(!r || cur[f][i] != prev[g][j],
							      "m %u r %u: flow %u meets %u's last round",
							      m, r, f, g);
						}
				}
			memcpy(prev, cur, sizeof(prev));
		}
		for (unsigned f = 0; f < NF; f++)
			trace_free(t[f]);
	}
	TABLE_END();
	/* Classic UDP (keys are ports) cannot be split into flows. */
	{
		struct trace *t;
		struct trace_cfg c;

		memset(&c, 0, sizeof(c));
		c.method = PROBE_UDP;
		c.first_ttl = 1;
		c.max_ttl = 30;
		c.nqueries = 1;
		c.packet_len = 28;
		c.port = -1;
		c.nflows = 2;
		assert_int_equal(trace_new(&t, &c, (struct sockaddr *)&dst, sizeof(dst)),
				 -EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opts_good),
		cmocka_unit_test(test_opts_bad),
		cmocka_unit_test(test_annotations),
		cmocka_unit_test(test_ext_text),
		cmocka_unit_test(test_hop_lines),
		cmocka_unit_test(test_hop_line_end),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_wait_min),
		cmocka_unit_test(test_flow_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
