/* Unit tests of the sandbox's installation (src/sock/sandbox.c): a filter
 * reaches every thread of the process, the name resolver's included, on
 * both paths: seccomp(2) with TSYNC, and the one for kernels without it
 * (each other thread, asked by a signal, installs the filter itself).
 *
 * Each case runs in a child process (a filter cannot be removed): the
 * child starts the resolver's threads (blocked in read(), with every
 * signal blocked but SANDBOX_SIGNAL, as in a run), installs a filter that
 * allows everything but getpgid(2) (refused with EPERM, which is what shows
 * the filter), and reports through its exit status whether every task
 * under /proc/self/task says "Seccomp: 2", and whether a resolver thread
 * still answers a lookup afterwards. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <dirent.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>

#include "unit.h"
#include "sock/lookup.h"
#include "sock/resolve.h"
#include "sock/sandbox.h"

/* Allow every call but getpgid(2), which fails with EPERM. */
static struct sock_filter allow_but_getpgid[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getpgid, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

/* How many tasks of this process there are, and how many say Seccomp: 2. */
static void count_filtered(int *tasks, int *filtered)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;

	*tasks = *filtered = 0;
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char path[300], buf[4096];
		FILE *f;
		size_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		(*tasks)++;
		if (strstr(buf, "\nSeccomp:\t2\n"))
			(*filtered)++;
	}
	closedir(d);
}

/* Exit statuses of the child. */
enum { OK = 0, E_THREADS = 10, E_INSTALL, E_TASKS, E_NOT_ALL, E_GETPGID, E_LOOKUP };

static int child(bool no_tsync)
{
	struct sock_fprog prog = {
		.len = sizeof(allow_but_getpgid) / sizeof(allow_but_getpgid[0]),
		.filter = allow_but_getpgid,
	};
	struct resolve_cache c;
	struct lookup *lk;
	struct lookup_answer a;
	struct sockaddr_in sin;
	struct pollfd p;
	int tasks, filtered;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return E_INSTALL;
	resolve_cache_init(&c, false);
	/* ping's reverse lookups (3 threads), the exporter's forward ones (2). */
	if (resolve_background(&c, 3) < 0 || c.w.nthreads != 3 ||
	    lookup_start(&lk, 2) < 0)
		return E_THREADS;
	if (sandbox_install(&prog, no_tsync) < 0)
		return E_INSTALL;
	count_filtered(&tasks, &filtered);
	if (tasks != 6)
		return E_TASKS;
	if (filtered != tasks)
		return E_NOT_ALL;
	if (syscall(__NR_getpgid, 0) != -1 || errno != EPERM)
		return E_GETPGID;
	/* The threads took the signal and still work: a lookup answers
	 * (127.0.0.1 has a name or not; either way an answer comes). */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (resolve_ready(&c, (struct sockaddr *)&sin, sizeof(sin)))
		return E_LOOKUP;
	p.fd = resolve_answer_fd(&c);
	p.events = POLLIN;
	if (poll(&p, 1, 10000) != 1)
		return E_LOOKUP;
	resolve_collect(&c);
	if (!resolve_ready(&c, (struct sockaddr *)&sin, sizeof(sin)))
		return E_LOOKUP;
	resolve_cache_free(&c);
	if (lookup_ask(lk, 7, "127.0.0.1", AF_INET, AF_INET) < 0)
		return E_LOOKUP;
	p.fd = lookup_fd(lk);
	if (poll(&p, 1, 10000) != 1 || lookup_take(lk, &a) != 1 || a.id != 7 ||
	    a.err != 0 || ((struct sockaddr_in *)&a.addr)->sin_addr.s_addr != sin.sin_addr.s_addr)
		return E_LOOKUP;
	lookup_stop(lk);
	return OK;
}

static int run_child(bool no_tsync)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(child(no_tsync));
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_every_thread_tsync(void **state)
{
	(void)state;
	assert_int_equal(run_child(false), OK);
}

/* The path of kernels without seccomp(2): without the signal to each
 * thread, the resolver's threads would run unfiltered (E_NOT_ALL). */
static void test_every_thread_without_tsync(void **state)
{
	(void)state;
	assert_int_equal(run_child(true), OK);
}

int main(void)
{
	(void)unit_nbad;        /* unit.h's table checks: not used here */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_thread_tsync),
		cmocka_unit_test(test_every_thread_without_tsync),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
