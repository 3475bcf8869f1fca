/* libFuzzer: wire_quote_parse, the body of an ICMP error, read as both
 * families. */
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int families[] = { AF_INET, AF_INET6 };

	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		struct wire_quote q;
		int rc = wire_quote_parse(families[i], data, size, &q);

		fuzz_check_rc(rc);
		FUZZ_ASSERT(q.family == families[i]);
		if (rc) {
			FUZZ_ASSERT(!q.has_ip && !q.has_l4);
			continue;
		}
		fuzz_check_quote(&q, size);
		FUZZ_ASSERT(q.has_ip);
		if (families[i] == AF_INET) {
			FUZZ_ASSERT(!memcmp(&q.src4, data + 12, 4));
			FUZZ_ASSERT(!memcmp(&q.dst4, data + 16, 4));
		} else {
			FUZZ_ASSERT(!memcmp(&q.src6, data + 8, 16));
			FUZZ_ASSERT(!memcmp(&q.dst6, data + 24, 16));
			FUZZ_ASSERT(q.ttl == data[7]);
		}
	}
	return 0;
}
