/* engine_os: the signal probes of `echolot os` (fp_active.h says what
 * each tells apart): echo requests with an odd code, DF and TOS, an ICMP
 * timestamp request and a UDP datagram to a closed port, all in one
 * engine run (os_probe.c: engine_os_run; probe_tstamp.c, probe_quote.c). */
#include "os_probe_int.h"

#define SIGNAL_PROBES 3

void engine_os_signals(struct engine_os *p, struct engine_os_signals *s,
		       int64_t end)
{
	uint8_t code = p->raw ? ENGINE_OS_CODE : 0;     /* a datagram socket
	                                                   must send 0 */
	int64_t w = engine_os_wait(p, end);

	s->code_sent = code;
	s->code_got = s->timestamp = s->quote_sent = s->quoted = -1;
	s->quote_v6 = false;
	p->collect_code = code != 0;
	p->code_got = -1;
	p->sig_ts = -1;
	p->sig_quoted = -1;
	if (w > 0)
		(void)engine_os_run(p, 255, SIGNAL_PROBES, code, w, true);
	p->collect_code = false;
	if (code && p->code_got >= 0 && !p->code_mixed)
		s->code_got = p->code_got;
	s->timestamp = p->sig_ts;
	if (p->udp.fd >= 0 && p->unreach.fd >= 0) {
		s->quote_v6 = p->dst.ss_family == AF_INET6;
		s->quote_sent = 8 + ENGINE_OS_QUOTE_DATALEN;
		/* s->quoted stays -1 when none came. */
		s->quoted = p->sig_quoted;
	}
}
