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
	gid_t g = getgid(), rg, eg, sg;
	uid_t u = getuid(), ru, eu, su;

	/* A set-group-ID or set-user-ID install: become the invoking user
	 * and group for good, real, effective and saved IDs alike (the
	 * group first: once the user is no longer root, the group could not
	 * be changed).  With nothing set-ID these change nothing. */
	if (setresgid(g, g, g) < 0 || setresuid(u, u, u) < 0)
		return -errno;
	if (getresgid(&rg, &eg, &sg) < 0 || getresuid(&ru, &eu, &su) < 0)
		return -errno;
	if (rg != g || eg != g || sg != g || ru != u || eu != u || su != u)
		return -EPERM;
	memset(none, 0, sizeof(none));
	if (caps(SYS_capset, none) < 0)
		return -errno;
	/* No way back through exec of a file with capabilities either. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

int sock_caps(uint64_t *effective, uint64_t *permitted)
{
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (caps(SYS_capget, d) < 0)
		return -errno;
	*effective = (uint64_t)d[1].effective << 32 | d[0].effective;
	*permitted = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	return 0;
}
