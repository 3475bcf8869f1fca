/* libFuzzer: the traceroute parsers of src/wire/l4.c: UDP and TCP headers
 * and the ICMP extension structure (RFC 4884 / 4950), the input read as an
 * ICMP error of both families and as a bare structure.
 * Build: fuzz/run.sh needs src/wire/l4.c among its WIRE_SRC and this
 * harness in its list. */
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ext(const uint8_t *buf, size_t len,
		      const struct wire_icmp_ext *x)
{
	FUZZ_ASSERT(x->nobj <= WIRE_EXT_MAX_OBJ);
	FUZZ_ASSERT(x->nmpls <= WIRE_MPLS_MAX);
	for (unsigned i = 0; i < x->nobj; i++)
		fuzz_check_inside(buf, len, x->obj[i].data, x->obj[i].len);
	for (unsigned i = 0; i < x->nmpls; i++)
		FUZZ_ASSERT(x->mpls[i].label < (1u << 20) && x->mpls[i].tc < 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct wire_udp u;
	struct wire_tcp t;
	struct wire_icmp_ext x;
	int rc;

	rc = wire_udp_parse(data, size, &u);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
	if (rc == 0) {
		FUZZ_ASSERT(size >= WIRE_UDP_HDR_LEN);
		fuzz_check_inside(data, size, u.payload, u.payload_len);
	}
	rc = wire_tcp_parse(data, size, &t);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
	if (rc == 0) {
		FUZZ_ASSERT(t.hdr_len >= WIRE_TCP_HDR_LEN && t.hdr_len <= size);
		fuzz_check_inside(data, size, t.opts, t.opts_len);
		fuzz_check_inside(data, size, t.payload, t.payload_len);
		FUZZ_ASSERT(t.hdr_len + t.payload_len == size);
	}
	rc = wire_icmp_ext_parse(data, size, &x);
	FUZZ_ASSERT(rc == 0 || rc == -EPROTO);
	if (rc == 0)
		check_ext(data, size, &x);
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		rc = wire_icmp_ext_find(families[i], data, size, &x);
		FUZZ_ASSERT(rc == 0 || rc == -ENOENT || rc == -EPROTO);
		if (rc == 0) {
			FUZZ_ASSERT(x.off >= 8 + 128 && x.off + x.len == size);
			check_ext(data + x.off, x.len, &x);
		}
	}
	return 0;
}
