/* Unit tests for src/report: the RTT format, the ICMP error words, and
 * ping's lines and statistics block, byte for byte as iputils prints them.
 * Output goes to an open_memstream FILE (or a tmpfile for flood mode,
 * which writes to the descriptor). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "unit.h"
#include "analysis/stats.h"
#include "report/report.h"
#include "sock/sock.h"

#define US 1000LL
#define MS 1000000LL

/* ------------------------------------------------------------ fmt_rtt */

static void test_fmt_rtt(void **state)
{
	static const struct {
		int64_t ns;
		bool precise;
		const char *want;
	} t[] = {
		{ 0, false, "0.000" },
		/* Nanoseconds round to the nearest microsecond. */
		{ 499, false, "0.000" },
		{ 500, false, "0.001" },
		{ 999, false, "0.001" },
		{ 1000, false, "0.001" },
		{ 45000, false, "0.045" },
		{ 45499, false, "0.045" },
		{ 45500, false, "0.046" },
		{ 999000, false, "0.999" },
		{ 999499, false, "0.999" },
		{ 999500, false, "1.00" },
		/* 1..10 ms: two decimals. */
		{ 1000000, false, "1.00" },
		{ 1234000, false, "1.23" },
		{ 1235000, false, "1.24" },
		{ 1994000, false, "1.99" },
		{ 1994499, false, "1.99" },
		{ 1995000, false, "2.00" },
		{ 9994000, false, "9.99" },
		/* 10..100 ms: one decimal, and 9.995 already rounds up. */
		{ 9995000, false, "10.0" },
		{ 10000000, false, "10.0" },
		{ 12345000, false, "12.3" },
		{ 12350000, false, "12.4" },
		{ 99949000, false, "99.9" },
		/* >= 100 ms: whole milliseconds, from 99.95 on. */
		{ 99950000, false, "100" },
		{ 100000000, false, "100" },
		{ 123456000, false, "123" },
		{ 123500000, false, "124" },
		{ 999499000, false, "999" },
		{ 999500000, false, "1000" },
		{ 1000000000, false, "1000" },
		{ 3LL * 86400 * 1000000000, false, "259200000" },  /* 3 days */
		{ -1, false, "0.000" },
		{ -5000000, false, "0.000" },
		/* -3: microseconds, always three decimals. */
		{ 45000, true, "0.045" },
		{ 12345000, true, "12.345" },
		{ 12345678, true, "12.346" },
		{ 100000000, true, "100.000" },
		{ 9995000, true, "9.995" },
		{ -7, true, "0.000" },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		char buf[64];
		int n;

		memset(buf, 'x', sizeof(buf));
		n = report_fmt_rtt(buf, sizeof(buf), t[i].ns, t[i].precise);
		CHECK(!strcmp(buf, t[i].want), "%lld ns%s: \"%s\" want \"%s\"",
		      (long long)t[i].ns, t[i].precise ? " (-3)" : "", buf, t[i].want);
		CHECK(n == (int)strlen(t[i].want), "%lld ns: returned %d",
		      (long long)t[i].ns, n);
	}
	TABLE_END();
}

static void test_fmt_rtt_small_buffer(void **state)
{
	char buf[4];
	(void)state;

	/* snprintf's contract: the length it wanted, the text cut. */
	assert_int_equal(report_fmt_rtt(buf, sizeof(buf), 12345000, false), 4);
	assert_string_equal(buf, "12.");
	assert_int_equal(report_fmt_rtt(buf, 1, 45000, false), 5);
	assert_string_equal(buf, "");
}

/* ------------------------------------------------------------ icmp text */

static void test_icmp_text(void **state)
{
	static const struct {
		int family;
		uint8_t type, code;
		uint32_t info;
		const char *gw;
		const char *want;
	} t[] = {
		{ AF_INET, 3, 0, 0, NULL, "Destination Net Unreachable" },
		{ AF_INET, 3, 1, 0, NULL, "Destination Host Unreachable" },
		{ AF_INET, 3, 2, 0, NULL, "Destination Protocol Unreachable" },
		{ AF_INET, 3, 3, 0, NULL, "Destination Port Unreachable" },
		{ AF_INET, 3, 4, 1400, NULL, "Frag needed and DF set (mtu = 1400)" },
		{ AF_INET, 3, 4, 0, NULL, "Frag needed and DF set (mtu = 0)" },
		{ AF_INET, 3, 5, 0, NULL, "Source Route Failed" },
		{ AF_INET, 3, 6, 0, NULL, "Destination Net Unknown" },
		{ AF_INET, 3, 7, 0, NULL, "Destination Host Unknown" },
		{ AF_INET, 3, 8, 0, NULL, "Source Host Isolated" },
		{ AF_INET, 3, 9, 0, NULL, "Destination Net Prohibited" },
		{ AF_INET, 3, 10, 0, NULL, "Destination Host Prohibited" },
		{ AF_INET, 3, 11, 0, NULL,
		  "Destination Net Unreachable for Type of Service" },
		{ AF_INET, 3, 12, 0, NULL,
		  "Destination Host Unreachable for Type of Service" },
		{ AF_INET, 3, 13, 0, NULL, "Packet filtered" },
		{ AF_INET, 3, 14, 0, NULL, "Precedence Violation" },
		{ AF_INET, 3, 15, 0, NULL, "Precedence Cutoff" },
		{ AF_INET, 3, 16, 0, NULL, "Dest Unreachable, Bad Code: 16" },
		{ AF_INET, 3, 255, 0, NULL, "Dest Unreachable, Bad Code: 255" },
		{ AF_INET, 4, 0, 0, NULL, "Source Quench" },
		{ AF_INET, 5, 0, 0xc61200feu, "198.18.0.254",
		  "Redirect Network(New nexthop: 198.18.0.254)" },
		{ AF_INET, 5, 1, 0xc61200feu, "198.18.0.254",
		  "Redirect Host(New nexthop: 198.18.0.254)" },
		{ AF_INET, 5, 2, 0xc61200feu, "198.18.0.254",
		  "Redirect Type of Service and Network(New nexthop: 198.18.0.254)" },
		{ AF_INET, 5, 3, 0xc61200feu, "198.18.0.254",
		  "Redirect Type of Service and Host(New nexthop: 198.18.0.254)" },
		{ AF_INET, 5, 4, 0xc61200feu, "198.18.0.254",
		  "Redirect, Bad Code: 4(New nexthop: 198.18.0.254)" },
		{ AF_INET, 11, 0, 0, NULL, "Time to live exceeded" },
		{ AF_INET, 11, 1, 0, NULL, "Frag reassembly time exceeded" },
		{ AF_INET, 11, 2, 0, NULL, "Time exceeded, Bad Code: 2" },
		{ AF_INET, 12, 0, 0x14000000u, NULL, "Parameter problem: pointer = 20" },
		{ AF_INET, 12, 1, 0xff000000u, NULL, "Parameter problem: pointer = 255" },
		{ AF_INET, 0, 0, 0, NULL, "Echo Reply" },
		{ AF_INET, 8, 0, 0, NULL, "Echo Request" },
		{ AF_INET, 13, 0, 0, NULL, "Timestamp" },
		{ AF_INET, 14, 0, 0, NULL, "Timestamp Reply" },
		{ AF_INET, 15, 0, 0, NULL, "Information Request" },
		{ AF_INET, 16, 0, 0, NULL, "Information Reply" },
		{ AF_INET, 17, 0, 0, NULL, "Address Mask Request" },
		{ AF_INET, 18, 0, 0, NULL, "Address Mask Reply" },
		{ AF_INET, 42, 0, 0, NULL, "Bad ICMP type: 42" },
		{ AF_INET, 255, 0, 0, NULL, "Bad ICMP type: 255" },

		{ AF_INET6, 1, 0, 0, NULL, "Destination unreachable: No route" },
		{ AF_INET6, 1, 1, 0, NULL,
		  "Destination unreachable: Administratively prohibited" },
		{ AF_INET6, 1, 2, 0, NULL,
		  "Destination unreachable: Beyond scope of source address" },
		{ AF_INET6, 1, 3, 0, NULL, "Destination unreachable: Address unreachable" },
		{ AF_INET6, 1, 4, 0, NULL, "Destination unreachable: Port unreachable" },
		/* iputils 20221126 (Debian 12) knows codes 0..4 only. */
		{ AF_INET6, 1, 5, 0, NULL, "Destination unreachable: Unknown code 5" },
		{ AF_INET6, 1, 200, 0, NULL, "Destination unreachable: Unknown code 200" },
		{ AF_INET6, 2, 0, 1280, NULL, "Packet too big: mtu=1280" },
		{ AF_INET6, 2, 1, 1280, NULL, "Packet too big: mtu=1280, code=1" },
		{ AF_INET6, 3, 0, 0, NULL, "Time exceeded: Hop limit" },
		{ AF_INET6, 3, 1, 0, NULL, "Time exceeded: Defragmentation failure" },
		{ AF_INET6, 3, 2, 0, NULL, "Time exceeded: code 2" },
		{ AF_INET6, 4, 0, 40, NULL, "Parameter problem: Wrong header field at 40" },
		{ AF_INET6, 4, 1, 6, NULL, "Parameter problem: Unknown header at 6" },
		{ AF_INET6, 4, 2, 42, NULL, "Parameter problem: Unknown option at 42" },
		{ AF_INET6, 4, 3, 7, NULL, "Parameter problem: code 3 at 7" },
		{ AF_INET6, 128, 0, 0, NULL, "Echo request" },
		{ AF_INET6, 129, 0, 0, NULL, "Echo reply" },
		{ AF_INET6, 130, 0, 0, NULL, "MLD Query" },
		{ AF_INET6, 131, 0, 0, NULL, "MLD Report" },
		{ AF_INET6, 132, 0, 0, NULL, "MLD Reduction" },
		{ AF_INET6, 0, 0, 0, NULL, "unknown icmp type: 0" },
		{ AF_INET6, 200, 0, 0, NULL, "unknown icmp type: 200" },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		char buf[160];
		int n = report_icmp_text(buf, sizeof(buf), t[i].family, t[i].type,
					 t[i].code, t[i].info, t[i].gw);

		CHECK(!strcmp(buf, t[i].want), "%s type %u code %u: \"%s\" want \"%s\"",
		      t[i].family == AF_INET6 ? "v6" : "v4", t[i].type, t[i].code, buf,
		      t[i].want);
		CHECK(n == (int)strlen(t[i].want), "type %u code %u: returned %d",
		      t[i].type, t[i].code, n);
	}
	TABLE_END();
}

/* ------------------------------------------------------------ lines */

struct cap {
	FILE *f;
	char *buf;
	size_t len;
};

static struct sockaddr_in sin4(const char *a)
{
	struct sockaddr_in s;

	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, a, &s.sin_addr), 1);
	return s;
}

static struct sockaddr_in6 sin6(const char *a)
{
	struct sockaddr_in6 s;

	memset(&s, 0, sizeof(s));
	s.sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, a, &s.sin6_addr), 1);
	return s;
}

static struct sockaddr_in dst4, peer4, router4;
static struct sockaddr_in6 dst6, router6;
static struct stats st;

static void cap_open(struct cap *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

static const char *cap_text(struct cap *c)
{
	fflush(c->f);
	return c->buf ? c->buf : "";
}

static void cap_close(struct cap *c)
{
	fclose(c->f);
	free(c->buf);
}

static struct report_ping_cfg base_cfg(FILE *out, int family)
{
	struct report_ping_cfg cfg;

	dst4 = sin4("198.18.0.2");
	peer4 = sin4("198.18.0.2");
	router4 = sin4("198.18.0.1");
	dst6 = sin6("2001:2::2");
	router6 = sin6("2001:2::1");
	memset(&cfg, 0, sizeof(cfg));
	cfg.out = out;
	cfg.host = "target";
	cfg.canon = "target.example";
	cfg.dst = family == AF_INET6 ? (const struct sockaddr *)&dst6
				     : (const struct sockaddr *)&dst4;
	cfg.dstlen = family == AF_INET6 ? sizeof(dst6) : sizeof(dst4);
	cfg.datalen = 56;
	cfg.interval_ns = 1000 * MS;
	cfg.preload = 1;
	cfg.stats = &st;
	return cfg;
}

static struct event ev_reply(int family, uint16_t seq, int64_t rtt_ns)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_REPLY;
	ev.family = family;
	ev.seq = seq;
	ev.nsent = seq;
	ev.from = family == AF_INET6 ? (const struct sockaddr *)&dst6
				     : (const struct sockaddr *)&peer4;
	ev.fromlen = family == AF_INET6 ? sizeof(dst6) : sizeof(peer4);
	ev.bytes = 64;
	ev.ttl = 64;
	ev.tos = -1;
	ev.ident = -1;
	ev.has_rtt = true;
	ev.rtt_ns = rtt_ns;
	ev.wrong_byte = -1;
	return ev;
}

static struct event ev_error(int family, uint16_t seq, uint8_t type,
			     uint8_t code, uint32_t info)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_ERROR;
	ev.family = family;
	ev.seq = seq;
	ev.nsent = seq;
	ev.from = family == AF_INET6 ? (const struct sockaddr *)&router6
				     : (const struct sockaddr *)&router4;
	ev.fromlen = family == AF_INET6 ? sizeof(router6) : sizeof(router4);
	ev.ttl = -1;
	ev.tos = -1;
	ev.ident = -1;
	ev.wrong_byte = -1;
	ev.icmp_type = type;
	ev.icmp_code = code;
	ev.icmp_info = info;
	return ev;
}

enum tweak {
	T_NONE, T_DUP, T_NOTTL, T_NORTT, T_TRUNC, T_BAD, T_OTHER, T_IDENT,
	T_STAMP, T_NOSTAMP, T_AUDIBLE, T_QUIET, T_NOTICE, T_WRONG, T_PRECISE,
};

static void test_event_lines(void **state)
{
	static const uint8_t data[20] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
					  12, 13, 14, 15, 0x10, 0xee, 0x12, 0x13 };
	static const struct {
		const char *name;
		int family;
		enum event_type type;
		uint16_t seq;
		int64_t rtt_ns;
		uint8_t icmp_type, icmp_code;
		uint32_t info;
		enum tweak tweak;
		const char *want;
	} t[] = {
		{ "reply", AF_INET, EV_REPLY, 1, 45 * US, 0, 0, 0, T_NONE,
		  "64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 time=0.045 ms\n" },
		{ "reply 12.3 ms", AF_INET, EV_REPLY, 2, 12345678, 0, 0, 0, T_NONE,
		  "64 bytes from 198.18.0.2: icmp_seq=2 ttl=64 time=12.3 ms\n" },
		{ "reply 123 ms", AF_INET, EV_REPLY, 65535, 123456789, 0, 0, 0, T_NONE,
		  "64 bytes from 198.18.0.2: icmp_seq=65535 ttl=64 time=123 ms\n" },
		{ "reply -3", AF_INET, EV_REPLY, 2, 12345678, 0, 0, 0, T_PRECISE,
		  "64 bytes from 198.18.0.2: icmp_seq=2 ttl=64 time=12.346 ms\n" },
		{ "duplicate", AF_INET, EV_REPLY, 1, 45 * US, 0, 0, 0, T_DUP,
		  "64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 time=0.045 ms (DUP!)\n" },
		{ "no ttl", AF_INET, EV_REPLY, 1, 45 * US, 0, 0, 0, T_NOTTL,
		  "64 bytes from 198.18.0.2: icmp_seq=1 time=0.045 ms\n" },
		{ "no time", AF_INET, EV_REPLY, 1, 0, 0, 0, 0, T_NORTT,
		  "64 bytes from 198.18.0.2: icmp_seq=1 ttl=64\n" },
		{ "truncated", AF_INET, EV_REPLY, 1, 45 * US, 0, 0, 0, T_TRUNC,
		  "64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 (truncated)\n" },
		{ "bad checksum", AF_INET, EV_REPLY, 1, 45 * US, 0, 0, 0, T_BAD,
		  "64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 time=0.045 ms "
		  "(BAD CHECKSUM!)\n" },
		{ "different address", AF_INET, EV_REPLY, 1, 45 * US, 0, 0, 0, T_OTHER,
		  "64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 time=0.045 ms "
		  "(DIFFERENT ADDRESS!)\n" },
		{ "verbose ident", AF_INET, EV_REPLY, 1, 45 * US, 0, 0, 0, T_IDENT,
		  "64 bytes from 198.18.0.2: icmp_seq=1 ident=4660 ttl=64 "
		  "time=0.045 ms\n" },
		{ "-D", AF_INET, EV_REPLY, 1, 45 * US, 0, 0, 0, T_STAMP,
		  "[1700000000.123456] 64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 "
		  "time=0.045 ms\n" },
		{ "-D without a stamp", AF_INET, EV_REPLY, 1, 45 * US, 0, 0, 0,
		  T_NOSTAMP, "64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 "
		  "time=0.045 ms\n" },
		{ "audible", AF_INET, EV_REPLY, 1, 45 * US, 0, 0, 0, T_AUDIBLE,
		  "64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 time=0.045 ms\a\n" },
		{ "quiet reply", AF_INET, EV_REPLY, 1, 45 * US, 0, 0, 0, T_QUIET, "" },
		{ "wrong data byte", AF_INET, EV_REPLY, 1, 45 * US, 0, 0, 0, T_WRONG,
		  "64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 time=0.045 ms\n"
		  "wrong data byte #17 should be 0x11 but was 0xee\n"
		  "#16\t10 ee 12 13 \n" },
		{ "v6 reply", AF_INET6, EV_REPLY, 1, 1234 * US, 0, 0, 0, T_NONE,
		  "64 bytes from 2001:2::2: icmp_seq=1 ttl=64 time=1.23 ms\n" },

		{ "time exceeded", AF_INET, EV_ERROR, 3, 0, 11, 0, 0, T_NONE,
		  "From 198.18.0.1 icmp_seq=3 Time to live exceeded\n" },
		{ "host unreachable", AF_INET, EV_ERROR, 1, 0, 3, 1, 0, T_NONE,
		  "From 198.18.0.1 icmp_seq=1 Destination Host Unreachable\n" },
		{ "frag needed", AF_INET, EV_ERROR, 1, 0, 3, 4, 1400, T_NONE,
		  "From 198.18.0.1 icmp_seq=1 Frag needed and DF set (mtu = 1400)\n" },
		{ "redirect", AF_INET, EV_ERROR, 1, 0, 5, 1, 0xc61200feu, T_NOTICE,
		  "From 198.18.0.1: icmp_seq=1 Redirect Host(New nexthop: "
		  "198.18.0.254)\n" },
		{ "-D error", AF_INET, EV_ERROR, 3, 0, 11, 0, 0, T_STAMP,
		  "[1700000000.123456] From 198.18.0.1 icmp_seq=3 Time to live "
		  "exceeded\n" },
		{ "quiet error", AF_INET, EV_ERROR, 3, 0, 11, 0, 0, T_QUIET, "" },
		{ "v6 unreachable", AF_INET6, EV_ERROR, 2, 0, 1, 3, 0, T_NONE,
		  "From 2001:2::1 icmp_seq=2 Destination unreachable: Address "
		  "unreachable\n" },
		{ "v6 hop limit", AF_INET6, EV_ERROR, 4, 0, 3, 0, 0, T_NONE,
		  "From 2001:2::1 icmp_seq=4 Time exceeded: Hop limit\n" },
		{ "v6 too big", AF_INET6, EV_ERROR, 4, 0, 2, 0, 1280, T_NONE,
		  "From 2001:2::1 icmp_seq=4 Packet too big: mtu=1280\n" },

		{ "no answer", AF_INET, EV_NOANSWER, 5, 0, 0, 0, 0, T_NONE,
		  "no answer yet for icmp_seq=5\n" },
		{ "no answer, quiet", AF_INET, EV_NOANSWER, 5, 0, 0, 0, 0, T_QUIET,
		  "no answer yet for icmp_seq=5\n" },
		{ "sent", AF_INET, EV_SENT, 5, 0, 0, 0, 0, T_NONE, "" },
		{ "foreign", AF_INET, EV_FOREIGN, 5, 0, 0, 0, 0, T_NONE, "" },
		{ "end", AF_INET, EV_END, 5, 0, 0, 0, 0, T_NONE, "" },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct cap c;
		struct report_ping r;
		struct report_ping_cfg cfg;
		struct event ev;

		cap_open(&c);
		cfg = base_cfg(c.f, t[i].family);
		stats_init(&st);
		if (t[i].type == EV_ERROR)
			ev = ev_error(t[i].family, t[i].seq, t[i].icmp_type,
				      t[i].icmp_code, t[i].info);
		else
			ev = ev_reply(t[i].family, t[i].seq, t[i].rtt_ns);
		ev.type = t[i].type;
		switch (t[i].tweak) {
		case T_NONE: break;
		case T_DUP: ev.dup = true; break;
		case T_NOTTL: ev.ttl = -1; break;
		case T_NORTT: ev.has_rtt = false; break;
		case T_TRUNC: ev.truncated = true; break;
		case T_BAD: ev.bad_cksum = true; break;
		case T_OTHER: ev.other_addr = true; break;
		case T_IDENT: cfg.verbose = true; ev.ident = 0x1234; break;
		case T_STAMP:
		case T_NOSTAMP:
			cfg.timestamps = true;
			ev.has_when = t[i].tweak == T_STAMP;
			ev.when.tv_sec = 1700000000;
			ev.when.tv_nsec = 123456789;
			break;
		case T_AUDIBLE: cfg.audible = true; break;
		case T_QUIET: cfg.quiet = true; break;
		case T_NOTICE: ev.notice = true; break;
		case T_WRONG:
			cfg.datalen = 20;
			ev.data = data;
			ev.data_len = sizeof(data);
			ev.data_skip = 16;
			ev.wrong_byte = 17;
			ev.wrong_expected = 0x11;
			ev.wrong_got = 0xee;
			break;
		case T_PRECISE: cfg.precise = true; break;
		}
		report_ping_init(&r, &cfg);
		report_ping_on_event(&r, &ev);
		CHECK(!strcmp(cap_text(&c), t[i].want), "%s:\n got: \"%s\"\nwant: \"%s\"",
		      t[i].name, cap_text(&c), t[i].want);
		cap_close(&c);
	}
	TABLE_END();
}

static void test_header(void **state)
{
	static const uint8_t pat[] = { 0xab, 0xcd, 0x01 };
	static const struct {
		const char *name;
		int family;
		bool pattern, source;
		const char *device;
		const char *want;
	} t[] = {
		{ "v4", AF_INET, false, false, NULL,
		  "PING target.example (198.18.0.2) 56(84) bytes of data.\n" },
		{ "v6", AF_INET6, false, false, NULL,
		  "PING target(2001:2::2) 56 data bytes\n" },
		{ "v4 -p", AF_INET, true, false, NULL,
		  "PATTERN: 0xabcd01\n"
		  "PING target.example (198.18.0.2) 56(84) bytes of data.\n" },
		{ "v4 -I address", AF_INET, false, true, NULL,
		  "PING target.example (198.18.0.2) from 198.18.0.1 : "
		  "56(84) bytes of data.\n" },
		{ "v4 -I device", AF_INET, false, true, "veth0",
		  "PING target.example (198.18.0.2) from 198.18.0.1 veth0: "
		  "56(84) bytes of data.\n" },
		{ "v6 -I address", AF_INET6, false, true, NULL,
		  "PING target(2001:2::2) from 2001:2::1 : 56 data bytes\n" },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct cap c;
		struct report_ping r;
		struct report_ping_cfg cfg;
		struct event ev;

		cap_open(&c);
		cfg = base_cfg(c.f, t[i].family);
		if (t[i].pattern) {
			cfg.pattern = pat;
			cfg.patlen = sizeof(pat);
		}
		if (t[i].source)
			cfg.src = t[i].family == AF_INET6 ?
				(const struct sockaddr *)&router6 :
				(const struct sockaddr *)&router4;
		cfg.device = t[i].device;
		memset(&ev, 0, sizeof(ev));
		ev.type = EV_START;
		ev.family = t[i].family;
		report_ping_init(&r, &cfg);
		report_ping_on_event(&r, &ev);
		CHECK(!strcmp(cap_text(&c), t[i].want), "%s:\n got: \"%s\"\nwant: \"%s\"",
		      t[i].name, cap_text(&c), t[i].want);
		cap_close(&c);
	}
	TABLE_END();
}

/* Flood mode writes to the descriptor: a dot per probe, a backspace per
 * reply, "\bE" per error, nothing for a notice. */
static void test_flood(void **state)
{
	FILE *f = tmpfile();
	struct report_ping r;
	struct report_ping_cfg cfg;
	struct event ev;
	char buf[64];
	size_t n;
	(void)state;

	assert_non_null(f);
	cfg = base_cfg(f, AF_INET);
	cfg.flood = true;
	stats_init(&st);
	report_ping_init(&r, &cfg);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_SENT;
	report_ping_on_event(&r, &ev);
	ev = ev_reply(AF_INET, 1, 45 * US);
	report_ping_on_event(&r, &ev);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_SENT;
	report_ping_on_event(&r, &ev);
	ev = ev_error(AF_INET, 2, 11, 0, 0);
	report_ping_on_event(&r, &ev);
	ev = ev_error(AF_INET, 2, 5, 1, 0);
	ev.notice = true;
	report_ping_on_event(&r, &ev);
	fflush(f);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	assert_string_equal(buf, ".\b \b.\bE");
	fclose(f);
}

/* ------------------------------------------------------------ summary */

struct sum_case {
	const char *name;
	uint64_t tx;
	int64_t rtt_us[6];      /* replies with these times; -1 ends */
	int64_t dup_us;         /* a duplicate with this time, or -1 */
	unsigned corrupted, errors;
	uint64_t pipesize;
	bool ipg, notime;
	int64_t elapsed_ns;
	const char *want;
};

static void run_summary(const struct sum_case *c)
{
	struct cap cp;
	struct report_ping r;
	struct report_ping_cfg cfg;

	cap_open(&cp);
	cfg = base_cfg(cp.f, AF_INET);
	cfg.ipg = c->ipg;
	stats_init(&st);
	for (size_t k = 0; k < ARRAY_LEN(c->rtt_us) && c->rtt_us[k] >= 0; k++) {
		struct event ev = ev_reply(AF_INET, (uint16_t)(k + 1),
					   c->rtt_us[k] * US);

		ev.has_rtt = !c->notime;
		stats_update(&st, &ev);
	}
	if (c->dup_us >= 0) {
		struct event ev = ev_reply(AF_INET, 1, c->dup_us * US);

		ev.dup = true;
		stats_update(&st, &ev);
	}
	for (unsigned k = 0; k < c->corrupted; k++) {
		struct event ev = ev_reply(AF_INET, 1, 1 * MS);

		ev.bad_cksum = true;
		stats_update(&st, &ev);
	}
	for (unsigned k = 0; k < c->errors; k++) {
		struct event ev = ev_error(AF_INET, (uint16_t)(k + 1), 11, 0, 0);

		stats_update(&st, &ev);
	}
	st.transmitted = c->tx;
	st.pipesize = c->pipesize;
	report_ping_init(&r, &cfg);
	report_ping_summary(&r, c->elapsed_ns);
	CHECK(!strcmp(cap_text(&cp), c->want), "%s:\n got: \"%s\"\nwant: \"%s\"",
	      c->name, cap_text(&cp), c->want);
	cap_close(&cp);
}

#define HEAD "\n--- target.example ping statistics ---\n"
#define NONE { -1 }

static void test_summary(void **state)
{
	static const struct sum_case t[] = {
		{ "three replies", 3, { 45, 50, 55, -1 }, -1, 0, 0, 0, false, false,
		  2003 * MS, HEAD "3 packets transmitted, 3 received, 0% packet loss, "
		  "time 2003ms\nrtt min/avg/max/mdev = 0.045/0.050/0.055/0.004 ms\n" },
		{ "one reply", 1, { 1234, -1 }, -1, 0, 0, 0, false, false, 0,
		  HEAD "1 packets transmitted, 1 received, 0% packet loss, time 0ms\n"
		  "rtt min/avg/max/mdev = 1.234/1.234/1.234/0.000 ms\n" },
		/* No times: iputils still ends the block with a newline,
		 * which leaves an empty line. */
		{ "errors only", 3, NONE, -1, 0, 3, 0, false, false, 2002 * MS,
		  HEAD "3 packets transmitted, 0 received, +3 errors, 100% packet "
		  "loss, time 2002ms\n\n" },
		{ "all lost", 5, NONE, -1, 0, 0, 0, false, false, 4005 * MS,
		  HEAD "5 packets transmitted, 0 received, 100% packet loss, "
		  "time 4005ms\n\n" },
		{ "replies without times", 2, { 0, 0, -1 }, -1, 0, 0, 0, false, true,
		  1001 * MS, HEAD "2 packets transmitted, 2 received, 0% packet "
		  "loss, time 1001ms\n\n" },
		{ "duplicates, corrupted and errors", 4, { 1000, 3000, -1 }, 2000, 1,
		  1, 0, false, false, 3004 * MS,
		  HEAD "4 packets transmitted, 2 received, +1 duplicates, +1 "
		  "corrupted, +1 errors, 50% packet loss, time 3004ms\n"
		  "rtt min/avg/max/mdev = 1.000/2.000/3.000/0.816 ms\n" },
		{ "two thirds lost", 3, { 100, -1 }, -1, 0, 0, 0, false, false,
		  2000 * MS, HEAD "3 packets transmitted, 1 received, 66.6667% packet "
		  "loss, time 2000ms\nrtt min/avg/max/mdev = 0.100/0.100/0.100/0.000 "
		  "ms\n" },
		{ "nothing sent", 0, NONE, -1, 0, 0, 0, false, false, 0,
		  HEAD "0 packets transmitted, 0 received\n\n" },
		{ "pipe", 3, { 1000, 1000, 1000, -1 }, -1, 0, 0, 3, false, false,
		  2 * MS, HEAD "3 packets transmitted, 3 received, 0% packet loss, "
		  "time 2ms\nrtt min/avg/max/mdev = 1.000/1.000/1.000/0.000 ms, "
		  "pipe 3\n" },
		{ "pipe without times", 3, NONE, -1, 0, 3, 2, false, false, 2 * MS,
		  HEAD "3 packets transmitted, 0 received, +3 errors, 100% packet "
		  "loss, time 2ms\npipe 2\n" },
		{ "ipg/ewma", 3, { 1000, 1000, 1000, -1 }, -1, 0, 0, 0, true, false,
		  2003500 * US, HEAD "3 packets transmitted, 3 received, 0% packet "
		  "loss, time 2004ms\nrtt min/avg/max/mdev = 1.000/1.000/1.000/0.000 "
		  "ms, ipg/ewma 1001.750/1.000 ms\n" },
		{ "ipg/ewma needs two probes", 1, { 1000, -1 }, -1, 0, 0, 0, true,
		  false, 0, HEAD "1 packets transmitted, 1 received, 0% packet loss, "
		  "time 0ms\nrtt min/avg/max/mdev = 1.000/1.000/1.000/0.000 ms\n" },
		{ "ipg/ewma needs a reply", 3, NONE, -1, 0, 0, 0, true, false,
		  2 * MS, HEAD "3 packets transmitted, 0 received, 100% packet loss, "
		  "time 2ms\n\n" },
		{ "pipe and ipg", 3, { 1000, 1000, 1000, -1 }, -1, 0, 0, 2, true,
		  false, 20 * MS, HEAD "3 packets transmitted, 3 received, 0% packet "
		  "loss, time 20ms\nrtt min/avg/max/mdev = 1.000/1.000/1.000/0.000 ms, "
		  "pipe 2, ipg/ewma 10.000/1.000 ms\n" },
		{ "time rounds down", 2, { 1000, 1000, -1 }, -1, 0, 0, 0, false, false,
		  2003499999, HEAD "2 packets transmitted, 2 received, 0% packet "
		  "loss, time 2003ms\nrtt min/avg/max/mdev = 1.000/1.000/1.000/0.000 "
		  "ms\n" },
		{ "time rounds up", 2, { 1000, 1000, -1 }, -1, 0, 0, 0, false, false,
		  2003500000, HEAD "2 packets transmitted, 2 received, 0% packet "
		  "loss, time 2004ms\nrtt min/avg/max/mdev = 1.000/1.000/1.000/0.000 "
		  "ms\n" },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++)
		run_summary(&t[i]);
	TABLE_END();
}

/* Regression test (fixed; was: src/report/ping_text.c, report_ping_summary: ms3() on mean_ns,
 * stats_mdev_ns() and ewma8_ns / 8): with whole-microsecond times, where
 * rounding each time to the microsecond changes nothing, iputils still
 * prints avg = tsum / total, mdev = llsqrt(integer variance) and ewma =
 * rtt / 8 in integer microseconds, i.e. truncated, while echolot rounds
 * the exact value with "%.3f".  Times of 1 and 2 us: iputils avg 0.001,
 * mdev 0.000; echolot 0.002 and 0.001.  Times of 45, 50, 55 us: iputils
 * ewma 375 / 8 = 46 us, 0.046; echolot 46.797 us, 0.047.  At most 1 us
 * either way, but it breaks byte-for-byte diffs with iputils. */
static void test_summary_truncates_like_iputils(void **state)
{
	static const struct {
		const char *name;
		int64_t rtt_ns[3];
		size_t n;
		const char *want;
	} t[] = {
		{ "avg 1.5 us", { 1000, 2000 }, 2,
		  HEAD "2 packets transmitted, 2 received, 0% packet loss, time 0ms\n"
		  "rtt min/avg/max/mdev = 0.001/0.001/0.002/0.000 ms, "
		  "ipg/ewma 0.000/0.001 ms\n" },
		/* ewma of 45, 50, 55 us: iputils 375 / 8 = 46 us. */
		{ "ewma", { 45000, 50000, 55000 }, 3,
		  HEAD "3 packets transmitted, 3 received, 0% packet loss, time 0ms\n"
		  "rtt min/avg/max/mdev = 0.045/0.050/0.055/0.004 ms, "
		  "ipg/ewma 0.000/0.046 ms\n" },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct cap cp;
		struct report_ping r;
		struct report_ping_cfg cfg;

		cap_open(&cp);
		cfg = base_cfg(cp.f, AF_INET);
		cfg.ipg = true;
		stats_init(&st);
		for (size_t k = 0; k < t[i].n; k++) {
			struct event ev = ev_reply(AF_INET, (uint16_t)(k + 1),
						   t[i].rtt_ns[k]);

			stats_update(&st, &ev);
		}
		st.transmitted = t[i].n;
		report_ping_init(&r, &cfg);
		report_ping_summary(&r, 0);
		CHECK(!strcmp(cap_text(&cp), t[i].want),
		      "%s:\n got: \"%s\"\nwant: \"%s\"", t[i].name, cap_text(&cp),
		      t[i].want);
		cap_close(&cp);
	}
	TABLE_END();
}

/* One rule for min/avg/max/mdev (was: min and max rounded, avg truncated
 * from nanoseconds, so that half of `ping -c 1` runs printed an avg below
 * the min, 0.011/0.010/0.011).  Every time is rounded to the microsecond
 * as its reply line shows it, then iputils' integer arithmetic. */
static void summary_rtt_line(const int64_t *rtt_ns, size_t n, char *line,
			     size_t len)
{
	struct cap cp;
	struct report_ping r;
	struct report_ping_cfg cfg;
	const char *t, *l;

	cap_open(&cp);
	cfg = base_cfg(cp.f, AF_INET);
	stats_init(&st);
	for (size_t k = 0; k < n; k++) {
		struct event ev = ev_reply(AF_INET, (uint16_t)(k + 1), rtt_ns[k]);

		stats_update(&st, &ev);
	}
	st.transmitted = n;
	report_ping_init(&r, &cfg);
	report_ping_summary(&r, 0);
	t = cap_text(&cp);
	l = strstr(t, "rtt min/avg/max/mdev = ");
	snprintf(line, len, "%.*s", l ? (int)strcspn(l, "\n") : 0, l ? l : "");
	cap_close(&cp);
}

static void test_summary_rounding_edge(void **state)
{
	static const struct {
		const char *name;
		int64_t rtt_ns[4];
		size_t n;
		const char *want;
	} t[] = {
		/* The report: one reply of 10.6 us, avg printed 0.010. */
		{ "one reply, 10.6 us", { 10600 }, 1,
		  "rtt min/avg/max/mdev = 0.011/0.011/0.011/0.000 ms" },
		{ "one reply, 10.499 us", { 10499 }, 1,
		  "rtt min/avg/max/mdev = 0.010/0.010/0.010/0.000 ms" },
		{ "one reply, 10.5 us", { 10500 }, 1,
		  "rtt min/avg/max/mdev = 0.011/0.011/0.011/0.000 ms" },
		/* 10 and 11 us: avg 10.5 truncates to 10, still >= min. */
		{ "either side of .5", { 10499, 10500 }, 2,
		  "rtt min/avg/max/mdev = 0.010/0.010/0.011/0.000 ms" },
		{ "999.5 us is 1 ms", { 999500, 999500 }, 2,
		  "rtt min/avg/max/mdev = 1.000/1.000/1.000/0.000 ms" },
		/* 1, 2, 2 us: avg 5/3 = 1; variance 2/9 truncates to 0. */
		{ "three on the edge", { 1499, 1500, 1501 }, 3,
		  "rtt min/avg/max/mdev = 0.001/0.001/0.002/0.000 ms" },
		/* 1 and 4 us: variance 2.25, mdev 1. */
		{ "mdev", { 1000, 4000 }, 2,
		  "rtt min/avg/max/mdev = 0.001/0.002/0.004/0.001 ms" },
	};
	char line[128];
	unsigned seed = 12345;
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		summary_rtt_line(t[i].rtt_ns, t[i].n, line, sizeof(line));
		CHECK(!strcmp(line, t[i].want), "%s:\n got: \"%s\"\nwant: \"%s\"",
		      t[i].name, line, t[i].want);
	}
	/* Any times near the rounding edges: min <= avg <= max as printed,
	 * and min and max as the reply lines show them. */
	for (int round = 0; round < 2000; round++) {
		int64_t rtt[4], lo = INT64_MAX, hi = 0;
		size_t n = 1 + (size_t)(round % 4);
		unsigned a1, a2, v1, v2, x1, x2, m1, m2;
		char want_min[32], want_max[32];

		for (size_t k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			rtt[k] = (int64_t)((seed >> 8) % 3000) * 1000 + 499 +
				 (int64_t)((seed >> 4) % 3);
			lo = rtt[k] < lo ? rtt[k] : lo;
			hi = rtt[k] > hi ? rtt[k] : hi;
		}
		summary_rtt_line(rtt, n, line, sizeof(line));
		CHECK(sscanf(line, "rtt min/avg/max/mdev = %u.%u/%u.%u/%u.%u/%u.%u ms",
			     &v1, &v2, &a1, &a2, &x1, &x2, &m1, &m2) == 8,
		      "unparsed: %s", line);
		CHECK(v1 * 1000 + v2 <= a1 * 1000 + a2 && a1 * 1000 + a2 <= x1 * 1000 + x2,
		      "min <= avg <= max broken: %s", line);
		snprintf(want_min, sizeof(want_min), "= %lld.%03lld/",
			 (long long)((lo + 500) / 1000000), (long long)((lo + 500) / 1000 % 1000));
		snprintf(want_max, sizeof(want_max), "/%lld.%03lld/",
			 (long long)((hi + 500) / 1000000), (long long)((hi + 500) / 1000 % 1000));
		CHECK(strstr(line, want_min) && strstr(line, want_max),
		      "min or max not as the reply line: %s (min %lld ns, max %lld ns)",
		      line, (long long)lo, (long long)hi);
	}
	TABLE_END();
}

/* Link-local scopes as getnameinfo() shows them: by name when the table
 * has one, else by index; in "name (addr)" inside the parentheses. */
static void test_scoped(void **state)
{
	struct sock_ifnames names;
	struct sockaddr_in6 a = sin6("fe80::1");
	struct sockaddr_in g = sin4("198.18.0.1");
	char buf[128];
	(void)state;

	memset(&names, 0, sizeof(names));
	names.n = 1;
	names.e[0].index = 7;
	strcpy(names.e[0].name, "eth0");
	/* No scope: as it is. */
	assert_string_equal(report_scoped((struct sockaddr *)&a, "fe80::1", &names,
					  buf, sizeof(buf)), "fe80::1");
	a.sin6_scope_id = 7;
	assert_string_equal(report_scoped((struct sockaddr *)&a, "fe80::1", &names,
					  buf, sizeof(buf)), "fe80::1%eth0");
	assert_string_equal(report_scoped((struct sockaddr *)&a, "r1.test (fe80::1)",
					  &names, buf, sizeof(buf)), "r1.test (fe80::1%eth0)");
	/* traceroute's "addr (addr)"; getnameinfo's scoped name for an
	 * address without one; an unknown text. */
	assert_string_equal(report_scoped((struct sockaddr *)&a, "fe80::1 (fe80::1)",
					  &names, buf, sizeof(buf)), "fe80::1%eth0 (fe80::1%eth0)");
	assert_string_equal(report_scoped((struct sockaddr *)&a, "fe80::1%eth0 (fe80::1)",
					  &names, buf, sizeof(buf)), "fe80::1%eth0 (fe80::1%eth0)");
	assert_string_equal(report_scoped((struct sockaddr *)&a, "fe80::1%eth0",
					  &names, buf, sizeof(buf)), "fe80::1%eth0");
	assert_string_equal(report_scoped((struct sockaddr *)&a, "?", &names, buf,
					  sizeof(buf)), "?");
	/* An index the table does not know; no table at all. */
	a.sin6_scope_id = 9;
	assert_string_equal(report_scoped((struct sockaddr *)&a, "fe80::1", &names,
					  buf, sizeof(buf)), "fe80::1%9");
	assert_string_equal(report_scoped((struct sockaddr *)&a, "fe80::1", NULL,
					  buf, sizeof(buf)), "fe80::1%9");
	/* IPv4 has no scope. */
	assert_string_equal(report_scoped((struct sockaddr *)&g, "198.18.0.1", &names,
					  buf, sizeof(buf)), "198.18.0.1");
}

/* report_addr's own IPv4 text is inet_ntop's, byte for byte, for every
 * octet value in every place; a buffer too small for it gets inet_ntop's
 * answer (NULL, or the text when it fits). */
static void test_addr_ip4(void **state)
{
	struct sockaddr_in a;
	char want[INET_ADDRSTRLEN], got[INET_ADDRSTRLEN], small[8];

	(void)state;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	for (unsigned v = 0; v < 256; v++) {
		for (unsigned place = 0; place < 4; place++) {
			uint8_t b[4] = { 198, 18, 7, 1 };

			b[place] = (uint8_t)v;
			memcpy(&a.sin_addr, b, 4);
			assert_non_null(inet_ntop(AF_INET, b, want, sizeof(want)));
			memset(got, 'x', sizeof(got));
			assert_non_null(report_addr((struct sockaddr *)&a, got, sizeof(got)));
			assert_string_equal(got, want);
		}
	}
	memcpy(&a.sin_addr, (const uint8_t[4]){ 255, 255, 255, 255 }, 4);
	assert_string_equal(report_addr((struct sockaddr *)&a, got, sizeof(got)),
			    "255.255.255.255");
	assert_null(report_addr((struct sockaddr *)&a, small, sizeof(small)));
	memcpy(&a.sin_addr, (const uint8_t[4]){ 1, 2, 3, 4 }, 4);
	assert_string_equal(report_addr((struct sockaddr *)&a, small, sizeof(small)),
			    "1.2.3.4");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_ip4),
		cmocka_unit_test(test_fmt_rtt),
		cmocka_unit_test(test_fmt_rtt_small_buffer),
		cmocka_unit_test(test_icmp_text),
		cmocka_unit_test(test_event_lines),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_flood),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_summary_truncates_like_iputils),
		cmocka_unit_test(test_summary_rounding_edge),
		cmocka_unit_test(test_scoped),
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
