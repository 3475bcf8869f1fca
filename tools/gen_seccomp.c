/* Build-time generator of echolot's seccomp filters.
 *
 * libseccomp compiles the allow-lists into BPF here, once, on the build
 * machine; the program embeds the result and installs it with one seccomp()
 * at run time, so no library is loaded and nothing is compiled at every
 * start.  Usage: gen_seccomp > seccomp_filters.h */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <stdbool.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/filter.h>

/* What a run needs once its sockets are open and its privileges gone:
 * send, receive, wait, tell the time, print, handle signals, allocate. */
static const char *const base[] = {
	"read", "write", "writev", "sendto", "sendmsg", "recvmsg", "recvmmsg",
	"ppoll", "poll", "clock_gettime", "clock_nanosleep", "gettimeofday",
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "exit", "exit_group",
	"brk", "mmap", "munmap", "mremap", "madvise", "fstat", "newfstatat",
	"ioctl", "close", "getsockname", "getpid", "gettid", "tgkill",
	"futex", "getrandom", "lseek",
	/* Harmless, and what valgrind polls signals with: the tests run the
	 * sandboxed binary under memcheck. */
	"rt_sigtimedwait",
};

/* What name lookups add (reverse names for the lines ping prints): the
 * resolver's files and sockets, and NSS or libidn2 modules loaded on
 * demand. */
static const char *const resolve[] = {
	"socket", "connect", "bind", "openat", "open", "pread64", "fcntl",
	"sendmmsg", "recvfrom", "getsockopt", "setsockopt", "uname", "stat",
	"mprotect", "access", "faccessat", "faccessat2", "readlink", "getuid",
	"geteuid", "getgid", "getegid", "getdents64", "statfs", "fstatfs",
	"sysinfo", "getpeername",
	/* The lookups run in a thread of their own, and valgrind (the tests
	 * run the sandboxed binary under memcheck) schedules threads with
	 * sched_yield and ends them with tkill (no more than tgkill can). */
	"sched_yield", "tkill",
};

/* What the exporter adds (tools/../src/cli/exporter.c): its HTTP server
 * (libmicrohttpd in external mode with epoll: accept, read, write, close
 * connections, TCP options on them), its timers, SIGHUP as a descriptor,
 * and the configuration read again on SIGHUP.  With the name lookups'
 * calls, but narrower: socket() never for a raw socket, openat() only
 * to read (the lists below are the arguments' conditions). */
static const char *const exporter[] = {
	"accept4", "accept", "shutdown", "epoll_wait", "epoll_pwait", "epoll_ctl",
	"timerfd_settime", "timerfd_gettime", "sendmmsg", "recvfrom", "connect",
	"bind", "getsockopt", "setsockopt", "fcntl", "getpeername", "pread64",
	"uname", "stat", "mprotect", "access", "faccessat", "faccessat2",
	"readlink", "getuid", "geteuid", "getgid", "getegid", "getdents64",
	"statfs", "fstatfs", "sysinfo", "sched_yield", "tkill",
};

static int add(scmp_filter_ctx ctx, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name(names[i]);

		if (nr == __NR_SCMP_ERROR)
			continue;       /* not on this architecture */
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) < 0)
			return -1;
	}
	return 0;
}

enum profile { P_NUMERIC, P_RESOLVE, P_EXPORTER };

/* socket() for name lookups (UDP, TCP, AF_UNIX to nscd, and the netlink
 * route socket getaddrinfo reads the host's addresses through to sort
 * its answers) but never a raw IP or packet socket; open() and openat()
 * for reading only. */
static int add_narrow(scmp_filter_ctx ctx)
{
	int sock = seccomp_syscall_resolve_name("socket");
	int openat = seccomp_syscall_resolve_name("openat");
	int open_ = seccomp_syscall_resolve_name("open");

	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sock, 1,
			     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_STREAM)) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sock, 1,
			     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_DGRAM)) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sock, 1,
			     SCMP_A0(SCMP_CMP_EQ, AF_NETLINK)) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, openat, 1,
			     SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE, O_RDONLY)) < 0)
		return -1;
	if (open_ != __NR_SCMP_ERROR &&
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, open_, 1,
			     SCMP_A1(SCMP_CMP_MASKED_EQ, O_ACCMODE, O_RDONLY)) < 0)
		return -1;
	return 0;
}

static int emit(const char *name, enum profile prof)
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

	if (add(ctx, base, sizeof(base) / sizeof(base[0])) < 0 ||
	    (prof == P_RESOLVE && add(ctx, resolve, sizeof(resolve) / sizeof(resolve[0])) < 0) ||
	    (prof == P_EXPORTER && (add(ctx, exporter, sizeof(exporter) / sizeof(exporter[0])) < 0 ||
				    add_narrow(ctx) < 0)))
		return -1;
	fd = mkstemp(path);
	if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0)
		return -1;
	unlink(path);
	lseek(fd, 0, SEEK_SET);
	f = fdopen(fd, "r");
	if (!f)
		return -1;
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

int main(void)
{
	printf("/* Generated by tools/gen_seccomp.c at build time; do not edit. */\n");
	printf("#define SANDBOX_BASE_CALLS %zu\n", sizeof(base) / sizeof(base[0]));
	printf("#define SANDBOX_RESOLVE_CALLS %zu\n",
	       sizeof(base) / sizeof(base[0]) + sizeof(resolve) / sizeof(resolve[0]));
	/* + socket, openat, open (narrowed) */
	printf("#define SANDBOX_EXPORTER_CALLS %zu\n\n",
	       sizeof(base) / sizeof(base[0]) + sizeof(exporter) / sizeof(exporter[0]) + 3);
	if (emit("sandbox_numeric", P_NUMERIC) < 0 || emit("sandbox_resolve", P_RESOLVE) < 0 ||
	    emit("sandbox_exporter", P_EXPORTER) < 0) {
		fprintf(stderr, "gen_seccomp: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
