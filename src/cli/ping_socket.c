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

#include "cli.h"
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

/* -I: an address to send from, or an interface to send through.  No
 * name is looked up here: an address is numeric, a device a name of the
 * kernel's. */
static int parse_iface(struct ping_run *r)
{
	struct ping_opts *o = &r->o;
	unsigned char buf[16];
	int fam;

	char addr[INET6_ADDRSTRLEN + 1] = "";
	const char *pct;

	if (!o->iface)
		return 0;
	pct = strchr(o->iface, '%');
	/* An IPv6 source may name its interface, as iputils reads it:
	 * fe80::1%eth0 binds to the address and the device. */
	if (strchr(o->iface, ':') && pct) {
		if ((size_t)(pct - o->iface) < sizeof(addr))
			memcpy(addr, o->iface, (size_t)(pct - o->iface));
		if (inet_pton(AF_INET6, addr, buf) != 1) {
			ping_msg(r, "invalid source address: %s", o->iface);
			return -1;
		}
		snprintf(r->devbuf, sizeof(r->devbuf), "%s", pct + 1);
		if (if_nametoindex(r->devbuf) == 0) {
			ping_msg(r, "SO_BINDTODEVICE %s: %s", r->devbuf, strerror(ENODEV));
			return -1;
		}
		r->device = r->devbuf;
	}
	fam = inet_pton(AF_INET, o->iface, buf) == 1 ? AF_INET :
	      inet_pton(AF_INET6, r->device ? addr : o->iface, buf) == 1 ? AF_INET6 :
	      AF_UNSPEC;
	if (fam == AF_UNSPEC) {
		if (strchr(o->iface, ':')) {
			ping_msg(r, "invalid source address: %s", o->iface);
			return -1;
		}
		if (if_nametoindex(o->iface) == 0) {
			ping_msg(r, "SO_BINDTODEVICE %s: %s", o->iface, strerror(ENODEV));
			return -1;
		}
		r->device = o->iface;
		return 0;
	}
	memset(&r->src, 0, sizeof(r->src));
	r->src.ss_family = (sa_family_t)fam;
	if (fam == AF_INET)
		memcpy(&((struct sockaddr_in *)&r->src)->sin_addr, buf, 4);
	else
		memcpy(&((struct sockaddr_in6 *)&r->src)->sin6_addr, buf, 16);
	if (fam == AF_INET6 && r->device)
		((struct sockaddr_in6 *)&r->src)->sin6_scope_id = if_nametoindex(r->device);
	r->have_src = r->iface_addr = true;
	return 0;
}

/* After the name: the route's source address (the header shows it with
 * -I, -B binds to it), and -I's address family checked against the
 * destination's.  A connected UDP socket asks the kernel; no privilege. */
static int route_source(struct ping_run *r, int family)
{
	struct ping_opts *o = &r->o;
	int rc;

	if (r->iface_addr) {
		if (r->src.ss_family != family) {
			ping_msg(r, "%s: address family does not match the destination",
				o->iface);
			return -1;
		}
		return 0;
	}
	rc = sock_route_source(family, (struct sockaddr *)&r->dst, r->dstlen,
			       r->device, &r->src);
	if (rc == -EACCES && family == AF_INET && !o->broadcast) {
		ping_msg(r, "Do you want to ping broadcast? Then -b. "
			 "If not, check your local firewall rules");
		return -1;
	}
	if (rc == -ENETUNREACH || rc == -EHOSTUNREACH) {
		ping_msg(r, "connect: %s", strerror(-rc));
		return -1;
	}
	/* Only -I names the source in the header. */
	r->have_src = r->device != NULL && rc == 0;
	return 0;
}

/* An option failed: say which, as iputils words it. */
static void option_failed(struct ping_run *r, const char *what, int rc)
{
	if (!strcmp(what, "SO_BINDTODEVICE"))
		ping_msg(r, "SO_BINDTODEVICE %s: %s", r->device,
			strerror(-rc));
	else if (!strcmp(what, "bind"))
		ping_msg(r, "bind: %s", strerror(-rc));
	else if (!strcmp(what, "IP_TTL"))       /* -t 0 on IPv4 */
		ping_msg(r, "cannot set unicast time-to-live: %s", strerror(-rc));
	else if (!strcmp(what, "IP_MULTICAST_TTL"))
		ping_msg(r, "cannot set multicast time-to-live: %s", strerror(-rc));
	else
		ping_msg(r, "%s: %s", what, strerror(-rc));
}

/* Options only a raw socket honours: -e, -N (the kernel's ICMPv6
 * datagram socket sends echo requests only; iputils asks for raw sockets
 * of both families), and IPv4's -R, -T and hops (a datagram socket shows
 * no IP header, so the options that come back could not be printed). */
static bool need_raw(const struct ping_run *r, int family)
{
	const struct ping_opts *o = &r->o;

	return o->ident >= 0 || o->ni_given || (family == AF_INET &&
				 (o->rroute || o->timestamp >= 0 || o->noperands > 1));
}

/* The hops before the target (IPv4), after the privileges are gone: a
 * name among them is looked up as the target is. */
static int resolve_hops(struct ping_run *r)
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

/* Open a socket of family with every option that does not depend on the
 * destination (some of which need a privilege: SO_MARK and SO_DEBUG want
 * CAP_NET_ADMIN).  What went wrong is kept in *pre, to be said only if
 * this family is the one the destination has. */
static void open_one(struct ping_run *r, struct sock *s, int family,
		     struct ping_presock *pre)
{
	struct ping_opts *o = &r->o;
	struct sock_opts so;

	memset(pre, 0, sizeof(*pre));
	if (sock_open(s, family, need_raw(r, family), &pre->oe) < 0) {
		pre->no_socket = true;
		return;
	}
	memset(&so, 0, sizeof(so));
	so.ttl = o->ttl;
	so.tos = o->tos;
	so.mark = o->mark;
	so.pmtudisc = o->pmtudisc;
	so.sndbuf = o->sndbuf;
	so.device = r->device;
	/* -I ADDRESS: bound now; -B binds to the route's source, later. */
	if (r->iface_addr && r->src.ss_family == family) {
		so.source = (struct sockaddr *)&r->src;
		so.source_len = family == AF_INET6 ? sizeof(struct sockaddr_in6) :
						     sizeof(struct sockaddr_in);
	}
	so.broadcast = o->broadcast;
	so.no_mcast_loop = o->no_mcast_loop;
	so.debug = o->debug;
	so.dontroute = o->dontroute;
	so.ni_replies = o->ni.qtype >= 0;
	/* Flood does without the kernel's send stamps (one system call less
	 * per probe: the send time is read just before sending) but keeps the
	 * receive stamps, or replies queued behind a preload would be timed
	 * when read, not when they came.  -U asks for user-to-user times. */
	so.timestamps = o->user_latency ? SOCK_TS_NONE :
			o->flood ? SOCK_TS_RX : SOCK_TS_RXTX;
	/* Big enough for a burst of replies at flood speed. */
	so.rcvbuf = o->flood || o->preload > 1 ? 1 << 20 : 0;
	pre->err = sock_apply(s, &so, &pre->what, &pre->warn, &pre->warn_err);
	if (pre->err < 0)
		sock_close(s);
}

/* --tcp's options for probe_sock_open (before the name) and
 * probe_sock_bind (after). */
static void tcp_opts(const struct ping_run *r, struct probe_sock_opts *so)
{
	const struct ping_opts *o = &r->o;

	memset(so, 0, sizeof(*so));
	so->dst = (const struct sockaddr *)&r->dst;
	so->dstlen = r->dstlen;
	so->device = r->device;
	if (r->iface_addr) {
		so->source = (const struct sockaddr *)&r->src;
		so->source_len = r->src.ss_family == AF_INET6 ?
				 sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	}
	so->tos = o->tos;
	so->dontroute = o->dontroute;
}

static void tcp_error(const struct ping_run *r, const struct probe_sock_err *e,
		      const char *device)
{
	if (e->need_raw)
		ping_msg(r, "TCP probes need a raw socket: %s; run as root "
			 "or give the binary CAP_NET_RAW (setcap cap_net_raw+ep)",
			strerror(-e->err));
	else if (e->what && !strcmp(e->what, "SO_BINDTODEVICE"))
		ping_msg(r, "SO_BINDTODEVICE %s: %s", device,
			strerror(-e->err));
	else
		ping_msg(r, "%s: %s", e->what ? e->what : "socket",
			strerror(-e->err));
}

/* --tcp: the TCP kind's sockets (a raw TCP one, a raw ICMP one for the
 * errors), for one family or both, as open_sockets does for ICMP. */
static int open_tcp(struct ping_run *r)
{
	struct probe_socks *ps[2] = { &r->tcp_socks, &r->tcp_spare };
	int fam[2] = { AF_INET, AF_INET6 };
	int n = r->o.family == AF_UNSPEC ? 2 : 1;
	struct probe_sock_opts so;

	if (n == 1)
		fam[0] = r->o.family;
	tcp_opts(r, &so);
	for (int i = 0; i < n; i++) {
		r->tcp_rc[i] = probe_sock_open(ps[i], fam[i], PROBE_TCP, &so,
					       &r->tcp_err[i]);
		if (r->tcp_rc[i] < 0)
			probe_sock_close(ps[i]);
	}
	if (n == 1)
		r->tcp_rc[1] = r->tcp_rc[0], r->tcp_err[1] = r->tcp_err[0];
	if (r->tcp_rc[0] < 0 && r->tcp_rc[1] < 0) {
		tcp_error(r, &r->tcp_err[0], r->device);
		return -1;
	}
	return 0;
}

/* --tcp, the name known: the family's sockets, bound to the route's
 * source (probe_sock_bind needs no privilege). */
static int pick_tcp(struct ping_run *r, int family)
{
	struct probe_sock_opts so;
	struct probe_sock_err se;
	int i = 0;

	if (r->o.family == AF_UNSPEC && family == AF_INET6) {
		probe_sock_close(&r->tcp_socks);
		r->tcp_socks = r->tcp_spare;
		r->tcp_spare.tx.fd = r->tcp_spare.icmp.fd = r->tcp_spare.hold_fd = -1;
		i = 1;
	} else {
		probe_sock_close(&r->tcp_spare);
	}
	if (r->tcp_rc[i] < 0) {
		tcp_error(r, &r->tcp_err[i], r->device);
		return -1;
	}
	if (route_source(r, family) < 0)
		return -1;
	tcp_opts(r, &so);
	if (probe_sock_bind(&r->tcp_socks, &so, &se) < 0) {
		tcp_error(r, &se, r->device);
		return -1;
	}
	return 0;
}

/* The sockets, while privileged: for the family asked for, or, when the
 * name will decide, for IPv4 and for IPv6 (as iputils, which also opens
 * both first).  r->sock is IPv4's (or the only one), r->spare IPv6's. */
static int open_sockets(struct ping_run *r)
{
	if (r->o.tcp_port)
		return open_tcp(r);
	if (r->o.family != AF_UNSPEC) {
		open_one(r, &r->sock, r->o.family, &r->pre[0]);
		r->spare.fd = -1;
		r->pre[1] = r->pre[0];
	} else {
		open_one(r, &r->sock, AF_INET, &r->pre[0]);
		open_one(r, &r->spare, AF_INET6, &r->pre[1]);
	}
	/* Neither family has a socket: no name can help. */
	if (r->pre[0].no_socket && r->pre[1].no_socket) {
		no_socket(r->prog, &r->pre[0].oe, need_raw(r, AF_INET));
		return -1;
	}
	return 0;
}

/* The resolved family's socket becomes r->sock, the other is closed, and
 * what went wrong opening it is said now. */
static int pick_socket(struct ping_run *r, int family)
{
	const struct ping_presock *pre = &r->pre[0];

	if (r->o.family == AF_UNSPEC && family == AF_INET6) {
		sock_close(&r->sock);
		r->sock = r->spare;
		r->spare.fd = -1;
		pre = &r->pre[1];
	} else {
		sock_close(&r->spare);
	}
	if (pre->warn && !strcmp(pre->warn, "SO_MARK"))
		ping_msg(r, "WARNING: failed to set mark: %lld: %s",
			(long long)r->o.mark, strerror(-pre->warn_err));
	else if (pre->warn)
		ping_msg(r, "WARNING: %s: %s", pre->warn,
			strerror(-pre->warn_err));
	if (pre->no_socket) {
		no_socket(r->prog, &pre->oe, need_raw(r, family));
		return -1;
	}
	if (pre->err < 0) {
		option_failed(r, pre->what, pre->err);
		return -1;
	}
	return 0;
}

/* What depends on the destination, none of which needs a privilege: the
 * route's source (-B binds to it), the flow label's lease (-F), connect
 * (-C). */
static int finish_socket(struct ping_run *r, int family)
{
	struct ping_opts *o = &r->o;
	int rc;

	if (route_source(r, family) < 0)
		return -1;
	if (o->strict_source && !r->iface_addr && r->src.ss_family == family) {
		rc = sock_bind(&r->sock, (struct sockaddr *)&r->src,
			       family == AF_INET6 ? sizeof(struct sockaddr_in6) :
						    sizeof(struct sockaddr_in));
		if (rc < 0) {
			option_failed(r, "bind", rc);
			return -1;
		}
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

int ping_prepare(struct ping_run *r)
{
	char rerr[1200];
	int rc;

	/* 1. While privileged: the sockets, with every option that does
	 *    not depend on the destination. */
	if (parse_iface(r) < 0 || open_sockets(r) < 0)
		return 2;
	/* 2. Every privilege goes before any name is looked up: no line of
	 *    /etc/hosts, no DNS answer and no libidn2 is ever read by a
	 *    process that holds one (iputils' order too). */
	rc = sock_drop_privileges();
	if (rc < 0) {
		ping_msg(r, "cannot drop privileges: %s", strerror(-rc));
		return 2;
	}
	/* 3. -N's subject (an address or a name), then the name, then what
	 *    depends on it. */
	rc = ping_ni_subject(r);
	if (rc)
		return rc;
	rc = resolve_target(r->o.target, r->o.family, &r->dst, &r->dstlen,
			    r->canon, sizeof(r->canon), rerr, sizeof(rerr));
	if (rc) {
		ping_msg(r, "%s", rerr);
		return 2;
	}
	rc = ping_opts_check_family(&r->o, r->dst.ss_family, rerr, sizeof(rerr));
	if (rc != PING_OPTS_OK) {
		if (rerr[0])
			ping_msg(r, "%s", rerr);
		else
			r->usage = true;        /* cli_ping prints it */
		return rc;
	}
	if (r->o.tcp_port)
		return pick_tcp(r, r->dst.ss_family) < 0 ? 2 : 0;
	if (r->dst.ss_family == AF_INET && resolve_hops(r) < 0)
		return 2;
	if (pick_socket(r, r->dst.ss_family) < 0 ||
	    finish_socket(r, r->dst.ss_family) < 0)
		return 2;
	if (r->sock.kind == SOCK_KIND_RAW) {
		r->id = r->o.ident >= 0 ? (uint16_t)r->o.ident : ping_random_id();
		sock_filter_id(&r->sock, r->id);
	} else {
		r->id = 0;      /* the kernel's choice, matched by the kernel */
	}
	return 0;
}

void ping_close_sockets(struct ping_run *r)
{
	sock_close(&r->sock);
	sock_close(&r->spare);
	probe_sock_close(&r->tcp_socks);
	probe_sock_close(&r->tcp_spare);
}

void ping_version(FILE *f, const struct ping_opts *o)
{
	struct cli_version_run v = {
		.prog = "ping", .sockets = CLI_SOCK_PING,
		.need_raw = o->ident >= 0 || o->ni_given,
		.names = -1,
	};

	/* As run_ping chooses: addresses only with -n, -f, a numeric
	 * destination (-H overrides these) or a machine format. */
	if (o->format != PING_FORMAT_TEXT || o->quiet)
		v.names = 0;
	else if (o->force_names)
		v.names = 1;
	else if (o->numeric || o->flood)
		v.names = 0;
	else if (o->target)
		v.names = !resolve_is_numeric(o->target);
	cli_version_run(f, &v);
}
