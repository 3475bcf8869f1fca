/* tests/net/tools/responder.c: a hostile ICMP echo responder for the
 * network tests (tests/net/t_hostile.sh).
 *
 * It runs inside the target namespace of a test, where the kernel's own echo
 * replies are switched off (net.ipv4.icmp_echo_ignore_all=1,
 * net.ipv6.icmp.echo_ignore_all=1).  It reads echo requests on a raw socket
 * and answers each one as the scenario says: a correct reply, a forged one,
 * several, an ICMP error quoting the request (well or badly), or nothing.
 *
 *   responder -4|-6 -s SCENARIO -i IFNAME -m PEER_MAC [-a ALT_ADDR]
 *             [-t SECONDS] [-n MAX_REQUESTS]
 *   responder -l            list the scenarios: "name family" per line
 *
 * Sending: IPv4 packets go out through an IP_HDRINCL raw socket, which lets
 * us write the IP header and its options; the kernel still rewrites the
 * total length and refuses an IHL longer than the packet, so the scenarios
 * that lie about lengths use a packet socket (AF_PACKET, SOCK_DGRAM: we write
 * the whole IP datagram, the kernel only adds the Ethernet header for
 * PEER_MAC on IFNAME).  IPv6 packets always go through the packet socket, so
 * that the ICMPv6 checksum and the extension headers are ours.  The 65000-byte
 * replies go through an ordinary raw socket, which the kernel fragments.
 *
 * Safety: every packet sent must have both addresses inside 198.18.0.0/15 or
 * 2001:2::/48 (the test ranges); anything else is refused and the program
 * exits with status 2.  It exits by itself after MAX_REQUESTS requests
 * (default 3) or SECONDS seconds (default 10), whichever comes first, or
 * at SIGTERM / SIGINT.
 *
 * Output: "ready" on stdout once the sockets are open, then at the end
 * "requests N sent M".  Exit status 0, or 2 on any error (a send that
 * failed included), so a test can tell "the prober saw nothing" from "the
 * responder sent nothing".
 *
 * libc only. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXPKT 66000
#define BIG_DGRAM 65000 /* total IP datagram size of the "big" replies */

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "responder: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

/* ------------------------------------------------------------ checksum */

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* ICMPv4 checksum over the whole message, stored in bytes 2..3. */
static void icmp4_sum(uint8_t *m, size_t len)
{
	if (len < 4)
		return;
	m[2] = m[3] = 0;
	put16(m + 2, csum_fold(csum_add(0, m, len)));
}

/* ICMPv6 checksum with the pseudo header. */
static void icmp6_sum(uint8_t *m, size_t len, const uint8_t *src,
		      const uint8_t *dst)
{
	uint32_t sum = 0;
	uint8_t ph[8] = { 0 };

	if (len < 4)
		return;
	m[2] = m[3] = 0;
	sum = csum_add(sum, src, 16);
	sum = csum_add(sum, dst, 16);
	ph[0] = (uint8_t)(len >> 24);
	ph[1] = (uint8_t)(len >> 16);
	ph[2] = (uint8_t)(len >> 8);
	ph[3] = (uint8_t)len;
	ph[7] = IPPROTO_ICMPV6;
	sum = csum_add(sum, ph, 8);
	sum = csum_add(sum, m, len);
	put16(m + 2, csum_fold(sum));
}

/* -------------------------------------------------------------- context */

enum path { VIA_HDRINCL, VIA_PACKET };

struct ctx {
	int fam;                /* 4 or 6 */
	int rx;                 /* raw ICMP / ICMPv6 socket: requests in */
	int hdrincl;            /* IPv4 IPPROTO_RAW socket */
	int pkt;                /* AF_PACKET SOCK_DGRAM */
	struct sockaddr_ll ll;  /* where the packet socket sends */
	uint8_t alt[16];        /* another address in the test range */
	bool has_alt;
	uint16_t ipid;
	unsigned sent;
};

/* One echo request as received. */
struct req {
	uint8_t ip[60];         /* v4: its IP header; v6: a rebuilt header */
	size_t iplen;
	uint8_t icmp[MAXPKT];   /* the ICMP message */
	size_t icmplen;
	uint8_t src[16];        /* the prober */
	uint8_t dst[16];        /* us */
	int hlim;               /* v6: hop limit it arrived with */
};

static bool in_test_range4(const uint8_t *a)
{
	return a[0] == 198 && (a[1] & 0xfe) == 18;     /* 198.18.0.0/15 */
}

static bool in_test_range6(const uint8_t *a)
{
	static const uint8_t p[6] = { 0x20, 0x01, 0x00, 0x02, 0x00, 0x00 };

	return memcmp(a, p, 6) == 0;                    /* 2001:2::/48 */
}

/* Refuse to let anything leave that is not addressed within the tests. */
static void check_addrs(int fam, const uint8_t *src, const uint8_t *dst)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	bool ok = fam == 4 ? in_test_range4(src) && in_test_range4(dst)
			   : in_test_range6(src) && in_test_range6(dst);

	if (!ok) {
		inet_ntop(fam == 4 ? AF_INET : AF_INET6, src, s, sizeof(s));
		inet_ntop(fam == 4 ? AF_INET : AF_INET6, dst, d, sizeof(d));
		die("refusing to send %s -> %s: outside the test ranges", s, d);
	}
}

/* ------------------------------------------------------------- sending */

static void tx_packet(struct ctx *c, const uint8_t *b, size_t len)
{
	if (sendto(c->pkt, b, len, 0, (const struct sockaddr *)&c->ll,
		   sizeof(c->ll)) != (ssize_t)len)
		die("packet socket send (%zu bytes): %s", len, strerror(errno));
	c->sent++;
}

/* An IPv4 datagram, header included.  src and dst are checked as written in
 * the header (bytes 12..19), whatever the rest of the header claims. */
static void emit4(struct ctx *c, const uint8_t *b, size_t len, enum path via)
{
	struct sockaddr_in to;

	if (len < 20)
		die("emit4: %zu bytes", len);
	check_addrs(4, b + 12, b + 16);
	if (via == VIA_PACKET) {
		tx_packet(c, b, len);
		return;
	}
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	memcpy(&to.sin_addr, b + 16, 4);
	if (sendto(c->hdrincl, b, len, 0, (struct sockaddr *)&to,
		   sizeof(to)) != (ssize_t)len)
		die("IP_HDRINCL send (%zu bytes): %s", len, strerror(errno));
	c->sent++;
}

/* Write an IPv4 header for a payload of paylen bytes; returns its length.
 * opts is padded with EOL (0) to a multiple of 4. */
static size_t ip4_hdr(struct ctx *c, uint8_t *b, const uint8_t *src,
		      const uint8_t *dst, uint8_t proto, const uint8_t *opts,
		      size_t optlen, size_t paylen)
{
	size_t hl = 20 + ((optlen + 3) & ~(size_t)3);

	memset(b, 0, hl);
	b[0] = (uint8_t)(0x40 | hl / 4);
	put16(b + 2, (uint16_t)(hl + paylen));
	put16(b + 4, ++c->ipid ? c->ipid : ++c->ipid);
	b[8] = 64;
	b[9] = proto;
	memcpy(b + 12, src, 4);
	memcpy(b + 16, dst, 4);
	if (optlen)
		memcpy(b + 20, opts, optlen);
	put16(b + 10, csum_fold(csum_add(0, b, hl)));
	return hl;
}

static void ip4_resum(uint8_t *b)
{
	size_t hl = (size_t)(b[0] & 0x0f) * 4;

	b[10] = b[11] = 0;
	put16(b + 10, csum_fold(csum_add(0, b, hl)));
}

/* An ICMP message in an IPv4 datagram from us (or from src) to the prober. */
static void send_icmp4(struct ctx *c, const struct req *r, const uint8_t *src,
		       const uint8_t *opts, size_t optlen, const uint8_t *m,
		       size_t mlen, enum path via)
{
	static uint8_t b[MAXPKT];
	size_t hl = ip4_hdr(c, b, src ? src : r->dst, r->src, IPPROTO_ICMP,
			    opts, optlen, mlen);

	memcpy(b + hl, m, mlen);
	emit4(c, b, hl + mlen, via);
}

/* An IPv6 datagram: header, extension headers (ext, extlen, the first one's
 * type first_nh; 58 when none) and an ICMPv6 message whose checksum is
 * computed here unless keep_sum. */
static void send_icmp6(struct ctx *c, const struct req *r, const uint8_t *src,
		       const uint8_t *ext, size_t extlen, uint8_t first_nh,
		       uint8_t *m, size_t mlen, bool keep_sum)
{
	static uint8_t b[MAXPKT];
	const uint8_t *s = src ? src : r->dst;

	if (40 + extlen + mlen > sizeof(b))
		die("send_icmp6: too long");
	if (!keep_sum)
		icmp6_sum(m, mlen, s, r->src);
	memset(b, 0, 40);
	b[0] = 0x60;
	put16(b + 4, (uint16_t)(extlen + mlen));
	b[6] = extlen ? first_nh : IPPROTO_ICMPV6;
	b[7] = 64;
	memcpy(b + 8, s, 16);
	memcpy(b + 24, r->src, 16);
	if (extlen)
		memcpy(b + 40, ext, extlen);
	memcpy(b + 40 + extlen, m, mlen);
	check_addrs(6, b + 8, b + 24);
	tx_packet(c, b, 40 + extlen + mlen);
}

/* An ICMP message to the prober, in the family of the run. */
static void send_icmp(struct ctx *c, const struct req *r, uint8_t *m,
		      size_t mlen)
{
	if (c->fam == 4)
		send_icmp4(c, r, NULL, NULL, 0, m, mlen, VIA_HDRINCL);
	else
		send_icmp6(c, r, NULL, NULL, 0, 0, m, mlen, false);
}

/* The 65000-byte datagram: an ordinary raw socket, fragmented by the
 * kernel (neither IP_HDRINCL nor a packet socket would fragment). */
static void send_big(struct ctx *c, const struct req *r, uint8_t *m,
		     size_t mlen)
{
	struct sockaddr_storage to;
	socklen_t tolen;

	memset(&to, 0, sizeof(to));
	if (c->fam == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&to;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, r->src, 4);
		tolen = sizeof(*s4);
		icmp4_sum(m, mlen);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&to;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, r->src, 16);
		tolen = sizeof(*s6);
		m[2] = m[3] = 0;        /* the kernel sums ICMPv6 itself */
	}
	check_addrs(c->fam, r->dst, r->src);
	if (sendto(c->rx, m, mlen, 0, (struct sockaddr *)&to, tolen) !=
	    (ssize_t)mlen)
		die("raw send (%zu bytes): %s", mlen, strerror(errno));
	c->sent++;
}

/* ------------------------------------------------------------ messages */

#define T_REPLY(c) ((c)->fam == 4 ? 0 : 129)
#define T_REQUEST(c) ((c)->fam == 4 ? 8 : 128)

/* The echo reply to r, in m; returns its length.  The v4 checksum is set;
 * the v6 one is set when sent. */
static size_t reply_of(struct ctx *c, const struct req *r, uint8_t *m)
{
	memcpy(m, r->icmp, r->icmplen);
	m[0] = (uint8_t)T_REPLY(c);
	m[1] = 0;
	if (c->fam == 4)
		icmp4_sum(m, r->icmplen);
	return r->icmplen;
}

/* The datagram an ICMP error quotes: the request as it arrived (IPv4: its
 * IP header; IPv6: a header rebuilt from what recvmsg told us) followed by
 * l4len bytes of the echo request (all of it when l4len is (size_t)-1). */
static size_t quote_of(const struct req *r, uint8_t *q, size_t l4len)
{
	if (l4len > r->icmplen)
		l4len = r->icmplen;
	memcpy(q, r->ip, r->iplen);
	memcpy(q + r->iplen, r->icmp, l4len);
	return r->iplen + l4len;
}

/* An ICMP error: type, code, bytes 4..7 (rest), then the quote. */
static size_t error_msg(uint8_t *m, uint8_t type, uint8_t code, uint32_t rest,
			const uint8_t *q, size_t qlen)
{
	m[0] = type;
	m[1] = code;
	m[2] = m[3] = 0;
	m[4] = (uint8_t)(rest >> 24);
	m[5] = (uint8_t)(rest >> 16);
	m[6] = (uint8_t)(rest >> 8);
	m[7] = (uint8_t)rest;
	memmove(m + 8, q, qlen);
	return 8 + qlen;
}

/* ----------------------------------------------------------- scenarios */

struct scen;
typedef void (*handler)(struct ctx *, const struct req *, const struct scen *);

struct scen {
	const char *name;
	int fam;                /* 4, 6, or 0 for both */
	handler fn;
	int arg;
	int arg2;
};

static uint8_t M[MAXPKT];      /* the message being built */
static uint8_t Q[MAXPKT];      /* a quoted datagram being built */

static void s_nothing(struct ctx *c, const struct req *r, const struct scen *s)
{
	(void)c, (void)r, (void)s;
}

static void s_normal(struct ctx *c, const struct req *r, const struct scen *s)
{
	size_t n = reply_of(c, r, M);

	(void)s;
	send_icmp(c, r, M, n);
}

static void s_badsum(struct ctx *c, const struct req *r, const struct scen *s)
{
	size_t n = reply_of(c, r, M);

	(void)s;
	if (c->fam == 4) {
		M[3] ^= 0x5a;
		send_icmp(c, r, M, n);
	} else {
		icmp6_sum(M, n, r->dst, r->src);
		M[3] ^= 0x5a;
		send_icmp6(c, r, NULL, NULL, 0, 0, M, n, true);
	}
}

/* arg: what to add to the identifier; arg2: to the sequence number. */
static void s_shift(struct ctx *c, const struct req *r, const struct scen *s)
{
	size_t n = reply_of(c, r, M);

	put16(M + 4, (uint16_t)(get16(M + 4) + s->arg));
	put16(M + 6, (uint16_t)(get16(M + 6) + s->arg2));
	if (c->fam == 4)
		icmp4_sum(M, n);
	send_icmp(c, r, M, n);
}

/* arg copies of the reply to icmp_seq 1 and 2, one reply to the others (a
 * copy of the last reply would race with the prober's exit). */
static void s_copies(struct ctx *c, const struct req *r, const struct scen *s)
{
	size_t n = reply_of(c, r, M);
	uint16_t seq = get16(M + 6);

	for (int i = 0; i < (seq == 1 || seq == 2 ? s->arg : 1); i++)
		send_icmp(c, r, M, n);
}

/* The reply cut to arg bytes of ICMP, with a valid checksum over those, or
 * a wrong one when arg2. */
static void s_cut(struct ctx *c, const struct req *r, const struct scen *s)
{
	size_t n = reply_of(c, r, M);

	if ((size_t)s->arg < n)
		n = (size_t)s->arg;
	if (c->fam == 4) {
		icmp4_sum(M, n);
		if (s->arg2)
			M[3] ^= 0x5a;
		send_icmp(c, r, M, n);
	} else {
		icmp6_sum(M, n, r->dst, r->src);
		if (s->arg2)
			M[3] ^= 0x5a;
		send_icmp6(c, r, NULL, NULL, 0, 0, M, n, true);
	}
}

/* Data byte arg changed: XORed with arg2 (the checksum stays right). */
static void s_wrongbyte(struct ctx *c, const struct req *r, const struct scen *s)
{
	size_t n = reply_of(c, r, M);

	if (8 + (size_t)s->arg < n)
		M[8 + s->arg] ^= (uint8_t)s->arg2;
	if (c->fam == 4)
		icmp4_sum(M, n);
	send_icmp(c, r, M, n);
}

/* arg bytes of 0xbb appended to the data. */
static void s_bigger(struct ctx *c, const struct req *r, const struct scen *s)
{
	size_t n = reply_of(c, r, M);

	memset(M + n, 0xbb, (size_t)s->arg);
	n += (size_t)s->arg;
	if (c->fam == 4)
		icmp4_sum(M, n);
	send_icmp(c, r, M, n);
}

/* The reply from another address (-a). */
static void s_othersrc(struct ctx *c, const struct req *r, const struct scen *s)
{
	size_t n = reply_of(c, r, M);

	(void)s;
	if (!c->has_alt)
		die("scenario othersrc needs -a");
	if (c->fam == 4)
		send_icmp4(c, r, c->alt, NULL, 0, M, n, VIA_HDRINCL);
	else
		send_icmp6(c, r, c->alt, NULL, 0, 0, M, n, false);
}

/* The first request answered; each later one with the previous request's
 * data under its own sequence number (a replay of stale bytes). */
static void s_replay(struct ctx *c, const struct req *r, const struct scen *s)
{
	static uint8_t prev[MAXPKT];
	static size_t prevlen;
	size_t n = reply_of(c, r, M);

	(void)s;
	if (prevlen == n && n > 8) {
		memcpy(M + 8, prev + 8, n - 8);
		if (c->fam == 4)
			icmp4_sum(M, n);
	}
	memcpy(prev, r->icmp, r->icmplen);
	prevlen = r->icmplen;
	send_icmp(c, r, M, n);
}

/* The request itself sent back (type 8 / 128). */
static void s_echoreq(struct ctx *c, const struct req *r, const struct scen *s)
{
	size_t n = reply_of(c, r, M);

	(void)s;
	M[0] = (uint8_t)T_REQUEST(c);
	if (c->fam == 4)
		icmp4_sum(M, n);
	send_icmp(c, r, M, n);
}

/* A datagram with only arg bytes of ICMP: the reply's first bytes. */
static void s_icmpn(struct ctx *c, const struct req *r, const struct scen *s)
{
	size_t n = (size_t)s->arg;

	reply_of(c, r, M);
	if (c->fam == 4) {
		if (n >= 4)
			icmp4_sum(M, n);
		send_icmp4(c, r, NULL, NULL, 0, M, n, VIA_HDRINCL);
	} else {
		send_icmp6(c, r, NULL, NULL, 0, 0, M, n, n < 4);
	}
}

/* A one-byte frame: the first byte of an IP header and nothing else. */
static void s_tiny(struct ctx *c, const struct req *r, const struct scen *s)
{
	uint8_t b = c->fam == 4 ? 0x45 : 0x60;

	(void)s;
	check_addrs(c->fam, r->dst, r->src);
	tx_packet(c, &b, 1);
}

/* A BIG_DGRAM-byte datagram: the reply, its data extended with 0xbb. */
static void s_big(struct ctx *c, const struct req *r, const struct scen *s)
{
	size_t n = reply_of(c, r, M);
	size_t want = BIG_DGRAM - (c->fam == 4 ? 20 : 40);

	(void)s;
	memset(M + n, 0xbb, want - n);
	send_big(c, r, M, want);
}

/* ---- IPv4 header lies (packet socket) ---- */

enum { LIE_IHL_BIG, LIE_IHL_SMALL, LIE_TOTLEN_BIG, LIE_TOTLEN_SMALL,
       LIE_TRAILER };

static void s_lie4(struct ctx *c, const struct req *r, const struct scen *s)
{
	static uint8_t b[MAXPKT];
	size_t n = reply_of(c, r, M), hl, len;

	switch (s->arg) {
	case LIE_IHL_BIG:
		/* IHL 15 (60 bytes) on a datagram of 20 + 8 bytes. */
		n = 8;
		icmp4_sum(M, n);
		hl = ip4_hdr(c, b, r->dst, r->src, IPPROTO_ICMP, NULL, 0, n);
		memcpy(b + hl, M, n);
		len = hl + n;
		b[0] = 0x4f;
		ip4_resum(b);
		break;
	case LIE_IHL_SMALL:
		/* IHL 4: the header would end inside the addresses. */
		hl = ip4_hdr(c, b, r->dst, r->src, IPPROTO_ICMP, NULL, 0, n);
		memcpy(b + hl, M, n);
		len = hl + n;
		b[0] = 0x44;
		b[10] = b[11] = 0;
		put16(b + 10, csum_fold(csum_add(0, b, 20)));
		break;
	case LIE_TOTLEN_BIG:
		/* The header claims 100 bytes more than the datagram has. */
		hl = ip4_hdr(c, b, r->dst, r->src, IPPROTO_ICMP, NULL, 0, n);
		memcpy(b + hl, M, n);
		len = hl + n;
		put16(b + 2, (uint16_t)(len + 100));
		ip4_resum(b);
		break;
	case LIE_TOTLEN_SMALL:
		/* The header covers 20 bytes of ICMP (with a checksum right
		 * for those 20); the whole reply follows it. */
		icmp4_sum(M, 20);
		hl = ip4_hdr(c, b, r->dst, r->src, IPPROTO_ICMP, NULL, 0, 20);
		memcpy(b + hl, M, n);
		len = hl + n;
		break;
	case LIE_TRAILER:
	default:
		/* A correct datagram followed by 20 bytes of link padding. */
		hl = ip4_hdr(c, b, r->dst, r->src, IPPROTO_ICMP, NULL, 0, n);
		memcpy(b + hl, M, n);
		memset(b + hl + n, 0xee, 20);
		len = hl + n + 20;
		break;
	}
	emit4(c, b, len, VIA_PACKET);
}

/* ---- IPv4 options on the reply ---- */

enum { O_NOP, O_EOL, O_RR_EMPTY, O_RR_FULL, O_RR_PTR_LOW, O_RR_PTR_HIGH,
       O_TS, O_LSRR, O_SSRR, O_UNKNOWN, O_OVERRUN, O_ZEROLEN };

/* Addresses inside the test range, to fill routes with. */
static void test_addr(uint8_t *p, int i)
{
	p[0] = 198;
	p[1] = 19;
	p[2] = 7;
	p[3] = (uint8_t)(1 + i);
}

static void s_opt4(struct ctx *c, const struct req *r, const struct scen *s)
{
	uint8_t o[40];
	size_t ol = 0, n = reply_of(c, r, M);

	memset(o, 0, sizeof(o));
	switch (s->arg) {
	case O_NOP:             /* four NOPs */
		memset(o, 1, 4);
		ol = 4;
		break;
	case O_EOL:             /* EOL, then zeros */
		ol = 4;
		break;
	case O_RR_EMPTY:        /* room for 9 addresses, none recorded */
		o[0] = 7;
		o[1] = 39;
		o[2] = 4;
		ol = 40;
		break;
	case O_RR_FULL:         /* 9 addresses recorded, pointer past the end */
	case O_RR_PTR_HIGH:     /* the same with pointer 255 */
	case O_RR_PTR_LOW:      /* the same with pointer 2 (< 4: invalid) */
		o[0] = 7;
		o[1] = 39;
		o[2] = s->arg == O_RR_FULL ? 40 : s->arg == O_RR_PTR_HIGH ? 255 : 2;
		for (int i = 0; i < 9; i++)
			test_addr(o + 3 + 4 * i, i);
		ol = 40;
		break;
	case O_TS:              /* time stamps only, full: two stamps */
		o[0] = 68;
		o[1] = 12;
		o[2] = 13;
		o[3] = 0;       /* overflow 0, flag 0 (time stamps only) */
		o[4] = 0, o[5] = 0, o[6] = 0x03, o[7] = 0xe8;   /* 1000 */
		o[8] = 0, o[9] = 0, o[10] = 0x05, o[11] = 0xdc; /* 1500 */
		ol = 12;
		break;
	case O_LSRR:            /* loose / strict source route, used up */
	case O_SSRR:
		o[0] = s->arg == O_LSRR ? 131 : 137;
		o[1] = 11;
		o[2] = 12;
		test_addr(o + 3, 0);
		test_addr(o + 7, 1);
		ol = 11;
		break;
	case O_UNKNOWN:         /* type 0x1e, length 4 */
		o[0] = 0x1e;
		o[1] = 4;
		o[2] = 0xab;
		o[3] = 0xcd;
		ol = 4;
		break;
	case O_OVERRUN:         /* NOP NOP, then RR claiming 40 bytes in 6 */
		o[0] = 1;
		o[1] = 1;
		o[2] = 7;
		o[3] = 40;
		o[4] = 4;
		ol = 8;
		break;
	case O_ZEROLEN:         /* type 0x1e with length 0 */
	default:
		o[0] = 0x1e;
		o[1] = 0;
		ol = 4;
		break;
	}
	send_icmp4(c, r, NULL, o, ol, M, n, VIA_HDRINCL);
}

/* ---- ICMP errors quoting the request ---- */

enum { Q_GOOD, Q_TRUNC, Q_BOGUS, Q_TRUNC_IP, Q_IHL_LONG, Q_IHL_SHORT,
       Q_BADSUM, Q_FOREIGN_ID, Q_SEQ_UNSENT, Q_OTHER_DST, Q_WHOLE };

/* The quote for variant v, in Q; returns its length. */
static size_t make_quote(struct ctx *c, const struct req *r, int v)
{
	size_t q;

	switch (v) {
	case Q_TRUNC:           /* inner header whole, 4 bytes of ICMP */
		return quote_of(r, Q, 4);
	case Q_TRUNC_IP:        /* inner header cut at 12 bytes */
		quote_of(r, Q, 8);
		return 12;
	case Q_BOGUS:           /* wrong IP version */
		q = quote_of(r, Q, c->fam == 4 ? 8 : (size_t)-1);
		Q[0] = (uint8_t)((Q[0] & 0x0f) | (c->fam == 4 ? 0x60 : 0x40));
		return q;
	case Q_IHL_LONG:        /* IHL 15: 60 bytes, in a 28-byte quote */
		q = quote_of(r, Q, 8);
		Q[0] = 0x4f;
		return q;
	case Q_IHL_SHORT:       /* IHL 3 */
		q = quote_of(r, Q, 8);
		Q[0] = 0x43;
		return q;
	case Q_FOREIGN_ID:      /* someone else's probe */
		q = quote_of(r, Q, c->fam == 4 ? 8 : (size_t)-1);
		put16(Q + r->iplen + 4, (uint16_t)(get16(Q + r->iplen + 4) + 1));
		return q;
	case Q_SEQ_UNSENT:      /* a sequence number never sent */
		q = quote_of(r, Q, c->fam == 4 ? 8 : (size_t)-1);
		put16(Q + r->iplen + 6, (uint16_t)(get16(Q + r->iplen + 6) + 1000));
		return q;
	case Q_OTHER_DST:       /* a probe to another destination */
		q = quote_of(r, Q, c->fam == 4 ? 8 : (size_t)-1);
		if (c->fam == 4) {
			Q[19] = 77;
			Q[10] = Q[11] = 0;
			put16(Q + 10, csum_fold(csum_add(0, Q, 20)));
		} else {
			Q[39] = 0x77;
		}
		return q;
	case Q_WHOLE:
		return quote_of(r, Q, (size_t)-1);
	case Q_GOOD:
	case Q_BADSUM:
	default:
		/* What routers send: IPv4 header + 8 bytes; IPv6 as much as
		 * fits, here the whole request. */
		return quote_of(r, Q, c->fam == 4 ? 8 : (size_t)-1);
	}
}

/* arg: ICMP type << 8 | code; arg2: quote variant.  Bytes 4..7 per type. */
static void s_error(struct ctx *c, const struct req *r, const struct scen *s)
{
	uint8_t type = (uint8_t)(s->arg >> 8), code = (uint8_t)s->arg;
	uint32_t rest = 0;
	size_t qlen = make_quote(c, r, s->arg2), n;

	if (c->fam == 4) {
		if (type == 5) {        /* redirect: the gateway */
			uint8_t g[4];

			test_addr(g, 30);
			rest = (uint32_t)g[0] << 24 | (uint32_t)g[1] << 16 |
			       (uint32_t)g[2] << 8 | g[3];
		} else if (type == 12) {
			rest = 20u << 24;       /* pointer */
		} else if (type == 3 && code == 4) {
			rest = 1400;            /* next-hop MTU */
		}
	} else {
		if (type == 2)
			rest = 1280;            /* MTU */
		else if (type == 4)
			rest = 40;              /* pointer */
	}
	n = error_msg(M, type, code, rest, Q, qlen);
	if (c->fam == 4) {
		icmp4_sum(M, n);
		if (s->arg2 == Q_BADSUM)
			M[3] ^= 0x5a;
		send_icmp4(c, r, NULL, NULL, 0, M, n, VIA_HDRINCL);
	} else {
		icmp6_sum(M, n, r->dst, r->src);
		if (s->arg2 == Q_BADSUM)
			M[3] ^= 0x5a;
		send_icmp6(c, r, NULL, NULL, 0, 0, M, n, true);
	}
}

/* ---- IPv6 extension headers ---- */

enum { X_HBH, X_DST, X_FRAG0, X_FRAGN, X_HBH_OVERRUN };

/* An extension header of kind x before next header nh, in e; its length. */
static size_t ext6(uint8_t *e, int x, uint8_t nh, uint8_t *first)
{
	memset(e, 0, 8);
	e[0] = nh;
	switch (x) {
	case X_HBH:             /* hop-by-hop: PadN of 4 */
	case X_DST:             /* destination options: PadN of 4 */
		*first = x == X_HBH ? 0 : 60;
		e[2] = 1;       /* PadN */
		e[3] = 4;
		return 8;
	case X_FRAG0:           /* fragment, offset 0, no more fragments */
		*first = 44;
		e[4] = 0x12, e[5] = 0x34, e[6] = 0x56, e[7] = 0x78;
		return 8;
	case X_FRAGN:           /* fragment, offset 1448, no more fragments */
		*first = 44;
		put16(e + 2, (uint16_t)(1448 & 0xfff8));
		e[4] = 0x12, e[5] = 0x34, e[6] = 0x56, e[7] = 0x79;
		return 8;
	case X_HBH_OVERRUN:     /* hop-by-hop claiming 88 bytes */
	default:
		*first = 0;
		e[1] = 10;
		e[2] = 1;
		e[3] = 4;
		return 8;
	}
}

/* The reply behind an extension header (arg). */
static void s_reply_ext6(struct ctx *c, const struct req *r, const struct scen *s)
{
	uint8_t e[8], first = 0;
	size_t el = ext6(e, s->arg, IPPROTO_ICMPV6, &first);
	size_t n = reply_of(c, r, M);

	send_icmp6(c, r, NULL, e, el, first, M, n, false);
}

/* Destination unreachable (address unreachable) quoting the request with an
 * extension header (arg) between its IPv6 header and its ICMPv6 header. */
static void s_error_ext6(struct ctx *c, const struct req *r, const struct scen *s)
{
	uint8_t e[8], first = 0;
	size_t el = ext6(e, s->arg, IPPROTO_ICMPV6, &first), q = 0, n;

	memcpy(Q, r->ip, 40);
	Q[6] = first;
	put16(Q + 4, (uint16_t)(el + r->icmplen));
	q = 40;
	memcpy(Q + q, e, el);
	q += el;
	memcpy(Q + q, r->icmp, r->icmplen);
	q += r->icmplen;
	n = error_msg(M, 1, 3, 0, Q, q);
	send_icmp6(c, r, NULL, NULL, 0, 0, M, n, false);
}

#define ERR3(name, fam, tc)                                                 \
	{ name "-good", fam, s_error, tc, Q_GOOD },                         \
	{ name "-trunc", fam, s_error, tc, Q_TRUNC },                       \
	{ name "-bogus", fam, s_error, tc, Q_BOGUS }

static const struct scen scens[] = {
	{ "nothing", 0, s_nothing, 0, 0 },
	{ "normal", 0, s_normal, 0, 0 },
	{ "badsum", 0, s_badsum, 0, 0 },
	{ "foreign-id", 0, s_shift, 1, 0 },
	{ "seq-unsent", 0, s_shift, 0, 1000 },
	{ "dup", 0, s_copies, 2, 0 },
	{ "trunc8", 0, s_cut, 8, 0 },
	{ "trunc16", 0, s_cut, 16, 0 },
	{ "trunc20", 0, s_cut, 20, 0 },
	{ "badsum-trunc20", 4, s_cut, 20, 1 },
	{ "wrongbyte", 0, s_wrongbyte, 24, 0xb2 },     /* 0x18 -> 0xaa */
	{ "wrongtag", 0, s_wrongbyte, 3, 0xff },
	{ "bigger", 0, s_bigger, 100, 0 },
	{ "othersrc", 0, s_othersrc, 0, 0 },
	{ "replay", 0, s_replay, 0, 0 },
	{ "echoreq", 0, s_echoreq, 0, 0 },
	{ "icmp1", 0, s_icmpn, 1, 0 },
	{ "icmp4", 6, s_icmpn, 4, 0 },
	{ "tiny", 0, s_tiny, 0, 0 },
	{ "big", 0, s_big, 0, 0 },
	/* IPv4 header lies */
	{ "ihl-big", 4, s_lie4, LIE_IHL_BIG, 0 },
	{ "ihl-small", 4, s_lie4, LIE_IHL_SMALL, 0 },
	{ "totlen-big", 4, s_lie4, LIE_TOTLEN_BIG, 0 },
	{ "totlen-small", 4, s_lie4, LIE_TOTLEN_SMALL, 0 },
	{ "trailer", 4, s_lie4, LIE_TRAILER, 0 },
	/* IPv4 options */
	{ "opt-nop", 4, s_opt4, O_NOP, 0 },
	{ "opt-eol", 4, s_opt4, O_EOL, 0 },
	{ "opt-rr-empty", 4, s_opt4, O_RR_EMPTY, 0 },
	{ "opt-rr-full", 4, s_opt4, O_RR_FULL, 0 },
	{ "opt-rr-ptr-low", 4, s_opt4, O_RR_PTR_LOW, 0 },
	{ "opt-rr-ptr-high", 4, s_opt4, O_RR_PTR_HIGH, 0 },
	{ "opt-ts", 4, s_opt4, O_TS, 0 },
	{ "opt-lsrr", 4, s_opt4, O_LSRR, 0 },
	{ "opt-ssrr", 4, s_opt4, O_SSRR, 0 },
	{ "opt-unknown", 4, s_opt4, O_UNKNOWN, 0 },
	{ "opt-overrun", 4, s_opt4, O_OVERRUN, 0 },
	{ "opt-zerolen", 4, s_opt4, O_ZEROLEN, 0 },
	/* IPv4 errors */
	ERR3("unreach", 4, 3 << 8 | 1),
	{ "unreach-trunc-ip", 4, s_error, 3 << 8 | 1, Q_TRUNC_IP },
	{ "unreach-ihl-long", 4, s_error, 3 << 8 | 1, Q_IHL_LONG },
	{ "unreach-ihl-short", 4, s_error, 3 << 8 | 1, Q_IHL_SHORT },
	{ "unreach-badsum", 4, s_error, 3 << 8 | 1, Q_BADSUM },
	{ "unreach-foreign-id", 4, s_error, 3 << 8 | 1, Q_FOREIGN_ID },
	{ "unreach-seq-unsent", 4, s_error, 3 << 8 | 1, Q_SEQ_UNSENT },
	{ "unreach-otherdst", 4, s_error, 3 << 8 | 1, Q_OTHER_DST },
	{ "unreach-whole", 4, s_error, 3 << 8 | 1, Q_WHOLE },
	{ "fragneeded-good", 4, s_error, 3 << 8 | 4, Q_GOOD },
	ERR3("timxceed", 4, 11 << 8 | 0),
	ERR3("paramprob", 4, 12 << 8 | 0),
	ERR3("quench", 4, 4 << 8 | 0),
	ERR3("redirect", 4, 5 << 8 | 1),
	{ "redirect-badsum", 4, s_error, 5 << 8 | 1, Q_BADSUM },
	/* IPv6 errors */
	ERR3("unreach6", 6, 1 << 8 | 3),
	{ "unreach6-trunc-ip", 6, s_error, 1 << 8 | 3, Q_TRUNC_IP },
	{ "unreach6-badsum", 6, s_error, 1 << 8 | 3, Q_BADSUM },
	{ "unreach6-foreign-id", 6, s_error, 1 << 8 | 3, Q_FOREIGN_ID },
	{ "unreach6-seq-unsent", 6, s_error, 1 << 8 | 3, Q_SEQ_UNSENT },
	{ "unreach6-otherdst", 6, s_error, 1 << 8 | 3, Q_OTHER_DST },
	ERR3("toobig6", 6, 2 << 8 | 0),
	ERR3("timxceed6", 6, 3 << 8 | 0),
	ERR3("paramprob6", 6, 4 << 8 | 1),
	/* IPv6 extension headers */
	{ "reply-hbh", 6, s_reply_ext6, X_HBH, 0 },
	{ "reply-dst", 6, s_reply_ext6, X_DST, 0 },
	{ "reply-frag0", 6, s_reply_ext6, X_FRAG0, 0 },
	{ "reply-fragN", 6, s_reply_ext6, X_FRAGN, 0 },
	{ "unreach6-hbh", 6, s_error_ext6, X_HBH, 0 },
	{ "unreach6-dst", 6, s_error_ext6, X_DST, 0 },
	{ "unreach6-frag0", 6, s_error_ext6, X_FRAG0, 0 },
	{ "unreach6-fragN", 6, s_error_ext6, X_FRAGN, 0 },
	{ "unreach6-hbh-overrun", 6, s_error_ext6, X_HBH_OVERRUN, 0 },
};

#define NSCENS (sizeof(scens) / sizeof(scens[0]))

/* ------------------------------------------------------------ receiving */

/* Read one datagram; fill r if it is an echo request (returns true). */
static bool read_request(struct ctx *c, struct req *r)
{
	static uint8_t b[MAXPKT];
	ssize_t n;

	memset(r->src, 0, sizeof(r->src));
	memset(r->dst, 0, sizeof(r->dst));
	if (c->fam == 4) {
		size_t hl;

		n = recv(c->rx, b, sizeof(b), MSG_DONTWAIT);
		if (n < 0)
			return false;
		if (n < 20 || (b[0] >> 4) != 4)
			return false;
		hl = (size_t)(b[0] & 0x0f) * 4;
		if (hl < 20 || (size_t)n < hl + 8 || b[9] != IPPROTO_ICMP ||
		    b[hl] != 8 || b[hl + 1] != 0)
			return false;
		/* The quote carries the header without options. */
		memcpy(r->ip, b, 20);
		r->ip[0] = 0x45;
		put16(r->ip + 2, (uint16_t)(20 + (size_t)n - hl));
		r->ip[10] = r->ip[11] = 0;
		put16(r->ip + 10, csum_fold(csum_add(0, r->ip, 20)));
		r->iplen = 20;
		r->icmplen = (size_t)n - hl;
		memcpy(r->icmp, b + hl, r->icmplen);
		memcpy(r->src, b + 12, 4);
		memcpy(r->dst, b + 16, 4);
		return true;
	} else {
		struct sockaddr_in6 from;
		union {
			char buf[256];
			struct cmsghdr align;
		} ctl;
		struct iovec iov = { b, sizeof(b) };
		struct msghdr mh;
		struct cmsghdr *cm;
		bool have_dst = false;

		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &from;
		mh.msg_namelen = sizeof(from);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		n = recvmsg(c->rx, &mh, MSG_DONTWAIT);
		if (n < 8 || b[0] != 128 || b[1] != 0)
			return false;
		r->hlim = 64;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level != IPPROTO_IPV6)
				continue;
			if (cm->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo pi;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				memcpy(r->dst, &pi.ipi6_addr, 16);
				have_dst = true;
			} else if (cm->cmsg_type == IPV6_HOPLIMIT) {
				int h;

				memcpy(&h, CMSG_DATA(cm), sizeof(h));
				r->hlim = h;
			}
		}
		if (!have_dst)
			return false;
		memcpy(r->src, &from.sin6_addr, 16);
		r->icmplen = (size_t)n;
		memcpy(r->icmp, b, r->icmplen);
		memset(r->ip, 0, 40);
		r->ip[0] = 0x60;
		put16(r->ip + 4, (uint16_t)r->icmplen);
		r->ip[6] = IPPROTO_ICMPV6;
		r->ip[7] = (uint8_t)r->hlim;
		memcpy(r->ip + 8, r->src, 16);
		memcpy(r->ip + 24, r->dst, 16);
		r->iplen = 40;
		return true;
	}
}

/* ------------------------------------------------------------------ main */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: responder -4|-6 -s SCENARIO -i IFNAME -m PEER_MAC "
		"[-a ALT_ADDR] [-t SECONDS] [-n MAX_REQUESTS]\n"
		"       responder -l\n");
	exit(2);
}

static void parse_mac(const char *s, uint8_t *mac)
{
	unsigned v[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5]) != 6)
		die("bad MAC address: %s", s);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
}

int main(int argc, char **argv)
{
	struct ctx c;
	static struct req r;
	const struct scen *sc = NULL;
	const char *name = NULL, *ifname = NULL, *mac = NULL, *alt = NULL;
	long seconds = 10, maxreq = 3, nreq = 0;
	int64_t end;
	int opt, one = 1;

	memset(&c, 0, sizeof(c));
	c.rx = c.hdrincl = c.pkt = -1;
	while ((opt = getopt(argc, argv, "46s:i:m:a:t:n:l")) != -1) {
		switch (opt) {
		case '4':
			c.fam = 4;
			break;
		case '6':
			c.fam = 6;
			break;
		case 's':
			name = optarg;
			break;
		case 'i':
			ifname = optarg;
			break;
		case 'm':
			mac = optarg;
			break;
		case 'a':
			alt = optarg;
			break;
		case 't':
			seconds = strtol(optarg, NULL, 10);
			break;
		case 'n':
			maxreq = strtol(optarg, NULL, 10);
			break;
		case 'l':
			for (size_t i = 0; i < NSCENS; i++)
				printf("%s %s\n", scens[i].name,
				       scens[i].fam == 4 ? "4" :
				       scens[i].fam == 6 ? "6" : "46");
			return 0;
		default:
			usage();
		}
	}
	if (!c.fam || !name || !ifname || !mac || optind != argc ||
	    seconds < 1 || seconds > 60 || maxreq < 1 || maxreq > 1000)
		usage();
	for (size_t i = 0; i < NSCENS; i++)
		if (!strcmp(scens[i].name, name) &&
		    (scens[i].fam == 0 || scens[i].fam == c.fam))
			sc = &scens[i];
	if (!sc)
		die("no scenario %s for IPv%d", name, c.fam);
	if (alt) {
		if (inet_pton(c.fam == 4 ? AF_INET : AF_INET6, alt, c.alt) != 1)
			die("bad address: %s", alt);
		c.has_alt = true;
	}

	/* The packet socket: we write the IP datagram, the kernel the
	 * Ethernet header.  Protocol 0: it receives nothing. */
	c.pkt = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (c.pkt < 0)
		die("socket(AF_PACKET): %s", strerror(errno));
	memset(&c.ll, 0, sizeof(c.ll));
	c.ll.sll_family = AF_PACKET;
	c.ll.sll_protocol = htons(c.fam == 4 ? ETH_P_IP : ETH_P_IPV6);
	c.ll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!c.ll.sll_ifindex)
		die("no interface %s", ifname);
	c.ll.sll_halen = 6;
	parse_mac(mac, c.ll.sll_addr);

	if (c.fam == 4) {
		int pmtu = IP_PMTUDISC_DONT;

		c.rx = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
		if (c.rx < 0)
			die("socket(AF_INET, SOCK_RAW): %s", strerror(errno));
		/* The big reply is fragmented by the kernel, without DF. */
		if (setsockopt(c.rx, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu,
			       sizeof(pmtu)) < 0)
			die("IP_MTU_DISCOVER: %s", strerror(errno));
		c.hdrincl = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
		if (c.hdrincl < 0)
			die("socket(IPPROTO_RAW): %s", strerror(errno));
		if (setsockopt(c.hdrincl, IPPROTO_IP, IP_HDRINCL, &one,
			       sizeof(one)) < 0)
			die("IP_HDRINCL: %s", strerror(errno));
	} else {
		struct icmp6_filter f;
		int pmtu = IPV6_PMTUDISC_DONT;

		c.rx = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
		if (c.rx < 0)
			die("socket(AF_INET6, SOCK_RAW): %s", strerror(errno));
		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REQUEST, &f);
		if (setsockopt(c.rx, IPPROTO_ICMPV6, ICMP6_FILTER, &f,
			       sizeof(f)) < 0 ||
		    setsockopt(c.rx, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
			       sizeof(one)) < 0 ||
		    setsockopt(c.rx, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one,
			       sizeof(one)) < 0 ||
		    setsockopt(c.rx, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu,
			       sizeof(pmtu)) < 0)
			die("ICMPv6 socket options: %s", strerror(errno));
	}
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
	}
	printf("ready\n");
	fflush(stdout);

	end = now_ms() + seconds * 1000;
	while (nreq < maxreq && !stop) {
		struct pollfd pfd = { c.rx, POLLIN, 0 };
		int64_t left = end - now_ms();

		if (left <= 0)
			break;
		if (poll(&pfd, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		if (!(pfd.revents & POLLIN))
			continue;
		if (!read_request(&c, &r))
			continue;
		nreq++;
		sc->fn(&c, &r, sc);
	}
	printf("requests %ld sent %u\n", nreq, c.sent);
	return 0;
}
