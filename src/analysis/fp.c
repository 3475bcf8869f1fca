/* Remote OS family from reply TTLs: the records and the verdict. */
#include <string.h>

#include "fp.h"

void fp_init(struct fp *f)
{
	memset(f, 0, sizeof(*f));
	f->last_ttl = -1;
	f->change_from = f->change_to = -1;
}

void fp_add(struct fp *f, uint16_t seq, int ttl)
{
	size_t i;

	if (ttl < 0 || ttl > 255)
		return;
	f->replies++;
	if (f->last_ttl >= 0 && ttl != f->last_ttl) {
		if (f->changes == 0) {
			f->change_seq = seq;
			f->change_from = f->last_ttl;
			f->change_to = ttl;
		}
		f->changes++;
	}
	f->last_ttl = ttl;
	for (i = 0; i < f->nttls; i++) {
		if (f->ttls[i].ttl == ttl) {
			f->ttls[i].count++;
			return;
		}
	}
	if (f->nttls < FP_MAX_TTLS) {
		f->ttls[f->nttls].ttl = ttl;
		f->ttls[f->nttls].count = 1;
		f->ttls[f->nttls].first_seq = seq;
		f->nttls++;
	} else {
		f->other++;
	}
}

void fp_on_event(void *ctx, const struct event *ev)
{
	struct fp *f = ctx;

	/* A duplicate or a stranger's answer says nothing about the path
	 * of this target's own replies. */
	if (ev->type != EV_REPLY || ev->bad_cksum || ev->bad_tag || ev->dup ||
	    ev->other_addr)
		return;
	f->family = ev->family;
	if (ev->ttl < 0) {
		f->no_ttl++;
		return;
	}
	fp_add(f, ev->seq, ev->ttl);
}

int fp_initial_ttl(int ttl)
{
	size_t i;

	if (ttl < 0 || ttl > 255)
		return -1;
	for (i = 0; i < fp_ninitials; i++)
		if (fp_initials[i].ttl >= ttl)
			return fp_initials[i].ttl;
	return -1;
}

const char *fp_label(int initial)
{
	size_t i;

	for (i = 0; i < fp_ninitials; i++)
		if (fp_initials[i].ttl == initial)
			return fp_initials[i].label;
	return NULL;
}

const char *fp_confidence_name(enum fp_confidence c)
{
	switch (c) {
	case FP_CONF_HIGH:
		return "high";
	case FP_CONF_MEDIUM:
		return "medium";
	case FP_CONF_LOW:
		return "low";
	case FP_CONF_NONE:
		break;
	}
	return "none";
}

static enum fp_confidence lower(enum fp_confidence c)
{
	return c > FP_CONF_LOW ? c - 1 : FP_CONF_LOW;
}

/* The estimate that initial TTL init gives a reply of TTL ttl: the hop
 * count and how sure. */
static enum fp_confidence estimate(struct fp_verdict *v, int init, int ttl)
{
	v->initial = init;
	v->hops = init - ttl;
	if (v->hops > FP_MAX_HOPS) {
		v->why |= FP_WHY_FAR;
		return FP_CONF_LOW;
	}
	if (init == 60) {
		/* 60 and 64 are 4 apart: whatever fits 60 fits 64 four hops
		 * further away.  64 is what almost every stack uses, 60 a few
		 * obscure ones (fp_table.c), so 64 it is unless that is too
		 * far; either way the other is named. */
		v->why |= FP_WHY_AMBIGUOUS;
		if (64 - ttl <= FP_MAX_HOPS) {
			v->initial = 64;
			v->hops = 64 - ttl;
			v->alt_initial = 60;
			v->alt_hops = 60 - ttl;
		} else {
			v->alt_initial = 64;
			v->alt_hops = 64 - ttl;
		}
		return FP_CONF_MEDIUM;
	}
	if (init == 32) {
		/* Rare these days (Windows 95); 60 may fit as well. */
		v->why |= FP_WHY_RARE;
		if (60 - ttl <= FP_MAX_HOPS) {
			v->why |= FP_WHY_AMBIGUOUS;
			v->alt_initial = 60;
			v->alt_hops = 60 - ttl;
		}
		return FP_CONF_MEDIUM;
	}
	return FP_CONF_HIGH;
}

void fp_verdict(const struct fp *f, int measured_hops, struct fp_verdict *v)
{
	enum fp_confidence conf;
	const struct fp_ttl *best;
	int maxttl, init;
	size_t i;

	memset(v, 0, sizeof(*v));
	v->family = f->family;
	v->replies = f->replies;
	v->no_ttl = f->no_ttl;
	v->ttl = v->initial = v->hops = -1;
	v->alt_initial = v->alt_hops = v->other_initial = -1;
	v->change_from = v->change_to = -1;
	/* No TTL-limited probe measures more than 255 hops. */
	v->measured_hops = measured_hops < 0 || measured_hops > 255 ? -1 :
			   measured_hops;
	v->measured_initial = -1;
	if (f->nttls == 0) {
		v->confidence = FP_CONF_NONE;
		return;
	}

	/* The hop count rests on the most frequent TTL (on a tie the
	 * earliest: ttls[] is in order of appearance); the initial TTL on
	 * the highest, which must fit every reply: after a route change
	 * 61 and 60 both come from 64. */
	best = &f->ttls[0];
	maxttl = best->ttl;
	for (i = 1; i < f->nttls; i++) {
		if (f->ttls[i].count > best->count)
			best = &f->ttls[i];
		if (f->ttls[i].ttl > maxttl)
			maxttl = f->ttls[i].ttl;
	}
	v->ttl = best->ttl;
	init = fp_initial_ttl(maxttl);
	/* Replies no single initial TTL explains (a TTL of another initial,
	 * and too far below this one) contradict each other: then the most
	 * frequent TTL alone decides, with little confidence. */
	for (i = 0; i < f->nttls; i++) {
		int b = fp_initial_ttl(f->ttls[i].ttl);

		if (b != init && init - f->ttls[i].ttl > FP_MAX_HOPS) {
			v->why |= FP_WHY_DISAGREE;
			break;
		}
	}
	if (v->why & FP_WHY_DISAGREE)
		init = fp_initial_ttl(best->ttl);
	conf = estimate(v, init, best->ttl);
	if (v->why & FP_WHY_DISAGREE) {
		/* The initial TTL of the first reply the estimate does not
		 * explain. */
		for (i = 0; i < f->nttls && v->other_initial < 0; i++) {
			int t = f->ttls[i].ttl;

			if (t > v->initial || v->initial - t > FP_MAX_HOPS)
				v->other_initial = fp_initial_ttl(t);
		}
	}

	if (v->measured_hops >= 0) {
		v->measured_initial = best->ttl + v->measured_hops;
		/* (Below a TTL actually seen it cannot be, unless the
		 * replies contradict each other anyway.) */
		if (fp_label(v->measured_initial) &&
		    (v->measured_initial >= maxttl ||
		     (v->why & FP_WHY_DISAGREE))) {
			/* The forward path says where the TTL started: no
			 * bucket guess needed. */
			v->initial = v->measured_initial;
			v->hops = v->measured_hops;
			v->why = (v->why & FP_WHY_DISAGREE) | FP_WHY_MEASURED;
			v->alt_initial = v->alt_hops = -1;
			conf = FP_CONF_HIGH;
		} else {
			/* An asymmetric path, or a middlebox rewriting the
			 * TTL: keep the estimate, trust it less. */
			v->why |= FP_WHY_MISMATCH;
			conf = lower(conf);
		}
	}

	if (v->why & FP_WHY_DISAGREE)
		conf = FP_CONF_LOW;
	else if ((f->nttls > 1 || f->other) && conf > FP_CONF_MEDIUM)
		conf = FP_CONF_MEDIUM;     /* one path changed under us */
	if (f->changes) {
		v->why |= FP_WHY_CHANGED;
		v->change_seq = f->change_seq;
		v->change_from = f->change_from;
		v->change_to = f->change_to;
		v->changes = f->changes;
	}
	v->label = fp_label(v->initial);
	v->confidence = conf;
}
