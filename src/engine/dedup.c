/* dedup.h: a bit an index, or a window over the last indices. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dedup.h"

static bool is_bitmap(uint64_t size, uint32_t window)
{
	return window == 0 && size <= DEDUP_BITMAP_MAX;
}

static uint32_t window_of(uint32_t window)
{
	return window ? window : DEDUP_WINDOW_DEFAULT;
}

/* Slots for a window: a power of two, at least twice the window. */
static uint32_t slots_of(uint32_t window)
{
	uint32_t n = 2;

	while (n < 2 * (uint64_t)window)
		n <<= 1;
	return n;
}

uint64_t dedup_bytes(uint64_t size, uint32_t window)
{
	if (is_bitmap(size, window))
		return (size + 7) / 8;
	window = window_of(window);
	return ((uint64_t)window + slots_of(window)) * sizeof(uint64_t);
}

static int window_init(struct dedup *d, uint32_t window)
{
	d->window = window;
	d->mask = slots_of(window) - 1;
	d->ring = calloc(window, sizeof(*d->ring));
	d->slot = calloc((size_t)d->mask + 1, sizeof(*d->slot));
	if (!d->ring || !d->slot) {
		dedup_free(d);
		return -ENOMEM;
	}
	return 0;
}

int dedup_init(struct dedup *d, uint64_t size, uint32_t window)
{
	memset(d, 0, sizeof(*d));
	if (window > DEDUP_WINDOW_MAX)
		return -EINVAL;
	if (is_bitmap(size, window)) {
		d->bits = calloc(size ? (size + 7) / 8 : 1, 1);
		return d->bits ? 0 : -ENOMEM;
	}
	return window_init(d, window_of(window));
}

int dedup_init_shared(struct dedup *d, uint64_t size, uint32_t window)
{
	if (window > DEDUP_WINDOW_MAX || is_bitmap(size, window))
		return dedup_init(d, size, window);
	memset(d, 0, sizeof(*d));
	d->window = window_of(window);
	return 0;
}

int dedup_share(struct dedup *d, const struct dedup *src)
{
	memset(d, 0, sizeof(*d));
	if (src->bits) {
		d->bits = src->bits;
		d->borrowed = true;
		return 0;
	}
	return window_init(d, src->window);
}

void dedup_free(struct dedup *d)
{
	if (!d->borrowed)
		free((void *)d->bits);
	free(d->ring);
	free(d->slot);
	memset(d, 0, sizeof(*d));
}

/* Where key (an index + 1) belongs first. */
static uint32_t home(const struct dedup *d, uint64_t key)
{
	return (uint32_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & d->mask;
}

/* key's slot, or the empty one where it would go. */
static uint32_t find(const struct dedup *d, uint64_t key)
{
	uint32_t j = home(d, key);

	while (d->slot[j] && d->slot[j] != key)
		j = (j + 1) & d->mask;
	return j;
}

/* Take key out, shifting back those that probed past its slot. */
static void slot_del(struct dedup *d, uint64_t key)
{
	uint32_t hole = find(d, key), i = hole;

	if (!d->slot[hole])
		return;
	for (;;) {
		uint32_t h;

		i = (i + 1) & d->mask;
		if (!d->slot[i])
			break;
		h = home(d, d->slot[i]);
		/* It stays if its home is cyclically in (hole, i]. */
		if (hole < i ? (h > hole && h <= i) : (h > hole || h <= i))
			continue;
		d->slot[hole] = d->slot[i];
		hole = i;
	}
	d->slot[hole] = 0;
}

bool dedup_has(const struct dedup *d, uint64_t i)
{
	if (d->bits)
		return atomic_load_explicit(&d->bits[i >> 3], memory_order_relaxed) &
		       (1u << (i & 7));
	return d->slot[find(d, i + 1)] != 0;
}

void dedup_add(struct dedup *d, uint64_t i)
{
	uint64_t key = i + 1;

	if (d->bits) {
		atomic_fetch_or_explicit(&d->bits[i >> 3], (uint8_t)(1u << (i & 7)),
					 memory_order_relaxed);
		return;
	}
	if (d->count == d->window) {
		/* Full: the oldest makes room. */
		slot_del(d, d->ring[d->head]);
		d->ring[d->head] = key;
		d->head = (d->head + 1) % d->window;
	} else {
		d->ring[(d->head + d->count) % d->window] = key;
		d->count++;
	}
	d->slot[find(d, key)] = key;
}
