/* libFuzzer: what `echolot os --read` parses from a capture file: the
 * frame (link type from the first byte), the IP header, and the ICMP
 * message in it, timestamp messages included (src/wire/os_frame.c,
 * os_wire.c). */
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int links[] = {
		WIRE_LINK_NULL, WIRE_LINK_ETHERNET, WIRE_LINK_RAW, WIRE_LINK_LOOP,
		WIRE_LINK_LINUX_SLL, WIRE_LINK_IPV4, WIRE_LINK_IPV6,
		WIRE_LINK_LINUX_SLL2, 147,
	};
	const uint8_t *ip, *frame = data + 1;
	size_t iplen, flen = size ? size - 1 : 0;
	struct wire_pkt p;
	struct wire_icmp m;
	struct wire_tstamp t;
	int rc;

	if (size < 1)
		return 0;
	rc = wire_frame_ip(links[data[0] % (sizeof(links) / sizeof(links[0]))],
			   frame, flen, &ip, &iplen);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL || rc == -ENOTSUP);
	if (rc < 0)
		return 0;
	fuzz_check_inside(frame, flen, ip, iplen);
	rc = wire_pkt_parse(ip, iplen, &p);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
	if (rc < 0)
		return 0;
	FUZZ_ASSERT(p.family == AF_INET || p.family == AF_INET6);
	fuzz_check_inside(ip, iplen, p.l4, p.l4_len);
	rc = wire_icmp_parse(p.family, p.l4, p.l4_len, &m);
	fuzz_check_icmp(p.family, p.l4, p.l4_len, rc, &m);
	rc = wire_tstamp_parse(p.l4, p.l4_len, &t);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
	if (rc == 0)
		FUZZ_ASSERT(p.l4_len >= WIRE_TSTAMP_LEN &&
			    (t.type == WIRE_ICMP4_TSTAMP ||
			     t.type == WIRE_ICMP4_TSTAMPREPLY));
	return 0;
}
