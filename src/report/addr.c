/* Addresses and ICMP errors as every reporter writes them. */
#include <arpa/inet.h>
#include <stdio.h>
#include <netinet/in.h>

#include "report.h"

const char *report_addr(const struct sockaddr *sa, char *buf, size_t len)
{
	const void *a;

	if (!sa || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
		return NULL;
	a = sa->sa_family == AF_INET6 ?
		(const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr :
		(const void *)&((const struct sockaddr_in *)sa)->sin_addr;
	if (!inet_ntop(sa->sa_family, a, buf, (socklen_t)len))
		return NULL;
	return buf;
}

const char *report_numeric(const struct sockaddr *sa, char *buf, size_t len)
{
	if (!report_addr(sa, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

int report_error_text(char *buf, size_t len, const struct event *ev)
{
	char gw[INET6_ADDRSTRLEN] = "";

	/* A redirect names the new gateway in the header's second word. */
	if (ev->family == AF_INET && ev->icmp_type == 5) {
		struct in_addr g;

		g.s_addr = htonl(ev->icmp_info);
		inet_ntop(AF_INET, &g, gw, sizeof(gw));
	}
	return report_icmp_text(buf, len, ev->family, ev->icmp_type,
				ev->icmp_code, ev->icmp_info, gw);
}
