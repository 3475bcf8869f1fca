/* engine: targets, the probe schedule, probes in flight, matching of replies
 * and errors to probes, duplicates and timeouts.  It emits events and knows
 * no output format.  Built for N targets; ping is N = 1. */
#ifndef ECHOLOT_ENGINE_H
#define ECHOLOT_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "../sock/sock.h"

#define ENGINE_MAX_SINKS 4
#define ENGINE_STAMP_LEN 16     /* tag and send time, where iputils has a
                                   struct timeval */
#define ENGINE_TAG_LEN 8
#define ENGINE_MAX_PATTERN 16

struct engine_cfg {
	size_t datalen;         /* ICMP data bytes per probe (-s) */
	uint8_t pattern[ENGINE_MAX_PATTERN];    /* -p, patlen 0: byte i = i */
	size_t patlen;
	int64_t interval_ns;    /* between probes; 0 with flood */
	uint64_t count;         /* 0: until stopped (-c) */
	int64_t deadline_ns;    /* 0: none (-w) */
	int64_t linger_ns;      /* wait for a reply when none came (-W) */
	unsigned preload;       /* probes sent at once at the start (-l) */
	bool flood;             /* -f */
	bool adaptive;          /* -A */
	bool report_outstanding;/* -O */
	bool min_user_interval; /* not privileged: the interval has a floor */
	bool broadcast;         /* -b: replies come from many hosts */
	uint8_t tag_key[16];    /* per-run secret for the probes' tags */
	/* When set, every probe goes out through this instead of sock_send
	 * (same contract): `echolot os` gives each probe its own TTL, TOS,
	 * DF, IP ID and ICMP code, with no setsockopt under the sandbox. */
	int (*send)(void *ctx, struct sock *s, const void *buf, size_t len,
		    const struct sockaddr *to, socklen_t tolen,
		    uint32_t *txkey);
	void *send_ctx;
};

/* Per-probe memory, in a ring indexed by sequence number: only probes
 * that can still be answered need it. */
struct engine_slot {
	int64_t sent_mono;      /* ns, CLOCK_MONOTONIC before the send */
	int64_t sent_wall;      /* ns, CLOCK_REALTIME: the kernel's send
	                           stamp when it came, else ours */
	uint16_t seq;
	bool live;
	bool kernel_stamp;      /* sent_wall is the kernel's */
};

struct engine_target {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	struct sock *sock;
	uint16_t id;            /* ICMP identifier */

	uint64_t ntransmitted;
	uint64_t nreceived;     /* distinct replies */
	uint64_t nrepeats;
	uint64_t nerrors;
	uint64_t nchecksum;
	int64_t tmax_ns;        /* largest RTT: how long to wait at the end */
	int64_t rtt_ewma8_ns;   /* 8 x EWMA of RTT, for -A */
	uint16_t acked;         /* newest sequence answered (reply or error) */
	int64_t last_send_mono; /* its token bucket (engine_sched.c) */
	int64_t tokens_ns;
	int64_t exit_at;        /* when to stop waiting for it; 0: not yet */

	struct engine_slot *slots;      /* ring of slot_mask + 1 */
	uint32_t slot_mask;
	uint8_t *replied;               /* bitmap, 65536 bits */
	uint8_t *txbuf;                 /* probe being built */
	size_t txlen;
};

/* Kernel send timestamps come back keyed by send count; this ring maps a
 * key to the probe it stamped. */
#define ENGINE_TXRING 1024
struct engine_txmap {
	uint32_t key;
	uint16_t seq;
	uint16_t target;
	bool used;
};

/* A descriptor the loop watches besides the sockets (the name resolver's
 * answers): on_ready(ctx) runs when it is readable, and returns false when
 * the descriptor is to be watched no more (it is closed). */
struct engine_watch {
	int fd;
	bool (*on_ready)(void *ctx);
	void *ctx;
};
#define ENGINE_MAX_WATCH 2

struct engine {
	struct engine_cfg cfg;
	struct engine_target *targets;
	unsigned ntargets;
	struct event_sink sinks[ENGINE_MAX_SINKS];
	unsigned nsinks;
	struct engine_watch watch[ENGINE_MAX_WATCH];
	unsigned nwatch;

	int64_t start_mono;     /* first probe */
	int64_t end_mono;
	int64_t last_send_mono; /* the latest probe, any target */
	unsigned next_target;   /* the first to look at for the next probe */
	bool exiting;
	struct sock_rx *rx;     /* receive batch */
	unsigned since_errq;    /* loops since the error queue was read */
	/* A send that failed, waiting for the error queue to say why. */
	bool send_failed;
	unsigned send_failed_target;
	uint16_t send_failed_seq;
	struct engine_txmap txmap[ENGINE_TXRING];
};

int engine_init(struct engine *e, const struct engine_cfg *cfg);
void engine_free(struct engine *e);
int engine_add_sink(struct engine *e, struct event_sink sink);
int engine_add_watch(struct engine *e, struct engine_watch w);

/* Add a target reached through sock; returns its index or -errno. */
int engine_add_target(struct engine *e, const struct sockaddr *addr,
		      socklen_t addrlen, struct sock *sock, uint16_t id);

/* Flags the engine polls between steps; set from signal handlers. */
struct engine_signals {
	volatile sig_atomic_t *stop;    /* SIGINT, SIGALRM: finish now */
	volatile sig_atomic_t *status;  /* SIGQUIT: emit EV_STATUS, reset */
};

/* Run until count, deadline or a stop.  Returns 0 or -errno (a socket
 * failed beyond repair). */
int engine_run(struct engine *e, const struct engine_signals *sig);

/* The run's time as ping reports it: start to the last probe sent, ns. */
int64_t engine_elapsed_ns(const struct engine *e);

/* Current monotonic time in ns. */
int64_t engine_now(void);

#endif
