/* fp_active: what the active probes of `echolot os` add to the TTL
 * verdict of fp.h.  The initial TTL says which bucket of fp_table.c a
 * stack is in (64: Linux, FreeBSD, macOS; 255: Cisco IOS, Solaris,
 * OpenBSD, ...); the other columns of that table (the code of an echo
 * reply, its IP ID, its DF bit, timestamp replies, how much of a
 * datagram a Port Unreachable quotes) tell the members of a
 * bucket apart.  Pure: signals in, verdict out. */
#ifndef ECHOLOT_FP_ACTIVE_H
#define ECHOLOT_FP_ACTIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fp.h"

/* The IP IDs of replies, against those of the requests. */
enum fp_ipid_pattern {
	FP_IPSEQ_UNKNOWN,       /* fewer than two replies with an IP header */
	FP_IPSEQ_ZERO,          /* every reply 0 */
	FP_IPSEQ_COPIED,        /* every reply carries its request's ID */
	FP_IPSEQ_CONSTANT,      /* one non-zero value throughout */
	FP_IPSEQ_INCREMENTAL,   /* rising by small steps (a counter) */
	FP_IPSEQ_RANDOM,        /* none of these */
};

/* A rise of at most this much between two replies counts as a counter
 * (a global counter on a busy host moves on between our probes). */
#define FP_IPID_STEP_MAX 1024

/* The pattern of n (request ID, reply ID) pairs in order of arrival.  The
 * requests' IDs should be random and non-zero, or a stack that copies
 * them looks like one that counts or sends 0. */
enum fp_ipid_pattern fp_ipid_pattern(const uint16_t *sent, const uint16_t *got,
				     size_t n);
/* The fp_table.c column value a pattern stands for. */
enum fp_ipid fp_ipid_of(enum fp_ipid_pattern p);
/* "zero", "copied from the request", "constant", "incrementing", ... */
const char *fp_ipid_pattern_name(enum fp_ipid_pattern p);

/* What the probes saw.  Anything not measured stays at its "unknown"
 * value (the enum's UNKNOWN, or -1). */
struct fp_signals {
	/* An echo request with a non-zero code: the reply's code. */
	enum fp_code code;
	int code_sent, code_got;        /* -1 when not measured */
	/* IP IDs of the replies (IPv4, raw socket). */
	enum fp_ipid_pattern ipseq;
	/* DF of the reply to a request that had DF set (IPv4, raw). */
	int df_on_df;                   /* -1, 0 clear, 1 set */
	/* TOS / traffic class: what we sent and what came back (no column
	 * in the table: shown, not scored). */
	int tos_sent, tos_got;
	/* ICMP timestamp request (IPv4): answered or not. */
	enum fp_answer timestamp;
	/* A UDP datagram to a closed port: how many bytes after its IP
	 * header the Port Unreachable quoted (the table's "quoted" column,
	 * Xprobe2's icmp_unreach_echoed_dtsize).  quote_sent: the bytes
	 * after the IP header we sent, -1 when not probed; quoted: -1 when
	 * nothing came back (port open, rate limit, filter: not scored).
	 * The column is about IPv4: over IPv6 (quote_v6) shown, not scored. */
	int quote_sent, quoted;
	bool quote_v6;
};

void fp_signals_init(struct fp_signals *s);

/* The signals, one bit each. */
enum {
	FP_SIG_CODE = 1 << 0,
	FP_SIG_IPID = 1 << 1,
	FP_SIG_DF = 1 << 2,
	FP_SIG_TSTAMP = 1 << 3,
	FP_SIG_QUOTE = 1 << 4,
};
#define FP_SIG_ALL (FP_SIG_CODE | FP_SIG_IPID | FP_SIG_DF | FP_SIG_TSTAMP | \
		    FP_SIG_QUOTE)

/* A stack that quotes "the whole datagram, as far as fits"
 * (FP_QUOTE_ALL, Xprobe2's ">64") quotes more than this many bytes after
 * the IP header of a datagram longer than that. */
#define FP_QUOTE_ALL_MIN 64

/* Does stack st fit signal sig: 1 yes, 0 no, -1 when the signal was not
 * measured or the table does not say (unknown, or varies by version). */
int fp_signal_fits(const struct fp_stack *st, unsigned sig,
		   const struct fp_signals *s);

/* One stack of the bucket and how well it fits. */
struct fp_fit {
	const struct fp_stack *stack;
	unsigned match;         /* signals it fits */
	unsigned mismatch;      /* signals it contradicts */
	unsigned mismatch_sigs; /* FP_SIG_* of those */
};

#define FP_MAX_FIT 16

struct fp_active {
	struct fp_verdict base; /* the TTL verdict, measured hops included */
	enum fp_confidence confidence;
	const char *label;      /* what to call it: base.label, or the
	                           stack(s) the signals single out */
	char label_buf[96];
	unsigned measured;      /* FP_SIG_* that were measured */
	struct fp_fit fit[FP_MAX_FIT];  /* the bucket's stacks, best first */
	size_t nfit;
	size_t nbest;           /* how many share the best fit */
	bool narrowed;          /* the signals narrowed the bucket down */
	bool contradict;        /* no stack of the bucket fits every signal */
	/* The measured hop count moved the verdict off what the reply TTL
	 * alone suggests (a rare initial such as 60 instead of 64, or the
	 * reverse): either that, or a return path longer or shorter than
	 * the forward one by just the difference.  Less sure, and the
	 * other reading is named. */
	bool off_passive;
	int passive_initial, passive_hops;      /* the other reading */
	/* ... and the signals fit only the reply TTL's own reading: the
	 * verdict is that one, and passive_* is the measured one. */
	bool passive_won;
};

/* The TTL verdict (fp_verdict with measured_hops; off_passive when it
 * differs from fp_verdict without: medium at most, unless the signals
 * fit its bucket and not the other; when they fit only the other, that
 * one is the verdict, passive_won), then the stacks of its
 * bucket (fp_stacks rows whose ttl4, or hlim6 for IPv6, is the initial
 * TTL) scored against the signals: the fewest contradictions, then the
 * most agreements.  One best stack that contradicts nothing names the
 * verdict; several name it together ("FreeBSD/macOS"); when every stack
 * contradicts some signal the bucket's label stays, one step less sure. */
void fp_active_verdict(const struct fp *f, int measured_hops,
		       const struct fp_signals *s, struct fp_active *a);

#endif
