/* Socket addresses as bytes: the address part of a sockaddr, comparisons,
 * ports, and the 16-byte form the engine keeps targets in (IPv4 as
 * ::ffff:a.b.c.d).  Pure functions, no I/O; the one home of these helpers. */
#ifndef ECHOLOT_WIRE_ADDR_H
#define ECHOLOT_WIRE_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* The address bytes of an AF_INET / AF_INET6 sockaddr (4 or 16 of them),
 * NULL for any other family. */
static inline const uint8_t *wire_sa_bytes(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET6)
		return ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
	if (sa->sa_family == AF_INET)
		return (const uint8_t *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	return NULL;
}

static inline size_t wire_family_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static inline socklen_t wire_sa_len(int family)
{
	return family == AF_INET6 ? sizeof(struct sockaddr_in6) :
				    sizeof(struct sockaddr_in);
}

/* Is sa an address of family equal to the 4 or 16 bytes at b? */
static inline bool wire_sa_is(const struct sockaddr *sa, int family,
			      const void *b)
{
	return sa->sa_family == family &&
	       memcmp(wire_sa_bytes(sa), b, wire_family_len(family)) == 0;
}

/* Do two sockaddrs name the same address (ports and scope aside)? */
static inline bool wire_sa_equal(const struct sockaddr *a,
				 const struct sockaddr *b)
{
	return (a->sa_family == AF_INET || a->sa_family == AF_INET6) &&
	       wire_sa_is(a, b->sa_family, wire_sa_bytes(b));
}

static inline uint16_t wire_sa_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
	return ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port);
}

static inline void wire_sa_set_port(struct sockaddr *sa, uint16_t port)
{
	if (sa->sa_family == AF_INET6)
		((struct sockaddr_in6 *)(void *)sa)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)(void *)sa)->sin_port = htons(port);
}

/* The 16-byte form: IPv6 as is, IPv4 mapped (::ffff:a.b.c.d). */
static inline void wire_addr16_from(uint8_t out[16], int family, const void *b)
{
	if (family == AF_INET6) {
		memcpy(out, b, 16);
		return;
	}
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, b, 4);
}

/* A sockaddr of family from the 16-byte form (port 0; scope_id for a
 * link-local IPv6 address).  Returns its length. */
static inline socklen_t wire_addr16_to_sa(const uint8_t a[16], int family,
					  uint32_t scope_id,
					  struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)family;
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		memcpy(&s6->sin6_addr, a, 16);
		s6->sin6_scope_id = scope_id;
		return sizeof(*s6);
	}
	memcpy(&((struct sockaddr_in *)ss)->sin_addr, a + 12, 4);
	return sizeof(struct sockaddr_in);
}

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d) in ss becomes the IPv4
 * one, with *len; true if it was one.  Nothing on a real network has such
 * an address: a tool is given one and means the IPv4 host. */
static inline bool wire_sa_unmap4(struct sockaddr_storage *ss, socklen_t *len)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	struct sockaddr_in s4;

	if (ss->ss_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		return false;
	memset(&s4, 0, sizeof(s4));
	s4.sin_family = AF_INET;
	s4.sin_port = s6->sin6_port;
	memcpy(&s4.sin_addr, s6->sin6_addr.s6_addr + 12, 4);
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, &s4, sizeof(s4));
	*len = sizeof(s4);
	return true;
}

/* Does the 16-byte form hold the 4 or 16 bytes b of family? */
static inline bool wire_addr16_is(const uint8_t a[16], int family, const void *b)
{
	return memcmp(family == AF_INET6 ? a : a + 12, b,
		      wire_family_len(family)) == 0;
}

#endif
