/* Internet checksum, RFC 1071: one's complement sum of 16-bit words. */
#include "wire.h"

uint32_t wire_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t s = sum;

	/* Bytes are summed as big-endian words, so the result does not depend
	 * on the host's byte order and is stored with a plain byte split.  A
	 * 64-bit sum cannot overflow (len < 2^47): no test in the loop, which
	 * the compiler may then vectorise. */
	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	/* 2^32 is 1 modulo 2^16 - 1: folding keeps the one's complement sum. */
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
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
