/* The seccomp allow-list a run lives under once its sockets are open. */
#ifndef ECHOLOT_SANDBOX_H
#define ECHOLOT_SANDBOX_H

#include <stdbool.h>

/* Install the filter: the numeric one, or one that also allows what name
 * lookups need.  Anything else kills the process.  Needs no privilege
 * (no_new_privs must be set, as sock_drop_privileges() does).  Returns 0
 * or -errno. */
int sandbox_enter(bool resolve);

/* The exporter's filter: the numeric one, its HTTP server's calls, the
 * name lookups' (socket() never raw, open() only to read). */
int sandbox_enter_exporter(void);
unsigned sandbox_exporter_calls(void);
/* For the exporter's tests: "exec" (execve), "raw" (a raw socket) or
 * "write" (open a file to write): each must kill the process. */
int sandbox_selftest_call(const char *what);

/* false in sanitizer builds, whose runtimes need calls of their own. */
bool sandbox_available(void);

/* For the tests: make a call the filter forbids.  Returns only if the
 * filter let it through (the process should have died of SIGSYS). */
int sandbox_selftest(void);

/* How many system calls the chosen list allows (for -V). */
unsigned sandbox_calls(bool resolve);

#endif
