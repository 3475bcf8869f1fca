/* Target sets as intervals of 128-bit addresses (tset.h says why).  The
 * walk over them is tset_perm.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tset.h"
#include "../wire/addr.h"

#define V4MAPPED ((tset_u128)0xffff << 32)

/* zmap skips these inside a larger block; named on their own they stay. */
static const struct {
	uint32_t lo, hi;
} reserved4[] = {
	{ 0x00000000u, 0x00ffffffu },   /* 0.0.0.0/8 */
	{ 0xe0000000u, 0xefffffffu },   /* 224.0.0.0/4 */
	{ 0xf0000000u, 0xffffffffu },   /* 240.0.0.0/4, 255.255.255.255 in it */
};

void tset_u128_to16(tset_u128 v, uint8_t out[16])
{
	for (int i = 15; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

tset_u128 tset_u128_from16(const uint8_t a[16])
{
	tset_u128 v = 0;

	for (int i = 0; i < 16; i++)
		v = v << 8 | a[i];
	return v;
}

static bool is_v4(tset_u128 v)
{
	return (v >> 32) == 0xffff;
}

void tset_init(struct tset *s)
{
	memset(s, 0, sizeof(*s));
}

void tset_free(struct tset *s)
{
	free(s->iv);
	free(s->ex);
	memset(s, 0, sizeof(*s));
}

static int push(struct tset_iv **arr, size_t *n, size_t *cap, tset_u128 lo,
		tset_u128 hi)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct tset_iv *p = realloc(*arr, nc * sizeof(*p));

		if (!p)
			return -ENOMEM;
		*arr = p;
		*cap = nc;
	}
	(*arr)[*n].lo = lo;
	(*arr)[*n].hi = hi;
	(*arr)[*n].start = 0;
	(*n)++;
	return 0;
}

char *tset_line(char *line)
{
	char *h = strchr(line, '#'), *end;

	if (h)
		*h = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	end = line + strlen(line);
	while (end > line && (end[-1] == ' ' || end[-1] == '\t' ||
			      end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return *line ? line : NULL;
}

/* A numeric address of either family: its family and value, or 0. */
static int parse_addr(const char *t, tset_u128 *v)
{
	uint8_t b[16], a16[16];

	if (inet_pton(AF_INET, t, b) == 1) {
		wire_addr16_from(a16, AF_INET, b);
		*v = tset_u128_from16(a16);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, t, b) == 1) {
		*v = tset_u128_from16(b);
		/* An IPv4-mapped IPv6 address would be taken for IPv4. */
		return is_v4(*v) ? 0 : AF_INET6;
	}
	return 0;
}

static int fail(char *err, size_t len, const char *fmt, const char *what)
{
	snprintf(err, len, fmt, what);
	return -1;
}

/* "A/len": the block, host bits cleared (fping and zmap do so too). */
static int parse_cidr(const char *text, const char *slash, tset_u128 *lo,
		      tset_u128 *hi, int *fam, bool exclude, char *err, size_t len)
{
	char addr[INET6_ADDRSTRLEN + 1], *end;
	size_t n = (size_t)(slash - text);
	unsigned bits, host;
	unsigned long pl;
	tset_u128 mask;

	if (n == 0 || n >= sizeof(addr) || !slash[1])
		return fail(err, len, "invalid CIDR block: '%s'", text);
	memcpy(addr, text, n);
	addr[n] = '\0';
	*fam = parse_addr(addr, lo);
	errno = 0;
	pl = strtoul(slash + 1, &end, 10);
	if (!*fam || *end || errno || slash[1] < '0' || slash[1] > '9' ||
	    pl > (*fam == AF_INET ? 32u : 128u))
		return fail(err, len, "invalid CIDR block: '%s'", text);
	bits = *fam == AF_INET ? 32 : 128;
	host = bits - (unsigned)pl;
	if (*fam == AF_INET6 && host > TSET_V6_MAX_BITS && !exclude)
		return fail(err, len, "IPv6 block too large: '%s' (at most a /104)",
			    text);
	mask = host >= 128 ? ~(tset_u128)0 : (((tset_u128)1 << host) - 1);
	if (*fam == AF_INET)
		*lo = V4MAPPED | ((*lo & 0xffffffffu) & ~mask);
	else
		*lo &= ~mask;
	*hi = *lo | mask;
	return 0;
}

/* Add [lo, hi]; a block of more than one address loses zmap's reserved
 * IPv4 blocks, unless it lies inside one of them (named on its own). */
static int add_iv(struct tset *s, tset_u128 lo, tset_u128 hi)
{
	uint32_t l, h;

	if (lo == hi || !is_v4(lo))
		return push(&s->iv, &s->n, &s->cap, lo, hi);
	l = (uint32_t)lo;
	h = (uint32_t)hi;
	for (size_t i = 0; i < sizeof(reserved4) / sizeof(reserved4[0]); i++)
		if (l >= reserved4[i].lo && h <= reserved4[i].hi)
			return push(&s->iv, &s->n, &s->cap, lo, hi);
	/* The reserved blocks are sorted: cut each out in turn. */
	for (size_t i = 0; i < sizeof(reserved4) / sizeof(reserved4[0]); i++) {
		if (reserved4[i].hi < l || reserved4[i].lo > h)
			continue;
		if (reserved4[i].lo > l &&
		    push(&s->iv, &s->n, &s->cap, V4MAPPED | l,
			 V4MAPPED | (reserved4[i].lo - 1)) < 0)
			return -ENOMEM;
		if (reserved4[i].hi >= h)
			return 0;
		l = reserved4[i].hi + 1;
	}
	return push(&s->iv, &s->n, &s->cap, V4MAPPED | l, V4MAPPED | h);
}

static int family_ok(int want, int fam, const char *text, char *err, size_t len)
{
	if (want == AF_UNSPEC || want == fam)
		return 0;
	return fail(err, len, want == AF_INET ? "not an IPv4 target: '%s'" :
						"not an IPv6 target: '%s'", text);
}

int tset_add(struct tset *s, const char *text, int family, tset_resolver res,
	     void *rctx, char *err, size_t errlen)
{
	const char *slash = strchr(text, '/'), *dash;
	tset_u128 lo, hi;
	int fam;

	if (!*text)
		return fail(err, errlen, "empty target%s", "");
	if (slash) {
		if (parse_cidr(text, slash, &lo, &hi, &fam, false, err, errlen) < 0)
			return -1;
		if (family_ok(family, fam, text, err, errlen) < 0)
			return -1;
		return add_iv(s, lo, hi) < 0 ? fail(err, errlen, "%s", "out of memory") : 0;
	}
	fam = parse_addr(text, &lo);
	if (fam) {
		if (family_ok(family, fam, text, err, errlen) < 0)
			return -1;
		return push(&s->iv, &s->n, &s->cap, lo, lo) < 0 ?
			fail(err, errlen, "%s", "out of memory") : 0;
	}
	dash = strchr(text, '-');
	if (dash && dash != text) {
		char a[INET6_ADDRSTRLEN + 1];
		size_t n = (size_t)(dash - text);
		int f2;

		if (n < sizeof(a)) {
			memcpy(a, text, n);
			a[n] = '\0';
			fam = parse_addr(a, &lo);
			f2 = parse_addr(dash + 1, &hi);
			if (fam && f2) {
				if (fam != f2 || hi < lo)
					return fail(err, errlen, "invalid range: '%s'", text);
				if (fam == AF_INET6 &&
				    hi - lo >= ((tset_u128)1 << TSET_V6_MAX_BITS))
					return fail(err, errlen,
						    "IPv6 range too large: '%s' (at most 2^24 addresses)",
						    text);
				if (family_ok(family, fam, text, err, errlen) < 0)
					return -1;
				return add_iv(s, lo, hi) < 0 ?
					fail(err, errlen, "%s", "out of memory") : 0;
			}
			if (fam || f2)
				return fail(err, errlen, "invalid range: '%s'", text);
		}
	}
	if (strspn(text, "0123456789.") == strlen(text))
		return fail(err, errlen, "invalid address: '%s'", text);
	if (!res)
		return fail(err, errlen, "not an address: '%s'", text);
	{
		struct sockaddr_storage ss;
		const char *why = res(rctx, text, family, &ss);
		uint8_t a16[16];

		if (why) {
			snprintf(err, errlen, "%s: %s", text, why);
			return -1;
		}
		wire_addr16_from(a16, ss.ss_family, wire_sa_bytes((struct sockaddr *)&ss));
		lo = tset_u128_from16(a16);
		return push(&s->iv, &s->n, &s->cap, lo, lo) < 0 ?
			fail(err, errlen, "%s", "out of memory") : 0;
	}
}

int tset_exclude(struct tset *s, const char *text, char *err, size_t errlen)
{
	const char *slash = strchr(text, '/');
	tset_u128 lo, hi;
	int fam;

	if (slash) {
		if (parse_cidr(text, slash, &lo, &hi, &fam, true, err, errlen) < 0)
			return -1;
	} else {
		if (!parse_addr(text, &lo))
			return fail(err, errlen, "invalid exclusion: '%s'", text);
		hi = lo;
	}
	return push(&s->ex, &s->nex, &s->capex, lo, hi) < 0 ?
		fail(err, errlen, "%s", "out of memory") : 0;
}

static int cmp_iv(const void *a, const void *b)
{
	const struct tset_iv *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sort and merge overlapping or adjacent intervals in place. */
static size_t merge(struct tset_iv *v, size_t n)
{
	size_t k = 0;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_iv);
	for (size_t i = 1; i < n; i++) {
		if (v[i].lo <= v[k].hi || v[i].lo - 1 == v[k].hi) {
			if (v[i].hi > v[k].hi)
				v[k].hi = v[i].hi;
		} else {
			v[++k] = v[i];
		}
	}
	return k + 1;
}

int tset_finish(struct tset *s)
{
	struct tset_iv *out = NULL;
	size_t nout = 0, cap = 0, j = 0;
	uint64_t idx = 0;

	s->n = merge(s->iv, s->n);
	s->nex = merge(s->ex, s->nex);
	for (size_t i = 0; i < s->n; i++) {
		tset_u128 lo = s->iv[i].lo, hi = s->iv[i].hi;

		/* Exclusions before this interval are past. */
		while (j < s->nex && s->ex[j].hi < lo)
			j++;
		for (size_t k = j; lo <= hi; k++) {
			if (k >= s->nex || s->ex[k].lo > hi) {
				if (push(&out, &nout, &cap, lo, hi) < 0)
					goto nomem;
				break;
			}
			if (s->ex[k].lo > lo &&
			    push(&out, &nout, &cap, lo, s->ex[k].lo - 1) < 0)
				goto nomem;
			if (s->ex[k].hi >= hi)
				break;
			lo = s->ex[k].hi + 1;
		}
	}
	free(s->iv);
	s->iv = out;
	s->n = nout;
	s->cap = cap;
	s->has4 = s->has6 = false;
	for (size_t i = 0; i < s->n; i++) {
		s->iv[i].start = idx;
		idx += (uint64_t)(s->iv[i].hi - s->iv[i].lo) + 1;
		if (is_v4(s->iv[i].lo))
			s->has4 = true;
		else
			s->has6 = true;
	}
	s->size = idx;
	s->finished = true;
	return 0;
nomem:
	free(out);
	return -ENOMEM;
}

/* The interval holding index i (binary search over the starts). */
static const struct tset_iv *find_index(const struct tset *s, uint64_t i)
{
	size_t lo = 0, hi = s->n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->iv[mid].start <= i)
			lo = mid;
		else
			hi = mid;
	}
	return &s->iv[lo];
}

int tset_addr(const struct tset *s, uint64_t i, uint8_t out[16])
{
	const struct tset_iv *v;
	tset_u128 a;

	if (i >= s->size)
		return -EINVAL;
	v = find_index(s, i);
	a = v->lo + (i - v->start);
	tset_u128_to16(a, out);
	return is_v4(a) ? AF_INET : AF_INET6;
}

int64_t tset_index(const struct tset *s, const uint8_t a16[16])
{
	tset_u128 a = tset_u128_from16(a16);
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->iv[mid].hi < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n && s->iv[lo].lo <= a && a <= s->iv[lo].hi)
		return (int64_t)(s->iv[lo].start + (uint64_t)(a - s->iv[lo].lo));
	return -1;
}
