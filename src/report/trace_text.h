/* traceroute's text (Linux traceroute 2.1.x): events -> lines. */
#ifndef ECHOLOT_TRACE_TEXT_H
#define ECHOLOT_TRACE_TEXT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>

#include "report.h"
#include "../engine/trace.h"

struct report_trace_cfg {
	FILE *out;
	const char *host;       /* as the user named it */
	const struct sockaddr *dst;
	socklen_t dstlen;
	unsigned max_ttl;
	size_t packet_len;
	bool numeric;           /* -n */
	bool extensions;        /* -e */
	bool back;              /* --back */
	struct report_namer namer;
	const struct sock_ifnames *ifnames;     /* link-local scopes */
};

struct report_trace {
	struct report_trace_cfg cfg;
	bool line_open;         /* a hop line is being written */
	bool have_prev;         /* an answered probe earlier in this hop */
	struct sockaddr_storage prev;
	char prev_ext[512];
	int prev_back;
	char scoped[RESOLVE_TEXT_MAX + 48];
};

void report_trace_init(struct report_trace *r, const struct report_trace_cfg *cfg);
/* "traceroute to HOST (ADDR), N hops max, L byte packets" */
void report_trace_header(struct report_trace *r);
/* The same without its newline: what traceroute leaves on stdout when
 * it fails after it (its message on stderr starts the new line). */
void report_trace_header_start(struct report_trace *r);
/* A trace sink (ctx is a struct report_trace). */
void report_trace_on_event(void *ctx, const struct event *ev);

/* The annotation traceroute puts after an answer's time: "!H", "!N",
 * "!F-1400", "!<10>", ... or "" (time exceeded, port unreachable, echo
 * reply, TCP). */
int report_trace_annotation(char *buf, size_t len, int family,
			    const struct event *p);
/* An ICMP extension structure as traceroute -e shows it:
 * "MPLS:L=16,E=0,S=1,T=1", objects separated by ';'.  Returns -1 (and
 * an empty buf) when it is not one traceroute would show. */
int report_trace_ext(char *buf, size_t len, const uint8_t *ext, size_t ext_len);
/* Hops back from the TTL an answer arrived with (--back). */
int report_trace_hops_back(int ttl);

#endif
