/* The monitor plan: targets probed at their own intervals for as long as
 * the daemon lives (the exporter), while targets come and go: added,
 * moved to a new address (their name resolved elsewhere), paused (no
 * address), removed, or probed once (a /probe request).  Every probe is
 * answered or given up after one timeout (EV_TIMEOUT), so that sent =
 * answered + given up + in flight, always.
 *
 * Start times are spread over each target's interval (a golden-ratio
 * sequence on the target's index), so that a thousand targets added at
 * once do not go out in one burst; each target then keeps its own period
 * (due += interval, not now + interval: no drift), and one that fell
 * behind (a stall) skips what it missed rather than catch up in a burst.
 *
 * A removed target's place is reused by the next one added.  Answers to
 * the old occupant's probes still in flight are told apart by probe
 * number (every target remembers the engine's count when it came), in
 * O(1): they are foreign to the new one, never credited to it.
 *
 * Changes are made between turns of the loop (from a watched
 * descriptor's callback) or from a sink; struct monitor is opaque. */
#ifndef ECHOLOT_MONITOR_H
#define ECHOLOT_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "engine.h"

struct monitor;

struct monitor_cfg {
	int64_t timeout_ns;     /* give a probe up after this (> 0) */
	int ttl;                /* every probe's TTL, 0: the socket's */
};

/* The plan's state for engine e (whose targets it manages from now on:
 * add them here, not with engine_add_target).  NULL when out of memory
 * or cfg is invalid. */
struct monitor *monitor_new(struct engine *e, const struct monitor_cfg *cfg);
void monitor_free(struct monitor *m);

/* A target probed every interval_ns through socket `sock`, count probes
 * (0: for ever).  addr NULL: known but paused until monitor_move gives it
 * an address.  Its first probe goes within one interval, spread (count 1:
 * at once).  Emits EV_START for it.  Returns its index or -errno. */
int64_t monitor_add(struct monitor *m, const struct sockaddr *addr,
		    socklen_t addrlen, unsigned sock, int64_t interval_ns,
		    uint32_t count);

/* A new address (and socket) for target ti; addr NULL pauses it.  Its
 * counts go on; probes already in flight are still credited to it. */
int monitor_move(struct monitor *m, uint32_t ti, const struct sockaddr *addr,
		 socklen_t addrlen, unsigned sock);

/* A new interval for ti, from its next probe on. */
int monitor_set_interval(struct monitor *m, uint32_t ti, int64_t interval_ns);

/* No more probes for ti; its place goes to the next target added.  Safe
 * from a sink (the event being handed out may be ti's own). */
void monitor_remove(struct monitor *m, uint32_t ti);

/* Is ti a target of the monitor (added, not removed)? */
bool monitor_has(const struct monitor *m, uint32_t ti);

/* Run until a stop.  0 or -errno. */
int engine_run_monitor(struct monitor *m, const struct engine_signals *sig);

#endif
