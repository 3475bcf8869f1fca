/* Unit tests for the verdict of `echolot os` (src/analysis/fp_active), its
 * first line (src/report/os_active), and the wire helpers of its probes
 * (src/wire/os_wire.c): signals in, verdict and text out. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "unit.h"
#include "analysis/fp_active.h"
#include "analysis/fp_capture.h"
#include "report/os_active.h"
#include "wire/wire.h"

#define NONE (-1)

/* ------------------------------------------------------------- IP IDs */

static void test_ipid_pattern(void **state)
{
	static const struct {
		const char *what;
		uint16_t sent[5], got[5];
		size_t n;
		enum fp_ipid_pattern want;
		enum fp_ipid column;
	} t[] = {
		{ "one reply says nothing", { 7 }, { 7 }, 1, FP_IPSEQ_UNKNOWN, FP_IPID_UNKNOWN },
		{ "none", { 0 }, { 0 }, 0, FP_IPSEQ_UNKNOWN, FP_IPID_UNKNOWN },
		{ "zero", { 5, 9, 13 }, { 0, 0, 0 }, 3, FP_IPSEQ_ZERO, FP_IPID_ZERO },
		{ "zero for zero: copied or zero", { 0, 0, 0 }, { 0, 0, 0 }, 3,
		  FP_IPSEQ_UNKNOWN, FP_IPID_UNKNOWN },
		{ "own for zero", { 0, 0, 0 }, { 7, 8, 9 }, 3,
		  FP_IPSEQ_INCREMENTAL, FP_IPID_OWN },
		{ "copied", { 5132, 40000, 17 }, { 5132, 40000, 17 }, 3,
		  FP_IPSEQ_COPIED, FP_IPID_COPIED },
		{ "copied, one not", { 5132, 40000, 17 }, { 5132, 40001, 17 }, 3,
		  FP_IPSEQ_RANDOM, FP_IPID_OWN },
		{ "counter", { 1, 2, 3 }, { 100, 101, 102 }, 3,
		  FP_IPSEQ_INCREMENTAL, FP_IPID_OWN },
		{ "counter with gaps", { 1, 2, 3, 4 }, { 100, 103, 104, 1100 }, 4,
		  FP_IPSEQ_INCREMENTAL, FP_IPID_OWN },
		{ "counter across the wrap", { 1, 2, 3 }, { 65534, 65535, 3 }, 3,
		  FP_IPSEQ_INCREMENTAL, FP_IPID_OWN },
		{ "step too big", { 1, 2, 3 }, { 100, 101, 1200 }, 3,
		  FP_IPSEQ_RANDOM, FP_IPID_OWN },
		{ "going down", { 1, 2, 3 }, { 100, 99, 98 }, 3,
		  FP_IPSEQ_RANDOM, FP_IPID_OWN },
		{ "constant", { 1, 2, 3 }, { 4242, 4242, 4242 }, 3,
		  FP_IPSEQ_CONSTANT, FP_IPID_OWN },
		{ "random", { 1, 2, 3 }, { 51234, 923, 33333 }, 3,
		  FP_IPSEQ_RANDOM, FP_IPID_OWN },
	};

	(void)state;
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		enum fp_ipid_pattern p = fp_ipid_pattern(t[i].sent, t[i].got, t[i].n);

		CHECK(p == t[i].want, "%s: pattern %d want %d", t[i].what, p, t[i].want);
		CHECK(fp_ipid_of(p) == t[i].column, "%s: column %d want %d",
		      t[i].what, fp_ipid_of(p), t[i].column);
		CHECK(fp_ipid_pattern_name(p)[0], "%s: no name", t[i].what);
	}
	TABLE_END();
}

/* -------------------------------------------------------- the verdict */

/* What a profile of tests/net/tools/stackemu.c shows over IPv4. */
struct profile {
	const char *name;
	int ttl;                /* reply TTL as seen */
	int hops;               /* measured, or NONE */
	enum fp_code code;
	enum fp_ipid_pattern ipseq;
	int df;
	enum fp_answer ts;
	/* want */
	const char *label;
	enum fp_confidence conf;
	bool narrowed, contradict;
};

static void signals_of(const struct profile *p, struct fp_signals *s)
{
	fp_signals_init(s);
	s->code = p->code;
	if (p->code != FP_CODE_UNKNOWN) {
		s->code_sent = 123;
		s->code_got = p->code == FP_CODE_ECHOED ? 123 : 0;
	}
	s->ipseq = p->ipseq;
	s->df_on_df = p->df;
	s->timestamp = p->ts;
}

#define E FP_CODE_ECHOED
#define Z FP_CODE_ZEROED
#define CU FP_CODE_UNKNOWN
#define INC FP_IPSEQ_INCREMENTAL
#define CP FP_IPSEQ_COPIED
#define IU FP_IPSEQ_UNKNOWN
#define Y FP_ANSWER_YES
#define N FP_ANSWER_NO
#define TU FP_ANSWER_UNKNOWN
#define H FP_CONF_HIGH
#define M FP_CONF_MEDIUM
#define L FP_CONF_LOW

static void test_profiles(void **state)
{
	static const struct profile t[] = {
		/* The emulator's profiles, 3 routers away, hops measured. */
		{ "windows", 125, 3, Z, INC, 1, Y, "Windows", H, false, false },
		{ "cisco", 252, 3, E, CP, 1, Y, "Cisco IOS", H, true, false },
		{ "freebsd", 61, 3, E, INC, 1, Y, "FreeBSD", H, true, false },
		{ "macos", 61, 3, E, INC, 1, N, "macOS", H, true, false },
		{ "solaris", 252, 3, E, INC, 1, N, "Solaris", H, true, false },
		{ "openbsd", 252, 3, E, INC, 0, Y, "OpenBSD", H, true, false },
		{ "linux", 61, 3, E, INC, 0, Y, "Linux", H, true, false },
		/* Without the timestamp FreeBSD and macOS look alike. */
		{ "freebsd, no ts", 61, 3, E, INC, 1, TU, "FreeBSD/macOS", H, true, false },
		/* Nothing but the code: no member of 64 told apart. */
		{ "code only", 61, 3, E, IU, NONE, TU, "Linux/Unix", H, false, false },
		/* No signals at all: the TTL verdict as it is. */
		{ "no signals", 61, 3, CU, IU, NONE, TU, "Linux/Unix", H, false, false },
		/* A Linux box set to 128 is no Windows: one step less sure. */
		{ "linux at 128", 125, 3, E, INC, 0, Y, "Windows", M, false, true },
		/* ... and less again on top of a medium TTL verdict. */
		{ "linux at 128, far", 96, NONE, E, INC, 0, Y, "Windows", L, false, true },
		/* Without the measured hops the estimate stands. */
		{ "linux, passive", 61, NONE, E, INC, 0, Y, "Linux", H, true, false },
		/* A rare initial: only the row of its own. */
		{ "jetdirect", 58, 2, Z, INC, 0, N, "HP JetDirect", H, false, false },
	};

	(void)state;
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct fp f;
		struct fp_signals s;
		struct fp_active a;

		fp_init(&f);
		f.family = AF_INET;
		for (uint16_t k = 1; k <= 5; k++)
			fp_add(&f, k, t[i].ttl);
		signals_of(&t[i], &s);
		fp_active_verdict(&f, t[i].hops, &s, &a);
		CHECK(a.label && !strcmp(a.label, t[i].label), "%s: label %s want %s",
		      t[i].name, a.label ? a.label : "(null)", t[i].label);
		CHECK(a.confidence == t[i].conf, "%s: confidence %s want %s", t[i].name,
		      fp_confidence_name(a.confidence), fp_confidence_name(t[i].conf));
		CHECK(a.narrowed == t[i].narrowed, "%s: narrowed %d", t[i].name, a.narrowed);
		CHECK(a.contradict == t[i].contradict, "%s: contradict %d", t[i].name,
		      a.contradict);
		/* 58 + 2 = 60; the TTL alone says 64, 6 hops, but the
		 * signals fit only JetDirect: still sure. */
		CHECK(a.off_passive == !strcmp(t[i].name, "jetdirect"),
		      "%s: off the passive estimate %d", t[i].name, a.off_passive);
	}
	TABLE_END();
}

/* Every signal against every column value. */
static void test_signal_fits(void **state)
{
	struct fp_stack st;
	struct fp_signals s;

	(void)state;
	memset(&st, 0, sizeof(st));
	fp_signals_init(&s);
	for (unsigned sig = 1; sig & FP_SIG_ALL; sig <<= 1)
		assert_int_equal(fp_signal_fits(&fp_stacks[0], sig, &s), -1);
	assert_int_equal(fp_signal_fits(&fp_stacks[0], 1u << 10, &s), -1);

	s.code = FP_CODE_ECHOED;
	st.code = FP_CODE_ECHOED;
	assert_int_equal(fp_signal_fits(&st, FP_SIG_CODE, &s), 1);
	st.code = FP_CODE_ZEROED;
	assert_int_equal(fp_signal_fits(&st, FP_SIG_CODE, &s), 0);
	st.code = FP_CODE_UNKNOWN;
	assert_int_equal(fp_signal_fits(&st, FP_SIG_CODE, &s), -1);

	s.ipseq = FP_IPSEQ_COPIED;
	st.ipid = FP_IPID_COPIED;
	assert_int_equal(fp_signal_fits(&st, FP_SIG_IPID, &s), 1);
	st.ipid = FP_IPID_OWN;
	assert_int_equal(fp_signal_fits(&st, FP_SIG_IPID, &s), 0);
	s.ipseq = FP_IPSEQ_RANDOM;
	assert_int_equal(fp_signal_fits(&st, FP_SIG_IPID, &s), 1);

	static const struct {
		enum fp_df df;
		int clear, set;
	} d[] = {
		{ FP_DF_NEVER, 1, 0 }, { FP_DF_COPIED, 0, 1 },
		{ FP_DF_ON_DF_REQUEST, 0, 1 }, { FP_DF_VARIES, -1, -1 },
		{ FP_DF_UNKNOWN, -1, -1 },
	};
	for (size_t i = 0; i < ARRAY_LEN(d); i++) {
		st.df = d[i].df;
		s.df_on_df = 0;
		assert_int_equal(fp_signal_fits(&st, FP_SIG_DF, &s), d[i].clear);
		s.df_on_df = 1;
		assert_int_equal(fp_signal_fits(&st, FP_SIG_DF, &s), d[i].set);
	}

	s.timestamp = FP_ANSWER_NO;
	st.timestamp = FP_ANSWER_VARIES;
	assert_int_equal(fp_signal_fits(&st, FP_SIG_TSTAMP, &s), -1);
	st.timestamp = FP_ANSWER_NO;
	assert_int_equal(fp_signal_fits(&st, FP_SIG_TSTAMP, &s), 1);
	st.timestamp = FP_ANSWER_YES;
	assert_int_equal(fp_signal_fits(&st, FP_SIG_TSTAMP, &s), 0);
}

/* The quote of a Port Unreachable: the table's "quoted" column, and a
 * quote that never came (or came over IPv6) changing nothing. */
static void verdict_of(int ttl, int hops, const struct fp_signals *s,
		       struct fp_active *a)
{
	struct fp f;

	fp_init(&f);
	f.family = AF_INET;
	for (uint16_t k = 1; k <= 5; k++)
		fp_add(&f, k, ttl);
	fp_active_verdict(&f, hops, s, a);
}

static void test_quote(void **state)
{
	static const struct {
		int column, sent, quoted, want;
	} t[] = {
		{ FP_QUOTE_ALL, 556, 528, 1 },          /* Linux, 576 bytes */
		{ FP_QUOTE_ALL, 556, 556, 1 },
		{ FP_QUOTE_ALL, 556, 64, 0 },
		{ FP_QUOTE_ALL, 556, 8, 0 },
		{ FP_QUOTE_ALL, 40, 40, -1 },           /* too short to tell */
		{ 8, 556, 8, 1 },
		{ 8, 556, 528, 0 },
		{ 64, 556, 64, 1 },
		{ 64, 556, 8, 0 },
		{ 128, 556, 128, 1 },
		{ 128, 100, 100, 1 },                   /* all it had */
		{ 128, 556, 528, 0 },
		{ FP_QUOTE_UNKNOWN, 556, 8, -1 },
		{ 8, 556, -1, -1 },                     /* no answer */
		{ 8, -1, -1, -1 },                      /* not probed */
	};
	struct fp_stack st;
	struct fp_signals s;
	struct fp_active a, b;

	(void)state;
	memset(&st, 0, sizeof(st));
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		fp_signals_init(&s);
		st.quoted = t[i].column;
		s.quote_sent = t[i].sent;
		s.quoted = t[i].quoted;
		assert_int_equal(fp_signal_fits(&st, FP_SIG_QUOTE, &s), t[i].want);
		s.quote_v6 = true;
		assert_int_equal(fp_signal_fits(&st, FP_SIG_QUOTE, &s), -1);
	}
	/* The table's rows: Linux quotes all, FreeBSD 8, Solaris 64, Windows
	 * 128 (fp_table.c). */
	fp_signals_init(&s);
	s.quote_sent = 556;
	s.quoted = 528;
	assert_int_equal(fp_signal_fits(&fp_stacks[0], FP_SIG_QUOTE, &s), 1);
	assert_int_equal(fp_signal_fits(&fp_stacks[1], FP_SIG_QUOTE, &s), 0);

	/* Alone, it singles out Linux among the stacks that start at 64. */
	verdict_of(61, 3, &s, &a);
	assert_string_equal(a.label, "Linux");
	assert_true(a.narrowed);
	assert_int_equal(a.measured, FP_SIG_QUOTE);
	/* 8 bytes: FreeBSD and macOS. */
	s.quoted = 8;
	verdict_of(61, 3, &s, &a);
	assert_string_equal(a.label, "FreeBSD/macOS");
	/* 64 bytes at 255: Solaris. */
	s.quoted = 64;
	verdict_of(252, 3, &s, &a);
	assert_string_equal(a.label, "Solaris");
	assert_int_equal(a.confidence, FP_CONF_HIGH);

	/* A Linux box at 255: DF clear fits OpenBSD alone, but its whole
	 * quote contradicts every stack there: one step less sure. */
	fp_signals_init(&s);
	s.code = FP_CODE_ECHOED;
	s.ipseq = FP_IPSEQ_INCREMENTAL;
	s.df_on_df = 0;
	s.timestamp = FP_ANSWER_YES;
	verdict_of(252, 3, &s, &b);
	assert_string_equal(b.label, "OpenBSD");
	s.quote_sent = 556;
	s.quoted = 528;
	verdict_of(252, 3, &s, &a);
	assert_true(a.contradict);
	assert_int_equal(a.confidence, FP_CONF_MEDIUM);
	assert_string_equal(a.label, "Cisco IOS/Solaris/OpenBSD");

	/* No Port Unreachable (port open, rate limit): the verdict without. */
	s.quoted = -1;
	verdict_of(252, 3, &s, &a);
	assert_string_equal(a.label, b.label);
	assert_int_equal(a.confidence, b.confidence);
	assert_int_equal(a.measured, b.measured);
	assert_false(a.measured & FP_SIG_QUOTE);
	assert_false(a.contradict);
	/* Over IPv6: shown, not scored. */
	s.quoted = 528;
	s.quote_v6 = true;
	verdict_of(252, 3, &s, &a);
	assert_string_equal(a.label, b.label);
	assert_false(a.measured & FP_SIG_QUOTE);
}

/* IPv6 buckets come from the hlim6 column. */
static void test_ipv6(void **state)
{
	struct fp f;
	struct fp_signals s;
	struct fp_active a;

	(void)state;
	fp_init(&f);
	f.family = AF_INET6;
	fp_add(&f, 1, 62);
	fp_signals_init(&s);
	s.code = FP_CODE_ECHOED;
	fp_active_verdict(&f, 2, &s, &a);
	/* Linux, FreeBSD, OpenBSD, macOS, Solaris start at 64 over IPv6
	 * (p0f), and all echo the code: nothing narrowed. */
	assert_int_equal(a.nfit, 5);
	assert_false(a.narrowed);
	assert_string_equal(a.label, "Linux/Unix");
	assert_int_equal(a.confidence, FP_CONF_HIGH);

	/* 255 over IPv6: no stack of the table; the TTL label stays. */
	fp_init(&f);
	f.family = AF_INET6;
	fp_add(&f, 1, 253);
	fp_active_verdict(&f, 2, &s, &a);
	assert_int_equal(a.nfit, 0);
	assert_string_equal(a.label, "Cisco IOS/Solaris/OpenBSD");
	assert_int_equal(a.confidence, FP_CONF_HIGH);

	/* A zeroed code at 128 fits Windows. */
	fp_init(&f);
	f.family = AF_INET6;
	fp_add(&f, 1, 126);
	s.code = FP_CODE_ZEROED;
	fp_active_verdict(&f, 2, &s, &a);
	assert_string_equal(a.label, "Windows");
	assert_int_equal(a.confidence, FP_CONF_HIGH);
	assert_false(a.contradict);
}

/* Asymmetric paths: the measured hops must never make a wrong verdict
 * sure. */
static void test_asymmetric(void **state)
{
	static const struct {
		int ttl, hops;          /* reply TTL, measured forward hops */
		int initial;            /* the verdict's */
		enum fp_confidence conf;
		bool off;
	} t[] = {
		/* 64, forward 1, back 3: 61 + 1 = 62 fits nothing. */
		{ 61, 1, 64, M, false },
		/* 64, forward 1, back 5: 59 + 1 = 60, a known initial, but
		 * the TTL alone says 64: medium, the other reading named. */
		{ 59, 1, 60, M, true },
		/* 128, forward 1, back 3. */
		{ 125, 1, 128, M, false },
		/* 255, forward 2, back 9. */
		{ 246, 2, 255, M, false },
		/* Symmetric: sure. */
		{ 59, 5, 64, H, false },
		{ 44, 20, 64, H, false },
		{ 235, 20, 255, H, false },
	};

	(void)state;
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct fp f;
		struct fp_signals s;
		struct fp_active a;

		fp_init(&f);
		f.family = AF_INET;
		fp_add(&f, 1, t[i].ttl);
		fp_signals_init(&s);
		fp_active_verdict(&f, t[i].hops, &s, &a);
		CHECK(a.base.initial == t[i].initial, "ttl %d hops %d: initial %d want %d",
		      t[i].ttl, t[i].hops, a.base.initial, t[i].initial);
		CHECK(a.confidence == t[i].conf, "ttl %d hops %d: confidence %s want %s",
		      t[i].ttl, t[i].hops, fp_confidence_name(a.confidence),
		      fp_confidence_name(t[i].conf));
		CHECK(a.off_passive == t[i].off, "ttl %d hops %d: off_passive %d",
		      t[i].ttl, t[i].hops, a.off_passive);
	}
	TABLE_END();
}

/* ------------------------------------------------------------ the line */

static void test_line(void **state)
{
	static const struct {
		const char *name;
		int ttl, hops;
		enum fp_code code;
		enum fp_ipid_pattern ipseq;
		int df;
		enum fp_answer ts;
		const char *want;
	} t[] = {
		{ "freebsd", 61, 3, E, INC, 1, Y,
		  "os: FreeBSD (initial ttl 64, 3 hops, confidence high; hop count measured; "
		  "signals fit FreeBSD best of Linux, FreeBSD and macOS)" },
		{ "linux at 128", 127, 1, E, INC, 0, Y,
		  "os: Windows (initial ttl 128, 1 hop, confidence medium; hop count measured; "
		  "signals fit no stack that starts at 128 (Windows))" },
		{ "ttl only", 253, 2, CU, IU, NONE, TU,
		  "os: Cisco IOS/Solaris/OpenBSD (initial ttl 255, 2 hops, confidence high; "
		  "hop count measured)" },
		{ "asymmetric", 61, 1, CU, IU, NONE, TU,
		  "os: Linux/Unix (initial ttl 64, 3 hops, confidence medium; measured 1 hop, "
		  "but ttl 61 + 1 = 62 is no known initial ttl (asymmetric path or "
		  "ttl-rewriting middlebox))" },
		/* Linux signals: only the 64 reading fits them. */
		{ "asymmetric by 4, linux", 59, 1, E, INC, 0, Y,
		  "os: Linux (initial ttl 64, 5 hops, confidence medium; or initial ttl 60, "
		  "1 hop; the measured hops say initial ttl 60, 1 hop, but the signals fit "
		  "this reading (a return path longer or shorter than the forward one); "
		  "signals fit Linux best of Linux, FreeBSD and macOS)" },
		/* JetDirect signals: the measured reading, sure. */
		{ "jetdirect", 58, 2, Z, INC, 0, N,
		  "os: HP JetDirect (initial ttl 60, 2 hops, confidence high; hop count "
		  "measured; the reply ttl alone says initial ttl 64, 6 hops (a return "
		  "path of another length?))" },
		{ "asymmetric by 4", 59, 1, CU, IU, NONE, TU,
		  "os: HP JetDirect (initial ttl 60, 1 hop, confidence medium; hop count "
		  "measured; the reply ttl alone says initial ttl 64, 5 hops (a return "
		  "path of another length?))" },
	};

	(void)state;
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		struct fp f;
		struct fp_signals s;
		struct fp_active a;
		char line[600];

		fp_init(&f);
		f.family = AF_INET;
		fp_add(&f, 1, t[i].ttl);
		fp_signals_init(&s);
		s.code = t[i].code;
		s.ipseq = t[i].ipseq;
		s.df_on_df = t[i].df;
		s.timestamp = t[i].ts;
		fp_active_verdict(&f, t[i].hops, &s, &a);
		report_os_active_format(line, sizeof(line), &a);
		CHECK(!strcmp(line, t[i].want), "%s:\n  got  %s\n  want %s",
		      t[i].name, line, t[i].want);
	}
	TABLE_END();

	/* Nothing to go on. */
	{
		struct fp f;
		struct fp_signals s;
		struct fp_active a;
		char line[100];

		fp_init(&f);
		fp_signals_init(&s);
		fp_active_verdict(&f, NONE, &s, &a);
		report_os_active_format(line, sizeof(line), &a);
		assert_string_equal(line, "os: unknown (no replies)");
		/* A short buffer stays terminated. */
		fp_add(&f, 1, 61);
		fp_active_verdict(&f, 3, &s, &a);
		report_os_active_format(line, 12, &a);
		assert_string_equal(line, "os: Linux/U");
	}
}

/* --------------------------------------------------------------- wire */

static void test_wire(void **state)
{
	uint8_t buf[64], msg[64];
	struct wire_ip4 ip, back;
	struct wire_tstamp ts;

	(void)state;
	memset(&ip, 0, sizeof(ip));
	ip.tos = 0x28;
	ip.id = 0xbeef;
	ip.df = true;
	ip.ttl = 7;
	ip.proto = IPPROTO_ICMP;
	inet_pton(AF_INET, "198.18.1.1", &ip.src);
	inet_pton(AF_INET, "198.18.9.2", &ip.dst);
	assert_int_equal(wire_ip4_build(&ip, 28, buf, sizeof(buf)), 20);
	assert_int_equal(wire_checksum(buf, 20), 0);
	assert_int_equal(wire_ip4_parse(buf, sizeof(buf), &back), 0);
	assert_int_equal(back.tos, 0x28);
	assert_int_equal(back.id, 0xbeef);
	assert_true(back.df);
	assert_int_equal(back.ttl, 7);
	assert_int_equal(back.total_len, 48);
	assert_int_equal(back.src.s_addr, ip.src.s_addr);
	assert_int_equal(back.dst.s_addr, ip.dst.s_addr);
	assert_int_equal(wire_ip4_build(&ip, 28, buf, 19), -ENOSPC);
	assert_int_equal(wire_ip4_build(&ip, 65535, buf, sizeof(buf)), -EINVAL);

	/* A timestamp request, and the reply a stack makes of it. */
	assert_int_equal(wire_tstamp_build(0x1234, 1, 86399999u, msg, 19), -ENOSPC);
	assert_int_equal(wire_tstamp_build(0x1234, 1, 86399999u, msg, sizeof(msg)), 20);
	assert_int_equal(wire_checksum(msg, 20), 0);
	assert_int_equal(wire_tstamp_parse(msg, 20, &ts), 0);
	assert_int_equal(ts.type, WIRE_ICMP4_TSTAMP);
	assert_true(ts.cksum_ok);
	assert_int_equal(ts.id, 0x1234);
	assert_int_equal(ts.seq, 1);
	assert_int_equal(ts.originate, 86399999u);
	assert_int_equal(ts.receive, 0);
	msg[0] = WIRE_ICMP4_TSTAMPREPLY;
	msg[12] = 1;
	assert_int_equal(wire_tstamp_parse(msg, 20, &ts), 0);
	assert_false(ts.cksum_ok);
	assert_int_equal(ts.receive, 0x01000000u);
	assert_int_equal(wire_tstamp_parse(msg, 19, &ts), -EINVAL);
	msg[0] = 0;
	assert_int_equal(wire_tstamp_parse(msg, 20, &ts), -EINVAL);

	/* The code of an echo request, checksum kept right. */
	{
		uint8_t pl[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
		struct wire_echo e = { AF_INET, 0x0102, 3, pl, sizeof(pl) };
		struct wire_icmp m;
		int n = wire_echo_build(&e, msg, sizeof(msg));

		wire_icmp_set_code(AF_INET, msg, (size_t)n, 123);
		assert_int_equal(wire_icmp_parse(AF_INET, msg, (size_t)n, &m), 0);
		assert_int_equal(m.code, 123);
		assert_true(m.cksum_ok);
		assert_int_equal(m.id, 0x0102);
		wire_icmp_set_code(AF_INET6, msg, (size_t)n, 9);
		assert_int_equal(msg[1], 9);
		wire_icmp_set_code(AF_INET, msg, 7, 1);        /* too short: untouched */
		assert_int_equal(msg[1], 9);
	}
}

/* ------------------------------------------------------------ capture */

/* An IPv4 datagram src -> dst with this TTL, ID, DF and ICMP message. */
static size_t ip4(uint8_t *b, const char *src, const char *dst, uint8_t ttl,
		  uint16_t id, bool df, const uint8_t *icmp, size_t n)
{
	struct wire_ip4 ip;

	memset(&ip, 0, sizeof(ip));
	ip.ttl = ttl;
	ip.id = id;
	ip.df = df;
	ip.proto = IPPROTO_ICMP;
	inet_pton(AF_INET, src, &ip.src);
	inet_pton(AF_INET, dst, &ip.dst);
	wire_ip4_build(&ip, n, b, 20);
	memcpy(b + 20, icmp, n);
	return 20 + n;
}

static size_t echo4(uint8_t *b, bool reply, uint8_t code, uint16_t id,
		    uint16_t seq)
{
	uint8_t pl[8] = { 0 };
	struct wire_echo e = { AF_INET, id, seq, pl, sizeof(pl) };
	int n = wire_echo_build(&e, b, 64);

	if (reply)
		b[0] = 0;
	wire_icmp_set_code(AF_INET, b, (size_t)n, code);
	return (size_t)n;
}

static void feed_pkt(struct fp_capture *c, const uint8_t *b, size_t n)
{
	struct wire_pkt p;

	assert_int_equal(wire_pkt_parse(b, n, &p), 0);
	fp_capture_add(c, &p);
}

static void test_capture(void **state)
{
	struct fp_capture c;
	uint8_t m[128], q[128], pkt[256];
	size_t n, qn;
	struct fp_signals s;
	const struct fp_cap_host *h;

	(void)state;
	assert_int_equal(fp_capture_init(&c), 0);
	/* TTL 3 expires at 198.18.3.2; TTL 4 and 255 are answered. */
	n = echo4(m, false, 0, 7, 1);
	feed_pkt(&c, pkt, ip4(pkt, "198.18.1.1", "198.18.5.2", 3, 1111, true, m, n));
	qn = ip4(q, "198.18.1.1", "198.18.5.2", 1, 1111, true, m, 8);
	memset(m, 0, 8);
	m[0] = WIRE_ICMP4_TIMXCEED;
	memcpy(m + 8, q, qn);
	feed_pkt(&c, pkt, ip4(pkt, "198.18.3.2", "198.18.1.1", 62, 9, false, m, 8 + qn));
	for (uint16_t seq = 2; seq <= 4; seq++) {
		n = echo4(m, false, 123, 7, seq);
		feed_pkt(&c, pkt, ip4(pkt, "198.18.1.1", "198.18.5.2",
				      seq == 2 ? 4 : 255, (uint16_t)(5000 * seq), true, m, n));
		n = echo4(m, true, 123, 7, seq);
		feed_pkt(&c, pkt, ip4(pkt, "198.18.5.2", "198.18.1.1", 61,
				      (uint16_t)(5000 * seq), true, m, n));
	}
	/* A timestamp request, unanswered. */
	wire_tstamp_build(1, 1, 0, m, sizeof(m));
	feed_pkt(&c, pkt, ip4(pkt, "198.18.1.1", "198.18.5.2", 64, 1, true, m, 20));

	assert_int_equal(c.nhosts, 1);
	h = &c.hosts[0];
	assert_int_equal(h->requests, 4);
	assert_int_equal(h->replies, 3);
	assert_int_equal(h->errors, 1);
	assert_int_equal(fp_capture_hops(h), 3);
	assert_true(h->has_at);
	fp_capture_signals(h, &s);
	assert_int_equal(s.code, FP_CODE_ECHOED);
	assert_int_equal(s.ipseq, FP_IPSEQ_COPIED);
	assert_int_equal(s.df_on_df, 1);
	assert_int_equal(s.timestamp, FP_ANSWER_NO);
	{
		struct fp_active a;

		fp_active_verdict(&h->fp, fp_capture_hops(h), &s, &a);
		/* 61 + 3 = 64, but the ID copied: no 64 stack does that. */
		assert_int_equal(a.base.initial, 64);
		assert_true(a.contradict);
	}
	fp_capture_free(&c);
}

static void test_frames(void **state)
{
	uint8_t f[128], ip[60];
	const uint8_t *out;
	size_t olen;
	struct wire_pkt p;

	(void)state;
	memset(ip, 0, sizeof(ip));
	ip[0] = 0x60;                   /* IPv6, hop-by-hop then ICMPv6 */
	ip[5] = 16;
	ip[6] = 0;
	ip[7] = 9;
	ip[8] = 0x20;
	ip[40] = 58;                    /* hop-by-hop: next header, 0 length */
	ip[48] = 129;
	assert_int_equal(wire_pkt_parse(ip, 56, &p), 0);
	assert_int_equal(p.family, AF_INET6);
	assert_int_equal(p.proto, 58);
	assert_int_equal(p.ttl, 9);
	assert_int_equal(p.l4 - ip, 48);
	assert_int_equal(p.l4_len, 8);
	assert_int_equal(wire_pkt_parse(ip, 39, &p), -EINVAL);
	ip[40] = 0;                     /* a chain that runs off the end */
	ip[48] = 0;
	assert_int_equal(wire_pkt_parse(ip, 56, &p), -EINVAL);

	/* Ethernet with two VLAN tags. */
	memset(f, 0, sizeof(f));
	f[12] = 0x88, f[13] = 0xa8, f[16] = 0x81, f[17] = 0x00;
	f[20] = 0x86, f[21] = 0xdd;
	assert_int_equal(wire_frame_ip(WIRE_LINK_ETHERNET, f, 60, &out, &olen), 0);
	assert_int_equal(out - f, 22);
	assert_int_equal(olen, 38);
	f[21] = 0x06;                   /* ARP */
	assert_int_equal(wire_frame_ip(WIRE_LINK_ETHERNET, f, 60, &out, &olen), -ENOTSUP);
	assert_int_equal(wire_frame_ip(WIRE_LINK_ETHERNET, f, 13, &out, &olen), -EINVAL);
	/* Linux cooked v1 and v2, BSD loopback, raw. */
	memset(f, 0, sizeof(f));
	f[14] = 0x08;
	assert_int_equal(wire_frame_ip(WIRE_LINK_LINUX_SLL, f, 40, &out, &olen), 0);
	assert_int_equal(out - f, 16);
	assert_int_equal(wire_frame_ip(WIRE_LINK_LINUX_SLL, f, 15, &out, &olen), -EINVAL);
	f[0] = 0x86, f[1] = 0xdd;
	assert_int_equal(wire_frame_ip(WIRE_LINK_LINUX_SLL2, f, 40, &out, &olen), 0);
	assert_int_equal(out - f, 20);
	assert_int_equal(wire_frame_ip(WIRE_LINK_NULL, f, 40, &out, &olen), 0);
	assert_int_equal(out - f, 4);
	assert_int_equal(wire_frame_ip(WIRE_LINK_RAW, f, 40, &out, &olen), 0);
	assert_int_equal(out - f, 0);
	assert_int_equal(wire_frame_ip(147, f, 40, &out, &olen), -ENOTSUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipid_pattern),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_signal_fits),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_asymmetric),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_wire),
		cmocka_unit_test(test_capture),
		cmocka_unit_test(test_frames),
	};

	return cmocka_run_group_tests_name("fp_active", tests, NULL, NULL);
}
