/* The heap of targets by due time, and the token bucket (sched.h). */
#include <errno.h>
#include <stdlib.h>

#include "engine_int.h"
#include "sched.h"

#define NOT_IN_HEAP UINT32_MAX

int sched_heap_init(struct sched_heap *h, uint32_t cap)
{
	h->n = 0;
	h->cap = cap ? cap : 1;
	h->idx = malloc((size_t)h->cap * sizeof(*h->idx));
	return h->idx ? 0 : -ENOMEM;
}

int sched_heap_reserve(struct sched_heap *h, uint32_t cap)
{
	uint32_t *n;

	if (cap <= h->cap)
		return 0;
	n = realloc(h->idx, (size_t)cap * sizeof(*h->idx));
	if (!n)
		return -ENOMEM;
	h->idx = n;
	h->cap = cap;
	return 0;
}

void sched_heap_free(struct sched_heap *h)
{
	free(h->idx);
	h->idx = NULL;
	h->n = 0;
}

static bool before(const struct engine_target *t, uint32_t a, uint32_t b)
{
	/* Equal times: the lower index first, so targets go in turn. */
	return t[a].due < t[b].due || (t[a].due == t[b].due && a < b);
}

static void place(struct sched_heap *h, struct engine_target *t, uint32_t pos,
		  uint32_t ti)
{
	h->idx[pos] = ti;
	t[ti].heap = pos;
}

static void up(struct sched_heap *h, struct engine_target *t, uint32_t pos)
{
	uint32_t ti = h->idx[pos];

	while (pos > 0) {
		uint32_t parent = (pos - 1) / 2;

		if (!before(t, ti, h->idx[parent]))
			break;
		place(h, t, pos, h->idx[parent]);
		pos = parent;
	}
	place(h, t, pos, ti);
}

static void down(struct sched_heap *h, struct engine_target *t, uint32_t pos)
{
	uint32_t ti = h->idx[pos];

	for (;;) {
		uint32_t c = 2 * pos + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && before(t, h->idx[c + 1], h->idx[c]))
			c++;
		if (!before(t, h->idx[c], ti))
			break;
		place(h, t, pos, h->idx[c]);
		pos = c;
	}
	place(h, t, pos, ti);
}

bool sched_heap_has(const struct sched_heap *h,
		    const struct engine_target *targets, uint32_t ti)
{
	uint32_t pos = targets[ti].heap;

	return pos < h->n && h->idx[pos] == ti;
}

void sched_heap_push(struct sched_heap *h, struct engine_target *targets,
		     uint32_t ti)
{
	if (h->n == h->cap)
		return;         /* sized for every target at init */
	place(h, targets, h->n++, ti);
	up(h, targets, h->n - 1);
}

void sched_heap_fix(struct sched_heap *h, struct engine_target *targets,
		    uint32_t ti)
{
	uint32_t pos = targets[ti].heap;

	if (!sched_heap_has(h, targets, ti))
		return;
	up(h, targets, pos);
	down(h, targets, targets[ti].heap);
}

void sched_heap_remove(struct sched_heap *h, struct engine_target *targets,
		       uint32_t ti)
{
	uint32_t pos = targets[ti].heap, last;

	if (!sched_heap_has(h, targets, ti))
		return;
	last = h->idx[--h->n];
	targets[ti].heap = NOT_IN_HEAP;
	if (pos == h->n)
		return;
	place(h, targets, pos, last);
	up(h, targets, pos);
	down(h, targets, targets[last].heap);
}

int64_t sched_bucket_wait(int64_t x, int64_t iv, int64_t now)
{
	/* The level is now - x (capped at the depth); a probe takes iv. */
	return x + iv - now;
}

int64_t sched_bucket_take(int64_t x, int64_t iv, uint64_t burst, int64_t now)
{
	/* A full bucket holds burst tokens: x never lags now by more. */
	int64_t cap = burst && iv > INT64_MAX / 4 / (int64_t)burst ?
		      INT64_MAX / 4 : iv * (int64_t)burst;

	if (x < now - cap)
		x = now - cap;
	return x + iv;
}
