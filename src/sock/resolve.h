/* Names: forward resolution of the target (with IDN) and cached reverse
 * lookups for the addresses that answer. */
#ifndef ECHOLOT_RESOLVE_H
#define ECHOLOT_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "workers.h"

/* Resolve name for family (AF_UNSPEC: the resolver's first choice).
 * canon gets the name to show (the canonical name, or name).  Returns 0,
 * or a getaddrinfo EAI_* code (negative) with a message in err. */
int resolve_target(const char *name, int family, struct sockaddr_storage *out,
		   socklen_t *outlen, char *canon, size_t canonlen,
		   char *err, size_t errlen);

/* A name through libidn2's idn2_lookup_ul (non-transitional), as
 * iputils reads ping6 -N's subject names: from the locale's encoding to
 * ASCII, "xn--" where it takes, lower case.  0, or -1 with libidn2's
 * reason in why.  Call it once the privileges are gone (it loads
 * libidn2). */
int resolve_idn_lookup(const char *name, char *out, size_t outlen, char *why,
		       size_t whylen);

/* Is s a numeric address of any family (IPv4 in any form inet_aton
 * takes, IPv6 with or without a scope)? */
bool resolve_is_numeric(const char *s);

#define RESOLVE_CACHE_SIZE 64
#define RESOLVE_TEXT 320

enum resolve_state { RESOLVE_FREE, RESOLVE_PENDING, RESOLVE_DONE };

struct resolve_entry {
	enum resolve_state state;
	int family;
	unsigned char addr[16];
	char text[RESOLVE_TEXT];        /* "name (addr)" or "addr" */
};

/* Reverse lookups, each address looked up once per run.  With a
 * background resolver (resolve_background) a lookup never blocks the
 * caller: resolve_ready() starts it and says whether the name is known. */
struct resolve_cache {
	bool numeric;           /* never look up: print addresses */
	unsigned next;          /* replacement cursor when full */
	struct resolve_entry e[RESOLVE_CACHE_SIZE];
	char buf[RESOLVE_TEXT];
	struct workers w;       /* the background resolver's threads */
	unsigned pending;       /* lookups asked for, not yet answered */
};

void resolve_cache_init(struct resolve_cache *c, bool numeric);
/* The text ping prints for an address: "name (addr)" or "addr".  Blocks
 * while the name is being looked up. */
const char *resolve_pretty(void *cache, const struct sockaddr *sa,
			   socklen_t len);

/* Look names up in nthreads threads of their own from now on
 * (resolve_bg.c; several look several names up at once).  Call it once
 * privileges are dropped (threads inherit what the caller holds) and
 * before the sandbox (which then covers them all).  Returns 0 or -errno;
 * without it lookups are made in the caller, synchronously. */
int resolve_background(struct resolve_cache *c, unsigned nthreads);
/* Would resolve_pretty(sa) answer without waiting?  If not, the lookup is
 * started (in the background) and false returned. */
bool resolve_ready(void *cache, const struct sockaddr *sa, socklen_t len);
/* Readable when answers have come: then resolve_collect().  -1 when
 * there is no background resolver. */
int resolve_answer_fd(const struct resolve_cache *c);
/* Take the answers that have come; never blocks. */
void resolve_collect(struct resolve_cache *c);
/* Block until at least one pending lookup is answered (none pending:
 * return at once), and take the answers. */
void resolve_wait(void *cache);
/* Stop the background resolver, if any. */
void resolve_cache_free(struct resolve_cache *c);

/* The text for an address, looked up now (blocking): resolve_bg.c's
 * thread and resolve_pretty share it.  num is the numeric form. */
void resolve_lookup(const struct sockaddr *sa, socklen_t len, const char *num,
		    char *text, size_t textlen);
/* sa's family and address bytes (IPv4 in the first four). */
void resolve_addr_of(const struct sockaddr *sa, int *family,
		     unsigned char a[16]);
/* Between resolve.c (the cache) and resolve_bg.c (the thread): the entry
 * for an address, or NULL; and a lookup handed to the thread (false: it
 * could not be). */
struct resolve_entry *resolve_find(struct resolve_cache *c, int family,
				   const unsigned char a[16]);
bool resolve_ask(struct resolve_cache *c, int family,
		 const unsigned char a[16]);

#endif
