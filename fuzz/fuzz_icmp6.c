/* libFuzzer: wire_icmp_parse for ICMPv6, errors and their quotes with
 * extension header chains. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_icmp m;
	int rc = wire_icmp_parse(AF_INET6, data, size, &m);

	fuzz_check_icmp(AF_INET6, data, size, rc, &m);
	if (rc == 0 && m.quote.has_ip)
		FUZZ_ASSERT(m.quote.family == AF_INET6);
	return 0;
}
