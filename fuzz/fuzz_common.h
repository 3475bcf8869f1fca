/* Shared by the libFuzzer harnesses: invariant checks that abort, so a
 * parser that returns nonsense counts as a crash, not only one that reads
 * out of bounds (ASan) or hits undefined behaviour (UBSan). */
#ifndef ECHOLOT_FUZZ_COMMON_H
#define ECHOLOT_FUZZ_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "wire/wire.h"
#include "fuzz_assert.h"

/* Every pointer a parser hands back lies inside [buf, buf + len). */
static inline void fuzz_check_inside(const uint8_t *buf, size_t len,
				     const uint8_t *p, size_t n)
{
	FUZZ_ASSERT(p >= buf && n <= len && p - buf <= (ptrdiff_t)(len - n));
}

static inline void fuzz_check_rc(int rc)
{
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL || rc == -EPROTO);
}

static inline void fuzz_check_quote(const struct wire_quote *q, size_t len)
{
	FUZZ_ASSERT(q->len == len);
	FUZZ_ASSERT(!q->has_l4 || q->has_ip);
	if (q->has_ip && q->family == AF_INET)
		FUZZ_ASSERT(len >= WIRE_IP4_MIN_HDR);
	if (q->has_ip && q->family == AF_INET6)
		FUZZ_ASSERT(len >= WIRE_IP6_HDR_LEN);
	if (q->has_l4)
		FUZZ_ASSERT(len >= (q->family == AF_INET6 ? WIRE_IP6_HDR_LEN
							  : WIRE_IP4_MIN_HDR) + 8);
}

static inline void fuzz_check_icmp(int family, const uint8_t *buf,
				   size_t len, int rc,
				   const struct wire_icmp *m)
{
	fuzz_check_rc(rc);
	if (rc) {
		FUZZ_ASSERT(len < WIRE_ICMP_HDR_LEN);
		return;
	}
	FUZZ_ASSERT(m->family == family);
	FUZZ_ASSERT(m->len == len);
	FUZZ_ASSERT(m->data_len + WIRE_ICMP_HDR_LEN == len);
	fuzz_check_inside(buf, len, m->data, m->data_len);
	FUZZ_ASSERT(m->type == buf[0] && m->code == buf[1]);
	if (family == AF_INET6)
		FUZZ_ASSERT(m->cksum_ok);
	else
		FUZZ_ASSERT(m->cksum_ok == (wire_checksum(buf, len) == 0));
	if (wire_icmp_is_error(family, m->type)) {
		fuzz_check_quote(&m->quote, m->data_len);
		if (m->quote.has_ip)
			FUZZ_ASSERT(m->quote.family == family);
	} else {
		FUZZ_ASSERT(!m->quote.has_ip && !m->quote.has_l4);
	}
}

#endif
