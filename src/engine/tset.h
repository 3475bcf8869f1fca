/* Target sets: the addresses a sweep (or fping -g) probes, as a generator.
 * A set is a short sorted list of address intervals (CIDR blocks, ranges
 * A-B, single addresses and names), with the excluded ones cut out, so
 * that a /16 or an IPv6 /104 is one interval and a few bytes, never a list
 * of addresses.  Index i (0 .. size-1) names one address in address order;
 * tset_perm walks the indices in a seeded pseudo-random order (zmap's
 * cyclic group: multiplication by a generator of Z_p* for a prime p just
 * above the size), split into shards with zmap's meaning.
 *
 * No I/O here: the command reads files and resolves names (through the
 * callback), and hands each target to tset_add as text. */
#ifndef ECHOLOT_TSET_H
#define ECHOLOT_TSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* The largest IPv6 block one target may name: a /104. */
#define TSET_V6_MAX_BITS 24

/* Addresses as 128-bit numbers: IPv6 as is, IPv4 mapped (::ffff:a.b.c.d),
 * so both families sort and merge alike. */
typedef unsigned __int128 tset_u128;

struct tset_iv {
	tset_u128 lo, hi;       /* inclusive */
	uint64_t start;         /* index of lo in the set */
};

struct tset {
	struct tset_iv *iv;     /* sorted, disjoint, not adjacent */
	size_t n, cap;
	struct tset_iv *ex;     /* excluded, until tset_finish */
	size_t nex, capex;
	uint64_t size;          /* addresses, after tset_finish */
	bool finished;
	bool has4, has6;        /* families present, after tset_finish */
};

/* Resolves a name to one address of family (AF_UNSPEC: any); 0 or an
 * error text (static) for the message. */
typedef const char *(*tset_resolver)(void *ctx, const char *name, int family,
				     struct sockaddr_storage *out);

void tset_init(struct tset *s);
void tset_free(struct tset *s);

/* Add one target: "198.18.0.0/15", "2001:2::/112", "198.18.0.1-198.18.0.9",
 * an address, or a name (resolved through res; NULL: names refused).
 * family AF_UNSPEC, AF_INET or AF_INET6 limits what is accepted.  0, or
 * -1 with a one-line reason in err. */
int tset_add(struct tset *s, const char *text, int family, tset_resolver res,
	     void *rctx, char *err, size_t errlen);
/* The same for an exclusion (zmap's blocklist: a CIDR block or an
 * address); no names. */
int tset_exclude(struct tset *s, const char *text, char *err, size_t errlen);

/* One line of a target or blocklist file: the text without comments
 * (from '#') and surrounding blanks, or NULL for a blank line.  line is
 * changed in place. */
char *tset_line(char *line);

/* Sort, merge, cut the exclusions out and number the addresses.  0 or
 * -ENOMEM. */
int tset_finish(struct tset *s);

/* Address i (0 .. size-1) in the 16-byte form; its family. */
int tset_addr(const struct tset *s, uint64_t i, uint8_t out[16]);
/* The index of an address in the set, or -1. */
int64_t tset_index(const struct tset *s, const uint8_t a[16]);

void tset_u128_to16(tset_u128 v, uint8_t out[16]);
tset_u128 tset_u128_from16(const uint8_t a[16]);

/* The walk: every index of [0, size) exactly once in a seeded order.
 * Shard I of N (0-based, as zmap's --shard / --shards) visits the
 * elements at positions I, I + N, I + 2N, ... of the whole walk: with one
 * seed, the shards are disjoint and together are the set. */
struct tset_perm {
	uint64_t size;
	uint64_t p;             /* prime > size */
	uint64_t g;             /* generator of Z_p* */
	uint64_t step;          /* g^shards mod p */
	uint64_t first;         /* this shard's first element */
	uint64_t cur;
	uint64_t left;          /* elements of the cycle still to visit */
	uint64_t steps;         /* of the cycle, this shard's */
};

/* 0, or -EINVAL (shard >= shards, shards 0). */
int tset_perm_init(struct tset_perm *w, uint64_t size, uint64_t seed,
		   uint32_t shard, uint32_t shards);
/* The next index, or -1 at the end of the walk. */
int64_t tset_perm_next(struct tset_perm *w);
/* Walk again, from the same start, in the same order. */
void tset_perm_rewind(struct tset_perm *w);
/* Indices this shard visits in all (exact). */
uint64_t tset_perm_count(const struct tset_perm *w);

/* Small number theory, for the unit tests. */
bool tset_is_prime(uint64_t n);
uint64_t tset_mulmod(uint64_t a, uint64_t b, uint64_t m);
uint64_t tset_powmod(uint64_t b, uint64_t e, uint64_t m);

#endif
