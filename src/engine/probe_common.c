/* What the probe kinds share: reading a
 * datagram from a raw ICMP socket (IPv4 with its header, IPv6 without),
 * and the facts of an ICMP error for the event (type, code, the MTU or
 * pointer, extensions). */
#include <string.h>

#include "engine_int.h"
#include "probe_int.h"
#include "../wire/addr.h"
#include "../wire/wire.h"

int probe_read_icmp(const struct sock *s, const struct sock_rx *rx,
		    struct wire_icmp *m, const uint8_t **msg,
		    struct probe_answer *a)
{
	struct wire_ip4 ip;

	*msg = rx->buf;
	if (s->family == AF_INET6 || s->kind != SOCK_KIND_RAW)
		return wire_icmp_parse(s->family, rx->buf, rx->len, m) < 0 ? -1 : 0;
	if (wire_ip4_icmp_parse(rx->buf, rx->len, &ip, m) < 0)
		return -1;
	*msg = rx->buf + ip.ihl_bytes;
	a->ev.ttl = ip.ttl;
	a->ev.tos = ip.tos;
	a->ev.has_ip_hdr = true;
	a->ev.ip_id = ip.id;
	a->ev.ip_df = ip.df;
	a->ev.ip_opts = ip.opts;
	a->ev.ip_opts_len = ip.opts_len;
	return 0;
}

void probe_error_facts(int family, const uint8_t *msg, const struct wire_icmp *m,
		       struct probe_answer *a)
{
	struct event *ev = &a->ev;
	struct wire_icmp_ext x;

	ev->type = EV_ERROR;
	ev->answer = EV_ANS_ICMP;
	ev->icmp_type = m->type;
	ev->icmp_code = m->code;
	ev->icmp_info = m->rest;
	ev->bytes = m->len;
	ev->reply_len = (int)m->len;
	ev->bad_cksum = !m->cksum_ok;
	if (wire_icmp_ext_find(family, msg, m->len, &x) == 0) {
		ev->ext = msg + x.off;
		ev->ext_len = x.len;
		/* The original datagram's length, in the header. */
		ev->ext_rfc4884 = msg[family == AF_INET6 ? 4 : 5] != 0;
	}
	probe_set_probed(a, m->quote.family,
			 m->quote.family == AF_INET6 ? (const void *)&m->quote.dst6 :
						       (const void *)&m->quote.dst4);
}

void probe_set_probed(struct probe_answer *a, int family, const void *addr)
{
	a->has_probed = addr != NULL;
	if (addr)
		wire_addr16_from(a->probed, family, addr);
}

void probe_set_probed_sa(struct probe_answer *a, const struct sockaddr *sa)
{
	probe_set_probed(a, sa->sa_family, wire_sa_bytes(sa));
}
