/* libFuzzer: the text reporter's reading of a reply's IPv4 options (record
 * route, timestamps, source routes, as iputils prints them), from bytes a
 * hostile host chooses.  The first byte picks the flags (a second reply
 * after the first, for "(same route)"; flood; the byte counts as options
 * when its top bit is set); the rest, at most 40 bytes, are the options.
 * Each line is written to memory, and must stay short. */
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "fuzz_common.h"
#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void reply(struct report_ping *r, const uint8_t *opts, size_t n,
		  const struct sockaddr_in *from, uint16_t seq)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_REPLY;
	ev.family = AF_INET;
	ev.seq = seq;
	ev.nsent = seq;
	ev.from = (const struct sockaddr *)from;
	ev.fromlen = sizeof(*from);
	ev.bytes = 64;
	ev.ttl = 64;
	ev.tos = -1;
	ev.has_rtt = true;
	ev.rtt_ns = 45000;
	ev.ident = -1;
	ev.wrong_byte = -1;
	ev.has_ip_hdr = true;
	ev.ip_opts = opts;
	ev.ip_opts_len = n;
	report_ping_on_event(r, &ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in dst;
	struct report_ping_cfg cfg;
	struct report_ping r;
	struct stats st;
	uint8_t opts[WIRE_IP4_OPTS_MAX];
	char *text = NULL;
	size_t textlen = 0, n;
	uint8_t flags;
	FILE *f;

	if (size < 1)
		return 0;
	flags = data[0];
	n = size - 1 < sizeof(opts) ? size - 1 : sizeof(opts);
	memcpy(opts, data + 1, n);

	f = open_memstream(&text, &textlen);
	if (!f)
		abort();
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	dst.sin_addr.s_addr = htonl(0xc6120002);
	stats_init(&st);
	memset(&cfg, 0, sizeof(cfg));
	cfg.out = f;
	cfg.host = cfg.canon = "198.18.0.2";
	cfg.dst = (const struct sockaddr *)&dst;
	cfg.dstlen = sizeof(dst);
	cfg.datalen = 56;
	cfg.numeric = true;
	cfg.flood = flags & 2;
	cfg.ip_optlen = WIRE_IP4_OPTS_MAX;
	cfg.stats = &st;
	report_ping_init(&r, &cfg);

	reply(&r, opts, n, &dst, 1);
	if (flags & 1)
		reply(&r, opts, n, &dst, 2);
	fclose(f);
	/* Nine addresses or stamps an option at most, a handful of options
	 * in 40 bytes: a few hundred bytes a reply, never more. */
	FUZZ_ASSERT(textlen < 4096);
	if (!(flags & 2))
		FUZZ_ASSERT(textlen > 0 && text[textlen - 1] == '\n');
	free(text);
	return 0;
}
