/* Internet checksum, RFC 1071: one's complement sum of 16-bit words. */
#include "wire.h"

uint32_t wire_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	/* Bytes are summed as big-endian words, so the result does not depend
	 * on the host's byte order and is stored with a plain byte split. */
	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		/* Fold early so that any length fits in 32 bits. */
		if (sum & 0x80000000u)
			sum = (sum & 0xffff) + (sum >> 16);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t wire_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t wire_checksum(const void *buf, size_t len)
{
	return wire_csum_fold(wire_csum_add(0, buf, len));
}
