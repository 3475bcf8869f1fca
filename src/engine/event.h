/* The event: the seam between the engine and everything that consumes what
 * it saw (statistics, fingerprinting, text and JSON reporters). */
#ifndef ECHOLOT_EVENT_H
#define ECHOLOT_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/socket.h>

enum event_type {
	EV_START,       /* a target is about to be probed */
	EV_SENT,        /* a probe went out */
	EV_REPLY,       /* an echo reply to one of our probes */
	EV_ERROR,       /* an ICMP error quoting one of our probes */
	EV_LOCAL_ERROR, /* the kernel refused or reported a local error */
	EV_NOANSWER,    /* the previous probe is still unanswered (-O) */
	EV_FOREIGN,     /* a packet that was not ours (shown with -v) */
	EV_STATUS,      /* the user asked for a status line (SIGQUIT) */
	EV_END,         /* the run is over */
};

struct event {
	enum event_type type;
	unsigned target;        /* index into the engine's targets */
	int family;
	uint16_t seq;           /* ICMP sequence number as on the wire */
	uint64_t nsent;         /* probes sent to this target so far */

	const struct sockaddr *from;    /* who sent it */
	socklen_t fromlen;
	bool has_when;
	struct timespec when;   /* CLOCK_REALTIME of arrival (ping -D) */

	/* EV_REPLY */
	size_t bytes;           /* ICMP message length */
	int ttl;                /* -1 when unknown */
	int tos;                /* -1 when unknown */
	bool has_rtt;
	int64_t rtt_ns;
	bool dup;
	bool bad_cksum;
	bool truncated;         /* shorter than what we sent */
	bool other_addr;        /* answered by someone we did not ask */
	bool forged;            /* EV_FOREIGN: our id and sequence, not our tag */
	int ident;              /* our ICMP identifier, -1 when the kernel's */
	long wrong_byte;        /* offset of the first differing data byte or -1 */
	uint8_t wrong_expected, wrong_got;
	bool has_ip_hdr;        /* the fields below come from the IPv4 header
	                           (raw socket only) */
	uint16_t ip_id;
	bool ip_df;
	uint8_t reply_code;     /* the reply's ICMP code (echoed or zeroed) */
	const uint8_t *ip_opts; /* IPv4 options of the reply (raw socket) */
	size_t ip_opts_len;
	const uint8_t *data;    /* the reply's data, data_len bytes */
	size_t data_len;
	size_t data_skip;       /* leading bytes that are not pattern */

	/* EV_ERROR, EV_LOCAL_ERROR, EV_FOREIGN */
	uint8_t icmp_type, icmp_code;
	uint32_t icmp_info;     /* gateway, mtu, pointer: bytes 4..7 */
	int err;                /* errno of a local error */
	bool notice;            /* EV_ERROR: redirect or source quench, which
	                           iputils shows but does not count */
};

/* EV_LOCAL_ERROR: icmp_code says where the error came from. */
enum {
	EV_LOCAL_FROM_SEND = 0,         /* sendto() failed */
	EV_LOCAL_FROM_QUEUE = 1,        /* the kernel's error queue said why */
};

/* A consumer of events. */
struct event_sink {
	void (*on_event)(void *ctx, const struct event *ev);
	void *ctx;
};

#endif
