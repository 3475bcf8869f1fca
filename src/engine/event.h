/* The event: the seam between the engine and everything that consumes what
 * it saw (statistics, fingerprinting, text, JSON and screen reporters).
 * An event is self-contained: a consumer prints from its fields alone and
 * never looks into the engine (whose structs are opaque). */
#ifndef ECHOLOT_EVENT_H
#define ECHOLOT_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/socket.h>

enum event_type {
	EV_START,       /* a target is about to be probed (a trace: the run) */
	EV_SENT,        /* a probe went out */
	EV_REPLY,       /* an answer to one of our probes (echo reply,
	                   SYN-ACK / RST), as it came */
	EV_ERROR,       /* an ICMP error quoting one of our probes, as it came */
	EV_LOCAL_ERROR, /* the kernel refused or reported a local error */
	EV_NOANSWER,    /* the previous probe is still unanswered (-O) */
	EV_FOREIGN,     /* a packet that was not ours, or not one we can
	                   credit (foreign says why; shown with -v) */
	EV_STATUS,      /* the user asked for a status line (SIGQUIT) */
	EV_TIMEOUT,     /* a probe was given up: no answer in time */
	EV_PROBE,       /* a trace: a probe settled (answered or given up),
	                   in hop order, as traceroute prints them */
	EV_END,         /* the run is over */
};

/* EV_LOCAL_ERROR: icmp_code says where the error came from. */
enum {
	EV_LOCAL_FROM_SEND = 0,         /* sendto() failed */
	EV_LOCAL_FROM_QUEUE = 1,        /* the kernel's error queue said why */
};

/* EV_FOREIGN: why a packet was not credited to a probe. */
enum event_foreign {
	EV_FOREIGN_OTHER = 0,           /* not an answer to any probe of ours */
	EV_FOREIGN_ID,                  /* another program's identifier */
	EV_FOREIGN_UNSENT,              /* a sequence we never sent, or no
	                                   longer remember */
	EV_FOREIGN_TAG,                 /* our probe's number, not its tag:
	                                   forged, replayed or altered */
	EV_FOREIGN_ADDR,                /* an error quoting a probe to an
	                                   address we did not probe */
	EV_FOREIGN_CKSUM,               /* an ICMP error with a bad checksum */
};

/* How a trace probe was answered (EV_PROBE). */
enum event_answer {
	EV_ANS_NONE,            /* no answer (given up) */
	EV_ANS_ICMP,            /* an ICMP error quoting it */
	EV_ANS_ECHO,            /* an echo reply */
	EV_ANS_TCP,             /* SYN-ACK or RST */
	EV_ANS_LOCAL,           /* refused by our kernel: too big for the path
	                           with -F (icmp_info: the MTU) */
};

/* The shape of a trace, for its consumers (EV_START, EV_PROBE, EV_END). */
struct event_trace {
	const char *method;     /* "udp", "icmp", "tcp" */
	int proto;              /* IPPROTO_UDP / ICMP / ICMPV6 / TCP */
	unsigned first_ttl, max_ttl, nqueries;
	size_t packet_len;      /* the whole probe, IP header included */
	uint16_t dport;         /* UDP / TCP destination port, 0: none */
	size_t data_len;        /* payload bytes after the L4 header */
	bool paris;             /* one flow for the whole run */
	const struct sockaddr *dst;
	socklen_t dstlen;
	const struct sockaddr *src;     /* our address, NULL: unknown */
	bool dgram;             /* probes on a datagram socket (no privilege) */
	struct timespec wall_start, wall_end;   /* CLOCK_REALTIME */
	int64_t mono_start, mono_end;           /* ns, CLOCK_MONOTONIC */
	int error;              /* EV_END: 0, or the -errno that ended it */
	unsigned round;         /* rounds (mtr, --report): 0, 1, ... */
	unsigned flow;          /* mtr --paths: the flow (0-based) */
};

/* A sweep's counts (EV_START, EV_STATUS, EV_END of engine_run_sweep). */
struct event_sweep {
	uint64_t total;         /* addresses to probe (this shard's) */
	uint64_t sent;          /* probes sent, retries included */
	uint64_t probed;        /* addresses probed at least once */
	uint64_t alive;         /* addresses that replied */
	uint64_t errored;       /* addresses answered by an ICMP error */
	uint64_t dups;          /* replies and errors past the first */
	uint64_t foreign;       /* answers not credited (bad tag, not ours) */
	uint64_t send_errors;   /* sends the kernel refused */
	unsigned pass, passes;  /* 1-based; 1 + retries */
	uint32_t shard, shards;
	uint64_t seed;
	double rate_pps;        /* the global rate, 0: as fast as possible */
	int64_t elapsed_ns;     /* since the start */
	int error;              /* EV_END: 0 or -errno */
};

struct event {
	enum event_type type;
	uint32_t target;        /* index of the engine's target */
	int family;
	uint16_t seq;           /* ping's icmp_seq: the target's probe number
	                           as 16 bits (what iputils prints) */
	uint32_t probe;         /* the target's probe number, 1-based */
	uint32_t pn;            /* the engine's number of the probe, whose low
	                           bits its wire fields carry */
	uint64_t nsent;         /* probes sent to this target so far */
	const struct sockaddr *to;      /* the probed address */
	socklen_t tolen;

	const struct sockaddr *from;    /* who sent it */
	socklen_t fromlen;
	bool has_when;
	struct timespec when;   /* CLOCK_REALTIME of arrival (ping -D) */

	/* EV_REPLY */
	size_t bytes;           /* ICMP message (or TCP segment) length */
	int ttl;                /* -1 when unknown */
	int tos;                /* -1 when unknown */
	bool has_rtt;
	int64_t rtt_ns;
	bool dup;
	bool bad_cksum;
	bool bad_tag;           /* from the target, with our id and a sequence
	                           we sent, but its data fails our tag (too
	                           short, or altered): shown and counted as
	                           corrupted, never received, no RTT */
	bool late;              /* answers a probe already given up */
	bool truncated;         /* shorter than what we sent */
	bool other_addr;        /* answered by someone we did not ask */
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
	uint8_t tcp_flags;      /* a TCP answer's flags */

	/* EV_ERROR, EV_LOCAL_ERROR, EV_FOREIGN */
	uint8_t icmp_type, icmp_code;
	uint32_t icmp_info;     /* gateway, mtu, pointer: bytes 4..7 */
	int err;                /* errno of a local error */
	bool notice;            /* EV_ERROR: redirect or source quench, which
	                           iputils shows but does not count */
	enum event_foreign foreign;     /* EV_FOREIGN: why */
	int quote_l4;           /* EV_ERROR: bytes of the probe quoted after its
	                           IP header, -1 unknown */

	/* EV_STATUS, EV_END: the run's time as ping reports it, from the
	 * start to the last probe sent, ns */
	int64_t elapsed_ns;

	/* A trace's EV_START, EV_PROBE, EV_END (and its EV_REPLY / EV_ERROR) */
	const struct event_trace *trace;
	unsigned hop, query;    /* TTL of the probe, its number at that hop */
	enum event_answer answer;
	bool final;             /* the destination (or a final error) */
	const uint8_t *ext;     /* ICMP extension structure, raw (-e) */
	size_t ext_len;
	bool ext_rfc4884;       /* found at the RFC 4884 length */
	int reply_len;          /* the answer's ICMP message / TCP segment,
	                           bytes; -1 unknown (error queue, none) */
	uint32_t new_mtu;       /* --mtu: the probe was shrunk to this and
	                           sent again (traceroute's "F="), 0: none */

	/* A sweep's EV_START, EV_STATUS, EV_END; its EV_REPLY / EV_ERROR
	 * carry the counts too (index: the address's place in the set). */
	const struct event_sweep *sweep;
	uint64_t index;
};

/* A consumer of events. */
struct event_sink {
	void (*on_event)(void *ctx, const struct event *ev);
	void *ctx;
};

#endif
