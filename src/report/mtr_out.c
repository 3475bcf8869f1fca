/* mtr 0.95's end-of-run outputs (ui/report.c read for the layout: the
 * host column cut at 33 characters in -r, the fields written over its
 * end; the addresses a hop changed between on lines of their own;
 * CSV's header on the first row and its Start_Time the run's end; JSON
 * as jansson indents it). */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mtr_fields.h"
#include "mtr_out.h"
#include "../wire/addr.h"

#define HOST_COLS 33            /* mtr's len_hosts without -w */
#define MTR_VERSION "0.95"      /* the format written, mtr's */

const char *mtr_name(const struct mtr_names *n, int family, const uint8_t a[16],
		     bool wait, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = wire_addr16_to_sa(a, family, 0, &ss);
	const struct sockaddr *sa = (const struct sockaddr *)&ss;
	char num[INET6_ADDRSTRLEN + 8];
	const char *p, *cut;

	report_numeric(sa, num, sizeof(num));
	if (!n->dns || !n->namer.pretty ||
	    (!wait && n->namer.ready && !n->namer.ready(n->namer.ctx, sa, sl))) {
		snprintf(buf, len, "%s", num);
		return buf;
	}
	/* pretty: "name (addr)" when there is a name, else "addr". */
	p = n->namer.pretty(n->namer.ctx, sa, sl);
	cut = strstr(p, " (");
	if (!cut)
		snprintf(buf, len, "%s", num);
	else if (n->show_ips)
		snprintf(buf, len, "%.*s (%s)", (int)(cut - p), p, num);
	else
		snprintf(buf, len, "%.*s", (int)(cut - p), p);
	return buf;
}

static const char *row_name(const struct mtr_out_cfg *c, const struct mtr_stats *s,
			    const struct mtr_hop *h, const uint8_t *a,
			    char *buf, size_t len)
{
	if (!h->has_addr && !a)
		return "???";
	return mtr_name(&c->names, s->family, a ? a : h->addr.a, true, buf, len);
}

/* ------------------------------------------------------------ rows */

/* The row of hop ttl of path p, with what its fields need. */
static void row(struct mtr_stats *s, const struct mtr_path *p, unsigned ttl,
		const char *fields, struct mtr_hop *h, struct mtr_field_src *src)
{
	static const double pcts[3] = { 50, 90, 99 };

	mtr_row(s, p, ttl, h);
	memset(src, 0, sizeof(*src));
	src->hop = h;
	src->ttl = ttl;
	src->pct[0] = src->pct[1] = src->pct[2] = -1;
	if (mtr_fields_need_pct(fields))
		mtr_percentiles(s, p, ttl, pcts, src->pct, 3);
}

static void path_title(FILE *f, const struct mtr_path *p, unsigned i, unsigned n)
{
	fprintf(f, "Path %u of %u, flow%s", i + 1, n, p->nflows > 1 ? "s" : "");
	for (unsigned k = 0; k < p->nflows; k++)
		fprintf(f, " %u", p->flows[k] + 1);
	fputc('\n', f);
}

static void print_labels(FILE *f, const struct mtr_addr *a)
{
	for (unsigned k = 0; k < a->nlabels; k++)
		fprintf(f, "       [MPLS: Lbl %u TC %u S %u TTL %u]\n",
			a->labels[k].label, a->labels[k].tc, a->labels[k].s,
			a->labels[k].ttl);
}

/* ---------------------------------------------------------- report */

static size_t wide_cols(const struct mtr_out_cfg *c, struct mtr_stats *s,
			const struct mtr_path *paths, unsigned np)
{
	size_t w = strlen(c->local_host);
	char name[400];
	struct mtr_hop h;

	for (unsigned i = 0; i < np; i++)
		for (unsigned t = s->first_ttl; t <= paths[i].last_ttl; t++) {
			size_t l;

			mtr_row(s, &paths[i], t, &h);
			l = strlen(row_name(c, s, &h, NULL, name, sizeof(name)));
			if (l > w)
				w = l;
		}
	return w;
}

static void report_rows(const struct mtr_out_cfg *c, struct mtr_stats *s,
			const struct mtr_path *p, size_t cols)
{
	char buf[2048], name[400];
	struct mtr_field_src src;
	struct mtr_hop h;

	for (unsigned t = s->first_ttl; t <= p->last_ttl; t++) {
		size_t at;

		row(s, p, t, c->fields, &h, &src);
		snprintf(buf, sizeof(buf), " %2u.|-- %-*s", t, (int)cols,
			 row_name(c, s, &h, NULL, name, sizeof(name)));
		at = c->wide ? strlen(buf) : cols;
		for (const char *k = c->fields; *k && at < sizeof(buf); k++) {
			const struct mtr_field *f = mtr_field_find(*k);

			/* As mtr: the next field starts at this one's width,
			 * over whatever did not fit ("100.0%" -> "100.0"). */
			if (f) {
				mtr_field_fmt(buf + at, sizeof(buf) - at, f, &src);
				at += (size_t)f->width;
			}
		}
		fprintf(c->out, "%s\n", buf);
		/* The other addresses the hop answered from, as mtr. */
		for (unsigned z = 0; z < h.naddrs; z++) {
			if (!memcmp(h.addrs[z].a, h.addr.a, 16))
				continue;
			fprintf(c->out, "        %-*s\n", (int)cols,
				row_name(c, s, &h, h.addrs[z].a, name, sizeof(name)));
			if (c->mpls && z == 1)
				print_labels(c->out, &h.addr);
			if (c->mpls)
				print_labels(c->out, &h.addrs[z]);
		}
	}
}

void mtr_out_report(const struct mtr_out_cfg *c, struct mtr_stats *s)
{
	struct mtr_path paths[MTR_MAX_FLOWS];
	unsigned np = mtr_paths(s, paths);
	size_t cols = c->wide ? wide_cols(c, s, paths, np) : HOST_COLS;
	char buf[2048];
	size_t at;

	fprintf(c->out, "Start: %s\n", c->start);
	snprintf(buf, sizeof(buf), "HOST: %-*s", (int)cols, c->local_host);
	at = c->wide ? strlen(buf) : cols;
	if (at < sizeof(buf))
		mtr_fields_header(buf + at, sizeof(buf) - at, c->fields);
	fprintf(c->out, "%s\n", buf);
	for (unsigned i = 0; i < np; i++) {
		if (np > 1)
			path_title(c->out, &paths[i], i, np);
		report_rows(c, s, &paths[i], cols);
	}
	fflush(c->out);
}

/* ------------------------------------------------------------- CSV */

static void csv_row(const struct mtr_out_cfg *c, const char *name, unsigned ttl,
		    const struct mtr_field_src *src, int path)
{
	fprintf(c->out, "MTR.%s,%lld,%s,%s,%u,%s", MTR_VERSION, (long long)c->now,
		"OK", c->target, ttl, name);
	for (const char *k = c->fields; *k; k++) {
		const struct mtr_field *f = mtr_field_find(*k);

		if (!f)
			continue;
		if (f->kind == MTR_FK_INT)
			fprintf(c->out, ",%d", (int)mtr_field_value(f, src));
		else
			fprintf(c->out, ",%.2f", mtr_field_value(f, src));
	}
	if (path > 0)
		fprintf(c->out, ",%d", path);
	fputc('\n', c->out);
}

void mtr_out_csv(const struct mtr_out_cfg *c, struct mtr_stats *s)
{
	struct mtr_path paths[MTR_MAX_FLOWS];
	unsigned np = mtr_paths(s, paths);
	bool header = false;
	char name[400];

	for (unsigned i = 0; i < np; i++) {
		const struct mtr_path *p = &paths[i];

		for (unsigned t = s->first_ttl; t <= p->last_ttl; t++) {
			struct mtr_field_src src;
			struct mtr_hop h;

			if (!header) {
				fprintf(c->out, "Mtr_Version,Start_Time,Status,Host,Hop,Ip,");
				for (const char *k = c->fields; *k; k++) {
					const struct mtr_field *f = mtr_field_find(*k);

					if (f)
						fprintf(c->out, "%s,", f->title);
				}
				if (np > 1)
					fprintf(c->out, "Path,");
				fputc('\n', c->out);
				header = true;
			}
			row(s, p, t, c->fields, &h, &src);
			csv_row(c, row_name(c, s, &h, NULL, name, sizeof(name)), t,
				&src, np > 1 ? (int)i + 1 : 0);
			if (!c->wide)
				continue;
			for (unsigned z = 0; z < h.naddrs; z++)
				if (memcmp(h.addrs[z].a, h.addr.a, 16))
					csv_row(c, row_name(c, s, &h, h.addrs[z].a, name,
							    sizeof(name)),
						t, &src, np > 1 ? (int)i + 1 : 0);
		}
	}
	fflush(c->out);
}

/* ------------------------------------------------------------ JSON */

int mtr_json_real(char *buf, size_t len, double v)
{
	char tmp[64], *e;
	int n;

	n = snprintf(tmp, sizeof(tmp), "%.5g", v);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return snprintf(buf, len, "0.0");
	if (!strpbrk(tmp, ".e")) {
		strcat(tmp, ".0");
	} else if ((e = strchr(tmp, 'e'))) {
		/* jansson: "1e+05" -> "1e5", "1e-05" -> "1e-5" */
		char *d = e + 1, *q;

		if (*d == '+')
			memmove(d, d + 1, strlen(d));
		q = *d == '-' ? d + 1 : d;
		while (q[0] == '0' && q[1])
			memmove(q, q + 1, strlen(q));
	}
	return snprintf(buf, len, "%s", tmp);
}

static void jstr(FILE *f, const char *s)
{
	char esc[1600];

	json_escape(esc, sizeof(esc), s, strlen(s));
	fprintf(f, "\"%s\"", esc);
}

static void json_hubs(const struct mtr_out_cfg *c, struct mtr_stats *s,
		      const struct mtr_path *p, const char *ind)
{
	char name[400], num[64];
	bool first = true;

	fprintf(c->out, "[");
	for (unsigned t = s->first_ttl; t <= p->last_ttl; t++) {
		struct mtr_field_src src;
		struct mtr_hop h;

		row(s, p, t, c->fields, &h, &src);
		fprintf(c->out, "%s\n%s    {\n%s        \"count\": %u,\n%s        \"host\": ",
			first ? "" : ",", ind, ind, t, ind);
		jstr(c->out, row_name(c, s, &h, NULL, name, sizeof(name)));
		for (const char *k = c->fields; *k; k++) {
			const struct mtr_field *f = mtr_field_find(*k);

			if (!f || f->key == ' ')
				continue;
			fprintf(c->out, ",\n%s        ", ind);
			jstr(c->out, f->title);
			if (f->kind == MTR_FK_INT) {
				fprintf(c->out, ": %d", (int)mtr_field_value(f, &src));
			} else {
				mtr_json_real(num, sizeof(num), mtr_field_value(f, &src));
				fprintf(c->out, ": %s", num);
			}
		}
		fprintf(c->out, "\n%s    }", ind);
		first = false;
	}
	fprintf(c->out, first ? "]" : "\n%s]", ind);
}

void mtr_out_json(const struct mtr_out_cfg *c, struct mtr_stats *s)
{
	struct mtr_path paths[MTR_MAX_FLOWS];
	unsigned np = mtr_paths(s, paths);
	FILE *f = c->out;

	fprintf(f, "{\n    \"report\": {\n        \"mtr\": {\n            \"src\": ");
	jstr(f, c->local_host);
	fprintf(f, ",\n            \"dst\": ");
	jstr(f, c->target);
	fprintf(f, ",\n            \"tos\": %d,\n            \"tests\": %u,\n"
		"            \"psize\": \"%d\",\n            \"bitpattern\": \"0x00\"",
		c->tos, c->tests, c->psize);
	if (s->nflows > 1)
		fprintf(f, ",\n            \"flows\": %u", s->nflows);
	fprintf(f, "\n        },\n        \"hubs\": ");
	if (np > 0) {
		json_hubs(c, s, &paths[0], "        ");
	} else {
		struct mtr_path none = { 0, { 0 }, 0 };

		json_hubs(c, s, &none, "        ");
	}
	if (s->nflows > 1) {
		/* --paths: every distinct path, the first one also as hubs. */
		fprintf(f, ",\n        \"paths\": [");
		for (unsigned i = 0; i < np; i++) {
			fprintf(f, "%s\n            {\n                \"flows\": [",
				i ? "," : "");
			for (unsigned k = 0; k < paths[i].nflows; k++)
				fprintf(f, "%s%u", k ? ", " : "", paths[i].flows[k] + 1);
			fprintf(f, "],\n                \"hubs\": ");
			json_hubs(c, s, &paths[i], "                ");
			fprintf(f, "\n            }");
		}
		fprintf(f, np ? "\n        ]" : "]");
	}
	fprintf(f, "\n    }\n}\n");
	fflush(f);
}

/* ------------------------------------------------------------- XML */

static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

void mtr_out_xml(const struct mtr_out_cfg *c, struct mtr_stats *s)
{
	struct mtr_path paths[MTR_MAX_FLOWS];
	unsigned np = mtr_paths(s, paths);
	char name[400], val[64];
	FILE *f = c->out;

	fprintf(f, "<?xml version=\"1.0\"?>\n<MTR SRC=\"");
	xml_text(f, c->local_host);
	fprintf(f, "\" DST=\"");
	xml_text(f, c->target);
	fprintf(f, "\" TOS=\"0x%X\" PSIZE=\"%d\" BITPATTERN=\"0x00\" TESTS=\"%u\">\n",
		(unsigned)c->tos, c->psize, c->tests);
	for (unsigned i = 0; i < np; i++) {
		for (unsigned t = s->first_ttl; t <= paths[i].last_ttl; t++) {
			struct mtr_field_src src;
			struct mtr_hop h;

			row(s, &paths[i], t, c->fields, &h, &src);
			fprintf(f, "    <HUB COUNT=\"%u\" HOST=\"", t);
			xml_text(f, row_name(c, s, &h, NULL, name, sizeof(name)));
			if (np > 1)
				fprintf(f, "\" PATH=\"%u", i + 1);
			fprintf(f, "\">\n");
			for (const char *k = c->fields; *k; k++) {
				const struct mtr_field *fl = mtr_field_find(*k);
				const char *title;

				if (!fl || fl->key == ' ')
					continue;
				/* XML allows no '%' in a tag: Loss% is Loss. */
				title = fl->key == 'L' ? "Loss" : fl->title;
				mtr_field_fmt(val, sizeof(val), fl, &src);
				fprintf(f, "        <%s>%s</%s>\n", title, val, title);
			}
			fprintf(f, "    </HUB>\n");
		}
	}
	fprintf(f, "</MTR>\n");
	fflush(f);
}
