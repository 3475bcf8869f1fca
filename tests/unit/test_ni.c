/* Unit tests for ping6 -N: the Node Information wire parser and builder
 * (src/wire/ni.c), its names read against glibc's own dn_expand() and
 * written against dn_comp(), the reply's text (src/report/ni_text.c) and
 * -N's words (src/cli/ping_opts.c).  Every parser gets exact-size heap
 * copies, so that ASan (make asan) sees a read one byte past len. */
#include <errno.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "unit.h"
#include "cli/ping_opts.h"
#include "report/report.h"
#include "wire/ni.h"

/* An NI reply: header (code, qtype, flags, nonce 00 07 a1..a6) + data. */
static size_t reply(uint8_t *p, uint8_t code, uint16_t qtype, uint16_t flags,
		    const void *data, size_t n)
{
	static const uint8_t nonce[8] = { 0, 7, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6 };

	p[0] = WIRE_ICMP6_NI_REPLY;
	p[1] = code;
	p[2] = p[3] = 0;
	p[4] = (uint8_t)(qtype >> 8);
	p[5] = (uint8_t)qtype;
	p[6] = (uint8_t)(flags >> 8);
	p[7] = (uint8_t)flags;
	memcpy(p + 8, nonce, 8);
	memcpy(p + 16, data, n);
	return 16 + n;
}

static uint8_t *heap_copy(const void *p, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);

	assert_non_null(c);
	memcpy(c, p, n);
	return c;
}

/* ------------------------------------------------------------- parse */

static void test_parse(void **state)
{
	uint8_t m[64], *c;
	struct wire_ni ni;
	size_t n = reply(m, 1, 3, 0x0021, "\0\0\0\x1e", 4);

	(void)state;
	for (size_t len = 0; len < WIRE_NI_HDR_LEN; len++) {
		c = heap_copy(m, len);
		assert_int_equal(wire_ni_parse(c, len, &ni), -EINVAL);
		free(c);
	}
	c = heap_copy(m, n);
	assert_int_equal(wire_ni_parse(c, n, &ni), 0);
	assert_int_equal(ni.type, WIRE_ICMP6_NI_REPLY);
	assert_int_equal(ni.code, 1);
	assert_int_equal(ni.qtype, 3);
	assert_int_equal(ni.flags, 0x0021);
	assert_int_equal(ni.seq, 7);
	assert_int_equal(ni.nonce[7], 0xa6);
	assert_ptr_equal(ni.data, c + 16);
	assert_int_equal(ni.data_len, 4);
	assert_int_equal(ni.len, n);
	c[0] = 129;     /* an echo reply is no NI message */
	assert_int_equal(wire_ni_parse(c, n, &ni), -EINVAL);
	free(c);
}

static void test_query_build(void **state)
{
	uint8_t out[64], subj[16];
	struct wire_ni_query q = {
		.qtype = WIRE_NI_QTYPE_IPV6,
		.flags = WIRE_NI_FLAG_GLOBAL | WIRE_NI_FLAG_LINKLOCAL,
		.code = WIRE_NI_SUBJ_IPV6,
		.nonce = { 0x12, 0x34, 1, 2, 3, 4, 5, 6 },
		.subject = subj, .subject_len = sizeof(subj),
	};
	struct wire_ni ni;

	(void)state;
	assert_int_equal(inet_pton(AF_INET6, "2001:2::2", subj), 1);
	assert_int_equal(wire_ni_query_build(&q, out, 31), -ENOSPC);
	assert_int_equal(wire_ni_query_build(&q, out, sizeof(out)), 32);
	/* What the responder of tests/net (and the RFC) reads. */
	assert_memory_equal(out, "\x8b\x00\x00\x00\x00\x03\x00\x28\x12\x34\x01\x02\x03\x04\x05\x06", 16);
	assert_memory_equal(out + 16, subj, 16);
	assert_int_equal(wire_ni_parse(out, 32, &ni), 0);
	assert_int_equal(ni.type, WIRE_ICMP6_NI_QUERY);
	assert_int_equal(ni.seq, 0x1234);
}

/* ------------------------------------------------------------- names */

struct name_case {
	const char *what;
	const char *data;       /* the reply's data, TTL included */
	size_t len;
	const char *want;       /* names as iputils lists them: "a.,b" ... */
	bool error;             /* the walk ends in a parse error */
};

#define D(s) s, sizeof(s) - 1

static const struct name_case name_cases[] = {
	{ "FQDN", D("\0\0\0\0\4host\7example\0"), "host.example.", false },
	{ "single label, two zeros", D("\0\0\0\0\3alt\0\0"), "alt", false },
	{ "two names", D("\0\0\0\0\1a\0\1b\0\0"), "a.,b", false },
	{ "pointer back (from the TTL)", D("\0\0\0\0\4host\7example\0\3www\xc0\x09"),
	  "host.example.,www.example.", false },
	{ "pointer forward", D("\0\0\0\0\1b\xc0\x08\1a\0"), "b.a.,a.", false },
	{ "root", D("\0\0\0\0\0"), ".", false },
	{ "root, not qualified", D("\0\0\0\0\0\0"), "", false },
	{ "escapes", D("\0\0\0\0\7a.b c\xff!\4test\0"), "a\\.b\\032c\\255!.test.", false },
	{ "specials", D("\0\0\0\0\x08\"();@$\\x\0"), "\\\"\\(\\)\\;\\@\\$\\\\x.", false },
	{ "pointer to itself", D("\0\0\0\0\xc0\x04"), "", true },
	{ "pointer loop", D("\0\0\0\0\xc0\x06\xc0\x04"), "", true },
	{ "pointer past the end", D("\0\0\0\0\3bad\xc0\x30"), "", true },
	{ "pointer cut", D("\0\0\0\0\xc0"), "", true },
	{ "label past the end", D("\0\0\0\0\5ab"), "", true },
	{ "label to the last byte", D("\0\0\0\0\2ab"), "", true },
	{ "extended label", D("\0\0\0\0\x41\x08\xff\0"), "", true },
	{ "reserved label", D("\0\0\0\0\x80\0"), "", true },
	{ "good, then bad", D("\0\0\0\0\1a\0\x80"), "a.", true },
	{ "nothing after the TTL", D("\0\0\0\0"), "", false },
};

/* The names of data as iputils lists them, comma-separated. */
static int walk(const uint8_t *data, size_t len, char *out, size_t cap)
{
	uint8_t m[600];
	struct wire_ni ni;
	char text[WIRE_DN_TEXT_MAX];
	size_t off = 4, n = reply(m, 0, 2, 0, data, len);
	uint8_t *c = heap_copy(m, n);
	bool fqdn;
	int rc = 0;

	assert_int_equal(wire_ni_parse(c, n, &ni), 0);
	out[0] = '\0';
	while ((rc = wire_ni_name_next(&ni, &off, text, sizeof(text), &fqdn)) == 1) {
		if (out[0])
			strncat(out, ",", cap - strlen(out) - 1);
		strncat(out, text, cap - strlen(out) - 1);
		if (fqdn)
			strncat(out, ".", cap - strlen(out) - 1);
	}
	free(c);
	return rc;
}

static void test_names(void **state)
{
	char got[2048];

	(void)state;
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(name_cases); i++) {
		const struct name_case *t = &name_cases[i];
		int rc = walk((const uint8_t *)t->data, t->len, got, sizeof(got));

		CHECK(rc == (t->error ? -1 : 0), "%s: rc %d", t->what, rc);
		CHECK(!strcmp(got, t->want), "%s: '%s', want '%s'", t->what, got, t->want);
	}
	TABLE_END();
}

/* A name of total wire length tot (its final zero included), labels of
 * up to 63 'x'. */
static size_t long_name(uint8_t *p, size_t tot)
{
	size_t n = 0, left = tot - 1;

	while (left > 0) {
		size_t l = left - 1 > 63 ? 63 : left - 1;

		if (l < 1)
			l = 1;
		p[n++] = (uint8_t)l;
		memset(p + n, 'x', l);
		n += l;
		left -= l + 1 < left ? l + 1 : left;
	}
	p[n++] = 0;
	return n;
}

/* dn_expand() and ours, the same answer for msg at off. */
static void same_as_glibc(const uint8_t *msg, size_t len, size_t off, const char *what)
{
	char a[WIRE_DN_TEXT_MAX], b[WIRE_DN_TEXT_MAX];
	uint8_t *c = heap_copy(msg, len);
	int ours = wire_dn_expand(c, len, off, a, sizeof(a));
	int theirs = dn_expand(c, c + len, c + off, b, sizeof(b));

	CHECK(ours == theirs, "%s: length %d, glibc %d", what, ours, theirs);
	if (ours >= 0 && theirs >= 0)
		CHECK(!strcmp(a, b), "%s: '%s', glibc '%s'", what, a, b);
	free(c);
}

static void test_names_glibc(void **state)
{
	uint8_t m[700];
	char what[64];
	uint32_t x = 12345;

	(void)state;
	TABLE_BEGIN();
	/* The 255-byte limit, on both sides. */
	for (size_t tot = 250; tot <= 260; tot++) {
		size_t n = long_name(m, tot);

		snprintf(what, sizeof(what), "a name of %zu bytes", n);
		same_as_glibc(m, n, 0, what);
	}
	for (size_t i = 0; i < ARRAY_LEN(name_cases); i++)
		for (size_t off = 4; off < name_cases[i].len; off++)
			same_as_glibc((const uint8_t *)name_cases[i].data,
				      name_cases[i].len, off, name_cases[i].what);
	/* Random messages made of labels, pointers and bytes of every
	 * kind, at every offset. */
	for (int round = 0; round < 3000; round++) {
		size_t len = 1 + round % 40;

		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			switch ((x >> 16) % 6) {
			case 0: m[i] = 0; break;
			case 1: m[i] = (uint8_t)(1 + (x >> 8) % 4); break;
			case 2: m[i] = 0xc0; break;
			case 3: m[i] = (uint8_t)((x >> 8) % len); break;
			default: m[i] = (uint8_t)(x >> 8); break;
			}
		}
		for (size_t off = 0; off < len; off++) {
			snprintf(what, sizeof(what), "random %d at %zu", round, off);
			same_as_glibc(m, len, off, what);
		}
	}
	TABLE_END();
}

/* --------------------------------------------------------- addresses */

static void test_addrs(void **state)
{
	uint8_t m[128], d[64], a[16], *c;
	struct wire_ni ni;
	uint32_t ttl;
	size_t off = 0, n;

	(void)state;
	/* Two IPv6 entries, the second cut short. */
	memset(d, 0, sizeof(d));
	d[3] = 30;
	assert_int_equal(inet_pton(AF_INET6, "2001:2::2", d + 4), 1);
	d[23] = 40;
	n = reply(m, 0, 3, 0, d, 20 + 14);
	c = heap_copy(m, n);
	assert_int_equal(wire_ni_parse(c, n, &ni), 0);
	assert_int_equal(wire_ni_addr_next(&ni, &off, &ttl, a), 1);
	assert_int_equal(ttl, 30);
	assert_memory_equal(a, d + 4, 16);
	assert_int_equal(off, 20);
	assert_int_equal(wire_ni_addr_next(&ni, &off, &ttl, a), -1);
	free(c);
	/* IPv4: 8-byte entries, then the end. */
	off = 0;
	memcpy(d, "\0\0\0\x05\xc6\x12\0\x02\0\0\0\x06\xc6\x12\x09\x09", 16);
	n = reply(m, 0, 4, 0, d, 16);
	c = heap_copy(m, n);
	assert_int_equal(wire_ni_parse(c, n, &ni), 0);
	assert_int_equal(wire_ni_addr_next(&ni, &off, &ttl, a), 1);
	assert_memory_equal(a, "\xc6\x12\0\x02", 4);
	assert_int_equal(wire_ni_addr_next(&ni, &off, &ttl, a), 1);
	assert_int_equal(ttl, 6);
	assert_int_equal(wire_ni_addr_next(&ni, &off, &ttl, a), 0);
	free(c);
}

/* ------------------------------------------------------ name encoding */

struct enc_case {
	const char *text;
	const char *want;       /* NULL: refused */
	size_t len;
};

static const struct enc_case enc_cases[] = {
	{ "host.example", D("\4host\7example\0") },
	{ "host.example.", D("\4host\7example\0") },
	{ "a", D("\1a\0") },
	{ "", D("\0") },
	{ ".", D("\0") },
	{ "a\\.b", D("\3a.b\0") },
	{ "a\\065b.c", D("\3aAb\1c\0") },
	{ "a\\", NULL, 0 },              /* a trailing backslash */
	{ "a..b", NULL, 0 },
	{ ".a", NULL, 0 },
	{ "a..", NULL, 0 },
	{ "a\\25", NULL, 0 },
	{ "a\\256", NULL, 0 },
	{ "\\[x1/1]", D("\6[x1/1]\0") }, /* no bit-string labels (glibc 2.36) */
	{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", NULL, 0 },
};

static void test_encode(void **state)
{
	uint8_t out[300];
	char text[600];

	(void)state;
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(enc_cases); i++) {
		const struct enc_case *t = &enc_cases[i];
		int n = wire_dn_encode(t->text, out, sizeof(out));

		if (!t->want) {
			CHECK(n == -EINVAL, "'%s': %d, want -EINVAL", t->text, n);
			continue;
		}
		CHECK(n == (int)t->len && !memcmp(out, t->want, t->len),
		      "'%s': %d bytes", t->text, n);
	}
	/* 63 is the longest label; 255 the longest name. */
	memset(text, 'x', 63);
	text[63] = '\0';
	CHECK(wire_dn_encode(text, out, sizeof(out)) == 65, "63-byte label");
	for (size_t n = 0; n < 5 * 64; n += 64) {
		memset(text + n, 'x', 63);
		text[n + 63] = '.';
	}
	text[4 * 64 - 3] = '\0';        /* 4 labels: 64 * 3 + 62 ... */
	CHECK(wire_dn_encode(text, out, sizeof(out)) == 255, "255 bytes: %d",
	      wire_dn_encode(text, out, sizeof(out)));
	text[4 * 64 - 3] = 'x';
	text[4 * 64 - 2] = '\0';
	CHECK(wire_dn_encode(text, out, sizeof(out)) == -EINVAL, "256 bytes");
	CHECK(wire_dn_encode("host.example", out, 5) == -ENOSPC, "no room");
	TABLE_END();
}

/* What dn_comp() (iputils' encoder) writes, for the cases it takes. */
static void test_encode_glibc(void **state)
{
	static const char *const texts[] = {
		"host.example", "Host.Example.", "a", "", ".", "a\\.b", "a\\065b.c",
		"a b", "a_b", "x\\255y", "a..b", ".a", "a\\25", "a\\256", "a\\",
		"\\[x1/1]", "\\[b11010000/4].x", "a\\.", "\\.", "a.\\.",
	};
	uint8_t ours[300], theirs[300];

	(void)state;
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
		int a = wire_dn_encode(texts[i], ours, sizeof(ours));
		int b = dn_comp(texts[i], theirs, sizeof(theirs), NULL, NULL);

		CHECK((a < 0) == (b < 0), "'%s': %d, glibc %d", texts[i], a, b);
		if (a >= 0 && b >= 0)
			CHECK(a == b && !memcmp(ours, theirs, (size_t)a), "'%s'", texts[i]);
	}
	TABLE_END();
}

/* --------------------------------------------------------------- text */

static void text_of(const uint8_t *m, size_t n, char *out, size_t cap)
{
	FILE *f = fmemopen(out, cap, "w");
	uint8_t *c = heap_copy(m, n);

	assert_non_null(f);
	report_ni_reply(f, c, n);
	fclose(f);
	free(c);
}

static void test_text(void **state)
{
	static const struct {
		uint8_t code;
		uint16_t qtype, flags;
		const char *data;
		size_t len;
		const char *want;
	} t[] = {
		{ 0, 2, 0, D("\0\0\0\0\4host\7example\0\3alt\0\0\3www\xc0\x09"),
		  " host.example., alt, www.example.; seq=7;" },
		{ 0, 2, 0, D("\0\0"), " parse error (too short); seq=7;" },
		{ 0, 2, 0, D("\0\0\0\0\1a\0\3bad\xc0\x30"), " a., parse error (truncated); seq=7;" },
		{ 0, 3, 1, D("\0\0\0\x1e\x20\x01\0\x02\0\0\0\0\0\0\0\0\0\0\0\x02\0\0\0\x1e\x20"),
		  " 2001:2::2, parse error (truncated) (truncated); seq=7;" },
		{ 0, 4, 0, D("\0\0\0\x1e\xc6\x12\0\x02"), " 198.18.0.2; seq=7;" },
		{ 0, 4, 0, D(""), "; seq=7;" },
		{ 0, 0x1234, 0, D(""), " unknown qtype(0x1234); seq=7;" },
		{ 1, 2, 0, D(""), " refused; seq=7;" },
		{ 2, 9, 0, D(""), " unknown; seq=7;" },
		{ 3, 2, 0, D(""), " unknown code(300); seq=7;" },
	};
	uint8_t m[128];
	char out[256];

	(void)state;
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(t); i++) {
		size_t n = reply(m, t[i].code, t[i].qtype, t[i].flags, t[i].data, t[i].len);

		memset(out, 0, sizeof(out));
		text_of(m, n, out, sizeof(out));
		CHECK(!strcmp(out, t[i].want), "row %zu: '%s', want '%s'", i, out, t[i].want);
	}
	TABLE_END();
}

/* ------------------------------------------------------------ options */

static int parse(struct ping_opts *o, char *err, size_t len, const char *a1,
		 const char *a2, const char *a3, const char *a4)
{
	char *argv[8] = { "ping6", (char *)a1, (char *)a2, (char *)a3, (char *)a4 };
	int argc = 1;

	while (argc < 7 && argv[argc])
		argc++;
	ping_opts_default(o);
	return ping_opts_parse(argc, argv, true, o, err, len);
}

static void test_options(void **state)
{
	struct ping_opts o;
	char err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), "-N", "ipv6-global", "-N", "ipv6-linklocal"),
			 PING_OPTS_EXIT1);      /* no destination */
	assert_int_equal(o.ni.qtype, WIRE_NI_QTYPE_IPV6);
	assert_int_equal(o.ni.flags, WIRE_NI_FLAG_GLOBAL | WIRE_NI_FLAG_LINKLOCAL);
	assert_int_equal(parse(&o, err, sizeof(err), "-N", "fqdn", "::1", NULL), PING_OPTS_OK);
	assert_int_equal(o.ni.qtype, WIRE_NI_QTYPE_NAME);
	assert_true(o.ni_given);
	assert_int_equal(o.ni.subject_type, -1);
	assert_int_equal(parse(&o, err, sizeof(err), "-N", "subject-fqdn=a.b", "::1", NULL), PING_OPTS_OK);
	assert_int_equal(o.ni.qtype, -1);
	assert_int_equal(o.ni.subject_type, WIRE_NI_SUBJ_NAME);
	assert_string_equal(o.ni.subject, "a.b");
	assert_true(o.ni.fqdn);
	assert_int_equal(parse(&o, err, sizeof(err), "-N", "help", "-N", "bogus"), PING_OPTS_EXIT);
	assert_true(o.ni_help);
	assert_int_equal(parse(&o, err, sizeof(err), "-N", "name", "-N", "ipv4"), PING_OPTS_EXIT);
	assert_true(o.ni_usage);
	assert_string_equal(err, "Qtype conflict");
	assert_int_equal(parse(&o, err, sizeof(err), "-N", "subject-ipv6=::1", "-N", "subject-name=x"),
			 PING_OPTS_EXIT);
	assert_true(o.ni_usage);
	assert_string_equal(err, "Subject type conflict");
	assert_int_equal(parse(&o, err, sizeof(err), "-N", "subject-name=x", "-N", "subject-fqdn=y"),
			 PING_OPTS_EXIT1);      /* one type, the last wins */
	assert_string_equal(o.ni.subject, "y");
	for (size_t i = 0; i < 4; i++) {
		static const char *const bad[] = { "bogus", "subject-ipv6", "name=x", "ipv6-" };

		assert_int_equal(parse(&o, err, sizeof(err), "-N", bad[i], "::1", NULL), PING_OPTS_EXIT);
		assert_true(o.ni_usage);
		assert_string_equal(err, "");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_query_build),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_names_glibc),
		cmocka_unit_test(test_addrs),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_encode_glibc),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_options),
	};

	return cmocka_run_group_tests_name("ni", tests, NULL, NULL);
}
