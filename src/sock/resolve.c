/* Name resolution with libidn2 for internationalised names. */
#include <arpa/inet.h>
#include <errno.h>
#include <idn2.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <dlfcn.h>
#include <langinfo.h>

#include "resolve.h"

/* libidn2, loaded only for a name that needs it: most runs never see a
 * non-ASCII name, and loading it (with libunistring) at every start costs
 * more than a whole ping to a neighbour. */
struct idn {
	void *lib;
	__typeof__(idn2_to_ascii_8z) *to_ascii;
	__typeof__(idn2_to_unicode_8z8z) *to_unicode;
	__typeof__(idn2_strerror) *strerror;
	__typeof__(idn2_free) *free;
};

static bool idn_open(struct idn *d)
{
	d->lib = dlopen("libidn2.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!d->lib)
		return false;
	d->to_ascii = (__typeof__(d->to_ascii))dlsym(d->lib, "idn2_to_ascii_8z");
	d->to_unicode = (__typeof__(d->to_unicode))dlsym(d->lib, "idn2_to_unicode_8z8z");
	d->strerror = (__typeof__(d->strerror))dlsym(d->lib, "idn2_strerror");
	d->free = (__typeof__(d->free))dlsym(d->lib, "idn2_free");
	if (!d->to_ascii || !d->to_unicode || !d->strerror || !d->free) {
		dlclose(d->lib);
		return false;
	}
	return true;
}

/* Does the user's locale (LC_CTYPE, set by main) write UTF-8?  Names are
 * shown in Unicode, and taken in it, only then, as iputils does: in the C
 * locale they stay ACE ("xn--..."). */
static bool utf8_locale(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && !strcmp(cs, "UTF-8");
}

/* Replace an ACE name ("xn--...") in buf by its Unicode form, if it has
 * one and the locale can show it; leave it as it is otherwise. */
static void idn_unicode(char *buf, size_t len)
{
	struct idn idn;
	char *uni = NULL;

	if (!utf8_locale() || !idn_open(&idn))
		return;
	if (idn.to_unicode(buf, &uni, 0) == IDN2_OK && uni && strlen(uni) < len)
		memcpy(buf, uni, strlen(uni) + 1);
	idn.free(uni);
	dlclose(idn.lib);
}

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

bool resolve_is_numeric(const char *s)
{
	unsigned char buf[16];
	char tmp[INET6_ADDRSTRLEN + 16];
	const char *pct = strchr(s, '%');
	struct in_addr a4;

	/* Every form the resolver reads as an IPv4 number (127.1, 0x7f.1,
	 * 2130706433), as iputils decides it: inet_aton, not inet_pton. */
	if (inet_aton(s, &a4))
		return true;
	if (pct && (size_t)(pct - s) < sizeof(tmp)) {
		/* fe80::1%eth0: the scope is not part of the address */
		memcpy(tmp, s, (size_t)(pct - s));
		tmp[pct - s] = '\0';
		s = tmp;
	}
	return inet_pton(AF_INET6, s, buf) == 1;
}

int resolve_target(const char *name, int family, struct sockaddr_storage *out,
		   socklen_t *outlen, char *canon, size_t canonlen,
		   char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	char *ascii = NULL;
	const char *lookup = name;
	int rc;

	if (!is_ascii(name) && !utf8_locale()) {
		/* Bytes that are not characters of the locale, as glibc's
		 * AI_IDN (iputils) says. */
		snprintf(err, errlen, "%s: %s", name, gai_strerror(EAI_IDN_ENCODE));
		return EAI_IDN_ENCODE;
	}
	if (!is_ascii(name)) {
		struct idn idn;
		char *a = NULL;

		if (!idn_open(&idn)) {
			snprintf(err, errlen, "%s: %s (libidn2: %s)", name,
				 gai_strerror(EAI_NONAME), dlerror());
			return EAI_NONAME;
		}
		rc = idn.to_ascii(name, &a, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
		if (rc != IDN2_OK) {
			snprintf(err, errlen, "%s: %s", name, idn.strerror(rc));
			dlclose(idn.lib);
			return EAI_NONAME;
		}
		ascii = strdup(a);
		idn.free(a);
		dlclose(idn.lib);
		if (!ascii) {
			snprintf(err, errlen, "%s: %s", name, gai_strerror(EAI_MEMORY));
			return EAI_MEMORY;
		}
		lookup = ascii;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_RAW;
	hints.ai_protocol = family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	hints.ai_flags = AI_CANONNAME;
	if (family == AF_UNSPEC)
		hints.ai_protocol = 0;
	rc = getaddrinfo(lookup, NULL, &hints, &res);
	if (rc) {
		snprintf(err, errlen, "%s: %s", name, gai_strerror(rc));
		free(ascii);
		return rc;
	}
	for (ai = res; ai; ai = ai->ai_next)
		if ((ai->ai_family == AF_INET || ai->ai_family == AF_INET6) &&
		    ai->ai_addrlen <= sizeof(*out))
			break;
	if (!ai) {
		snprintf(err, errlen, "%s: %s", name,
			 gai_strerror(EAI_ADDRFAMILY));
		freeaddrinfo(res);
		free(ascii);
		return EAI_ADDRFAMILY;
	}
	memcpy(out, ai->ai_addr, ai->ai_addrlen);
	*outlen = (socklen_t)ai->ai_addrlen;
	snprintf(canon, canonlen, "%s",
		 res->ai_canonname ? res->ai_canonname : name);
	if (strstr(canon, "xn--"))
		idn_unicode(canon, canonlen);
	freeaddrinfo(res);
	free(ascii);
	return 0;
}

int resolve_idn_lookup(const char *name, char *out, size_t outlen, char *why,
		       size_t whylen)
{
	__typeof__(idn2_lookup_ul) *lookup;
	struct idn idn;
	char *a = NULL;
	int rc;

	if (!idn_open(&idn)) {
		snprintf(why, whylen, "%s", dlerror());
		return -1;
	}
	lookup = (__typeof__(lookup))dlsym(idn.lib, "idn2_lookup_ul");
	if (!lookup) {
		snprintf(why, whylen, "%s", dlerror());
		dlclose(idn.lib);
		return -1;
	}
	rc = lookup(name, &a, IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK || !a || strlen(a) >= outlen) {
		snprintf(why, whylen, "%s", rc != IDN2_OK ? idn.strerror(rc) :
			 idn.strerror(IDN2_TOO_BIG_DOMAIN));
		idn.free(a);
		dlclose(idn.lib);
		return -1;
	}
	memcpy(out, a, strlen(a) + 1);
	idn.free(a);
	dlclose(idn.lib);
	return 0;
}

void resolve_cache_init(struct resolve_cache *c, bool numeric)
{
	memset(c, 0, sizeof(*c));
	c->numeric = numeric;
	workers_init(&c->w);
}

void resolve_addr_of(const struct sockaddr *sa, int *family,
		     unsigned char a[16])
{
	*family = sa->sa_family;
	memset(a, 0, 16);
	if (sa->sa_family == AF_INET6)
		memcpy(a, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	else
		memcpy(a, &((const struct sockaddr_in *)sa)->sin_addr, 4);
}

void resolve_lookup(const struct sockaddr *sa, socklen_t len, const char *num,
		    char *text, size_t textlen)
{
	char host[NI_MAXHOST];

	if (getnameinfo(sa, len, host, sizeof(host), NULL, 0, 0) == 0) {
		/* Show internationalised names as their users write them. */
		if (strstr(host, "xn--"))
			idn_unicode(host, sizeof(host));
		snprintf(text, textlen, "%.255s (%s)", host, num);
	} else {
		snprintf(text, textlen, "%s", num);
	}
}

struct resolve_entry *resolve_find(struct resolve_cache *c, int family,
				   const unsigned char a[16])
{
	for (unsigned i = 0; i < RESOLVE_CACHE_SIZE; i++)
		if (c->e[i].state != RESOLVE_FREE && c->e[i].family == family &&
		    !memcmp(c->e[i].addr, a, 16))
			return &c->e[i];
	return NULL;
}

/* A slot for a new address: the next one round the ring whose lookup is
 * not under way (an answer must find its entry).  NULL when all are. */
static struct resolve_entry *claim(struct resolve_cache *c, int family,
				   const unsigned char a[16])
{
	for (unsigned k = 0; k < RESOLVE_CACHE_SIZE; k++) {
		struct resolve_entry *slot = &c->e[c->next];

		c->next = (c->next + 1) % RESOLVE_CACHE_SIZE;
		if (slot->state == RESOLVE_PENDING)
			continue;
		slot->state = RESOLVE_FREE;
		slot->family = family;
		memcpy(slot->addr, a, 16);
		return slot;
	}
	return NULL;
}

static void numeric_of(int family, const unsigned char a[16], char *num,
		       size_t len)
{
	if (!inet_ntop(family, a, num, (socklen_t)len))
		snprintf(num, len, "?");
}

const char *resolve_pretty(void *cache, const struct sockaddr *sa,
			   socklen_t len)
{
	struct resolve_cache *c = cache;
	struct resolve_entry *slot;
	char num[INET6_ADDRSTRLEN];
	unsigned char a[16];
	int family;

	if (!sa)
		return "?";
	resolve_addr_of(sa, &family, a);
	numeric_of(family, a, num, sizeof(num));
	if (c->numeric) {
		snprintf(c->buf, sizeof(c->buf), "%s", num);
		return c->buf;
	}
	slot = resolve_find(c, family, a);
	while (slot && slot->state == RESOLVE_PENDING)
		resolve_wait(c);
	if (slot)
		return slot->text;
	slot = claim(c, family, a);
	if (!slot) {
		/* Every slot waits for an answer: look this one up alone. */
		resolve_lookup(sa, len, num, c->buf, sizeof(c->buf));
		return c->buf;
	}
	resolve_lookup(sa, len, num, slot->text, sizeof(slot->text));
	slot->state = RESOLVE_DONE;
	return slot->text;
}

bool resolve_ready(void *cache, const struct sockaddr *sa, socklen_t len)
{
	struct resolve_cache *c = cache;
	struct resolve_entry *slot;
	unsigned char a[16];
	int family;

	(void)len;
	if (!sa || c->numeric || c->w.req_fd < 0)
		return true;    /* nothing to look up, or resolve_pretty will */
	resolve_addr_of(sa, &family, a);
	slot = resolve_find(c, family, a);
	if (slot)
		return slot->state == RESOLVE_DONE;
	slot = claim(c, family, a);
	if (!slot || !resolve_ask(c, family, a))
		return true;    /* too many under way: resolve_pretty will */
	slot->state = RESOLVE_PENDING;
	c->pending++;
	return false;
}
