/* tests/net/tools/stackemu.c: an ICMP stack emulator for the network tests
 * of `echolot os` (tests/net/t_os_active.sh).
 *
 * It runs inside the target namespace of a test, where the kernel's own
 * echo replies are off (net.ipv4.icmp_echo_ignore_all=1,
 * net.ipv6.icmp.echo_ignore_all=1) and its own timestamp replies are
 * dropped by nftables (every reply of ours carries SO_MARK EMU_MARK, which
 * the rule lets through).  It answers echo requests, UDP datagrams to
 * closed ports and, over IPv4, timestamp requests as the stack of a
 * profile would, the profiles taken
 * from the rows of src/analysis/fp_table.c:
 *
 *   profile   ttl4 hlim6 code    IP ID   DF on replies      timestamps  quote
 *   windows   128  128   zeroed  own     as in the request  answered    128
 *   cisco     255  255   echoed  copied  set on DF request  answered      8
 *   freebsd    64   64   echoed  own     set on DF request  answered      8
 *   macos      64   64   echoed  own     set on DF request  not answered  8
 *                                        (10.4.1; 10.2 answered)
 *   solaris   255   64   echoed  own     set on DF request  not answered 64
 *   openbsd   255   64   echoed  own     never (varies)     answered      8
 *   linux      64   64   echoed  own     never              answered    all
 *
 * "quote": a UDP datagram to a closed port (33434 .. 33534) draws a Port
 * Unreachable quoting that many bytes after the datagram's IP header
 * ("all": as much as fits in 576 bytes, IPv4, or 1280, IPv6; the others
 * are cut at those sizes too).  The kernel's own Port Unreachable must be
 * dropped by the test (nftables, as its timestamp replies).
 * (Cisco's IPv6 hop limit is unknown to the table; 255 here.)  The TOS /
 * traffic class of a request is sent back in its reply.
 *
 *   stackemu -4|-6 -p PROFILE [-t SECONDS] [-n MAX_REQUESTS]
 *   stackemu -l             list the profiles, one per line
 *
 * IPv4 replies go out through an IP_HDRINCL socket (our TTL, ID, DF and
 * TOS), IPv6 ones through a raw ICMPv6 socket with the hop limit and
 * traffic class as ancillary data.  Safety: both addresses of everything
 * sent must lie in 198.18.0.0/15 or 2001:2::/48, or the program exits with
 * status 2.  It exits after MAX_REQUESTS requests (default 1000) or
 * SECONDS seconds (default 20), or at SIGTERM / SIGINT.
 *
 * Output: "ready" on stdout once the sockets are open, at the end
 * "requests N sent M".  libc only. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
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

#define EMU_MARK 0x5e
#define MAXPKT 9000

enum code_pol { CODE_ECHOED, CODE_ZEROED };
enum id_pol { ID_OWN, ID_COPIED, ID_ZERO };
enum df_pol { DF_NEVER, DF_COPIED, DF_ALWAYS };

struct profile {
	const char *name;
	int ttl4, hlim6;
	enum code_pol code;
	enum id_pol id;
	enum df_pol df;
	bool tstamp;
	int quote;              /* bytes after the IP header, -1: all */
};

/* DF "set on a DF request" and "as in the request" answer alike here:
 * the difference shows only for a request without DF, which the table
 * does not tell for the first kind. */
static const struct profile profiles[] = {
	{ "windows", 128, 128, CODE_ZEROED, ID_OWN, DF_COPIED, true, 128 },
	{ "cisco", 255, 255, CODE_ECHOED, ID_COPIED, DF_COPIED, true, 8 },
	{ "freebsd", 64, 64, CODE_ECHOED, ID_OWN, DF_COPIED, true, 8 },
	{ "macos", 64, 64, CODE_ECHOED, ID_OWN, DF_COPIED, false, 8 },
	{ "solaris", 255, 64, CODE_ECHOED, ID_OWN, DF_COPIED, false, 64 },
	{ "openbsd", 255, 64, CODE_ECHOED, ID_OWN, DF_NEVER, true, 8 },
	{ "linux", 64, 64, CODE_ECHOED, ID_OWN, DF_NEVER, true, -1 },
};

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "stackemu: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static uint16_t csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
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

static void check4(const uint8_t *src, const uint8_t *dst)
{
	if (!(src[0] == 198 && (src[1] & 0xfe) == 18 &&
	      dst[0] == 198 && (dst[1] & 0xfe) == 18))
		die("refusing to send outside 198.18.0.0/15");
}

static void check6(const uint8_t *dst)
{
	static const uint8_t p[6] = { 0x20, 0x01, 0x00, 0x02, 0x00, 0x00 };

	if (memcmp(dst, p, 6) != 0)
		die("refusing to send outside 2001:2::/48");
}

struct emu {
	const struct profile *p;
	int rx, tx, udp;
	uint16_t ipid;
	unsigned requests, sent;
};

/* ------------------------------------------------------------------ v4 */

static void reply4(struct emu *e, const uint8_t *pkt, size_t len)
{
	static uint8_t b[MAXPKT];
	size_t hl = (size_t)(pkt[0] & 0x0f) * 4, mlen;
	const uint8_t *m = pkt + hl;
	struct sockaddr_in to;
	bool req_df = (pkt[6] & 0x40) != 0, df;
	uint16_t id;

	if (hl < 20 || len < hl + 8 || pkt[9] != IPPROTO_ICMP)
		return;
	mlen = len - hl;
	if (m[0] == 8) {                        /* echo request */
		memcpy(b + 20, m, mlen);
		b[20] = 0;
		if (e->p->code == CODE_ZEROED)
			b[21] = 0;
	} else if (m[0] == 13 && mlen >= 20) {  /* timestamp request */
		struct timespec ts;
		uint32_t ms;

		e->requests++;
		if (!e->p->tstamp)
			return;
		clock_gettime(CLOCK_REALTIME, &ts);
		ms = (uint32_t)((ts.tv_sec % 86400) * 1000 + ts.tv_nsec / 1000000);
		mlen = 20;
		memcpy(b + 20, m, 12);
		b[20] = 14;
		for (int i = 0; i < 2; i++) {
			b[32 + 4 * i] = (uint8_t)(ms >> 24);
			b[33 + 4 * i] = (uint8_t)(ms >> 16);
			b[34 + 4 * i] = (uint8_t)(ms >> 8);
			b[35 + 4 * i] = (uint8_t)ms;
		}
	} else {
		return;
	}
	if (m[0] == 8)
		e->requests++;
	b[22] = b[23] = 0;
	put16(b + 22, csum(b + 20, mlen));
	switch (e->p->id) {
	case ID_COPIED:
		id = get16(pkt + 4);
		break;
	case ID_ZERO:
		id = 0;
		break;
	default:
		id = ++e->ipid;
		break;
	}
	df = e->p->df == DF_ALWAYS || (e->p->df == DF_COPIED && req_df);
	memset(b, 0, 20);
	b[0] = 0x45;
	b[1] = pkt[1];                          /* TOS as in the request */
	put16(b + 2, (uint16_t)(20 + mlen));
	put16(b + 4, id);
	b[6] = df ? 0x40 : 0;
	b[8] = (uint8_t)e->p->ttl4;
	b[9] = IPPROTO_ICMP;
	memcpy(b + 12, pkt + 16, 4);            /* from the address asked */
	memcpy(b + 16, pkt + 12, 4);
	put16(b + 10, csum(b, 20));
	check4(b + 12, b + 16);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	memcpy(&to.sin_addr, b + 16, 4);
	if (sendto(e->tx, b, 20 + mlen, 0, (struct sockaddr *)&to,
		   sizeof(to)) != (ssize_t)(20 + mlen))
		die("send: %s", strerror(errno));
	e->sent++;
}

/* The bytes of a UDP datagram of len bytes (hl of them its IP header) a
 * Port Unreachable of the profile quotes, in an error of at most max. */
static size_t quote_len(const struct profile *p, size_t hl, size_t len,
			size_t max)
{
	size_t q = p->quote < 0 ? len : hl + (size_t)p->quote;

	if (q > len)
		q = len;
	return q > max ? max : q;
}

static bool closed_port(const uint8_t *udp)
{
	uint16_t port = get16(udp + 2);

	return port >= 33434 && port <= 33534;
}

/* A Port Unreachable for the UDP datagram pkt (IP header included). */
static void unreach4(struct emu *e, const uint8_t *pkt, size_t len)
{
	static uint8_t b[576];
	size_t hl = (size_t)(pkt[0] & 0x0f) * 4, q;
	struct sockaddr_in to;

	if (hl < 20 || len < hl + 8 || pkt[9] != IPPROTO_UDP ||
	    !closed_port(pkt + hl))
		return;
	e->requests++;
	q = quote_len(e->p, hl, len, sizeof(b) - 28);
	memset(b, 0, 28);
	b[0] = 0x45;
	put16(b + 2, (uint16_t)(28 + q));
	put16(b + 4, ++e->ipid);
	b[8] = (uint8_t)e->p->ttl4;
	b[9] = IPPROTO_ICMP;
	memcpy(b + 12, pkt + 16, 4);
	memcpy(b + 16, pkt + 12, 4);
	put16(b + 10, csum(b, 20));
	b[20] = 3;                              /* destination unreachable */
	b[21] = 3;                              /* port */
	memcpy(b + 28, pkt, q);
	put16(b + 22, csum(b + 20, 8 + q));
	check4(b + 12, b + 16);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	memcpy(&to.sin_addr, b + 16, 4);
	if (sendto(e->tx, b, 28 + q, 0, (struct sockaddr *)&to,
		   sizeof(to)) != (ssize_t)(28 + q))
		die("send: %s", strerror(errno));
	e->sent++;
}

/* ------------------------------------------------------------------ v6 */

/* A Port Unreachable for the UDP datagram (udp, len bytes: a raw IPv6
 * socket gives no IP header, so it is rebuilt from what came with it). */
static void unreach6(struct emu *e, const uint8_t *udp, size_t len,
		     const struct sockaddr_in6 *from, const struct in6_addr *to,
		     int tclass, int hlim)
{
	static uint8_t b[1280 - 40];
	static uint8_t orig[MAXPKT + 40];
	struct sockaddr_in6 dst = *from;
	size_t q;

	if (len < 8 || len > MAXPKT || !closed_port(udp))
		return;
	e->requests++;
	orig[0] = (uint8_t)(0x60 | (tclass >> 4));
	orig[1] = (uint8_t)(tclass << 4);
	orig[2] = orig[3] = 0;
	put16(orig + 4, (uint16_t)len);
	orig[6] = IPPROTO_UDP;
	orig[7] = (uint8_t)hlim;
	memcpy(orig + 8, &from->sin6_addr, 16);
	memcpy(orig + 24, to, 16);
	memcpy(orig + 40, udp, len);
	q = quote_len(e->p, 40, 40 + len, sizeof(b) - 8);
	memset(b, 0, 8);
	b[0] = ICMP6_DST_UNREACH;
	b[1] = ICMP6_DST_UNREACH_NOPORT;
	memcpy(b + 8, orig, q);                 /* the kernel sums ICMPv6 */
	check6(from->sin6_addr.s6_addr);
	dst.sin6_port = 0;
	if (sendto(e->tx, b, 8 + q, 0, (struct sockaddr *)&dst,
		   sizeof(dst)) != (ssize_t)(8 + q))
		die("send: %s", strerror(errno));
	e->sent++;
}


static void reply6(struct emu *e, uint8_t *m, size_t mlen,
		   const struct sockaddr_in6 *from, int tclass)
{
	union {
		char buf[2 * CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctrl;
	struct iovec iov = { m, mlen };
	struct msghdr mh;
	struct cmsghdr *c;
	int hlim = e->p->hlim6;

	if (mlen < 8 || m[0] != ICMP6_ECHO_REQUEST)
		return;
	e->requests++;
	m[0] = ICMP6_ECHO_REPLY;
	if (e->p->code == CODE_ZEROED)
		m[1] = 0;
	m[2] = m[3] = 0;                        /* the kernel sums ICMPv6 */
	check6(from->sin6_addr.s6_addr);
	memset(&ctrl, 0, sizeof(ctrl));
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = (void *)from;
	mh.msg_namelen = sizeof(*from);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctrl.buf;
	mh.msg_controllen = sizeof(ctrl.buf);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_HOPLIMIT;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &hlim, sizeof(int));
	c = CMSG_NXTHDR(&mh, c);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_TCLASS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &tclass, sizeof(int));
	if (sendmsg(e->tx, &mh, 0) != (ssize_t)mlen)
		die("send: %s", strerror(errno));
	e->sent++;
}

/* ---------------------------------------------------------------- main */

static const struct profile *find(const char *name)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (!strcmp(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}

int main(int argc, char **argv)
{
	static uint8_t buf[MAXPKT];
	struct emu e;
	struct sigaction sa;
	int fam = 0, c, on = 1, mark = EMU_MARK;
	double secs = 20;
	unsigned max = 1000;
	struct timespec t0, now;

	memset(&e, 0, sizeof(e));
	while ((c = getopt(argc, argv, "46lp:t:n:")) != -1) {
		switch (c) {
		case '4':
			fam = 4;
			break;
		case '6':
			fam = 6;
			break;
		case 'l':
			for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
				printf("%s\n", profiles[i].name);
			return 0;
		case 'p':
			e.p = find(optarg);
			if (!e.p)
				die("no profile %s", optarg);
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 'n':
			max = (unsigned)atoi(optarg);
			break;
		default:
			die("usage: stackemu -4|-6 -p PROFILE [-t SECONDS] [-n MAX]");
		}
	}
	if (!fam || !e.p || secs <= 0 || secs > 120)
		die("usage: stackemu -4|-6 -p PROFILE [-t SECONDS] [-n MAX]");
	e.ipid = (uint16_t)(getpid() * 7919u);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	if (fam == 4) {
		e.rx = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
		e.tx = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
		if (e.rx < 0 || e.tx < 0)
			die("socket: %s", strerror(errno));
		if (setsockopt(e.tx, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)) < 0)
			die("IP_HDRINCL: %s", strerror(errno));
		e.udp = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
		if (e.udp < 0)
			die("socket: %s", strerror(errno));
	} else {
		struct icmp6_filter f;

		e.rx = e.tx = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
		if (e.rx < 0)
			die("socket: %s", strerror(errno));
		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REQUEST, &f);
		if (setsockopt(e.rx, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) < 0 ||
		    setsockopt(e.rx, IPPROTO_IPV6, IPV6_RECVTCLASS, &on, sizeof(on)) < 0)
			die("ICMPv6 options: %s", strerror(errno));
		e.udp = socket(AF_INET6, SOCK_RAW, IPPROTO_UDP);
		if (e.udp < 0 ||
		    setsockopt(e.udp, IPPROTO_IPV6, IPV6_RECVTCLASS, &on, sizeof(on)) < 0 ||
		    setsockopt(e.udp, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) < 0 ||
		    setsockopt(e.udp, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0)
			die("UDP socket: %s", strerror(errno));
	}
	if (setsockopt(e.tx, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0)
		die("SO_MARK: %s", strerror(errno));
	printf("ready\n");
	fflush(stdout);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop && e.requests < max) {
		struct pollfd p[2] = { { .fd = e.rx, .events = POLLIN },
				       { .fd = e.udp, .events = POLLIN } };
		double left;
		int ms;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = secs - (double)(now.tv_sec - t0.tv_sec) -
		       (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
		if (left <= 0)
			break;
		ms = (int)(left * 1000) + 1;
		if (poll(p, 2, ms > 200 ? 200 : ms) <= 0)
			continue;
		for (int k = 0; k < 2; k++) {
			union {
				char b[256];
				struct cmsghdr align;
			} ctrl;
			struct sockaddr_in6 from;
			struct in6_addr to = IN6ADDR_ANY_INIT;
			struct iovec iov = { buf, sizeof(buf) };
			struct msghdr mh;
			struct cmsghdr *cm;
			int tclass = 0, hlim = 64;
			ssize_t n;

			if (!(p[k].revents & POLLIN))
				continue;
			if (fam == 4) {
				n = recv(p[k].fd, buf, sizeof(buf), 0);
				if (n > 0 && k == 0)
					reply4(&e, buf, (size_t)n);
				else if (n > 0)
					unreach4(&e, buf, (size_t)n);
				continue;
			}
			memset(&mh, 0, sizeof(mh));
			mh.msg_name = &from;
			mh.msg_namelen = sizeof(from);
			mh.msg_iov = &iov;
			mh.msg_iovlen = 1;
			mh.msg_control = ctrl.b;
			mh.msg_controllen = sizeof(ctrl.b);
			n = recvmsg(p[k].fd, &mh, 0);
			if (n <= 0)
				continue;
			for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
				if (cm->cmsg_level != IPPROTO_IPV6)
					continue;
				if (cm->cmsg_type == IPV6_TCLASS)
					memcpy(&tclass, CMSG_DATA(cm), sizeof(int));
				else if (cm->cmsg_type == IPV6_HOPLIMIT)
					memcpy(&hlim, CMSG_DATA(cm), sizeof(int));
				else if (cm->cmsg_type == IPV6_PKTINFO)
					memcpy(&to, CMSG_DATA(cm), sizeof(to));
			}
			if (k == 0)
				reply6(&e, buf, (size_t)n, &from, tclass);
			else
				unreach6(&e, buf, (size_t)n, &from, &to, tclass, hlim);
		}
	}
	printf("requests %u sent %u\n", e.requests, e.sent);
	return 0;
}
