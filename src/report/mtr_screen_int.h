/* Inside the screen: mtr_screen.c (the terminal, keys, header) and
 * mtr_screen_draw.c (the hop lines of every d mode) share this. */
#ifndef ECHOLOT_MTR_SCREEN_INT_H
#define ECHOLOT_MTR_SCREEN_INT_H

#include "mtr_screen.h"

#define NUM_FACTORS 8           /* mtr's block map: 8 steps */

enum mtr_mode {
	MODE_FIELDS,            /* mtr's default: the fields */
	MODE_BLOCKMAP,          /* mtr: '.' or '>' a round */
	MODE_BLOCKSCALE,        /* mtr: a scaled character a round */
	MODE_STRIP,             /* shaded bars a round, coloured */
	MODE_DIST,              /* loss and the RTT percentiles */
	MODE_OS,                /* the reply TTL and the router's OS */
};

struct mtr_screen {
	struct mtr_screen_cfg cfg;
	struct screen *term;    /* ncurses' SCREEN */
	struct mtr_stats *s;
	char fields[MTR_FIELDS_MAX + 1];
	int mode;
	bool dirty;
	bool paused;
	bool help;              /* the help text is up, until a key */
	bool prompting;         /* o: reading new fields */
	char prompt[MTR_FIELDS_MAX + 1];
	unsigned prompt_len;
	bool mpls;
	bool dns;               /* names shown (n toggles, unless -n) */
	int offset;             /* + and -: rows scrolled */
	bool utf8;              /* the locale draws the strip's blocks */
	bool colors;
	char version[64];       /* cfg.version, copied (the caller's may go) */
	char clock[40];
	char local_addr[64];
	char remote_addr[64];
	int scale[NUM_FACTORS]; /* us, the block map's steps */
	char restore[128];      /* the crash handler's bytes */
};

/* mtr_screen_draw.c: the hop lines of the current mode from row y. */
void mtr_draw_body(struct mtr_screen *sc, int y);

/* Text at the cursor, no wider than cols columns (UTF-8 and wide
 * characters counted as the terminal shows them). */
void mtr_put(const struct mtr_screen *sc, const char *s, int cols);

#endif
