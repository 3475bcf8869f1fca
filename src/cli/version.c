/* -V: what this build is, and what a run with this command line, by this
 * user, would do: its socket, the privileges it holds and gives up, the
 * seccomp profile it enters.  Read from the process as it is (capget,
 * IDs, /proc), never opened or tried: -V opens no socket. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>

#include "cli.h"
#include "../sock/sandbox.h"
#include "../sock/sock.h"

/* Does net.ipv4.ping_group_range let this process have ICMP datagram
 * sockets?  The kernel checks the effective group and the supplementary
 * ones.  range gets the sysctl's text ("?" when unreadable). */
static bool ping_group_allowed(char *range, size_t len)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ping_group_range", "re");
	unsigned long lo = 1, hi = 0;
	gid_t groups[256];
	int n;

	snprintf(range, len, "?");
	if (!f)
		return false;
	if (fscanf(f, "%lu %lu", &lo, &hi) == 2)
		snprintf(range, len, "%lu %lu", lo, hi);
	fclose(f);
	if (lo <= getegid() && getegid() <= hi)
		return true;
	n = getgroups((int)(sizeof(groups) / sizeof(groups[0])), groups);
	for (int i = 0; i < n; i++)
		if (lo <= groups[i] && groups[i] <= hi)
			return true;
	return false;
}

/* A line of /proc/self/status ("NoNewPrivs", "Seccomp"), or "?". */
static void status_field(const char *key, char *out, size_t len)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	size_t k = strlen(key);

	snprintf(out, len, "?");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, k) && line[k] == ':') {
			char *v = line + k + 1;

			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, len, "%s", v);
			break;
		}
	fclose(f);
}

static const char *const cap_names[] = {
	[CAP_NET_RAW] = "cap_net_raw",
	[CAP_NET_ADMIN] = "cap_net_admin",
	[CAP_NET_BIND_SERVICE] = "cap_net_bind_service",
	[CAP_SETUID] = "cap_setuid",
	[CAP_SETGID] = "cap_setgid",
};

/* "none", or how many, and the ones a network tool cares about. */
static void caps_text(uint64_t set, char *out, size_t len)
{
	size_t k;
	int n = 0;

	for (int i = 0; i < 64; i++)
		n += (set >> i & 1) != 0;
	if (n == 0) {
		snprintf(out, len, "none");
		return;
	}
	k = (size_t)snprintf(out, len, "%d", n);
	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]) && k < len; i++)
		if (cap_names[i] && (set >> i & 1))
			k += (size_t)snprintf(out + k, len - k, " %s", cap_names[i]);
}

static const char *const method_names[] = {
	[CLI_SOCK_PING] = "ICMP echo",
	[CLI_SOCK_UDP] = "UDP (traceroute's default)",
	[CLI_SOCK_ICMP] = "ICMP echo (-I)",
	[CLI_SOCK_TCP] = "TCP SYN (-T)",
};

/* The socket the run would open, as sock_open / probe_sock_open choose. */
static void socket_line(FILE *f, const struct cli_version_run *v, bool raw)
{
	char range[64];
	bool dgram = ping_group_allowed(range, sizeof(range));

	fprintf(f, "socket (%s): ", method_names[v->sockets]);
	if (raw) {
		fprintf(f, "raw (CAP_NET_RAW is effective)\n");
	} else if (v->need_raw || v->sockets == CLI_SOCK_TCP) {
		fprintf(f, "none: the options need a raw socket, and CAP_NET_RAW is "
			"not effective\n");
	} else if (v->sockets == CLI_SOCK_UDP) {
		fprintf(f, "UDP datagram, errors from its error queue (no CAP_NET_RAW)\n");
	} else if (dgram) {
		fprintf(f, "ICMP datagram (no CAP_NET_RAW; group %u is in "
			"net.ipv4.ping_group_range %s)\n", (unsigned)getegid(), range);
	} else {
		fprintf(f, "none: no CAP_NET_RAW, and no group of ours is in "
			"net.ipv4.ping_group_range %s\n", range);
	}
}

void cli_version_run(FILE *f, const struct cli_version_run *v)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	uint64_t eff = 0, prm = 0;
	char ce[256], cp[256], nnp[16], mode[16];
	bool raw;

	if (v->facts_only)
		;
	else if (v->prog)
		fprintf(f, "%s from echolot %s (%s)\n", v->prog, ECHOLOT_VERSION,
			v->sockets == CLI_SOCK_PING ?
			"iputils 20221126 compatible" :
			"Linux traceroute 2.1 compatible");
	else
		fprintf(f, "echolot %s (ping compatible with iputils 20221126)\n",
			ECHOLOT_VERSION);

	/* Now, as this process holds them. */
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0) {
		ru = eu = su = getuid();
		rg = eg = sg = getgid();
	}
	if (sock_caps(&eff, &prm) < 0)
		eff = prm = 0;
	caps_text(eff, ce, sizeof(ce));
	caps_text(prm, cp, sizeof(cp));
	status_field("NoNewPrivs", nnp, sizeof(nnp));
	status_field("Seccomp", mode, sizeof(mode));
	fprintf(f, "now: uid %u gid %u, effective uid %u gid %u; capabilities "
		"effective: %s; permitted: %s; no_new_privs %s, seccomp mode %s\n",
		(unsigned)ru, (unsigned)rg, (unsigned)eu, (unsigned)eg, ce, cp,
		nnp, mode);

	/* What a run would open, and give up. */
	raw = (eff >> CAP_NET_RAW & 1) != 0;
	socket_line(f, v, raw);
	fprintf(f, "privileges: the sockets opened first, then every capability "
		"cleared (capset) and no_new_privs set, before any name is "
		"resolved");
	if (eu != ru || su != ru || eg != rg || sg != rg)
		fprintf(f, "; set-ID install: user and group become %u and %u "
			"(real, effective, saved)", (unsigned)ru, (unsigned)rg);
	fprintf(f, "\n");

	if (!sandbox_available()) {
		fprintf(f, "sandbox: off (sanitizer build)\n");
	} else {
		static const char *const what[2] = {
			"no socket(), no open(), ioctl TCGETS only",
			"socket() for the resolver's families only, open() for "
			"reading only, ioctl TCGETS, FIONREAD and SIOCGIFNAME only",
		};

		fprintf(f, "sandbox: seccomp, ");
		if (v->exporter)
			fprintf(f, "profile exporter: %u system calls (%s, and "
				"accept, epoll, timerfd, a netlink route socket)",
				sandbox_exporter_calls(), what[1]);
		else if (v->names >= 0)
			fprintf(f, "profile %s: %u system calls (%s)",
				v->names ? "names" : "numeric",
				sandbox_calls(v->names > 0), what[v->names > 0]);
		else
			fprintf(f, "profile names when names are printed: %u "
				"system calls (%s), else numeric: %u (%s)",
				sandbox_calls(true), what[1], sandbox_calls(false),
				what[0]);
		fprintf(f, "; anything else kills every thread%s\n",
			sandbox_valgrind_build() ?
			"; valgrind build: rt_sigtimedwait, sched_yield and tkill "
			"allowed too" : "");
	}
	fprintf(f, "IDN: libidn2 (loaded on demand, after the privileges are "
		"gone); timestamps: kernel SO_TIMESTAMPING\n");
}

void cli_version(FILE *f)
{
	struct cli_version_run v = { .sockets = CLI_SOCK_PING, .names = -1 };

	cli_version_run(f, &v);
}
