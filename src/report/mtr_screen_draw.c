/* The screen's hop lines, for each d mode: mtr's fields (and the RTT
 * distribution as fields), mtr's block maps, the shaded strip, and the
 * OS of each hop's router.  With --paths and several distinct paths,
 * each path is a block of its own under a title line. */
#define NCURSES_WIDECHAR 1
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>

#include "mtr_screen_int.h"

#define GRAPH_PAD 30            /* mtr: the name column of the graphs */

/* mtr's colours: pair n is colour n - 1 (black, red, green, ...). */
enum { C_BLACK = 1, C_RED, C_GREEN, C_YELLOW, C_BLUE, C_MAGENTA, C_CYAN, C_WHITE };

/* mtr's block_col: [0] lost, [1..8] the steps. */
static attr_t step_attr(const struct mtr_screen *sc, int i)
{
	static const struct { short pair; attr_t a; } col[NUM_FACTORS + 1] = {
		{ C_RED, A_BOLD }, { 0, A_NORMAL }, { C_GREEN, 0 },
		{ C_GREEN, A_BOLD }, { C_YELLOW, A_BOLD }, { C_MAGENTA, A_BOLD },
		{ C_MAGENTA, 0 }, { C_RED, 0 }, { C_RED, A_BOLD },
	};

	if (i < 0 || i > NUM_FACTORS)
		return A_NORMAL;
	return (sc->colors && col[i].pair ? COLOR_PAIR(col[i].pair) : 0) | col[i].a;
}

/* Where the lines go, and how many are skipped (+ / -). */
struct cursor {
	int y;
	int skip;
};

static bool next_line(struct cursor *c)
{
	c->y++;
	if (c->y >= LINES)
		return false;
	move(c->y, 0);
	return true;
}

static void host_cell(const struct mtr_screen *sc, const struct mtr_hop *h,
		      const uint8_t *a, int width)
{
	struct mtr_names n = sc->cfg.names;
	char buf[400];

	if (!h->has_addr) {
		attron(A_BOLD);
		mtr_put(sc, "(waiting for reply)", width);
		attroff(A_BOLD);
		return;
	}
	n.dns = sc->dns;
	/* mtr: a hop whose latest probe went unanswered is in bold. */
	if (!h->up)
		attron(A_BOLD);
	mtr_put(sc, mtr_name(&n, sc->s->family, a ? a : h->addr.a, false, buf,
			     sizeof(buf)), width);
	attroff(A_BOLD);
}

static void labels(const struct mtr_screen *sc, struct cursor *c,
		   const struct mtr_addr *a)
{
	char buf[96];

	for (unsigned k = 0; k < a->nlabels && sc->mpls; k++) {
		if (!next_line(c))
			return;
		snprintf(buf, sizeof(buf), "    [MPLS: Lbl %u TC %u S %u TTL %u]",
			 a->labels[k].label, a->labels[k].tc, a->labels[k].s,
			 a->labels[k].ttl);
		printw("%s", buf);
	}
}

static void path_title(struct cursor *c, const struct mtr_path *p, unsigned i,
		       unsigned n)
{
	char buf[160];
	int at;

	if (n < 2)
		return;
	at = snprintf(buf, sizeof(buf), "Path %u of %u: flow%s", i + 1, n,
		      p->nflows > 1 ? "s" : "");
	for (unsigned k = 0; k < p->nflows && at < (int)sizeof(buf) - 8; k++)
		at += snprintf(buf + at, sizeof(buf) - (size_t)at, " %u", p->flows[k] + 1);
	if (c->skip > 0) {
		c->skip--;
		return;
	}
	if (!next_line(c))
		return;
	attron(A_BOLD);
	printw("%s", buf);
	attroff(A_BOLD);
}

/* ---------------------------------------------------------- fields */

static void fields_row(struct mtr_screen *sc, struct cursor *c,
		       const struct mtr_path *p, unsigned ttl, const char *fields,
		       int startstat)
{
	static const double pcts[3] = { 50, 90, 99 };
	struct mtr_field_src src;
	struct mtr_hop h;
	char buf[1024];
	int at = 0;

	mtr_row(sc->s, p, ttl, &h);
	if (!next_line(c))
		return;
	printw("%2u. ", ttl);
	host_cell(sc, &h, NULL, startstat - 5);
	if (!h.has_addr)
		return;         /* mtr: no fields while waiting */
	memset(&src, 0, sizeof(src));
	src.hop = &h;
	src.ttl = ttl;
	src.pct[0] = src.pct[1] = src.pct[2] = -1;
	if (mtr_fields_need_pct(fields))
		mtr_percentiles(sc->s, p, ttl, pcts, src.pct, 3);
	for (const char *k = fields; *k && at < (int)sizeof(buf) - 32; k++) {
		const struct mtr_field *f = mtr_field_find(*k);

		/* As mtr: each field at its width, over what did not fit. */
		if (f) {
			mtr_field_fmt(buf + at, sizeof(buf) - (size_t)at, f, &src);
			at += f->width;
		}
	}
	mvprintw(c->y, startstat, "%s", buf);
	labels(sc, c, &h.addr);
	/* The other addresses the hop answered from. */
	for (unsigned z = 0; z < h.naddrs; z++) {
		if (!memcmp(h.addrs[z].a, h.addr.a, 16))
			continue;
		if (!next_line(c))
			return;
		printw("    ");
		host_cell(sc, &h, h.addrs[z].a, startstat - 5);
		labels(sc, c, &h.addrs[z]);
	}
}

static void draw_fields(struct mtr_screen *sc, int y, const char *fields,
			const struct mtr_path *paths, unsigned np)
{
	int cols = getmaxx(stdscr), hd = mtr_fields_width(fields);
	int startstat = cols - hd - 1;
	struct cursor c = { y + 1, sc->offset };
	char head[512];

	if (startstat < 10)
		startstat = 10;
	mtr_fields_header(head, sizeof(head), fields);
	attron(A_BOLD);
	/* mtr's words over the fields, cut at the edge (not wrapped). */
	move(y, startstat);
	mtr_put(sc, sc->mode == MODE_DIST ?
		"   Packets               Pings: distribution" :
		"   Packets               Pings", cols - startstat);
	mvprintw(y + 1, 0, " Host");
	mvprintw(y + 1, startstat, "%s", head);
	attroff(A_BOLD);
	for (unsigned i = 0; i < np; i++) {
		path_title(&c, &paths[i], i, np);
		for (unsigned t = sc->s->first_ttl; t <= paths[i].last_ttl; t++) {
			if (c.skip > 0) {
				c.skip--;
				continue;
			}
			fields_row(sc, &c, &paths[i], t, fields, startstat);
		}
	}
}

/* ---------------------------------------------------------- graphs */

/* mtr_gen_scale: the steps between the lowest and highest RTT shown. */
static void gen_scale(struct mtr_screen *sc, const struct mtr_path *paths,
		      unsigned np, int ncols)
{
	int lo = 1000000, hi = -1;
	struct mtr_hop h;

	for (unsigned i = 0; i < np; i++)
		for (unsigned t = sc->s->first_ttl; t <= paths[i].last_ttl; t++) {
			mtr_row(sc->s, &paths[i], t, &h);
			for (int k = 0; k < ncols; k++) {
				int32_t v = mtr_saved(&h, (unsigned)k);

				if (v < 0)
					continue;
				if (v < lo)
					lo = v;
				if (v > hi)
					hi = v;
			}
		}
	for (int i = 0; i < NUM_FACTORS; i++) {
		double f = (double)(i + 1) / NUM_FACTORS;

		sc->scale[i] = hi < 0 ? 0 : lo + (int)((hi - lo) * f * f);
	}
}

static int step_of(const struct mtr_screen *sc, int32_t us)
{
	for (int i = 0; i < NUM_FACTORS; i++)
		if (us <= sc->scale[i])
			return i;
	return NUM_FACTORS - 1;
}

/* mtr's block_map: . 1 2 3 a b c > */
static char block_char(int i)
{
	static const char map[NUM_FACTORS] = { '.', '1', '2', '3', 'a', 'b', 'c', '>' };

	return map[i];
}

static void put_sample(const struct mtr_screen *sc, int32_t v)
{
	static const wchar_t bars[NUM_FACTORS] = {
		L'\u2581', L'\u2582', L'\u2583', L'\u2584',
		L'\u2585', L'\u2586', L'\u2587', L'\u2588',
	};
	static const char shades[NUM_FACTORS + 1] = "_.-=+*#@";
	int i;

	if (v == MTR_SAVED_NONE) {
		addch(' ');
		return;
	}
	if (v == MTR_SAVED_LOST) {
		attrset(step_attr(sc, 0));
		addch('?');
		attrset(A_NORMAL);
		return;
	}
	i = step_of(sc, v);
	if (sc->mode == MODE_BLOCKMAP) {
		addch(v > sc->scale[6] ? '>' : '.');
		return;
	}
	attrset(step_attr(sc, i + 1));
	if (sc->mode == MODE_BLOCKSCALE)
		addch((chtype)(unsigned char)block_char(i));
	else if (sc->utf8)
		addnwstr(&bars[i], 1);
	else
		addch((chtype)(unsigned char)shades[i]);
	attrset(A_NORMAL);
}

static void scale_legend(const struct mtr_screen *sc, struct cursor *c)
{
	static const wchar_t bars[NUM_FACTORS] = {
		L'\u2581', L'\u2582', L'\u2583', L'\u2584',
		L'\u2585', L'\u2586', L'\u2587', L'\u2588',
	};
	static const char shades[NUM_FACTORS + 1] = "_.-=+*#@";
	bool strip = sc->mode == MODE_STRIP;

	if (!next_line(c) || !next_line(c))
		return;
	attron(A_BOLD);
	printw("Scale:");
	attroff(A_BOLD);
	for (int i = 0; i < NUM_FACTORS; i++) {
		printw("  ");
		attrset(step_attr(sc, i + 1));
		if (!strip)
			addch((chtype)(unsigned char)block_char(i));
		else if (sc->utf8)
			addnwstr(&bars[i], 1);
		else
			addch((chtype)(unsigned char)shades[i]);
		attrset(A_NORMAL);
		if (i < NUM_FACTORS - 1 && strip)
			printw(":%.1f ms", sc->scale[i] / 1000.0);
		else if (i < NUM_FACTORS - 1)
			printw(":%d ms", sc->scale[i] / 1000);
	}
	if (strip) {
		printw("  ");
		attrset(step_attr(sc, 0));
		addch('?');
		attrset(A_NORMAL);
		printw(":lost");
	}
}

static void draw_graph(struct mtr_screen *sc, int y, const struct mtr_path *paths,
		       unsigned np)
{
	int cols = getmaxx(stdscr);
	int ncols = cols <= MTR_SAVED + GRAPH_PAD ? cols - GRAPH_PAD : MTR_SAVED;
	int startstat = GRAPH_PAD - 2;
	struct cursor c = { y + 1, sc->offset };
	struct mtr_hop h;

	if (ncols < 1)
		ncols = 1;
	gen_scale(sc, paths, np, ncols);
	attron(A_BOLD);
	mvprintw(y + 1, startstat, " Last %3d pings", ncols);
	attroff(A_BOLD);
	for (unsigned i = 0; i < np; i++) {
		path_title(&c, &paths[i], i, np);
		for (unsigned t = sc->s->first_ttl; t <= paths[i].last_ttl; t++) {
			if (c.skip > 0) {
				c.skip--;
				continue;
			}
			mtr_row(sc->s, &paths[i], t, &h);
			if (!next_line(&c))
				return;
			printw("%2u. ", t);
			host_cell(sc, &h, NULL, startstat - 4);
			move(c.y, startstat);
			addch(' ');
			for (int k = ncols - 1; k >= 0; k--)
				put_sample(sc, mtr_saved(&h, (unsigned)k));
		}
	}
	scale_legend(sc, &c);
}

/* -------------------------------------------------------------- OS */

static void draw_os(struct mtr_screen *sc, int y, const struct mtr_path *paths,
		    unsigned np)
{
	int cols = getmaxx(stdscr), startstat = cols - 50;
	struct cursor c = { y + 1, sc->offset };
	struct fp_verdict v;
	struct mtr_hop h;
	char buf[256];

	if (startstat < 20)
		startstat = 20;
	attron(A_BOLD);
	mvprintw(y, startstat, "   Reply  Hops  Initial");
	mvprintw(y + 1, 0, " Host");
	mvprintw(y + 1, startstat, "%s", "     TTL  back      TTL  OS (confidence)");
	attroff(A_BOLD);
	for (unsigned i = 0; i < np; i++) {
		path_title(&c, &paths[i], i, np);
		for (unsigned t = sc->s->first_ttl; t <= paths[i].last_ttl; t++) {
			if (c.skip > 0) {
				c.skip--;
				continue;
			}
			mtr_row(sc->s, &paths[i], t, &h);
			if (!next_line(&c))
				return;
			printw("%2u. ", t);
			host_cell(sc, &h, NULL, startstat - 5);
			mtr_os(&h, t, &v);
			if (v.confidence == FP_CONF_NONE)
				continue;
			snprintf(buf, sizeof(buf), "%8d %5d %8d  %s (%s)", v.ttl, v.hops,
				 v.initial, v.label ? v.label : "?",
				 fp_confidence_name(v.confidence));
			move(c.y, startstat);
			mtr_put(sc, buf, cols - startstat);
		}
	}
}

void mtr_draw_body(struct mtr_screen *sc, int y)
{
	struct mtr_path paths[MTR_MAX_FLOWS];
	unsigned np = mtr_paths(sc->s, paths);

	switch (sc->mode) {
	case MODE_BLOCKMAP:
	case MODE_BLOCKSCALE:
	case MODE_STRIP:
		draw_graph(sc, y, paths, np);
		break;
	case MODE_DIST:
		draw_fields(sc, y, MTR_FIELDS_DIST, paths, np);
		break;
	case MODE_OS:
		draw_os(sc, y, paths, np);
		break;
	default:
		draw_fields(sc, y, sc->fields, paths, np);
		break;
	}
}
