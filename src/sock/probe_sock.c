/* traceroute's sockets: open per method, options, sends with a per-probe
 * TTL.  Receiving goes through sock_recv / sock_recv_errqueue (sock.c). */
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>

#include "sock.h"
#include "sock_int.h"

#define STEP(expr, name)                                                    \
	do {                                                                \
		int rc_ = (expr);                                           \
		if (rc_ < 0) {                                              \
			e->what = (name);                                   \
			e->err = rc_;                                       \
			return rc_;                                         \
		}                                                           \
	} while (0)

static void sock_init(struct sock *s, int family)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->family = family;
}

static int open_fd(struct sock *s, int family, int type, int proto,
		   enum sock_kind kind)
{
	int fd = socket(family, type | SOCK_CLOEXEC, proto);

	if (fd < 0)
		return -errno;
	s->fd = fd;
	s->family = family;
	s->kind = kind;
	return 0;
}

/* A raw ICMP socket that only wakes for what a trace can use. */
static int icmp_filter(struct sock *s, struct probe_sock_err *e)
{
	if (s->family == AF_INET6) {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f);
		ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &f);
		ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &f);
		ICMP6_FILTER_SETPASS(ICMP6_PARAM_PROB, &f);
		if (setsockopt(s->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f,
			       sizeof(f)) < 0)
			STEP(-errno, "ICMP6_FILTER");
	} else {
		uint32_t mask = ~(1u << ICMP_ECHOREPLY | 1u << ICMP_DEST_UNREACH |
				  1u << ICMP_TIME_EXCEEDED | 1u << ICMP_PARAMETERPROB);

		if (setsockopt(s->fd, SOL_RAW, ICMP_FILTER, &mask,
			       sizeof(mask)) < 0)
			STEP(-errno, "ICMP_FILTER");
	}
	return 0;
}

/* Options of a socket that receives: kernel arrival stamps, the TTL of
 * what arrives, and the error queue when errors come that way. */
static int rx_opts(struct sock *s, bool recverr, int rcvbuf,
		   struct probe_sock_err *e)
{
	if (sock_setint(s->fd, SOL_SOCKET, SO_TIMESTAMPNS, 1) < 0) {
		/* Without stamps the RTT is user to user: still an RTT. */
	}
	if (rcvbuf > 0)
		(void)sock_setint(s->fd, SOL_SOCKET, SO_RCVBUF, rcvbuf);
	if (s->family == AF_INET6) {
		if (recverr)
			STEP(sock_setint(s->fd, IPPROTO_IPV6, IPV6_RECVERR, 1),
			     "IPV6_RECVERR");
		STEP(sock_setint(s->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1),
		     "IPV6_RECVHOPLIMIT");
	} else {
		if (recverr)
			STEP(sock_setint(s->fd, IPPROTO_IP, IP_RECVERR, 1), "IP_RECVERR");
		if (s->kind != SOCK_KIND_RAW)
			STEP(sock_setint(s->fd, IPPROTO_IP, IP_RECVTTL, 1), "IP_RECVTTL");
	}
	return 0;
}

/* Options of the socket that sends. */
static int tx_opts(struct sock *s, const struct probe_sock_opts *o,
		   struct probe_sock_err *e)
{
	int fd = s->fd;

	if (o->device &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->device,
		       (socklen_t)strlen(o->device) + 1) < 0)
		STEP(-errno, "SO_BINDTODEVICE");
	if (o->dontroute)
		STEP(sock_setint(fd, SOL_SOCKET, SO_DONTROUTE, 1), "SO_DONTROUTE");
	if (s->family == AF_INET6) {
		/* Probes are never fragmented by us: DF is IPv6's only mode;
		 * -F also ignores a path MTU the kernel learnt. */
		STEP(sock_setint(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER,
			    o->dontfrag ? IPV6_PMTUDISC_PROBE : IPV6_PMTUDISC_DONT),
		     "IPV6_MTU_DISCOVER");
		if (o->tos >= 0)
			STEP(sock_setint(fd, IPPROTO_IPV6, IPV6_TCLASS, o->tos),
			     "IPV6_TCLASS");
	} else {
		STEP(sock_setint(fd, IPPROTO_IP, IP_MTU_DISCOVER,
			    o->dontfrag ? IP_PMTUDISC_PROBE : IP_PMTUDISC_DONT),
		     "IP_MTU_DISCOVER");
		if (o->tos >= 0)
			STEP(sock_setint(fd, IPPROTO_IP, IP_TOS, o->tos), "IP_TOS");
	}
	return 0;
}

static uint16_t random_port(void)
{
	uint16_t r;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint16_t)getpid();
	/* The kernel's default ephemeral range, 32768..60999. */
	return (uint16_t)(32768 + r % (61000 - 32768));
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(port);
}

static uint16_t get_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

/* Raw UDP: an ordinary UDP socket holds our source port for the run, so
 * that nothing else on the host takes it (and the kernel answers no
 * target's reply with a Port Unreachable).  Bound now, while privileged,
 * to the wildcard address: a --sport below 1024 needs
 * CAP_NET_BIND_SERVICE, and the route's source address is not known
 * before the name is resolved, which is after every privilege is gone.
 * An IPv6 one holds the IPv6 port only. */
static int hold_port(struct probe_socks *ps, uint16_t sport,
		     struct probe_sock_err *e)
{
	struct sockaddr_storage any;
	socklen_t len = ps->family == AF_INET6 ? sizeof(struct sockaddr_in6) :
						 sizeof(struct sockaddr_in);

	ps->hold_fd = socket(ps->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ps->hold_fd < 0)
		STEP(-errno, "socket");
	if (ps->family == AF_INET6)
		STEP(sock_setint(ps->hold_fd, IPPROTO_IPV6, IPV6_V6ONLY, 1),
		     "IPV6_V6ONLY");
	memset(&any, 0, sizeof(any));
	any.ss_family = (sa_family_t)ps->family;
	set_port(&any, sport);
	if (bind(ps->hold_fd, (struct sockaddr *)&any, len) < 0)
		STEP(-errno, "bind");
	if (getsockname(ps->hold_fd, (struct sockaddr *)&any, &len) < 0)
		STEP(-errno, "getsockname");
	ps->sport = get_port(&any);
	return 0;
}

/* Bind tx to the source address (ours or the route's) and a port, then
 * read back what the kernel gave.  After the name: needs no privilege
 * (a datagram socket's --sport below 1024 would, but a datagram socket
 * is what a run without CAP_NET_RAW has, so it never had that one). */
static int bind_tx(struct probe_socks *ps, const struct probe_sock_opts *o,
		   struct probe_sock_err *e)
{
	socklen_t len = ps->family == AF_INET6 ? sizeof(struct sockaddr_in6) :
						 sizeof(struct sockaddr_in);
	struct sockaddr_storage bound;
	int fd = ps->tx.fd;
	int rc;

	memset(&ps->src, 0, sizeof(ps->src));
	if (o->source) {
		memcpy(&ps->src, o->source, o->source_len);
	} else {
		rc = sock_route_source(ps->family, o->dst, o->dstlen, o->device,
				       &ps->src);
		if (rc < 0)
			STEP(rc, "connect");
	}
	if (ps->family == AF_INET6)
		((struct sockaddr_in6 *)&ps->src)->sin6_flowinfo = 0;
	set_port(&ps->src, 0);
	if (ps->tx.kind == SOCK_KIND_RAW &&
	    bind(fd, (struct sockaddr *)&ps->src, len) < 0)
		STEP(-errno, "bind");
	ps->srclen = len;
	if (ps->method == PROBE_TCP) {
		/* A raw socket has no port: the probes carry ours. */
		ps->sport = o->sport ? o->sport : random_port();
		set_port(&ps->src, ps->sport);
		return 0;
	}
	if (ps->hold_fd >= 0) {
		/* Raw UDP: the port the hold socket has (hold_port). */
		set_port(&ps->src, ps->sport);
		return 0;
	}
	bound = ps->src;
	if (ps->method == PROBE_UDP)
		set_port(&bound, o->sport);
	if (ps->tx.kind != SOCK_KIND_RAW &&
	    bind(fd, (struct sockaddr *)&bound, len) < 0)
		STEP(-errno, "bind");
	if (getsockname(fd, (struct sockaddr *)&bound, &len) < 0)
		STEP(-errno, "getsockname");
	ps->sport = get_port(&bound);
	set_port(&ps->src, ps->method == PROBE_UDP ? ps->sport : 0);
	return 0;
}

/* The MTU a probe too big for the first link (with -F) is refused at:
 * the device's (-F sets IP_PMTUDISC_PROBE, which ignores what the kernel
 * learnt of the path), found before the sandbox forbids asking.  The
 * device is -i, or the one that holds the route's source address. */
static int link_mtu(int family, const struct sockaddr *dst, socklen_t len,
		    const char *device)
{
	struct sockaddr_storage d, src;
	struct ifaddrs *ifa = NULL;
	struct ifreq ifr;
	socklen_t sl = sizeof(src);
	int fd, mtu = 0;

	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	if (device) {
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", device);
	} else {
		memcpy(&d, dst, len);
		set_port(&d, 1025);
		if (connect(fd, (struct sockaddr *)&d, len) == 0 &&
		    getsockname(fd, (struct sockaddr *)&src, &sl) == 0 &&
		    getifaddrs(&ifa) == 0) {
			for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
				const struct sockaddr *a = i->ifa_addr;

				if (!a || a->sa_family != family)
					continue;
				if (family == AF_INET6 ?
				    !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
					    &((struct sockaddr_in6 *)&src)->sin6_addr, 16) :
				    ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
				    ((struct sockaddr_in *)&src)->sin_addr.s_addr) {
					snprintf(ifr.ifr_name, sizeof(ifr.ifr_name),
						 "%s", i->ifa_name);
					break;
				}
			}
			freeifaddrs(ifa);
		}
	}
	if (ifr.ifr_name[0] && ioctl(fd, SIOCGIFMTU, &ifr) == 0)
		mtu = ifr.ifr_mtu;
	close(fd);
	return mtu;
}

int probe_sock_open(struct probe_socks *ps, int family, enum probe_method m,
		    const struct probe_sock_opts *o, struct probe_sock_err *e)
{
	int icmp_proto = family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	int rc;

	memset(ps, 0, sizeof(*ps));
	memset(e, 0, sizeof(*e));
	ps->family = family;
	ps->method = m;
	sock_init(&ps->tx, family);
	sock_init(&ps->icmp, family);
	ps->hold_fd = -1;

	switch (m) {
	case PROBE_UDP:
		/* With CAP_NET_RAW: UDP built here, sent on a raw socket, and
		 * the errors read whole from a raw ICMP socket (their quote
		 * names the probe by its UDP checksum; extensions come along).
		 * Without: an ordinary UDP socket and its error queue. */
		if (open_fd(&ps->tx, family, SOCK_RAW, IPPROTO_UDP,
			    SOCK_KIND_RAW) == 0 &&
		    open_fd(&ps->icmp, family, SOCK_RAW, icmp_proto,
			    SOCK_KIND_RAW) == 0) {
			rc = icmp_filter(&ps->icmp, e);
			if (rc == 0)
				rc = rx_opts(&ps->icmp, false, o->rcvbuf, e);
			if (rc < 0)
				return rc;
			break;
		}
		sock_close(&ps->tx);
		STEP(open_fd(&ps->tx, family, SOCK_DGRAM, IPPROTO_UDP,
			     SOCK_KIND_DGRAM), "socket");
		ps->errqueue = true;
		break;
	case PROBE_ICMP:
		if (open_fd(&ps->tx, family, SOCK_RAW, icmp_proto,
			    SOCK_KIND_RAW) == 0) {
			STEP(icmp_filter(&ps->tx, e), e->what);
		} else {
			int raw_err = -errno;

			rc = open_fd(&ps->tx, family, SOCK_DGRAM, icmp_proto,
				     SOCK_KIND_DGRAM);
			if (rc < 0) {
				/* Neither: name the raw failure, it is the
				 * one a privilege fixes. */
				e->need_raw = raw_err == -EPERM || raw_err == -EACCES;
				STEP(rc == -EACCES ? raw_err : rc, "socket");
			}
			ps->errqueue = true;
		}
		break;
	case PROBE_TCP:
		rc = open_fd(&ps->tx, family, SOCK_RAW, IPPROTO_TCP, SOCK_KIND_RAW);
		if (rc == 0)
			rc = open_fd(&ps->icmp, family, SOCK_RAW, icmp_proto,
				     SOCK_KIND_RAW);
		if (rc < 0) {
			e->need_raw = rc == -EPERM || rc == -EACCES;
			STEP(rc, "socket");
		}
		STEP(icmp_filter(&ps->icmp, e), e->what);
		STEP(rx_opts(&ps->icmp, false, o->rcvbuf, e), e->what);
		break;
	default:
		STEP(-EINVAL, "method");
	}
	rc = tx_opts(&ps->tx, o, e);
	if (rc == 0)
		rc = rx_opts(&ps->tx, ps->errqueue, o->rcvbuf, e);
	if (rc == 0 && ps->icmp.fd >= 0 && o->device &&
	    setsockopt(ps->icmp.fd, SOL_SOCKET, SO_BINDTODEVICE, o->device,
		       (socklen_t)strlen(o->device) + 1) < 0) {
		e->what = "SO_BINDTODEVICE";
		rc = e->err = -errno;
	}
	if (rc == 0 && m == PROBE_UDP && ps->tx.kind == SOCK_KIND_RAW)
		rc = hold_port(ps, o->sport, e);
	return rc;
}

int probe_sock_bind(struct probe_socks *ps, const struct probe_sock_opts *o,
		    struct probe_sock_err *e)
{
	int rc;

	memset(e, 0, sizeof(*e));
	rc = bind_tx(ps, o, e);
	/* Only a probe that may not be fragmented (-F, --mtu) can be too
	 * big to send. */
	if (rc == 0 && o->dontfrag)
		ps->mtu = link_mtu(ps->family, o->dst, o->dstlen, o->device);
	if (rc == 0)
		sock_stamps_settle();   /* once, for both sockets */
	return rc;
}

void probe_sock_close(struct probe_socks *ps)
{
	sock_close(&ps->tx);
	sock_close(&ps->icmp);
	if (ps->hold_fd >= 0)
		close(ps->hold_fd);
	ps->hold_fd = -1;
}
