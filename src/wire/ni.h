/* ICMPv6 Node Information Queries and Replies (RFC 4620), as ping6 -N
 * sends and reads them, and the DNS names they carry.
 *
 * Pure, as the rest of wire: every parser takes (buf, len) and never reads
 * past len.  The names are read exactly as glibc's dn_expand() reads them
 * (iputils prints what dn_expand gives), so that ping6 -N shows what
 * iputils shows for any reply, hostile or not; fuzz/fuzz_ni.c holds the
 * two side by side. */
#ifndef ECHOLOT_WIRE_NI_H
#define ECHOLOT_WIRE_NI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	WIRE_ICMP6_NI_QUERY = 139,
	WIRE_ICMP6_NI_REPLY = 140,
};

/* Qtypes. */
enum {
	WIRE_NI_QTYPE_NOOP = 0,
	WIRE_NI_QTYPE_NAME = 2,
	WIRE_NI_QTYPE_IPV6 = 3,
	WIRE_NI_QTYPE_IPV4 = 4,
};

/* A query's code: what its subject is. */
enum {
	WIRE_NI_SUBJ_IPV6 = 0,
	WIRE_NI_SUBJ_NAME = 1,
	WIRE_NI_SUBJ_IPV4 = 2,
};

/* A reply's code. */
enum {
	WIRE_NI_SUCCESS = 0,
	WIRE_NI_REFUSED = 1,
	WIRE_NI_UNKNOWN = 2,    /* the qtype is unknown to the responder */
};

/* Flags (host order), for the address qtypes. */
enum {
	WIRE_NI_FLAG_TRUNCATE = 0x0001, /* the reply's set is incomplete */
	WIRE_NI_FLAG_ALL = 0x0002,
	WIRE_NI_FLAG_COMPAT = 0x0004,
	WIRE_NI_FLAG_LINKLOCAL = 0x0008,
	WIRE_NI_FLAG_SITELOCAL = 0x0010,
	WIRE_NI_FLAG_GLOBAL = 0x0020,
};

#define WIRE_NI_HDR_LEN 16      /* type, code, checksum, qtype, flags, nonce */
#define WIRE_NI_NONCE_LEN 8
/* The longest subject: a name in wire form and its extra zero byte. */
#define WIRE_NI_SUBJECT_MAX 256
/* Room for the text of any name dn_expand() can give (as iputils). */
#define WIRE_DN_TEXT_MAX 1024

struct wire_ni {
	uint8_t type;           /* 139 query, 140 reply */
	uint8_t code;
	uint16_t qtype;
	uint16_t flags;
	uint8_t nonce[WIRE_NI_NONCE_LEN];
	uint16_t seq;           /* the nonce's first two bytes: ping puts
	                           its sequence number there, as iputils */
	const uint8_t *data;    /* after the header, inside buf */
	size_t data_len;
	size_t len;             /* the whole message */
};

/* A Node Information message (query or reply) that starts at buf.
 * -EINVAL when shorter than its header or of another type. */
int wire_ni_parse(const uint8_t *buf, size_t len, struct wire_ni *ni);

struct wire_ni_query {
	uint16_t qtype, flags;
	uint8_t code;           /* WIRE_NI_SUBJ_* */
	uint8_t nonce[WIRE_NI_NONCE_LEN];
	const uint8_t *subject;
	size_t subject_len;
};

/* A query into out (cap bytes); its length, or -ENOSPC.  The checksum is
 * left 0: for ICMPv6 the kernel fills it in. */
int wire_ni_query_build(const struct wire_ni_query *q, uint8_t *out, size_t cap);

/* The next name of a name reply (ni->qtype 2) from *off (4 at first: the
 * data starts with a TTL): 1 with its text in text (cap bytes, at least
 * WIRE_DN_TEXT_MAX) and *fqdn (false: the name ended with two zero bytes,
 * a name that is not fully qualified), *off moved past it; 0 at the end;
 * -1 when it cannot be read.  What iputils' loop over dn_expand() does. */
int wire_ni_name_next(const struct wire_ni *ni, size_t *off, char *text,
		      size_t cap, bool *fqdn);

/* The next address of an address reply (qtype 3: IPv6, 4: IPv4) from
 * *off (0 at first): 1 with its TTL and address (16 or 4 bytes into
 * addr), *off moved past it; 0 at the end; -1 when what is left is
 * shorter than an entry. */
int wire_ni_addr_next(const struct wire_ni *ni, size_t *off, uint32_t *ttl,
		      uint8_t addr[16]);

/* glibc's dn_expand(msg, msg + msglen, msg + off, text, cap): the
 * possibly compressed name at off of the message msg, as text with
 * resolv's escapes ("a\.b", "\032"), "" for the root.  Returns how many
 * bytes the name takes at off, or -1 (a bad label or pointer, a loop,
 * more than 255 bytes, or text longer than cap). */
int wire_dn_expand(const uint8_t *msg, size_t msglen, size_t off, char *text,
		   size_t cap);

/* A name as text ("host.example", "host.example.", with resolv's escapes
 * "\." and "\DDD"; any other escaped character is itself) in DNS wire
 * form, uncompressed, as glibc 2.36's dn_comp() writes a name it cannot
 * compress.  Its length, or -EINVAL (an empty label, a label over 63
 * bytes, a bad or unfinished escape, more than 255 bytes) or -ENOSPC. */
int wire_dn_encode(const char *text, uint8_t *out, size_t cap);

#endif
