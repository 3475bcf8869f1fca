/* De-duplication of a sweep's answers by their index in the target set.
 *
 * Up to DEDUP_BITMAP_MAX indices, a bit an index: exact, and safe to share
 * between threads (atomic bytes).  Past that (a bit an index of 2^32
 * addresses is 512 MiB), or when asked, a window over the last `window`
 * indices added, as zmap's window method: an index is recognised while
 * fewer than `window` others were added after it; the answers of a sweep
 * come within its wait of their probes, so duplicates do.  A window is
 * one thread's: a hash set (linear probing, at most half full) over a
 * ring of the indices in the order they came. */
#ifndef ECHOLOT_DEDUP_H
#define ECHOLOT_DEDUP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define DEDUP_BITMAP_MAX (UINT64_C(1) << 27)
#define DEDUP_WINDOW_DEFAULT (UINT32_C(1) << 20)
#define DEDUP_WINDOW_MAX (UINT32_C(1) << 24)

struct dedup {
	_Atomic uint8_t *bits;  /* the bitmap, or NULL: a window */
	uint64_t *ring;         /* index + 1, the oldest at head */
	uint64_t *slot;         /* index + 1, 0: empty */
	uint32_t window, head, count, mask;
	bool borrowed;          /* bits are another's (dedup_share) */
};

/* For a set of size indices: a bitmap while size <= DEDUP_BITMAP_MAX and
 * window is 0; else a window of `window` indices (0: the default).
 * 0 or -ENOMEM, -EINVAL (a window past DEDUP_WINDOW_MAX). */
int dedup_init(struct dedup *d, uint64_t size, uint32_t window);
/* The same for threads to share: a bitmap, or where a window is due, its
 * size only (each thread then makes its own with dedup_share). */
int dedup_init_shared(struct dedup *d, uint64_t size, uint32_t window);
/* d as another thread's view of src: src's bitmap itself, or a window of
 * d's own of the same size.  0 or -ENOMEM. */
int dedup_share(struct dedup *d, const struct dedup *src);
void dedup_free(struct dedup *d);

/* Was i added (and, in a window, not yet pushed out)? */
bool dedup_has(const struct dedup *d, uint64_t i);
/* Add i, which dedup_has says is not there. */
void dedup_add(struct dedup *d, uint64_t i);

/* What dedup_init(size, window) allocates, bytes. */
uint64_t dedup_bytes(uint64_t size, uint32_t window);

#endif
