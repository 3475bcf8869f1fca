/* Privileges: held only while sockets are opened, then given up.
 *
 * The kernel's capset(2) is called directly rather than through libcap:
 * all we ever do is clear every set, and loading libcap costs about 6% of
 * a whole `ping -c 1` to a neighbour (measured, bench/). */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "sock.h"

static int caps(int op, struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};

	return (int)syscall(op, &hdr, data);
}

int sock_drop_privileges(void)
{
	struct __user_cap_data_struct none[2];

	/* A set-uid root install: become the invoking user for good. */
	if (geteuid() != getuid() && setuid(getuid()) < 0)
		return -errno;
	memset(none, 0, sizeof(none));
	if (caps(SYS_capset, none) < 0)
		return -errno;
	/* No way back through exec of a file with capabilities either. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}
