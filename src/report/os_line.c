/* The `ping --os` line.  One line after the statistics: the family, the
 * estimate it rests on, how sure, and why not surer. */
#include <inttypes.h>
#include <stdarg.h>

#include "os_line.h"

void report_append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
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
		report_append(buf, len, &pos, "os: unknown (%s)",
		    v->no_ttl ? "no ttl in the replies" : "no replies");
		return (int)pos;
	}
	report_append(buf, len, &pos, "os: %s (initial ttl %d, %d hop%s, confidence %s",
	    v->label, v->initial, v->hops, plural(v->hops),
	    fp_confidence_name(v->confidence));
	if (v->why & FP_WHY_MEASURED)
		report_append(buf, len, &pos, "; hop count measured");
	if (v->why & FP_WHY_MISMATCH)
		report_append(buf, len, &pos,
		    "; measured %d hop%s, but ttl %d + %d = %d is no known initial ttl"
		    " (asymmetric path or ttl-rewriting middlebox)",
		    v->measured_hops, plural(v->measured_hops), v->ttl,
		    v->measured_hops, v->measured_initial);
	if (v->why & FP_WHY_AMBIGUOUS)
		report_append(buf, len, &pos, "; or initial ttl %d, %d hop%s",
		    v->alt_initial, v->alt_hops, plural(v->alt_hops));
	if (v->why & FP_WHY_RARE)
		report_append(buf, len, &pos, "; initial ttl 32 is rare");
	if (v->why & FP_WHY_FAR)
		report_append(buf, len, &pos, "; more than %d hops is implausible",
		    FP_MAX_HOPS);
	if (v->why & FP_WHY_DISAGREE)
		report_append(buf, len, &pos, "; replies point to initial ttl %d and %d",
		    v->initial, v->other_initial);
	if (v->why & FP_WHY_CHANGED) {
		report_append(buf, len, &pos, "; ttl changed at icmp_seq=%u: %d -> %d",
		    v->change_seq, v->change_from, v->change_to);
		if (v->changes > 1)
			report_append(buf, len, &pos, " and %" PRIu64 " more time%s",
			    v->changes - 1, v->changes == 2 ? "" : "s");
	}
	report_append(buf, len, &pos, ")");
	return (int)pos;
}

void report_os_line(FILE *out, const struct fp_verdict *v)
{
	char line[512];

	report_os_format(line, sizeof(line), v);
	fprintf(out, "%s\n", line);
	fflush(out);
}
