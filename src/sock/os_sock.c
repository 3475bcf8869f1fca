/* echolot os: probes shaped one by one (TTL, TOS, DF, IP ID) without a
 * setsockopt per probe, an identifier range filter, and the socket that
 * waits for ICMP timestamp replies. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>

#include "sock.h"
#include "sock_int.h"
#include "../wire/wire.h"

int sock_hdrincl(struct sock *s)
{
	if (s->family != AF_INET || s->kind != SOCK_KIND_RAW)
		return -EINVAL;
	return sock_setint(s->fd, IPPROTO_IP, IP_HDRINCL, 1);
}

int sock_open_tstamp(struct sock *s, int ttl)
{
	uint32_t mask = ~(1u << ICMP_TIMESTAMPREPLY);
	int fd, rc;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->family = AF_INET;
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_RAW, ICMP_FILTER, &mask, sizeof(mask)) < 0 ||
	    (ttl > 0 && (rc = sock_setint(fd, IPPROTO_IP, IP_TTL, ttl)) < 0)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	s->fd = fd;
	s->kind = SOCK_KIND_RAW;
	return 0;
}

int sock_open_unreach(struct sock *s, int family)
{
	int fd, rc;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->family = family;
	if (family == AF_INET) {
		uint32_t mask = ~(1u << ICMP_DEST_UNREACH);

		fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
		if (fd < 0)
			return -errno;
		rc = setsockopt(fd, SOL_RAW, ICMP_FILTER, &mask, sizeof(mask));
	} else {
		struct icmp6_filter f;

		fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
		if (fd < 0)
			return -errno;
		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f);
		rc = setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	}
	if (rc < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	s->fd = fd;
	s->kind = SOCK_KIND_RAW;
	return 0;
}

int sock_open_udp_probe(struct sock *s, const struct sockaddr *dst,
			socklen_t dstlen, uint16_t port, uint16_t *sport)
{
	struct sockaddr_storage to, me;
	socklen_t melen = sizeof(me);
	int fd, rc;

	if (dstlen > sizeof(to) || (dst->sa_family != AF_INET &&
				    dst->sa_family != AF_INET6))
		return -EINVAL;
	memcpy(&to, dst, dstlen);
	if (to.ss_family == AF_INET)
		((struct sockaddr_in *)&to)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&to)->sin6_port = htons(port);
	fd = socket(to.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&to, dstlen) < 0 ||
	    getsockname(fd, (struct sockaddr *)&me, &melen) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	*sport = ntohs(me.ss_family == AF_INET ?
		       ((struct sockaddr_in *)&me)->sin_port :
		       ((struct sockaddr_in6 *)&me)->sin6_port);
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->family = to.ss_family;
	s->kind = SOCK_KIND_DGRAM;
	return 0;
}

int sock_wait(struct sock *s, int64_t timeout_ns)
{
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	struct timespec ts;
	int n;

	if (timeout_ns < 0)
		timeout_ns = 0;
	ts.tv_sec = timeout_ns / 1000000000LL;
	ts.tv_nsec = timeout_ns % 1000000000LL;
	n = ppoll(&p, 1, &ts, NULL);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	return n > 0;
}
