/* json: a small streaming JSON writer for the machine-readable reporters.
 *
 * Writes one value at a time to a FILE, keeping track of commas and
 * nesting.  Strings are escaped so that any byte string becomes valid JSON
 * text: '"' and '\' are escaped, control characters (and DEL, U+2028 and
 * U+2029, which break JavaScript) become \u00XX / \u20XX, valid UTF-8 is
 * passed through, and each invalid UTF-8 sequence (a stray continuation
 * byte, a truncated, overlong or surrogate sequence, anything above
 * U+10FFFF) is replaced by U+FFFD, one per maximal invalid subpart as
 * Unicode recommends.  Numbers are written without locale and never as
 * NaN or infinity (those become null).
 *
 * Nesting deeper than JSON_MAX_DEPTH containers, or a close with nothing
 * open, is refused rather than written wrong: the writer goes into an
 * error state, writes nothing more until json_end_line() (which ends the
 * line and returns the error), and json_error() keeps the first error of
 * the writer's life. */
#ifndef ECHOLOT_JSON_H
#define ECHOLOT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_writer {
	FILE *out;
	unsigned depth;
	bool need_comma[JSON_MAX_DEPTH + 1];
	bool after_key;         /* a key was written; its value comes next */
	int line_err;           /* this line was refused: -EOVERFLOW, or 0 */
	int err;                /* the first refusal of the writer, or 0 */
};

void json_init(struct json_writer *w, FILE *out);

void json_obj_begin(struct json_writer *w);
void json_obj_end(struct json_writer *w);
void json_arr_begin(struct json_writer *w);
void json_arr_end(struct json_writer *w);
/* A key inside an object; the next call writes its value. */
void json_key(struct json_writer *w, const char *key);

void json_str(struct json_writer *w, const char *s);    /* NULL: null */
void json_strn(struct json_writer *w, const char *s, size_t n);
void json_int(struct json_writer *w, int64_t v);
void json_uint(struct json_writer *w, uint64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);
/* v with up to `digits` significant digits (%g); NaN/inf: null. */
void json_double(struct json_writer *w, double v, int digits);
/* A duration in ns as milliseconds with microsecond precision: 45499 ns
 * -> 0.045, 1234567 -> 1.235 (rounded to the nearest microsecond; a
 * negative time is written as 0). */
void json_ms(struct json_writer *w, int64_t ns);
/* Seconds and nanoseconds as seconds with microsecond precision
 * (1700000000.123456), truncated as ping -D truncates. */
void json_seconds(struct json_writer *w, int64_t sec, long nsec);

/* End the current top-level value: newline, flush (NDJSON, one line per
 * event).  Returns 0, or -EOVERFLOW when something on this line was
 * refused (the line is then cut short where it was refused); the next
 * line starts afresh. */
int json_end_line(struct json_writer *w);

/* 0, or the first error of the writer's life (-EOVERFLOW). */
int json_error(const struct json_writer *w);

/* Escape n bytes of s into dst as the body of a JSON string (without the
 * quotes), NUL-terminated.  Returns the length the whole escaped text
 * needs (as snprintf does); it fits when the result is < len. */
size_t json_escape(char *dst, size_t len, const char *s, size_t n);

/* Key-value shorthands. */
static inline void json_kv_str(struct json_writer *w, const char *k,
			       const char *v)
{
	json_key(w, k);
	json_str(w, v);
}

static inline void json_kv_int(struct json_writer *w, const char *k, int64_t v)
{
	json_key(w, k);
	json_int(w, v);
}

static inline void json_kv_uint(struct json_writer *w, const char *k,
				uint64_t v)
{
	json_key(w, k);
	json_uint(w, v);
}

static inline void json_kv_bool(struct json_writer *w, const char *k, bool v)
{
	json_key(w, k);
	json_bool(w, v);
}

static inline void json_kv_ms(struct json_writer *w, const char *k, int64_t ns)
{
	json_key(w, k);
	json_ms(w, ns);
}

#endif
