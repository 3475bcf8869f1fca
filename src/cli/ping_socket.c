/* `ping`: the source address (-I) and the socket with its options. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/random.h>

#include "ping_run.h"
#include "../wire/wire.h"

/* The line a user sees when no socket can be had: what failed and both
 * ways to fix it. */
static void no_socket(const char *prog, const struct sock_open_err *e,
		      bool need_raw)
{
	if (need_raw)
		fprintf(stderr,
			"%s: cannot open a raw socket (needed for the options given): %s; "
			"give the binary CAP_NET_RAW (setcap cap_net_raw+ep) or run as root\n",
			prog, strerror(e->raw_errno));
	else
		fprintf(stderr,
			"%s: cannot open an ICMP socket: raw: %s, datagram: %s; "
			"give the binary CAP_NET_RAW (setcap cap_net_raw+ep) or allow "
			"your group in sysctl net.ipv4.ping_group_range\n",
			prog, strerror(e->raw_errno), strerror(e->dgram_errno));
}

void ping_msg(const struct ping_run *r, const char *fmt, ...)
{
	va_list ap;

	/* As glibc's error(): what stdout holds goes first. */
	fflush(stdout);
	fprintf(stderr, "%s: ", r->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

uint16_t ping_random_id(void)
{
	uint16_t id;

	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = (uint16_t)getpid();
	return id;
}

/* -I: an address to send from, or an interface to send through. */
int ping_setup_source(struct ping_run *r, int family)
{
	struct ping_opts *o = &r->o;
	int rc;

	if (o->iface) {
		unsigned char buf[16];
		char addr[INET6_ADDRSTRLEN + 1] = "";
		const char *pct = strchr(o->iface, '%');

		/* An IPv6 source may name its interface, as iputils reads
		 * it: fe80::1%eth0 binds to the address and the device. */
		if (strchr(o->iface, ':') && pct) {
			if ((size_t)(pct - o->iface) < sizeof(addr))
				memcpy(addr, o->iface, (size_t)(pct - o->iface));
			if (inet_pton(AF_INET6, addr, buf) != 1) {
				ping_msg(r, "invalid source address: %s", o->iface);
				return -1;
			}
			snprintf(r->devbuf, sizeof(r->devbuf), "%s", pct + 1);
			if (if_nametoindex(r->devbuf) == 0) {
				ping_msg(r, "SO_BINDTODEVICE %s: %s", r->devbuf,
					 strerror(ENODEV));
				return -1;
			}
			r->device = r->devbuf;
		}
		if (inet_pton(AF_INET, o->iface, buf) == 1 ||
		    inet_pton(AF_INET6, r->device ? addr : o->iface, buf) == 1) {
			int fam = inet_pton(AF_INET, o->iface, buf) == 1 ?
				  AF_INET : AF_INET6;

			if (fam != family) {
				ping_msg(r, "%s: address family does not match the destination",
					o->iface);
				return -1;
			}
			memset(&r->src, 0, sizeof(r->src));
			r->src.ss_family = (sa_family_t)fam;
			if (fam == AF_INET)
				memcpy(&((struct sockaddr_in *)&r->src)->sin_addr, buf, 4);
			else
				memcpy(&((struct sockaddr_in6 *)&r->src)->sin6_addr, buf, 16);
			if (r->device)
				((struct sockaddr_in6 *)&r->src)->sin6_scope_id =
					if_nametoindex(r->device);
			r->have_src = true;
			r->src_given = true;
			return 0;
		}
		if (strchr(o->iface, ':')) {
			ping_msg(r, "invalid source address: %s", o->iface);
			return -1;
		}
		if (if_nametoindex(o->iface) == 0) {
			ping_msg(r, "SO_BINDTODEVICE %s: %s", o->iface,
				strerror(ENODEV));
			return -1;
		}
		r->device = o->iface;
	}
	rc = sock_route_source(family, (struct sockaddr *)&r->dst, r->dstlen,
			       r->device, &r->src);
	if (rc == -EACCES && family == AF_INET && !o->broadcast) {
		ping_msg(r, "Do you want to ping broadcast? Then -b. "
			"If not, check your local firewall rules");
		return -1;
	}
	if (rc < 0 && rc != -EACCES) {
		if (rc == -ENETUNREACH || rc == -EHOSTUNREACH) {
			ping_msg(r, "connect: %s", strerror(-rc));
			return -1;
		}
	}
	/* Only -I names the source in the header. */
	r->have_src = r->device != NULL && rc == 0;
	return 0;
}

int ping_resolve_hops(struct ping_run *r)
{
	for (int i = 0; i + 1 < r->o.noperands; i++) {
		struct sockaddr_storage ss;
		socklen_t sslen;
		char canon[256], rerr[1200];
		struct in_addr a;

		if (inet_aton(r->o.operands[i], &a)) {
			r->hops[r->nhops++] = a.s_addr;
			continue;
		}
		if (resolve_target(r->o.operands[i], AF_INET, &ss, &sslen, canon,
				   sizeof(canon), rerr, sizeof(rerr))) {
			ping_msg(r, "%s", rerr);
			return -1;
		}
		r->hops[r->nhops++] = ((struct sockaddr_in *)&ss)->sin_addr.s_addr;
	}
	return 0;
}

size_t ping_ip_optlen(const struct ping_run *r)
{
	if (r->dst.ss_family != AF_INET)
		return 0;
	return r->o.rroute || r->o.timestamp >= 0 || r->nhops ? WIRE_IP4_OPTS_MAX : 0;
}

int ping_ip_options(struct ping_run *r)
{
	const struct ping_opts *o = &r->o;
	uint8_t opts[WIRE_IP4_OPTS_MAX];
	size_t len;
	int rc;

	if (!ping_ip_optlen(r))
		return 0;
	if (o->rroute)
		len = wire_ip4_opts_rr(opts);
	else if (o->timestamp >= 0)
		len = wire_ip4_opts_ts(opts, (uint8_t)o->timestamp, r->hops, r->nhops);
	else                    /* -r makes the route strict, as iputils */
		len = wire_ip4_opts_srr(opts, o->dontroute, r->hops, r->nhops);
	rc = sock_ip_options(&r->sock, opts, len);
	if (rc < 0) {
		/* iputils' words, "record route" for a source route too. */
		ping_msg(r, "%s: %s", o->timestamp >= 0 ? "ts option" : "record route",
			 strerror(-rc));
		return -1;
	}
	return 0;
}

int ping_open_socket(struct ping_run *r, int family)
{
	struct ping_opts *o = &r->o;
	struct sock_open_err oe;
	struct sock_opts so;
	const char *what, *warn;
	int warn_err;
	/* A datagram socket shows no IP header, so the options that come
	 * back could not be printed. */
	bool need_raw = o->ident >= 0 || ping_ip_optlen(r);
	int rc;

	rc = sock_open(&r->sock, family, need_raw, &oe);
	if (rc < 0) {
		no_socket(r->prog, &oe, need_raw);
		return -1;
	}
	memset(&so, 0, sizeof(so));
	so.ttl = o->ttl;
	so.tos = o->tos;
	so.mark = o->mark;
	so.pmtudisc = o->pmtudisc;
	so.sndbuf = o->sndbuf;
	so.device = r->device;
	if (r->src_given || (o->strict_source && r->src.ss_family)) {
		so.source = (struct sockaddr *)&r->src;
		so.source_len = family == AF_INET6 ? sizeof(struct sockaddr_in6) :
						     sizeof(struct sockaddr_in);
	}
	so.broadcast = o->broadcast;
	so.no_mcast_loop = o->no_mcast_loop;
	so.debug = o->debug;
	so.dontroute = o->dontroute;
	/* Flood does without the kernel's send stamps (one system call less
	 * per probe: the send time is read just before sending) but keeps the
	 * receive stamps, or replies queued behind a preload would be timed
	 * when read, not when they came.  -U asks for user-to-user times. */
	so.timestamps = o->user_latency ? SOCK_TS_NONE :
			o->flood ? SOCK_TS_RX : SOCK_TS_RXTX;
	/* Big enough for a burst of replies at flood speed. */
	so.rcvbuf = o->flood || o->preload > 1 ? 1 << 20 : 0;
	rc = sock_apply(&r->sock, &so, &what, &warn, &warn_err);
	if (warn && !strcmp(warn, "SO_MARK"))
		ping_msg(r, "WARNING: failed to set mark: %lld: %s",
			(long long)o->mark, strerror(-warn_err));
	else if (warn)
		ping_msg(r, "WARNING: %s: %s", warn, strerror(-warn_err));
	if (rc < 0) {
		if (!strcmp(what, "SO_BINDTODEVICE"))
			ping_msg(r, "SO_BINDTODEVICE %s: %s", r->device,
				strerror(-rc));
		else if (!strcmp(what, "bind"))
			ping_msg(r, "bind: %s", strerror(-rc));
		else if (!strcmp(what, "IP_TTL"))       /* -t 0 on IPv4 */
			ping_msg(r, "cannot set unicast time-to-live: %s",
				strerror(-rc));
		else if (!strcmp(what, "IP_MULTICAST_TTL"))
			ping_msg(r, "cannot set multicast time-to-live: %s",
				strerror(-rc));
		else
			ping_msg(r, "%s: %s", what, strerror(-rc));
		return -1;
	}
	if (o->has_flowlabel && family == AF_INET6) {
		struct sockaddr_in6 *d6 = (struct sockaddr_in6 *)&r->dst;
		bool leased;

		rc = sock_flowlabel(&r->sock, d6, o->flowlabel, &leased);
		if (rc < 0) {
			/* iputils' two messages, one per step. */
			ping_msg(r, leased ? "can't send flowinfo: %s" :
					     "can't set flowlabel: %s", strerror(-rc));
			return -1;
		}
		d6->sin6_flowinfo = htonl(o->flowlabel & 0xfffff);
	}
	if (o->do_connect) {
		rc = sock_connect(&r->sock, (struct sockaddr *)&r->dst, r->dstlen);
		if (rc < 0) {
			ping_msg(r, "connect: %s", strerror(-rc));
			return -1;
		}
	}
	return 0;
}
