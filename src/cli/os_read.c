/* `echolot os --read FILE [HOST]`: the verdict of `echolot os` for every
 * host whose ICMP replies a capture holds, from what the capture shows:
 * its reply TTLs, the hop count where TTL-limited probes to it and their
 * answers were captured (as `echolot os` sends them), and the signals. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "os.h"
#include "../analysis/fp_active.h"
#include "../analysis/fp_capture.h"
#include "../report/os_active.h"
#include "../sock/pcap_file.h"
#include "../sock/resolve.h"
#include "../sock/sandbox.h"
#include "../sock/sock.h"
#include "../wire/wire.h"

static socklen_t to_sockaddr(int family, const uint8_t *addr,
			     struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)family;
	if (family == AF_INET6) {
		memcpy(&((struct sockaddr_in6 *)ss)->sin6_addr, addr, 16);
		return sizeof(struct sockaddr_in6);
	}
	memcpy(&((struct sockaddr_in *)ss)->sin_addr, addr, 4);
	return sizeof(struct sockaddr_in);
}

static bool wanted(const struct fp_cap_host *h, int family,
		   const struct sockaddr_storage *only)
{
	if (family != AF_UNSPEC && h->family != family)
		return false;
	if (!only)
		return true;
	if (only->ss_family != h->family)
		return false;
	if (h->family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)only)->sin6_addr,
			       h->addr, 16);
	return !memcmp(&((const struct sockaddr_in *)only)->sin_addr, h->addr, 4);
}

static void report_host(const struct fp_cap_host *h, struct resolve_cache *names)
{
	struct sockaddr_storage ss;
	struct report_os_evidence ev;
	struct fp_signals sig;
	struct fp_active a;
	char target[400], at[400];
	socklen_t len;
	int hops = fp_capture_hops(h);

	fp_capture_signals(h, &sig);
	fp_active_verdict(&h->fp, hops, &sig, &a);
	len = to_sockaddr(h->family, h->addr, &ss);
	snprintf(target, sizeof(target), "%s",
		 resolve_pretty(names, (struct sockaddr *)&ss, len));
	memset(&ev, 0, sizeof(ev));
	ev.captured = true;
	ev.target = target;
	ev.hops = hops;
	ev.reach_ttl = h->reach_min;
	ev.expire_ttl = hops > 0 ? h->fail_max : 0;
	if (hops > 0 && h->has_at) {
		len = to_sockaddr(h->family, h->at, &ss);
		snprintf(at, sizeof(at), "%s",
			 resolve_pretty(names, (struct sockaddr *)&ss, len));
		ev.expired_at = at;
	}
	if (hops < 0)
		ev.hop_note = h->reach_min > 255 ?
			"no echo request to it in the capture" :
			"no TTL-limited probes that bracket it in the capture";
	ev.sent = (unsigned)h->requests;
	ev.answered = (unsigned)(h->replies + h->errors);
	ev.ip_ids = h->ids_got;
	ev.nip_ids = h->nids;
	ev.fp = &h->fp;
	report_os_active(stdout, &a, &sig, &ev);
}

int cli_os_read(const char *path, int family, bool numeric, const char *host)
{
	struct sockaddr_storage only;
	struct resolve_cache names;
	struct fp_capture cap;
	struct sock_pcap *pc;
	char err[600], canon[1025];
	const uint8_t *frame;
	size_t flen;
	socklen_t olen;
	unsigned shown = 0;
	int rc, link;

	if (host && resolve_target(host, family, &only, &olen, canon,
				   sizeof(canon), err, sizeof(err))) {
		fprintf(stderr, "os: %s\n", err);
		return 2;
	}
	if (sock_pcap_open(&pc, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "os: %s: %s\n", path, err);
		return 2;
	}
	link = sock_pcap_linktype(pc);
	if (fp_capture_init(&cap) < 0) {
		fprintf(stderr, "os: out of memory\n");
		sock_pcap_close(pc);
		return 2;
	}
	/* The file is open: no privilege, and only reading from here on. */
	if (sock_drop_privileges() < 0) {
		fprintf(stderr, "os: cannot drop privileges: %s\n", strerror(errno));
		goto fail;
	}
	resolve_cache_init(&names, numeric);
	rc = sandbox_enter(!numeric);
	if (rc < 0) {
		fprintf(stderr, "os: seccomp: %s\n", strerror(-rc));
		goto fail;
	}
	while ((rc = sock_pcap_next(pc, &frame, &flen, err, sizeof(err))) == 1) {
		const uint8_t *ip;
		size_t iplen;
		struct wire_pkt p;

		if (wire_frame_ip(link, frame, flen, &ip, &iplen) == 0 &&
		    wire_pkt_parse(ip, iplen, &p) == 0)
			fp_capture_add(&cap, &p);
	}
	if (rc < 0) {
		fprintf(stderr, "os: %s: %s\n", path, err);
		goto fail;
	}
	for (size_t i = 0; i < cap.nhosts; i++) {
		const struct fp_cap_host *h = &cap.hosts[i];

		if (!h->replies || !wanted(h, family, host ? &only : NULL))
			continue;
		if (shown++)
			putchar('\n');
		report_host(h, &names);
	}
	if (!shown)
		printf("os: no %shost with ICMP echo replies in %s (%llu packets, "
		       "%llu ICMP)\n", host ? "such " : "", path,
		       (unsigned long long)cap.packets, (unsigned long long)cap.icmp);
	fp_capture_free(&cap);
	sock_pcap_close(pc);
	return shown ? 0 : 1;
fail:
	fp_capture_free(&cap);
	sock_pcap_close(pc);
	return 2;
}
