/* A streaming JSON writer: commas, nesting, escaping, numbers. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "json.h"

void json_init(struct json_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

/* Refuse the rest of this line: nothing more is written until
 * json_end_line(), so no wrong comma or bracket ever reaches the output. */
static void refuse(struct json_writer *w, int err)
{
	w->line_err = err;
	if (!w->err)
		w->err = err;
}

/* Before any value or key: the comma that separates it from the previous
 * one at this level (not after a key: the value belongs to it).  False
 * when the line was refused: write nothing. */
static bool sep(struct json_writer *w)
{
	if (w->line_err)
		return false;
	if (w->after_key) {
		w->after_key = false;
		return true;
	}
	if (w->need_comma[w->depth])
		fputc(',', w->out);
	w->need_comma[w->depth] = true;
	return true;
}

static void open_(struct json_writer *w, char c)
{
	/* need_comma has a slot per level: one more would write commas
	 * where they do not belong. */
	if (!w->line_err && w->depth >= JSON_MAX_DEPTH)
		refuse(w, -EOVERFLOW);
	if (!sep(w))
		return;
	fputc(c, w->out);
	w->depth++;
	w->need_comma[w->depth] = false;
}

static void close_(struct json_writer *w, char c)
{
	if (w->line_err)
		return;
	if (w->depth == 0 || w->after_key) {
		refuse(w, -EOVERFLOW);  /* nothing open, or a key without value */
		return;
	}
	fputc(c, w->out);
	w->depth--;
}

void json_obj_begin(struct json_writer *w) { open_(w, '{'); }
void json_obj_end(struct json_writer *w) { close_(w, '}'); }
void json_arr_begin(struct json_writer *w) { open_(w, '['); }
void json_arr_end(struct json_writer *w) { close_(w, ']'); }

/* ------------------------------------------------------------ escaping */

/* Where escaped text goes: a FILE, or a buffer (counting what would not
 * fit, as snprintf does). */
struct esc_out {
	FILE *f;
	char *buf;
	size_t len, pos;
};

static void put(struct esc_out *o, const char *s, size_t n)
{
	if (o->f) {
		fwrite(s, 1, n, o->f);
		return;
	}
	for (size_t i = 0; i < n; i++, o->pos++)
		if (o->pos + 1 < o->len)
			o->buf[o->pos] = s[i];
}

static const char hex[] = "0123456789abcdef";

static void put_u(struct esc_out *o, unsigned cp)
{
	char u[6] = { '\\', 'u', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15],
		      hex[(cp >> 4) & 15], hex[cp & 15] };

	put(o, u, sizeof(u));
}

/* How many bytes of s (n available, s[0] >= 0x80) form one valid UTF-8
 * character; 0 when they do not, with *bad set to the length of the
 * maximal invalid subpart to replace by one U+FFFD. */
static size_t utf8_char(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;      /* no overlong forms */
		else if (s[0] == 0xed)
			hi = 0x9f;      /* no surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		if (s[0] == 0xf0)
			lo = 0x90;      /* no overlong forms */
		else if (s[0] == 0xf4)
			hi = 0x8f;      /* nothing above U+10FFFF */
	} else {
		*bad = 1;               /* continuation byte, C0, C1, F5..FF */
		return 0;
	}
	for (i = 1; i < need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return need;
}

static void escape(struct esc_out *o, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;  /* s[run..i) is pending plain text */

	while (i < n) {
		unsigned char c = s[i];
		size_t k, bad = 0;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			k = utf8_char(s + i, n - i, &bad);
			/* U+2028 and U+2029 are valid JSON but end a line in
			 * JavaScript: escape them. */
			if (k == 3 && c == 0xe2 && s[i + 1] == 0x80 &&
			    (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)) {
				put(o, (const char *)s + run, i - run);
				put_u(o, s[i + 2] == 0xa8 ? 0x2028 : 0x2029);
				i += 3;
				run = i;
				continue;
			}
			if (k) {
				i += k;
				continue;
			}
			put(o, (const char *)s + run, i - run);
			put(o, "\xef\xbf\xbd", 3);      /* U+FFFD */
			i += bad;
			run = i;
			continue;
		}
		put(o, (const char *)s + run, i - run);
		if (c == '"')
			put(o, "\\\"", 2);
		else if (c == '\\')
			put(o, "\\\\", 2);
		else
			put_u(o, c);    /* control characters and DEL */
		i++;
		run = i;
	}
	put(o, (const char *)s + run, i - run);
}

size_t json_escape(char *dst, size_t len, const char *s, size_t n)
{
	struct esc_out o = { NULL, dst, len, 0 };

	escape(&o, s, n);
	if (len)
		dst[o.pos < len ? o.pos : len - 1] = '\0';
	return o.pos;
}

/* ------------------------------------------------------------ values */

void json_key(struct json_writer *w, const char *key)
{
	json_str(w, key);
	if (w->line_err)
		return;
	fputc(':', w->out);
	w->after_key = true;
}

void json_strn(struct json_writer *w, const char *s, size_t n)
{
	struct esc_out o = { w->out, NULL, 0, 0 };

	if (!sep(w))
		return;
	fputc('"', w->out);
	escape(&o, s, n);
	fputc('"', w->out);
}

void json_str(struct json_writer *w, const char *s)
{
	if (!s) {
		json_null(w);
		return;
	}
	json_strn(w, s, strlen(s));
}

void json_int(struct json_writer *w, int64_t v)
{
	if (sep(w))
		fprintf(w->out, "%" PRId64, v);
}

void json_uint(struct json_writer *w, uint64_t v)
{
	if (sep(w))
		fprintf(w->out, "%" PRIu64, v);
}

void json_bool(struct json_writer *w, bool v)
{
	if (sep(w))
		fputs(v ? "true" : "false", w->out);
}

void json_null(struct json_writer *w)
{
	if (sep(w))
		fputs("null", w->out);
}

void json_double(struct json_writer *w, double v, int digits)
{
	char buf[64];

	if (!isfinite(v)) {
		json_null(w);
		return;
	}
	if (digits < 1 || digits > 17)
		digits = 17;
	/* %g never gives a locale's decimal comma here: the C locale is
	 * the only one we run in. */
	snprintf(buf, sizeof(buf), "%.*g", digits, v);
	if (sep(w))
		fputs(buf, w->out);
}

void json_ms(struct json_writer *w, int64_t ns)
{
	int64_t us = ns > 0 ? (ns + 500) / 1000 : 0;

	if (sep(w))
		fprintf(w->out, "%" PRId64 ".%03" PRId64, us / 1000, us % 1000);
}

void json_seconds(struct json_writer *w, int64_t sec, long nsec)
{
	if (!sep(w))
		return;
	if (sec < 0 || nsec < 0) {
		fputs("0", w->out);
		return;
	}
	fprintf(w->out, "%" PRId64 ".%06ld", sec, nsec / 1000);
}

int json_end_line(struct json_writer *w)
{
	int err = w->line_err;

	fputc('\n', w->out);
	fflush(w->out);
	w->depth = 0;
	w->need_comma[0] = false;
	w->after_key = false;
	w->line_err = 0;
	return err;
}

int json_error(const struct json_writer *w)
{
	return w->err;
}
