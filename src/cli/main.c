/* echolot: one binary, called as ping, ping6, or `echolot COMMAND`. */
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "trace.h"
#include "os.h"
#include "exporter.h"

struct command {
	const char *name;
	int family;
	const char *help;
	int (*run)(int argc, char **argv, int family);   /* NULL: cli_ping */
};

static const struct command commands[] = {
	{ "ping", AF_UNSPEC, "send ICMP echo requests (iputils ping compatible)", NULL },
	{ "ping6", AF_INET6, "ping over IPv6", NULL },
	{ "traceroute", AF_UNSPEC, "print the route to a host (Linux traceroute compatible)", cli_trace },
	{ "traceroute6", AF_INET6, "traceroute over IPv6", cli_trace },
	{ "trace", AF_UNSPEC, "same as traceroute", cli_trace },
	{ "os", AF_UNSPEC, "name the remote operating system (active probes)", cli_os },
	{ "exporter", AF_UNSPEC, "a Prometheus exporter (smokeping_prober, blackbox ICMP)",
	  cli_exporter },
	{ "echolot-exporter", AF_UNSPEC, "same as exporter", cli_exporter },
};

static void help(FILE *f)
{
	fprintf(f, "usage: echolot COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nThe binary also runs a command when called by its name "
		"(a link named ping, ping6, traceroute, traceroute6 or echolot-exporter).\n");
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

	self = self ? self + 1 : (argc > 0 ? argv[0] : "echolot");
	c = find(self);
	if (c)
		return (c->run ? c->run : cli_ping)(argc, argv, c->family);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		cli_version(stdout);
		return 0;
	}
	c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "echolot: unknown command '%s'\n", argv[1]);
		help(stderr);
		return 2;
	}
	return (c->run ? c->run : cli_ping)(argc - 1, argv + 1, c->family);
}
