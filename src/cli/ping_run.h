/* `ping`, shared between its files: the run's state (ping.c: the command,
 * the engine and reporters wired; ping_socket.c: the source address and
 * the socket). */
#ifndef ECHOLOT_CLI_PING_RUN_H
#define ECHOLOT_CLI_PING_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "ping_opts.h"
#include "../analysis/fp.h"
#include "../analysis/hist.h"
#include "../analysis/stats.h"
#include "../engine/engine.h"
#include "../engine/ping_plan.h"
#include "../report/gate.h"
#include "../report/ping_json.h"
#include "../report/report.h"
#include "../sock/resolve.h"
#include "../sock/sock.h"
#include "../wire/ni.h"

/* One family's socket as opened before the name is known: what went
 * wrong is said only if the name picks this family. */
struct ping_presock {
	bool no_socket;         /* oe says why */
	struct sock_open_err oe;
	int err;                /* an option failed: what, -errno */
	const char *what;
	const char *warn;       /* an option that may fail (SO_MARK) did */
	int warn_err;
};

struct ping_run {
	const char *prog;       /* argv[0] as typed: every message starts
	                           with it, as iputils' do */
	bool usage;             /* the operands make no sense: usage text */
	struct ping_opts o;
	struct sockaddr_storage dst, src;
	socklen_t dstlen;
	bool have_src;
	bool iface_addr;        /* -I gave an address (src), not a device */
	char canon[1025];
	const char *device;
	char devbuf[16];        /* -I addr%dev: dev */
	struct sock_ifnames ifnames;    /* for link-local scopes */
	bool scope_hint;        /* the unscoped link-local hint was given */
	uint32_t hops[9];       /* IPv4 hops before the target (network order) */
	size_t nhops;
	struct sock sock;
	struct sock spare;      /* IPv6's until the name decides (ping_prepare) */
	struct ping_presock pre[2];     /* IPv4 (or the only one), IPv6 */
	/* --tcp: the TCP kind's sockets instead (tcp_socks, tcp_spare as
	 * sock and spare), and what opening them said. */
	struct probe_socks tcp_socks, tcp_spare;
	int tcp_rc[2];
	struct probe_sock_err tcp_err[2];
	uint16_t id;            /* ICMP identifier (raw socket), 0: kernel's */
	struct stats stats;
	struct report_ping report;
	/* --format json / atlas (docs/json-schema.md) */
	struct hist hist;
	struct report_json json;
	struct report_atlas atlas;
	struct resolve_cache names;
	struct report_gate gate;        /* text lines wait here for names */
	struct engine *engine;
	struct probe_echo_cfg echo;     /* the probes: ICMP echo */
	struct probe_path_cfg tcp;      /* or TCP SYN (--tcp) */
	struct probe_ni_cfg ni;         /* or node information queries (-N
	                                   to an IPv6 target) */
	uint8_t ni_subject[WIRE_NI_SUBJECT_MAX];        /* -N subject-...: */
	size_t ni_subject_len;                          /* as sent */
	struct ping_plan_cfg plan;
	struct fp fp;           /* --os */
};

/* The socket with every option the command line asks for, and the
 * destination, in the order least privilege wants: the sockets opened
 * (for both families when the name decides) while privileged, every
 * privilege dropped, then the name resolved and what depends on it done
 * (route source, -B, -F, -C, the hops of a source route).  0, or the
 * exit status after printing why not. */
int ping_prepare(struct ping_run *r);
void ping_close_sockets(struct ping_run *r);
/* -N subject-...: the subject as it will be sent, from what was given,
 * as iputils makes it (an address looked up, a name through libidn2 and
 * in wire form), once the privileges are gone (ping_ni.c).  0, or the
 * exit status after printing why not. */
int ping_ni_subject(struct ping_run *r);
/* Does this run send node information queries (-N with a query, to an
 * IPv6 target)? */
bool ping_ni_active(const struct ping_run *r);
/* -V: what a run with these options would do (cli_version_run). */
void ping_version(FILE *f, const struct ping_opts *o);
/* -R, -T, hops: the IPv4 options of every probe, set with the rights the
 * run keeps (after the privileges are dropped), as iputils sets them: the
 * kernel refuses a source route to a process without CAP_NET_RAW.  0, or
 * -1 after printing why not. */
int ping_ip_options(struct ping_run *r);
/* What -R, -T or hops add to every probe's header: 0 or 40. */
size_t ping_ip_optlen(const struct ping_run *r);
/* A message on stderr: "prog: " fmt "\n", after what stdout holds. */
void ping_msg(const struct ping_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* An ICMP identifier for a raw socket. */
uint16_t ping_random_id(void);

#endif
