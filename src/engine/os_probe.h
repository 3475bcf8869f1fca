/* engine_os: the probes of `echolot os` (the method is described at the
 * top of src/cli/os.c): its sockets, one engine run per step, the hop
 * search and the signal probes.  Observations out, no verdict: that is
 * the analysis layer's (fp.h, fp_active.h). */
#ifndef ECHOLOT_ENGINE_OS_PROBE_H
#define ECHOLOT_ENGINE_OS_PROBE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "event.h"
#include "probe.h"
#include "../sock/sock.h"

#define ENGINE_OS_MAX_STEPS 32          /* engine runs in one measurement */
#define ENGINE_OS_POOL 6                /* datagram sockets: one more per
                                           timeout */
#define ENGINE_OS_CODE 123              /* Xprobe2's non-zero echo code */
#define ENGINE_OS_TOS 0x28              /* DSCP AF11, ECN bits clear */
#define ENGINE_OS_DATALEN 56
#define ENGINE_OS_MAX_SENT 64
/* The Port Unreachable probe: UDP to a closed port (traceroute's first),
 * 548 bytes of data, so that the IPv4 datagram is 576 bytes (the most an
 * IPv4 error may be: a stack that quotes "as much as fits" cannot quote
 * it all, one that quotes a fixed count shows it). */
#define ENGINE_OS_QUOTE_PORT 33434
#define ENGINE_OS_QUOTE_DATALEN 548

struct engine_os_cfg {
	int family;             /* AF_INET or AF_INET6 */
	bool signals;           /* false (--ttl-only): no signal sockets */
	volatile sig_atomic_t *stop;    /* SIGINT, SIGTERM: finish now */
	struct event_sink sink;         /* the target's good replies */
};

/* Why engine_os_open failed, or what it warns of; the caller prints. */
struct engine_os_err {
	const char *what;       /* NULL: no ICMP socket at all (see open) */
	int err;                /* errno */
	struct sock_open_err open;
	const char *warn;       /* a spare socket's option failed: no more
	                           spares, the run goes on */
	int warn_err;
};

/* What one step (one engine run) saw. */
struct engine_os_step {
	unsigned replies;
	unsigned exceeded;              /* Time Exceeded */
	unsigned other_err;             /* unreachable and the like */
	uint8_t err_type, err_code;
	int local_err;
	struct sockaddr_storage from;   /* who sent the Time Exceeded */
	socklen_t fromlen;
};

struct engine_os_sent {
	uint16_t icmp_id, seq, ip_id;
};

struct engine_os {
	struct engine_os_cfg cfg;
	struct sockaddr_storage dst;
	socklen_t dstlen;
	volatile sig_atomic_t status;   /* never set: no SIGQUIT report */

	struct sock pool[ENGINE_OS_POOL];       /* [0]: the raw socket, or
	                                           the datagram sockets */
	unsigned npool, cur;            /* datagram socket in use */
	struct sock ts;                 /* timestamp replies, fd -1: none */
	struct sock unreach;            /* Destination Unreachable, fd -1: none */
	struct sock udp;                /* the quote probe, fd -1: none */
	uint16_t udp_sport;
	bool raw, hdrincl;
	uint16_t id_base;
	unsigned steps;
	uint8_t tag_key[16];

	struct engine_os_step step;     /* the latest step */
	struct engine_os_sent sent[ENGINE_OS_MAX_SENT];
	unsigned nsent;
	unsigned probes, answered;
	unsigned ttl_replies;           /* replies whose TTL is known */
	int64_t rtt_max;

	/* Seen in the replies of every step. */
	uint16_t ids_sent[ENGINE_OS_MAX_SENT], ids_got[ENGINE_OS_MAX_SENT];
	unsigned nids;
	unsigned df_set, df_clear;      /* IPv4 replies with DF set, clear */
	int tos_got;                    /* -1: none */
	/* The signal probes' kinds and what they saw. */
	struct probe_tstamp_cfg ts_cfg;
	struct probe_quote_cfg quote_cfg;
	uint32_t ts_target, quote_target;
	int sig_ts;                     /* 1: a timestamp reply came */
	int sig_quoted;                 /* bytes quoted, -1: none came */
	bool collect_code;
	int code_got;
	bool code_mixed;
};

/* The forward hop count's evidence. */
struct engine_os_hops {
	int fail_max;           /* largest TTL seen to expire, 0: none */
	int reach_min;          /* smallest TTL seen to reach */
	struct sockaddr_storage at;     /* who said fail_max expired */
	socklen_t atlen;
	unsigned probes, silent;
	const char *note;
};

/* What the signal probes saw. */
struct engine_os_signals {
	int code_sent;          /* echo code sent, 0: none (datagram socket) */
	int code_got;           /* -1: no reply, or replies disagreed */
	int timestamp;          /* -1: not asked, 0: no reply, 1: a reply */
	int quote_sent;         /* bytes after the IP header, -1: not probed */
	int quoted;             /* of them quoted, -1: no Port Unreachable */
	bool quote_v6;
};

/* Open the sockets the run needs (raw, or a few datagram ones, and the
 * signals' ones) while privileged, before the destination's name is
 * resolved.  0, or -1 (e says why). */
int engine_os_open(struct engine_os *p, const struct engine_os_cfg *cfg,
		   struct engine_os_err *e);
/* Then, privileges dropped: the destination (of cfg->family), and the
 * signals' UDP socket connected to it.  0, or -1 (e says why). */
int engine_os_set_target(struct engine_os *p, const struct sockaddr *dst,
			 socklen_t dstlen, struct engine_os_err *e);
void engine_os_close(struct engine_os *p);
/* Echo requests with TTL 255, a few times, until a reply with a TTL
 * comes or end (p->step: what the last one saw). */
void engine_os_reach(struct engine_os *p, int64_t end);
/* N, the routers on the forward path, or -1 (h->note says why).  guess:
 * the passive estimate of N, -1: none; reached: a TTL that reached. */
int engine_os_hops(struct engine_os *p, struct engine_os_hops *h, int guess,
		   int reached, int64_t end);
/* The signal probes and what they showed. */
void engine_os_signals(struct engine_os *p, struct engine_os_signals *s,
		       int64_t end);

#endif
