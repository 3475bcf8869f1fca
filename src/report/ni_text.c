/* ping6 -N: a node information reply's text, as iputils prints it after
 * "N bytes from ADDR:": the names or addresses it carries (or why not),
 * then "; seq=N;". */
#include <arpa/inet.h>
#include <stdio.h>

#include "report.h"
#include "../wire/ni.h"

static void names(FILE *out, const struct wire_ni *ni)
{
	char text[WIRE_DN_TEXT_MAX];
	size_t off = 4;         /* past the TTL */
	bool fqdn, more = false;

	if (ni->data_len < 4) {
		fputs(" parse error (too short)", out);
		return;
	}
	while (off < ni->data_len) {
		if (more)
			fputc(',', out);
		if (wire_ni_name_next(ni, &off, text, sizeof(text), &fqdn) < 0) {
			fputs(" parse error (truncated)", out);
			break;
		}
		fputc(' ', out);
		/* Printable already (resolv escapes the rest); iputils
		 * writes anything else as an octal escape. */
		for (const char *p = text; *p; p++) {
			if (*p >= 0x20 && *p < 0x7f)
				fputc(*p, out);
			else
				fprintf(out, "\\%03o", (unsigned char)*p);
		}
		if (fqdn)
			fputc('.', out);
		more = true;
	}
}

static void addrs(FILE *out, const struct wire_ni *ni)
{
	int family = ni->qtype == WIRE_NI_QTYPE_IPV4 ? AF_INET : AF_INET6;
	char text[INET6_ADDRSTRLEN];
	uint8_t a[16];
	uint32_t ttl;
	size_t off = 0;
	bool more = false;

	while (off < ni->data_len) {
		if (more)
			fputc(',', out);
		if (wire_ni_addr_next(ni, &off, &ttl, a) < 0) {
			fputs(" parse error (truncated)", out);
			break;
		}
		fprintf(out, " %s", inet_ntop(family, a, text, sizeof(text)));
		more = true;
	}
	if (ni->flags & WIRE_NI_FLAG_TRUNCATE)
		fputs(" (truncated)", out);
}

void report_ni_reply(FILE *out, const uint8_t *msg, size_t len)
{
	struct wire_ni ni;

	if (wire_ni_parse(msg, len, &ni) < 0) {
		/* The engine hands on parsed replies only. */
		fputs(" parse error (too short)", out);
		return;
	}
	switch (ni.code) {
	case WIRE_NI_SUCCESS:
		switch (ni.qtype) {
		case WIRE_NI_QTYPE_NAME:
			names(out, &ni);
			break;
		case WIRE_NI_QTYPE_IPV6:
		case WIRE_NI_QTYPE_IPV4:
			addrs(out, &ni);
			break;
		default:
			fprintf(out, " unknown qtype(0x%02x)", ni.qtype);
		}
		break;
	case WIRE_NI_REFUSED:
		fputs(" refused", out);
		break;
	case WIRE_NI_UNKNOWN:
		fputs(" unknown", out);
		break;
	default:
		/* iputils byte-swaps the one-byte code (ntohs): 3 shows as
		 * "300" on the little-endian machines it runs on. */
		fprintf(out, " unknown code(%02x)", (unsigned)ni.code << 8);
	}
	fprintf(out, "; seq=%u;", ni.seq);
}
