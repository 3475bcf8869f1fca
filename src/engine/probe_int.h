/* Shared by the probe kinds (probe_*.c): not for the loop, not for
 * commands. */
#ifndef ECHOLOT_PROBE_INT_H
#define ECHOLOT_PROBE_INT_H

#include "probe.h"
#include "../wire/wire.h"

/* Parse a datagram of a raw (or datagram) ICMP socket into m; *msg is
 * where the ICMP message starts; the IPv4 header's facts go into a->ev.
 * 0, or -1 when it is no ICMP message. */
int probe_read_icmp(const struct sock *s, const struct sock_rx *rx,
		    struct wire_icmp *m, const uint8_t **msg,
		    struct probe_answer *a);
/* An ICMP error's facts into a->ev (type EV_ERROR), and a->probed: the
 * quoted destination. */
void probe_error_facts(int family, const uint8_t *msg, const struct wire_icmp *m,
		       struct probe_answer *a);

/* traceroute's fill: byte i of the L4 datagram is 0x40 + i. */
static inline void probe_trace_fill(uint8_t *p, size_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(0x40 + ((off + i) & 0x3f));
}

#endif
