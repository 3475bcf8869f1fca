/* fp: the remote operating system family from the TTL of echo replies.
 *
 * A reply arrives with the TTL (IPv4) or hop limit (IPv6) its sender
 * started with, less one per router on the way back.  Stacks start from
 * a few well-known values, so the smallest known initial value at or
 * above the observed one is the likely start, and the difference the
 * likely hop count.  The known values and who uses them are data, in
 * fp_table.c, with their sources.
 *
 * As an event consumer it records every distinct TTL with its count and
 * where the TTL changed during the run (a route change is reported, never
 * averaged away).  fp_verdict() turns that into a family, an initial TTL,
 * a hop count and a confidence; it optionally takes a hop count measured
 * on the forward path (TTL-limited probes, the future `echolot os`). */
#ifndef ECHOLOT_FP_H
#define ECHOLOT_FP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../engine/event.h"

/* ------------------------------------------------------------ the data */

/* Echo code: whether an echo reply carries the code of the request when
 * the request's code is not zero (Xprobe2 icmp_echo_code, nmap IE CD). */
enum fp_code {
	FP_CODE_UNKNOWN,
	FP_CODE_ECHOED,
	FP_CODE_ZEROED,
};

/* IP ID of ICMP replies (Xprobe2 icmp_echo_ip_id). */
enum fp_ipid {
	FP_IPID_UNKNOWN,
	FP_IPID_OWN,            /* its own, non-zero ("!0") */
	FP_IPID_COPIED,         /* the request's ID sent back ("SENT") */
	FP_IPID_ZERO,
};

/* DF on echo replies.  Xprobe2 sends its request with DF set; nmap's IE
 * test sends one with DF and one without (DFI). */
enum fp_df {
	FP_DF_UNKNOWN,
	FP_DF_NEVER,            /* clear even when the request had DF */
	FP_DF_COPIED,           /* as in the request (nmap DFI=S) */
	FP_DF_ON_DF_REQUEST,    /* set when the request had DF; whether it
	                           is copied or always set is not known */
	FP_DF_VARIES,           /* differs between versions */
};

enum fp_answer {
	FP_ANSWER_UNKNOWN,
	FP_ANSWER_NO,
	FP_ANSWER_YES,
	FP_ANSWER_VARIES,       /* differs between versions */
};

/* Bytes of the offending datagram quoted in an ICMP error after its IP
 * header: a count, or one of these. */
#define FP_QUOTE_UNKNOWN 0
#define FP_QUOTE_ALL     (-1)   /* the whole datagram, as far as fits */

/* One stack's behaviour (fp_table.c; each row cites its sources). */
struct fp_stack {
	const char *family;     /* "Linux" */
	const char *versions;   /* the versions the sources observed */
	int ttl4;               /* initial TTL of its ICMPv4 echo replies */
	int hlim6;              /* initial IPv6 hop limit, 0 when unknown */
	enum fp_code code;
	enum fp_ipid ipid;
	enum fp_df df;
	enum fp_answer timestamp;       /* answers ICMP timestamp requests */
	int quoted;             /* FP_QUOTE_* or a byte count */
};

extern const struct fp_stack fp_stacks[];
extern const size_t fp_nstacks;

/* The initial TTLs the verdict knows, ascending, each with the family
 * name a verdict prints for it. */
struct fp_initial {
	int ttl;
	const char *label;
};

extern const struct fp_initial fp_initials[];
extern const size_t fp_ninitials;

/* ------------------------------------------------------- the consumer */

#define FP_MAX_TTLS 8           /* distinct TTLs kept with their counts */
#define FP_MAX_HOPS 30          /* more hops than this is implausible */

struct fp_ttl {
	int ttl;
	uint64_t count;
	uint16_t first_seq;     /* icmp_seq of its first reply */
};

struct fp {
	int family;             /* AF_INET / AF_INET6 of the replies, or 0 */
	uint64_t replies;       /* replies with a TTL */
	uint64_t no_ttl;        /* replies whose TTL the kernel did not give */
	struct fp_ttl ttls[FP_MAX_TTLS];        /* in order of appearance */
	size_t nttls;
	uint64_t other;         /* replies with a TTL beyond ttls[] */
	int last_ttl;           /* of the previous reply, -1 before the first */
	uint64_t changes;       /* replies whose TTL differed from the one before */
	uint16_t change_seq;    /* the first change: at this icmp_seq, */
	int change_from, change_to;     /* from this TTL to that one */
};

void fp_init(struct fp *f);
/* One reply's TTL (0..255; anything else is ignored). */
void fp_add(struct fp *f, uint16_t seq, int ttl);
/* An event sink (ctx is a struct fp): good, first, non-foreign replies. */
void fp_on_event(void *ctx, const struct event *ev);

/* The smallest known initial TTL >= ttl, or -1 when ttl is not 0..255. */
int fp_initial_ttl(int ttl);
/* The label fp_initials gives an initial TTL, or NULL. */
const char *fp_label(int initial);

/* ------------------------------------------------------------ verdict */

enum fp_confidence {
	FP_CONF_NONE,           /* nothing to go on */
	FP_CONF_LOW,
	FP_CONF_MEDIUM,
	FP_CONF_HIGH,
};

/* Why the confidence is what it is; several may hold. */
enum {
	FP_WHY_AMBIGUOUS   = 1 << 0,    /* another initial TTL fits as well */
	FP_WHY_FAR         = 1 << 1,    /* the hop count is implausible */
	FP_WHY_CHANGED     = 1 << 2,    /* the TTL changed during the run */
	FP_WHY_DISAGREE    = 1 << 3,    /* replies point to different initials */
	FP_WHY_MEASURED    = 1 << 4,    /* the measured hops settle it */
	FP_WHY_MISMATCH    = 1 << 5,    /* the measured hops do not fit */
	FP_WHY_RARE        = 1 << 6,    /* initial 32: rare these days */
};

struct fp_verdict {
	enum fp_confidence confidence;
	unsigned why;           /* FP_WHY_* */
	int family;             /* AF_INET / AF_INET6, 0 when unknown */
	uint64_t replies;       /* replies with a TTL */
	uint64_t no_ttl;        /* replies without one */
	const char *label;      /* "Linux/Unix"; NULL with FP_CONF_NONE */
	int ttl;                /* the TTL the estimate rests on (the most
	                           frequent, the earliest on a tie) */
	int initial;            /* estimated initial TTL, -1 when none */
	int hops;               /* estimated hops back, -1 when none */
	int alt_initial;        /* FP_WHY_AMBIGUOUS: the other candidate */
	int alt_hops;
	int other_initial;      /* FP_WHY_DISAGREE: another initial seen */
	/* FP_WHY_CHANGED: the first change and how many there were */
	uint16_t change_seq;
	int change_from, change_to;
	uint64_t changes;
	int measured_hops;      /* as given, -1 when none */
	int measured_initial;   /* ttl + measured_hops */
};

/* measured_hops: hops on the forward path measured by TTL-limited probes
 * (0..255), or -1.  When ttl + measured_hops is a known initial TTL the verdict
 * rests on it; when not, on the estimate, one step less sure. */
void fp_verdict(const struct fp *f, int measured_hops, struct fp_verdict *v);

/* "high", "medium", "low", "none" */
const char *fp_confidence_name(enum fp_confidence c);

#endif
