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
#include "../wire/wire.h"

static int setint(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val)) < 0 ? -errno : 0;
}

int sock_hdrincl(struct sock *s)
{
	if (s->family != AF_INET || s->kind != SOCK_KIND_RAW)
		return -EINVAL;
	return setint(s->fd, IPPROTO_IP, IP_HDRINCL, 1);
}

/* The largest probe echolot os sends: an echo request with its data. */
#define SHAPED_MAX 1500

int sock_send_shaped(struct sock *s, const void *icmp, size_t len,
		     const struct sockaddr *to, socklen_t tolen,
		     const struct sock_shape *sh, uint32_t *txkey)
{
	union {
		char buf[2 * CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctrl;
	uint8_t pkt[SHAPED_MAX];
	struct iovec iov = { (void *)icmp, len };
	struct msghdr mh;
	struct cmsghdr *c;
	bool v6 = s->family == AF_INET6;

	memset(&mh, 0, sizeof(mh));
	mh.msg_name = (void *)to;
	mh.msg_namelen = tolen;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (sh->hdrincl) {
		/* The kernel fills in the source address (left zero), the
		 * total length and the checksum; the rest is ours. */
		struct wire_ip4 ip;
		int n;

		if (v6 || to->sa_family != AF_INET || len > SHAPED_MAX - 20)
			return -EINVAL;
		memset(&ip, 0, sizeof(ip));
		ip.tos = sh->tos >= 0 ? (uint8_t)sh->tos : 0;
		ip.id = sh->ip_id;
		ip.df = sh->df;
		ip.ttl = sh->ttl >= 0 ? (uint8_t)sh->ttl : 64;
		ip.proto = IPPROTO_ICMP;
		ip.dst = ((const struct sockaddr_in *)to)->sin_addr;
		n = wire_ip4_build(&ip, len, pkt, sizeof(pkt));
		if (n < 0)
			return n;
		memcpy(pkt + n, icmp, len);
		iov.iov_base = pkt;
		iov.iov_len = (size_t)n + len;
	} else if (sh->ttl >= 0 || sh->tos >= 0) {
		memset(&ctrl, 0, sizeof(ctrl));
		mh.msg_control = ctrl.buf;
		mh.msg_controllen = sizeof(ctrl.buf);
		c = CMSG_FIRSTHDR(&mh);
		mh.msg_controllen = 0;
		if (sh->ttl >= 0) {
			c->cmsg_level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
			c->cmsg_type = v6 ? IPV6_HOPLIMIT : IP_TTL;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &sh->ttl, sizeof(int));
			mh.msg_controllen += CMSG_SPACE(sizeof(int));
			c = (struct cmsghdr *)((char *)c + CMSG_SPACE(sizeof(int)));
		}
		if (sh->tos >= 0) {
			/* IP_TOS takes an int in a send's control message,
			 * as IPV6_TCLASS does. */
			c->cmsg_level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
			c->cmsg_type = v6 ? IPV6_TCLASS : IP_TOS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &sh->tos, sizeof(int));
			mh.msg_controllen += CMSG_SPACE(sizeof(int));
		}
	}
	if (sendmsg(s->fd, &mh, 0) < 0)
		return -errno;
	*txkey = s->tx_count++;
	return 0;
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
	    (ttl > 0 && (rc = setint(fd, IPPROTO_IP, IP_TTL, ttl)) < 0)) {
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
