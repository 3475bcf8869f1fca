/* Forward lookups in threads (lookup.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lookup.h"

#define LOOKUP_MAX_THREADS 8

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
	int req_fd, ans_fd;             /* our ends */
	struct queued *head, *tail;     /* waiting for room in the pipe */
	unsigned pending;
	pthread_t threads[LOOKUP_MAX_THREADS];
	unsigned nthreads;
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

struct worker {
	int req_fd, ans_fd;
};

static void *worker_main(void *arg)
{
	struct worker w = *(struct worker *)arg;
	struct lookup_answer a;
	struct request q;

	free(arg);
	/* Say the thread runs, so that what the C library does as a thread
	 * starts is done before the sandbox (as resolve_bg.c). */
	memset(&a, 0, sizeof(a));
	a.err = 1;
	if (write(w.ans_fd, &a, sizeof(a)) != (ssize_t)sizeof(a))
		goto out;
	while (read(w.req_fd, &q, sizeof(q)) == (ssize_t)sizeof(q)) {
		int64_t t0 = mono_ns();

		q.name[LOOKUP_NAME_MAX] = '\0';
		memset(&a, 0, sizeof(a));
		a.id = q.id;
		a.err = lookup_now(q.name, q.family, q.prefer, &a.addr, &a.addrlen);
		/* 1 is the start-up token; no EAI_* code is positive. */
		a.took_ns = mono_ns() - t0;
		if (write(w.ans_fd, &a, sizeof(a)) != (ssize_t)sizeof(a))
			break;
	}
out:
	close(w.req_fd);
	close(w.ans_fd);
	return NULL;
}

static int spawn(struct lookup *l, int req_rd, int ans_wr)
{
	struct worker *w = malloc(sizeof(*w));
	sigset_t all, old;
	int err;

	if (!w)
		return -ENOMEM;
	w->req_fd = fcntl(req_rd, F_DUPFD_CLOEXEC, 0);
	w->ans_fd = fcntl(ans_wr, F_DUPFD_CLOEXEC, 0);
	if (w->req_fd < 0 || w->ans_fd < 0) {
		err = -errno;
		goto fail;
	}
	/* Signals are the loop's: the threads take none. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(&l->threads[l->nthreads], NULL, worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err == 0) {
		l->nthreads++;
		return 0;
	}
fail:
	if (w->req_fd >= 0)
		close(w->req_fd);
	if (w->ans_fd >= 0)
		close(w->ans_fd);
	free(w);
	return err;
}

/* Each thread's start-up token. */
static bool started(struct lookup *l)
{
	struct pollfd p = { .fd = l->ans_fd, .events = POLLIN };
	struct lookup_answer a;
	unsigned n = l->nthreads;

	while (n > 0) {
		int k = poll(&p, 1, 5000);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || read(l->ans_fd, &a, sizeof(a)) != (ssize_t)sizeof(a) ||
		    a.err != 1)
			return false;
		n--;
	}
	return true;
}

int lookup_start(struct lookup **out, unsigned nthreads)
{
	struct lookup *l = calloc(1, sizeof(*l));
	int req[2], ans[2], err = 0;

	*out = NULL;
	if (!l)
		return -ENOMEM;
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > LOOKUP_MAX_THREADS)
		nthreads = LOOKUP_MAX_THREADS;
	if (pipe2(req, O_CLOEXEC) < 0) {
		free(l);
		return -errno;
	}
	if (pipe2(ans, O_CLOEXEC) < 0) {
		err = -errno;
		close(req[0]);
		close(req[1]);
		free(l);
		return err;
	}
	/* Our ends never block: a full request pipe leaves requests in our
	 * queue; the threads block on theirs. */
	(void)fcntl(req[1], F_SETFL, O_NONBLOCK);
	(void)fcntl(ans[0], F_SETFL, O_NONBLOCK);
	l->req_fd = req[1];
	l->ans_fd = ans[0];
	for (unsigned i = 0; i < nthreads && err == 0; i++)
		err = spawn(l, req[0], ans[1]);
	close(req[0]);
	close(ans[1]);
	if (l->nthreads == 0 || !started(l)) {
		lookup_stop(l);
		return err ? err : -ETIMEDOUT;
	}
	*out = l;
	return 0;
}

int lookup_fd(const struct lookup *l)
{
	return l->ans_fd;
}

/* Move what waits in our queue into the pipe, as far as it takes it. */
static void flush(struct lookup *l)
{
	while (l->head) {
		struct queued *h = l->head;

		if (write(l->req_fd, &h->q, sizeof(h->q)) != (ssize_t)sizeof(h->q))
			return;         /* full (EAGAIN): later */
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
	ssize_t n;

	flush(l);
	for (;;) {
		n = read(l->ans_fd, a, sizeof(*a));
		if (n == (ssize_t)sizeof(*a))
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		return n == 0 ? -EPIPE : -EIO;
	}
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
	/* Closing the request pipe ends the threads as their lookups
	 * return; busy ones are left to end with the process. */
	close(l->req_fd);
	for (unsigned i = 0; i < l->nthreads; i++) {
		if (l->pending == 0)
			pthread_join(l->threads[i], NULL);
		else
			pthread_detach(l->threads[i]);
	}
	close(l->ans_fd);
	free(l);
}
