/* Opening, configuring and reading ICMP sockets. */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/icmp.h>
#include <linux/in6.h>
#include <linux/net_tstamp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>

#include "sock.h"
#include "sock_int.h"
#include "../wire/wire.h"

static int proto_of(int family)
{
	return family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
}

int sock_open(struct sock *s, int family, bool need_raw,
	      struct sock_open_err *err)
{
	int fd;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->family = family;
	err->raw_errno = err->dgram_errno = 0;

	/* Raw first: it sees the IP header (TTL, TOS, IP ID, options) and bad
	 * checksums, which the datagram socket hides. */
	fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, proto_of(family));
	if (fd >= 0) {
		s->fd = fd;
		s->kind = SOCK_KIND_RAW;
		return 0;
	}
	err->raw_errno = errno;
	if (need_raw)
		return -err->raw_errno;
	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, proto_of(family));
	if (fd >= 0) {
		s->fd = fd;
		s->kind = SOCK_KIND_DGRAM;
		return 0;
	}
	err->dgram_errno = errno;
	return -err->dgram_errno;
}

void sock_close(struct sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->kind = SOCK_KIND_NONE;
}

void sock_stamps_settle(void)
{
	/* When no socket on the host wanted receive stamps yet, the kernel
	 * turns them on in a work item, later: a reply that comes before it
	 * has run carries no stamp and is stamped when read, so its RTT
	 * would include its time in the queue (seen in 14 of 20 traceroutes
	 * on an idle host).  Give the CPU up once so that the work runs
	 * before the first probe. */
	sched_yield();
}

#define STEP(expr, name)                                                    \
	do {                                                                \
		int rc_ = (expr);                                           \
		if (rc_ < 0) {                                              \
			*what = (name);                                     \
			return rc_;                                         \
		}                                                           \
	} while (0)

static int apply4(struct sock *s, const struct sock_opts *o, const char **what)
{
	int fd = s->fd;

	STEP(sock_setint(fd, IPPROTO_IP, IP_RECVERR, 1), "IP_RECVERR");
	if (s->kind == SOCK_KIND_DGRAM) {
		/* A raw socket has the IP header; a datagram socket needs the
		 * kernel to tell TTL and TOS. */
		STEP(sock_setint(fd, IPPROTO_IP, IP_RECVTTL, 1), "IP_RECVTTL");
		STEP(sock_setint(fd, IPPROTO_IP, IP_RECVTOS, 1), "IP_RECVTOS");
	}
	if (o->ttl >= 0) {
		STEP(sock_setint(fd, IPPROTO_IP, IP_TTL, o->ttl), "IP_TTL");
		STEP(sock_setint(fd, IPPROTO_IP, IP_MULTICAST_TTL, o->ttl),
		     "IP_MULTICAST_TTL");
	}
	if (o->tos >= 0)
		STEP(sock_setint(fd, IPPROTO_IP, IP_TOS, o->tos), "IP_TOS");
	if (o->pmtudisc >= 0)
		STEP(sock_setint(fd, IPPROTO_IP, IP_MTU_DISCOVER, o->pmtudisc),
		     "IP_MTU_DISCOVER");
	if (o->no_mcast_loop)
		STEP(sock_setint(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0),
		     "IP_MULTICAST_LOOP");
	if (o->broadcast)
		STEP(sock_setint(fd, SOL_SOCKET, SO_BROADCAST, 1), "SO_BROADCAST");
	if (s->kind == SOCK_KIND_RAW) {
		/* Only the ICMP types ping reports may wake us. */
		uint32_t mask = ~(1u << ICMP_ECHOREPLY | 1u << ICMP_DEST_UNREACH |
				  1u << ICMP_SOURCE_QUENCH | 1u << ICMP_REDIRECT |
				  1u << ICMP_TIME_EXCEEDED | 1u << ICMP_PARAMETERPROB);
		if (setsockopt(fd, SOL_RAW, ICMP_FILTER, &mask, sizeof(mask)) < 0) {
			*what = "ICMP_FILTER";
			return -errno;
		}
	}
	return 0;
}

static int apply6(struct sock *s, const struct sock_opts *o, const char **what)
{
	int fd = s->fd;

	STEP(sock_setint(fd, IPPROTO_IPV6, IPV6_RECVERR, 1), "IPV6_RECVERR");
	STEP(sock_setint(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1), "IPV6_RECVHOPLIMIT");
	STEP(sock_setint(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, 1), "IPV6_RECVTCLASS");
	if (o->ttl >= 0) {
		STEP(sock_setint(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, o->ttl),
		     "IPV6_UNICAST_HOPS");
		STEP(sock_setint(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, o->ttl),
		     "IPV6_MULTICAST_HOPS");
	}
	if (o->tos >= 0)
		STEP(sock_setint(fd, IPPROTO_IPV6, IPV6_TCLASS, o->tos), "IPV6_TCLASS");
	if (o->pmtudisc >= 0)
		STEP(sock_setint(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, o->pmtudisc),
		     "IPV6_MTU_DISCOVER");
	if (o->no_mcast_loop)
		STEP(sock_setint(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0),
		     "IPV6_MULTICAST_LOOP");
	if (s->kind == SOCK_KIND_RAW) {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		/* ping6 -N: node information replies (type 140), as iputils
		 * lets through; else echo replies. */
		ICMP6_FILTER_SETPASS(o->ni_replies ? 140 : ICMP6_ECHO_REPLY, &f);
		ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f);
		ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &f);
		ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &f);
		ICMP6_FILTER_SETPASS(ICMP6_PARAM_PROB, &f);
		if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) < 0) {
			*what = "ICMP6_FILTER";
			return -errno;
		}
	}
	return 0;
}

int sock_apply(struct sock *s, const struct sock_opts *o, const char **what,
	       const char **warn, int *warn_err)
{
	int fd = s->fd, rc;

	*what = NULL;
	*warn = NULL;
	*warn_err = 0;
	if (o->device &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->device,
		       (socklen_t)strlen(o->device) + 1) < 0) {
		*what = "SO_BINDTODEVICE";
		return -errno;
	}
	if (o->source && bind(fd, o->source, o->source_len) < 0) {
		*what = "bind";
		return -errno;
	}
	if (o->sndbuf > 0)
		STEP(sock_setint(fd, SOL_SOCKET, SO_SNDBUF, o->sndbuf), "SO_SNDBUF");
	/* Past net.core.rmem_max only with CAP_NET_ADMIN (a sweep's replies
	 * come at line rate); else as much as the limit allows. */
	if (o->rcvbuf > 0 && sock_setint(fd, SOL_SOCKET, SO_RCVBUFFORCE, o->rcvbuf) < 0)
		(void)sock_setint(fd, SOL_SOCKET, SO_RCVBUF, o->rcvbuf);
	if (o->dontroute)
		STEP(sock_setint(fd, SOL_SOCKET, SO_DONTROUTE, 1), "SO_DONTROUTE");
	if (o->timestamps != SOCK_TS_NONE) {
		/* The send stamp is taken as the probe is queued for the device
		 * (TX_SCHED): before any packet capture sees it, so that our RTT
		 * and a capture's agree. */
		int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;

		if (o->timestamps == SOCK_TS_RXTX)
			flags |= SOF_TIMESTAMPING_TX_SCHED | SOF_TIMESTAMPING_OPT_ID |
				 SOF_TIMESTAMPING_OPT_TSONLY;
		if (sock_setint(fd, SOL_SOCKET, SO_TIMESTAMPING, flags) == 0) {
			s->tx_stamps = o->timestamps == SOCK_TS_RXTX;
			s->tx_count = 0;
		} else {
			/* Older kernels: receive stamps only. */
			(void)sock_setint(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
		}
		sock_stamps_settle();
	}
	rc = s->family == AF_INET6 ? apply6(s, o, what) : apply4(s, o, what);
	if (rc < 0)
		return rc;
	if (o->mark >= 0) {
		unsigned int mark = (unsigned int)o->mark;

		if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0) {
			*warn = "SO_MARK";
			*warn_err = -errno;
		}
	}
	if (o->debug && sock_setint(fd, SOL_SOCKET, SO_DEBUG, 1) < 0) {
		*warn = "SO_DEBUG";
		*warn_err = -errno;
	}
	return 0;
}

int sock_flowlabel(struct sock *s, const struct sockaddr_in6 *dst,
		   uint32_t label, bool *leased)
{
	struct in6_flowlabel_req req;

	*leased = false;
	/* A flow label must be leased from the kernel before it is sent. */
	memset(&req, 0, sizeof(req));
	req.flr_dst = dst->sin6_addr;
	req.flr_label = htonl(label & 0xfffff);
	req.flr_action = IPV6_FL_A_GET;
	req.flr_flags = IPV6_FL_F_CREATE;
	req.flr_share = IPV6_FL_S_EXCL;
	if (setsockopt(s->fd, IPPROTO_IPV6, IPV6_FLOWLABEL_MGR, &req,
		       sizeof(req)) < 0)
		return -errno;
	*leased = true;
	return sock_setint(s->fd, IPPROTO_IPV6, IPV6_FLOWINFO_SEND, 1);
}

int sock_bind(struct sock *s, const struct sockaddr *src, socklen_t len)
{
	return bind(s->fd, src, len) < 0 ? -errno : 0;
}

int sock_ip_options(struct sock *s, const void *opts, size_t len)
{
	return setsockopt(s->fd, IPPROTO_IP, IP_OPTIONS, opts, (socklen_t)len) < 0 ?
	       -errno : 0;
}

int sock_connect(struct sock *s, const struct sockaddr *dst, socklen_t len)
{
	return connect(s->fd, dst, len) < 0 ? -errno : 0;
}

int sock_filter_id_range(struct sock *s, uint16_t first, uint16_t count)
{
	uint32_t last = (uint32_t)first + (count ? count - 1u : 0u);
	/* Raw sockets see every ICMP message on the host.  Pass what is not
	 * an echo reply (errors are matched in user space against their
	 * quote) and echo replies with an identifier in the range; offsets
	 * from the IPv4 header (BPF_MSH finds its length) or from the ICMPv6
	 * header. */
	struct sock_filter f4[] = {
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 4),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, first, 0, 2),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, last, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ICMP_ECHOREPLY, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
	};
	struct sock_filter f6[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 4),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, first, 0, 2),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, last, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ICMP6_ECHO_REPLY, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
	};
	struct sock_fprog prog;

	if (s->kind != SOCK_KIND_RAW)
		return 0;
	if (s->family == AF_INET6) {
		prog.len = sizeof(f6) / sizeof(f6[0]);
		prog.filter = f6;
	} else {
		prog.len = sizeof(f4) / sizeof(f4[0]);
		prog.filter = f4;
	}
	if (setsockopt(s->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
		       sizeof(prog)) < 0)
		return -errno;
	return 0;
}

int sock_filter_id(struct sock *s, uint16_t id)
{
	return sock_filter_id_range(s, id, 1);
}

int sock_route_source(int family, const struct sockaddr *dst, socklen_t len,
		      const char *device, struct sockaddr_storage *src)
{
	struct sockaddr_storage d;
	socklen_t slen = sizeof(*src);
	int fd, rc = 0;

	/* A connected UDP socket makes the kernel pick the route and source
	 * address without sending anything. */
	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memcpy(&d, dst, len);
	if (family == AF_INET6)
		((struct sockaddr_in6 *)&d)->sin6_port = htons(1025);
	else
		((struct sockaddr_in *)&d)->sin_port = htons(1025);
	if (device && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, device,
				 (socklen_t)strlen(device) + 1) < 0)
		rc = -errno;
	if (!rc && connect(fd, (struct sockaddr *)&d, len) < 0)
		rc = -errno;
	if (!rc && getsockname(fd, (struct sockaddr *)src, &slen) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* The largest probe sent with a header of ours (echolot os's echo
 * requests). */
#define SHAPED_MAX 1500

int sock_send(struct sock *s, const void *buf, size_t len,
	      const struct sockaddr *to, socklen_t tolen,
	      const struct sock_shape *sh, uint32_t *txkey)
{
	union {
		char buf[2 * CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctrl;
	uint8_t pkt[SHAPED_MAX];
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh;
	struct cmsghdr *c;
	bool v6 = s->family == AF_INET6;

	/* Nothing to shape: sendto, which copies no msghdr (flood's path). */
	if (!sh || (!sh->hdrincl && sh->ttl < 0 && sh->tos < 0)) {
		if (sendto(s->fd, buf, len, 0, to, tolen) < 0)
			return -errno;
		*txkey = s->tx_count++;
		return 0;
	}
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = (void *)to;
	mh.msg_namelen = tolen;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (sh && sh->hdrincl) {
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
		memcpy(pkt + n, buf, len);
		iov.iov_base = pkt;
		iov.iov_len = (size_t)n + len;
	} else if (sh && (sh->ttl >= 0 || sh->tos >= 0)) {
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

int sock_send_many(struct sock *s, const struct sock_msg *m, unsigned n)
{
	struct mmsghdr mm[SOCK_SEND_MANY_MAX];
	struct iovec iov[SOCK_SEND_MANY_MAX];
	int rc;

	if (n > SOCK_SEND_MANY_MAX)
		n = SOCK_SEND_MANY_MAX;
	memset(mm, 0, n * sizeof(*mm));
	for (unsigned i = 0; i < n; i++) {
		iov[i].iov_base = (void *)m[i].buf;
		iov[i].iov_len = m[i].len;
		mm[i].msg_hdr.msg_name = (void *)m[i].to;
		mm[i].msg_hdr.msg_namelen = m[i].tolen;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	rc = sendmmsg(s->fd, mm, n, 0);
	if (rc < 0)
		return -errno;
	s->tx_count += (uint32_t)rc;
	return rc;
}

/* Room for the control messages we ask for: timestamps, TTL, TOS, errors. */
#define CTRL_LEN 512

static void parse_cmsgs(struct msghdr *mh, struct sock_rx *rx)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		const void *d = CMSG_DATA(c);
		size_t dlen = c->cmsg_len - CMSG_LEN(0);
		int v;

		if (c->cmsg_level == SOL_SOCKET) {
			if (c->cmsg_type == SCM_TIMESTAMPING &&
			    dlen >= sizeof(struct timespec)) {
				memcpy(&rx->kstamp, d, sizeof(struct timespec));
				rx->has_kstamp = rx->kstamp.tv_sec != 0 ||
						 rx->kstamp.tv_nsec != 0;
			} else if (c->cmsg_type == SCM_TIMESTAMPNS &&
				   dlen >= sizeof(struct timespec)) {
				memcpy(&rx->kstamp, d, sizeof(struct timespec));
				rx->has_kstamp = true;
			}
		} else if ((c->cmsg_level == IPPROTO_IP &&
			    c->cmsg_type == IP_RECVERR) ||
			   (c->cmsg_level == IPPROTO_IPV6 &&
			    c->cmsg_type == IPV6_RECVERR)) {
			struct sock_extended_err ee;
			const struct sockaddr *off;

			if (dlen < sizeof(ee))
				continue;
			memcpy(&ee, d, sizeof(ee));
			rx->ee.err = (int)ee.ee_errno;
			rx->ee.origin = ee.ee_origin;
			rx->ee.type = ee.ee_type;
			rx->ee.code = ee.ee_code;
			rx->ee.info = ee.ee_info;
			if (ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING) {
				rx->kind = SOCK_RX_TXSTAMP;
				rx->txkey = ee.ee_data;
				continue;
			}
			off = SO_EE_OFFENDER((struct sock_extended_err *)d);
			if (off->sa_family == AF_INET &&
			    dlen >= sizeof(ee) + sizeof(struct sockaddr_in)) {
				memcpy(&rx->ee.offender, off, sizeof(struct sockaddr_in));
				rx->ee.has_offender = true;
			} else if (off->sa_family == AF_INET6 &&
				   dlen >= sizeof(ee) + sizeof(struct sockaddr_in6)) {
				memcpy(&rx->ee.offender, off, sizeof(struct sockaddr_in6));
				rx->ee.has_offender = true;
			}
		} else if (c->cmsg_level == IPPROTO_IP && dlen >= 1) {
			if (c->cmsg_type == IP_TTL && dlen >= sizeof(int)) {
				memcpy(&v, d, sizeof(v));
				rx->ttl = v;
			} else if (c->cmsg_type == IP_TOS) {
				rx->tos = *(const uint8_t *)d;
			}
		} else if (c->cmsg_level == IPPROTO_IPV6 && dlen >= sizeof(int)) {
			memcpy(&v, d, sizeof(v));
			if (c->cmsg_type == IPV6_HOPLIMIT)
				rx->ttl = v;
			else if (c->cmsg_type == IPV6_TCLASS)
				rx->tos = v;
		}
	}
}

static int recv_batch(struct sock *s, struct sock_rx *rx, unsigned n, int flags)
{
	enum { MAXB = 32 };
	struct mmsghdr mm[MAXB];
	struct iovec iov[MAXB];
	union {
		char buf[CTRL_LEN];
		struct cmsghdr align;
	} ctrl[MAXB];
	struct timespec now;
	int got, i;

	if (n > MAXB)
		n = MAXB;
	for (unsigned k = 0; k < n; k++) {
		iov[k].iov_base = rx[k].buf;
		iov[k].iov_len = sizeof(rx[k].buf);
		memset(&mm[k], 0, sizeof(mm[k]));
		mm[k].msg_hdr.msg_name = &rx[k].from;
		mm[k].msg_hdr.msg_namelen = sizeof(rx[k].from);
		mm[k].msg_hdr.msg_iov = &iov[k];
		mm[k].msg_hdr.msg_iovlen = 1;
		mm[k].msg_hdr.msg_control = ctrl[k].buf;
		mm[k].msg_hdr.msg_controllen = sizeof(ctrl[k].buf);
	}
	if (n == 1) {
		/* One wanted (flood's one probe in flight): recvmsg does less
		 * work in the kernel than a batch of one. */
		ssize_t len = recvmsg(s->fd, &mm[0].msg_hdr, flags | MSG_DONTWAIT);

		got = len < 0 ? -1 : 1;
		mm[0].msg_len = len < 0 ? 0 : (unsigned)len;
	} else {
		got = recvmmsg(s->fd, mm, n, flags | MSG_DONTWAIT, NULL);
	}
	if (got < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (i = 0; i < got; i++) {
		struct sock_rx *r = &rx[i];

		r->kind = (flags & MSG_ERRQUEUE) ? SOCK_RX_ERROR : SOCK_RX_DATA;
		r->len = mm[i].msg_len;
		r->truncated = (mm[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
		if (r->len > sizeof(r->buf))
			r->len = sizeof(r->buf);
		r->fromlen = mm[i].msg_hdr.msg_namelen;
		r->has_kstamp = false;
		r->mono = now;
		r->ttl = -1;
		r->tos = -1;
		r->ifindex = 0;
		r->txkey = 0;
		memset(&r->ee, 0, sizeof(r->ee));
		parse_cmsgs(&mm[i].msg_hdr, r);
	}
	return got;
}

int sock_recv(struct sock *s, struct sock_rx *rx, unsigned n)
{
	return recv_batch(s, rx, n, 0);
}

int sock_recv_errqueue(struct sock *s, struct sock_rx *rx, unsigned n)
{
	return recv_batch(s, rx, n, MSG_ERRQUEUE);
}
