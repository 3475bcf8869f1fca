/* engine_os: the signal probes of `echolot os` (fp_active.h says what
 * each tells apart): echo requests with an odd code, DF and TOS, an ICMP
 * timestamp request and a UDP datagram to a closed port. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "os_probe_int.h"
#include "../wire/wire.h"

#define SIGNAL_PROBES 3

static int64_t now_ns(void)
{
	return engine_now();
}

/* The timestamp request: sent now, its answer read after the echoes. */
static int tstamp_send(struct engine_os *p, uint16_t *id)
{
	uint8_t msg[WIRE_TSTAMP_LEN];
	struct timespec ts;
	uint32_t ms, key;

	clock_gettime(CLOCK_REALTIME, &ts);
	/* RFC 792: milliseconds since midnight UT. */
	ms = (uint32_t)((ts.tv_sec % 86400) * 1000 + ts.tv_nsec / 1000000);
	*id = (uint16_t)(p->id_base + ENGINE_OS_MAX_STEPS - 1);
	if (wire_tstamp_build(*id, 1, ms, msg, sizeof(msg)) < 0)
		return -EINVAL;
	p->probes++;
	return sock_send(&p->ts, msg, sizeof(msg), (struct sockaddr *)&p->dst,
			 p->dstlen, &key);
}

/* Read s until match() takes a datagram, end comes or a stop; whether
 * one was taken. */
static bool recv_match(struct engine_os *p, struct sock *s, int64_t end,
		       bool (*match)(const struct engine_os *p,
				     const struct sock_rx *rx, void *arg),
		       void *arg)
{
	struct sock_rx *rx = malloc(sizeof(*rx));
	bool got = false;

	if (!rx)
		return false;
	while (!got && !*p->cfg.stop) {
		int n = sock_recv(s, rx, 1);

		if (n < 0)
			break;
		if (n == 1) {
			got = match(p, rx, arg);
			continue;
		}
		if (now_ns() >= end || sock_wait(s, end - now_ns()) <= 0)
			break;
	}
	free(rx);
	if (got)
		p->answered++;
	return got;
}

/* A timestamp reply to request *arg (its id), from the target. */
static bool tstamp_match(const struct engine_os *p, const struct sock_rx *rx,
			 void *arg)
{
	uint16_t id = *(const uint16_t *)arg;
	struct wire_ip4 ip;
	struct wire_tstamp t;
	const struct sockaddr_in *from = (const void *)&rx->from;
	const struct sockaddr_in *dst = (const void *)&p->dst;

	return wire_ip4_parse(rx->buf, rx->len, &ip) == 0 &&
	       wire_tstamp_parse(rx->buf + ip.ihl_bytes,
				 rx->len - ip.ihl_bytes, &t) == 0 &&
	       t.type == WIRE_ICMP4_TSTAMPREPLY && t.cksum_ok &&
	       t.id == id && t.seq == 1 &&
	       from->sin_addr.s_addr == dst->sin_addr.s_addr;
}

/* The quote probe: a UDP datagram to a closed port.  0 or -errno. */
static int quote_send(struct engine_os *p)
{
	uint8_t data[ENGINE_OS_QUOTE_DATALEN];
	uint32_t key;

	memset(data, 0, sizeof(data));
	memcpy(data, "echolot os quote probe", 22);
	p->probes++;
	return sock_send(&p->udp, data, sizeof(data), NULL, 0, &key);
}

static bool same_addr(const struct sockaddr_storage *a, int family,
		      const void *addr)
{
	if (a->ss_family != family)
		return false;
	if (family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)a)->sin_addr, addr, 4);
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, addr, 16);
}

/* The target's Port Unreachable for our UDP probe: *arg (an int) is
 * then the bytes after its IP header that it quoted. */
static bool quote_match(const struct engine_os *p, const struct sock_rx *rx,
			void *arg)
{
	int family = p->dst.ss_family;
	const void *dst = family == AF_INET ?
		(const void *)&((const struct sockaddr_in *)&p->dst)->sin_addr :
		(const void *)&((const struct sockaddr_in6 *)&p->dst)->sin6_addr;
	struct wire_ip4 ip;
	struct wire_icmp m;
	const struct wire_quote *q = &m.quote;
	bool port, ok;
	size_t hl;

	ok = family == AF_INET ?
	     wire_ip4_icmp_parse(rx->buf, rx->len, &ip, &m) == 0 :
	     wire_icmp_parse(AF_INET6, rx->buf, rx->len, &m) == 0;
	port = family == AF_INET ?
	       m.type == WIRE_ICMP4_UNREACH && m.code == 3 :
	       m.type == WIRE_ICMP6_UNREACH && m.code == 4;
	if (!(ok && port && q->has_ip && q->has_l4 &&
	      q->proto == IPPROTO_UDP &&
	      same_addr(&rx->from, family, dst) &&
	      !memcmp(family == AF_INET ? (const void *)&q->dst4 :
		      (const void *)&q->dst6, dst,
		      family == AF_INET ? 4 : 16) &&
	      (q->l4[0] << 8 | q->l4[1]) == p->udp_sport &&
	      (q->l4[2] << 8 | q->l4[3]) == ENGINE_OS_QUOTE_PORT))
		return false;
	hl = family == AF_INET ? (size_t)(m.data[0] & 0x0f) * 4 :
				 WIRE_IP6_HDR_LEN;
	*(int *)arg = q->len > hl ? (int)(q->len - hl) : 0;
	return true;
}

void engine_os_signals(struct engine_os *p, struct engine_os_signals *s,
		       int64_t end)
{
	uint8_t code = p->raw ? ENGINE_OS_CODE : 0;     /* a datagram socket
	                                                   must send 0 */
	uint16_t tsid = 0;
	bool ts = p->ts.fd >= 0 && tstamp_send(p, &tsid) == 0;
	bool quote = p->udp.fd >= 0 && quote_send(p) == 0;
	int64_t w = engine_os_wait(p, end), tsend;

	s->code_sent = code;
	s->code_got = s->timestamp = s->quote_sent = s->quoted = -1;
	s->quote_v6 = false;
	p->collect_code = code != 0;
	p->code_got = -1;
	tsend = now_ns() + w;
	if (w > 0)
		(void)engine_os_step(p, 255, SIGNAL_PROBES, code, w);
	p->collect_code = false;
	if (code && p->code_got >= 0 && !p->code_mixed)
		s->code_got = p->code_got;
	if (tsend > end)
		tsend = end;
	if (ts)
		s->timestamp = recv_match(p, &p->ts, tsend, tstamp_match, &tsid);
	if (quote) {
		s->quote_v6 = p->dst.ss_family == AF_INET6;
		s->quote_sent = 8 + ENGINE_OS_QUOTE_DATALEN;
		/* s->quoted stays -1 when none came. */
		(void)recv_match(p, &p->unreach, tsend, quote_match, &s->quoted);
	}
}
