/* The screen: the terminal (ncurses), the header, the keys, the help
 * and the field prompt.  The hop lines are mtr_screen_draw.c's.  Read
 * mtr 0.95's ui/curses.c for the layout and the keys. */
#define NCURSES_WIDECHAR 1
#include <ctype.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>

#include "mtr_screen_int.h"
#include "../wire/addr.h"

/* A terminfo string, "" when the terminal has none. */
static const char *cap(const char *name)
{
	const char *s = tigetstr(name);

	return s && s != (const char *)-1 ? s : "";
}

struct mtr_screen *mtr_screen_open(const struct mtr_screen_cfg *cfg,
				   struct mtr_stats *stats)
{
	struct mtr_screen *sc = calloc(1, sizeof(*sc));
	const char *cs;
	int bg = 0;

	if (!sc)
		return NULL;
	sc->cfg = *cfg;
	sc->s = stats;
	snprintf(sc->fields, sizeof(sc->fields), "%s", cfg->fields);
	snprintf(sc->version, sizeof(sc->version), "%s", cfg->version);
	sc->mode = cfg->display_mode % MTR_SCREEN_MODES;
	sc->mpls = cfg->mpls;
	sc->dns = cfg->names.dns;
	sc->dirty = true;
	/* The strip's blocks and the names want the user's character set. */
	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	sc->utf8 = cs && !strcmp(cs, "UTF-8");
	sc->term = newterm(NULL, stdout, stdin);
	if (!sc->term) {
		free(sc);
		return NULL;
	}
	raw();                  /* as mtr: Ctrl-C is a key, q's twin */
	noecho();
	nodelay(stdscr, TRUE);  /* keys are read when stdin is readable */
	keypad(stdscr, TRUE);
	curs_set(0);
	if (has_colors() && start_color() == OK) {
		sc->colors = true;
		if (use_default_colors() == OK)
			bg = -1;
		for (short i = 0; i < NUM_FACTORS; i++)
			init_pair((short)(i + 1), i, (short)bg);
	}
	/* What a crash handler writes to give the terminal back: plain
	 * attributes, the cursor, the normal screen. */
	snprintf(sc->restore, sizeof(sc->restore), "%s%s%s", cap("sgr0"),
		 cap("cnorm"), cap("rmcup"));
	return sc;
}

void mtr_screen_restore_seq(const struct mtr_screen *sc, char *buf, size_t len)
{
	snprintf(buf, len, "%s", sc->restore);
}

void mtr_screen_close(struct mtr_screen *sc)
{
	if (!sc)
		return;
	endwin();
	delscreen(sc->term);
	free(sc);
}

void mtr_screen_on_event(void *ctx, const struct event *ev)
{
	struct mtr_screen *sc = ctx;

	if (ev->type == EV_START && ev->trace && !sc->local_addr[0]) {
		if (ev->trace->src)
			report_numeric(ev->trace->src, sc->local_addr,
				       sizeof(sc->local_addr));
		report_numeric(ev->trace->dst, sc->remote_addr,
			       sizeof(sc->remote_addr));
	}
	if (ev->type == EV_PROBE || ev->type == EV_END || ev->type == EV_START)
		sc->dirty = true;
}

void mtr_screen_dirty(struct mtr_screen *sc)
{
	sc->dirty = true;
}

/* ------------------------------------------------------------ text */

void mtr_put(const struct mtr_screen *sc, const char *s, int cols)
{
	mbstate_t st;
	wchar_t wc;
	int used = 0;

	if (cols <= 0)
		return;
	if (!sc->utf8) {
		/* One byte a column; anything unprintable as '?'. */
		for (; *s && used < cols; s++, used++)
			addch(isprint((unsigned char)*s) ? (unsigned char)*s : '?');
		return;
	}
	memset(&st, 0, sizeof(st));
	while (*s && used < cols) {
		size_t n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
		int w;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			/* Not UTF-8: one replacement a byte. */
			memset(&st, 0, sizeof(st));
			wc = L'?';
			n = 1;
		}
		w = wcwidth(wc);
		if (w < 0) {
			wc = L'?';
			w = 1;
		}
		if (used + w > cols)
			break;
		addnwstr(&wc, 1);
		used += w;
		s += n;
	}
}

static void center(const char *s)
{
	int cols = getmaxx(stdscr), len = (int)strlen(s);

	printw("%*s%s", cols > len ? (cols - len) / 2 : 0, "", s);
}

static void bold(const char *s)
{
	attron(A_BOLD);
	printw("%s", s);
	attroff(A_BOLD);
}

/* Row 2: mtr's keys, a capital in bold each. */
static void keys_line(const struct mtr_screen *sc)
{
	static const char *const keys[] = {
		"H", "elp   ", "D", "isplay mode   ", "R", "estart statistics   ",
		"O", "rder of fields   ", "q", "uit",
	};

	mvprintw(2, 0, "Keys:  ");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i += 2) {
		bold(keys[i]);
		printw("%s", keys[i + 1]);
	}
	if (sc->paused) {
		printw("   ");
		bold("[paused: space resumes]");
	}
}

static void draw_help(void)
{
	static const char *const lines[] = {
		"Command:",
		"  ?|h     help",
		"  p       pause (SPACE to resume)",
		"  d       switching display mode",
		"  e       toggle MPLS information on/off",
		"  n       toggle DNS on/off",
		"  r       reset all counters",
		"  o str   set the columns to display, default str='LS NABWV'",
		"  j       toggle latency(LS NABWV)/jitter(DR AGJMXI) stats",
		"  +/-     scroll the hops down/up",
		"",
		"Display modes (d): fields, block map, scaled block map, latency",
		"strip (the last rounds shaded), RTT distribution (p50/p90/p99),",
		"the OS of each hop's router (reply TTL, initial TTL).",
		"",
		" press any key to go back...",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		mvprintw(2 + (int)i, 0, "%s", lines[i]);
	clrtobot();
}

static void draw_prompt(const struct mtr_screen *sc)
{
	mvprintw(2, 0, "Fields: %s", sc->prompt);
	clrtoeol();
	for (const struct mtr_field *f = mtr_fields; f->key; f++)
		mvprintw(4 + (int)(f - mtr_fields), 2, "%s", f->descr);
	clrtobot();
}

static void draw(struct mtr_screen *sc)
{
	char buf[600];
	int cols = getmaxx(stdscr);

	erase();
	move(0, 0);
	snprintf(buf, sizeof(buf), "My traceroute  [%s]", sc->version);
	attron(A_BOLD);
	center(buf);
	attroff(A_BOLD);
	snprintf(buf, sizeof(buf), "%s (%s) -> %s (%s)", sc->cfg.local_host,
		 sc->local_addr, sc->cfg.target, sc->remote_addr);
	move(1, 0);
	mtr_put(sc, buf, cols);
	if (cols > 25)
		mvprintw(1, cols - 25, "%s", sc->clock);
	if (sc->help) {
		draw_help();
	} else if (sc->prompting) {
		draw_prompt(sc);
	} else {
		keys_line(sc);
		mtr_draw_body(sc, 3);
	}
	refresh();
	sc->dirty = false;
}

void mtr_screen_tick(struct mtr_screen *sc, const char *now)
{
	if (strcmp(now, sc->clock)) {
		snprintf(sc->clock, sizeof(sc->clock), "%s", now);
		sc->dirty = true;
	}
	if (sc->dirty)
		draw(sc);
}

void mtr_screen_resize(struct mtr_screen *sc, int rows, int cols)
{
	if (rows > 0 && cols > 0)
		resizeterm(rows, cols);
	clearok(curscr, TRUE);
	draw(sc);
}

/* ------------------------------------------------------------ keys */

static void prompt_key(struct mtr_screen *sc, int c)
{
	if (c == '\n' || c == '\r' || c == KEY_ENTER) {
		if (sc->prompt_len)
			snprintf(sc->fields, sizeof(sc->fields), "%s", sc->prompt);
		sc->prompting = false;
	} else if (c == 27) {
		sc->prompting = false;
	} else if ((c == KEY_BACKSPACE || c == 127 || c == 8) && sc->prompt_len) {
		sc->prompt[--sc->prompt_len] = '\0';
	} else if (c > 0 && c < 128 && mtr_field_find((char)c) &&
		   sc->prompt_len < MTR_FIELDS_MAX) {
		sc->prompt[sc->prompt_len++] = (char)c;
		sc->prompt[sc->prompt_len] = '\0';
	} else {
		beep();
	}
}

static unsigned one_key(struct mtr_screen *sc, int c)
{
	if (sc->help) {
		sc->help = false;
		return 0;
	}
	if (sc->prompting) {
		prompt_key(sc, c);
		return 0;
	}
	if (c < 0 || c > 255)
		return 0;       /* a function key, KEY_RESIZE: nothing */
	switch (tolower(c)) {
	case 'q':
	case 3:                 /* Ctrl-C */
		return MTR_KEY_QUIT;
	case 'p':
	case 19:                /* Ctrl-S */
		sc->paused = true;
		return MTR_KEY_PAUSE;
	case ' ':
	case 17:                /* Ctrl-Q */
		sc->paused = false;
		return MTR_KEY_RESUME;
	case 'r':
		mtr_stats_reset(sc->s);
		return 0;
	case 'd':
		sc->mode = (sc->mode + 1) % MTR_SCREEN_MODES;
		return 0;
	case 'e':
		sc->mpls = !sc->mpls;
		return 0;
	case 'n':
		if (sc->cfg.names.dns)
			sc->dns = !sc->dns;
		return 0;
	case 'j':
		snprintf(sc->fields, sizeof(sc->fields), "%s",
			 strchr(sc->fields, 'N') ? MTR_FIELDS_JITTER : MTR_FIELDS_DEFAULT);
		return 0;
	case 'o':
		sc->prompting = true;
		sc->prompt_len = 0;
		sc->prompt[0] = '\0';
		return 0;
	case '+':
		sc->offset += 5;
		return 0;
	case '-':
		sc->offset = sc->offset > 5 ? sc->offset - 5 : 0;
		return 0;
	case 12:                /* Ctrl-L */
		clearok(curscr, TRUE);
		return 0;
	case 'h':
	case '?':
		sc->help = true;
		return 0;
	default:
		return 0;
	}
}

unsigned mtr_screen_keys(struct mtr_screen *sc)
{
	unsigned what = 0;
	int c, n = 0;

	/* Called when stdin is readable: nothing at all to read is its end
	 * (mtr quits on getch() == -1 too). */
	while ((c = getch()) != ERR) {
		what |= one_key(sc, c);
		n++;
	}
	if (n == 0)
		what |= MTR_KEY_QUIT;
	draw(sc);
	return what;
}
