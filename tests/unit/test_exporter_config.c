/* Unit tests for the exporter's input: its command line (smokeping_prober's
 * flags), Go durations, and the YAML configuration, good and bad: every
 * refusal names its line and its reason. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "cli/exporter.h"
#include "wire/timeconv.h"

static void test_duration(void **state)
{
	static const struct { const char *s; int64_t ns; } good[] = {
		{ "1s", NSEC }, { "500ms", 500 * MSEC }, { "1m30s", 90 * NSEC },
		{ "1.5s", 1500 * MSEC }, { "100us", 100 * USEC },
		{ "100\xc2\xb5s", 100 * USEC }, { "2h", 7200 * NSEC }, { "0", 0 },
		{ "10ns", 10 }, { ".5s", 500 * MSEC }, { "1h1m1s1ms", 3661001 * MSEC },
	};
	static const char *const bad[] = { "", "1", "s", "1x", "1 s", "-", "1.2.3s",
					   "ms", "1s2", "1e3s", "inf" };
	int64_t ns;

	(void)state;
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(good); i++) {
		ns = -1;
		CHECK(xparse_duration(good[i].s, &ns) == 0 && ns == good[i].ns,
		      "'%s': %lld", good[i].s, (long long)ns);
	}
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		CHECK(xparse_duration(bad[i], &ns) < 0, "'%s' accepted", bad[i]);
	TABLE_END();
}

static int parse(char **argv, int argc, struct xopts *o, char *err)
{
	return xopts_parse(argc, argv, o, err, 300);
}

static void test_opts(void **state)
{
	char err[300];
	struct xopts o;
	char *a1[] = { "exporter", "--config.file=/x.yml", "-i", "250ms", "-s100",
		       "--web.listen-address", "127.0.0.1:9999", "--privileged",
		       "--buckets=0.001,0.01", "host1", "--ping.timeout=2s", "host2",
		       "--resolve-interval=30s", "--", "--weird" };
	char *bad_flag[] = { "exporter", "--nope" };
	char *bad_size[] = { "exporter", "-s", "23" };
	char *bad_buckets[] = { "exporter", "--buckets=0.1,0.05" };
	char *no_value[] = { "exporter", "--ping.interval" };
	char *tls[] = { "exporter", "--web.config.file=/etc/web.yml" };
	char *two[] = { "exporter", "--web.listen-address=:1", "--web.listen-address", ":2" };

	(void)state;
	assert_int_equal(parse(a1, ARRAY_LEN(a1), &o, err), 0);
	assert_string_equal(o.config_file, "/x.yml");
	assert_int_equal(o.interval_ns, 250 * MSEC);
	assert_int_equal(o.size, 100);
	assert_string_equal(o.listen, "127.0.0.1:9999");
	assert_int_equal(o.nbuckets, 2);
	assert_int_equal(o.timeout_ns, 2 * NSEC);
	assert_int_equal(o.resolve_ns, 30 * NSEC);
	assert_int_equal(o.nhosts, 3);
	assert_string_equal(o.hosts[0], "host1");
	assert_string_equal(o.hosts[2], "--weird");
	xopts_free(&o);

	/* Defaults: smokeping_prober's. */
	assert_int_equal(parse(a1, 1, &o, err), 0);
	assert_string_equal(o.listen, ":9374");
	assert_string_equal(o.metrics_path, "/metrics");
	assert_int_equal(o.nbuckets, 20);
	assert_true(o.buckets[0] == 5e-05 && o.buckets[19] == 26.2144);
	assert_int_equal(o.size, 56);
	xopts_free(&o);

	assert_int_equal(parse(bad_flag, 2, &o, err), -1);
	assert_non_null(strstr(err, "unknown long flag '--nope'"));
	xopts_free(&o);
	assert_int_equal(parse(bad_size, 3, &o, err), -1);
	assert_non_null(strstr(err, "24-65507"));
	xopts_free(&o);
	assert_int_equal(parse(bad_buckets, 2, &o, err), -1);
	xopts_free(&o);
	assert_int_equal(parse(no_value, 2, &o, err), -1);
	assert_non_null(strstr(err, "expected argument"));
	xopts_free(&o);
	assert_int_equal(parse(tls, 2, &o, err), -1);
	xopts_free(&o);
	assert_int_equal(parse(two, 4, &o, err), -1);
	assert_non_null(strstr(err, "only one --web.listen-address"));
	xopts_free(&o);
}

static int cfg(const char *text, struct xconfig *c, char *err)
{
	return xconfig_parse("t.yml", text, strlen(text), c, err, 300);
}

static void test_config_good(void **state)
{
	struct xconfig c;
	char err[300] = "";

	(void)state;
	assert_int_equal(cfg(
		"---\n"
		"targets:\n"
		"- hosts:\n"
		"  - host1\n"
		"  - \"we\\\"ird\\\\name\"\n"
		"  interval: 2s # a comment\n"
		"  network: ip6\n"
		"  protocol: icmp\n"
		"  size: 100\n"
		"  tos: 0x10\n"
		"  source: 2001:2::1\n"
		"- hosts: [198.18.0.2, \"a\\nb\"]\n"
		"- hosts:\n", &c, err), 0);
	assert_string_equal(err, "");
	assert_int_equal(c.ngroups, 3);
	assert_int_equal(c.nhosts, 4);
	assert_int_equal(c.groups[0].interval_ns, 2 * NSEC);
	assert_int_equal(c.groups[0].network, AF_INET6);
	assert_int_equal(c.groups[0].prof.size, 100);
	assert_int_equal(c.groups[0].prof.tos, 16);
	assert_true(c.groups[0].prof.has_source);
	assert_string_equal(c.hosts[1].name, "we\"ird\\name");
	assert_int_equal(c.hosts[1].line, 5);
	/* Defaults, as smokeping_prober's DefaultTargetGroup. */
	assert_int_equal(c.groups[1].interval_ns, NSEC);
	assert_int_equal(c.groups[1].network, AF_UNSPEC);
	assert_int_equal(c.groups[1].prof.size, 56);
	assert_int_equal(c.groups[1].prof.tos, -1);
	assert_string_equal(c.hosts[3].name, "a\nb");
	assert_int_equal(c.hosts[2].group, 1);
	xconfig_free(&c);

	/* Empty files and documents: no targets. */
	assert_int_equal(cfg("", &c, err), 0);
	assert_int_equal(c.nhosts, 0);
	assert_int_equal(cfg("---\n", &c, err), 0);
	assert_int_equal(cfg("targets:\n", &c, err), 0);
	xconfig_free(&c);
}

static void test_config_bad(void **state)
{
	static const struct { const char *text, *want; } rows[] = {
		{ "targets:\n- hosts: [a]\n  interval: 1x\n", "t.yml:3: interval: '1x' is not a duration" },
		{ "targets:\n- hosts: [a]\n  interval: 1\n", "t.yml:3: interval: '1' is not a duration" },
		{ "targets:\n- hosts: [a]\n  interval: 10us\n", "t.yml:3: interval: 10us is below 1ms" },
		{ "targets:\n- hosts: [a]\n  network: ipx\n", "t.yml:3: network: 'ipx': one of ip, ip4, ip6" },
		{ "targets:\n- hosts: [a]\n  size: 20\n", "t.yml:3: size: '20' is not a number from 24 to 65507" },
		{ "targets:\n- hosts: [a]\n  tos: 256\n", "t.yml:3: tos: '256' is not a number" },
		{ "targets:\n- hosts: [a]\n  source: nowhere\n", "t.yml:3: source: 'nowhere' is not an IP address" },
		{ "targets:\n- hosts: [a]\n  protocol: tcp\n", "t.yml:3: protocol: 'tcp': icmp or udp" },
		{ "targets:\n- hosts: [a]\n  colour: red\n", "t.yml:3: unknown key 'colour'" },
		{ "targets:\n- hosts: [a]\n  labels: {a: b}\n", "t.yml:3: labels: not supported" },
		{ "targets:\n- hosts: a\n", "t.yml:2: hosts: a list of host names is wanted" },
		{ "targets:\n- hosts: [[a]]\n", "t.yml:2: hosts: each entry is one host name" },
		{ "targets:\n- hosts: [a]\n  size: [1]\n", "t.yml:3: size: a single value is wanted" },
		{ "targets:\n- hosts: [a]\n  interval: 1s\n  interval: 2s\n", "t.yml:4: interval: given twice" },
		{ "targets: 3\n", "t.yml:1: targets: a list of target groups is wanted" },
		{ "targets:\n- a\n", "t.yml:2: targets: each entry is a group" },
		{ "- a\n", "t.yml:1: the file is a mapping" },
		{ "other: 1\n", "t.yml:1: unknown key 'other' (targets)" },
		{ "targets:\n- hosts: [a, b]\n- hosts:\n  - a\n", "t.yml:4: host 'a' is listed twice (also on line 2)" },
		{ "targets:\n- hosts: [a]\n  network: ip4\n  source: 2001:2::1\n", "source: its family is not" },
		{ "targets:\n- hosts: [*x]\n", "aliases" },
		{ "targets:\n  - hosts: [a\n", "t.yml:" },
		{ "targets: [\n", "t.yml:" },
		{ "\t- x", "t.yml:1:" },
		{ "targets:\n- hosts: [\"\"]\n", "t.yml:2: hosts: an empty name" },
		{ "targets:\n- hosts: [\"a\\0b\"]\n", "NUL" },
	};
	struct xconfig c;
	char err[300];

	(void)state;
	TABLE_BEGIN();
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		err[0] = '\0';
		CHECK(cfg(rows[i].text, &c, err) == -1, "accepted: %s", rows[i].text);
		CHECK(strstr(err, rows[i].want) != NULL, "%s: '%s', want '%s'",
		      rows[i].text, err, rows[i].want);
		CHECK(c.nhosts == 0 && c.hosts == NULL, "not freed");
	}
	/* A host in two networks is two targets, not a duplicate. */
	CHECK(cfg("targets:\n- hosts: [a]\n  network: ip4\n- hosts: [a]\n  network: ip6\n",
		  &c, err) == 0, "%s", err);
	xconfig_free(&c);
	TABLE_END();
}

static void test_config_file(void **state)
{
	struct xconfig c;
	char err[300];

	(void)state;
	assert_int_equal(xconfig_load("/nonexistent/x.yml", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.yml: No such file"));
	assert_int_equal(xconfig_load("/", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_opts),
		cmocka_unit_test(test_config_good),
		cmocka_unit_test(test_config_bad),
		cmocka_unit_test(test_config_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
