/* mtr's command line (mtr 0.95's options and messages): argv -> struct
 * mtr_opts.  Pure: no I/O, so the unit tests can drive it. */
#ifndef ECHOLOT_MTR_OPTS_H
#define ECHOLOT_MTR_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "../report/mtr_fields.h"
#include "../sock/sock.h"

enum mtr_display {
	MTR_DISPLAY_CURSES,     /* the live screen (mtr's default on a TTY) */
	MTR_DISPLAY_REPORT,     /* -r, -w */
	MTR_DISPLAY_CSV,        /* -C */
	MTR_DISPLAY_JSON,       /* -j */
	MTR_DISPLAY_XML,        /* -x */
};

#define MTR_MAX_PATHS 16        /* --paths */

struct mtr_opts {
	int family;             /* -4, -6: AF_INET, AF_INET6; AF_UNSPEC */
	const char *target;
	enum mtr_display display;
	bool display_set;       /* -r -w -C -j -x -t given: no TTY check */
	bool wide;              /* -w */
	int display_mode;       /* --displaymode: the screen's first d mode */
	unsigned count;         /* -c */
	bool count_set;         /* -c given: the screen stops after count */
	double interval;        /* -i, seconds */
	double gracetime;       /* -G, seconds */
	double timeout;         /* -Z, seconds: how long a probe is waited
	                           for (0: the default) */
	int psize;              /* -s: the whole packet, IP header included */
	int tos;                /* -Q */
	bool mpls;              /* -e */
	const char *device;     /* -I */
	const char *address;    /* -a */
	unsigned first_ttl;     /* -f */
	unsigned max_ttl;       /* -m */
	unsigned max_unknown;   /* -U (accepted; the trace goes to -m) */
	enum probe_method method;       /* -u, -T; ICMP echo by default */
	int port;               /* -P, 0: the method's default */
	int localport;          /* -L, 0: the kernel's */
	bool numeric;           /* -n */
	bool show_ips;          /* -b */
	char fields[MTR_FIELDS_MAX + 1];        /* -o */
	unsigned paths;         /* --paths N: flows, 1 .. MTR_MAX_PATHS */
	bool report_on_exit;    /* --report-on-exit: the screen's summary */
	bool help;              /* -h */
	bool version;           /* -v */
};

enum {
	MTR_OPTS_OK = 0,
	MTR_OPTS_EXIT = 1,      /* print err (if any, else usage) and exit 1 */
};

void mtr_opts_default(struct mtr_opts *o);

/* Parse argv.  root: may ask for an interval below 1 s (mtr's rule).
 * On failure returns MTR_OPTS_EXIT with the message in err (without the
 * "mtr: " prefix); an empty err means "print usage". */
int mtr_opts_parse(int argc, char **argv, struct mtr_opts *o, bool root,
		   char *err, size_t errlen);

#endif
