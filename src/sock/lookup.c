/* Forward lookups in threads (lookup.h). */
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lookup.h"
#include "workers.h"

struct request {
	uint64_t id;
	int family, prefer;
	char name[LOOKUP_NAME_MAX + 1];
};

_Static_assert(sizeof(struct request) <= PIPE_BUF, "requests are written whole");
_Static_assert(sizeof(struct lookup_answer) <= PIPE_BUF, "answers are written whole");

struct queued {
	struct request q;
	struct queued *next;
};

struct lookup {
	struct workers w;
	struct queued *head, *tail;     /* waiting for room in the pipe */
	unsigned pending;
};

int lookup_now(const char *name, int family, int prefer,
	       struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints, *res = NULL, *ai, *pick = NULL;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;     /* one answer an address */
	hints.ai_flags = AI_IDN;
	rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc)
		return rc;
	for (ai = res; ai; ai = ai->ai_next) {
		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof(*ss))
			continue;
		if (!pick)
			pick = ai;
		if (ai->ai_family == prefer) {
			pick = ai;
			break;
		}
	}
	if (!pick) {
		freeaddrinfo(res);
		return EAI_ADDRFAMILY;
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, pick->ai_addr, pick->ai_addrlen);
	*len = (socklen_t)pick->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* In a thread: one name. */
static void look_up(const void *req, void *ans)
{
	const struct request *q = req;
	struct lookup_answer *a = ans;
	char name[LOOKUP_NAME_MAX + 1];
	int64_t t0 = mono_ns();

	memcpy(name, q->name, sizeof(name));
	name[LOOKUP_NAME_MAX] = '\0';
	a->id = q->id;
	a->err = lookup_now(name, q->family, q->prefer, &a->addr, &a->addrlen);
	a->took_ns = mono_ns() - t0;
}

int lookup_start(struct lookup **out, unsigned nthreads)
{
	struct lookup *l = calloc(1, sizeof(*l));
	int err;

	*out = NULL;
	if (!l)
		return -ENOMEM;
	workers_init(&l->w);
	err = workers_start(&l->w, nthreads, sizeof(struct request),
			    sizeof(struct lookup_answer), look_up);
	if (err < 0) {
		free(l);
		return err;
	}
	*out = l;
	return 0;
}

int lookup_fd(const struct lookup *l)
{
	return l->w.ans_fd;
}

/* Move what waits in our queue into the pipe, as far as it takes it. */
static void flush(struct lookup *l)
{
	while (l->head) {
		struct queued *h = l->head;

		if (workers_ask(&l->w, &h->q, sizeof(h->q)) <= 0)
			return;         /* full: later (gone: lookup_take says) */
		l->head = h->next;
		if (!l->head)
			l->tail = NULL;
		free(h);
	}
}

int lookup_ask(struct lookup *l, uint64_t id, const char *name, int family,
	       int prefer)
{
	struct queued *n;
	size_t len = strlen(name);

	if (len > LOOKUP_NAME_MAX)
		return -EINVAL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->q.id = id;
	n->q.family = family;
	n->q.prefer = prefer;
	memcpy(n->q.name, name, len);
	if (l->tail)
		l->tail->next = n;
	else
		l->head = n;
	l->tail = n;
	l->pending++;
	flush(l);
	return 0;
}

int lookup_take(struct lookup *l, struct lookup_answer *a)
{
	int k;

	flush(l);
	k = workers_take(&l->w, a, sizeof(*a));
	if (k <= 0)
		return k;
	if (l->pending)
		l->pending--;
	flush(l);
	return 1;
}

unsigned lookup_pending(const struct lookup *l)
{
	return l->pending;
}

void lookup_stop(struct lookup *l)
{
	if (!l)
		return;
	while (l->head) {
		struct queued *h = l->head;

		l->head = h->next;
		free(h);
	}
	/* Busy threads are left to end with the process. */
	workers_stop(&l->w, l->pending == 0);
	free(l);
}
