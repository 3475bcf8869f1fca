/* libpcap, loaded on demand, for `echolot os --read`.
 *
 * The few declarations it needs are written out here rather than taken
 * from <pcap/pcap.h>: they are libpcap's stable ABI (pcap(3PCAP)), and
 * without the header the build needs no libpcap-dev: only a run with
 * --read needs libpcap0.8. */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "pcap_file.h"

typedef struct pcap pcap_t;
struct pcap_pkthdr {
	struct timeval ts;
	uint32_t caplen;        /* bytes present */
	uint32_t len;           /* bytes on the wire */
};
#define PCAP_ERRBUF_SIZE 256
#define PCAP_ERROR_BREAK (-2)   /* pcap_next_ex: no more packets */

pcap_t *pcap_open_offline(const char *fname, char *errbuf);
int pcap_datalink(pcap_t *p);
int pcap_next_ex(pcap_t *p, struct pcap_pkthdr **h, const unsigned char **data);
char *pcap_geterr(pcap_t *p);
void pcap_close(pcap_t *p);

struct sock_pcap {
	void *lib;
	pcap_t *p;
	int linktype;
	__typeof__(pcap_next_ex) *next_ex;
	__typeof__(pcap_geterr) *geterr;
	__typeof__(pcap_close) *close;
};

int sock_pcap_open(struct sock_pcap **out, const char *path, char *err,
		   size_t errlen)
{
	static const char *const names[] = { "libpcap.so.0.8", "libpcap.so.1",
					     "libpcap.so" };
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	__typeof__(pcap_open_offline) *open_offline;
	__typeof__(pcap_datalink) *datalink;
	struct sock_pcap *pc = calloc(1, sizeof(*pc));

	*out = NULL;
	if (!pc) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !pc->lib; i++)
		pc->lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!pc->lib) {
		snprintf(err, errlen, "cannot load libpcap (apt-get install libpcap0.8)");
		free(pc);
		return -ENOENT;
	}
	open_offline = (__typeof__(open_offline))dlsym(pc->lib, "pcap_open_offline");
	datalink = (__typeof__(datalink))dlsym(pc->lib, "pcap_datalink");
	pc->next_ex = (__typeof__(pc->next_ex))dlsym(pc->lib, "pcap_next_ex");
	pc->geterr = (__typeof__(pc->geterr))dlsym(pc->lib, "pcap_geterr");
	pc->close = (__typeof__(pc->close))dlsym(pc->lib, "pcap_close");
	if (!open_offline || !datalink || !pc->next_ex || !pc->geterr || !pc->close) {
		snprintf(err, errlen, "libpcap lacks pcap_open_offline and friends");
		dlclose(pc->lib);
		free(pc);
		return -ENOENT;
	}
	pc->p = open_offline(path, ebuf);
	if (!pc->p) {
		snprintf(err, errlen, "%s", ebuf[0] ? ebuf : "cannot open");
		dlclose(pc->lib);
		free(pc);
		return -EINVAL;
	}
	pc->linktype = datalink(pc->p);
	*out = pc;
	return 0;
}

int sock_pcap_linktype(const struct sock_pcap *pc)
{
	return pc->linktype;
}

int sock_pcap_next(struct sock_pcap *pc, const uint8_t **data, size_t *len,
		   char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const unsigned char *d;
	int rc = pc->next_ex(pc->p, &h, &d);

	if (rc == 1) {
		*data = d;
		*len = h->caplen;
		return 1;
	}
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	snprintf(err, errlen, "%s", pc->geterr(pc->p));
	return -EIO;
}

void sock_pcap_close(struct sock_pcap *pc)
{
	if (!pc)
		return;
	pc->close(pc->p);
	dlclose(pc->lib);
	free(pc);
}
