/* Unit tests for the reverse-lookup cache and its background threads
 * (src/sock/resolve.c, resolve_bg.c).  Only 127.0.0.1 is looked up, and
 * only when /etc/hosts names it, so that no query leaves the host. */
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "sock/resolve.h"

static socklen_t addr(struct sockaddr_storage *ss, const char *text)
{
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		ss->ss_family = AF_INET;
		return sizeof(struct sockaddr_in);
	}
	assert_int_equal(inet_pton(AF_INET6, text,
				   &((struct sockaddr_in6 *)ss)->sin6_addr), 1);
	ss->ss_family = AF_INET6;
	return sizeof(struct sockaddr_in6);
}

/* Does /etc/hosts name 127.0.0.1?  Otherwise a lookup would ask DNS. */
static bool hosts_has_loopback(void)
{
	FILE *f = fopen("/etc/hosts", "r");
	char line[256];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strncmp(line, "127.0.0.1", 9) == 0 &&
			(line[9] == ' ' || line[9] == '\t');
	fclose(f);
	return found;
}

/* What counts as a numeric destination (no reverse lookups): every form
 * the resolver reads as an address, as iputils (inet_aton) decides. */
static void test_is_numeric(void **state)
{
	static const struct {
		const char *s;
		bool numeric;
	} t[] = {
		{ "198.18.0.1", true }, { "127.1", true }, { "0x7f.1", true },
		{ "2130706433", true }, { "0177.0.0.1", true }, { "::1", true },
		{ "fe80::1%eth0", true }, { "2001:2::1", true },
		{ "localhost", false }, { "127.1x", false }, { "1.2.3.4.5", false },
		{ "0x", false }, { "", false }, { "target.test", false },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (resolve_is_numeric(t[i].s) != t[i].numeric)
			fail_msg("resolve_is_numeric(\"%s\") != %d", t[i].s, t[i].numeric);
	}
}

static void test_numeric_never_looks_up(void **state)
{
	struct resolve_cache c;
	struct sockaddr_storage ss;
	socklen_t len = addr(&ss, "127.0.0.1");

	(void)state;
	resolve_cache_init(&c, true);
	assert_int_equal(resolve_background(&c, 2), 0);
	assert_int_equal(resolve_answer_fd(&c), -1);    /* no threads */
	assert_true(resolve_ready(&c, (struct sockaddr *)&ss, len));
	assert_string_equal(resolve_pretty(&c, (struct sockaddr *)&ss, len), "127.0.0.1");
	resolve_cache_free(&c);
}

static void test_synchronous_without_threads(void **state)
{
	struct resolve_cache c;
	struct sockaddr_storage ss;
	socklen_t len = addr(&ss, "127.0.0.1");
	const char *s;

	(void)state;
	if (!hosts_has_loopback())
		skip();
	resolve_cache_init(&c, false);
	/* No threads: ready() says "go ahead", pretty() looks it up now. */
	assert_true(resolve_ready(&c, (struct sockaddr *)&ss, len));
	s = resolve_pretty(&c, (struct sockaddr *)&ss, len);
	assert_non_null(strstr(s, " (127.0.0.1)"));
	assert_int_equal(c.pending, 0);
	resolve_cache_free(&c);
}

static void test_background_lookup(void **state)
{
	struct resolve_cache c;
	struct sockaddr_storage v4;
	socklen_t l4 = addr(&v4, "127.0.0.1");
	struct pollfd p;
	char want4[64];

	(void)state;
	if (!hosts_has_loopback())
		skip();
	/* What the synchronous path says, to compare with. */
	resolve_cache_init(&c, false);
	snprintf(want4, sizeof(want4), "%s",
		 resolve_pretty(&c, (struct sockaddr *)&v4, l4));
	resolve_cache_free(&c);

	resolve_cache_init(&c, false);
	assert_int_equal(resolve_background(&c, 3), 0);
	assert_int_equal(c.w.nthreads, 3);
	assert_true(resolve_answer_fd(&c) >= 0);
	/* Not known yet: asked for once, however often ready() is called. */
	assert_false(resolve_ready(&c, (struct sockaddr *)&v4, l4));
	assert_false(resolve_ready(&c, (struct sockaddr *)&v4, l4));
	assert_int_equal(c.pending, 1);
	/* The answers come on the descriptor the event loop watches. */
	p.fd = resolve_answer_fd(&c);
	p.events = POLLIN;
	assert_int_equal(poll(&p, 1, 5000), 1);
	while (c.pending)
		resolve_wait(&c);
	assert_true(resolve_ready(&c, (struct sockaddr *)&v4, l4));
	assert_string_equal(resolve_pretty(&c, (struct sockaddr *)&v4, l4), want4);
	/* Idle threads are joined (LeakSanitizer and valgrind see none). */
	resolve_cache_free(&c);
	assert_int_equal(c.w.nthreads, 0);
	assert_int_equal(resolve_answer_fd(&c), -1);
}

static void test_pretty_waits_for_a_pending_name(void **state)
{
	struct resolve_cache c;
	struct sockaddr_storage v4;
	socklen_t l4 = addr(&v4, "127.0.0.1");

	(void)state;
	if (!hosts_has_loopback())
		skip();
	resolve_cache_init(&c, false);
	assert_int_equal(resolve_background(&c, 1), 0);
	assert_false(resolve_ready(&c, (struct sockaddr *)&v4, l4));
	/* pretty() of a name under way blocks until its answer is in. */
	assert_non_null(strstr(resolve_pretty(&c, (struct sockaddr *)&v4, l4),
			       " (127.0.0.1)"));
	assert_int_equal(c.pending, 0);
	resolve_cache_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_numeric),
		cmocka_unit_test(test_numeric_never_looks_up),
		cmocka_unit_test(test_synchronous_without_threads),
		cmocka_unit_test(test_background_lookup),
		cmocka_unit_test(test_pretty_waits_for_a_pending_name),
	};

	return cmocka_run_group_tests_name("resolve", tests, NULL, NULL);
}
