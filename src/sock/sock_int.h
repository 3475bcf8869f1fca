/* Inside the sock layer: what its files share.  Not for use above it. */
#ifndef ECHOLOT_SOCK_INT_H
#define ECHOLOT_SOCK_INT_H

#include <errno.h>
#include <sys/socket.h>

/* setsockopt of an int: 0 or -errno. */
static inline int sock_setint(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val)) < 0 ? -errno : 0;
}

#endif
