/* What this build is and does. */
#include "cli.h"
#include "../sock/sandbox.h"

void cli_version(FILE *f)
{
	fprintf(f, "echolot %s (ping compatible with iputils 20221126)\n",
		ECHOLOT_VERSION);
	fprintf(f, "socket: raw with CAP_NET_RAW, else ICMP datagram\n");
	fprintf(f, "privileges: every capability dropped once the sockets are open, "
		"no_new_privs set\n");
	if (sandbox_available())
		fprintf(f, "sandbox: seccomp allow-list, %u system calls (%u when names "
			"are printed, %u for the exporter), anything else kills the process\n",
			sandbox_calls(false), sandbox_calls(true), sandbox_exporter_calls());
	else
		fprintf(f, "sandbox: off (sanitizer build)\n");
	fprintf(f, "IDN: libidn2 (loaded on demand); timestamps: kernel SO_TIMESTAMPING\n");
}
