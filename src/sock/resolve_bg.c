/* Reverse lookups in threads of their own (workers.h), so that a slow
 * resolver delays the lines that show a name, never the probes.  A
 * request is an address; its answer the text to print. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "resolve.h"

struct request {
	int family;
	unsigned char addr[16];
};

struct answer {
	int family;             /* 0: none (a thread's start-up record) */
	unsigned char addr[16];
	char text[RESOLVE_TEXT];
};

_Static_assert(sizeof(struct answer) <= PIPE_BUF, "answers are written whole");

static void to_sockaddr(const struct request *q, struct sockaddr_storage *ss,
			socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (q->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, q->addr, 16);
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, q->addr, 4);
		*len = sizeof(*s4);
	}
}

/* In a thread: the text for one address. */
static void look_up(const void *req, void *ans)
{
	const struct request *q = req;
	struct answer *a = ans;
	struct sockaddr_storage ss;
	char num[INET6_ADDRSTRLEN];
	socklen_t len;

	if (q->family != AF_INET && q->family != AF_INET6)
		return;         /* family 0: dropped by resolve_collect */
	to_sockaddr(q, &ss, &len);
	if (!inet_ntop(q->family, q->addr, num, sizeof(num)))
		snprintf(num, sizeof(num), "?");
	a->family = q->family;
	memcpy(a->addr, q->addr, 16);
	resolve_lookup((struct sockaddr *)&ss, len, num, a->text, sizeof(a->text));
}

int resolve_background(struct resolve_cache *c, unsigned nthreads)
{
	int err;

	if (c->numeric || c->w.req_fd >= 0)
		return 0;
	err = workers_start(&c->w, nthreads, sizeof(struct request),
			    sizeof(struct answer), look_up);
	if (err < 0)
		resolve_cache_free(c);
	return err;
}

int resolve_answer_fd(const struct resolve_cache *c)
{
	return c->w.ans_fd;
}

/* The threads are gone: what they owed is shown as addresses. */
static void give_up(struct resolve_cache *c)
{
	for (unsigned i = 0; i < RESOLVE_CACHE_SIZE; i++) {
		struct resolve_entry *e = &c->e[i];

		if (e->state != RESOLVE_PENDING)
			continue;
		if (!inet_ntop(e->family, e->addr, e->text, sizeof(e->text)))
			snprintf(e->text, sizeof(e->text), "?");
		e->state = RESOLVE_DONE;
	}
	c->pending = 0;
	workers_stop(&c->w, false);
}

void resolve_collect(struct resolve_cache *c)
{
	struct answer a;
	int k;

	while ((k = workers_take(&c->w, &a, sizeof(a))) > 0) {
		struct resolve_entry *e = resolve_find(c, a.family, a.addr);

		if (!e || e->state != RESOLVE_PENDING)
			continue;
		a.text[sizeof(a.text) - 1] = '\0';
		memcpy(e->text, a.text, sizeof(e->text));
		e->state = RESOLVE_DONE;
		if (c->pending)
			c->pending--;
	}
	if (k < 0 && c->w.ans_fd >= 0)
		give_up(c);     /* end of file: the threads ended */
}

void resolve_wait(void *cache)
{
	struct resolve_cache *c = cache;
	unsigned before = c->pending;

	while (c->pending && c->pending == before && c->w.ans_fd >= 0) {
		struct pollfd p = { .fd = c->w.ans_fd, .events = POLLIN };

		/* The resolver's own timeouts bound this, as they bound
		 * iputils' getnameinfo(); a signal does not cut it short. */
		if (poll(&p, 1, -1) < 0 && errno != EINTR) {
			give_up(c);
			return;
		}
		resolve_collect(c);
	}
}

bool resolve_ask(struct resolve_cache *c, int family,
		 const unsigned char a[16])
{
	struct request q;

	memset(&q, 0, sizeof(q));
	q.family = family;
	memcpy(q.addr, a, 16);
	/* A full pipe (thousands waiting) says no rather than wait. */
	return workers_ask(&c->w, &q, sizeof(q)) > 0;
}

void resolve_cache_free(struct resolve_cache *c)
{
	/* Idle threads are waited for, so that they leave nothing behind;
	 * threads still looking up names that nobody will print are left
	 * to end with the process rather than delay it. */
	workers_stop(&c->w, c->pending == 0);
}
