/* The traceroute command (src/cli/trace.c). */
#ifndef ECHOLOT_CLI_TRACE_H
#define ECHOLOT_CLI_TRACE_H

/* traceroute; family is AF_UNSPEC, or AF_INET6 when run as traceroute6. */
int cli_trace(int argc, char **argv, int family);

#endif
