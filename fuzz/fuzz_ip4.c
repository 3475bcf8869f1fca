/* libFuzzer: wire_ip4_parse, its options (wire_ip4_opt_next) and
 * wire_ip4_icmp_parse: what a raw IPv4 socket hands us. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_ip4 ip;
	struct wire_icmp m;
	int rc;

	rc = wire_ip4_parse(data, size, &ip);
	fuzz_check_rc(rc);
	if (rc == 0) {
		FUZZ_ASSERT(ip.ihl_bytes >= WIRE_IP4_MIN_HDR && ip.ihl_bytes <= 60);
		FUZZ_ASSERT(ip.ihl_bytes <= size);
		FUZZ_ASSERT(ip.opts == data + WIRE_IP4_MIN_HDR);
		FUZZ_ASSERT(ip.opts_len == (size_t)ip.ihl_bytes - WIRE_IP4_MIN_HDR);
		FUZZ_ASSERT(ip.ttl == data[8] && ip.proto == data[9]);

		/* The options walk stays inside the options and ends. */
		struct wire_ip4_opt o;
		size_t off = 0, prev = 0;
		int n = 0;

		while ((rc = wire_ip4_opt_next(ip.opts, ip.opts_len, &off, &o)) == 1) {
			FUZZ_ASSERT(off > prev && off <= ip.opts_len);
			FUZZ_ASSERT(o.data_len == 0 ||
				    (o.data >= ip.opts && o.data + o.data_len <= ip.opts + ip.opts_len));
			prev = off;
			FUZZ_ASSERT(++n <= 40);
		}
		FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
	}

	rc = wire_ip4_icmp_parse(data, size, &ip, &m);
	fuzz_check_rc(rc);
	if (rc == 0) {
		const uint8_t *icmp = data + ip.ihl_bytes;

		FUZZ_ASSERT(ip.proto == IPPROTO_ICMP);
		FUZZ_ASSERT(ip.ihl_bytes + m.len <= size);
		/* The ICMP message is what the header claims, or what
		 * arrived when the claim is larger or absurd. */
		FUZZ_ASSERT(m.len == size - ip.ihl_bytes ||
			    m.len == (size_t)ip.total_len - ip.ihl_bytes);
		fuzz_check_icmp(AF_INET, icmp, m.len, 0, &m);
	}
	return 0;
}
