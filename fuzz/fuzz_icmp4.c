/* libFuzzer: wire_icmp_parse for ICMP (IPv4), errors and their quotes. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_icmp m;
	int rc = wire_icmp_parse(AF_INET, data, size, &m);

	fuzz_check_icmp(AF_INET, data, size, rc, &m);
	if (rc == 0 && m.quote.has_ip)
		FUZZ_ASSERT(m.quote.family == AF_INET);
	return 0;
}
