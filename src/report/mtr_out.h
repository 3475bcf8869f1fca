/* mtr's outputs at the end of a run, as mtr 0.95 writes them: the report
 * (-r) and the wide report (-w), CSV (-C), JSON (-j) and XML (-x), from
 * the statistics of analysis/mtr_stats.  With --paths N and more than one
 * distinct path, each path gets its own block (a few lines and keys more;
 * with one path the output is mtr's, byte for byte in layout). */
#ifndef ECHOLOT_MTR_OUT_H
#define ECHOLOT_MTR_OUT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "report.h"
#include "../analysis/mtr_stats.h"

/* How mtr names a hop: "name", "name (addr)" with -b, or the address. */
struct mtr_names {
	struct report_namer namer;      /* pretty: "name (addr)" or "addr" */
	bool dns;               /* look names up (not -n), and show them */
	bool show_ips;          /* -b */
};

/* The text for address a (16-byte form) of family.  wait: the report's
 * way, the name even if it must be waited for; else (the screen) the
 * address until the name is known, the lookup started. */
const char *mtr_name(const struct mtr_names *n, int family, const uint8_t a[16],
		     bool wait, char *buf, size_t len);

struct mtr_out_cfg {
	FILE *out;
	const char *local_host; /* gethostname() */
	const char *target;     /* as the user named it */
	const char *fields;     /* -o */
	bool wide;              /* -w */
	bool mpls;              /* -e */
	int tos;                /* -Q */
	int psize;              /* -s */
	unsigned tests;         /* -c */
	time_t now;             /* CSV's Start_Time: mtr writes the end */
	const char *start;      /* "%Y-%m-%dT%H:%M:%S%z" of the start */
	struct mtr_names names;
};

void mtr_out_report(const struct mtr_out_cfg *c, struct mtr_stats *s);
void mtr_out_csv(const struct mtr_out_cfg *c, struct mtr_stats *s);
void mtr_out_json(const struct mtr_out_cfg *c, struct mtr_stats *s);
void mtr_out_xml(const struct mtr_out_cfg *c, struct mtr_stats *s);

/* A number as jansson writes a real with JSON_REAL_PRECISION(5) (mtr's
 * JSON): "%.5g", ".0" added when that looks like an integer, the
 * exponent without '+' and leading zeros. */
int mtr_json_real(char *buf, size_t len, double v);

#endif
