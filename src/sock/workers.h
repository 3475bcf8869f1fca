/* workers: a few threads that do blocking work (name lookups) for a loop
 * that must never block.
 *
 * Two pipes and no shared memory: the caller writes a request (a record
 * of req_size bytes) down one; a thread reads it, calls work(), and writes
 * the answer (ans_size bytes) up the other, whose read end the caller's
 * loop polls.  Records are at most PIPE_BUF bytes, so each is written and
 * read whole, whichever thread takes it.  The caller's ends never block: a
 * full request pipe refuses (EAGAIN), an empty answer pipe says EAGAIN.
 *
 * Start the threads once privileges are dropped (threads inherit what the
 * caller holds) and before the sandbox (which then covers them all); they
 * take no signal but SANDBOX_SIGNAL (sandbox_install's, on kernels
 * without seccomp's TSYNC). */
#ifndef ECHOLOT_WORKERS_H
#define ECHOLOT_WORKERS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define WORKERS_MAX 8

/* A thread's work: read req, fill ans (zeroed before the call). */
typedef void (*workers_fn)(const void *req, void *ans);

struct workers {
	int req_fd, ans_fd;     /* our ends (write requests, read answers), or -1 */
	pthread_t threads[WORKERS_MAX];
	unsigned nthreads;
};

/* A thread of the process's own (workers, a sweep's engines): fn(arg)
 * with every signal blocked but SANDBOX_SIGNAL.  Start it once privileges
 * are dropped and before the sandbox.  0 or -errno. */
int workers_thread(pthread_t *t, void *(*fn)(void *), void *arg);

/* Nothing started: both descriptors -1 (what workers_stop expects). */
void workers_init(struct workers *w);

/* n threads (1..WORKERS_MAX), each ready when this returns.  0 or -errno
 * (-EINVAL: a record larger than PIPE_BUF). */
int workers_start(struct workers *w, unsigned n, size_t req_size,
		  size_t ans_size, workers_fn work);

/* Ask: 1 written, 0 the pipe is full, -errno. */
int workers_ask(struct workers *w, const void *req, size_t req_size);

/* One answer into ans: 1, 0 when none waits, -EPIPE when every thread
 * has ended, -errno. */
int workers_take(struct workers *w, void *ans, size_t ans_size);

/* Close the request pipe, which ends the threads once their work returns.
 * join: wait for them (they are idle); else leave them to end with the
 * process, so that a lookup nobody waits for does not delay it. */
void workers_stop(struct workers *w, bool join);

#endif
