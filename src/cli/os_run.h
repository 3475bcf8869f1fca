/* The probing half of `echolot os` (src/cli/os_probe.c), shared with the
 * command (src/cli/os.c): sockets, one engine run per step, the hop
 * search, the signals. */
#ifndef ECHOLOT_CLI_OS_RUN_H
#define ECHOLOT_CLI_OS_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../analysis/fp.h"
#include "../analysis/fp_active.h"
#include "../sock/resolve.h"
#include "../sock/sock.h"

#define NSEC 1000000000LL
#define MSEC 1000000LL

#define OS_MAX_STEPS 32         /* engine runs in one measurement */
#define OS_POOL 6               /* datagram sockets: one more per timeout */
#define OS_SIGNAL_PROBES 3
#define OS_CODE 123             /* Xprobe2's non-zero echo code */
#define OS_TOS 0x28             /* DSCP AF11, ECN bits clear */
#define OS_DATALEN 56
#define OS_MAX_SENT 64
/* The Port Unreachable probe: UDP to a closed port (traceroute's first),
 * 548 bytes of data, so that the IPv4 datagram is 576 bytes (the most an
 * IPv4 error may be: a stack that quotes "as much as fits" cannot quote
 * it all, one that quotes a fixed count shows it). */
#define OS_QUOTE_PORT 33434
#define OS_QUOTE_DATALEN 548
#define OS_FIRST_TRIES 3
#define OS_FIRST_WAIT (1 * NSEC)

/* SIGINT, SIGTERM: finish now (the engine polls it). */
extern volatile sig_atomic_t os_stop;

struct os_opts {
	int family;
	bool numeric;
	bool ttl_only;
	int64_t deadline_ns;
	const char *target;
	const char *read_path;  /* --read: a capture instead of probes */
	bool json;              /* --json, --format=json: NDJSON on stdout */
};

/* What one step (one engine run) saw. */
struct os_step {
	unsigned replies;
	unsigned exceeded;              /* Time Exceeded */
	unsigned other_err;             /* unreachable and the like */
	uint8_t err_type, err_code;
	int local_err;
	struct sockaddr_storage from;   /* who sent the Time Exceeded */
	socklen_t fromlen;
};

struct os_sent {
	uint16_t icmp_id, seq, ip_id;
};

struct os_run {
	struct os_opts o;
	struct sockaddr_storage dst;
	socklen_t dstlen;
	char canon[1025];
	struct resolve_cache names;

	struct sock pool[OS_POOL];      /* [0]: the raw socket, or the
	                                   datagram sockets */
	unsigned npool, cur;            /* datagram socket in use */
	struct sock ts;                 /* timestamp replies, fd -1: none */
	struct sock unreach;            /* Destination Unreachable, fd -1: none */
	struct sock udp;                /* the quote probe, fd -1: none */
	uint16_t udp_sport;
	bool raw, hdrincl;
	uint16_t id_base;
	unsigned steps;
	uint8_t tag_key[16];

	/* The shape of the current step's probes. */
	struct sock_shape shape;
	uint8_t code;

	struct os_step step;
	struct os_sent sent[OS_MAX_SENT];
	unsigned nsent;
	unsigned probes, answered;
	int64_t rtt_max;

	/* Signals as they come. */
	struct fp fp;
	uint16_t ids_sent[OS_MAX_SENT], ids_got[OS_MAX_SENT];
	unsigned nids;
	unsigned df_set, df_clear;
	bool collect_code;
	int code_got;
	bool code_mixed;
	int tos_got;
};

enum probe_result { PR_REACH, PR_EXPIRED, PR_SILENT, PR_OTHER, PR_FAIL };

struct os_hops {
	int fail_max;           /* largest TTL seen to expire, 0: none */
	int reach_min;          /* smallest TTL seen to reach */
	struct sockaddr_storage at;     /* who said fail_max expired */
	socklen_t atlen;
	unsigned probes, silent;
	const char *note;
};

/* Open the sockets the run needs (raw, or a few datagram ones, and the
 * timestamp socket); 0, or -1 after saying why on stderr. */
int os_open_sockets(struct os_run *r);
void os_close_sockets(struct os_run *r);
/* One engine run: count probes with this TTL and code, then wait up to
 * wait_ns for their answers (r->step says what came). */
int os_run_step(struct os_run *r, int ttl, unsigned count, uint8_t code,
		int64_t wait_ns);
/* N, the routers on the forward path, or -1 (h->note says why). */
int os_measure_hops(struct os_run *r, struct os_hops *h, int reached,
		    int64_t end);
/* The signal probes and what they showed. */
void os_signals(struct os_run *r, struct fp_signals *s, int64_t end);

#endif
