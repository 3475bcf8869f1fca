/* `ping -N`: the subject of a node information query, as iputils makes
 * it from the command line.  Names are looked up (and libidn2 loaded)
 * only here, after the privileges are gone; iputils does it while it
 * parses its options, so its messages are the same, only later. */
#include <ctype.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "ping_run.h"
#include "../sock/resolve.h"

bool ping_ni_active(const struct ping_run *r)
{
	return r->o.ni.qtype >= 0 && r->dst.ss_family == AF_INET6;
}

/* subject-ipv6=, subject-ipv4=: the address's bytes. */
static int subject_addr(struct ping_run *r, int family)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	char canon[256], err[1200];

	if (resolve_target(r->o.ni.subject, family, &ss, &sslen, canon,
			   sizeof(canon), err, sizeof(err))) {
		/* iputils: its message, then -N's list, status 2. */
		ping_msg(r, "%s", err);
		ping_ni_help(stderr);
		return 2;
	}
	if (family == AF_INET6) {
		memcpy(r->ni_subject, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
		r->ni_subject_len = 16;
	} else {
		memcpy(r->ni_subject, &((struct sockaddr_in *)&ss)->sin_addr, 4);
		r->ni_subject_len = 4;
	}
	return 0;
}

/* subject-name=, subject-fqdn=: through libidn2, the scope cut off,
 * lower case, in wire form; a name without a dot (and any name given
 * as subject-fqdn, as iputils has it) ends with a second zero byte, the
 * form of a name that is not fully qualified. */
static int subject_name(struct ping_run *r)
{
	char name[1024], why[256];
	char *pct;
	size_t dots = 0;
	int n;

	if (resolve_idn_lookup(r->o.ni.subject, name, sizeof(name), why,
			       sizeof(why)) < 0) {
		ping_msg(r, "IDN encoding error: %s", why);
		return 2;
	}
	pct = strchr(name, '%');
	if (pct) {
		*pct = '\0';
		if (strlen(pct + 1) >= IFNAMSIZ) {
			ping_msg(r, "too long scope name");
			return 1;
		}
	}
	for (char *p = name; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
		dots += *p == '.';
	}
	/* Room for the extra zero byte. */
	n = wire_dn_encode(name, r->ni_subject, sizeof(r->ni_subject) - 1);
	if (n < 0) {
		ping_msg(r, "inappropriate subject name: %s", name);
		return 1;
	}
	r->ni_subject_len = (size_t)n;
	if (r->o.ni.fqdn || !dots)
		r->ni_subject[r->ni_subject_len++] = 0;
	return 0;
}

int ping_ni_subject(struct ping_run *r)
{
	switch (r->o.ni.subject_type) {
	case WIRE_NI_SUBJ_IPV6:
		return subject_addr(r, AF_INET6);
	case WIRE_NI_SUBJ_IPV4:
		return subject_addr(r, AF_INET);
	case WIRE_NI_SUBJ_NAME:
		return subject_name(r);
	default:
		return 0;       /* the target's address, known later */
	}
}
