/* A few threads for blocking work (workers.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"
#include "workers.h"

/* A thread's own: its descriptors (it closes them as it ends, so the
 * answers reach end of file once every thread has) and what it copied of
 * the pool, which it may outlive (workers_stop without join). */
struct worker {
	int req_fd, ans_fd;
	size_t req_size, ans_size;
	workers_fn work;
	unsigned char buf[];    /* req_size bytes, then ans_size */
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned char *req = w->buf, *ans = w->buf + w->req_size;

	/* Say the thread runs (any record: workers_start reads it), so that
	 * what the C library does as a thread starts (rseq, the robust futex
	 * list) is done before the sandbox, which need not allow it. */
	memset(ans, 0, w->ans_size);
	if (write(w->ans_fd, ans, w->ans_size) != (ssize_t)w->ans_size)
		goto out;
	/* Until the caller closes its end (or the process ends). */
	while (read(w->req_fd, req, w->req_size) == (ssize_t)w->req_size) {
		memset(ans, 0, w->ans_size);
		w->work(req, ans);
		if (write(w->ans_fd, ans, w->ans_size) != (ssize_t)w->ans_size)
			break;
	}
out:
	close(w->req_fd);
	close(w->ans_fd);
	free(w);
	return NULL;
}

int workers_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int err;

	/* Signals are the caller's business: the thread takes none but the
	 * one that asks it to enter the sandbox where the kernel cannot
	 * make it (sandbox_install). */
	sigfillset(&all);
	sigdelset(&all, SANDBOX_SIGNAL);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}

static int spawn(struct workers *p, int req_rd, int ans_wr, size_t req_size,
		 size_t ans_size, workers_fn work)
{
	struct worker *w = malloc(sizeof(*w) + req_size + ans_size);
	int err;

	if (!w)
		return -ENOMEM;
	w->req_size = req_size;
	w->ans_size = ans_size;
	w->work = work;
	w->req_fd = fcntl(req_rd, F_DUPFD_CLOEXEC, 0);
	w->ans_fd = fcntl(ans_wr, F_DUPFD_CLOEXEC, 0);
	if (w->req_fd < 0 || w->ans_fd < 0) {
		err = -errno;
		goto fail;
	}
	err = workers_thread(&p->threads[p->nthreads], worker_main, w);
	if (err == 0) {
		p->nthreads++;
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

/* Each thread's first record says it has started. */
static bool started(struct workers *p, size_t ans_size)
{
	struct pollfd pfd = { .fd = p->ans_fd, .events = POLLIN };
	unsigned char buf[PIPE_BUF];
	unsigned n = p->nthreads;

	while (n > 0) {
		int k = poll(&pfd, 1, 5000);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || read(p->ans_fd, buf, ans_size) != (ssize_t)ans_size)
			return false;
		n--;
	}
	return true;
}

void workers_init(struct workers *w)
{
	memset(w, 0, sizeof(*w));
	w->req_fd = w->ans_fd = -1;
}

int workers_start(struct workers *w, unsigned n, size_t req_size,
		  size_t ans_size, workers_fn work)
{
	int req[2], ans[2], err = 0;

	if (req_size == 0 || req_size > PIPE_BUF || ans_size == 0 ||
	    ans_size > PIPE_BUF || w->req_fd >= 0)
		return -EINVAL;
	if (n < 1)
		n = 1;
	if (n > WORKERS_MAX)
		n = WORKERS_MAX;
	if (pipe2(req, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(ans, O_CLOEXEC) < 0) {
		err = -errno;
		close(req[0]);
		close(req[1]);
		return err;
	}
	/* Our ends never block; the threads block on theirs. */
	(void)fcntl(req[1], F_SETFL, O_NONBLOCK);
	(void)fcntl(ans[0], F_SETFL, O_NONBLOCK);
	w->req_fd = req[1];
	w->ans_fd = ans[0];
	for (unsigned i = 0; i < n && err == 0; i++)
		err = spawn(w, req[0], ans[1], req_size, ans_size, work);
	close(req[0]);
	close(ans[1]);
	if (w->nthreads == 0 || !started(w, ans_size)) {
		workers_stop(w, false);
		return err ? err : -ETIMEDOUT;
	}
	return 0;
}

int workers_ask(struct workers *w, const void *req, size_t req_size)
{
	ssize_t n;

	if (w->req_fd < 0)
		return -EPIPE;
	do
		n = write(w->req_fd, req, req_size);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)req_size)
		return 1;
	if (n < 0 && errno == EAGAIN)
		return 0;
	return n < 0 ? -errno : -EIO;
}

int workers_take(struct workers *w, void *ans, size_t ans_size)
{
	ssize_t n;

	if (w->ans_fd < 0)
		return -EPIPE;
	do
		n = read(w->ans_fd, ans, ans_size);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)ans_size)
		return 1;
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n == 0)
		return -EPIPE;
	return n < 0 ? -errno : -EIO;   /* a part: cannot happen, records are whole */
}

void workers_stop(struct workers *w, bool join)
{
	if (w->req_fd >= 0)
		close(w->req_fd);
	for (unsigned i = 0; i < w->nthreads; i++) {
		if (join)
			pthread_join(w->threads[i], NULL);
		else
			pthread_detach(w->threads[i]);
	}
	w->nthreads = 0;
	if (w->ans_fd >= 0)
		close(w->ans_fd);
	w->req_fd = w->ans_fd = -1;
}
