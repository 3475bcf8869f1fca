/* The seccomp allow-list a run lives under once its sockets are open. */
#ifndef ECHOLOT_SANDBOX_H
#define ECHOLOT_SANDBOX_H

#include <signal.h>
#include <stdbool.h>

/* Install the filter: the numeric one, or one that also allows what name
 * lookups need.  Anything else kills the process.  Every thread gets it.
 * Needs no privilege (no_new_privs must be set, as
 * sock_drop_privileges() does).  Returns 0 or -errno. */
int sandbox_enter(bool resolve);
/* The same for a run that draws on the terminal (echolot mtr's screen):
 * also the terminal's mode set back and its size read. */
int sandbox_enter_screen(bool resolve);

/* The exporter's filter: the names one, its HTTP server's calls and
 * timers, and getaddrinfo's netlink route socket. */
int sandbox_enter_exporter(void);
unsigned sandbox_exporter_calls(void);

/* false in sanitizer builds, whose runtimes need calls of their own. */
bool sandbox_available(void);

/* true in `make valgrind`'s build, whose filters also allow the calls
 * only valgrind makes (tools/gen_seccomp.c --valgrind). */
bool sandbox_valgrind_build(void);

/* How many system calls the chosen list allows (some of them only with
 * the arguments it names), for -V. */
unsigned sandbox_calls(bool resolve);

/* For the tests: make a call the filter forbids.  kind: "socket" (an
 * AF_INET datagram socket: the numeric profile forbids it), "packet" (an
 * AF_PACKET socket), "raw" (a raw ICMP socket), "tiocsti" (push a byte
 * into the terminal), "write" (create SANDBOX_SELFTEST_FILE), "exec" (run
/bin/true).  Returns only if
 * the filter let it through (the process should have died of SIGSYS):
 * what the call returned, or -EINVAL for an unknown kind. */
int sandbox_selftest(const char *kind);
#define SANDBOX_SELFTEST_FILE "/tmp/echolot-sandbox-selftest"

/* Install prog on every thread of the process.  no_tsync: take the path
 * of kernels without seccomp(2) (each other thread installs it on itself,
 * asked by SANDBOX_SIGNAL), which the tests use.  Returns 0 or -errno. */
struct sock_fprog;
int sandbox_install(const struct sock_fprog *prog, bool no_tsync);

/* Threads that block signals must let this one through, or the path
 * without seccomp(2) cannot reach them (sandbox_install). */
#define SANDBOX_SIGNAL (SIGRTMIN + 1)

#endif
