/* lookup: forward name lookups (name -> address) in threads of their own,
 * for a daemon whose loop must never wait on a resolver (the exporter
 * looks its targets' names up again and again, and /probe's on demand).
 *
 * On workers.h, as resolve_bg.c for reverse names: requests go down a
 * pipe to the threads, answers come up another whose read end the loop
 * watches.  Requests wait in a queue of ours when the pipe is full, so any
 * number may be asked for at once.  Start the threads once privileges are
 * dropped and before the sandbox. */
#ifndef ECHOLOT_LOOKUP_H
#define ECHOLOT_LOOKUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define LOOKUP_NAME_MAX 254     /* the longest name asked for */

struct lookup;

struct lookup_answer {
	uint64_t id;            /* as asked */
	int err;                /* 0, or getaddrinfo's EAI_* code */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int64_t took_ns;        /* how long the lookup took */
};

/* family: AF_INET, AF_INET6 or AF_UNSPEC (any; `prefer` first, if it has
 * one).  Blocking: what the threads call.  0 or an EAI_* code. */
int lookup_now(const char *name, int family, int prefer,
	       struct sockaddr_storage *ss, socklen_t *len);

/* nthreads threads (1..WORKERS_MAX; workers.h).  0 or -errno. */
int lookup_start(struct lookup **out, unsigned nthreads);
/* Readable when answers have come (lookup_take). */
int lookup_fd(const struct lookup *l);
/* Ask; the answer comes with id.  Never blocks.  0 or -errno (-EINVAL:
 * the name is too long). */
int lookup_ask(struct lookup *l, uint64_t id, const char *name, int family,
	       int prefer);
/* One answer: 1, 0 when none is waiting, -errno when the threads are
 * gone. */
int lookup_take(struct lookup *l, struct lookup_answer *a);
/* Lookups asked for, not yet answered. */
unsigned lookup_pending(const struct lookup *l);
/* End the threads (idle ones are joined). */
void lookup_stop(struct lookup *l);

#endif
