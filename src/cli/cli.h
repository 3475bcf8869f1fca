/* The commands of the echolot binary. */
#ifndef ECHOLOT_CLI_H
#define ECHOLOT_CLI_H

#include <stdio.h>

#define ECHOLOT_VERSION "0.1.0"

/* ping; family is AF_UNSPEC, or AF_INET6 when run as ping6. */
int cli_ping(int argc, char **argv, int family);
void cli_version(FILE *f);
/* After a command: if anything it wrote to stdout failed (a full disk;
 * not a closed pipe), say "prog: write error" and give 1, as iputils
 * does; else rc. */
int cli_output_status(const char *prog, int rc);

#endif
