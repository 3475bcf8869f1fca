/* mtr 0.95's data_fields table (ui/mtr.c), read for its keys, titles,
 * widths and formats, and the values its net_* functions give. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mtr_fields.h"

static double get_loss(const struct mtr_field_src *s)
{
	return mtr_loss(s->hop);
}

static double get_drop(const struct mtr_field_src *s)
{
	return s->hop->xmit - s->hop->returned;
}

static double get_rcv(const struct mtr_field_src *s)
{
	return s->hop->returned;
}

static double get_snt(const struct mtr_field_src *s)
{
	return s->hop->xmit;
}

/* us, as mtr keeps them, to ms. */
static double us(double v)
{
	return v / 1000.0;
}

/* mtr keeps its means as ints: the whole us below (the values are never
 * negative; no libm for floor). */
static double whole(double v)
{
	return v > 0 ? (double)(int64_t)v : 0;
}

static double get_last(const struct mtr_field_src *s)
{
	return us((double)s->hop->last);
}

static double get_best(const struct mtr_field_src *s)
{
	return us((double)s->hop->best);
}

static double get_avg(const struct mtr_field_src *s)
{
	/* mtr keeps the mean as an int of us. */
	return us(whole(s->hop->avg));
}

static double get_worst(const struct mtr_field_src *s)
{
	return us((double)s->hop->worst);
}

static double get_stdev(const struct mtr_field_src *s)
{
	return us(whole(mtr_stdev(s->hop)));
}

static double get_gmean(const struct mtr_field_src *s)
{
	return us(whole(mtr_gmean(s->hop)));
}

static double get_jitter(const struct mtr_field_src *s)
{
	return us((double)s->hop->jitter);
}

static double get_javg(const struct mtr_field_src *s)
{
	return us(whole(s->hop->javg));
}

static double get_jworst(const struct mtr_field_src *s)
{
	return us((double)s->hop->jworst);
}

static double get_jinta(const struct mtr_field_src *s)
{
	return us((double)s->hop->jinta);
}

static double pct(const struct mtr_field_src *s, int i)
{
	return s->pct[i] < 0 ? 0 : (double)(int64_t)(s->pct[i] * 1000 + 0.5) / 1000;
}

static double get_p50(const struct mtr_field_src *s)
{
	return pct(s, 0);
}

static double get_p90(const struct mtr_field_src *s)
{
	return pct(s, 1);
}

static double get_p99(const struct mtr_field_src *s)
{
	return pct(s, 2);
}

static double get_ittl(const struct mtr_field_src *s)
{
	struct fp_verdict v;

	mtr_os(s->hop, s->ttl, &v);
	return v.confidence == FP_CONF_NONE ? 0 : v.initial;
}

const struct mtr_field mtr_fields[] = {
	{ ' ', "<sp>: Space between fields", " ", " ", 1, MTR_FK_INT, get_drop },
	{ 'L', "L: Loss Ratio", "Loss%", " %4.1f%%", 6, MTR_FK_LOSS, get_loss },
	{ 'D', "D: Dropped Packets", "Drop", " %4d", 5, MTR_FK_INT, get_drop },
	{ 'R', "R: Received Packets", "Rcv", " %5d", 6, MTR_FK_INT, get_rcv },
	{ 'S', "S: Sent Packets", "Snt", " %5d", 6, MTR_FK_INT, get_snt },
	{ 'N', "N: Newest RTT(ms)", "Last", " %5.1f", 6, MTR_FK_MS, get_last },
	{ 'B', "B: Min/Best RTT(ms)", "Best", " %5.1f", 6, MTR_FK_MS, get_best },
	{ 'A', "A: Average RTT(ms)", "Avg", " %5.1f", 6, MTR_FK_MS, get_avg },
	{ 'W', "W: Max/Worst RTT(ms)", "Wrst", " %5.1f", 6, MTR_FK_MS, get_worst },
	{ 'V', "V: Standard Deviation", "StDev", " %5.1f", 6, MTR_FK_MS, get_stdev },
	{ 'G', "G: Geometric Mean", "Gmean", " %5.1f", 6, MTR_FK_MS, get_gmean },
	{ 'J', "J: Current Jitter", "Jttr", " %4.1f", 5, MTR_FK_MS, get_jitter },
	{ 'M', "M: Jitter Mean/Avg.", "Javg", " %4.1f", 5, MTR_FK_MS, get_javg },
	{ 'X', "X: Worst Jitter", "Jmax", " %4.1f", 5, MTR_FK_MS, get_jworst },
	{ 'I', "I: Interarrival Jitter", "Jint", " %4.1f", 5, MTR_FK_MS, get_jinta },
	/* echolot's: the RTT distribution, and the hop's router. */
	{ 'P', "P: Median RTT(ms), p50", "P50", " %5.1f", 6, MTR_FK_MS, get_p50 },
	{ 'Q', "Q: 90th percentile RTT(ms)", "P90", " %5.1f", 6, MTR_FK_MS, get_p90 },
	{ 'Z', "Z: 99th percentile RTT(ms)", "P99", " %5.1f", 6, MTR_FK_MS, get_p99 },
	{ 'O', "O: Initial TTL of the router (OS)", "ITTL", " %4d", 5, MTR_FK_INT, get_ittl },
	{ 0, NULL, NULL, NULL, 0, MTR_FK_INT, NULL },
};

const struct mtr_field *mtr_field_find(char key)
{
	for (const struct mtr_field *f = mtr_fields; f->key; f++)
		if (f->key == key)
			return f;
	return NULL;
}

const char *mtr_fields_check(const char *s)
{
	if (strlen(s) > MTR_FIELDS_MAX)
		return s + MTR_FIELDS_MAX;
	for (; *s; s++)
		if (!mtr_field_find(*s))
			return s;
	return NULL;
}

bool mtr_fields_need_pct(const char *s)
{
	return strpbrk(s, "PQZ") != NULL;
}

double mtr_field_value(const struct mtr_field *f, const struct mtr_field_src *src)
{
	return f->get(src);
}

int mtr_field_fmt(char *buf, size_t len, const struct mtr_field *f,
		  const struct mtr_field_src *src)
{
	double v = f->get(src);

	if (f->kind == MTR_FK_INT)
		return snprintf(buf, len, f->format, (int)v);
	return snprintf(buf, len, f->format, v);
}

int mtr_fields_header(char *buf, size_t len, const char *s)
{
	size_t at = 0;

	if (len)
		buf[0] = '\0';
	for (; *s && at < len; s++) {
		const struct mtr_field *f = mtr_field_find(*s);
		int n;

		if (!f)
			continue;
		n = snprintf(buf + at, len - at, "%*s", f->width, f->title);
		if (n < 0)
			break;
		at += (size_t)n;
	}
	return (int)(at < len ? at : len);
}

int mtr_fields_width(const char *s)
{
	int w = 0;

	for (; *s; s++) {
		const struct mtr_field *f = mtr_field_find(*s);

		if (f)
			w += f->width;
	}
	return w;
}
