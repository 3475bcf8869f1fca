/* IPv4 options a sender asks the kernel to put in its headers
 * (IP_OPTIONS): record route, timestamps, loose or strict source route.
 * The layouts are RFC 791's. */
#include <string.h>

#include "wire.h"

size_t wire_ip4_opts_rr(uint8_t buf[WIRE_IP4_OPTS_MAX])
{
	memset(buf, 0, WIRE_IP4_OPTS_MAX);
	/* A NOP first, so that the nine 4-byte slots end on the header's
	 * 40 bytes: 1 + 3 + 36. */
	buf[0] = WIRE_IPOPT_NOP;
	buf[1] = WIRE_IPOPT_RR;
	buf[2] = WIRE_IP4_OPTS_MAX - 1;
	buf[3] = 4;             /* the first slot (pointer counts from 1) */
	return WIRE_IP4_OPTS_MAX;
}

size_t wire_ip4_opts_ts(uint8_t buf[WIRE_IP4_OPTS_MAX], uint8_t flag,
			const uint32_t *addrs, size_t n)
{
	memset(buf, 0, WIRE_IP4_OPTS_MAX);
	buf[0] = WIRE_IPOPT_TS;
	buf[2] = 5;             /* the first slot */
	buf[3] = flag & 0x0f;
	if (flag == WIRE_IPOPT_TS_PRESPEC) {
		/* The hosts that are to stamp, each with its empty stamp. */
		if (n > 4)
			n = 4;
		for (size_t i = 0; i < n; i++)
			memcpy(buf + 4 + i * 8, &addrs[i], 4);
		buf[1] = (uint8_t)(4 + n * 8);
	} else {
		/* Nine stamps, or four address and stamp pairs. */
		buf[1] = flag == WIRE_IPOPT_TS_TSONLY ? 40 : 36;
	}
	return buf[1];
}

size_t wire_ip4_opts_srr(uint8_t buf[WIRE_IP4_OPTS_MAX], bool strict,
			 const uint32_t *addrs, size_t n)
{
	memset(buf, 0, WIRE_IP4_OPTS_MAX);
	if (n > 9)
		n = 9;
	buf[0] = WIRE_IPOPT_NOP;
	buf[1] = strict ? WIRE_IPOPT_SSRR : WIRE_IPOPT_LSRR;
	buf[2] = (uint8_t)(3 + n * 4);
	buf[3] = 4;
	for (size_t i = 0; i < n; i++)
		memcpy(buf + 4 + i * 4, &addrs[i], 4);
	return 4 + n * 4;
}
