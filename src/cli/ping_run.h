/* `ping`, shared between its files: the run's state (ping.c: the command,
 * the engine and reporters wired; ping_socket.c: the source address and
 * the socket). */
#ifndef ECHOLOT_CLI_PING_RUN_H
#define ECHOLOT_CLI_PING_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ping_opts.h"
#include "../analysis/fp.h"
#include "../analysis/hist.h"
#include "../analysis/stats.h"
#include "../engine/engine.h"
#include "../report/gate.h"
#include "../report/ping_json.h"
#include "../report/report.h"
#include "../sock/resolve.h"
#include "../sock/sock.h"

struct ping_run {
	const char *prog;       /* argv[0] as typed: every message starts
	                           with it, as iputils' do */
	struct ping_opts o;
	struct sockaddr_storage dst, src;
	socklen_t dstlen;
	bool have_src;
	char canon[1025];
	const char *device;
	char devbuf[16];        /* -I addr%dev: dev */
	bool src_given;         /* -I gave an address to send from */
	struct sock_ifnames ifnames;    /* for link-local scopes */
	bool scope_hint;        /* the unscoped link-local hint was given */
	uint32_t hops[9];       /* IPv4 hops before the target (network order) */
	size_t nhops;
	struct sock sock;
	struct stats stats;
	struct report_ping report;
	/* --format json / atlas (docs/json-schema.md) */
	struct hist hist;
	struct report_json json;
	struct report_atlas atlas;
	struct resolve_cache names;
	struct report_gate gate;        /* text lines wait here for names */
	struct engine engine;
	struct fp fp;           /* --os */
};

/* -I: the address to send from or the interface to send through, and the
 * source the header shows.  0, or -1 after printing why not. */
int ping_setup_source(struct ping_run *r, int family);
/* The socket, with every option the command line asks for.  0, or -1
 * after printing why not. */
int ping_open_socket(struct ping_run *r, int family);
/* The hops before the target (IPv4): resolved into r->hops.  0, or -1
 * after printing why not. */
int ping_resolve_hops(struct ping_run *r);
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
