/* Reading a packet capture file (pcap or pcapng) through libpcap, loaded
 * with dlopen only when a file is read: nothing else in echolot pays for
 * it at start-up, and a machine without libpcap still runs everything
 * else. */
#ifndef ECHOLOT_PCAP_FILE_H
#define ECHOLOT_PCAP_FILE_H

#include <stddef.h>
#include <stdint.h>

struct sock_pcap;

/* Open path.  Returns 0, or -errno with a message in err (libpcap
 * missing, the file unreadable or no capture). */
int sock_pcap_open(struct sock_pcap **pc, const char *path, char *err,
		   size_t errlen);
/* The link type (pcap LINKTYPE_*). */
int sock_pcap_linktype(const struct sock_pcap *pc);
/* The next frame: 1 with *data (valid until the next call) and *len, 0 at
 * the end, -EIO on a damaged file (err says why). */
int sock_pcap_next(struct sock_pcap *pc, const uint8_t **data, size_t *len,
		   char *err, size_t errlen);
void sock_pcap_close(struct sock_pcap *pc);

#endif
