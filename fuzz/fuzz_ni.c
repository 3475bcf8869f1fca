/* libFuzzer: ping6 -N's Node Information replies, from bytes a hostile
 * host chooses: wire_ni_parse, the walk over a reply's names and
 * addresses, and the text iputils would print (report_ni_reply).  Every
 * name is read side by side with glibc's own dn_expand(), which iputils
 * prints from: a difference in length or text aborts.  The same bytes,
 * as a string, go through wire_dn_encode beside glibc's dn_comp().
 *
 * The first byte picks where else to read a name (wire_dn_expand at that
 * offset of the rest); the rest is the NI message. */
#include <resolv.h>
#include <string.h>

#include "fuzz_common.h"
#include "report/report.h"
#include "wire/ni.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_as_glibc(const uint8_t *msg, size_t len, size_t off)
{
	char a[WIRE_DN_TEXT_MAX], b[WIRE_DN_TEXT_MAX];
	int ours = wire_dn_expand(msg, len, off, a, sizeof(a));
	int theirs = off < len ? dn_expand(msg, msg + len, msg + off, b, sizeof(b)) : -1;

	FUZZ_ASSERT(ours == theirs);
	if (ours >= 0) {
		FUZZ_ASSERT(ours > 0 && (size_t)ours <= len - off);
		FUZZ_ASSERT(strlen(a) < sizeof(a) && !strcmp(a, b));
	}
}

static void walk(const struct wire_ni *ni)
{
	char text[WIRE_DN_TEXT_MAX];
	uint8_t addr[16];
	uint32_t ttl;
	size_t off = 4, before;
	bool fqdn;
	int rc;

	while (ni->data_len >= 4) {
		before = off;
		if (off < ni->data_len)
			same_as_glibc(ni->data, ni->data_len, off);
		rc = wire_ni_name_next(ni, &off, text, sizeof(text), &fqdn);
		FUZZ_ASSERT(rc >= -1 && rc <= 1);
		if (rc != 1)
			break;
		FUZZ_ASSERT(off > before && off <= ni->data_len);
		FUZZ_ASSERT(strlen(text) < sizeof(text));
	}
	off = 0;
	while ((rc = wire_ni_addr_next(ni, &off, &ttl, addr)) == 1)
		FUZZ_ASSERT(off <= ni->data_len);
	FUZZ_ASSERT(rc == 0 || rc == -1);
}

static void encode(const uint8_t *data, size_t size)
{
	char text[512];
	uint8_t ours[300], theirs[300];
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	int a, b;

	memcpy(text, data, n);
	text[n] = '\0';
	a = wire_dn_encode(text, ours, sizeof(ours));
	b = dn_comp(text, theirs, sizeof(theirs), NULL, NULL);
	FUZZ_ASSERT((a < 0) == (b < 0));
	if (a >= 0) {
		char back[WIRE_DN_TEXT_MAX];

		FUZZ_ASSERT(a == b && !memcmp(ours, theirs, (size_t)a));
		/* What we wrote, we read back. */
		FUZZ_ASSERT(wire_dn_expand(ours, (size_t)a, 0, back, sizeof(back)) == a);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[1 << 16];
	struct wire_ni ni;
	FILE *f;
	int rc;

	if (size < 1)
		return 0;
	encode(data + 1, size - 1);
	if (size > 1)
		same_as_glibc(data + 1, size - 1, data[0] % (size - 1));
	rc = wire_ni_parse(data + 1, size - 1, &ni);
	if (rc < 0) {
		FUZZ_ASSERT(rc == -EINVAL);
		return 0;
	}
	FUZZ_ASSERT(ni.len == size - 1 && ni.data_len + WIRE_NI_HDR_LEN == ni.len);
	fuzz_check_inside(data + 1, size - 1, ni.data, ni.data_len);
	FUZZ_ASSERT(ni.seq == (data[9] << 8 | data[10]));
	walk(&ni);
	f = fmemopen(out, sizeof(out), "w");
	if (f) {
		report_ni_reply(f, data + 1, size - 1);
		fclose(f);
	}
	return 0;
}
