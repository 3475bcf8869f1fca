/* Probe kinds: what goes on the wire and how its answers are recognised,
 * one table of functions per kind and one file per kind (probe_echo.c,
 * probe_udp.c, probe_tcp.c, probe_tstamp.c, probe_quote.c), as zmap's
 * probe modules.  The loop (loop.c, rx.c) never names a kind: it calls
 * these.  Adding a kind is adding a file and a line in probe_kinds.c.
 *
 * Every probe has a number, pn, that the plan chooses (or the engine
 * counts).  A kind puts the low key_bits of pn on the wire where the
 * probe's answers carry it back: the ICMP sequence number, the UDP
 * checksum or port, the TCP sequence number.  An answer gives that key
 * back; the engine turns it into pn and finds the probe in its in-flight
 * ring at pn's slot: O(1), never a scan. */
#ifndef ECHOLOT_PROBE_H
#define ECHOLOT_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "event.h"
#include "../sock/sock.h"

/* One probe in flight: the engine's in-flight ring holds these. */
struct probe_rec {
	uint32_t pn;            /* its number */
	uint32_t target;        /* the engine's target index */
	uint32_t tseq;          /* the target's probe number (a trace: the
	                           probe's place in the hop grid) */
	uint16_t flags;         /* PROBE_REC_* */
	uint8_t sock;           /* the socket it went out on */
	uint8_t ttl;            /* as sent, 0: the socket's */
	int64_t sent_mono;      /* ns, CLOCK_MONOTONIC before the send */
	int64_t sent_wall;      /* ns, CLOCK_REALTIME: the kernel's send stamp
	                           when it came, else ours */
	uint8_t addr[16];       /* where it went (IPv4 mapped) */
};

enum {
	PROBE_REC_LIVE = 1 << 0,        /* sent, may still be answered */
	PROBE_REC_ANSWERED = 1 << 1,    /* an answer came (a second is a dup) */
	PROBE_REC_KSTAMP = 1 << 2,      /* sent_wall is the kernel's */
	PROBE_REC_EXPIRED = 1 << 3,     /* given up (an answer is late) */
};

/* A probe to build. */
struct probe_req {
	uint32_t pn;            /* its number, when pn_set; else the engine's
	                           count */
	bool pn_set;
	uint32_t target;
	uint32_t tseq;
	int ttl;                /* -1: the socket's */
	int64_t sent_mono;      /* when it goes (the tag covers it) */
	int64_t sent_wall;      /* the same on CLOCK_REALTIME, ns */
	const struct sockaddr *to;      /* the target */
	socklen_t tolen;
	const uint8_t *tag_key; /* the engine's per-run secret, 16 bytes */
	/* A stateless probe (a sweep's): the plan names the socket and the
	 * address (to, tolen) itself; there is no engine target and no
	 * in-flight record, the probe carries all that its answer needs
	 * (probe_sweep.c), cookie being the plan's number for it. */
	bool direct;
	unsigned sock;
	uint64_t cookie;
};

/* What to send, as the kind built it. */
struct probe_tx {
	const uint8_t *buf;     /* inside the buffer build wrote */
	size_t len;
	int dport;              /* the destination port of a datagram
	                           socket's probe, -1: none */
	struct sock_shape shape;        /* TTL, TOS, IP header (sock.h) */
};

/* What a kind recognised in a datagram: an event in the making (the kind
 * fills what the packet says; the engine adds the probe's facts), and the
 * key that names the probe. */
struct probe_answer {
	struct event ev;        /* type EV_REPLY or EV_ERROR; EV_FOREIGN when
	                           it is shaped like ours but is not (ev.foreign
	                           says why) */
	uint32_t key;           /* key_bits of the probe's number */
	bool has_key;
	bool has_probed;        /* probed is known */
	uint8_t probed[16];     /* the address the probe went to: a reply's
	                           source, an error's quoted destination, in
	                           the 16-byte form (IPv4 mapped) */
	/* A stateless kind's verify: what the answer carried back, checked
	 * against the tag (has_cookie false: an error whose quote was too
	 * short; only the address tag in the sequence number was checked). */
	bool has_cookie;
	uint64_t cookie;
	int64_t sent_mono, sent_wall;   /* ns, as the probe carried them */
};

/* a->probed from 4 or 16 address bytes of family (NULL: unknown). */
void probe_set_probed(struct probe_answer *a, int family, const void *addr);
/* The same from a sockaddr (a reply's source). */
void probe_set_probed_sa(struct probe_answer *a, const struct sockaddr *sa);

struct probe_kind {
	const char *name;       /* "icmp", "udp", "tcp", ... */
	unsigned key_bits;      /* 16 or 32 */
	/* The sockets it needs: probe_sock_open's method (a sending socket,
	 * and a raw ICMP one for the errors where the method has one), or -1:
	 * one ICMP socket (sock_open), ping's. */
	int method;
	/* Its probes are direct (probe_req.direct) and its answers carry
	 * everything: the engine keeps no record, and verify (called with rec
	 * NULL) alone says whether an answer is ours; the plan gets it with
	 * rec NULL. */
	bool stateless;
	/* Write the probe for req into buf (cap bytes); *tx says what to
	 * send.  0 or -errno. */
	int (*build)(void *kctx, const struct probe_req *req, uint8_t *buf,
		     size_t cap, struct probe_tx *tx);
	/* A datagram read from s (role: ENGINE_SOCK_*): an answer to a probe
	 * of this kind?  0: yes (a filled), -1: not ours, dropped unseen. */
	int (*parse)(void *kctx, const struct sock *s, int role,
		     const struct sock_rx *rx, struct probe_answer *a);
	/* An ICMP error from s's error queue (SOCK_RX_ERROR with an ICMP
	 * origin): the kernel matched it to our socket and rx->buf holds what
	 * we sent.  0 or -1 as parse. */
	int (*parse_errqueue)(void *kctx, const struct sock *s,
			      const struct sock_rx *rx, struct probe_answer *a);
	/* The answer's key named rec: does it carry rec's tag?  The kind may
	 * add what needs the probe (which data byte differs).  false: not our
	 * probe's answer (forged, replayed or altered).  NULL: keys alone. */
	bool (*verify)(void *kctx, const struct probe_rec *rec,
		       const uint8_t *tag_key, struct probe_answer *a);
	/* Free what build kept in kctx (NULL: nothing); engine_free calls
	 * it once per configuration. */
	void (*release)(void *kctx);
};

/* The kinds (probe_*.c), and each one's configuration. */
extern const struct probe_kind probe_echo;
extern const struct probe_kind probe_udp;
extern const struct probe_kind probe_tcp;
extern const struct probe_kind probe_tstamp;
extern const struct probe_kind probe_quote;
extern const struct probe_kind probe_sweep;
extern const struct probe_kind probe_ni;

/* A kind by its name ("icmp", "udp", "tcp"), NULL if none. */
const struct probe_kind *probe_kind_find(const char *name);

/* ICMP echo (ping, fping, sweeps, traceroute -I, echolot os). */
enum probe_echo_fill {
	PROBE_FILL_PING,        /* tag, send time, then the pattern (-p) or
	                           byte i = i, as iputils */
	PROBE_FILL_TRACE,       /* byte i of the datagram = 0x40 + i, as
	                           traceroute; Paris: two bytes keep the
	                           checksum constant */
};
struct probe_echo_cfg {
	uint16_t id;            /* identifier on a raw socket */
	bool raw;               /* the socket is raw */
	size_t datalen;         /* data bytes */
	enum probe_echo_fill fill;
	uint8_t pattern[16];    /* PROBE_FILL_PING: -p, patlen 0: byte i = i */
	size_t patlen;
	uint8_t code;           /* echo code (echolot os), 0 */
	bool shape;             /* echolot os: TOS, DF, a random IP ID */
	int tos;
	bool hdrincl;           /* the raw socket writes our IP header */
	/* Filled by the kind at each send, for echolot os's IP ID signal. */
	void (*on_ip_id)(void *ctx, uint16_t icmp_id, uint16_t seq,
			 uint16_t ip_id);
	void *on_ip_id_ctx;
	uint8_t *tmpl;          /* the kind's: the data as filled, reused */
	size_t tmpl_len;
	int family;             /* the kind's: the family tmpl was made for */
};
/* Why opening a socket failed, or what it warns of. */
struct probe_open_err {
	const char *what;       /* the step that failed */
	int err;                /* its errno */
	bool need_raw;          /* CAP_NET_RAW would have helped */
	struct sock_open_err open;      /* why each ICMP socket kind failed */
	const char *warn;       /* a non-fatal option failure (SO_MARK...) */
	int warn_err;
};

/* An ICMP socket of family for echo-style probes (sweeps, fping): raw
 * where the process may, else the datagram one (need_raw: raw or none),
 * with the options o; on a raw one a random identifier (c->id) that a
 * kernel filter keeps other programs' replies away with.  Call it while
 * privileged.  0 or -errno (err says what failed). */
int probe_echo_open(struct probe_echo_cfg *c, int family, bool need_raw,
		    const struct sock_opts *o, struct sock *s,
		    struct probe_open_err *err);

/* How many data bytes the tag takes (0..8, less with a tiny -s), and
 * how many lead the data before the pattern. */
size_t probe_echo_tag_len(const struct probe_echo_cfg *c);
size_t probe_echo_skip(const struct probe_echo_cfg *c);
#define PROBE_ECHO_TAG_LEN 8
#define PROBE_ECHO_STAMP_LEN 16

/* ICMP timestamp requests (echolot os). */
struct probe_tstamp_cfg {
	uint16_t id;
};

/* A UDP datagram to a closed port, for its Port Unreachable (echolot os). */
struct probe_quote_cfg {
	uint16_t sport, dport;
	size_t datalen;
	uint32_t last_pn;       /* the kind's: its one probe out */
};

/* Stateless ICMP echo (sweeps): the sequence number is a tag of the
 * target's address (what an ICMP error's short quote brings back), the
 * data a tag over address, send times and the plan's cookie, then those
 * (probe_sweep.c).  Opened as the echo kind (echo: its configuration). */
#define PROBE_SWEEP_MIN_DATA 32
struct probe_sweep_cfg {
	struct probe_echo_cfg echo;
	size_t datalen;         /* at least PROBE_SWEEP_MIN_DATA */
};

/* ICMPv6 Node Information Queries (ping6 -N, RFC 4620; probe_ni.c), on
 * a raw ICMPv6 socket that lets NI replies through (sock_opts.ni_replies).
 * The key is the nonce's first two bytes (the sequence number, where
 * iputils puts it), the other six a tag of the run's. */
struct probe_ni_cfg {
	uint16_t qtype, flags;          /* WIRE_NI_QTYPE_*, WIRE_NI_FLAG_* */
	uint8_t code;                   /* the subject's type, WIRE_NI_SUBJ_* */
	const uint8_t *subject;         /* NULL: the target's address (code
	                                   WIRE_NI_SUBJ_IPV6) */
	size_t subject_len;
	uint16_t ident;                 /* the run's identifier, shown with -v
	                                   as iputils shows its own */
};

/* UDP and TCP SYN towards a port (traceroute, ping --tcp). */
struct probe_path_cfg {
	const struct probe_socks *ps;   /* its sockets: ports and source */
	size_t data_len;        /* UDP payload */
	uint16_t dport;
	bool paris;             /* UDP: the key in the checksum, ports fixed;
	                           else the key is the destination port */
};

#endif
