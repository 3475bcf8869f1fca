/* The host's interface names by index, read once while the process may
 * still open sockets: glibc asks the kernel through one, and the sandbox
 * forbids it later, when a link-local reply's scope is to be printed. */
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "sock.h"

void sock_ifnames_read(struct sock_ifnames *t)
{
	struct if_nameindex *all = if_nameindex(), *i;

	memset(t, 0, sizeof(*t));
	if (!all)
		return;
	for (i = all; i->if_index && t->n < SOCK_IFNAMES_MAX; i++) {
		t->e[t->n].index = i->if_index;
		snprintf(t->e[t->n].name, sizeof(t->e[t->n].name), "%s", i->if_name);
		t->n++;
	}
	if_freenameindex(all);
}

const char *sock_ifname(const struct sock_ifnames *t, unsigned index)
{
	for (unsigned k = 0; t && k < t->n; k++)
		if (t->e[k].index == index)
			return t->e[k].name;
	return NULL;
}
