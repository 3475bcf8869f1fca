/* The `echolot os` command (src/cli/os.c). */
#ifndef ECHOLOT_CLI_OS_H
#define ECHOLOT_CLI_OS_H

/* os HOST; family is AF_UNSPEC. */
int cli_os(int argc, char **argv, int family);

#include <stdbool.h>

/* os --read FILE [HOST] (src/cli/os_read.c): every host whose ICMP
 * replies are in the capture, or only host; family AF_UNSPEC or one. */
int cli_os_read(const char *path, int family, bool numeric, const char *host);

#endif
