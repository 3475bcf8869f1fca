/* mtr_screen: `echolot mtr`'s live screen (ncurses), a sink that draws
 * what analysis/mtr_stats holds: mtr 0.95's layout and keys, its d modes
 * (the fields, the block map, the scaled block map) and echolot's (a
 * shaded latency strip, the RTT distribution, the OS of each hop's
 * router), and with --paths one block a distinct path.
 *
 * It never reads a clock or a socket: the cli hands it the time to show
 * (mtr_screen_tick, from a timer it watches), the keys come through
 * mtr_screen_keys when stdin is readable, and a window change through
 * mtr_screen_resize.  Drawing is erase + draw + refresh, which ncurses
 * turns into the few changed cells: no flicker. */
#ifndef ECHOLOT_MTR_SCREEN_H
#define ECHOLOT_MTR_SCREEN_H

#include <stdbool.h>
#include <stddef.h>

#include "mtr_fields.h"
#include "mtr_out.h"
#include "../analysis/mtr_stats.h"

#define MTR_SCREEN_MODES 6      /* d cycles through these */

struct mtr_screen_cfg {
	const char *local_host; /* gethostname() */
	const char *target;     /* as the user named it */
	const char *version;    /* shown in the title (copied) */
	struct mtr_names names;
	const char *fields;     /* -o */
	int display_mode;       /* --displaymode */
	bool mpls;              /* -e */
};

struct mtr_screen;

/* Take the terminal (initscr): NULL when there is none, or no memory. */
struct mtr_screen *mtr_screen_open(const struct mtr_screen_cfg *cfg,
				   struct mtr_stats *stats);
/* Give the terminal back as it was (endwin), and free. */
void mtr_screen_close(struct mtr_screen *sc);

/* A sink after mtr_stats's: notes that there is something new to draw,
 * and the addresses of the run (EV_START). */
void mtr_screen_on_event(void *ctx, const struct event *ev);
/* Something changed outside events (a name came). */
void mtr_screen_dirty(struct mtr_screen *sc);
/* The timer: draw if anything changed, or the clock did (now: the time
 * the header shows). */
void mtr_screen_tick(struct mtr_screen *sc, const char *now);
/* The window is now rows x cols: redraw. */
void mtr_screen_resize(struct mtr_screen *sc, int rows, int cols);

/* What the keys ask of the run. */
enum {
	MTR_KEY_QUIT = 1 << 0,          /* q, Ctrl-C, end of input */
	MTR_KEY_PAUSE = 1 << 1,         /* p */
	MTR_KEY_RESUME = 1 << 2,        /* space */
};
/* Read the keys waiting (never blocks) and act on those that concern
 * the screen; returns MTR_KEY_* for the rest. */
unsigned mtr_screen_keys(struct mtr_screen *sc);

/* The bytes that give the terminal back from a crash handler (leave the
 * alternate screen, show the cursor, plain attributes): at most len - 1,
 * NUL-terminated. */
void mtr_screen_restore_seq(const struct mtr_screen *sc, char *buf, size_t len);

#endif
