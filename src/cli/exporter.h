/* `echolot exporter`: a Prometheus exporter (smokeping_prober's /metrics,
 * blackbox_exporter's /probe for ICMP) on the engine's monitor plan.
 *
 *   exporter.c         the daemon: sockets, privileges, sandbox, the run
 *   exporter_opts.c    the command line (smokeping_prober's flags)
 *   exporter_config.c  the YAML configuration (smokeping_prober's format)
 *   exporter_targets.c the targets: names looked up, reloads, /metrics'
 *                      view of them
 *   exporter_web.c     the HTTP side: /, /metrics, /probe, /-/healthy */
#ifndef ECHOLOT_EXPORTER_H
#define ECHOLOT_EXPORTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "../analysis/metrics.h"
#include "../engine/engine.h"
#include "../engine/monitor.h"
#include "../report/prom.h"
#include "../sock/http.h"
#include "../sock/lookup.h"

#define XP "echolot exporter"   /* the prefix of its messages */

/* ------------------------------------------------------------ options */

struct xopts {
	const char *config_file;        /* NULL: none */
	const char *listen;             /* --web.listen-address */
	unsigned nlisten;               /* how many were given (one may be) */
	const char *metrics_path;       /* --web.telemetry-path */
	double buckets[METRICS_MAX_BUCKETS];
	unsigned nbuckets;
	int64_t interval_ns;            /* -i: the command line's hosts */
	unsigned size;                  /* -s: their data bytes */
	int64_t timeout_ns;             /* --ping.timeout */
	int64_t resolve_ns;             /* --resolve-interval */
	double rate;                    /* --ping.rate-limit, 0: none */
	unsigned max_conns;             /* --web.max-connections */
	int64_t web_timeout_ns;         /* --web.timeout */
	const char **hosts;             /* the command line's */
	unsigned nhosts;
	const char *selftest;           /* --sandbox-selftest=exec|raw|write */
	bool help, version;
};

/* 0, or -1 with a one-line message in err (exit status 2). */
int xopts_parse(int argc, char **argv, struct xopts *o, char *err, size_t errlen);
void xopts_free(struct xopts *o);
void xopts_usage(FILE *f);
/* Go's time.ParseDuration (units ns us µs ms s m h, fractions, several
 * parts).  0 or -1. */
int xparse_duration(const char *s, int64_t *ns);

/* ------------------------------------------------------------- config */

/* How a group's probes look: one socket per family serves it. */
struct xprofile {
	unsigned size;                  /* data bytes */
	int tos;                        /* -1: the kernel's */
	bool has_source;
	struct sockaddr_storage source;
	socklen_t source_len;
};

/* smokeping_prober's target group. */
struct xgroup {
	int64_t interval_ns;
	int network;                    /* AF_UNSPEC (ip), AF_INET, AF_INET6 */
	struct xprofile prof;
	int line;
};

struct xhost {
	char *name;
	unsigned group;
	int line;
};

struct xconfig {
	struct xgroup *groups;
	unsigned ngroups;
	struct xhost *hosts;
	unsigned nhosts;
};

/* Read and check path.  0, or -1 with "PATH:LINE: reason" in err. */
int xconfig_load(const char *path, struct xconfig *c, char *err, size_t errlen);
/* The same from text in memory (tests); name stands for the file. */
int xconfig_parse(const char *name, const char *text, size_t len,
		  struct xconfig *c, char *err, size_t errlen);
void xconfig_free(struct xconfig *c);
/* Are two profiles the same probes? */
bool xprofile_equal(const struct xprofile *a, const struct xprofile *b);

/* ------------------------------------------------------------ targets */

/* The sockets of one profile: the engine's socket index per family, -1
 * when that family could not be opened. */
#define XMAX_PROFILES 16
struct xsocks {
	struct xprofile prof;
	struct sock s4, s6;
	struct probe_echo_cfg echo4, echo6;
	int si4, si6;
};

/* A monitored target. */
struct xtarget {
	char *host;                     /* as configured */
	int network;
	unsigned profile;
	int64_t interval_ns;
	bool from_cli;                  /* kept across reloads */
	bool numeric;                   /* never looked up again */
	bool has_addr;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char ip[48];                    /* addr as text */
	bool resolved;                  /* the last lookup worked */
	uint64_t resolve_errors;
	uint32_t gen;                   /* answers to older lookups are stale */
	uint32_t ti;                    /* the engine's index */
	bool seen;                      /* a reload's mark */
};

struct xprobe;

struct exporter {
	struct xopts o;
	struct engine *e;
	struct monitor *mon;
	struct metrics m;
	struct http_server *http;
	struct lookup *lk;
	struct xsocks socks[XMAX_PROFILES];
	unsigned nsocks;
	int dflt_profile;               /* /probe's: size 56, nothing else */

	struct xtarget **by_ti;         /* the engine's index -> target */
	uint32_t cap_ti, n_ti;          /* n_ti: the highest index + 1 */
	unsigned ntargets;
	struct xprobe **probe_by_ti;    /* the engine's index -> /probe */
	struct xprobe *probes;          /* under way */
	unsigned nprobes;
	uint64_t probe_serial;
	uint32_t lookup_serial;

	bool reload_ok;
	double reload_time;
	struct prom_source prom;
	int resolve_timer, probe_timer, sig_fd;
	bool stopping;
};

/* exporter_targets.c */
int xtargets_start(struct exporter *x, const struct xconfig *c);
/* A SIGHUP: read the file again; targets that stay keep their counts. */
void xtargets_reload(struct exporter *x);
/* Look every name up again. */
void xtargets_resolve_all(struct exporter *x);
/* An answer of the lookup threads (ids without the top bit are ours). */
void xtargets_on_lookup(struct exporter *x, const struct lookup_answer *a);
/* The profile matching p, or -1. */
int xsocks_find(const struct exporter *x, const struct xprofile *p);
/* The socket for family in profile k, or -1. */
int xsocks_for(const struct exporter *x, unsigned k, int family);
void xtargets_free(struct exporter *x);
/* Room for the engine's index ti in by_ti and probe_by_ti.  0 or -ENOMEM. */
int xmaps_room(struct exporter *x, uint32_t ti);
bool xtargets_get(void *ctx, uint32_t i, struct prom_target *t);

/* exporter_web.c */
#define XPROBE_ID (1ull << 63)  /* lookup ids of /probe's names */
void xweb_on_request(void *ctx, struct http_req *rq);
void xweb_on_close(void *ctx, struct http_req *rq);
/* The sink: /probe's targets answered or given up. */
void xweb_on_event(void *ctx, const struct event *ev);
void xweb_on_lookup(struct exporter *x, const struct lookup_answer *a);
/* /probe's deadlines (the probe timer fired). */
void xweb_deadlines(struct exporter *x);
/* Answer every /probe under way (the daemon stops). */
void xweb_stop(struct exporter *x);

int cli_exporter(int argc, char **argv, int family);

#endif
