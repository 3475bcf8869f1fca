/* The `ping --os` line: a fingerprint verdict -> text. */
#ifndef ECHOLOT_OS_LINE_H
#define ECHOLOT_OS_LINE_H

#include <stddef.h>
#include <stdio.h>

#include "../analysis/fp.h"

/* "os: Linux/Unix (initial ttl 64, 3 hops, confidence high)" and its
 * notes, without a newline; returns what snprintf returns. */
int report_os_format(char *buf, size_t len, const struct fp_verdict *v);
/* snprintf that appends at *pos and never runs past len (for the os
 * texts, which are built piece by piece). */
void report_append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The line and a newline on out. */
void report_os_line(FILE *out, const struct fp_verdict *v);

#endif
