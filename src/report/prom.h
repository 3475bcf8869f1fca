/* prom: the Prometheus text exposition format (version 0.0.4), ours:
 * numbers as the Go client prints them (so that a diff against
 * smokeping_prober or blackbox_exporter shows only what differs), label
 * values and help texts escaped, families sorted by name.
 *
 *   prom_float, prom_escape      the pieces (unit-tested)
 *   struct prom_buf              a growing buffer of text
 *   prom_scrape_*                the exporter's /metrics, made a block at
 *                                a time as it is sent: smokeping_prober's
 *                                families, then echolot's own
 *   prom_probe_page              /probe's page, blackbox_exporter's ICMP
 *                                families */
#ifndef ECHOLOT_PROM_H
#define ECHOLOT_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../analysis/metrics.h"

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* v as Go's strconv.FormatFloat(v, 'g', -1, 64): the shortest text that
 * reads back as v, exponent form below 1e-4 and from 1e21 ("+Inf",
 * "-Inf", "NaN").  Returns the length (buf always terminated). */
size_t prom_float(char *buf, size_t cap, double v);

struct prom_buf {
	char *p;
	size_t len, cap;
	bool oom;               /* something did not fit: the text is cut */
};

void prom_buf_free(struct prom_buf *b);
void prom_puts(struct prom_buf *b, const char *s);
void prom_printf(struct prom_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A label value (or help text, help true): \ " and newline escaped as the
 * format wants (help texts leave " alone). */
void prom_escape(struct prom_buf *b, const char *s, bool help);
/* "# HELP name help\n# TYPE name type\n" */
void prom_family(struct prom_buf *b, const char *name, const char *type,
		 const char *help);
/* One sample: name{k1="v1",...} value.  labels: n pairs of key, value. */
void prom_sample(struct prom_buf *b, const char *name,
		 const char *const *labels, unsigned n, double v);

/* ---------------------------------------------------------- /metrics */

/* A target as the scrape shows it. */
struct prom_target {
	const char *host;       /* as configured */
	const char *ip;         /* its address as text, NULL: never resolved */
	uint32_t ti;            /* its index in the metrics */
	bool resolved;          /* its name resolved the last time asked */
	uint64_t resolve_errors;
};

/* Where the scrape gets its numbers from; read as it is sent. */
struct prom_source {
	const struct metrics *m;
	/* Targets 0 .. *n - 1 (read at every step: the set may change
	 * while a scrape is sent); get() false: no target there now. */
	const uint32_t *n;
	bool (*get)(void *ctx, uint32_t i, struct prom_target *t);
	void *ctx;
	/* Exporter-wide */
	const char *version;
	const bool *reload_ok;
	const double *reload_time;      /* unix seconds */
	double timeout_s;
};

struct prom_scrape;

/* A scrape of src; NULL when out of memory. */
struct prom_scrape *prom_scrape_new(const struct prom_source *src);
/* Up to max bytes of the text into buf: how many, 0 at the end. */
ssize_t prom_scrape_read(struct prom_scrape *s, char *buf, size_t max);
void prom_scrape_free(struct prom_scrape *s);
/* The whole text at once (tests, small sets).  The caller frees b. */
void prom_scrape_all(const struct prom_source *src, struct prom_buf *b);

/* ------------------------------------------------------------ /probe */

struct prom_probe {
	bool resolved;          /* the target's name gave an address */
	int family;             /* AF_INET / AF_INET6 of it */
	const uint8_t *addr;    /* its 4 or 16 bytes */
	bool success;           /* an echo reply came in time */
	int hop_limit;          /* the reply's TTL / hop limit, -1 unknown */
	double resolve_s, setup_s, rtt_s, duration_s;
};

/* blackbox_exporter's page for an ICMP probe. */
void prom_probe_page(struct prom_buf *b, const struct prom_probe *p);

#endif
