/* Names: forward resolution of the target (with IDN) and cached reverse
 * lookups for the addresses that answer. */
#ifndef ECHOLOT_RESOLVE_H
#define ECHOLOT_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* Resolve name for family (AF_UNSPEC: the resolver's first choice).
 * canon gets the name to show (the canonical name, or name).  Returns 0,
 * or a getaddrinfo EAI_* code (negative) with a message in err. */
int resolve_target(const char *name, int family, struct sockaddr_storage *out,
		   socklen_t *outlen, char *canon, size_t canonlen,
		   char *err, size_t errlen);

/* Is s a numeric address of any family? */
bool resolve_is_numeric(const char *s);

#define RESOLVE_CACHE_SIZE 32

struct resolve_entry {
	bool used;
	int family;
	unsigned char addr[16];
	char text[320];        /* "name (addr)" or "addr" */
};

/* Reverse lookups, each address looked up once per run. */
struct resolve_cache {
	bool numeric;           /* never look up: print addresses */
	unsigned next;          /* replacement cursor when full */
	struct resolve_entry e[RESOLVE_CACHE_SIZE];
	char buf[320];
};

void resolve_cache_init(struct resolve_cache *c, bool numeric);
/* The text ping prints for an address: "name (addr)" or "addr". */
const char *resolve_pretty(void *cache, const struct sockaddr *sa,
			   socklen_t len);

#endif
