/* The ICMP timestamp kind (echolot os: does the host answer a timestamp
 * request?).  IPv4 only, on a raw socket that sees only timestamp replies
 * (sock_open_tstamp).  The key is the sequence number. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "engine_int.h"
#include "probe_int.h"
#include "../wire/addr.h"

static int tstamp_build(void *kctx, const struct probe_req *req, uint8_t *b,
			size_t cap, struct probe_tx *tx)
{
	const struct probe_tstamp_cfg *c = kctx;
	struct timespec ts;
	uint32_t ms;
	int n;

	if (req->to->sa_family != AF_INET)
		return -EAFNOSUPPORT;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* RFC 792: milliseconds since midnight UT. */
	ms = (uint32_t)((ts.tv_sec % 86400) * 1000 + ts.tv_nsec / 1000000);
	n = wire_tstamp_build(c->id, (uint16_t)req->pn, ms, b, cap);
	if (n < 0)
		return n;
	tx->buf = b;
	tx->len = (size_t)n;
	return 0;
}

static int tstamp_parse(void *kctx, const struct sock *s, int role,
			const struct sock_rx *rx, struct probe_answer *a)
{
	const struct probe_tstamp_cfg *c = kctx;
	struct wire_ip4 ip;
	struct wire_tstamp t;

	(void)s;
	(void)role;
	if (wire_ip4_parse(rx->buf, rx->len, &ip) < 0 ||
	    wire_tstamp_parse(rx->buf + ip.ihl_bytes, rx->len - ip.ihl_bytes, &t) < 0 ||
	    t.type != WIRE_ICMP4_TSTAMPREPLY || !t.cksum_ok || t.id != c->id)
		return -1;
	a->ev.type = EV_REPLY;
	a->ev.ttl = ip.ttl;
	a->ev.icmp_type = t.type;
	a->ev.bytes = rx->len - ip.ihl_bytes;
	a->key = t.seq;
	a->has_key = true;
	probe_set_probed_sa(a, (const struct sockaddr *)&rx->from);
	return 0;
}

const struct probe_kind probe_tstamp = {
	.name = "tstamp",
	.key_bits = 16,
	.method = -1,        /* a socket of echolot os's (sock.h) */
	.build = tstamp_build,
	.parse = tstamp_parse,
};
