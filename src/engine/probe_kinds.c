/* The probe kinds by name: adding a kind is adding its file and a line
 * here. */
#include <string.h>

#include "probe.h"

static const struct probe_kind *const kinds[] = {
	&probe_echo,
	&probe_udp,
	&probe_tcp,
	&probe_tstamp,
	&probe_quote,
	&probe_sweep,
	&probe_ni,
};

const struct probe_kind *probe_kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i]->name, name))
			return kinds[i];
	return NULL;
}
