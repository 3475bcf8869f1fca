/* Unit tests for src/wire/l4.c: UDP and TCP build (pseudo-header
 * checksums, v4 and v6, against vectors computed independently) and
 * parse, the checksum compensation that traceroute's Paris probes rely
 * on, and the ICMP extension structure (RFC 4884) with MPLS labels (RFC
 * 4950).  Hostile inputs are handed over as exact-size heap copies so that
 * ASan (make asan) catches a read one byte past len. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "unit.h"
#include "wire/wire.h"

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void addr(int family, const char *s, uint8_t *out)
{
	assert_int_equal(inet_pton(family, s, out), 1);
}

/* The checksum of a segment with its pseudo-header: 0 when it verifies. */
static uint16_t verify(int family, const uint8_t *src, const uint8_t *dst,
		       uint8_t proto, const uint8_t *seg, size_t len)
{
	return wire_csum_fold(wire_csum_add(
		wire_pseudo_sum(family, src, dst, proto, (uint32_t)len), seg, len));
}

/* ------------------------------------------------------------------ UDP */

static void test_udp_build_vectors(void **state)
{
	/* Expected checksums from an independent implementation (Python). */
	uint8_t s4[4], d4[4], s6[16], d6[16], out[64], pl[12];
	const char *hello = "hello, world!";
	int n;

	(void)state;
	addr(AF_INET, "198.18.1.1", s4);
	addr(AF_INET, "198.18.2.2", d4);
	addr(AF_INET6, "2001:2:0:1::1", s6);
	addr(AF_INET6, "2001:2:0:6::2", d6);
	for (int i = 0; i < 12; i++)
		pl[i] = (uint8_t)(0x48 + i);
	n = wire_udp_build(AF_INET, s4, d4, 33307, 33434, pl, sizeof(pl),
			   out, sizeof(out));
	assert_int_equal(n, 20);
	assert_int_equal(rd16(out), 33307);
	assert_int_equal(rd16(out + 2), 33434);
	assert_int_equal(rd16(out + 4), 20);
	assert_int_equal(rd16(out + 6), 0x9c12);
	assert_memory_equal(out + 8, pl, sizeof(pl));
	assert_int_equal(verify(AF_INET, s4, d4, IPPROTO_UDP, out, 20), 0);

	n = wire_udp_build(AF_INET6, s6, d6, 40000, 53, (const uint8_t *)hello,
			   strlen(hello), out, sizeof(out));
	assert_int_equal(n, 8 + 13);
	assert_int_equal(rd16(out + 6), 0xc1f2);
	assert_int_equal(verify(AF_INET6, s6, d6, IPPROTO_UDP, out, (size_t)n), 0);
}

static void test_udp_build_edges(void **state)
{
	uint8_t s[4] = { 10, 0, 0, 1 }, d[4] = { 10, 0, 0, 2 }, out[16];

	(void)state;
	/* No room, no payload, payload in place. */
	assert_int_equal(wire_udp_build(AF_INET, s, d, 1, 2, NULL, 0, out, 7), -ENOSPC);
	assert_int_equal(wire_udp_build(AF_INET, s, d, 1, 2, NULL, 0, out, 8), 8);
	assert_int_equal(verify(AF_INET, s, d, IPPROTO_UDP, out, 8), 0);
	assert_int_equal(wire_udp_build(AF_INET, s, d, 1, 2, out + 8, 9, out, 16), -ENOSPC);
	memset(out, 0xab, sizeof(out));
	assert_int_equal(wire_udp_build(AF_INET, s, d, 1, 2, out + 8, 8, out, 16), 16);
	assert_int_equal(out[8], 0xab);
	assert_int_equal(out[15], 0xab);
	assert_int_equal(verify(AF_INET, s, d, IPPROTO_UDP, out, 16), 0);
	assert_int_equal(wire_udp_build(AF_UNIX, s, d, 1, 2, NULL, 0, out, 16), -EINVAL);
}

/* A checksum that comes out 0 is sent as 0xffff (0 means "none"). */
static void test_udp_zero_checksum(void **state)
{
	uint8_t s[4] = { 0 }, d[4] = { 0 }, out[16], pl[2];
	int found = 0;

	(void)state;
	/* Find a payload whose checksum folds to zero. */
	for (uint32_t v = 0; v < 65536 && !found; v++) {
		wr16(pl, (uint16_t)v);
		wire_udp_build(AF_INET, s, d, 1, 2, pl, 2, out, sizeof(out));
		if (rd16(out + 6) == 0xffff)
			found = 1;
	}
	assert_true(found);
	for (uint32_t v = 0; v < 65536; v++) {
		wr16(pl, (uint16_t)v);
		wire_udp_build(AF_INET, s, d, 1, 2, pl, 2, out, sizeof(out));
		assert_int_not_equal(rd16(out + 6), 0);
	}
}

static void test_udp_parse(void **state)
{
	static const struct {
		size_t len;             /* bytes handed over */
		uint16_t claim;         /* length field */
		int rc;
		size_t payload_len;
	} rows[] = {
		{ 0, 0, -EINVAL, 0 },
		{ 7, 8, -EINVAL, 0 },
		{ 8, 8, 0, 0 },
		{ 20, 20, 0, 12 },
		{ 20, 12, 0, 4 },       /* shorter claim: trust it */
		{ 20, 200, 0, 12 },     /* longer claim (a quote): what came */
		{ 20, 3, 0, 12 },       /* nonsense claim: what came */
	};

	(void)state;
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		uint8_t *b = malloc(rows[i].len ? rows[i].len : 1);
		struct wire_udp u;
		int rc;

		for (size_t k = 0; k < rows[i].len; k++)
			b[k] = (uint8_t)k;
		if (rows[i].len >= 8) {
			wr16(b, 1234);
			wr16(b + 2, 33434);
			wr16(b + 4, rows[i].claim);
			wr16(b + 6, 0xbeef);
		}
		rc = wire_udp_parse(b, rows[i].len, &u);
		CHECK(rc == rows[i].rc, "row %zu: rc %d", i, rc);
		if (rc == 0) {
			CHECK(u.sport == 1234 && u.dport == 33434 && u.cksum == 0xbeef,
			      "row %zu: fields", i);
			CHECK(u.payload == b + 8, "row %zu: payload pointer", i);
			CHECK(u.payload_len == rows[i].payload_len,
			      "row %zu: payload_len %zu", i, u.payload_len);
		}
		free(b);
	}
	TABLE_END();
}

/* Paris UDP: two payload bytes make the checksum any key we like. */
static void test_csum_compensate(void **state)
{
	uint8_t s[16], d[16], out[128], pl[64];
	unsigned seed = 12345;

	(void)state;
	addr(AF_INET6, "2001:2::1", s);
	addr(AF_INET6, "2001:2::2", d);
	for (int fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;

		for (int round = 0; round < 2000; round++) {
			size_t plen = 4 + (size_t)(rand_r(&seed) % 60);
			uint16_t want = (uint16_t)(1 + rand_r(&seed) % 0xfffe);
			uint16_t x;

			for (size_t k = 0; k < plen; k++)
				pl[k] = (uint8_t)rand_r(&seed);
			pl[0] = pl[1] = 0;
			wire_udp_build(family, s, d, 40000, 33434, pl, plen, out,
				       sizeof(out));
			x = wire_csum_compensate(rd16(out + 6), want);
			wr16(pl, x);
			wire_udp_build(family, s, d, 40000, 33434, pl, plen, out,
				       sizeof(out));
			assert_int_equal(rd16(out + 6), want);
			assert_int_equal(verify(family, s, d, IPPROTO_UDP, out,
						8 + plen), 0);
		}
	}
}

/* ------------------------------------------------------------------ TCP */

static const uint8_t syn_opts[20] = {
	2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 2,
};

static void test_tcp_build_vectors(void **state)
{
	uint8_t s4[4], d4[4], s6[16], d6[16], out[80];
	struct wire_tcp t, p;
	int n;

	(void)state;
	addr(AF_INET, "198.18.1.1", s4);
	addr(AF_INET, "198.18.2.2", d4);
	addr(AF_INET6, "2001:2:0:1::1", s6);
	addr(AF_INET6, "2001:2:0:6::2", d6);
	memset(&t, 0, sizeof(t));
	t.sport = 43161;
	t.dport = 80;
	t.seq = 0xa75331b1;
	t.flags = WIRE_TCP_SYN;
	t.window = 5840;
	t.opts = syn_opts;
	t.opts_len = sizeof(syn_opts);
	n = wire_tcp_build(AF_INET, s4, d4, &t, out, sizeof(out));
	assert_int_equal(n, 40);
	assert_int_equal(rd16(out + 16), 0x201e);
	assert_int_equal(out[12], 0xa0);
	assert_int_equal(verify(AF_INET, s4, d4, IPPROTO_TCP, out, 40), 0);
	n = wire_tcp_build(AF_INET6, s6, d6, &t, out, sizeof(out));
	assert_int_equal(n, 40);
	assert_int_equal(rd16(out + 16), 0x6f36);

	/* And back. */
	assert_int_equal(wire_tcp_parse(out, 40, &p), 0);
	assert_int_equal(p.sport, 43161);
	assert_int_equal(p.dport, 80);
	assert_int_equal(p.seq, 0xa75331b1);
	assert_int_equal(p.ack, 0);
	assert_int_equal(p.hdr_len, 40);
	assert_int_equal(p.flags, WIRE_TCP_SYN);
	assert_int_equal(p.window, 5840);
	assert_int_equal(p.opts_len, 20);
	assert_memory_equal(p.opts, syn_opts, 20);
	assert_int_equal(p.payload_len, 0);

	/* With a payload; options not a multiple of 4; no room. */
	t.payload = (const uint8_t *)"data";
	t.payload_len = 4;
	n = wire_tcp_build(AF_INET, s4, d4, &t, out, sizeof(out));
	assert_int_equal(n, 44);
	assert_int_equal(verify(AF_INET, s4, d4, IPPROTO_TCP, out, 44), 0);
	assert_int_equal(wire_tcp_parse(out, 44, &p), 0);
	assert_int_equal(p.payload_len, 4);
	assert_memory_equal(p.payload, "data", 4);
	t.opts_len = 3;
	assert_int_equal(wire_tcp_build(AF_INET, s4, d4, &t, out, sizeof(out)), -EINVAL);
	t.opts_len = 20;
	assert_int_equal(wire_tcp_build(AF_INET, s4, d4, &t, out, 43), -ENOSPC);
}

static void test_tcp_parse_hostile(void **state)
{
	uint8_t seg[60];

	(void)state;
	memset(seg, 0, sizeof(seg));
	/* Every length up to a full header with options, every data offset:
	 * only a header that fits is accepted. */
	for (unsigned doff = 0; doff < 16; doff++) {
		seg[12] = (uint8_t)(doff << 4);
		for (size_t len = 0; len <= sizeof(seg); len++) {
			uint8_t *b = malloc(len ? len : 1);
			struct wire_tcp t;
			int rc;

			memcpy(b, seg, len);
			rc = wire_tcp_parse(b, len, &t);
			if (len >= 20 && doff >= 5 && doff * 4 <= len) {
				assert_int_equal(rc, 0);
				assert_int_equal(t.hdr_len, doff * 4);
				assert_int_equal(t.opts_len + 20 + t.payload_len, len);
			} else {
				assert_int_equal(rc, -EINVAL);
			}
			free(b);
		}
	}
}

/* ------------------------------------------------------ ICMP extensions */

/* An extension structure with an MPLS object of n labels and, if other,
 * one more object of class 2.  Returns its length. */
static size_t put_ext(uint8_t *p, unsigned n, bool other, bool cksum)
{
	size_t off = 4;

	p[0] = 0x20;
	p[1] = 0;
	wr16(p + 2, 0);
	wr16(p + off, (uint16_t)(4 + 4 * n));
	p[off + 2] = 1;
	p[off + 3] = 1;
	for (unsigned i = 0; i < n; i++) {
		uint32_t e = (uint32_t)(16 + i) << 12 | (uint32_t)(i & 7) << 9 |
			     (uint32_t)(i + 1 == n) << 8 | (uint32_t)(64 - i);
		uint8_t *q = p + off + 4 + 4 * i;

		q[0] = (uint8_t)(e >> 24);
		q[1] = (uint8_t)(e >> 16);
		q[2] = (uint8_t)(e >> 8);
		q[3] = (uint8_t)e;
	}
	off += 4 + 4 * n;
	if (other) {
		wr16(p + off, 12);
		p[off + 2] = 2;
		p[off + 3] = 3;
		memcpy(p + off + 4, "\x0a\x0b\x0c\x0d\x01\x02\x03\x04", 8);
		off += 12;
	}
	if (cksum)
		wr16(p + 2, wire_checksum(p, off));
	return off;
}

/* An ICMP error with a 128-byte original datagram and an extension.
 * lenfield: whether the sender set RFC 4884's length. */
static size_t put_icmp_ext(uint8_t *m, int family, bool lenfield, bool cksum,
			   unsigned nlabels, bool other)
{
	size_t len;

	memset(m, 0, 8 + 128);
	m[0] = family == AF_INET6 ? WIRE_ICMP6_TIMXCEED : WIRE_ICMP4_TIMXCEED;
	if (lenfield) {
		if (family == AF_INET6)
			m[4] = 128 / 8;
		else
			m[5] = 128 / 4;
	}
	m[8] = family == AF_INET6 ? 0x60 : 0x45;
	len = 8 + 128 + put_ext(m + 8 + 128, nlabels, other, cksum);
	if (family == AF_INET)
		wr16(m + 2, wire_checksum(m, len));
	return len;
}

static void test_ext_mpls(void **state)
{
	uint8_t m[512];
	struct wire_icmp_ext x;
	size_t len;

	(void)state;
	for (int fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;

		len = put_icmp_ext(m, family, true, true, 3, true);
		assert_int_equal(wire_icmp_ext_find(family, m, len, &x), 0);
		assert_int_equal(x.off, 136);
		assert_int_equal(x.len, len - 136);
		assert_true(x.cksum_ok);
		assert_int_equal(x.nobj, 2);
		assert_int_equal(x.obj[0].cls, 1);
		assert_int_equal(x.obj[0].len, 12);
		assert_int_equal(x.obj[1].cls, 2);
		assert_int_equal(x.obj[1].ctype, 3);
		assert_int_equal(x.obj[1].len, 8);
		assert_int_equal(x.nmpls, 3);
		for (unsigned i = 0; i < 3; i++) {
			assert_int_equal(x.mpls[i].label, 16 + i);
			assert_int_equal(x.mpls[i].tc, i);
			assert_int_equal(x.mpls[i].s, i == 2);
			assert_int_equal(x.mpls[i].ttl, 64 - i);
		}
		/* No checksum (zero) is accepted when the length says where. */
		len = put_icmp_ext(m, family, true, false, 1, false);
		assert_int_equal(wire_icmp_ext_find(family, m, len, &x), 0);
		assert_int_equal(x.nmpls, 1);
		assert_true(x.mpls[0].s);
	}
}

static void test_ext_compat(void **state)
{
	uint8_t m[512];
	struct wire_icmp_ext x;
	size_t len;

	(void)state;
	/* No length field: believed at 128 only with a checksum. */
	len = put_icmp_ext(m, AF_INET, false, true, 2, false);
	assert_int_equal(wire_icmp_ext_find(AF_INET, m, len, &x), 0);
	assert_int_equal(x.off, 136);
	assert_int_equal(x.nmpls, 2);
	len = put_icmp_ext(m, AF_INET, false, false, 2, false);
	assert_int_equal(wire_icmp_ext_find(AF_INET, m, len, &x), -ENOENT);
	/* A plain short error has none. */
	assert_int_equal(wire_icmp_ext_find(AF_INET, m, 8 + 28, &x), -ENOENT);
	/* Echo replies never carry extensions. */
	len = put_icmp_ext(m, AF_INET, true, true, 2, false);
	m[0] = WIRE_ICMP4_ECHOREPLY;
	assert_int_equal(wire_icmp_ext_find(AF_INET, m, len, &x), -ENOENT);
}

static void test_ext_bad(void **state)
{
	uint8_t m[512];
	struct wire_icmp_ext x;
	size_t len;

	(void)state;
	/* A wrong checksum, a wrong version, a short object, an object
	 * running past the end, a ragged MPLS object, a length below 128. */
	len = put_icmp_ext(m, AF_INET, true, true, 2, false);
	m[140] ^= 1;
	assert_int_equal(wire_icmp_ext_find(AF_INET, m, len, &x), -EPROTO);
	len = put_icmp_ext(m, AF_INET, true, false, 2, false);
	m[136] = 0x10;
	assert_int_equal(wire_icmp_ext_find(AF_INET, m, len, &x), -EPROTO);
	len = put_icmp_ext(m, AF_INET, true, false, 2, false);
	wr16(m + 140, 3);
	assert_int_equal(wire_icmp_ext_find(AF_INET, m, len, &x), -EPROTO);
	len = put_icmp_ext(m, AF_INET, true, false, 2, false);
	wr16(m + 140, 200);
	assert_int_equal(wire_icmp_ext_find(AF_INET, m, len, &x), -EPROTO);
	len = put_icmp_ext(m, AF_INET, true, false, 2, false);
	wr16(m + 140, 10);
	assert_int_equal(wire_icmp_ext_find(AF_INET, m, len, &x), -EPROTO);
	len = put_icmp_ext(m, AF_INET, true, false, 2, false);
	m[5] = 64 / 4;
	assert_int_equal(wire_icmp_ext_find(AF_INET, m, len, &x), -ENOENT);
	/* Straight to the structure parser: empty, header only. */
	assert_int_equal(wire_icmp_ext_parse(m, 0, &x), -EPROTO);
	m[0] = 0x20;
	m[1] = m[2] = m[3] = 0;
	assert_int_equal(wire_icmp_ext_parse(m, 4, &x), 0);
	assert_int_equal(x.nobj, 0);
}

/* Every prefix of a message with extensions, as an exact-size copy: no
 * read past len, and a clean answer either way. */
static void test_ext_truncated(void **state)
{
	uint8_t m[512];

	(void)state;
	for (int fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;

		for (int lf = 0; lf < 2; lf++) {
			size_t full = put_icmp_ext(m, family, lf, true, 4, true);

			for (size_t len = 0; len <= full; len++) {
				uint8_t *b = malloc(len ? len : 1);
				struct wire_icmp_ext x;
				int rc;

				memcpy(b, m, len);
				rc = wire_icmp_ext_find(family, b, len, &x);
				assert_true(rc == 0 || rc == -ENOENT || rc == -EPROTO);
				if (len == full)
					assert_int_equal(rc, 0);
				free(b);
			}
		}
	}
	/* Random bytes after a 128-byte quote. */
	{
		unsigned seed = 7;

		for (int round = 0; round < 5000; round++) {
			size_t len = (size_t)(rand_r(&seed) % 300);
			uint8_t *b = malloc(len ? len : 1);
			struct wire_icmp_ext x;

			for (size_t k = 0; k < len; k++)
				b[k] = (uint8_t)rand_r(&seed);
			if (len > 0)
				b[0] = (uint8_t)(round & 1 ? WIRE_ICMP4_TIMXCEED : WIRE_ICMP4_UNREACH);
			(void)wire_icmp_ext_find(round & 2 ? AF_INET6 : AF_INET, b, len, &x);
			(void)wire_icmp_ext_parse(b, len, &x);
			free(b);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_build_vectors),
		cmocka_unit_test(test_udp_build_edges),
		cmocka_unit_test(test_udp_zero_checksum),
		cmocka_unit_test(test_udp_parse),
		cmocka_unit_test(test_csum_compensate),
		cmocka_unit_test(test_tcp_build_vectors),
		cmocka_unit_test(test_tcp_parse_hostile),
		cmocka_unit_test(test_ext_mpls),
		cmocka_unit_test(test_ext_compat),
		cmocka_unit_test(test_ext_bad),
		cmocka_unit_test(test_ext_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
