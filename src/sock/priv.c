/* Privileges: held only while sockets are opened, then given up. */
#include <errno.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "sock.h"

bool sock_have_net_raw(void)
{
	cap_t caps = cap_get_proc();
	cap_flag_value_t v = CAP_CLEAR;

	if (!caps)
		return false;
	cap_get_flag(caps, CAP_NET_RAW, CAP_PERMITTED, &v);
	cap_free(caps);
	return v == CAP_SET;
}

int sock_drop_privileges(void)
{
	cap_t none;
	int rc = 0;

	/* A set-uid root install: become the invoking user for good. */
	if (geteuid() != getuid() && setuid(getuid()) < 0)
		return -errno;
	none = cap_init();
	if (!none)
		return -errno;
	if (cap_set_proc(none) < 0 && errno != EPERM)
		rc = -errno;
	cap_free(none);
	/* No way back through exec of a file with capabilities either. */
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return rc;
}
