/* The commands of the echolot binary. */
#ifndef ECHOLOT_CLI_H
#define ECHOLOT_CLI_H

#include <stdbool.h>
#include <stdio.h>

#define ECHOLOT_VERSION "0.1.0"

/* ping; family is AF_UNSPEC, or AF_INET / AF_INET6 when run as ping4 /
 * ping6. */
int cli_ping(int argc, char **argv, int family);
void cli_version(FILE *f);
/* echolot sweep (cli/sweep.c) and fping (cli/fping.c). */
int cli_sweep(int argc, char **argv, int family);
int cli_fping(int argc, char **argv, int family);

/* -V of a command: its first line (iputils' "ping from ..." shape), then
 * what a run with this command line would do, read from the process as
 * it is: the socket, the capabilities held now and given up, the seccomp
 * profile.  Opens nothing. */
enum cli_sockets { CLI_SOCK_PING, CLI_SOCK_UDP, CLI_SOCK_ICMP, CLI_SOCK_TCP };
struct cli_version_run {
	const char *prog;       /* the first line's name; NULL: echolot's */
	enum cli_sockets sockets;       /* ping's, or a trace method's */
	bool need_raw;          /* the options need a raw socket (ping -e) */
	int names;              /* 1: names printed (names profile), 0: not
	                           (numeric), -1: the destination decides */
	bool facts_only;        /* no first line: the caller printed its own */
	bool exporter;          /* the exporter's sandbox profile */
};
void cli_version_run(FILE *f, const struct cli_version_run *v);

/* After a command: if anything it wrote to stdout failed (a full disk;
 * not a closed pipe), say "prog: write error" and give 1, as iputils
 * does; else rc. */
int cli_output_status(const char *prog, int rc);

#endif
