/* sock: the only place that talks to the kernel's socket API.
 *
 * Opens the best ICMP socket the process may have (raw with CAP_NET_RAW,
 * else the unprivileged ICMP datagram socket), applies options, sends, and
 * returns every received datagram as one struct sock_rx so that nothing
 * above this layer touches a cmsghdr. */
#ifndef ECHOLOT_SOCK_H
#define ECHOLOT_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/socket.h>

enum sock_kind { SOCK_KIND_NONE, SOCK_KIND_RAW, SOCK_KIND_DGRAM };

struct sock {
	int fd;
	int family;             /* AF_INET or AF_INET6 */
	enum sock_kind kind;
	bool tx_stamps;         /* kernel send timestamps are enabled */
	uint32_t tx_count;      /* sends so far: the kernel's OPT_ID key */
};

/* Why opening failed, per kind, so the caller can name the right fix. */
struct sock_open_err {
	int raw_errno;
	int dgram_errno;
};

/* Open an ICMP socket of family.  need_raw: the options asked for something
 * only a raw socket does.  Returns 0 or -errno (err says why each kind
 * failed). */
int sock_open(struct sock *s, int family, bool need_raw,
	      struct sock_open_err *err);
void sock_close(struct sock *s);

/* Which kernel timestamps to ask for. */
enum sock_ts {
	SOCK_TS_NONE,
	SOCK_TS_RX,             /* on arrival */
	SOCK_TS_RXTX,           /* on arrival, and when a probe is queued for
	                           the device (one more read per probe) */
};

/* Settings applied after opening.  -1 (or NULL / false) means "leave the
 * kernel's default". */
struct sock_opts {
	int ttl;
	int tos;                /* IPv4 TOS or IPv6 traffic class */
	int64_t mark;           /* SO_MARK, unsigned 32 bits */
	int pmtudisc;           /* IP_PMTUDISC_* / IPV6_PMTUDISC_* */
	int sndbuf;
	int rcvbuf;
	const char *device;     /* SO_BINDTODEVICE */
	const struct sockaddr *source;  /* bind() to this address */
	socklen_t source_len;
	bool broadcast;
	bool no_mcast_loop;
	bool debug;
	bool dontroute;
	bool ni_replies;        /* raw ICMPv6: node information replies come
	                           through instead of echo replies (ping6 -N) */
	enum sock_ts timestamps;
};

/* Apply o; returns 0 or -errno and names the failing step in *what.
 * SO_MARK and SO_DEBUG come last and their failure (they need
 * CAP_NET_ADMIN) is not fatal: *warn names it and its -errno is in
 * *warn_err, and everything else is still applied. */
int sock_apply(struct sock *s, const struct sock_opts *o, const char **what,
	       const char **warn, int *warn_err);

/* Lease and use an IPv6 flow label towards dst.  Returns 0 or -errno;
 * *leased says whether the lease (the first step) was granted. */
struct sockaddr_in6;
int sock_flowlabel(struct sock *s, const struct sockaddr_in6 *dst,
		   uint32_t label, bool *leased);

/* IPv4 options for every probe (IP_OPTIONS; wire_ip4_opts_*).  The
 * kernel decides what the caller's rights allow: source routes need
 * CAP_NET_RAW.  Returns 0 or -errno. */
int sock_ip_options(struct sock *s, const void *opts, size_t len);

/* Interface names by index (ifnames.c), read before the sandbox: glibc
 * needs a socket to ask, which the sandbox forbids.  For printing the
 * scope of link-local addresses ("fe80::1%eth0"). */
#define SOCK_IFNAMES_MAX 64
struct sock_ifnames {
	unsigned n;
	struct {
		unsigned index;
		char name[16];          /* IF_NAMESIZE */
	} e[SOCK_IFNAMES_MAX];
};
void sock_ifnames_read(struct sock_ifnames *t);
/* The name of interface index, or NULL (also for t NULL). */
const char *sock_ifname(const struct sock_ifnames *t, unsigned index);

/* bind() the socket to src (ping -B, once the route's source is known). */
int sock_bind(struct sock *s, const struct sockaddr *src, socklen_t len);

/* connect() the socket to dst (ping -C). */
int sock_connect(struct sock *s, const struct sockaddr *dst, socklen_t len);

/* After asking for receive stamps: let the kernel switch them on for the
 * host before the first probe goes (sock.c says why). */
void sock_stamps_settle(void);

/* Raw sockets see every ICMP message on the host: install a kernel socket
 * filter so only echo replies carrying id, and ICMP errors, wake us. */
int sock_filter_id(struct sock *s, uint16_t id);

/* Connect / find the source address the kernel would use towards dst. */
int sock_route_source(int family, const struct sockaddr *dst, socklen_t len,
		      const char *device, struct sockaddr_storage *src);

/* How one probe goes out: its own TTL / hop limit and TOS / traffic class
 * (ancillary data: no setsockopt per probe, which the sandbox forbids),
 * and on an IPv4 raw socket with IP_HDRINCL a header we write: DF and
 * IP ID. */
struct sock_shape {
	bool hdrincl;           /* the socket has IP_HDRINCL (sock_hdrincl) */
	int ttl;                /* -1: the socket's */
	int tos;                /* -1: the socket's */
	bool df;                /* hdrincl only */
	uint16_t ip_id;         /* hdrincl only; 0: the kernel chooses */
};

/* Send one datagram, shaped by sh (NULL: as the socket is set).  Returns
 * 0 or -errno.  *txkey is the key its kernel send timestamp will carry
 * (see sock_rx.txkey). */
int sock_send(struct sock *s, const void *buf, size_t len,
	      const struct sockaddr *to, socklen_t tolen,
	      const struct sock_shape *sh, uint32_t *txkey);

/* Many datagrams in one system call (sendmmsg), as the socket is set.
 * Returns how many went, in order (at least 1), or the -errno of the
 * first. */
#define SOCK_SEND_MANY_MAX 64
struct sock_msg {
	const void *buf;
	size_t len;
	const struct sockaddr *to;
	socklen_t tolen;
};
int sock_send_many(struct sock *s, const struct sock_msg *m, unsigned n);

enum sock_rx_kind {
	SOCK_RX_DATA,           /* a datagram from the network */
	SOCK_RX_ERROR,          /* an error from the error queue */
	SOCK_RX_TXSTAMP,        /* a kernel send timestamp */
};

/* An extended error (IP_RECVERR / IPV6_RECVERR). */
struct sock_ee {
	int err;                /* errno value */
	uint8_t origin;         /* SO_EE_ORIGIN_* */
	uint8_t type, code;     /* ICMP type/code when origin is ICMP */
	uint32_t info;          /* mtu for EMSGSIZE, etc. */
	bool has_offender;
	struct sockaddr_storage offender;
};

#define SOCK_RX_BUFSZ 65536  /* the largest IP datagram */

struct sock_rx {
	enum sock_rx_kind kind;
	size_t len;             /* bytes in buf */
	bool truncated;         /* the datagram was longer than buf */
	struct sockaddr_storage from;
	socklen_t fromlen;
	bool has_kstamp;
	struct timespec kstamp; /* kernel RX (or TX) software timestamp,
	                           CLOCK_REALTIME */
	struct timespec mono;   /* CLOCK_MONOTONIC when we read it */
	int ttl;                /* TTL / hop limit, -1 unknown */
	int tos;                /* TOS / traffic class, -1 unknown */
	int ifindex;            /* 0 unknown */
	uint32_t txkey;         /* SOCK_RX_TXSTAMP: which send */
	struct sock_ee ee;      /* SOCK_RX_ERROR */
	/* Last, so that a short datagram touches only the first page. */
	uint8_t buf[SOCK_RX_BUFSZ];
};

/* Receive up to n datagrams without blocking.  Returns the number received
 * (0 when none is waiting) or -errno. */
int sock_recv(struct sock *s, struct sock_rx *rx, unsigned n);

/* The same for the error queue: ICMP errors (datagram sockets), local
 * errors and send timestamps. */
int sock_recv_errqueue(struct sock *s, struct sock_rx *rx, unsigned n);

/* Give up every capability and set no_new_privs; on a set-user-ID or
 * set-group-ID install also the user and group (real, effective and saved
 * become the invoking user's).  Call it once the sockets are open and
 * before any name is looked up.  Returns 0 or -errno. */
int sock_drop_privileges(void);

/* The capabilities this thread holds now, bit n for capability n (for
 * -V).  Returns 0 or -errno. */
int sock_caps(uint64_t *effective, uint64_t *permitted);

/* ------------------------------------------- traceroute (probe_sock.c) */

enum probe_method {
	PROBE_UDP,              /* UDP datagrams (traceroute's default) */
	PROBE_ICMP,             /* ICMP echo requests (-I) */
	PROBE_TCP,              /* TCP SYN (-T) */
};

/* The sockets of one trace.  tx sends every probe (its TTL per send):
 * for UDP with CAP_NET_RAW a raw UDP socket, because only a checksum we
 * write ourselves is sure to be the one routers quote (the kernel leaves
 * it to the device, and a virtual one may never fill it in);
 * replies and errors come back through one of three ways, depending on
 * the method and the privileges:
 *   - tx itself: echo replies (ICMP) and SYN-ACK / RST (raw TCP), and on
 *     a raw ICMP socket also the ICMP errors with their whole quote;
 *   - icmp, a raw ICMP socket beside tx (UDP with CAP_NET_RAW, TCP):
 *     the ICMP errors, whole, with any extensions;
 *   - tx's error queue (errqueue true: UDP or the ICMP datagram socket
 *     without CAP_NET_RAW): the kernel matched the error to tx, and gives
 *     type, code, offender and the quoted payload, but no extensions. */
struct probe_socks {
	int family;
	enum probe_method method;
	struct sock tx;
	struct sock icmp;       /* fd -1 when not open */
	int hold_fd;            /* raw UDP: a UDP socket that holds our
	                           source port for the run, or -1 */
	bool errqueue;
	struct sockaddr_storage src;    /* tx's address and port */
	socklen_t srclen;
	uint16_t sport;         /* UDP / TCP source port; the identifier
	                           of an ICMP datagram socket */
	int mtu;                /* the MTU of the first link towards dst,
	                           0 unknown */
};

/* What probe_sock_open (before the name is resolved) and probe_sock_bind
 * (after) apply; dst and source are probe_sock_bind's only. */
struct probe_sock_opts {
	const struct sockaddr *dst;     /* to find the route's source */
	socklen_t dstlen;
	const char *device;             /* SO_BINDTODEVICE, or NULL */
	const struct sockaddr *source;  /* -s, or NULL for the route's */
	socklen_t source_len;
	uint16_t sport;                 /* 0: the kernel's (UDP) or random */
	int tos;                        /* -1: leave */
	bool dontfrag;                  /* -F: DF set, no local fragmentation */
	bool dontroute;                 /* -r */
	int rcvbuf;                     /* 0: leave */
};

/* What failed: the step, its -errno, and whether a privilege
 * (CAP_NET_RAW) would have helped. */
struct probe_sock_err {
	const char *what;
	int err;
	bool need_raw;
};

/* Open the sockets of method m for family with every option that does
 * not depend on the destination: while privileged, before any name is
 * looked up.  Returns 0 or -errno (e says what failed). */
int probe_sock_open(struct probe_socks *ps, int family, enum probe_method m,
		    const struct probe_sock_opts *o, struct probe_sock_err *e);
/* Then, the destination known and the privileges gone: bind tx to the
 * route's source address (or o->source) and our port, and find the first
 * link's MTU (o->dontfrag).  Returns 0 or -errno (e says what failed). */
int probe_sock_bind(struct probe_socks *ps, const struct probe_sock_opts *o,
		    struct probe_sock_err *e);
void probe_sock_close(struct probe_socks *ps);

/* ------------------------------------------- echolot os (os_sock.c) */

/* IPv4 raw: from now on every send carries our IP header. */
int sock_hdrincl(struct sock *s);

/* As sock_filter_id, for echo replies whose identifier is one of
 * first .. first + count - 1. */
int sock_filter_id_range(struct sock *s, uint16_t first, uint16_t count);

/* A raw IPv4 socket that sees only ICMP timestamp replies, its requests
 * sent with this TTL.  Returns 0 or -errno. */
int sock_open_tstamp(struct sock *s, int ttl);

/* A raw ICMP (family AF_INET) or ICMPv6 socket that sees only Destination
 * Unreachable errors, whole: their quote.  Returns 0 or -errno. */
int sock_open_unreach(struct sock *s, int family);

/* A UDP socket connected to port of dst (whose port is ignored): the probe
 * that draws a Port Unreachable from a host; send on it with sock_send()
 * and no address.  *sport: our port.  Returns 0 or -errno. */
int sock_open_udp_probe(struct sock *s, const struct sockaddr *dst,
			socklen_t dstlen, uint16_t port, uint16_t *sport);

/* Wait until s has something to read: 1, 0 after timeout_ns, or -errno. */
int sock_wait(struct sock *s, int64_t timeout_ns);

#endif
