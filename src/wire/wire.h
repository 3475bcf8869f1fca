/* wire: bytes <-> structs for IPv4, ICMP and ICMPv6.
 *
 * Pure: no I/O, no allocation, no globals, no clock.  Every parser takes
 * (buf, len), never reads past len, and fills a struct whose pointers point
 * into buf.  Parsers return 0 or -EINVAL / -EPROTO and never crash on any
 * input: this is the layer that meets hostile bytes. */
#ifndef ECHOLOT_WIRE_H
#define ECHOLOT_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* ICMP and ICMPv6 type numbers that the rest of the program names. */
enum {
	WIRE_ICMP4_ECHOREPLY = 0,
	WIRE_ICMP4_UNREACH = 3,
	WIRE_ICMP4_SOURCEQUENCH = 4,
	WIRE_ICMP4_REDIRECT = 5,
	WIRE_ICMP4_ECHO = 8,
	WIRE_ICMP4_TIMXCEED = 11,
	WIRE_ICMP4_PARAMPROB = 12,
	WIRE_ICMP6_UNREACH = 1,
	WIRE_ICMP6_PACKET_TOO_BIG = 2,
	WIRE_ICMP6_TIMXCEED = 3,
	WIRE_ICMP6_PARAMPROB = 4,
	WIRE_ICMP6_ECHO = 128,
	WIRE_ICMP6_ECHOREPLY = 129,
};

#define WIRE_ICMP_HDR_LEN 8
#define WIRE_IP4_MIN_HDR 20
#define WIRE_IP6_HDR_LEN 40

/* Internet checksum (RFC 1071). */
uint32_t wire_csum_add(uint32_t sum, const void *buf, size_t len);
uint16_t wire_csum_fold(uint32_t sum);
uint16_t wire_checksum(const void *buf, size_t len);

struct wire_ip4 {
	uint8_t ihl_bytes;      /* header length in bytes, 20..60 */
	uint8_t tos;
	uint16_t total_len;     /* as claimed by the header */
	uint16_t id;
	bool df;
	uint16_t frag_off;      /* in 8-byte units; non-zero: no L4 header */
	uint8_t ttl;
	uint8_t proto;
	struct in_addr src, dst;
	const uint8_t *opts;    /* IP options, opts_len bytes, inside buf */
	size_t opts_len;
};

/* One IPv4 option: type, its length as claimed (1 for NOP), and the bytes
 * after type and length (data_len of them, all inside the header). */
struct wire_ip4_opt {
	uint8_t type;
	uint8_t len;
	const uint8_t *data;
	size_t data_len;
};

enum {
	WIRE_IPOPT_EOL = 0,
	WIRE_IPOPT_NOP = 1,
	WIRE_IPOPT_RR = 7,
	WIRE_IPOPT_TS = 68,
	WIRE_IPOPT_LSRR = 131,
	WIRE_IPOPT_SSRR = 137,
};

/* The timestamp option's flags (its low four bits). */
enum {
	WIRE_IPOPT_TS_TSONLY = 0,       /* stamps only */
	WIRE_IPOPT_TS_TSANDADDR = 1,    /* each router's address and stamp */
	WIRE_IPOPT_TS_PRESPEC = 3,      /* stamps of the hosts named */
};

/* The room for options in an IPv4 header. */
#define WIRE_IP4_OPTS_MAX 40

/* IPv4 options for IP_OPTIONS (ip_opts.c), written into buf; each returns
 * the length to set.  rr: record route, nine slots.  ts: flag as above;
 * addrs (network order, at most 4) only for PRESPEC.  srr: loose (or
 * strict) source route through addrs (network order, at most 9). */
size_t wire_ip4_opts_rr(uint8_t buf[WIRE_IP4_OPTS_MAX]);
size_t wire_ip4_opts_ts(uint8_t buf[WIRE_IP4_OPTS_MAX], uint8_t flag,
			const uint32_t *addrs, size_t n);
size_t wire_ip4_opts_srr(uint8_t buf[WIRE_IP4_OPTS_MAX], bool strict,
			 const uint32_t *addrs, size_t n);

/* Walk IPv4 options: the option at *off into *o and *off past it.
 * Returns 1 for an option, 0 at the end (EOL, or no bytes left), -EINVAL
 * for one whose length is below 2 or runs past the header. */
int wire_ip4_opt_next(const uint8_t *opts, size_t len, size_t *off,
		      struct wire_ip4_opt *o);

/* Parse an IPv4 header.  Fails if len < 20, version != 4, or the IHL claims
 * more bytes than len holds (a lying IHL). */
int wire_ip4_parse(const uint8_t *buf, size_t len, struct wire_ip4 *ip);

/* The original datagram an ICMP error quotes: enough to say which probe it
 * was.  Fields not present in the quote are marked absent, never guessed. */
struct wire_quote {
	bool has_ip;            /* inner IP header complete */
	int family;             /* AF_INET or AF_INET6 */
	uint8_t proto;          /* inner protocol / next header */
	struct in6_addr src6, dst6;
	struct in_addr src4, dst4;
	uint8_t ttl;            /* inner TTL / hop limit as the router saw it */
	bool has_l4;            /* first 8 bytes of the inner payload present */
	uint8_t l4[8];          /* those bytes (ICMP header or UDP/TCP ports...) */
	size_t l4_off;          /* where they start in the quote (has_l4): a
	                           kind that needs more of its probe back (ping6
	                           -N's nonce) reads on from there */
	size_t len;             /* how many bytes of the original were quoted */
};

struct wire_icmp {
	int family;             /* AF_INET or AF_INET6 */
	uint8_t type, code;
	uint16_t cksum;         /* as received */
	bool cksum_ok;          /* v4 only; the kernel checks ICMPv6 */
	uint16_t id, seq;       /* echo request/reply only */
	uint32_t rest;          /* bytes 4..7 of the header, host order:
	                           gateway, mtu, pointer */
	const uint8_t *data;    /* bytes after the 8-byte header */
	size_t data_len;
	struct wire_quote quote;/* errors only, when quote.has_ip */
	size_t len;             /* ICMP message length */
};

static inline bool wire_icmp_is_echo_reply(const struct wire_icmp *m)
{
	return m->family == AF_INET6 ? m->type == WIRE_ICMP6_ECHOREPLY
	                             : m->type == WIRE_ICMP4_ECHOREPLY;
}

/* Is this type an error message that quotes the datagram that caused it? */
bool wire_icmp_is_error(int family, uint8_t type);

/* Parse an ICMP (family AF_INET) or ICMPv6 (AF_INET6) message that starts
 * at buf.  Errors get their quoted datagram parsed into m->quote. */
int wire_icmp_parse(int family, const uint8_t *buf, size_t len,
		    struct wire_icmp *m);

/* Parse an IPv4 datagram carrying ICMP, as a raw IPv4 socket delivers it. */
int wire_ip4_icmp_parse(const uint8_t *buf, size_t len, struct wire_ip4 *ip,
			struct wire_icmp *m);

/* Parse a quoted original datagram (the body of an ICMP error). */
int wire_quote_parse(int family, const uint8_t *buf, size_t len,
		     struct wire_quote *q);

/* Echo payload layout.  The first WIRE_STAMP_LEN bytes carry our send time,
 * the rest is the fill pattern. */
struct wire_echo {
	int family;
	uint16_t id, seq;
	const uint8_t *payload;
	size_t payload_len;
};

/* Build an echo request into out (cap bytes); returns its length or -ENOSPC.
 * The ICMPv4 checksum is filled in; for ICMPv6 the kernel fills it. */
int wire_echo_build(const struct wire_echo *e, uint8_t *out, size_t cap);

/* SipHash-2-4 of data under a 128-bit key: the tag our probes carry so
 * that a reply a stranger forged or replayed is told from ours. */
uint64_t wire_siphash24(const uint8_t key[16], const void *data, size_t len);

/* Fill buf with a repeating pattern (ping -p). */
void wire_fill_pattern(uint8_t *buf, size_t len, const uint8_t *pat,
		       size_t patlen);

/* ------------------------------------------------ UDP, TCP (l4.c)
 * Built and parsed for traceroute's probes.  Addresses are raw bytes in
 * network order: 4 of them for AF_INET, 16 for AF_INET6. */
#define WIRE_UDP_HDR_LEN 8
#define WIRE_TCP_HDR_LEN 20

enum {
	WIRE_TCP_FIN = 0x01,
	WIRE_TCP_SYN = 0x02,
	WIRE_TCP_RST = 0x04,
	WIRE_TCP_PSH = 0x08,
	WIRE_TCP_ACK = 0x10,
};

/* The unfolded sum of the pseudo-header (RFC 768, RFC 8200 8.1) that UDP,
 * TCP and ICMPv6 checksums cover. */
uint32_t wire_pseudo_sum(int family, const void *src, const void *dst,
			 uint8_t proto, uint32_t len);

/* The two bytes that, added at an even offset of checksummed data whose
 * checksum is now cur (with those bytes zero), make the checksum want. */
uint16_t wire_csum_compensate(uint16_t cur, uint16_t want);

struct wire_udp {
	uint16_t sport, dport;
	uint16_t len;           /* as claimed by the header */
	uint16_t cksum;
	const uint8_t *payload; /* inside buf */
	size_t payload_len;
};

/* Build a UDP datagram with its checksum (0 sent as 0xffff) into out;
 * payload may alias out + 8.  Returns its length or -ENOSPC / -EINVAL. */
int wire_udp_build(int family, const void *src, const void *dst,
		   uint16_t sport, uint16_t dport, const uint8_t *payload,
		   size_t payload_len, uint8_t *out, size_t cap);
int wire_udp_parse(const uint8_t *buf, size_t len, struct wire_udp *u);

struct wire_tcp {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t hdr_len;        /* header with options, bytes */
	uint8_t flags;          /* WIRE_TCP_* */
	uint16_t window;
	uint16_t cksum;
	uint16_t urgent;
	const uint8_t *opts;    /* options, opts_len bytes (a multiple of 4
	                           for build) */
	size_t opts_len;
	const uint8_t *payload;
	size_t payload_len;
};

/* Build a TCP segment from t (opts and payload copied; the checksum
 * computed over the pseudo-header).  Returns its length or -errno. */
int wire_tcp_build(int family, const void *src, const void *dst,
		   const struct wire_tcp *t, uint8_t *out, size_t cap);
/* Parse a TCP header (and point at options and payload); -EINVAL when
 * len is short or the data offset lies. */
int wire_tcp_parse(const uint8_t *buf, size_t len, struct wire_tcp *t);

/* ICMP extensions (RFC 4884) and the MPLS label stack object (RFC 4950). */
#define WIRE_EXT_MAX_OBJ 8
#define WIRE_MPLS_MAX 16

struct wire_mpls {
	uint32_t label;         /* 20 bits */
	uint8_t tc;             /* traffic class, ex EXP: 3 bits */
	bool s;                 /* bottom of stack */
	uint8_t ttl;
};

struct wire_ext_obj {
	uint8_t cls, ctype;
	const uint8_t *data;    /* inside buf, len bytes */
	size_t len;
};

struct wire_icmp_ext {
	size_t off;             /* where the structure starts in the ICMP
	                           message */
	size_t len;
	bool cksum_ok;          /* a zero checksum counts as ok (none) */
	unsigned nobj;
	struct wire_ext_obj obj[WIRE_EXT_MAX_OBJ];
	unsigned nmpls;         /* labels of all MPLS objects, top first */
	struct wire_mpls mpls[WIRE_MPLS_MAX];
};

/* Parse an extension structure (version 2 header, then objects) of len
 * bytes at buf.  -EPROTO when the version, an object length or the
 * checksum is wrong. */
int wire_icmp_ext_parse(const uint8_t *buf, size_t len,
			struct wire_icmp_ext *x);

/* Find and parse the extension structure of an ICMP error message (buf,
 * len: the whole ICMP message): at the original-datagram length when the
 * sender set it (RFC 4884), else, as RFC 4884 5.5 allows for older
 * senders, at 128 bytes when a valid, checksummed structure is there.
 * Returns 0, -ENOENT when there is none, or -EPROTO. */
int wire_icmp_ext_find(int family, const uint8_t *buf, size_t len,
		       struct wire_icmp_ext *x);

/* ------------------------------------- echolot os: probes (os_wire.c)
 * An IPv4 header for an IP_HDRINCL socket (the probe's own TTL, TOS, DF
 * and ID), an echo request's code, and the ICMP timestamp messages
 * (RFC 792) that tell stacks apart. */
enum {
	WIRE_ICMP4_TSTAMP = 13,
	WIRE_ICMP4_TSTAMPREPLY = 14,
};

#define WIRE_TSTAMP_LEN 20      /* header and three 32-bit timestamps */

/* Write a 20-byte IPv4 header (no options) from ip's tos, id, df, ttl,
 * proto, src and dst for payload_len bytes after it, its checksum
 * filled in.  Returns 20, or -ENOSPC / -EINVAL (too long). */
int wire_ip4_build(const struct wire_ip4 *ip, size_t payload_len,
		   uint8_t *out, size_t cap);

/* Set the code of an ICMP message in place (buf, len: the message) and,
 * for ICMPv4, fix its checksum; ICMPv6 checksums are the kernel's. */
void wire_icmp_set_code(int family, uint8_t *buf, size_t len, uint8_t code);

struct wire_tstamp {
	uint8_t type;           /* WIRE_ICMP4_TSTAMP or _TSTAMPREPLY */
	uint8_t code;
	bool cksum_ok;
	uint16_t id, seq;
	uint32_t originate, receive, transmit;  /* host order */
};

/* Build a timestamp request (id, seq, originate) into out; 20 or -ENOSPC. */
int wire_tstamp_build(uint16_t id, uint16_t seq, uint32_t originate,
		      uint8_t *out, size_t cap);
/* Parse a timestamp or timestamp reply message (the ICMP message, no IP
 * header).  -EINVAL when short or of another type. */
int wire_tstamp_parse(const uint8_t *buf, size_t len, struct wire_tstamp *t);

/* ---------------------------------- captured frames (os_frame.c)
 * The IP datagram in a captured frame, and its header as `echolot os
 * --read` needs it.  Link types are the pcap LINKTYPE_* numbers. */
enum {
	WIRE_LINK_NULL = 0,             /* BSD loopback: 4-byte family */
	WIRE_LINK_ETHERNET = 1,
	WIRE_LINK_RAW = 101,            /* IPv4 or IPv6, no link header */
	WIRE_LINK_LOOP = 108,
	WIRE_LINK_LINUX_SLL = 113,      /* tcpdump -i any */
	WIRE_LINK_IPV4 = 228,
	WIRE_LINK_IPV6 = 229,
	WIRE_LINK_LINUX_SLL2 = 276,
};

/* Find the IP datagram in a frame of link type link (802.1Q / 802.1ad
 * tags skipped).  Returns 0 with *ip, *iplen, or -EINVAL / -ENOTSUP. */
int wire_frame_ip(int link, const uint8_t *buf, size_t len,
		  const uint8_t **ip, size_t *iplen);

/* An IPv4 or IPv6 header and where its upper layer starts. */
struct wire_pkt {
	int family;
	uint8_t src[16], dst[16];       /* 4 or 16 bytes used */
	uint8_t ttl;                    /* TTL / hop limit */
	uint8_t tos;                    /* TOS / traffic class */
	uint16_t id;                    /* IPv4 only */
	bool df;                        /* IPv4 only */
	bool first_frag;                /* not a later fragment */
	uint8_t proto;                  /* upper layer (IPv6: after the
	                                   extension headers) */
	const uint8_t *l4;              /* inside buf */
	size_t l4_len;                  /* as far as captured and claimed */
};

int wire_pkt_parse(const uint8_t *buf, size_t len, struct wire_pkt *p);

#endif
