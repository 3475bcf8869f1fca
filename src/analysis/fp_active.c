/* The verdict of `echolot os`: the TTL bucket, then its stacks told
 * apart by the other columns of fp_table.c. */
#include <stdio.h>
#include <string.h>

#include "fp_active.h"

void fp_signals_init(struct fp_signals *s)
{
	memset(s, 0, sizeof(*s));
	s->code = FP_CODE_UNKNOWN;
	s->code_sent = s->code_got = -1;
	s->ipseq = FP_IPSEQ_UNKNOWN;
	s->df_on_df = -1;
	s->tos_sent = s->tos_got = -1;
	s->timestamp = FP_ANSWER_UNKNOWN;
	s->quote_sent = s->quoted = -1;
}

/* The quote of a Port Unreachable against the table's column: the stack
 * quotes min(its count, what we sent), or more than FP_QUOTE_ALL_MIN. */
static int quote_fits(int want, const struct fp_signals *s)
{
	if (s->quote_v6 || s->quote_sent < 0 || s->quoted < 0 ||
	    want == FP_QUOTE_UNKNOWN)
		return -1;
	if (want == FP_QUOTE_ALL)
		return s->quote_sent > FP_QUOTE_ALL_MIN ?
		       s->quoted > FP_QUOTE_ALL_MIN : -1;
	if (s->quote_sent < want)
		want = s->quote_sent;
	return s->quoted == want;
}

enum fp_ipid_pattern fp_ipid_pattern(const uint16_t *sent, const uint16_t *got,
				     size_t n)
{
	bool zero = true, copied = true, constant = true, rising = true;
	bool sent_zero = true;

	if (n < 2)
		return FP_IPSEQ_UNKNOWN;
	for (size_t i = 0; i < n; i++) {
		zero &= got[i] == 0;
		sent_zero &= sent[i] == 0;
		copied &= got[i] == sent[i];
		if (i > 0) {
			uint16_t step = (uint16_t)(got[i] - got[i - 1]);

			constant &= step == 0;
			rising &= step >= 1 && step <= FP_IPID_STEP_MAX;
		}
	}
	/* Requests with ID 0 (DF set, as Linux sends them) answered with 0:
	 * copied or zero, no telling. */
	if (zero && sent_zero)
		return FP_IPSEQ_UNKNOWN;
	/* Copied first: requests with random IDs make it unmistakable. */
	if (copied)
		return FP_IPSEQ_COPIED;
	if (zero)
		return FP_IPSEQ_ZERO;
	if (constant)
		return FP_IPSEQ_CONSTANT;
	if (rising)
		return FP_IPSEQ_INCREMENTAL;
	return FP_IPSEQ_RANDOM;
}

enum fp_ipid fp_ipid_of(enum fp_ipid_pattern p)
{
	switch (p) {
	case FP_IPSEQ_ZERO:
		return FP_IPID_ZERO;
	case FP_IPSEQ_COPIED:
		return FP_IPID_COPIED;
	case FP_IPSEQ_CONSTANT:
	case FP_IPSEQ_INCREMENTAL:
	case FP_IPSEQ_RANDOM:
		return FP_IPID_OWN;
	case FP_IPSEQ_UNKNOWN:
		break;
	}
	return FP_IPID_UNKNOWN;
}

const char *fp_ipid_pattern_name(enum fp_ipid_pattern p)
{
	switch (p) {
	case FP_IPSEQ_ZERO:
		return "zero";
	case FP_IPSEQ_COPIED:
		return "copied from the request";
	case FP_IPSEQ_CONSTANT:
		return "constant";
	case FP_IPSEQ_INCREMENTAL:
		return "incrementing";
	case FP_IPSEQ_RANDOM:
		return "random";
	case FP_IPSEQ_UNKNOWN:
		break;
	}
	return "unknown";
}

/* 1 fits, 0 contradicts, -1 cannot say. */
static int same(int have, int want, int unknown)
{
	if (have == unknown || want == unknown)
		return -1;
	return have == want;
}

int fp_signal_fits(const struct fp_stack *st, unsigned sig,
		   const struct fp_signals *s)
{
	switch (sig) {
	case FP_SIG_CODE:
		return same(s->code, st->code, FP_CODE_UNKNOWN);
	case FP_SIG_IPID:
		return same(fp_ipid_of(s->ipseq), st->ipid, FP_IPID_UNKNOWN);
	case FP_SIG_DF:
		/* Only requests with DF are sent: a stack that never sets
		 * DF answers clear, one that copies it or sets it on such a
		 * request answers set. */
		if (s->df_on_df < 0)
			return -1;
		switch (st->df) {
		case FP_DF_NEVER:
			return s->df_on_df == 0;
		case FP_DF_COPIED:
		case FP_DF_ON_DF_REQUEST:
			return s->df_on_df == 1;
		case FP_DF_UNKNOWN:
		case FP_DF_VARIES:
			break;
		}
		return -1;
	case FP_SIG_TSTAMP:
		if (st->timestamp == FP_ANSWER_VARIES)
			return -1;
		return same(s->timestamp, st->timestamp, FP_ANSWER_UNKNOWN);
	case FP_SIG_QUOTE:
		return quote_fits(st->quoted, s);
	default:
		return -1;
	}
}

static unsigned measured_sigs(const struct fp_signals *s)
{
	unsigned m = 0;

	if (s->code != FP_CODE_UNKNOWN)
		m |= FP_SIG_CODE;
	if (fp_ipid_of(s->ipseq) != FP_IPID_UNKNOWN)
		m |= FP_SIG_IPID;
	if (s->df_on_df >= 0)
		m |= FP_SIG_DF;
	if (s->timestamp == FP_ANSWER_YES || s->timestamp == FP_ANSWER_NO)
		m |= FP_SIG_TSTAMP;
	if (!s->quote_v6 && s->quote_sent >= 0 && s->quoted >= 0)
		m |= FP_SIG_QUOTE;
	return m;
}

static bool better(const struct fp_fit *a, const struct fp_fit *b)
{
	if (a->mismatch != b->mismatch)
		return a->mismatch < b->mismatch;
	return a->match > b->match;
}

static enum fp_confidence lower(enum fp_confidence c)
{
	return c > FP_CONF_LOW ? c - 1 : FP_CONF_LOW;
}

/* Score the stacks that start from initial against the signals into
 * fit[] (best first; the table's order on a tie).  Returns how many. */
static size_t score_bucket(int family, int initial, const struct fp_signals *s,
			   struct fp_fit *fit)
{
	size_t n = 0;

	for (size_t i = 0; i < fp_nstacks && n < FP_MAX_FIT; i++) {
		const struct fp_stack *st = &fp_stacks[i];
		int init = family == AF_INET6 ? st->hlim6 : st->ttl4;
		struct fp_fit *x;

		if (init != initial)
			continue;
		x = &fit[n++];
		memset(x, 0, sizeof(*x));
		x->stack = st;
		for (unsigned sig = 1; sig & FP_SIG_ALL; sig <<= 1) {
			int r = fp_signal_fits(st, sig, s);

			if (r == 1) {
				x->match++;
			} else if (r == 0) {
				x->mismatch++;
				x->mismatch_sigs |= sig;
			}
		}
	}
	/* Insertion sort: stable. */
	for (size_t i = 1; i < n; i++) {
		struct fp_fit x = fit[i];
		size_t j = i;

		while (j > 0 && better(&x, &fit[j - 1])) {
			fit[j] = fit[j - 1];
			j--;
		}
		fit[j] = x;
	}
	return n;
}

/* Some stack of the bucket fits every signal, and at least one. */
static bool clean(const struct fp_fit *fit, size_t n)
{
	return n > 0 && fit[0].mismatch == 0 && fit[0].match > 0;
}

void fp_active_verdict(const struct fp *f, int measured_hops,
		       const struct fp_signals *s, struct fp_active *a)
{
	struct fp_verdict passive;
	size_t pos = 0;

	memset(a, 0, sizeof(*a));
	fp_verdict(f, measured_hops, &a->base);
	a->confidence = a->base.confidence;
	a->label = a->base.label;
	a->measured = measured_sigs(s);
	a->passive_initial = a->passive_hops = -1;
	if (a->base.confidence == FP_CONF_NONE || a->base.initial < 0)
		return;
	a->nfit = score_bucket(a->base.family, a->base.initial, s, a->fit);

	fp_verdict(f, -1, &passive);
	if ((a->base.why & FP_WHY_MEASURED) && passive.initial >= 0 &&
	    passive.initial != a->base.initial) {
		/* A return path 4 routers longer than the forward one makes
		 * a 64 look like a 60 as well as a 60 would look: which of
		 * the two readings do the signals fit? */
		struct fp_fit pfit[FP_MAX_FIT];
		size_t pn = score_bucket(passive.family, passive.initial, s, pfit);

		a->off_passive = true;
		a->passive_initial = passive.initial;
		a->passive_hops = passive.hops;
		if (clean(pfit, pn) && !clean(a->fit, a->nfit)) {
			/* Only the reply TTL's own reading fits: take it,
			 * the measured hops being the forward path's only. */
			a->passive_won = true;
			a->passive_initial = a->base.initial;
			a->passive_hops = a->base.hops;
			a->base = passive;
			a->label = a->base.label;
			memcpy(a->fit, pfit, sizeof(pfit));
			a->nfit = pn;
		}
		if (a->passive_won || !clean(a->fit, a->nfit) || clean(pfit, pn))
			a->confidence = a->base.confidence < FP_CONF_MEDIUM ?
					a->base.confidence : FP_CONF_MEDIUM;
	}

	if (a->nfit == 0 || a->measured == 0)
		return;
	a->nbest = 1;
	while (a->nbest < a->nfit &&
	       !better(&a->fit[0], &a->fit[a->nbest]))
		a->nbest++;
	if (a->fit[0].mismatch > 0) {
		/* Every stack that starts there contradicts something: the
		 * TTL and the rest disagree (a tuned TTL, a middlebox). */
		a->contradict = true;
		a->confidence = lower(a->confidence);
		return;
	}
	if (a->nbest == a->nfit && a->nfit > 1)
		return;         /* nothing told them apart */
	a->narrowed = a->nfit > 1;
	a->label_buf[0] = '\0';
	for (size_t i = 0; i < a->nbest; i++) {
		int n = snprintf(a->label_buf + pos, sizeof(a->label_buf) - pos,
				 "%s%s", i ? "/" : "", a->fit[i].stack->family);

		if (n < 0 || (size_t)n >= sizeof(a->label_buf) - pos)
			break;
		pos += (size_t)n;
	}
	a->label = a->label_buf;
}
