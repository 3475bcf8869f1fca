/* What this build is and does. */
#include "cli.h"

void cli_version(FILE *f)
{
	fprintf(f, "echolot %s (ping compatible with iputils 20221126)\n",
		ECHOLOT_VERSION);
	fprintf(f, "socket: raw with CAP_NET_RAW, else ICMP datagram; "
		"privileges: capabilities dropped after socket setup (libcap); "
		"IDN: libidn2; timestamps: kernel SO_TIMESTAMPING\n");
}
