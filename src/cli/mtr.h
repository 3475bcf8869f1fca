/* The mtr command (src/cli/mtr.c, the screen's wiring in mtr_live.c). */
#ifndef ECHOLOT_CLI_MTR_H
#define ECHOLOT_CLI_MTR_H

#include <signal.h>
#include <stdbool.h>

#include "mtr_opts.h"
#include "../analysis/mtr_stats.h"
#include "../engine/engine.h"
#include "../engine/trace.h"
#include "../report/mtr_screen.h"
#include "../sock/resolve.h"

/* `echolot mtr`, and the binary called as mtr. */
int cli_mtr(int argc, char **argv, int family);

/* A run, shared by mtr.c and mtr_live.c. */
struct mtr_run {
	struct mtr_opts o;
	struct sockaddr_storage dst, src;
	socklen_t dstlen, srclen;
	char canon[1025];
	struct engine *engine;
	struct trace *trace[MTR_MAX_PATHS];
	unsigned ntraces;
	/* Before the name: each flow's sockets for IPv4 (or the only family)
	 * and IPv6, and why they failed; then the chosen family's, bound. */
	struct probe_socks socks[2][MTR_MAX_PATHS];
	int sock_rc[2][MTR_MAX_PATHS];
	struct probe_sock_err sock_err[2][MTR_MAX_PATHS];
	unsigned family_slot;   /* the resolved family's row of socks */
	struct mtr_stats stats;
	struct resolve_cache names;
	struct mtr_screen *screen;
	int timer_fd;
	bool paused;
	char hostname[256];
	char started[64];
};

/* mtr_live.c: take the terminal, watch the keys (q sets the stop flag),
 * a redraw timer and the window size (before the sandbox); -1 when there
 * is no terminal. */
int mtr_live_open(struct mtr_run *r);
/* Give the terminal back. */
void mtr_live_close(struct mtr_run *r);

/* mtr_live.c: SIGINT, SIGTERM, SIGHUP set the stop flag (the engine's);
 * with a screen open, a crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT)
 * gives the terminal back before the process dies of it. */
void mtr_live_signals(void);
volatile sig_atomic_t *mtr_live_stop(void);

#endif
