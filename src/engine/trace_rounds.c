/* Rounds of one trace (traceroute --report, mtr's cycles): the same
 * flow every round (same sockets, ports, identifier), fresh probe state,
 * and keys that move on, so that a late answer to the last round never
 * settles a probe of this one. */
#include "trace_int.h"
#include "trace_rounds.h"

void trace_rearm(struct trace *t)
{
	uint32_t base = t->key_base + t->nprobes;

	/* Keys of UDP and ICMP are 16 bits, and a Paris UDP key is a
	 * checksum (1 .. 0xfffe): start over rather than wrap. */
	if (t->cfg.method != PROBE_TCP && base + t->nprobes > 0xfffe)
		base = 1;
	if (t->cfg.method == PROBE_UDP && !t->paris)
		base = t->dport;        /* classic: the ports again */
	t->key_base = base;
	for (unsigned i = 0; i < t->nprobes; i++) {
		struct trace_probe *p = &t->probes[i];
		unsigned ttl = p->ttl, query = p->query;

		memset(p, 0, sizeof(*p));
		p->ttl = ttl;
		p->query = query;
		p->key = base + i;
		if (t->cfg.method != PROBE_TCP)
			p->key &= 0xffff;
		p->recv_ttl = -1;
		p->reply_len = -1;
	}
	t->last_send = 0;
	t->max_rtt_ns = 0;
}
