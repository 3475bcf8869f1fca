/* Build-time generator of echolot's seccomp filters.
 *
 * libseccomp compiles the allow-lists into BPF here, once, on the build
 * machine; the program embeds the result and installs it with one seccomp()
 * at run time, so no library is loaded and nothing is compiled at every
 * start.  Usage: gen_seccomp [--valgrind] > seccomp_filters.h
 *
 * --valgrind adds the calls that only valgrind makes (it runs inside the
 * client's process, under its filter): for `make valgrind`'s build only,
 * never for the production one. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>

/* What a run needs once its sockets are open and its privileges gone:
 * send, receive, wait, tell the time, print, handle signals, allocate.
 * ioctl is not here: only the requests in base_ioctls are. */
static const char *const base[] = {
	"read", "write", "writev", "sendto", "sendmsg", "recvmsg", "recvmmsg",
	"ppoll", "poll", "clock_gettime", "clock_nanosleep", "gettimeofday",
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "exit", "exit_group",
	"brk", "mmap", "munmap", "mremap", "madvise", "fstat", "newfstatat",
	"close", "getsockname", "getpid", "gettid", "tgkill",
	"futex", "getrandom", "lseek",
	/* Sweeps and fping send their probes in batches. */
	"sendmmsg",
};

/* ioctl requests, whatever the descriptor.  TCGETS: stdio asks whether
 * stdout is a terminal (isatty) before its first write.  Anything else
 * (TIOCSTI, which pushes input into a terminal, first) kills. */
static const unsigned long base_ioctls[] = { TCGETS };

/* What name lookups add (reverse names for the lines ping prints): the
 * resolver's files and sockets, and NSS or libidn2 modules loaded on
 * demand.  socket, open and openat are not here: only with the arguments
 * below. */
static const char *const resolve[] = {
	"connect", "bind", "pread64", "fcntl",
	"recvfrom", "getsockopt", "setsockopt", "uname", "stat",
	"mprotect", "access", "faccessat", "faccessat2", "readlink",
	"getuid", "geteuid", "getgid", "getegid", "getdents64", "statfs",
	"fstatfs", "sysinfo", "getpeername",
};

/* glibc's resolver sizes each DNS answer with FIONREAD before it reads
 * it; getnameinfo() names a link-local address's interface when it prints
 * the address (if_indextoname: SIOCGIFNAME on an AF_UNIX datagram
 * socket).  Both only read. */
static const unsigned long resolve_ioctls[] = { FIONREAD, SIOCGIFNAME };

/* A screen (echolot mtr's curses): the terminal's mode set back when it
 * ends (TCSETS*), and its size read when it changes (TIOCGWINSZ).  Still
 * never TIOCSTI. */
static const unsigned long screen_ioctls[] = { TCSETS, TCSETSW, TCSETSF,
					       TIOCGWINSZ };

/* The sockets glibc's resolver and its NSS modules open: UDP and TCP to
 * name servers (IPv4, IPv6), Unix stream sockets (nscd, systemd's
 * resolver, avahi) and the Unix datagram socket if_indextoname asks on,
 * with or without SOCK_NONBLOCK and SOCK_CLOEXEC.  Any other family
 * (AF_PACKET, AF_NETLINK, ...), type (SOCK_RAW) or protocol kills. */
static const struct { int domain, type, protocol; } resolve_sockets[] = {
	{ AF_INET, SOCK_DGRAM, 0 }, { AF_INET, SOCK_DGRAM, IPPROTO_UDP },
	{ AF_INET, SOCK_STREAM, 0 }, { AF_INET, SOCK_STREAM, IPPROTO_TCP },
	{ AF_INET6, SOCK_DGRAM, 0 }, { AF_INET6, SOCK_DGRAM, IPPROTO_UDP },
	{ AF_INET6, SOCK_STREAM, 0 }, { AF_INET6, SOCK_STREAM, IPPROTO_TCP },
	{ AF_UNIX, SOCK_STREAM, 0 }, { AF_UNIX, SOCK_DGRAM, 0 },
};

/* Files are opened for reading only: /etc/hosts, nsswitch.conf,
 * resolv.conf, NSS modules, libidn2.  Seccomp sees the flags but not the
 * path (a pointer into our memory), so which files cannot be said here;
 * what can is that nothing is created, truncated or written. */
#ifndef __O_TMPFILE
#define __O_TMPFILE 020000000
#endif
#define OPEN_WRITE_FLAGS (O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | __O_TMPFILE)

/* What the exporter adds to the lookups' calls (src/cli/exporter.c): its
 * HTTP server (libmicrohttpd driven from the engine's loop through one
 * epoll descriptor: accept connections, read and write them, shut them
 * down) and its timers (timerfd).  The listening socket, the epoll and
 * timer descriptors and the lookup threads all exist before the filter. */
static const char *const exporter[] = {
	"accept4", "accept", "shutdown", "epoll_wait", "epoll_pwait", "epoll_ctl",
	"timerfd_settime", "timerfd_gettime",
};

/* getaddrinfo() (the exporter resolves its targets' names again at every
 * lookup round) reads the host's addresses through a netlink route
 * socket to sort its answers (AI_ADDRCONFIG, RFC 6724). */
static const struct { int domain, type, protocol; } exporter_sockets[] = {
	{ AF_NETLINK, SOCK_RAW, NETLINK_ROUTE },
};

/* Only valgrind's (--valgrind): it polls for pending signals with a
 * zero-timeout rt_sigtimedwait, and schedules its threads with
 * sched_yield and ends them with tkill. */
static const char *const valgrind_base[] = { "rt_sigtimedwait" };
static const char *const valgrind_resolve[] = { "sched_yield", "tkill" };

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* Arguments are compared on their low 32 bits: they are C ints (and
 * ioctl's request an unsigned int in practice) whose upper half a caller
 * need not clear. */
#define LOW32 0xffffffffULL

static unsigned ncalls;         /* distinct calls allowed, for -V */

static int add(scmp_filter_ctx ctx, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name(names[i]);

		if (nr == __NR_SCMP_ERROR)
			continue;       /* not on this architecture */
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) < 0)
			return -1;
		ncalls++;
	}
	return 0;
}

static int add_ioctls(scmp_filter_ctx ctx, const unsigned long *req, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, LOW32,
					     (scmp_datum_t)req[i])) < 0)
			return -1;
	return 0;
}

/* socket() for exactly these domains, types (with or without
 * SOCK_NONBLOCK and SOCK_CLOEXEC) and protocols. */
#define add_sockets(ctx, s) add_sockets_((ctx), (s), N(s))
static int add_sockets_(scmp_filter_ctx ctx, const void *list, size_t n)
{
	const scmp_datum_t type_mask = LOW32 & ~(scmp_datum_t)(SOCK_NONBLOCK | SOCK_CLOEXEC);
	const struct { int domain, type, protocol; } *s = list;

	for (size_t i = 0; i < n; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 3,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, LOW32,
					     (scmp_datum_t)s[i].domain),
				     SCMP_A1(SCMP_CMP_MASKED_EQ, type_mask,
					     (scmp_datum_t)s[i].type),
				     SCMP_A2(SCMP_CMP_MASKED_EQ, LOW32,
					     (scmp_datum_t)s[i].protocol)) < 0)
			return -1;
	return 0;
}

static int add_resolve_args(scmp_filter_ctx ctx)
{
	int nr;

	if (add_sockets(ctx, resolve_sockets) < 0)
		return -1;
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
			     SCMP_A2(SCMP_CMP_MASKED_EQ, OPEN_WRITE_FLAGS, 0)) < 0)
		return -1;
	nr = seccomp_syscall_resolve_name("open");
	if (nr != __NR_SCMP_ERROR &&
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
			     SCMP_A1(SCMP_CMP_MASKED_EQ, OPEN_WRITE_FLAGS, 0)) < 0)
		return -1;
	ncalls += nr != __NR_SCMP_ERROR ? 3 : 2;        /* socket, openat, open */
	return add_ioctls(ctx, resolve_ioctls, N(resolve_ioctls));
}

/* A profile: the base, and what these add to it. */
enum {
	P_RESOLVE = 1,          /* name lookups */
	P_SCREEN = 2,           /* a curses screen */
	P_EXPORTER = 4,         /* the exporter's HTTP server and timers */
};

static int emit(const char *name, const char *calls, unsigned prof, bool valgrind)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	char path[] = "/tmp/echolot-seccomp-XXXXXX";
	struct sock_filter ins;
	FILE *f;
	int fd, count = 0;

	/* A binary tree of syscall numbers rather than a list: when the filter
	 * is installed the kernel runs it once per syscall number (to cache
	 * constant verdicts), and a short path per number makes that cheaper.
	 * Measured: about 8 us less start-up. */
	if (!ctx || seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
		return -1;

	ncalls = 1;     /* ioctl */
	if (add(ctx, base, N(base)) < 0 ||
	    add_ioctls(ctx, base_ioctls, N(base_ioctls)) < 0 ||
	    ((prof & P_SCREEN) && add_ioctls(ctx, screen_ioctls, N(screen_ioctls)) < 0) ||
	    (valgrind && add(ctx, valgrind_base, N(valgrind_base)) < 0))
		return -1;
	if ((prof & P_RESOLVE) &&
	    (add(ctx, resolve, N(resolve)) < 0 || add_resolve_args(ctx) < 0 ||
	     (valgrind && add(ctx, valgrind_resolve, N(valgrind_resolve)) < 0)))
		return -1;
	if ((prof & P_EXPORTER) &&
	    (add(ctx, exporter, N(exporter)) < 0 || add_sockets(ctx, exporter_sockets) < 0))
		return -1;
	fd = mkstemp(path);
	if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0)
		return -1;
	unlink(path);
	lseek(fd, 0, SEEK_SET);
	f = fdopen(fd, "r");
	if (!f)
		return -1;
	printf("#define SANDBOX_%s_CALLS %u\n", calls, ncalls);
	printf("static const struct sock_filter %s[] = {\n", name);
	while (fread(&ins, sizeof(ins), 1, f) == 1) {
		printf("\t{ 0x%04x, %u, %u, 0x%08x },\n", ins.code, ins.jt, ins.jf, ins.k);
		count++;
	}
	printf("};\n\n");
	fclose(f);
	seccomp_release(ctx);
	return count > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	bool valgrind = argc > 1 && !strcmp(argv[1], "--valgrind");

	if (argc > 2 || (argc == 2 && !valgrind)) {
		fprintf(stderr, "usage: gen_seccomp [--valgrind] > seccomp_filters.h\n");
		return 2;
	}
	printf("/* Generated by tools/gen_seccomp.c at build time; do not edit. */\n");
	printf("#define SANDBOX_VALGRIND %d\n\n", valgrind);
	if (emit("sandbox_numeric", "BASE", 0, valgrind) < 0 ||
	    emit("sandbox_resolve", "RESOLVE", P_RESOLVE, valgrind) < 0 ||
	    emit("sandbox_screen_numeric", "SCREEN_BASE", P_SCREEN, valgrind) < 0 ||
	    emit("sandbox_screen_resolve", "SCREEN_RESOLVE", P_RESOLVE | P_SCREEN, valgrind) < 0 ||
	    emit("sandbox_exporter", "EXPORTER", P_RESOLVE | P_EXPORTER, valgrind) < 0) {
		fprintf(stderr, "gen_seccomp: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
