/* The schedule's parts: a binary min-heap of targets by their next due
 * time (O(log N) a send, O(1) to find the next), and the token bucket
 * arithmetic (GCRA: one timestamp a bucket). */
#ifndef ECHOLOT_SCHED_H
#define ECHOLOT_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct engine_target;

struct sched_heap {
	uint32_t *idx;          /* target indices; targets[i].heap is i's place */
	uint32_t n, cap;
};

int sched_heap_init(struct sched_heap *h, uint32_t cap);
void sched_heap_free(struct sched_heap *h);
/* Room for cap targets (a plan whose targets come and go: the monitor).
 * 0 or -ENOMEM. */
int sched_heap_reserve(struct sched_heap *h, uint32_t cap);
/* t (index ti) enters the heap at t->due. */
void sched_heap_push(struct sched_heap *h, struct engine_target *targets,
		     uint32_t ti);
/* targets[ti].due changed: restore the order. */
void sched_heap_fix(struct sched_heap *h, struct engine_target *targets,
		    uint32_t ti);
void sched_heap_remove(struct sched_heap *h, struct engine_target *targets,
		       uint32_t ti);
bool sched_heap_has(const struct sched_heap *h,
		    const struct engine_target *targets, uint32_t ti);

static inline bool sched_heap_empty(const struct sched_heap *h)
{
	return h->n == 0;
}

static inline uint32_t sched_heap_top(const struct sched_heap *h)
{
	return h->idx[0];
}

/* A token bucket of `burst` tokens, one every iv ns, kept as one time x:
 * when the bucket was (or will be) empty.  How long until a token is
 * there (<= 0: now); take one. */
int64_t sched_bucket_wait(int64_t x, int64_t iv, int64_t now);
int64_t sched_bucket_take(int64_t x, int64_t iv, uint64_t burst, int64_t now);

#endif
