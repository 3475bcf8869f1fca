/* The live screen's wiring: the terminal is one more consumer of the
 * engine's events (report/mtr_screen), and everything it needs comes
 * through the engine's one loop: the keys (stdin, a watched descriptor),
 * a redraw timer (a timerfd, watched), the names as they come (the
 * resolver's descriptor), the window size (SIGWINCH, which the loop
 * blocks except inside ppoll and turns into a call).
 *
 * The terminal is always given back: on q, Ctrl-C, SIGINT, SIGTERM and
 * SIGHUP the loop ends and the screen closes (endwin); on a crash signal
 * a handler writes the terminal's own "leave" sequences and puts the
 * saved terminal mode back before the process dies of the signal. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>

#include "cli.h"
#include "mtr.h"

#define REDRAW_NS (50 * 1000000L)       /* at most 20 draws a second */

static volatile sig_atomic_t stop_flag, winch_flag;

/* The crash handlers' state: written once, before they are installed,
 * and only read by them (a handler can reach nothing else). */
static struct {
	char seq[128];
	size_t len;
	struct termios tio;
	bool have_tio;
} crash;

static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void on_winch(int sig)
{
	(void)sig;
	winch_flag = 1;
}

static void on_crash(int sig)
{
	if (crash.len)
		(void)!write(STDOUT_FILENO, crash.seq, crash.len);
	if (crash.have_tio)
		tcsetattr(STDIN_FILENO, TCSANOW, &crash.tio);
	/* SA_RESETHAND: the default action now, which the re-raise meets
	 * once the handler returns (also for a signal sent by kill). */
	raise(sig);
}

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

volatile sig_atomic_t *mtr_live_stop(void)
{
	return &stop_flag;
}

void mtr_live_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void crash_handlers(bool on)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on ? on_crash : SIG_DFL;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		sigaction(crash_signals[i], &sa, NULL);
}

static bool on_keys(void *ctx)
{
	struct mtr_run *r = ctx;
	unsigned what = mtr_screen_keys(r->screen);

	if (what & (MTR_KEY_PAUSE | MTR_KEY_RESUME)) {
		r->paused = (what & MTR_KEY_PAUSE) && !(what & MTR_KEY_RESUME);
		for (unsigned i = 0; i < r->ntraces; i++)
			trace_pause(r->trace[i], r->paused);
	}
	if (what & MTR_KEY_QUIT) {
		stop_flag = 1;
		return false;
	}
	return true;
}

static bool on_tick(void *ctx)
{
	struct mtr_run *r = ctx;
	uint64_t n;
	time_t now = time(NULL);
	char buf[40];
	struct tm tm;

	(void)!read(r->timer_fd, &n, sizeof(n));
	localtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S%z", &tm);
	mtr_screen_tick(r->screen, buf);
	return true;
}

static bool on_names(void *ctx)
{
	struct mtr_run *r = ctx;

	resolve_collect(&r->names);
	mtr_screen_dirty(r->screen);
	return resolve_answer_fd(&r->names) >= 0;
}

static void on_resize(void *ctx)
{
	struct mtr_run *r = ctx;
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		mtr_screen_resize(r->screen, ws.ws_row, ws.ws_col);
}

int mtr_live_open(struct mtr_run *r)
{
	struct mtr_screen_cfg c;
	struct itimerspec its = { { 0, REDRAW_NS }, { 0, REDRAW_NS } };
	struct sigaction sa;
	char version[64];

	snprintf(version, sizeof(version), "echolot %s", ECHOLOT_VERSION);
	memset(&c, 0, sizeof(c));
	c.local_host = r->hostname;
	c.target = r->o.target;
	c.version = version;
	c.names.dns = !r->o.numeric;
	c.names.show_ips = r->o.show_ips;
	c.names.namer.pretty = resolve_pretty;
	c.names.namer.ready = resolve_ready;
	c.names.namer.ctx = &r->names;
	c.fields = r->o.fields;
	c.display_mode = r->o.display_mode;
	c.mpls = r->o.mpls;
	crash.have_tio = tcgetattr(STDIN_FILENO, &crash.tio) == 0;
	r->screen = mtr_screen_open(&c, &r->stats);
	if (!r->screen)
		return -1;
	mtr_screen_restore_seq(r->screen, crash.seq, sizeof(crash.seq));
	crash.len = strlen(crash.seq);
	crash_handlers(true);

	r->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (r->timer_fd < 0 || timerfd_settime(r->timer_fd, 0, &its, NULL) < 0) {
		mtr_live_close(r);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_winch;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	if (engine_add_sink(r->engine, (struct event_sink){ mtr_screen_on_event,
							    r->screen }) < 0 ||
	    engine_add_watch(r->engine, (struct engine_watch){ STDIN_FILENO,
							       on_keys, r }) < 0 ||
	    engine_add_watch(r->engine, (struct engine_watch){ r->timer_fd,
							       on_tick, r }) < 0 ||
	    engine_on_signal(r->engine, SIGWINCH, &winch_flag, on_resize, r) < 0) {
		mtr_live_close(r);
		return -1;
	}
	if (resolve_answer_fd(&r->names) >= 0)
		engine_add_watch(r->engine, (struct engine_watch){
			resolve_answer_fd(&r->names), on_names, r });
	on_tick(r);
	return 0;
}

void mtr_live_close(struct mtr_run *r)
{
	struct sigaction sa;

	if (r->screen) {
		mtr_screen_close(r->screen);
		r->screen = NULL;
	}
	crash_handlers(false);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	if (r->timer_fd >= 0)
		close(r->timer_fd);
	r->timer_fd = -1;
}
