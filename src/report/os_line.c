/* The `ping --os` line.  One line after the statistics: the family, the
 * estimate it rests on, how sure, and why not surer. */
#include <inttypes.h>
#include <stdarg.h>

#include "os_line.h"

/* snprintf that appends at *pos and never runs past len. */
static void add(char *buf, size_t len, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += (size_t)n;
}

static const char *plural(long n)
{
	return n == 1 ? "" : "s";
}

int report_os_format(char *buf, size_t len, const struct fp_verdict *v)
{
	size_t pos = 0;

	if (len)
		buf[0] = '\0';
	if (v->confidence == FP_CONF_NONE || !v->label) {
		add(buf, len, &pos, "os: unknown (%s)",
		    v->no_ttl ? "no ttl in the replies" : "no replies");
		return (int)pos;
	}
	add(buf, len, &pos, "os: %s (initial ttl %d, %d hop%s, confidence %s",
	    v->label, v->initial, v->hops, plural(v->hops),
	    fp_confidence_name(v->confidence));
	if (v->why & FP_WHY_MEASURED)
		add(buf, len, &pos, "; hop count measured");
	if (v->why & FP_WHY_MISMATCH)
		add(buf, len, &pos,
		    "; measured %d hop%s, but ttl %d + %d = %d is no known initial ttl"
		    " (asymmetric path or ttl-rewriting middlebox)",
		    v->measured_hops, plural(v->measured_hops), v->ttl,
		    v->measured_hops, v->measured_initial);
	if (v->why & FP_WHY_AMBIGUOUS)
		add(buf, len, &pos, "; or initial ttl %d, %d hop%s",
		    v->alt_initial, v->alt_hops, plural(v->alt_hops));
	if (v->why & FP_WHY_RARE)
		add(buf, len, &pos, "; initial ttl 32 is rare");
	if (v->why & FP_WHY_FAR)
		add(buf, len, &pos, "; more than %d hops is implausible",
		    FP_MAX_HOPS);
	if (v->why & FP_WHY_DISAGREE)
		add(buf, len, &pos, "; replies point to initial ttl %d and %d",
		    v->initial, v->other_initial);
	if (v->why & FP_WHY_CHANGED) {
		add(buf, len, &pos, "; ttl changed at icmp_seq=%u: %d -> %d",
		    v->change_seq, v->change_from, v->change_to);
		if (v->changes > 1)
			add(buf, len, &pos, " and %" PRIu64 " more time%s",
			    v->changes - 1, v->changes == 2 ? "" : "s");
	}
	add(buf, len, &pos, ")");
	return (int)pos;
}

void report_os_line(FILE *out, const struct fp_verdict *v)
{
	char line[512];

	report_os_format(line, sizeof(line), v);
	fprintf(out, "%s\n", line);
	fflush(out);
}
