/* report: events -> text.  No sockets, no clocks: everything it prints
 * comes from events, the statistics and its configuration. */
#ifndef ECHOLOT_REPORT_H
#define ECHOLOT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../analysis/stats.h"
#include "../engine/event.h"

/* The longest text a namer gives ("name (address)"). */
#define RESOLVE_TEXT_MAX 320

/* Turns an address into the text a reporter prints; supplied by the cli so
 * that name lookups (and their cache) stay out of this layer. */
struct report_namer {
	/* "name (addr)" or "addr"; the buffer is the namer's. */
	const char *(*pretty)(void *ctx, const struct sockaddr *sa,
			      socklen_t len);
	/* Optional (the gate's): would pretty() answer now, without
	 * waiting?  If not, the lookup is started. */
	bool (*ready)(void *ctx, const struct sockaddr *sa, socklen_t len);
	/* Optional: block until some lookup started by ready() ends. */
	void (*wait)(void *ctx);
	void *ctx;
};

struct report_ping_cfg {
	FILE *out;
	const char *prog;       /* starts the lines on stderr; NULL: "ping" */
	const char *host;       /* as the user named it */
	const char *canon;      /* the name the header shows */
	const struct sockaddr *dst;
	socklen_t dstlen;
	const struct sockaddr *src;     /* with -I: the source address */
	const char *device;     /* with -I: the interface name */
	const struct sock_ifnames *ifnames;     /* scopes of link-local
	                                           addresses; NULL: numbers */
	size_t datalen;
	int tcp_port;           /* --tcp: SYN probes to this port, 0: ICMP */
	size_t ip_optlen;       /* IPv4 options in every probe (-R, -T) */
	int64_t interval_ns;
	bool numeric;           /* -n */
	bool quiet;             /* -q */
	bool flood;             /* -f */
	bool audible;           /* -a */
	bool timestamps;        /* -D */
	bool verbose;           /* -v */
	bool quiet_send_einval; /* a send refused with EINVAL is not shown:
	                           the cli gave the reason once (iputils) */
	bool adaptive;          /* -A */
	bool ipg;               /* print ipg/ewma in the summary */
	unsigned preload;
	bool precise;           /* -3: times not rounded */
	bool untimed;           /* -N: no times, lines nor summary, as
	                           iputils (which times no NI query) */
	bool has_flowlabel;     /* -F */
	uint32_t flowlabel;
	const uint8_t *pattern; /* -p, printed as PATTERN: */
	size_t patlen;
	const struct stats *stats;
	struct report_namer namer;
};

struct report_ping {
	struct report_ping_cfg cfg;
	char scoped[RESOLVE_TEXT_MAX + 24];     /* pretty() with a scope */
	uint8_t old_rr[40];     /* the last record route shown */
	size_t old_rrlen;
	int64_t elapsed_ns;     /* set by the cli before EV_END */
};

void report_ping_init(struct report_ping *r, const struct report_ping_cfg *cfg);
/* An event sink (ctx is a struct report_ping). */
void report_ping_on_event(void *ctx, const struct event *ev);
/* Print the header line. */
void report_ping_header(struct report_ping *r);
/* The address whose name the line for ev shows, or NULL (for the gate;
 * ctx is a struct report_ping). */
const struct sockaddr *report_ping_named(void *ctx, const struct event *ev);
/* Print the final statistics. */
void report_ping_summary(struct report_ping *r, int64_t elapsed_ns);

/* Text helpers, also used by the unit tests. */
/* "0.045", "1.23", "12.3", "123": iputils' rule, three significant
 * digits; precise (-3): always microseconds, "12.345". */
int report_fmt_rtt(char *buf, size_t len, int64_t rtt_ns, bool precise);
/* An address as text: NULL when sa is no IPv4/IPv6 address. */
const char *report_addr(const struct sockaddr *sa, char *buf, size_t len);
/* The same, "?" instead of NULL. */
const char *report_numeric(const struct sockaddr *sa, char *buf, size_t len);
/* text (sa as "addr", "name (addr)" or "addr (addr)") with the IPv6
 * scope of sa shown after each bare address, "fe80::1%eth0", as
 * getnameinfo() shows it; text itself when sa has no scope.  Interface
 * names come from names (the index when it has none); buf holds the
 * result. */
struct sock_ifnames;
const char *report_scoped(const struct sockaddr *sa, const char *text,
			  const struct sock_ifnames *names, char *buf, size_t len);
/* ping6 -N: what follows "N bytes from ADDR:" for a node information
 * reply (msg, len: the whole NI message, an EV_REPLY's data): its names
 * or addresses, or why not, and "; seq=N;", as iputils (ni_text.c). */
void report_ni_reply(FILE *out, const uint8_t *msg, size_t len);
/* The text of an EV_ERROR event's ICMP error (report_icmp_text with the
 * redirect's gateway filled in). */
int report_error_text(char *buf, size_t len, const struct event *ev);
/* The text iputils gives an ICMP error (type, code) of family. */
int report_icmp_text(char *buf, size_t len, int family, uint8_t type,
		     uint8_t code, uint32_t info, const char *gateway);

#endif
