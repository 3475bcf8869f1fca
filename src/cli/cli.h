/* The commands of the echolot binary. */
#ifndef ECHOLOT_CLI_H
#define ECHOLOT_CLI_H

#include <stdio.h>

#define ECHOLOT_VERSION "0.1.0"

/* ping; family is AF_UNSPEC, or AF_INET6 when run as ping6. */
int cli_ping(int argc, char **argv, int family);
void cli_version(FILE *f);
/* echolot sweep (cli/sweep.c) and fping (cli/fping.c). */
int cli_sweep(int argc, char **argv, int family);
int cli_fping(int argc, char **argv, int family);

#endif
