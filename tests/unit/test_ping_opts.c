/* Unit tests for src/cli/ping_opts: every option's good values, and bad
 * values with iputils' exact messages (checked against iputils 20221126,
 * Debian 12's /usr/bin/ping, where it can say it). */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "unit.h"
#include "cli/ping_opts.h"

/* Table rows leave their trailing fields (expected values, target) out. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define NS 1000000000LL
#define MS 1000000LL

#define PRIV true
#define USER false
#define OK PING_OPTS_OK
#define EXIT PING_OPTS_EXIT
#define EXIT1 PING_OPTS_EXIT1
#define MAXARGS 12

/* A field of struct ping_opts by name, as a number, for the tables. */
static long long field(const struct ping_opts *o, const char *name)
{
	static const struct {
		const char *name;
		size_t off, size;
		bool is_signed;
	} f[] = {
#define F(x, s) { #x, offsetof(struct ping_opts, x), \
		  sizeof(((struct ping_opts *)0)->x), s }
		F(family, true), F(count, false), F(interval_ns, true),
		F(deadline_ns, true), F(linger_ns, true), F(datalen, true),
		F(ttl, true), F(tos, true), F(mark, true), F(pmtudisc, true),
		F(sndbuf, true), F(ident, true), F(preload, false),
		F(flowlabel, false), F(has_flowlabel, false), F(patlen, false),
		F(audible, false), F(adaptive, false), F(broadcast, false),
		F(strict_source, false), F(do_connect, false),
		F(timestamps, false), F(debug, false), F(flood, false),
		F(force_names, false), F(no_mcast_loop, false), F(numeric, false),
		F(outstanding, false), F(quiet, false), F(dontroute, false),
		F(user_latency, false), F(verbose, false), F(precise, false),
		F(version, false), F(help, false), F(help_stdout, false),
		F(os, false), F(rroute, false), F(timestamp, true),
		F(noperands, true),
#undef F
	};

	for (size_t i = 0; i < ARRAY_LEN(f); i++) {
		const unsigned char *p = (const unsigned char *)o + f[i].off;

		if (strcmp(f[i].name, name))
			continue;
		switch (f[i].size) {
		case 1: return *(const uint8_t *)p;
		case 4: return f[i].is_signed ? (long long)*(const int32_t *)p
					      : (long long)*(const uint32_t *)p;
		case 8: return f[i].is_signed ? (long long)*(const int64_t *)p
					      : (long long)*(const uint64_t *)p;
		}
	}
	fail_msg("no field %s", name);
	return 0;
}

struct want {
	const char *field;
	long long value;
};

struct opt_case {
	const char *argv[MAXARGS];      /* after "ping"; NULL-terminated */
	bool privileged;
	int rc;
	const char *err;                /* NULL: not checked (rc OK: "") */
	struct want want[5];
	const char *target;             /* NULL: not checked */
};

static int parse(const char *const *args, bool privileged, struct ping_opts *o,
		 char *err, size_t errlen)
{
	/* getopt permutes argv: a writable copy of the pointers. */
	char *argv[MAXARGS + 2];
	int argc = 0;

	argv[argc++] = (char *)"ping";
	for (size_t i = 0; i < MAXARGS && args[i]; i++)
		argv[argc++] = (char *)args[i];
	argv[argc] = NULL;
	ping_opts_default(o);
	memset(err, 'x', errlen - 1);
	err[errlen - 1] = '\0';
	return ping_opts_parse(argc, argv, privileged, o, err, errlen);
}

static void join(char *buf, size_t len, const char *const *args)
{
	buf[0] = '\0';
	for (size_t i = 0; i < MAXARGS && args[i]; i++) {
		strncat(buf, i ? " " : "", len - strlen(buf) - 1);
		strncat(buf, *args[i] ? args[i] : "''", len - strlen(buf) - 1);
	}
}

/* Every table row starts from a clean getopt, so that a row that stops
 * half way through a cluster cannot disturb the next.  (Whether the
 * parser resets getopt itself is test_getopt_state_reset's business.) */
static int reset_getopt(void **state)
{
	char *argv[] = { (char *)"x", NULL };

	(void)state;
	optind = 0;
	opterr = 0;
	(void)getopt(1, argv, "");
	return 0;
}

static void run_table(const struct opt_case *t, size_t n)
{
	TABLE_BEGIN();
	for (size_t i = 0; i < n; i++) {
		struct ping_opts o;
		char err[512], name[256];
		int rc;

		reset_getopt(NULL);
		rc = parse(t[i].argv, t[i].privileged, &o, err, sizeof(err));

		join(name, sizeof(name), t[i].argv);
		CHECK(rc == t[i].rc, "ping %s (%s): rc %d want %d, err \"%s\"", name,
		      t[i].privileged ? "root" : "user", rc, t[i].rc, err);
		if (t[i].err)
			CHECK(!strcmp(err, t[i].err), "ping %s: err \"%s\" want \"%s\"",
			      name, err, t[i].err);
		else if (t[i].rc == OK)
			CHECK(err[0] == '\0', "ping %s: err \"%s\" on success", name, err);
		for (size_t k = 0; k < ARRAY_LEN(t[i].want) && t[i].want[k].field; k++) {
			long long got = field(&o, t[i].want[k].field);

			CHECK(got == t[i].want[k].value, "ping %s: %s = %lld want %lld",
			      name, t[i].want[k].field, got, t[i].want[k].value);
		}
		if (t[i].target)
			CHECK(o.target && !strcmp(o.target, t[i].target),
			      "ping %s: target \"%s\" want \"%s\"", name,
			      o.target ? o.target : "(null)", t[i].target);
	}
	TABLE_END();
}

/* ------------------------------------------------------------ defaults */

static void test_defaults(void **state)
{
	static const struct opt_case t[] = {
		{ { "host" }, PRIV, OK, "", { { "family", AF_UNSPEC },
		  { "count", 0 }, { "interval_ns", 1 * NS }, { "linger_ns", 10 * NS },
		  { "datalen", 56 } }, "host" },
		{ { "host" }, USER, OK, "", { { "ttl", -1 }, { "tos", -1 },
		  { "mark", -1 }, { "pmtudisc", -1 }, { "ident", -1 } }, "host" },
		{ { "host" }, USER, OK, "", { { "preload", 1 }, { "sndbuf", 0 },
		  { "deadline_ns", 0 }, { "patlen", 0 }, { "has_flowlabel", 0 } },
		  "host" },
	};
	(void)state;

	run_table(t, ARRAY_LEN(t));
}

/* ------------------------------------------------------------ good */

static void test_flags(void **state)
{
	static const struct opt_case t[] = {
		{ { "-4", "h" }, USER, OK, "", { { "family", AF_INET } }, "h" },
		{ { "-6", "h" }, USER, OK, "", { { "family", AF_INET6 } }, "h" },
		{ { "-4", "-4", "h" }, USER, OK, "", { { "family", AF_INET } }, "h" },
		{ { "-3", "h" }, USER, OK, "", { { "precise", 1 } }, "h" },
		{ { "-a", "h" }, USER, OK, "", { { "audible", 1 } }, "h" },
		{ { "-A", "h" }, USER, OK, "", { { "adaptive", 1 } }, "h" },
		{ { "-b", "h" }, USER, OK, "", { { "broadcast", 1 } }, "h" },
		{ { "-B", "h" }, USER, OK, "", { { "strict_source", 1 } }, "h" },
		{ { "-C", "h" }, USER, OK, "", { { "do_connect", 1 } }, "h" },
		{ { "-d", "h" }, USER, OK, "", { { "debug", 1 } }, "h" },
		{ { "-D", "h" }, USER, OK, "", { { "timestamps", 1 } }, "h" },
		{ { "-H", "h" }, USER, OK, "", { { "force_names", 1 } }, "h" },
		{ { "-L", "h" }, USER, OK, "", { { "no_mcast_loop", 1 } }, "h" },
		{ { "-n", "h" }, USER, OK, "", { { "numeric", 1 } }, "h" },
		{ { "-O", "h" }, USER, OK, "", { { "outstanding", 1 } }, "h" },
		{ { "-q", "h" }, USER, OK, "", { { "quiet", 1 } }, "h" },
		{ { "-r", "h" }, USER, OK, "", { { "dontroute", 1 } }, "h" },
		{ { "-U", "h" }, USER, OK, "", { { "user_latency", 1 } }, "h" },
		{ { "-v", "h" }, USER, OK, "", { { "verbose", 1 } }, "h" },
		{ { "--os", "h" }, USER, OK, "", { { "os", 1 } }, "h" },
		/* Clustered, and options after the destination. */
		{ { "-nqv", "h" }, USER, OK, "", { { "numeric", 1 }, { "quiet", 1 },
		  { "verbose", 1 } }, "h" },
		{ { "h", "-n", "-c", "2" }, USER, OK, "", { { "numeric", 1 },
		  { "count", 2 } }, "h" },
		/* -f: root floods, interval 0. */
		{ { "-f", "h" }, PRIV, OK, "", { { "flood", 1 }, { "interval_ns", 0 } },
		  "h" },
		{ { "-f", "-i", "0.5", "h" }, PRIV, OK, "", { { "flood", 1 },
		  { "interval_ns", 500 * MS } }, "h" },
		/* A user may flood at the minimal interval. */
		{ { "-f", "-i", "0.2", "h" }, USER, OK, "", { { "flood", 1 },
		  { "interval_ns", 200 * MS } }, "h" },
		/* -V needs no destination. */
		{ { "-V" }, USER, OK, "", { { "version", 1 } }, NULL },
		{ { "--version" }, USER, OK, "", { { "version", 1 } }, NULL },
	};
	(void)state;

	run_table(t, ARRAY_LEN(t));
}

static void test_values(void **state)
{
	static const struct opt_case t[] = {
		{ { "-c", "5", "h" }, USER, OK, "", { { "count", 5 } }, "h" },
		{ { "-c5", "h" }, USER, OK, "", { { "count", 5 } }, "h" },
		{ { "-c", "1", "h" }, USER, OK, "", { { "count", 1 } }, "h" },
		{ { "-c", "9223372036854775807", "h" }, USER, OK, "",
		  { { "count", LLONG_MAX } }, "h" },
		{ { "-c", "010", "h" }, USER, OK, "", { { "count", 10 } }, "h" },
		{ { "-c", "+5", "h" }, USER, OK, "", { { "count", 5 } }, "h" },
		{ { "-e", "0", "h" }, USER, OK, "", { { "ident", 0 } }, "h" },
		{ { "-e", "65535", "h" }, USER, OK, "", { { "ident", 65535 } }, "h" },
		{ { "-6", "-F", "0x12345", "h" }, USER, OK, "", { { "flowlabel", 0x12345 },
		  { "has_flowlabel", 1 } }, "h" },
		{ { "-i", "0.2", "h" }, USER, OK, "", { { "interval_ns", 200 * MS } }, "h" },
		{ { "-i", "0.002", "h" }, USER, OK, "", { { "interval_ns", 2 * MS } }, "h" },
		{ { "-i", "2", "h" }, USER, OK, "", { { "interval_ns", 2 * NS } }, "h" },
		{ { "-i", "1e-1", "h" }, USER, OK, "", { { "interval_ns", 100 * MS } }, "h" },
		{ { "-i", "0", "h" }, PRIV, OK, "", { { "interval_ns", 0 } }, "h" },
		{ { "-i", "0.0001", "h" }, PRIV, OK, "", { { "interval_ns", 100000 } },
		  "h" },
		{ { "-I", "veth0", "h" }, USER, OK, "", { { "family", AF_UNSPEC } }, "h" },
		{ { "-l", "3", "h" }, USER, OK, "", { { "preload", 3 } }, "h" },
		{ { "-l", "1", "h" }, USER, OK, "", { { "preload", 1 } }, "h" },
		{ { "-l", "65536", "h" }, PRIV, OK, "", { { "preload", 65536 } }, "h" },
		{ { "-m", "0", "h" }, USER, OK, "", { { "mark", 0 } }, "h" },
		{ { "-m", "42", "h" }, USER, OK, "", { { "mark", 42 } }, "h" },
		{ { "-M", "do", "h" }, USER, OK, "", { { "pmtudisc", 2 } }, "h" },
		{ { "-M", "dont", "h" }, USER, OK, "", { { "pmtudisc", 0 } }, "h" },
		{ { "-M", "want", "h" }, USER, OK, "", { { "pmtudisc", 1 } }, "h" },
		{ { "-M", "probe", "h" }, USER, OK, "", { { "pmtudisc", 3 } }, "h" },
		{ { "-p", "ff", "h" }, USER, OK, "", { { "patlen", 1 } }, "h" },
		{ { "-p", "abcd", "h" }, USER, OK, "", { { "patlen", 2 } }, "h" },
		{ { "-p", "123", "h" }, USER, OK, "", { { "patlen", 2 } }, "h" },
		{ { "-p", "0123456789abcdef0123456789abcdef01", "h" }, USER, OK, "",
		  { { "patlen", 16 } }, "h" },
		{ { "-Q", "0", "h" }, USER, OK, "", { { "tos", 0 } }, "h" },
		{ { "-Q", "184", "h" }, USER, OK, "", { { "tos", 184 } }, "h" },
		{ { "-Q", "255", "h" }, USER, OK, "", { { "tos", 255 } }, "h" },
		{ { "-Q", "0x10", "h" }, USER, OK, "", { { "tos", 16 } }, "h" },
		{ { "-Q", "0X1f", "h" }, USER, OK, "", { { "tos", 31 } }, "h" },
		{ { "-s", "0", "h" }, USER, OK, "", { { "datalen", 0 } }, "h" },
		{ { "-s", "1472", "h" }, USER, OK, "", { { "datalen", 1472 } }, "h" },
		{ { "-s", "65507", "h" }, USER, OK, "", { { "datalen", 65507 } }, "h" },
		/* IPv6 carries 20 bytes more (no header in its length). */
		{ { "-s", "65527", "h" }, USER, OK, "", { { "datalen", 65527 } }, "h" },
		{ { "-6", "-s", "65527", "h" }, USER, OK, "", { { "datalen", 65527 } }, "h" },
		{ { "-R", "h" }, USER, OK, "", { { "rroute", 1 }, { "timestamp", -1 } }, "h" },
		{ { "-T", "tsonly", "h" }, USER, OK, "", { { "timestamp", 0 } }, "h" },
		{ { "-T", "tsandaddr", "h" }, USER, OK, "", { { "timestamp", 1 } }, "h" },
		{ { "-T", "tsprespec", "a", "h" }, USER, OK, "", { { "timestamp", 3 } }, "h" },
		{ { "-S", "1", "h" }, USER, OK, "", { { "sndbuf", 1 } }, "h" },
		{ { "-l", "65536", "-i", "35184", "h" }, PRIV, OK, "",
		  { { "interval_ns", 35184 * NS } }, "h" },
		{ { "-l", "1", "-i", "2147482", "h" }, PRIV, OK, "",
		  { { "interval_ns", 2147482 * NS } }, "h" },
		{ { "-S", "2147483647", "h" }, USER, OK, "", { { "sndbuf", INT_MAX } },
		  "h" },
		{ { "-t", "0", "h" }, USER, OK, "", { { "ttl", 0 } }, "h" },
		{ { "-t", "1", "h" }, USER, OK, "", { { "ttl", 1 } }, "h" },
		{ { "-t", "255", "h" }, USER, OK, "", { { "ttl", 255 } }, "h" },
		{ { "-w", "0", "h" }, USER, OK, "", { { "deadline_ns", 0 } }, "h" },
		{ { "-w", "5", "h" }, USER, OK, "", { { "deadline_ns", 5 * NS } }, "h" },
		{ { "-w", "2147483647", "h" }, USER, OK, "",
		  { { "deadline_ns", 2147483647LL * NS } }, "h" },
		{ { "-W", "0.5", "h" }, USER, OK, "", { { "linger_ns", 500 * MS } }, "h" },
		{ { "-W", "3", "h" }, USER, OK, "", { { "linger_ns", 3 * NS } }, "h" },
		{ { "-W", "0", "h" }, USER, OK, "", { { "linger_ns", 0 } }, "h" },
		/* The last of a repeated option wins. */
		{ { "-c", "3", "-c", "4", "h" }, USER, OK, "", { { "count", 4 } }, "h" },
		{ { "-M", "want", "-M", "do", "h" }, USER, OK, "", { { "pmtudisc", 2 } },
		  "h" },
	};
	(void)state;

	run_table(t, ARRAY_LEN(t));
}

static void test_pattern_bytes(void **state)
{
	static const struct {
		const char *arg;
		size_t len;
		uint8_t want[16];
	} t[] = {
		{ "ff", 1, { 0xff } },
		{ "abcd", 2, { 0xab, 0xcd } },
		/* An odd digit is a byte of its own: iputils shows 0x1203. */
		{ "123", 2, { 0x12, 0x03 } },
		{ "a", 1, { 0x0a } },
		{ "DEADbeef", 4, { 0xde, 0xad, 0xbe, 0xef } },
		/* More than 16 bytes: the rest is ignored. */
		{ "0123456789abcdef0123456789abcdef01", 16,
		  { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
		    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef } },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		const char *args[] = { "-p", t[i].arg, "h", NULL };
		struct ping_opts o;
		char err[256];

		CHECK(parse(args, false, &o, err, sizeof(err)) == OK, "-p %s: %s",
		      t[i].arg, err);
		CHECK(o.patlen == t[i].len, "-p %s: patlen %zu want %zu", t[i].arg,
		      o.patlen, t[i].len);
		CHECK(!memcmp(o.pattern, t[i].want, t[i].len), "-p %s: bytes", t[i].arg);
	}
	TABLE_END();
}

/* ------------------------------------------------------------ bad */

static void test_bad_values(void **state)
{
	static const struct opt_case t[] = {
		{ { "-c", "0", "h" }, USER, EXIT1,
		  "invalid argument: '0': out of range: 1 <= value <= 9223372036854775807" },
		{ { "-c", "-5", "h" }, USER, EXIT1,
		  "invalid argument: '-5': out of range: 1 <= value <= 9223372036854775807" },
		{ { "-c", "x", "h" }, USER, EXIT1, "invalid argument: 'x'" },
		{ { "-c", "1x", "h" }, USER, EXIT1, "invalid argument: '1x'" },
		{ { "-c", "1.5", "h" }, USER, EXIT1, "invalid argument: '1.5'" },
		{ { "-c", "", "h" }, USER, EXIT1, "invalid argument: ''" },
		{ { "-c", "99999999999999999999", "h" }, USER, EXIT1,
		  "invalid argument: '99999999999999999999': Numerical result out of range" },
		{ { "-e", "-1", "h" }, USER, EXIT1,
		  "invalid argument: '-1': out of range: 0 <= value <= 65535" },
		{ { "-e", "65536", "h" }, USER, EXIT1,
		  "invalid argument: '65536': out of range: 0 <= value <= 65535" },
		{ { "-i", "x", "h" }, PRIV, EXIT, NULL },
		{ { "-i", "-1", "h" }, PRIV, EXIT, "bad timing interval: -1" },
		{ { "-i", "99999999999", "h" }, PRIV, EXIT,
		  "bad timing interval: 99999999999" },
		/* Each in range, together beyond the schedule's count (issue
		 * 11: iv * preload overflowed in the engine). */
		{ { "-l", "65536", "-i", "2000000", "h" }, PRIV, EXIT,
		  "bad timing interval: 2000000 (at most 35184 seconds with -l 65536)" },
		{ { "-i", "2000000", "-l", "65536", "h" }, PRIV, EXIT,
		  "bad timing interval: 2000000 (at most 35184 seconds with -l 65536)" },
		{ { "-l", "0", "h" }, PRIV, EXIT1,
		  "invalid argument: '0': out of range: 1 <= value <= 65536" },
		{ { "-l", "65537", "h" }, PRIV, EXIT1,
		  "invalid argument: '65537': out of range: 1 <= value <= 65536" },
		{ { "-m", "x", "h" }, USER, EXIT1, "invalid argument: 'x'" },
		{ { "-m", "4294967296", "h" }, USER, EXIT1,
		  "invalid argument: '4294967296': out of range: 0 <= value <= 4294967295" },
		{ { "-M", "foo", "h" }, USER, EXIT, "invalid -M argument: foo" },
		{ { "-M", "", "h" }, USER, EXIT, "invalid -M argument: " },
		{ { "-p", "zz", "h" }, USER, EXIT,
		  "patterns must be specified as hex digits: zz" },
		{ { "-p", "12g4", "h" }, USER, EXIT,
		  "patterns must be specified as hex digits: 12g4" },
		{ { "-Q", "x", "h" }, USER, EXIT, "bad TOS value: x" },
		{ { "-Q", "12x", "h" }, USER, EXIT, "bad TOS value: 12x" },
		{ { "-Q", "300", "h" }, USER, EXIT,
		  "the decimal value of TOS bits must be in range 0-255: 300" },
		{ { "-Q", "256", "h" }, USER, EXIT,
		  "the decimal value of TOS bits must be in range 0-255: 256" },
		{ { "-s", "-1", "h" }, USER, EXIT1, NULL },
		{ { "-s", "65528", "h" }, USER, EXIT1,
		  "invalid argument: '65528': out of range: 0 <= value <= 65527" },
		{ { "-4", "-s", "65508", "h" }, USER, EXIT1,
		  "invalid argument: '65508': out of range: 0 <= value <= 65507" },
		{ { "-s", "x", "h" }, USER, EXIT1, "invalid argument: 'x'" },
		{ { "-S", "0", "h" }, USER, EXIT1,
		  "invalid argument: '0': out of range: 1 <= value <= 2147483647" },
		/* As iputils 20221126: 0..255 (the kernel then refuses an
		 * IPv4 TTL of 0; an IPv6 hop limit of 0 is fine). */
		{ { "-t", "256", "h" }, USER, EXIT1,
		  "invalid argument: '256': out of range: 0 <= value <= 255" },
		{ { "-t", "0x10", "h" }, USER, EXIT1, "invalid argument: '0x10'" },
		{ { "-w", "-1", "h" }, USER, EXIT1,
		  "invalid argument: '-1': out of range: 0 <= value <= 2147483647" },
		{ { "-w", "x", "h" }, USER, EXIT1, "invalid argument: 'x'" },
		{ { "-W", "-1", "h" }, USER, EXIT, "bad linger time: -1" },
		{ { "-W", "-0.5", "h" }, USER, EXIT, "bad linger time: -0.5" },
		{ { "-4", "-6", "h" }, USER, EXIT,
		  "only one -4 or -6 option may be specified" },
		{ { "-6", "-4", "h" }, USER, EXIT,
		  "only one -4 or -6 option may be specified" },
		{ { "-46", "h" }, USER, EXIT,
		  "only one -4 or -6 option may be specified" },
		/* -F with -4 is ignored, as iputils ignores it. */
		{ { "-4", "-F", "0x1", "h" }, USER, OK, "", { { "has_flowlabel", 1 } }, "h" },
		{ { "-6", "-F", "0x100000", "h" }, USER, EXIT, NULL },
		/* Unknown options and missing arguments. */
		{ { "-Z", "h" }, USER, EXIT, "invalid option -- 'Z'" },
		{ { "--foo", "h" }, USER, EXIT, "unrecognized option '--foo'" },
		{ { "h", "-c" }, USER, EXIT, "option requires an argument -- 'c'" },
		{ { "h", "-W" }, USER, EXIT, "option requires an argument -- 'W'" },
		/* -h: usage (an empty message). */
		{ { "-h" }, USER, EXIT, "", { { "help", 1 }, { "help_stdout", 0 } } },
		{ { "--help" }, USER, EXIT, "", { { "help", 1 }, { "help_stdout", 1 } } },
		/* -V at once, as iputils: what comes before it is checked,
		 * what comes after is not. */
		{ { "-V", "-4", "-6" }, USER, OK, "", { { "version", 1 } } },
		{ { "-V", "-c", "0" }, USER, OK, "", { { "version", 1 } } },
		{ { "-c", "0", "-V" }, USER, EXIT1,
		  "invalid argument: '0': out of range: 1 <= value <= 9223372036854775807" },
		{ { "-4", "-6", "-V" }, USER, EXIT,
		  "only one -4 or -6 option may be specified" },
		/* -R and -T, as iputils. */
		{ { "-R", "-T", "tsonly", "h" }, USER, EXIT,
		  "only one of -T or -R may be used" },
		{ { "-T", "tsonly", "-R", "h" }, USER, EXIT,
		  "only one of -T or -R may be used" },
		{ { "-T", "x", "h" }, USER, EXIT, "invalid timestamp type: x" },
		{ { "h", "-T" }, USER, EXIT, "option requires an argument -- 'T'" },
	};
	(void)state;

	run_table(t, ARRAY_LEN(t));
}

static void test_destination(void **state)
{
	static const struct opt_case t[] = {
		{ { NULL }, USER, EXIT1, "usage error: Destination address required" },
		{ { "-c", "1" }, USER, EXIT1,
		  "usage error: Destination address required" },
		{ { "-n", "-q" }, PRIV, EXIT1,
		  "usage error: Destination address required" },
		/* Several operands: the last is the target, the others
		 * hops (ping_opts_check_family decides whether they may be). */
		{ { "a", "b" }, USER, OK, "", { { "noperands", 2 } }, "b" },
		{ { "-c", "1", "a", "-n", "b" }, USER, OK, "", { { "noperands", 2 } }, "b" },
		/* "--" ends the options. */
		{ { "-n", "--", "h" }, USER, OK, "", { { "numeric", 1 } }, "h" },
		{ { "198.18.0.2" }, USER, OK, "", { { "count", 0 } }, "198.18.0.2" },
		{ { "2001:2::1" }, USER, OK, "", { { "family", AF_UNSPEC } }, "2001:2::1" },
	};
	(void)state;

	run_table(t, ARRAY_LEN(t));
}

/* Hops before the target, as iputils takes them: IPv4 only, at most 9
 * (a source route), at most 4 with -T tsprespec, none with -R or another
 * -T; otherwise usage (no message). */
static void test_hops(void **state)
{
	static const struct {
		const char *argv[MAXARGS];
		int family, rc;
	} t[] = {
		{ { "a", "h" }, AF_INET, OK },
		{ { "1", "2", "3", "4", "5", "6", "7", "8", "9", "h" }, AF_INET, OK },
		{ { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "h" }, AF_INET, EXIT },
		{ { "a", "h" }, AF_INET6, EXIT },
		{ { "h" }, AF_INET6, OK },
		{ { "-R", "a", "h" }, AF_INET, EXIT },
		{ { "-T", "tsonly", "a", "h" }, AF_INET, EXIT },
		{ { "-T", "tsandaddr", "a", "h" }, AF_INET, EXIT },
		{ { "-T", "tsprespec", "a", "b", "c", "d", "h" }, AF_INET, OK },
		{ { "-T", "tsprespec", "a", "b", "c", "d", "e", "h" }, AF_INET, EXIT },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct ping_opts o;
		char err[256], name[256];
		int rc;

		reset_getopt(NULL);
		join(name, sizeof(name), t[i].argv);
		CHECK(parse(t[i].argv, false, &o, err, sizeof(err)) == OK, "%s: %s",
		      name, err);
		rc = ping_opts_check_family(&o, t[i].family, err, sizeof(err));
		CHECK(rc == t[i].rc && (rc == OK || !err[0]),
		      "ping %s (family %d): rc %d want %d, err \"%s\"", name,
		      t[i].family, rc, t[i].rc, err);
	}
	TABLE_END();
}

/* The checks that wait for the destination's family: -s above 65507 is
 * an IPv6 size only. */
static void test_check_family(void **state)
{
	static const struct {
		const char *s;
		int family, rc;
		const char *err;
	} t[] = {
		{ "65507", AF_INET, OK, "" },
		{ "65508", AF_INET, EXIT1,
		  "invalid argument: '65508': out of range: 0 <= value <= 65507" },
		{ "+65527", AF_INET, EXIT1,
		  "invalid argument: '+65527': out of range: 0 <= value <= 65507" },
		{ "65527", AF_INET6, OK, "" },
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		const char *args[] = { "-s", t[i].s, "h", NULL };
		struct ping_opts o;
		char err[256] = "";
		int rc;

		reset_getopt(NULL);
		CHECK(parse(args, false, &o, err, sizeof(err)) == OK, "-s %s: %s",
		      t[i].s, err);
		err[0] = '\0';
		rc = ping_opts_check_family(&o, t[i].family, err, sizeof(err));
		CHECK(rc == t[i].rc && !strcmp(err, t[i].err),
		      "-s %s family %d: rc %d err \"%s\"", t[i].s, t[i].family, rc, err);
	}
	TABLE_END();
}

static void test_unprivileged(void **state)
{
	static const struct opt_case t[] = {
		{ { "-f", "h" }, USER, EXIT,
		  "cannot flood; minimal interval allowed for user is 2ms" },
		{ { "-i", "0.001", "h" }, USER, EXIT,
		  "cannot flood; minimal interval allowed for user is 2ms" },
		{ { "-i", "0", "h" }, USER, EXIT,
		  "cannot flood; minimal interval allowed for user is 2ms" },
		{ { "-i", "0.0019", "h" }, USER, EXIT,
		  "cannot flood; minimal interval allowed for user is 2ms" },
		{ { "-f", "-i", "0.001", "h" }, USER, EXIT,
		  "cannot flood; minimal interval allowed for user is 2ms" },
		{ { "-l", "4", "h" }, USER, EXIT,
		  "cannot set preload to value greater than 3: 4" },
		{ { "-l", "65536", "h" }, USER, EXIT,
		  "cannot set preload to value greater than 3: 65536" },
		/* The same as root is fine. */
		{ { "-i", "0.001", "h" }, PRIV, OK, "", { { "interval_ns", 1 * MS } }, "h" },
		{ { "-l", "4", "h" }, PRIV, OK, "", { { "preload", 4 } }, "h" },
	};
	(void)state;

	run_table(t, ARRAY_LEN(t));
}

/* Regression test (fixed; was: src/cli/ping_opts.c, ping_opts_parse: "optind = 1"): glibc's
 * getopt keeps a pointer into the previous argv (the rest of a cluster
 * such as "-hq" when the parser returned at 'h').  optind = 1 does not
 * reset it, so the next parse resumes the stale cluster: the second call
 * below sees a 'q' nobody gave it (and returns PING_OPTS_EXIT with an
 * empty message).  When the old argv is gone it reads freed memory:
 * fuzz_opts hits that as a heap-use-after-free at once.  Setting
 * optind = 0 makes glibc reinitialise fully.  (The first argv is kept
 * alive here so that the failure is an assertion, not a crash.) */
static void test_getopt_state_reset(void **state)
{
	static char hq[] = "-hq", f46q[] = "-46q", host[] = "h";
	static const char *const first[][3] = {
		{ hq, host, NULL },             /* returns at 'h' */
		{ f46q, host, NULL },           /* fails at '6' */
	};
	(void)state;

	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(first); i++) {
		const char *second[] = { "-c", "5", "host", NULL };
		struct ping_opts o;
		char err[256];
		int rc;

		reset_getopt(NULL);
		(void)parse(first[i], true, &o, err, sizeof(err));
		rc = parse(second, true, &o, err, sizeof(err));
		CHECK(rc == OK, "after \"%s\": rc %d err \"%s\"", first[i][0], rc,
		      err);
		CHECK(!o.quiet, "after \"%s\": a stale -q", first[i][0]);
		CHECK(o.count == 5, "after \"%s\": count %lu", first[i][0],
		      (unsigned long)o.count);
		CHECK(o.target && !strcmp(o.target, "host"), "after \"%s\": target",
		      first[i][0]);
	}
	reset_getopt(NULL);
	TABLE_END();
}

/* Regression test (fixed; was: src/cli/ping_opts.c, case 'm': o->mark = (int)v): parse_int
 * accepts 0..UINT_MAX, as iputils does, but the value is stored in an int
 * where -1 means "no -m": -m 4294967295 becomes -1 and the mark is
 * silently not set; 2147483648.. become negative.  Whatever the type, the
 * two parses below must not give the same options. */
static void test_mark_range(void **state)
{
	const char *with[] = { "-m", "4294967295", "h", NULL };
	const char *without[] = { "h", NULL };
	const char *big[] = { "-m", "2147483648", "h", NULL };
	struct ping_opts a, b;
	char err[256];
	(void)state;

	assert_int_equal(parse(with, false, &a, err, sizeof(err)), OK);
	assert_int_equal(parse(without, false, &b, err, sizeof(err)), OK);
	a.target = b.target;
	assert_memory_not_equal(&a, &b, sizeof(a));
	assert_int_equal(parse(big, false, &a, err, sizeof(err)), OK);
	assert_true((uint32_t)a.mark == 2147483648u);
	assert_true(field(&a, "mark") >= 0);
}

/* Regression test (fixed; was: src/cli/ping_opts.c, parse_tos: strtol(s, &end, 0)): iputils'
 * parsetos() reads hex after "0x" and decimal otherwise; base 0 makes a
 * leading 0 octal, so -Q 010 sets TOS 8 instead of 10, and -Q 08 is
 * refused.  And iputils words the range error with the value, not the
 * text: "-Q 0x12c" says "...0-255: 300". */
static void test_tos_like_iputils(void **state)
{
	static const struct opt_case t[] = {
		{ { "-Q", "010", "h" }, USER, OK, "", { { "tos", 10 } }, "h" },
		{ { "-Q", "08", "h" }, USER, OK, "", { { "tos", 8 } }, "h" },
		{ { "-Q", "0x12c", "h" }, USER, EXIT,
		  "the decimal value of TOS bits must be in range 0-255: 300" },
	};
	(void)state;

	run_table(t, ARRAY_LEN(t));
}

/* Regression test (fixed; was: src/cli/ping_opts.c, case 'F': strtoul(optarg, &end, 16)):
 * iputils' parseflow() reads hex only after "0x" and decimal otherwise,
 * so -F 12 is flow label 12, not 0x12 (18).  Its messages are "bad value
 * for flowinfo: %s" and, above 20 bits, "flow value is greater than 20
 * bits: %s"; echolot says "invalid flowinfo: %s" for both. */
static void test_flowlabel_like_iputils(void **state)
{
	static const struct opt_case t[] = {
		{ { "-6", "-F", "12", "h" }, USER, OK, "", { { "flowlabel", 12 } }, "h" },
		{ { "-6", "-F", "0x12", "h" }, USER, OK, "", { { "flowlabel", 18 } }, "h" },
		{ { "-6", "-F", "1048575", "h" }, USER, OK, "",
		  { { "flowlabel", 0xfffff } }, "h" },
		{ { "-6", "-F", "zz", "h" }, USER, EXIT, "bad value for flowinfo: zz" },
		{ { "-6", "-F", "0x100000", "h" }, USER, EXIT,
		  "flow value is greater than 20 bits: 0x100000" },
		{ { "-6", "-F", "1048576", "h" }, USER, EXIT,
		  "flow value is greater than 20 bits: 1048576" },
	};
	(void)state;

	run_table(t, ARRAY_LEN(t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults, reset_getopt),
		cmocka_unit_test_setup(test_flags, reset_getopt),
		cmocka_unit_test_setup(test_values, reset_getopt),
		cmocka_unit_test_setup(test_pattern_bytes, reset_getopt),
		cmocka_unit_test_setup(test_bad_values, reset_getopt),
		cmocka_unit_test_setup(test_destination, reset_getopt),
		cmocka_unit_test_setup(test_check_family, reset_getopt),
		cmocka_unit_test_setup(test_hops, reset_getopt),
		cmocka_unit_test_setup(test_unprivileged, reset_getopt),
		cmocka_unit_test_setup(test_mark_range, reset_getopt),
		cmocka_unit_test_setup(test_tos_like_iputils, reset_getopt),
		cmocka_unit_test_setup(test_flowlabel_like_iputils, reset_getopt),
		cmocka_unit_test_setup(test_getopt_state_reset, reset_getopt),
	};

	return cmocka_run_group_tests_name("ping_opts", tests, NULL, NULL);
}
