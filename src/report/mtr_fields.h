/* mtr's fields (-o): the columns its report, screen, CSV, JSON and XML
 * show, with mtr 0.95's keys, titles, widths and formats, and echolot's
 * few more (percentiles, the initial TTL of the hop's router). */
#ifndef ECHOLOT_MTR_FIELDS_H
#define ECHOLOT_MTR_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "../analysis/mtr_stats.h"

#define MTR_FIELDS_MAX 32       /* -o: at most this many */
#define MTR_FIELDS_DEFAULT "LS NABWV"
#define MTR_FIELDS_JITTER "DR AGJMXI"
#define MTR_FIELDS_DIST "LS NPQZW"

enum mtr_field_kind {
	MTR_FK_INT,             /* a count, printed %d */
	MTR_FK_MS,              /* a time in ms (mtr: us / 1000.0) */
	MTR_FK_LOSS,            /* a percentage */
};

/* What a row's fields are computed from. */
struct mtr_field_src {
	const struct mtr_hop *hop;
	unsigned ttl;
	double pct[3];          /* p50, p90, p99 in ms, -1: none */
};

struct mtr_field {
	char key;
	const char *descr;      /* "L: Loss Ratio" */
	const char *title;      /* "Loss%" */
	const char *format;     /* " %4.1f%%" */
	int width;
	enum mtr_field_kind kind;
	/* The value: an int count, ms, or percent. */
	double (*get)(const struct mtr_field_src *src);
};

/* Every field, mtr's order first; ends with key 0. */
extern const struct mtr_field mtr_fields[];

const struct mtr_field *mtr_field_find(char key);
/* Is every character of s a known key (and s not too long)?  NULL, or
 * the first bad character's place. */
const char *mtr_fields_check(const char *s);
/* Do the fields of s need the percentiles? */
bool mtr_fields_need_pct(const char *s);

/* The value a field shows, as mtr's numbers: ints as ints, the rest in
 * ms with whole microseconds. */
double mtr_field_value(const struct mtr_field *f, const struct mtr_field_src *src);
/* One field as the report and the screen print it (its width). */
int mtr_field_fmt(char *buf, size_t len, const struct mtr_field *f,
		  const struct mtr_field_src *src);
/* The header of fields s, right-aligned each in its width. */
int mtr_fields_header(char *buf, size_t len, const char *s);
/* The width of fields s. */
int mtr_fields_width(const char *s);

#endif
