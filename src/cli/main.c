/* echolot: one binary, called as ping, ping6, or `echolot COMMAND`. */
#include <locale.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "trace.h"
#include "mtr.h"
#include "os.h"
#include "exporter.h"

struct command {
	const char *name;
	int family;
	const char *help;
	int (*run)(int argc, char **argv, int family);   /* NULL: cli_ping */
	const char *prog;       /* starts its messages; NULL: argv[0] */
};

static const struct command commands[] = {
	{ "ping", AF_UNSPEC, "send ICMP echo requests (iputils ping compatible)", NULL, NULL },
	{ "ping4", AF_INET, "ping over IPv4", NULL, NULL },
	{ "ping6", AF_INET6, "ping over IPv6", NULL, NULL },
	{ "traceroute", AF_UNSPEC, "print the route to a host (Linux traceroute compatible)",
	  cli_trace, "traceroute" },
	{ "traceroute6", AF_INET6, "traceroute over IPv6", cli_trace, "traceroute6" },
	{ "trace", AF_UNSPEC, "same as traceroute", cli_trace, "traceroute" },
	{ "os", AF_UNSPEC, "name the remote operating system (active probes)", cli_os, "os" },
	{ "mtr", AF_UNSPEC, "watch a path live (mtr 0.95 compatible)", cli_mtr, "mtr" },
	{ "fping", AF_UNSPEC, "ping many hosts (fping 5.1 compatible)", cli_fping, "fping" },
	{ "fping6", AF_INET6, "fping over IPv6", cli_fping, "fping6" },
	{ "sweep", AF_UNSPEC, "which hosts of a network are up, and what they are",
	  cli_sweep, "sweep" },
	{ "exporter", AF_UNSPEC, "a Prometheus exporter (smokeping_prober, blackbox ICMP)",
	  cli_exporter, "exporter" },
	{ "echolot-exporter", AF_UNSPEC, "same as exporter", cli_exporter, "echolot-exporter" },
};

/* Run c, then check that its output got out. */
static int run(const struct command *c, int argc, char **argv)
{
	int rc = (c->run ? c->run : cli_ping)(argc, argv, c->family);

	return cli_output_status(c->prog ? c->prog : argc > 0 ? argv[0] : c->name, rc);
}

static void help(FILE *f)
{
	fprintf(f, "usage: echolot COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nThe binary also runs a command when called by its name "
		"(a link named ping, ping4, ping6, traceroute, traceroute6, mtr, fping,\n"
		"fping6 or echolot-exporter).\n");
}

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const char *self = argc > 0 ? strrchr(argv[0], '/') : NULL;
	const struct command *c;

	/* The user's character set, for names (UTF-8 or not); only LC_CTYPE:
	 * numbers are always printed and read the C way. */
	setlocale(LC_CTYPE, "");

	self = self ? self + 1 : (argc > 0 ? argv[0] : "echolot");
	c = find(self);
	if (c)
		return run(c, argc, argv);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		help(argc < 2 ? stderr : stdout);
		return cli_output_status("echolot", argc < 2 ? 2 : 0);
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		cli_version(stdout);
		return cli_output_status("echolot", 0);
	}
	c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "echolot: unknown command '%s'\n", argv[1]);
		help(stderr);
		return 2;
	}
	return run(c, argc - 1, argv + 1);
}
