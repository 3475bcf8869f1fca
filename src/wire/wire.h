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

#endif
