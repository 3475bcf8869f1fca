/* The walk over a target set: zmap's cyclic group.  For a prime p just
 * above the set's size and a generator g of the multiplicative group Z_p*,
 * x0 * g^k (k = 0 .. p-2) visits every number 1 .. p-1 exactly once; the
 * numbers <= size are the indices (minus one), the few above are skipped.
 * Neighbouring addresses land far apart, so no subnet gets a burst.  The
 * seed picks g and x0; shards take every N-th element of the cycle, so
 * with one seed they are disjoint and cover the set (zmap's meaning of
 * --shard / --shards). */
#include <errno.h>

#include "tset.h"

uint64_t tset_mulmod(uint64_t a, uint64_t b, uint64_t m)
{
	return (uint64_t)((unsigned __int128)a * b % m);
}

uint64_t tset_powmod(uint64_t b, uint64_t e, uint64_t m)
{
	uint64_t r = 1 % m;

	b %= m;
	while (e) {
		if (e & 1)
			r = tset_mulmod(r, b, m);
		b = tset_mulmod(b, b, m);
		e >>= 1;
	}
	return r;
}

/* Miller-Rabin with the bases that decide every 64-bit number. */
bool tset_is_prime(uint64_t n)
{
	static const uint64_t bases[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37 };
	uint64_t d = n - 1;
	unsigned r = 0;

	if (n < 2)
		return false;
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		if (n == bases[i])
			return true;
		if (n % bases[i] == 0)
			return false;
	}
	while (!(d & 1)) {
		d >>= 1;
		r++;
	}
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		uint64_t x = tset_powmod(bases[i], d, n);

		if (x == 1 || x == n - 1)
			continue;
		for (unsigned k = 1; k < r; k++) {
			x = tset_mulmod(x, x, n);
			if (x == n - 1)
				break;
		}
		if (x != n - 1)
			return false;
	}
	return true;
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Is g a generator of Z_p*?  (No g^((p-1)/q) is 1 for a prime q | p-1.) */
static bool generates(uint64_t g, uint64_t p, const uint64_t *q, unsigned nq)
{
	for (unsigned i = 0; i < nq; i++)
		if (tset_powmod(g, (p - 1) / q[i], p) == 1)
			return false;
	return true;
}

int tset_perm_init(struct tset_perm *w, uint64_t size, uint64_t seed,
		   uint32_t shard, uint32_t shards)
{
	uint64_t q[64], m, rs = seed;
	unsigned nq = 0;

	if (shards == 0 || shard >= shards || size > ((uint64_t)1 << 40))
		return -EINVAL;
	w->size = size;
	w->p = size + 1;
	while (!tset_is_prime(w->p))
		w->p++;
	/* The prime factors of p - 1 (p - 1 < 2^41: trial division). */
	m = w->p - 1;
	for (uint64_t f = 2; f * f <= m; f += f == 2 ? 1 : 2) {
		if (m % f)
			continue;
		q[nq++] = f;
		while (m % f == 0)
			m /= f;
	}
	if (m > 1)
		q[nq++] = m;
	if (w->p <= 3) {
		w->g = w->p - 1;        /* Z_2*: {1}; Z_3*: 2 generates it */
	} else {
		do
			w->g = 2 + splitmix(&rs) % (w->p - 3);
		while (!generates(w->g, w->p, q, nq));
	}
	w->first = 1 + splitmix(&rs) % (w->p - 1);
	w->first = tset_mulmod(w->first, tset_powmod(w->g, shard, w->p), w->p);
	w->step = tset_powmod(w->g, shards, w->p);
	w->steps = shard < w->p - 1 ? (w->p - 1 - shard + shards - 1) / shards : 0;
	tset_perm_rewind(w);
	return 0;
}

void tset_perm_rewind(struct tset_perm *w)
{
	w->cur = w->first;
	w->left = w->steps;
}

int64_t tset_perm_next(struct tset_perm *w)
{
	while (w->left) {
		uint64_t v = w->cur;

		w->cur = tset_mulmod(w->cur, w->step, w->p);
		w->left--;
		if (v <= w->size)
			return (int64_t)(v - 1);
	}
	return -1;
}

uint64_t tset_perm_count(const struct tset_perm *w)
{
	if (w->steps == w->p - 1)
		return w->size;
	/* A shard's share: the skipped numbers fall evenly. */
	return (uint64_t)((unsigned __int128)w->steps * w->size / (w->p - 1));
}
