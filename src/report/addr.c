/* Addresses and ICMP errors as every reporter writes them. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "report.h"
#include "../sock/sock.h"

/* a.b.c.d, as inet_ntop writes it, without its sprintf (a sweep writes
 * a line an address).  buf holds at least INET_ADDRSTRLEN bytes. */
static void ip4_text(const uint8_t *a, char *buf)
{
	char *p = buf;

	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
}

const char *report_addr(const struct sockaddr *sa, char *buf, size_t len)
{
	const void *a;

	if (!sa || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
		return NULL;
	if (sa->sa_family == AF_INET && len >= INET_ADDRSTRLEN) {
		ip4_text((const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr, buf);
		return buf;
	}
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

const char *report_scoped(const struct sockaddr *sa, const char *text,
			  const struct sock_ifnames *names, char *buf, size_t len)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	char num[INET6_ADDRSTRLEN], scope[24];
	const char *name;
	size_t tl, nl;

	if (!sa || sa->sa_family != AF_INET6 || !s6->sin6_scope_id ||
	    !report_addr(sa, num, sizeof(num)))
		return text;
	name = sock_ifname(names, s6->sin6_scope_id);
	if (name)
		snprintf(scope, sizeof(scope), "%s", name);
	else
		snprintf(scope, sizeof(scope), "%u", (unsigned)s6->sin6_scope_id);
	tl = strlen(text);
	nl = strlen(num);
	if (!strcmp(text, num)) {
		snprintf(buf, len, "%s%%%s", num, scope);
		return buf;
	}
	/* "name (addr)": the address in parentheses; and the name too when
	 * it is the address ("addr (addr)", traceroute's form). */
	if (tl > nl + 2 && text[tl - 1] == ')' && text[tl - nl - 2] == '(' &&
	    !memcmp(text + tl - nl - 1, num, nl)) {
		if (!strncmp(text, num, nl) && !strncmp(text + nl, " (", 2))
			snprintf(buf, len, "%s%%%s (%s%%%s)", num, scope, num, scope);
		else
			snprintf(buf, len, "%.*s%%%s)", (int)(tl - 1), text, scope);
		return buf;
	}
	return text;
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
