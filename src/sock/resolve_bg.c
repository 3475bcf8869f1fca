/* Reverse lookups in threads of their own, so that a slow resolver delays
 * the lines that show a name, never the probes.
 *
 * Two pipes and no shared memory: the caller writes a request (an address)
 * down one, the thread looks it up and writes the answer (the text to
 * print) up the other, whose read end the caller's event loop polls.  Each
 * record is shorter than PIPE_BUF, so it is written and read whole. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "resolve.h"
#include "sandbox.h"

struct request {
	int family;
	unsigned char addr[16];
};

struct answer {
	int family;
	unsigned char addr[16];
	char text[RESOLVE_TEXT];
};

_Static_assert(sizeof(struct answer) <= PIPE_BUF, "answers are written whole");

struct worker {
	int req_fd, ans_fd;
};

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

static void *worker_main(void *arg)
{
	struct worker w = *(struct worker *)arg;
	struct request q;
	struct answer a;

	free(arg);
	/* Tell the caller the thread runs: what the C library does as a
	 * thread starts (rseq, robust futex list) is done, so the sandbox,
	 * entered next, need not allow it. */
	memset(&a, 0, sizeof(a));
	if (write(w.ans_fd, &a, sizeof(a)) != (ssize_t)sizeof(a))
		goto out;
	/* Until the caller closes its end (or the process ends). */
	while (read(w.req_fd, &q, sizeof(q)) == (ssize_t)sizeof(q)) {
		struct sockaddr_storage ss;
		char num[INET6_ADDRSTRLEN];
		socklen_t len;

		if (q.family != AF_INET && q.family != AF_INET6)
			continue;
		to_sockaddr(&q, &ss, &len);
		if (!inet_ntop(q.family, q.addr, num, sizeof(num)))
			snprintf(num, sizeof(num), "?");
		memset(&a, 0, sizeof(a));
		a.family = q.family;
		memcpy(a.addr, q.addr, 16);
		resolve_lookup((struct sockaddr *)&ss, len, num, a.text, sizeof(a.text));
		if (write(w.ans_fd, &a, sizeof(a)) != (ssize_t)sizeof(a))
			break;
	}
out:
	close(w.req_fd);
	close(w.ans_fd);
	return NULL;
}

/* Each thread's first answer (family 0) says it has started. */
static bool started(struct resolve_cache *c, unsigned n)
{
	struct pollfd p = { .fd = c->ans_fd, .events = POLLIN };
	struct answer a;

	while (n > 0) {
		int k = poll(&p, 1, 5000);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || read(c->ans_fd, &a, sizeof(a)) != (ssize_t)sizeof(a) ||
		    a.family != 0)
			return false;
		n--;
	}
	return true;
}

/* One more thread, with descriptors of its own: a thread that ends closes
 * them, and the answers reach end of file once every thread has. */
static int spawn(struct resolve_cache *c, int req_rd, int ans_wr)
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
	/* Signals are the caller's business: the thread takes none but the
	 * one that asks it to enter the sandbox where the kernel cannot
	 * make it (sandbox_install). */
	sigfillset(&all);
	sigdelset(&all, SANDBOX_SIGNAL);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(&c->threads[c->nthreads], NULL, worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err == 0) {
		c->nthreads++;
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

int resolve_background(struct resolve_cache *c, unsigned nthreads)
{
	int req[2], ans[2], err = 0;

	if (c->numeric || c->req_fd >= 0)
		return 0;
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > RESOLVE_MAX_THREADS)
		nthreads = RESOLVE_MAX_THREADS;
	if (pipe2(req, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(ans, O_CLOEXEC | O_NONBLOCK) < 0) {
		err = -errno;
		close(req[0]);
		close(req[1]);
		return err;
	}
	/* The caller never waits to ask: a full pipe means "look it up
	 * yourself" (resolve_ready).  The threads block on their ends. */
	(void)fcntl(req[1], F_SETFL, O_NONBLOCK);
	(void)fcntl(ans[1], F_SETFL, 0);
	c->req_fd = req[1];
	c->ans_fd = ans[0];
	for (unsigned i = 0; i < nthreads && err == 0; i++)
		err = spawn(c, req[0], ans[1]);
	close(req[0]);
	close(ans[1]);
	if (c->nthreads == 0 || !started(c, c->nthreads)) {
		for (unsigned i = 0; i < c->nthreads; i++)
			pthread_detach(c->threads[i]);
		c->nthreads = 0;
		resolve_cache_free(c);
		return err ? err : -ETIMEDOUT;
	}
	return 0;
}

int resolve_answer_fd(const struct resolve_cache *c)
{
	return c->ans_fd;
}

/* The thread is gone: what it owed is shown as addresses. */
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
	if (c->req_fd >= 0)
		close(c->req_fd);
	if (c->ans_fd >= 0)
		close(c->ans_fd);
	c->req_fd = c->ans_fd = -1;
}

void resolve_collect(struct resolve_cache *c)
{
	struct answer a;
	ssize_t n;

	while (c->ans_fd >= 0 && (n = read(c->ans_fd, &a, sizeof(a))) != 0) {
		struct resolve_entry *e;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				give_up(c);
			return;
		}
		if (n != (ssize_t)sizeof(a))
			continue;       /* cannot happen: records are whole */
		e = resolve_find(c, a.family, a.addr);
		if (!e || e->state != RESOLVE_PENDING)
			continue;
		a.text[sizeof(a.text) - 1] = '\0';
		memcpy(e->text, a.text, sizeof(e->text));
		e->state = RESOLVE_DONE;
		if (c->pending)
			c->pending--;
	}
	if (c->ans_fd >= 0)
		give_up(c);     /* end of file: the thread ended */
}

void resolve_wait(void *cache)
{
	struct resolve_cache *c = cache;
	unsigned before = c->pending;

	while (c->pending && c->pending == before && c->ans_fd >= 0) {
		struct pollfd p = { .fd = c->ans_fd, .events = POLLIN };

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

	if (c->req_fd < 0)
		return false;
	memset(&q, 0, sizeof(q));
	q.family = family;
	memcpy(q.addr, a, 16);
	/* A full pipe (thousands waiting) says no rather than wait. */
	return write(c->req_fd, &q, sizeof(q)) == (ssize_t)sizeof(q);
}

void resolve_cache_free(struct resolve_cache *c)
{
	/* Closing the request pipe ends the threads once their lookups (if
	 * any) return.  Idle threads are waited for, so that they leave
	 * nothing behind; threads still looking up names that nobody will
	 * print are left to end with the process rather than delay it. */
	if (c->req_fd >= 0)
		close(c->req_fd);
	for (unsigned i = 0; i < c->nthreads; i++) {
		if (c->pending == 0)
			pthread_join(c->threads[i], NULL);
		else
			pthread_detach(c->threads[i]);
	}
	c->nthreads = 0;
	if (c->ans_fd >= 0)
		close(c->ans_fd);
	c->req_fd = c->ans_fd = -1;
}
